import CaseworkCore
import Foundation
import Synchronization
import TerminalKit

/// The team store: one PostgreSQL database a whole team shares. Who is
/// acting is the database session's own role (`session_user`, from peer
/// authentication on the server or TLS from a laptop), never a name the
/// client claims: the `by actor` arguments of `CaseStore` are ignored here.
/// Row-level security decides what each role sees, and every write goes
/// through a function of the schema that checks the caller, writes the
/// version and extends the audit chain in the same transaction
/// (`PostgresSchema`). The client computes flags inside that transaction.
public final class PostgresCaseStore: CaseStore, @unchecked Sendable {
    /// The connection string as given (a `postgresql://` URI or libpq keywords).
    public let address: String
    /// The settings each of the store's sessions runs with (SQL), for tools that replay its statements.
    public static var sessionSettings: String { PGConnection.sessionSettings }
    /// The database role this session is, as the server authenticated it.
    public let sessionUser: String
    let settings: FlagSettings
    let engineBox: Mutex<FlagEngine>
    let storedPolicy = Mutex<String??>(nil)
    /// Guards `connection`: libpq connections are used by one thread at a time.
    private let lock = NSLock()
    private let connection: PGConnection

    public var engine: FlagEngine { engineBox.withLock { $0 } }

    /// Connects to a set-up team store. `sqlTrace` is given every statement
    /// run, with its values, for benchmarks that replay it in psql; never for logs.
    public init(address: String, settings: FlagSettings, sqlTrace: (@Sendable (String) -> Void)? = nil) throws(StoreError) {
        self.address = address
        self.settings = settings
        engineBox = Mutex(FlagEngine(policy: settings.defaultPolicy, guidance: settings.guidance))
        connection = try PGConnection(address)
        connection.trace = sqlTrace
        do {
            sessionUser = try connection.sessionUser()
            guard try connection.query("SELECT to_regclass('casework.meta') IS NOT NULL").scalar == "t" else {
                throw StoreError.notInitialised(path: "\(Self.describe(address)) (an IT person sets it up with `casework server setup`)")
            }
            let applied = Set(try connection.query("SELECT id FROM casework.schema_migration").rows.compactMap { $0[0] })
            let known = Set(PostgresSchema.migrations.map(\.id))
            if !applied.subtracting(known).isEmpty {
                throw StoreError.invalid("the team store was made by a newer casework; upgrade casework to use it")
            }
            if !known.subtracting(applied).isEmpty {
                throw StoreError.invalid("the team store needs its schema brought up to date: the administrator runs `casework server migrate`")
            }
        } catch {
            throw Self.map(error)
        }
        try transaction { db in try self.followStoredPolicy(db) }
    }

    /// The address with any password (and, `withUser: false`, the user) left out, for messages.
    public static func describe(_ address: String, withUser: Bool = true) -> String {
        guard var parts = URLComponents(string: address), address.contains("://") else {
            return address.split(separator: " ").filter { p in
                !p.lowercased().hasPrefix("password") && (withUser || !p.lowercased().hasPrefix("user"))
            }.joined(separator: " ")
        }
        parts.password = nil
        if !withUser { parts.user = nil }
        return parts.string ?? "the team store"
    }

    // MARK: - Plumbing

    static func map(_ error: Error) -> StoreError {
        if let e = error as? StoreError { return e }
        guard let e = error as? PGError else { return .storage(String(describing: type(of: error))) }
        let m = Sanitiser.clean(e.message)
        func pair() -> (String, String) {
            let p = e.message.split(separator: "\u{1F}", maxSplits: 1).map { Sanitiser.clean(String($0)) }
            return (p.first ?? m, p.count > 1 ? p[1] : "")
        }
        switch e.sqlState {
        case "CW001": return .caseNotFound(m)
        case "CW002": return .forbidden(m)
        case "CW003": return .invalid(m)
        case "CW004": let (c, r) = pair(); return .recordNotFound(caseId: c, recordId: r)
        case "CW005": let (c, r) = pair(); return .recordExists(caseId: c, recordId: r)
        case "CW006": return .caseExists(m)
        case "CW007": return .notRegistered(user: m)
        case "42501": return .forbidden("the team store refused this: your database role may not do it")
        case "40001", "40P01", "55P03", "57014": return .busy
        case "53100": return .full
        case "25006": return .readOnly(path: "the team store")
        case "3F000", "42P01", "42883": return .storage("the team store is not set up, or needs `casework server migrate` (\(e.sqlState))")
        case let s where s.hasPrefix("08"): return .storage("lost the connection to the team store; nothing was saved, try again")
        default: return .storage("PostgreSQL error \(e.sqlState) (the server's log says why)")
        }
    }

    /// One transaction on the store's connection; retried when the server
    /// chose it as a deadlock or serialisation victim.
    @discardableResult
    func transaction<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        connection.reconnectIfNeeded()
        var attempt = 0
        while true {
            do {
                try connection.query("BEGIN")
                let value = try body(connection)
                try connection.query("COMMIT")
                return value
            } catch {
                _ = try? connection.query("ROLLBACK")
                if let pg = error as? PGError, pg.sqlState == "40001" || pg.sqlState == "40P01", attempt < 4 {
                    attempt += 1
                    continue
                }
                throw Self.map(error)
            }
        }
    }

    /// Takes up the policy stored in the team store. A user's own policy file
    /// never applies here: the team's flags follow the team's policy.
    func followStoredPolicy(_ db: PGConnection) throws {
        let policy = try db.query("SELECT value FROM casework.meta WHERE key = 'policy'").scalar
        let basis = try db.query("SELECT value FROM casework.meta WHERE key = 'flagBasis'").scalar
        let stored = (policy ?? "") + "\u{1E}" + (basis ?? "")
        if case .some(let taken) = storedPolicy.withLock({ $0 }), taken == stored { return }
        let engine = try settings.engine(basis: basis, policy: policy)
        engineBox.withLock { $0 = engine }
        storedPolicy.withLock { $0 = .some(stored) }
    }

    static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// A text[] literal.
    static func array(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    static func recordsJSON(_ records: [CaseRecord]) -> String {
        json(records.map { ["id": $0.id, "kind": $0.kind.rawValue, "body": $0.body()] })
    }

    static func flagsJSON(_ flags: [Flag]) -> String {
        json(flags.map { f -> [String: Any] in
            ["recordId": f.recordId, "rule": f.rule, "severity": f.severity.rawValue, "rank": f.severity.rank,
             "field": f.field ?? NSNull(), "message": f.message, "source": f.source,
             "dueFrom": f.dueFrom?.description ?? NSNull(), "status": f.status.rawValue,
             "reviewId": f.reviewId ?? NSNull(), "returnedIn": f.returnedIn ?? NSNull()]
        })
    }

    /// A case from rows of (kind, body[, version]) in order.
    static func decodeCase(_ rows: [[String?]], _ caseId: String) throws -> Case {
        try decodeCase(rows.map { (kind: $0[0] ?? "", body: $0[1] ?? "") }, caseId)
    }

    /// A case from its records' kinds and bodies in order.
    static func decodeCase(_ rows: [(kind: String, body: String)], _ caseId: String) throws -> Case {
        guard let c = try Case(rows: rows, storedAs: caseId) else { throw StoreError.caseNotFound(caseId) }
        return c
    }

    static func validated(_ c: Case) throws(StoreError) -> Case { try StoreRules.validated(c, today: Day(Date())) }

    static func manualFlags(_ db: PGConnection, caseIds: [String]) throws -> [String: [ManualFlag]] {
        var out: [String: [ManualFlag]] = [:]
        let rows = try db.query("SELECT * FROM casework.manual_flags($1::text[])", [array(caseIds)])
        for r in rows {
            out[r[0] ?? "", default: []].append(
                ManualFlag(recordId: r[1] ?? "", severity: try Stored.severity(r[2], "manual_flag"), reason: r[3] ?? "",
                           raisedBy: r[4] ?? "", raisedAt: try Stored.time(r[5], "manual_flag", "raised_at")))
        }
        return out
    }

    /// Computes the case's flags and, when they differ from what is stored,
    /// stores them (an audited change) in the same transaction.
    @discardableResult
    func storeFlags(_ db: PGConnection, _ c: Case) throws -> Bool {
        try followStoredPolicy(db)
        let manual = try Self.manualFlags(db, caseIds: [c.id])[c.id] ?? []
        let flags = engine.flags(for: c, manual: manual)
        if Self.same(try Self.storedFlags(db, [c.id])[c.id] ?? [], flags, c) { return false }
        return try db.query("SELECT casework.store_flags($1, $2::jsonb)", [c.id, Self.flagsJSON(flags)]).scalar == "t"
    }

    func requireMe(_ db: PGConnection) throws -> User {
        try Self.user(db, sessionUser)
    }

    static func user(_ db: PGConnection, _ name: String) throws -> User {
        let rows = try db.query("SELECT \(userColumns) FROM casework.app_user WHERE name = $1 AND removed_at IS NULL", [name])
        guard let row = rows.first, let found = userRow(row), let role = found.role else { throw StoreError.notRegistered(user: name) }
        return User(name: name, role: role, teams: found.teams)
    }

    /// A registered user's name, casework role (from the database's role memberships) and teams.
    static let userColumns = """
        name, casework.role_of(name),
        coalesce((SELECT array_to_json(array_agg(team ORDER BY team))::text FROM casework.user_team WHERE user_name = name), '[]')
        """

    static func userRow(_ r: [String?]) -> (name: String, role: Role?, teams: [String])? {
        guard let name = r[0] else { return nil }
        let teams = (try? JSONSerialization.jsonObject(with: Data((r[2] ?? "[]").utf8))) as? [String] ?? []
        return (name, r[1].flatMap(Role.init(rawValue:)), teams)
    }

    static let summaryColumns = "id, title, child_name, worker, team, opened, closed, last_activity"

    static func summary(_ r: [String?]) throws(StoreError) -> CaseSummary {
        CaseSummary(id: r[0] ?? "", title: r[1] ?? "", childName: r[2] ?? "", worker: r[3] ?? "", team: r[4],
                    opened: try Stored.day(r[5], "case_file", "opened"), closed: try Stored.optional(r[6], Day.init, "case_file", "closed"),
                    lastActivity: try Stored.time(r[7], "case_file", "last_activity"))
    }

    /// What `entry` reads, by position: the flag's columns, then the returning review's body and when it was read.
    static let flagColumns = """
        f.case_id, f.record_id, f.rule, f.severity, f.field, f.message, f.source, f.due_from, f.status, f.review_id,
        f.returned_in, f.worker, f.team, f.since
        """
    static let entryColumns = flagColumns + """
        , r.body, CASE WHEN f.returned_in IS NULL THEN NULL ELSE casework.returned_read_at(f.case_id, f.returned_in) END
        """

    static func entry(_ row: [String?]) throws(StoreError) -> FlagEntry {
        let flag = Flag(rule: row[2] ?? "", severity: try Stored.severity(row[3], "flag"), caseId: row[0] ?? "",
                        recordId: row[1] ?? "", field: row[4], message: row[5] ?? "", source: row[6] ?? "",
                        dueFrom: try Stored.optional(row[7], Day.init, "flag", "due_from"),
                        status: try Stored.value(row[8], FlagStatus.init(rawValue:), "flag", "status"),
                        reviewId: row[9], returnedIn: row[10])
        var returned: Review?
        if let body = row[14], case .review(let r)? = try? CaseRecord.decode(kind: .review, body: body) { returned = r }
        let read = row.count > 15 ? try Stored.optional(row[15], Timestamp.init, "audit", "at") : nil
        return FlagEntry(flag: flag, worker: row[11] ?? "", team: row[12],
                         since: try Stored.time(row[13], "flag", "since"), returned: returned, returnedRead: read)
    }

    /// Open flags due on a day (`$n` is the day).
    static func openOn(_ n: Int) -> String { "f.status = 'open' AND (f.due_from IS NULL OR f.due_from <= $\(n))" }
}

// MARK: - CaseStore

extension PostgresCaseStore {
    public func identity(claimed: String) throws(StoreError) -> String { sessionUser }

    public func initialise(by user: String) throws(StoreError) -> Bool {
        throw .invalid("a team store is set up once by an IT person: `sudo -u postgres casework server setup --store \(Self.describe(address)) --admin NAME`")
    }

    public func user(named name: String) throws(StoreError) -> User {
        try transaction { db in try Self.user(db, name) }
    }

    public func addUser(_ user: User, by actor: String) throws(StoreError) {
        try StoreRules.checkUser(user)
        try transaction { db in
            try db.query("SELECT casework.add_user($1, $2, $3::text[])", [user.name, user.role.rawValue, Self.array(user.teams)])
        }
    }

    public func removeUser(_ name: String, by actor: String) throws(StoreError) {
        try transaction { db in try db.query("SELECT casework.remove_user($1)", [name]) }
    }

    public func setRole(_ name: String, _ role: Role, by actor: String) throws(StoreError) {
        try transaction { db in try db.query("SELECT casework.set_user_role($1, $2)", [name, role.rawValue]) }
    }

    public func setTeams(_ name: String, _ teams: [String], by actor: String) throws(StoreError) {
        try StoreRules.checkTeams(teams)
        try transaction { db in try db.query("SELECT casework.set_user_teams($1, $2::text[])", [name, Self.array(teams)]) }
    }

    public func users(by actor: String) throws(StoreError) -> [User] {
        try transaction { db in
            let me = try requireMe(db)
            return StoreRules.peopleSeen(by: me, try db.query("SELECT \(Self.userColumns) FROM casework.app_user WHERE removed_at IS NULL ORDER BY name").rows
                .compactMap(Self.userRow).map { User(name: $0.name, role: $0.role ?? .worker, teams: $0.teams) })
        }
    }

    public func importCases(_ cases: [Case], replace: Bool, by actor: String) throws(StoreError) -> [ImportOutcome] {
        try StoreRules.checkImport(cases)
        for c in cases { _ = try Self.validated(c) }
        return try transaction { db in
            _ = try requireMe(db)
            var outcomes: [ImportOutcome] = []
            for c in cases {
                // Under row-level security a case the user cannot see reads as missing.
                let exists = try db.query("SELECT 1 FROM casework.case_file WHERE id = $1", [c.id]).count > 0
                if exists && !replace { throw StoreError.caseExists(c.id) }
                if exists {
                    let out = try db.query("SELECT casework.put_case($1, $2::jsonb, 'replace')", [c.id, Self.recordsJSON(c.records)]).scalar ?? "{}"
                    let result = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
                    try storeFlags(db, try Self.validated(try Self.decodeCase(Self.recordRows(result), c.id)))
                    outcomes.append(.replaced(caseId: c.id, amended: result["amended"] as? Int ?? 0, added: result["added"] as? Int ?? 0))
                } else {
                    let id = try putNew(db, c, mode: "import")
                    outcomes.append(id == c.id ? .created(caseId: id, records: c.records.count)
                                               : .createdAs(fileId: c.id, caseId: id, records: c.records.count))
                }
            }
            return outcomes
        }
    }

    public func exportCase(_ id: String, by actor: String) throws(StoreError) -> Case {
        try readCase(id, purpose: "export")
    }

    public func viewCase(_ id: String, by actor: String) throws(StoreError) -> Case {
        try readCase(id, purpose: "view")
    }

    public func familyCopyCase(_ id: String, by actor: String) throws(StoreError) -> Case {
        try readCase(id, purpose: "family-copy")
    }

    func readCase(_ id: String, purpose: String) throws(StoreError) -> Case {
        try transaction { db in
            try Self.decodeCase(try db.query("SELECT kind, body FROM casework.read_case($1, $2)", [id, purpose]).rows, id)
        }
    }

    public func cases(visibleTo actor: String, after: String?, limit: Int?) throws(StoreError) -> [CaseSummary] {
        try transaction { db in
            _ = try requireMe(db)
            let sql = "SELECT \(Self.summaryColumns) FROM casework.case_file WHERE $1::text IS NULL OR id > $1 ORDER BY id"
            guard let limit else { return try db.query(sql, [after]).rows.map { try Self.summary($0) } }
            return try Self.walkingIndex(db) { try db.query(sql + " LIMIT \(max(0, limit))", [after]).rows.map { try Self.summary($0) } }
        }
    }

    public func add(_ record: CaseRecord, toCase caseId: String, by actor: String) throws(StoreError) {
        try save([.add(record)], inCase: caseId, by: actor)
    }

    public func amend(_ record: CaseRecord, inCase caseId: String, reason: String, by actor: String) throws(StoreError) -> Int {
        try write([.amend(record, reason: reason)], inCase: caseId).first { $0.id == record.id }?.version ?? 1
    }

    public func save(_ changes: [RecordChange], inCase caseId: String, by actor: String, discardingDraft draftId: String?) throws(StoreError) {
        _ = try write(changes, inCase: caseId, discardingDraft: draftId)
    }

    /// Saves the changes, checks the case they leave, stores its flags, and removes the draft
    /// they were typed in, in one transaction; returns each record's version.
    func write(_ changes: [RecordChange], inCase caseId: String, discardingDraft draftId: String? = nil) throws(StoreError) -> [(id: String, version: Int)] {
        guard !changes.isEmpty else { return [] }
        try StoreRules.checkChanges(changes)
        let payload = Self.json(changes.map { change -> [String: Any] in
            switch change {
            case .add(let r): ["op": "add", "id": r.id, "kind": r.kind.rawValue, "body": r.body()]
            case .amend(let r, let reason): ["op": "amend", "id": r.id, "kind": r.kind.rawValue, "body": r.body(), "reason": reason]
            }
        })
        return try transaction { db in
            let rows = try db.query("SELECT kind, body, version FROM casework.save_records($1, $2::jsonb)", [caseId, payload]).rows
            let c = try Self.validated(try Self.decodeCase(rows, caseId))
            try storeFlags(db, c)
            try Self.discardDraft(db, draftId)
            return zip(c.records, rows).map { ($0.id, Int($1[2] ?? "") ?? 1) }
        }
    }

    @discardableResult
    public func createCase(_ c: Case, by actor: String, discardingDraft draftId: String?) throws(StoreError) -> String {
        let c = try Self.validated(c)
        for r in c.records { try StoreRules.checkText(r) }
        return try transaction { db in
            _ = try requireMe(db)
            if try db.query("SELECT 1 FROM casework.case_file WHERE id = $1", [c.id]).count > 0 {
                throw StoreError.invalid("case \(c.id) already exists")
            }
            let id = try putNew(db, c, mode: "create")
            try Self.discardDraft(db, draftId)
            return id
        }
    }

    /// Removes one of the session user's drafts (the table's policy shows a user only their own).
    static func discardDraft(_ db: PGConnection, _ id: String?) throws {
        guard let id else { return }
        try db.query("DELETE FROM casework.draft WHERE id = $1", [id])
    }

    /// Puts in a case the user does not hold under its id, or, when that id
    /// is taken by a case they cannot see (the database refuses it), under a
    /// fresh one: the same outcome as for any free id. Returns the id used.
    func putNew(_ db: PGConnection, _ given: Case, mode: String) throws -> String {
        var c = given
        while true {
            try db.execute("SAVEPOINT put_new")
            do {
                let out = try db.query("SELECT casework.put_case($1, $2::jsonb, $3)", [c.id, Self.recordsJSON(c.records), mode]).scalar ?? "{}"
                try db.execute("RELEASE SAVEPOINT put_new")
                let result = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
                try storeFlags(db, try Self.decodeCase(Self.recordRows(result), c.id))
                return c.id
            } catch let e as PGError where e.sqlState == "CW006" {
                try db.execute("ROLLBACK TO SAVEPOINT put_new")
                c.id = CaseNumbering.random()
            }
        }
    }

    static func recordRows(_ result: [String: Any]) -> [[String?]] {
        (result["records"] as? [[String]] ?? []).map { $0.map { Optional($0) } }
    }

    public func caseList(_ q: CaseListQuery, by actor: String) throws(StoreError) -> CaseListPage {
        try transaction { db in
            let user = try requireMe(db)
            var conditions: [String] = [], args: [String?] = [q.on.description]
            if q.mineOnly { args.append(user.name); conditions.append("c.worker = $\(args.count)") }
            if q.flaggedOnly {
                conditions.append("c.flagged_from <= $1")
            }
            if !q.search.isEmpty {
                args.append(q.search.lowercased())
                conditions.append("(strpos(lower(c.id), $\(args.count)) > 0 OR strpos(lower(c.child_name), $\(args.count)) > 0)")
            }
            let filter = conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
            // The whole list's totals from the tallies the triggers keep (v9), summed over what the session may see,
            // and the user's own cases (v10); a list filtered otherwise is counted.
            var tallied: [String: Int] = [:]
            for r in try db.query("SELECT what, n FROM casework.visible_totals($1) UNION ALL SELECT 'mine', casework.own_cases()",
                                  [q.on.description]) {
                tallied[r[0] ?? ""] = Int(r[1] ?? "0") ?? 0
            }
            let mineAlone = q.mineOnly && conditions.count == 1
            let total = conditions.isEmpty ? tallied["cases"] ?? 0
                : mineAlone ? tallied["mine"] ?? 0
                : Int(try db.query("SELECT count(*) FROM casework.case_file c WHERE $1::text IS NOT NULL\(filter)", args).scalar ?? "0") ?? 0
            let page = try Self.walkingIndex(db, inOrder: mineAlone) {
                try db.query("""
                    SELECT \(Self.summaryColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                    FROM casework.case_file c WHERE $1::text IS NOT NULL\(filter) ORDER BY c.id LIMIT \(q.limit) OFFSET \(q.offset)
                    """, args).rows.map { try Self.summary($0) }
            }
            var counts: [String: [Severity: Int]] = [:]
            if !page.isEmpty {
                for r in try db.query("""
                    SELECT f.case_id, f.severity, count(*) FROM casework.flag f
                    WHERE f.case_id = ANY ($2::text[]) AND \(Self.openOn(1)) GROUP BY f.case_id, f.severity
                    """, [q.on.description, Self.array(page.map(\.id))]) {
                    if let s = Severity(rawValue: r[1] ?? "") { counts[r[0] ?? "", default: [:]][s] = Int(r[2] ?? "0") ?? 0 }
                }
            }
            var totals: [Severity: Int] = [:]
            for (what, n) in tallied where n != 0 {
                if let s = Severity(rawValue: what) { totals[s] = n }
            }
            return CaseListPage(query: q, entries: page.map { CaseListEntry(summary: $0, openFlags: counts[$0.id] ?? [:]) },
                                total: total, openFlags: totals)
        }
    }

    public func suggestedCaseId(by actor: String) throws(StoreError) -> String {
        try transaction { db in
            _ = try requireMe(db)
            // Not checked against cases the user cannot see (that would be an oracle): one in
            // 729 million per case held; a clash is refused at creation like any taken id.
            return CaseNumbering.random()
        }
    }

    public func saveDraft(_ draft: Draft, by actor: String) throws(StoreError) {
        try transaction { db in
            _ = try requireMe(db)
            try db.query("""
                INSERT INTO casework.draft (id, case_id, kind, title, payload, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (user_name, id) DO UPDATE SET case_id = excluded.case_id, kind = excluded.kind, title = excluded.title,
                    payload = excluded.payload, updated_at = excluded.updated_at, last_offered_at = NULL
                """, [draft.id, draft.caseId, draft.kind, draft.title, draft.payload, draft.updatedAt.text])
        }
    }

    public func drafts(by actor: String) throws(StoreError) -> [Draft] {
        try transaction { db in
            try db.query("SELECT id, case_id, kind, title, payload, updated_at, last_offered_at FROM casework.draft ORDER BY updated_at DESC").rows.map { r in
                Draft(id: r[0] ?? "", caseId: r[1], kind: r[2] ?? "", title: r[3] ?? "", payload: r[4] ?? "",
                      updatedAt: try Stored.time(r[5], "draft", "updated_at"),
                      lastOfferedAt: try Stored.optional(r[6], Timestamp.init, "draft", "last_offered_at"))
            }
        }
    }

    public func deleteDraft(_ id: String, by actor: String) throws(StoreError) {
        try transaction { db in try Self.discardDraft(db, id) }
    }

    public func tidyDrafts(before cutoff: Timestamp, now: Timestamp, by actor: String) throws(StoreError) -> Int {
        let stale = try drafts(by: actor).filter { $0.updatedAt < cutoff }
        guard !stale.isEmpty else { return 0 }
        return try transaction { db in
            var removed = 0
            for d in stale {
                if d.lastOfferedAt != nil {
                    removed += try db.query("DELETE FROM casework.draft WHERE id = $1 AND updated_at = $2 RETURNING id", [d.id, d.updatedAt.text]).rows.count
                } else {
                    try db.query("UPDATE casework.draft SET last_offered_at = $1 WHERE id = $2 AND updated_at = $3", [now.text, d.id, d.updatedAt.text])
                }
            }
            return removed
        }
    }

    public func caseAccess(_ caseId: String, by actor: String) throws(StoreError) -> [AccessEvent] {
        try transaction { db in
            try db.query("SELECT seq, at, user_name, action, record_id, version FROM casework.case_access($1)", [caseId]).rows.map { r in
                AccessEvent(seq: Int64(r[0] ?? "") ?? 0, at: try Stored.time(r[1], "audit", "at"), user: r[2] ?? "", action: r[3] ?? "",
                            recordId: r[4], version: r[5].flatMap { Int($0) })
            }
        }
    }

    public func search(_ text: String, limit: Int, by actor: String) throws(StoreError) -> [SearchHit] {
        let words = SearchHit.words(text)
        guard !words.isEmpty else { return [] }
        // Letters and digits only, so nothing typed is tsquery syntax; the last word also as a prefix.
        let query = words.dropLast().joined(separator: " & ") + (words.count > 1 ? " & " : "") + words.last! + ":*"
        return try transaction { db in
            try db.query("SELECT case_id, record_id, kind, child_name FROM casework.search($1, $2)", [query, String(limit)]).rows.compactMap { r in
                r[2].flatMap(RecordKind.init(rawValue:)).map { SearchHit(caseId: r[0] ?? "", recordId: r[1] ?? "", kind: $0, childName: r[3] ?? "") }
            }
        }
    }

    public func othersWrote() throws(StoreError) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        connection.reconnectIfNeeded()
        do { return try connection.notifiedByOthers("casework_changed") } catch { throw Self.map(error) }
    }

    public func markReturnedRead(caseId: String, reviewId: String, by actor: String) throws(StoreError) {
        try transaction { db in _ = try db.query("SELECT casework.mark_returned_read($1, $2)", [caseId, reviewId]) }
    }

    public func changedSinceReview(_ caseIds: [String], by actor: String) throws(StoreError) -> [String: Set<String>] {
        guard !caseIds.isEmpty else { return [:] }
        return try transaction { db in
            var changed: [String: Set<String>] = [:]
            for r in try db.query("SELECT case_id, record_id FROM casework.changed_since_review($1::text[])", [Self.array(caseIds)]).rows {
                if let c = r[0], let id = r[1] { changed[c, default: []].insert(id) }
            }
            return changed
        }
    }

    public func history(caseId: String, recordId: String, by actor: String) throws(StoreError) -> [RecordVersion] {
        try transaction { db in
            let rows = try db.query("SELECT version, kind, body, author, at, reason FROM casework.read_history($1, $2)", [caseId, recordId]).rows
            guard !rows.isEmpty else { throw StoreError.recordNotFound(caseId: caseId, recordId: recordId) }
            return try rows.map { r in
                RecordVersion(caseId: caseId, recordId: recordId, version: Int(r[0] ?? "") ?? 0,
                              record: try CaseRecord.decode(kind: try Stored.value(r[1], RecordKind.init(rawValue:), "record_version", "kind"),
                                                            body: r[2] ?? ""),
                              author: r[3] ?? "", at: try Stored.time(r[4], "record_version", "at"), reason: r[5])
            }
        }
    }

    public func verifyAudit() throws(StoreError) -> AuditReport {
        var report = try transaction { db in
            try PostgresAudit.verify(db, known: Set(try db.query("SELECT unnest(breaks) FROM casework.audit_incident").rows.compactMap { Int64($0[0] ?? "") }))
        }
        if let problem = report.problem {
            try transaction { db in _ = try db.query("SELECT casework.raise_audit_alarm($1)", [problem]) }
        } else if let alarm = try auditAlarm() {
            report.problem = alarm.inWords
        }
        return report
    }

    public func auditAlarm() throws(StoreError) -> AuditAlarm? {
        try transaction { db in
            try db.query("SELECT raised_at, problem FROM casework.audit_alarm WHERE answered_by IS NULL ORDER BY n LIMIT 1").rows.first.map {
                AuditAlarm(at: try Stored.time($0[0], "audit_alarm", "at"), problem: $0[1] ?? "")
            }
        }
    }

    public func recordIncident(note: String, by actor: String) throws(StoreError) -> AuditIncident {
        guard note.count <= CaseFileCodec.maxTextLength else { throw .invalid("the note is longer than \(CaseFileCodec.maxTextLength) characters") }
        try transaction { db in
            guard let role = Role(rawValue: try db.query("SELECT casework.my_role()").scalar ?? "") else {
                throw StoreError.forbidden("only a manager can record an incident note (you are not registered)")
            }
            try Access.require(User(name: sessionUser, role: role), .incidentNote)
            let breaks = try PostgresAudit.walk(db, known: []).breaks.map { String($0.seq) }
            _ = try db.query("SELECT casework.record_incident($1, $2::bigint[])", [note, Self.array(breaks)])
        }
        return try transaction { db in
            guard let r = try db.query("SELECT event, at, user_name, note, array_to_string(breaks, ',') FROM casework.audit_incident ORDER BY event DESC LIMIT 1").rows.first
            else { throw StoreError.invalid("the incident note was not kept") }
            return AuditIncident(event: Int64(r[0] ?? "") ?? 0, at: try Stored.time(r[1], "audit_incident", "at"),
                                 by: r[2] ?? "", note: r[3] ?? "", breaks: (r[4] ?? "").split(separator: ",").compactMap { Int64($0) })
        }
    }

    public func flags(_ q: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry] {
        try transaction { db in
            _ = try requireMe(db)
            return try Self.flagEntries(db, q)
        }
    }

    public func eachFlagEntry(_ list: FlagList, _ query: FlagQuery, batch: Int, by actor: String, _ each: ([FlagEntry]) -> Void) throws(StoreError) {
        try eachThroughCursor(batch: batch, narrow: { db in
            switch list {
            case .flags: _ = try requireMe(db); return query
            case .reviewQueue: return try inQueue(db, query)
            }
        }, statement: Self.flagEntriesSQL, item: Self.entry, ready: { db, entries in
            if list == .reviewQueue { try Self.markEscalations(db, &entries) }
        }, each)
    }

    static func flagEntries(_ db: PGConnection, _ q: FlagQuery) throws -> [FlagEntry] {
        try list(db, q, flagEntriesSQL(q), entry)
    }

    /// The rows of a list's statement made items; a page of it (LIMIT) walks the index in order (see `walkingIndex`).
    static func list<Item>(_ db: PGConnection, _ q: FlagQuery, _ statement: (sql: String, arguments: [String?]),
                           _ item: ([String?]) throws(StoreError) -> Item) throws -> [Item] {
        guard q.limit != nil else { return try db.query(statement.sql, statement.arguments).rows.map(item) }
        return try walkingIndex(db) { try db.query(statement.sql, statement.arguments).rows.map(item) }
    }

    static func flagEntriesSQL(_ q: FlagQuery) -> (sql: String, arguments: [String?]) {
        let (filter, args) = flagFilter(q)
        return ("""
            SELECT \(entryColumns) FROM casework.flag f
            LEFT JOIN casework.record r ON r.case_id = f.case_id AND r.record_id = f.returned_in
            """ + filter, args)
    }

    /// Reads a whole list through one cursor in one transaction, `batch` rows per FETCH: `narrow`
    /// checks who may read it and gives the query, `statement` its SQL, `item` each row made an item,
    /// and `ready` completes a batch in the same snapshot (other statements may run between FETCHes)
    /// before it goes to `each`. Paging by position instead walked an index once per page past every
    /// row row-level security hides: a manager of one team at a million cases waited 41 s for a queue
    /// `psql` lists in 0.4 s. A transaction retried after a batch was handed on refuses rather than
    /// hand it on twice.
    func eachThroughCursor<Item>(batch: Int, narrow: (PGConnection) throws -> FlagQuery,
                                 statement: (FlagQuery) -> (sql: String, arguments: [String?]),
                                 item: ([String?]) throws(StoreError) -> Item,
                                 ready: (PGConnection, inout [Item]) throws -> Void = { _, _ in },
                                 _ each: ([Item]) -> Void) throws(StoreError) {
        var delivered = false
        try transaction { db in
            guard !delivered else { throw StoreError.busy }
            var q = try narrow(db)
            q.limit = nil
            q.offset = 0
            let (sql, args) = statement(q)
            // The whole result is wanted: the plan that is quickest to all of it, not to its first rows.
            try db.query("SET LOCAL cursor_tuple_fraction = 1")
            try db.query("DECLARE whole_list NO SCROLL CURSOR FOR " + sql, args)
            let size = max(1, batch)
            while true {
                var items = try db.query("FETCH \(size) FROM whole_list").rows.map(item)
                try ready(db, &items)
                delivered = true
                each(items)
                if items.count < size { break }
            }
            try db.query("CLOSE whole_list")
        }
    }

    /// The same flags as `flagEntries`, as queue lines: eight columns, no review read or decoded.
    static func queueLines(_ db: PGConnection, _ q: FlagQuery) throws -> [QueueLine] {
        try list(db, q, queueLinesSQL(q), line)
    }

    static func queueLinesSQL(_ q: FlagQuery) -> (sql: String, arguments: [String?]) {
        let (filter, args) = flagFilter(q)
        return ("""
            SELECT f.severity, f.since, f.case_id, f.record_id, f.worker, f.rule, f.returned_in,
                CASE WHEN f.returned_in IS NULL THEN NULL ELSE casework.returned_read_at(f.case_id, f.returned_in) END
            FROM casework.flag f
            """ + filter, args)
    }

    static func line(_ row: [String?]) throws(StoreError) -> QueueLine {
        QueueLine(severity: try Stored.severity(row[0], "flag"), since: try Stored.time(row[1], "flag", "since"),
                  caseId: row[2] ?? "", recordId: row[3] ?? "", worker: row[4] ?? "", rule: row[5] ?? "", returnedIn: row[6],
                  returnedRead: try Stored.optional(row[7], Timestamp.init, "audit", "at"))
    }

    /// Which flags a query asks for, in the queue's order (row-level security adds whom the
    /// session may see): the text after `SELECT ... FROM casework.flag f`, and its values.
    static func flagFilter(_ q: FlagQuery) -> (sql: String, arguments: [String?]) {
        var args: [String?] = [q.on.description]
        var sql = " WHERE " + (q.includeAccepted ? "(f.due_from IS NULL OR f.due_from <= $1)" : openOn(1))
        if q.returnedOnly { sql += " AND f.returned_in IS NOT NULL" }
        if let a = q.after {
            args += [String(a.severityRank), a.since, a.caseId, a.recordId, a.rule]
            let n = args.count
            sql += " AND (f.severity_rank, f.since, f.case_id, f.record_id, f.rule) > ($\(n - 4)::integer, $\(n - 3), $\(n - 2), $\(n - 1), $\(n))"
        }
        if let id = q.caseId { args.append(id); sql += " AND f.case_id = $\(args.count)" }
        if let r = q.caseIds {
            args += [r.lowerBound, r.upperBound]
            sql += " AND f.case_id BETWEEN $\(args.count - 1) AND $\(args.count)"
        }
        if let rule = q.rule { args.append(rule); sql += " AND f.rule = $\(args.count)" }
        if let worker = q.worker { args.append(worker); sql += " AND f.worker = $\(args.count)" }
        if let s = q.severities { args.append(array(s.map(\.rawValue))); sql += " AND f.severity = ANY ($\(args.count)::text[])" }
        sql += " ORDER BY f.severity_rank, f.since, f.case_id, f.record_id, f.rule"
        if let limit = q.limit { sql += " LIMIT \(max(0, limit))" }
        if q.offset > 0 { sql += " OFFSET \(q.offset)" }
        return (sql, args)
    }

    /// Runs a page's query (ORDER BY an index's columns, LIMIT) steered away from reading the whole
    /// table. Row-level security adds a condition the planner cannot estimate (who the session user
    /// is), so it guesses that few rows pass and sorts a full scan, which costs seconds at a million
    /// cases, where walking the index in order stops after one page. `inOrder` also rules out gathering
    /// the matching rows through a bitmap to sort them, for a filter an index holds in the page's order
    /// (a practitioner's own cases, by `(worker, id)`: 2 ms for a page, against 60–950 ms gathering all
    /// 20,000 of them at a million cases); a filter no index orders is better gathered.
    static func walkingIndex<T>(_ db: PGConnection, inOrder: Bool = false, _ body: () throws -> T) throws -> T {
        try db.query("SET LOCAL enable_seqscan = off")
        if inOrder { try db.query("SET LOCAL enable_bitmapscan = off") }
        defer {
            _ = try? db.query("SET LOCAL enable_seqscan = on")
            if inOrder { _ = try? db.query("SET LOCAL enable_bitmapscan = on") }
        }
        return try body()
    }

    public func recomputeFlags(by actor: String) throws(StoreError) -> RecomputeSummary {
        let me = try user(named: sessionUser)
        try Access.require(me, .recomputeAll)
        return try recomputeAll()
    }

    /// Recomputes the flags of every case this manager sees, a batch to a transaction, on as many
    /// sessions as the machine has cores (this one and more of the same user's): each takes the next
    /// batch when it finishes one, so the rules run here while the server reads and writes for another
    /// session (a million cases: 68.8 s on one session). Batches are independent: each reads its cases
    /// and stores what changed in one transaction, as before.
    func recomputeAll(batch: Int = 500, sessions: Int = ProcessInfo.processInfo.activeProcessorCount) throws(StoreError) -> RecomputeSummary {
        let started = ContinuousClock.now
        let ids = try transaction { db in try db.query("SELECT id FROM casework.case_file ORDER BY id").rows.compactMap { $0[0] } }
        let batches = ids.chunks(of: batch).map { Array($0) }
        // More sessions where the server gives them (a server at its connection limit leaves this one to do it all).
        var opened: [PostgresCaseStore] = [self]
        for _ in 1..<max(1, min(sessions, batches.count)) {
            guard let other = try? PostgresCaseStore(address: address, settings: settings) else { break }
            guard other.sessionUser == sessionUser else { throw StoreError.invalid("a second session of the team store is another user") }
            opened.append(other)
        }
        let stores = opened
        struct Progress: Sendable {
            var next = 0
            var summary: RecomputeSummary
            var error: StoreError?
        }
        var summary = RecomputeSummary(cases: ids.count)
        summary.locksWholeStore = false
        let progress = Mutex(Progress(summary: summary))
        DispatchQueue.concurrentPerform(iterations: stores.count) { k in
            let store = stores[k]
            while true {
                let taken: Int? = progress.withLock { p in
                    guard p.error == nil, p.next < batches.count else { return nil }
                    defer { p.next += 1 }
                    return p.next
                }
                guard let i = taken else { return }
                let lockStart = ContinuousClock.now
                do throws(StoreError) {
                    let changed = try store.recomputeBatch(batches[i])
                    let held = ContinuousClock.now - lockStart
                    progress.withLock { p in
                        p.summary.changed += changed
                        p.summary.batches += 1
                        p.summary.longestWriteLock = max(p.summary.longestWriteLock, held)
                    }
                } catch {
                    progress.withLock { $0.error = $0.error ?? error }
                    return
                }
            }
        }
        var done = progress.withLock { $0 }
        if let error = done.error { throw error }
        done.summary.elapsed = ContinuousClock.now - started
        return done.summary
    }

    /// One batch of a recompute in one transaction: its cases read through the audited bulk read,
    /// the rules run, and the flags that differ stored. Returns how many cases changed.
    func recomputeBatch(_ chunk: [String]) throws(StoreError) -> Int {
        try transaction { db in
            try followStoredPolicy(db)
            let cases = try Self.readCases(db, chunk, purpose: "recompute")
            let manual = try Self.manualFlags(db, caseIds: chunk)
            let stored = try Self.storedFlags(db, chunk)
            var changed = 0
            for c in cases {
                let flags = engine.flags(for: c, manual: manual[c.id] ?? [])
                if Self.same(stored[c.id] ?? [], flags, c) { continue }
                if try db.query("SELECT casework.store_flags($1, $2::jsonb)", [c.id, Self.flagsJSON(flags)]).scalar == "t" { changed += 1 }
            }
            return changed
        }
    }

    /// Reads whole cases through the audited bulk read.
    static func readCases(_ db: PGConnection, _ ids: [String], purpose: String) throws -> [Case] {
        let rows = try db.query("SELECT case_id, kind, body FROM casework.read_cases($1::text[], $2)", [array(ids), purpose])
        return try storedCases(rows) { ($0[0] ?? "", $0[1] ?? "", $0[2] ?? "") }.map { try decodeCase($0.records, $0.id) }
    }

    /// The stored flags of some cases, as the rules would give them.
    static func storedFlags(_ db: PGConnection, _ ids: [String]) throws -> [String: [Flag]] {
        var out: [String: [Flag]] = [:]
        for r in try db.query("""
            SELECT f.case_id, f.record_id, f.rule, f.severity, f.field, f.message, f.source, f.due_from, f.status, f.review_id,
                   f.returned_in, f.worker, f.team FROM casework.flag f WHERE f.case_id = ANY ($1::text[])
            """, [array(ids)]) {
            out[r[0] ?? "", default: []].append(storedFlag(r))
        }
        return out
    }

    /// A stored flag from its row (case, record, rule, severity, field, message, source, due, status, review,
    /// returned, worker, team); the owner columns ride on the message, so a flag whose owner disagrees
    /// with the case is never "the same".
    static func storedFlag(_ r: [String?]) -> Flag {
        var flag = Flag(rule: r[2] ?? "", severity: Severity(rawValue: r[3] ?? "") ?? .check, caseId: r[0] ?? "",
                        recordId: r[1] ?? "", field: r[4], message: r[5] ?? "", source: r[6] ?? "",
                        dueFrom: r[7].flatMap(Day.init), status: FlagStatus(rawValue: r[8] ?? "") ?? .open,
                        reviewId: r[9], returnedIn: r[10])
        flag.message += "\u{1F}\(r[11] ?? "")\u{1F}\(r[12] ?? "")"
        return flag
    }

    /// Whether stored flags (from `storedFlags`) are what the rules give for `c`.
    static func same(_ stored: [Flag], _ computed: [Flag], _ c: Case) -> Bool {
        let expected = computed.map { f -> Flag in
            var f = f
            f.message += "\u{1F}\(c.worker)\u{1F}\(c.team ?? "")"
            return f
        }
        func key(_ f: Flag) -> String { "\(f.rule)\u{1F}\(f.recordId)" }
        return stored.count == expected.count
            && Dictionary(stored.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a }) == Dictionary(expected.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func policy() throws(StoreError) -> Policy {
        try transaction { db in try followStoredPolicy(db) }
        return engine.policy
    }

    public func setPolicy(_ override: Data, by actor: String) throws(StoreError) -> RecomputeSummary {
        do { _ = try Policy.decodeOverride(override, over: settings.defaultPolicy) } catch {
            throw .invalid("the policy file is invalid: \(error); nothing changed")
        }
        _ = try transaction { db in try db.query("SELECT casework.set_policy($1)", [String(decoding: override, as: UTF8.self)]) }
        let me = try user(named: sessionUser)
        // An administrator sees no case; the managers' next recompute (or `check`) follows the new policy.
        return Access.may(me, .recomputeAll) ? try recomputeAll() : RecomputeSummary(cases: 0)
    }

    public func adoptFlagBasis(by actor: String) throws(StoreError) -> RecomputeSummary {
        try transaction { db in try db.query("SELECT casework.set_flag_basis($1)", [settings.basis.text]) }
        return try recomputeAll()
    }
}
