import CaseworkCore
import Foundation
import GRDB
import Synchronization
import TerminalKit

/// The SQLite store: one file, a GRDB `DatabasePool` in WAL mode with
/// `synchronous=FULL` and foreign keys on. Every write is one IMMEDIATE
/// transaction with a busy timeout, so a worker and a manager can have the
/// same store open in two processes.
public final class SQLiteCaseStore: CaseStore {
    public let location: StoreLocation
    let pool: any DatabaseWriter
    /// Why the store was opened read-only, if it was: lists, `check` and
    /// `audit verify` work; reading a case does not, as the reading could not
    /// be recorded, and nothing can be saved.
    public let limitation: Limitation?

    /// What keeps a store from being written.
    public enum Limitation: Sendable {
        /// The file or its folder cannot be written by this user.
        case readOnly
        /// The disk holding it is full.
        case diskFull
    }
    let anchor: AuditAnchor
    let clock: @Sendable () -> Date
    let storeId: String?
    let settings: FlagSettings
    let engineBox: Mutex<FlagEngine>
    /// The organisation's policy as stored (nil: none) when the engine last took it up; nil before it has.
    let storedPolicy = Mutex<String??>(nil)
    /// `PRAGMA data_version` on the writer connection when last asked: it moves only with other connections' commits.
    let dataVersion = Mutex<Int?>(nil)

    /// The flag engine under the policy in force now.
    public var engine: FlagEngine { engineBox.withLock { $0 } }

    /// Opens (and with `create`, makes) the store, bringing its schema up to
    /// date and its flags in line with the policy and guidance in force.
    /// `sqlTrace` is given every statement run, to read (with its values) only
    /// when wanted: for benchmarks that replay the same SQL elsewhere, never for logs.
    public convenience init(_ location: StoreLocation, settings: FlagSettings, create: Bool = false, busyTimeout: TimeInterval = 5,
                            clock: @escaping @Sendable () -> Date = { Date() },
                            sqlTrace: (@Sendable (_ sql: () -> String) -> Void)? = nil) throws(StoreError) {
        Protection.restrictNewFiles()
        try Protection.requireSingleUser(location.file)
        if !location.exists {
            guard create else { throw .notInitialised(path: location.file.path) }
            do { try Protection.makePrivateDirectory(location.file.deletingLastPathComponent()) } catch {
                throw .storage("cannot create the folder \(location.file.deletingLastPathComponent().path)")
            }
        }
        var limitation: Limitation? = location.exists && !Protection.canWrite(location.file) ? .readOnly : nil
        // A -shm or -wal left unwritable by an earlier read-only open must not keep a writable store read-only.
        if location.exists && limitation == nil { Protection.makePrivate(location.file) }
        var config = Self.configuration(busyTimeout: busyTimeout, sqlTrace: sqlTrace)
        var opened: (any DatabaseWriter)?
        do {
            if limitation == nil {
                do {
                    opened = try Self.openWritable(location.file, config)
                } catch where location.exists && Protection.isFull(location.file.deletingLastPathComponent()) {
                    // A full disk cannot take even the -shm a reader needs: open read-only so lists still work.
                    limitation = .diskFull
                }
            }
            if limitation != nil {
                config.readonly = true
                // Immutable: SQLite takes no locks and makes no -shm, so nothing is written beside
                // the file; unless a -wal holds saved changes, which only a WAL reader sees.
                let wal = (try? FileManager.default.attributesOfItem(atPath: location.file.path + "-wal")[.size] as? Int) ?? 0
                opened = try DatabaseQueue(path: wal > 0 ? location.file.path : Self.immutableURI(location.file), configuration: config)
            }
        } catch {
            throw Self.map(error, path: location.file.path)
        }
        guard let opened else { throw StoreError.storage("cannot open \(location.file.path)") }
        try self.init(writer: opened, location: location, settings: settings, limitation: limitation, clock: clock)
        if limitation == nil { Protection.makePrivate(location.file) }
    }

    /// A store in memory, gone when it is released: for tests of the store's rules without a file.
    /// Its audit anchor is kept in `configDirectory`.
    public static func inMemory(settings: FlagSettings, configDirectory: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws(StoreError) -> SQLiteCaseStore {
        let location = StoreLocation(file: URL(fileURLWithPath: ":memory:"), configDirectory: configDirectory)
        do {
            let queue = try DatabaseQueue(configuration: configuration(busyTimeout: 5, sqlTrace: nil))
            return try SQLiteCaseStore(writer: queue, location: location, settings: settings, limitation: nil, clock: clock)
        } catch let e as StoreError {
            throw e
        } catch {
            throw map(error, path: location.file.path)
        }
    }

    /// Foreign keys on, a busy timeout, and the functions the store's SQL uses.
    static func configuration(busyTimeout: TimeInterval, sqlTrace: (@Sendable (_ sql: () -> String) -> Void)?) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            db.add(function: Self.contains)
            if let sqlTrace { db.trace { if case .statement(let s) = $0 { sqlTrace { s.expandedSQL } } } }
        }
        return config
    }

    /// The store over a database already open (a file's pool, or a queue in memory): checks it is
    /// a Casework store this version can read, brings its schema up to date unless `limitation`
    /// keeps it from being written, and its flags in line with the policy and guidance in force.
    init(writer opened: any DatabaseWriter, location: StoreLocation, settings: FlagSettings, limitation: Limitation?,
         clock: @escaping @Sendable () -> Date) throws(StoreError) {
        self.location = location
        self.clock = clock
        self.settings = settings
        self.engineBox = Mutex(FlagEngine(policy: settings.defaultPolicy, guidance: settings.guidance))
        self.anchor = AuditAnchor(directory: location.configDirectory)
        do {
            try opened.read { db in
                let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if !tables.isEmpty && !tables.contains("grdb_migrations") {
                    throw StoreError.invalid("\(location.file.path) is not a Casework store (it holds another program's tables); nothing was changed")
                }
                if try Schema.migrator.hasBeenSuperseded(db) {
                    throw StoreError.invalid("the store at \(location.file.path) was made by a newer casework; upgrade casework to open it")
                }
                if limitation != nil, try !Schema.migrator.hasCompletedMigrations(db) {
                    throw limitation == .diskFull ? StoreError.full : StoreError.invalid(
                        "the store at \(location.file.path) is read-only and was made by an older casework; its owner makes it writable (chmod 600 \(location.file.path)) so it can be brought up to date")
                }
            }
            if limitation == nil { try Schema.migrator.migrate(opened) }
            storeId = try opened.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'storeId'") }
        } catch {
            throw Self.map(error, path: location.file.path)
        }
        pool = opened
        self.limitation = limitation
        try read { db in try followStoredPolicy(db) }
        guard limitation == nil else { return }
        if storeId != nil, try read({ db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'flagsFingerprint'") }) != fingerprint {
            _ = try recomputeAll()
        }
    }

    /// Every migration this version of Casework knows, oldest first.
    public static var migrations: [String] { Schema.migrator.migrations }

    /// The schema migrations applied to this store, oldest first.
    public func appliedMigrations() throws(StoreError) -> [String] {
        // In the migrator's order: sorted as text, "v10" would come before "v2".
        try run {
            let applied = try pool.read { db in try Schema.migrator.appliedIdentifiers(db) }
            return Schema.migrator.migrations.filter(applied.contains)
        }
    }

    // MARK: - Plumbing

    static func openWritable(_ file: URL, _ config: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: file.path, configuration: config)
        // After GRDB's WAL set-up (which picks NORMAL), on the pool's one writer
        // connection: a saved record must survive a power cut.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        Protection.makePrivate(file)
        return pool
    }

    /// `file:` URI opening `file` immutable (read-only, no locks, no -shm).
    static func immutableURI(_ file: URL) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (file.standardizedFileURL.path.addingPercentEncoding(withAllowedCharacters: allowed) ?? file.path) + "?immutable=1"
    }

    static func map(_ error: Error, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: return .readOnly(path: path)
            case .SQLITE_FULL: return .full
            case .SQLITE_IOERR where Protection.isFull(URL(fileURLWithPath: path).deletingLastPathComponent()): return .full
            case .SQLITE_CANTOPEN: return .storage("cannot open \(path)")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .storage("\(path) is not a Casework store or is damaged")
            default: return .storage("SQLite error \(e.resultCode.rawValue): \(e.message ?? "unknown")")
            }
        }
        if let e = error as? AuditAnchor.Failure { return .storage(e.description) }
        return .storage(String(describing: type(of: error)))
    }

    func run<T>(_ work: () throws -> T) throws(StoreError) -> T {
        do { return try work() } catch { throw Self.map(error, path: location.file.path) }
    }

    /// State carried through one write transaction.
    struct Write {
        let now: Timestamp
        let actor: User
        var head: (Int64, String)?
        /// Cases whose flags are recomputed before the transaction commits.
        var touched: Set<String> = []
        /// Flags computed before the lock was taken (an import's new cases), with the
        /// fingerprint of the policy and rule texts they were computed under.
        var computed: [String: (c: Case, flags: [Flag], fingerprint: String)] = [:]

        mutating func audit(_ db: Database, _ action: AuditAction, caseId: String? = nil,
                            recordId: String? = nil, version: Int? = nil) throws {
            head = try AuditChain.append(db, at: now.text, user: actor.name, action: action,
                                         caseId: caseId, recordId: recordId, version: version)
        }
    }

    /// Runs `body` in one IMMEDIATE transaction, committed when it returns: the write lock is taken at
    /// BEGIN, so a transaction never starts reading and then waits to write. Every write goes through here.
    func immediate<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// One IMMEDIATE transaction as `actorName` (who must be registered), then the anchor moves.
    func write<T>(as actorName: String, _ body: (Database, inout Write) throws -> T) throws(StoreError) -> T {
        switch limitation {
        case .readOnly?: throw .readOnly(path: location.file.path)
        case .diskFull?: throw .full
        case nil: break
        }
        let now = Timestamp(clock())
        let (value, head): (T, (Int64, String)?) = try run {
            try immediate { db in
                var w = Write(now: now, actor: try Self.requireUser(db, actorName), head: nil)
                let result = try body(db, &w)
                if !w.touched.isEmpty { try followStoredPolicy(db) }
                let current = w.computed.isEmpty ? nil : fingerprint
                for caseId in w.touched.sorted() {
                    if let pre = w.computed[caseId], pre.fingerprint == current {
                        try Self.storeFlags(db, pre.c, pre.flags, now: now)
                    } else {
                        try refreshFlags(db, caseId, now: now)
                    }
                }
                return (result, w.head)
            }
        }
        if let head { advanceAnchor(to: head) }
        return value
    }

    /// Moves this user's anchor to the chain's new head, but only over events
    /// that verify from the head it anchored before: a rewritten or rolled-back
    /// chain never becomes the anchored truth by an ordinary write or view.
    /// If this fails the anchor trails the store; verify still checks the chain.
    func advanceAnchor(to head: (Int64, String)) {
        guard let storeId = try? currentStoreId() else { return }
        let anchored: (seq: Int64, hash: String)?
        do {
            anchored = try anchor.read(storeId: storeId)
        } catch {
            anchor.raise(storeId: storeId, problem: Self.shortProblem(error), at: Timestamp(clock()))
            return
        }
        let sound = (try? pool.read { db in try AuditChain.follows(db, from: anchored, to: head.0) }) ?? false
        if sound {
            do { try anchor.advance(storeId: storeId, seq: head.0, hash: head.1) } catch {
                anchor.raise(storeId: storeId, problem: Self.shortProblem(error), at: Timestamp(clock()))
            }
        } else if let anchored {
            anchor.raise(storeId: storeId, problem: "the trail does not follow from event \(anchored.seq) anchored outside the store: it was rewritten or rolled back",
                         at: Timestamp(clock()))
        }
    }

    static func shortProblem(_ error: any Error) -> String {
        switch error as? AuditAnchor.Failure {
        case .keyMissing?: "the audit key was missing"
        case .tampered?: "the audit anchor was altered"
        case nil: "the audit anchor could not be read"
        }
    }

    /// Takes up the policy a manager stored, if it changed since: a workbook
    /// left open while the policy changes writes flags under the new one.
    func followStoredPolicy(_ db: Database) throws {
        let policy = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'policy'")
        let basis = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'flagBasis'")
        let stored = (policy ?? "") + "\u{1E}" + (basis ?? "")
        if case .some(let taken) = storedPolicy.withLock({ $0 }), taken == stored { return }
        let engine = try settings.engine(basis: basis, policy: policy)
        engineBox.withLock { $0 = engine }
        storedPolicy.withLock { $0 = .some(stored) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try run { try pool.read(body) }
    }

    func currentStoreId() throws -> String? {
        if let storeId { return storeId }
        return try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'storeId'") }
    }

    static func requireUser(_ db: Database, _ name: String) throws -> User {
        guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'storeId'") != nil else {
            throw StoreError.invalid("the store is not initialised: run `casework init` first")
        }
        // Hand-written: every request starts here, and the query interface would first read the schema.
        guard let known = try UserRecord.fetchOne(db, sql: "SELECT * FROM user WHERE name = ?", arguments: [name]) else {
            throw StoreError.notRegistered(user: name)
        }
        return try known.user(db)
    }

    /// `Access.canSee` as an SQL condition over rows with `worker` and `team`
    /// columns and a case id in `caseColumn`; nil when the user sees every case.
    static func visibility(_ user: User, caseColumn: String) -> (sql: String, arguments: [DatabaseValueConvertible?])? {
        if user.role == .manager && user.teams.isEmpty { return nil }
        var sql = "(worker = ? OR \(caseColumn) IN (SELECT caseId FROM caseMember WHERE user = ?)"
        var arguments: [DatabaseValueConvertible?] = [user.name, user.name]
        if user.role == .manager {
            sql += " OR team IN (\(placeholders(user.teams.count)))"
            arguments += user.teams
        }
        return (sql + ")", arguments)
    }

    /// The columns `summary` reads, in the order it reads them.
    static let summaryColumns = "id, title, childName, worker, team, opened, closed, lastActivity"

    /// A case's summary from a row of `summaryColumns`, read by position (a list of
    /// 100,000 cases spent a third of its time finding columns by name).
    static func summary(_ row: Row) throws -> CaseSummary {
        CaseSummary(id: row[0], title: row[1], childName: row[2], worker: row[3],
                    team: row[4], opened: try Stored.day(row[5], "caseFile", "opened"),
                    closed: try Stored.optional(row[6], Day.init, "caseFile", "closed"),
                    lastActivity: try Stored.time(row[7], "caseFile", "lastActivity"))
    }

    /// Every summary `sql` selects, read from the statement as it steps.
    static func summaries(_ db: Database, sql: String, arguments: StatementArguments) throws -> [CaseSummary] {
        var out: [CaseSummary] = []
        // A list's pages run the same text, each with the last page's end: prepared once per connection.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() { out.append(try summary(row)) }
        return out
    }

    static func ownership(_ db: Database, _ caseId: String) throws -> CaseOwnership? {
        guard let row = try Row.fetchOne(db, sql: "SELECT worker, team FROM caseFile WHERE id = ?", arguments: [caseId]) else { return nil }
        let members = try String.fetchSet(db, sql: "SELECT user FROM caseMember WHERE caseId = ?", arguments: [caseId])
        return CaseOwnership(worker: row["worker"], team: row["team"], members: members)
    }

    /// The case's ownership, if `user` may see it; otherwise "not found", so a
    /// case's existence does not leak to someone who may not see it.
    static func visibleCase(_ db: Database, _ caseId: String, _ user: User) throws -> CaseOwnership {
        guard let o = try ownership(db, caseId), Access.canSee(user, o) else { throw StoreError.caseNotFound(caseId) }
        return o
    }

    static func loadCase(_ db: Database, _ caseId: String) throws -> Case {
        let rows = try Row.fetchAll(db, sql: "SELECT kind, body FROM record WHERE caseId = ? ORDER BY position", arguments: [caseId])
        var records: [CaseRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            guard let kind = RecordKind(rawValue: row["kind"]) else { continue }
            records.append(try CaseRecord.decode(kind: kind, body: row["body"]))
        }
        guard let c = Case(records: records, storedAs: caseId) else { throw StoreError.caseNotFound(caseId) }
        return c
    }

    // MARK: - Writing records

    static func insert(_ db: Database, _ record: CaseRecord, body: String? = nil, caseId: String, position: Int, w: Write, reason: String?) throws {
        let body = body ?? record.body()
        try db.cachedStatement(sql: "INSERT INTO record (caseId, recordId, kind, position, version, body) VALUES (?,?,?,?,1,?)")
            .execute(arguments: [caseId, record.id, record.kind.rawValue, position, body])
        try db.cachedStatement(sql: "INSERT INTO recordVersion (caseId, recordId, version, kind, body, author, at, reason) VALUES (?,?,1,?,?,?,?,?)")
            .execute(arguments: [caseId, record.id, record.kind.rawValue, body, w.actor.name, w.now.text, reason])
    }

    /// Writes the next version of a record; returns it, or nil when nothing changed.
    static func amendRow(_ db: Database, _ record: CaseRecord, caseId: String, w: Write, reason: String) throws -> Int? {
        guard let row = try Row.fetchOne(db, sql: "SELECT kind, version, body FROM record WHERE caseId = ? AND recordId = ?",
                                         arguments: [caseId, record.id]) else {
            throw StoreError.recordNotFound(caseId: caseId, recordId: record.id)
        }
        let kind: String = row["kind"]
        guard kind == record.kind.rawValue else {
            throw StoreError.invalid("record \(record.id) in case \(caseId) is a \(kind), not a \(record.kind.rawValue)")
        }
        let body = record.body()
        if body == row["body"] as String { return nil }
        let version = (row["version"] as Int) + 1
        try db.execute(sql: "UPDATE record SET version = ?, body = ? WHERE caseId = ? AND recordId = ?",
                       arguments: [version, body, caseId, record.id])
        try db.execute(sql: "INSERT INTO recordVersion (caseId, recordId, version, kind, body, author, at, reason) VALUES (?,?,?,?,?,?,?,?)",
                       arguments: [caseId, record.id, version, kind, body, w.actor.name, w.now.text, reason])
        return version
    }

    static func upsertSummary(_ db: Database, _ c: Case, now: Timestamp) throws {
        try db.execute(sql: """
            INSERT INTO caseFile (id, title, childName, worker, team, opened, closed, lastActivity, lastActivityAt)
            VALUES (?,?,?,?,?,?,?,?,?)
            ON CONFLICT(id) DO UPDATE SET title = excluded.title, childName = excluded.childName,
                worker = excluded.worker, team = excluded.team, opened = excluded.opened, closed = excluded.closed,
                lastActivity = excluded.lastActivity, lastActivityAt = excluded.lastActivityAt
            """, arguments: [c.id, c.title, c.child.name, c.worker, c.team, c.opened.description,
                             c.closed?.description, now.text, now.instant])
    }

    func validated(_ c: Case) throws(StoreError) -> Case { try StoreRules.validated(c, today: Timestamp(clock()).localDay) }
}

// MARK: - CaseStore

extension SQLiteCaseStore {
    public func identity(claimed: String) throws(StoreError) -> String { claimed }

    public func initialise(by user: String) throws(StoreError) -> Bool {
        guard CaseValidation.isValidId(user) else { throw .invalid("\(Quoted(user)) cannot be a user name here") }
        let now = Timestamp(clock())
        let head: (Int64, String)? = try run {
            try immediate { db -> (Int64, String)? in
                guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'storeId'") == nil else { return nil }
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('storeId', ?), ('created', ?)",
                               arguments: [UUID().uuidString.lowercased(), now.text])
                try UserRecord(name: user, role: .manager, addedAt: now, addedBy: user).insert(db)
                let head = try AuditChain.append(db, at: now.text, user: user, action: .initialise)
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('flagBasis', ?)", arguments: [settings.basis.text])
                try followStoredPolicy(db)
                // An empty store's flags are current under the policy in force.
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('flagsFingerprint', ?)", arguments: [fingerprint])
                return head
            }
        }
        guard let head else { return false }
        advanceAnchor(to: head)
        return true
    }

    public func user(named name: String) throws(StoreError) -> User {
        try read { db in try Self.requireUser(db, name) }
    }

    public func addUser(_ user: User, by actor: String) throws(StoreError) {
        try StoreRules.checkUser(user)
        guard user.role != .admin else {
            throw .invalid("the administrator role is for the team store; this single-user store's manager adds people")
        }
        try write(as: actor) { db, w in
            guard Access.canManageUsers(w.actor) else {
                throw StoreError.forbidden("only a manager can add users (you are a \(w.actor.role.rawValue))")
            }
            if try UserRecord.exists(db, key: user.name) {
                throw StoreError.invalid("user \(user.name) already exists")
            }
            try UserRecord(name: user.name, role: user.role, addedAt: w.now, addedBy: w.actor.name).insert(db)
            for team in Set(user.teams) {
                try db.execute(sql: "INSERT INTO userTeam (user, team) VALUES (?,?)", arguments: [user.name, team])
            }
            try w.audit(db, .userAdd, recordId: user.name)
        }
    }

    public func users(by actor: String) throws(StoreError) -> [User] {
        try read { db in
            let me = try Self.requireUser(db, actor)
            return StoreRules.peopleSeen(by: me, try UserRecord.order(UserRecord.Columns.name).fetchAll(db).map { try $0.user(db) })
        }
    }

    public func removeUser(_ name: String, by actor: String) throws(StoreError) {
        try changeUser(name, by: actor, .userRemove) { db, _ in
            guard name != actor else { throw StoreError.invalid("you cannot remove yourself") }
            try db.execute(sql: "DELETE FROM userTeam WHERE user = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM user WHERE name = ?", arguments: [name])
        }
    }

    public func setRole(_ name: String, _ role: Role, by actor: String) throws(StoreError) {
        guard role != .admin else { throw .invalid("the administrator role is for the team store; this single-user store's manager manages people") }
        try changeUser(name, by: actor, .userRole) { db, user in
            if user.role == .manager, role != .manager,
               try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user WHERE role = 'manager'") == 1 {
                throw StoreError.invalid("\(name) is the store's last manager; make someone else one first")
            }
            try db.execute(sql: "UPDATE user SET role = ? WHERE name = ?", arguments: [role.rawValue, name])
        }
    }

    public func setTeams(_ name: String, _ teams: [String], by actor: String) throws(StoreError) {
        try StoreRules.checkTeams(teams)
        try changeUser(name, by: actor, .userTeams) { db, _ in
            try db.execute(sql: "DELETE FROM userTeam WHERE user = ?", arguments: [name])
            for team in Set(teams) { try db.execute(sql: "INSERT INTO userTeam (user, team) VALUES (?,?)", arguments: [name, team]) }
        }
    }

    /// One change to an existing user by someone who manages people, audited.
    func changeUser(_ name: String, by actor: String, _ action: AuditAction, _ change: (Database, User) throws -> Void) throws(StoreError) {
        try write(as: actor) { db, w in
            guard Access.canManageUsers(w.actor) else {
                throw StoreError.forbidden("only a manager can change users (you are \(w.actor.role.inWords))")
            }
            guard let user = try UserRecord.fetchOne(db, key: name)?.user(db) else { throw StoreError.invalid("no user \(name)") }
            try change(db, user)
            try w.audit(db, action, recordId: name)
        }
    }

    public func importCases(_ cases: [Case], replace: Bool, by actor: String) throws(StoreError) -> [ImportOutcome] {
        try StoreRules.checkImport(cases)
        // Everything that needs no lock is done before taking it: checking each
        // case, encoding its records and computing its flags.
        let engine = self.engine, preparedUnder = Self.fingerprint(of: engine)
        let prepared = try cases.map { c throws(StoreError) in
            let c = try validated(c)
            return (c: c, bodies: c.records.map { $0.body() }, flags: engine.flags(for: c))
        }
        return try write(as: actor) { db, w in
            var outcomes: [ImportOutcome] = []
            for (fileCase, bodies, flags) in prepared {
                var c = fileCase
                if w.actor.role != .manager, !c.reviews.isEmpty {
                    let stored = Set(try String.fetchAll(db, sql: "SELECT body FROM record WHERE caseId = ? AND kind = 'review'", arguments: [c.id]))
                    if c.reviews.contains(where: { !stored.contains(CaseRecord.review($0).body()) }) {
                        throw StoreError.forbidden("only a manager can bring in reviews (case \(c.id) has reviews this store does not hold)")
                    }
                }
                let incoming = CaseOwnership(worker: c.worker, team: c.team)
                guard Access.canImport(w.actor, incoming) else {
                    throw StoreError.forbidden("you cannot import case \(c.id): it belongs to \(c.worker)\(c.team.map { " in team \($0)" } ?? ""), outside what you can see")
                }
                if let existing = try Self.ownership(db, c.id), Access.canSee(w.actor, existing) {
                    guard replace else { throw StoreError.caseExists(c.id) }
                    outcomes.append(try replaceCase(db, c, w: &w))
                } else {
                    if try Self.taken(db, c.id) { c.id = try Self.freshId(db) }
                    try Self.upsertSummary(db, c, now: w.now)
                    // Under a fresh id the header's body is written again: it carries the case's id, and the flags
                    // read back from it must be this case's, not those of the hidden case whose id the file had.
                    let stored = c.id == fileCase.id ? bodies : c.records.map { $0.body() }
                    for (position, (record, body)) in zip(c.records, stored).enumerated() {
                        try Self.insert(db, record, body: body, caseId: c.id, position: position, w: w, reason: nil)
                    }
                    try w.audit(db, .import, caseId: c.id)
                    w.touched.insert(c.id)
                    if c.id == fileCase.id {
                        w.computed[c.id] = (c, flags, preparedUnder)
                        outcomes.append(.created(caseId: c.id, records: c.records.count))
                    } else {
                        outcomes.append(.createdAs(fileId: fileCase.id, caseId: c.id, records: c.records.count))
                    }
                }
            }
            return outcomes
        }
    }

    /// Replacing from a file amends what changed and adds what is new; it never removes.
    private func replaceCase(_ db: Database, _ c: Case, w: inout Write) throws -> ImportOutcome {
        let existing = Set(try String.fetchAll(db, sql: "SELECT recordId FROM record WHERE caseId = ?", arguments: [c.id]))
        let incoming = c.records
        if let gone = existing.subtracting(incoming.map(\.id)).sorted().first {
            throw StoreError.invalid("replacing case \(c.id) would remove record \(gone); records are amend-only, so the file must keep every record")
        }
        var position = try Int.fetchOne(db, sql: "SELECT MAX(position) FROM record WHERE caseId = ?", arguments: [c.id]) ?? 0
        var amended = 0, added = 0
        try w.audit(db, .replace, caseId: c.id)
        for record in incoming {
            if existing.contains(record.id) {
                if let v = try Self.amendRow(db, record, caseId: c.id, w: w, reason: "replaced from a case file") {
                    amended += 1
                    try w.audit(db, .amend, caseId: c.id, recordId: record.id, version: v)
                }
            } else {
                position += 1
                try Self.insert(db, record, caseId: c.id, position: position, w: w, reason: nil)
                added += 1
                try w.audit(db, .create, caseId: c.id, recordId: record.id, version: 1)
            }
        }
        try Self.upsertSummary(db, c, now: w.now)
        w.touched.insert(c.id)
        return .replaced(caseId: c.id, amended: amended, added: added)
    }

    public func exportCase(_ id: String, by actor: String) throws(StoreError) -> Case {
        try readCase(id, by: actor, recordedAs: .export)
    }

    public func viewCase(_ id: String, by actor: String) throws(StoreError) -> Case {
        try readCase(id, by: actor, recordedAs: .view)
    }

    public func familyCopyCase(_ id: String, by actor: String) throws(StoreError) -> Case {
        try readCase(id, by: actor, recordedAs: .familyCopy)
    }

    /// The whole case for someone who may see it, with the reading recorded in the audit trail.
    private func readCase(_ id: String, by actor: String, recordedAs action: AuditAction) throws(StoreError) -> Case {
        try recordedRead(as: actor) { db, w in
            _ = try Self.visibleCase(db, id, w.actor)
            let c = try Self.loadCase(db, id)
            try w.audit(db, action, caseId: id)
            return c
        }
    }

    /// A reading of record text, written to the audit trail with it: when the
    /// event cannot be written (a read-only store, a full disk) nothing is
    /// read, and the message says why and what to do.
    func recordedRead<T>(as actor: String, _ body: (Database, inout Write) throws -> T) throws(StoreError) -> T {
        do {
            return try write(as: actor, body)
        } catch .readOnly(let path) {
            throw .viewNotRecorded(why: "the store at \(path) is read-only. Lists, `casework check` and `casework audit verify` still work; its owner makes it writable again with: chmod 600 \(path)")
        } catch .full {
            throw .viewNotRecorded(why: "the disk holding the store is full. Free space on it (or ask IT to), then try again")
        }
    }

    public func cases(visibleTo actor: String, after: String?, limit: Int?) throws(StoreError) -> [CaseSummary] {
        try read { db in
            let user = try Self.requireUser(db, actor)
            var conditions: [String] = []
            var args: [DatabaseValueConvertible?] = []
            if let v = Self.visibility(user, caseColumn: "id") {
                conditions.append(v.sql)
                args += v.arguments
            }
            if let after { conditions.append("id > ?"); args.append(after) }
            var sql = "SELECT \(Self.summaryColumns) FROM caseFile" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            sql += " ORDER BY id"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            return try Self.summaries(db, sql: sql, arguments: StatementArguments(args))
        }
    }

    public func add(_ record: CaseRecord, toCase caseId: String, by actor: String) throws(StoreError) {
        try save([.add(record)], inCase: caseId, by: actor)
    }

    public func amend(_ record: CaseRecord, inCase caseId: String, reason: String, by actor: String) throws(StoreError) -> Int {
        try save([.amend(record, reason: reason)], inCase: caseId, by: actor)
        return try read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM record WHERE caseId = ? AND recordId = ?", arguments: [caseId, record.id]) ?? 1
        }
    }

    public func save(_ changes: [RecordChange], inCase caseId: String, by actor: String, discardingDraft draftId: String?) throws(StoreError) {
        guard !changes.isEmpty else { return }
        try StoreRules.checkChanges(changes)
        try write(as: actor) { db, w in
            let o = try Self.visibleCase(db, caseId, w.actor)
            guard Access.canWrite(w.actor, o) else { throw StoreError.caseNotFound(caseId) }
            var updated = try Self.loadCase(db, caseId)
            for change in changes {
                switch change {
                case .add(let record), .amend(let record, _): updated = updated.replacing(record)
                }
                if case .amend(.header(let h), _) = change {
                    guard h.id == caseId else { throw StoreError.invalid("a case's id cannot be changed") }
                    if (h.worker != o.worker || h.team != o.team) && w.actor.role != .manager {
                        throw StoreError.forbidden("only a manager can hand case \(caseId) to another worker or team (you are \(w.actor.role.inWords))")
                    }
                    guard Access.canSee(w.actor, CaseOwnership(worker: h.worker, team: h.team)) else {
                        throw StoreError.forbidden("you cannot hand case \(caseId) to \(h.worker) outside the cases you can see")
                    }
                }
            }
            updated = try validated(updated)
            var position = try Int.fetchOne(db, sql: "SELECT MAX(position) FROM record WHERE caseId = ?", arguments: [caseId]) ?? 0
            for change in changes {
                switch change {
                case .add(let record):
                    if try Row.fetchOne(db, sql: "SELECT 1 FROM record WHERE caseId = ? AND recordId = ?", arguments: [caseId, record.id]) != nil {
                        throw StoreError.recordExists(caseId: caseId, recordId: record.id)
                    }
                    position += 1
                    try Self.insert(db, record, caseId: caseId, position: position, w: w, reason: nil)
                    try w.audit(db, .create, caseId: caseId, recordId: record.id, version: 1)
                case .amend(let record, let reason):
                    guard let version = try Self.amendRow(db, record, caseId: caseId, w: w, reason: reason) else {
                        throw StoreError.invalid("record \(record.id) in case \(caseId) is unchanged; nothing to amend")
                    }
                    try w.audit(db, .amend, caseId: caseId, recordId: record.id, version: version)
                }
            }
            try Self.upsertSummary(db, updated, now: w.now)
            try Self.discardDraft(db, draftId, of: w.actor.name)
            w.touched.insert(caseId)
        }
    }

    static func discardDraft(_ db: Database, _ id: String?, of user: String) throws {
        guard let id else { return }
        try db.execute(sql: "DELETE FROM draft WHERE user = ? AND id = ?", arguments: [user, id])
    }

    @discardableResult
    public func createCase(_ c: Case, by actor: String, discardingDraft draftId: String?) throws(StoreError) -> String {
        for r in c.records { try StoreRules.checkText(r) }
        return try write(as: actor) { db, w in
            var c = try validated(c)
            guard Access.canImport(w.actor, CaseOwnership(worker: c.worker, team: c.team)) else {
                throw StoreError.forbidden("you cannot create a case for \(c.worker) outside the cases you can see")
            }
            if let existing = try Self.ownership(db, c.id), Access.canSee(w.actor, existing) {
                throw StoreError.invalid("case \(c.id) already exists")
            }
            if try Self.taken(db, c.id) { c.id = try Self.freshId(db) }
            try Self.upsertSummary(db, c, now: w.now)
            for (position, record) in c.records.enumerated() {
                try Self.insert(db, record, caseId: c.id, position: position, w: w, reason: nil)
            }
            try w.audit(db, .create, caseId: c.id)
            try Self.discardDraft(db, draftId, of: w.actor.name)
            w.touched.insert(c.id)
            return c.id
        }
    }

    /// Whether an id is held by a case or a disposed case's tombstone, whoever's.
    static func taken(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM caseFile WHERE id = ? UNION ALL SELECT 1 FROM tombstone WHERE caseId = ?)",
                          arguments: [id, id]) ?? false
    }

    static func freshId(_ db: Database) throws -> String {
        while true {
            let id = CaseNumbering.random()
            if try !taken(db, id) { return id }
        }
    }

    /// `cw_contains(text, part)`: the case list's search, the same test as `CaseListQuery.contains`.
    static let contains = DatabaseFunction("cw_contains", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let part = String.fromDatabaseValue(values[1]) else { return false }
        return CaseListQuery.contains(text, part)
    }

    public func caseList(_ q: CaseListQuery, by actor: String) throws(StoreError) -> CaseListPage {
        try read { db in
            let user = try Self.requireUser(db, actor)
            let dueForCase = Self.openOn(byCase: true)
            var conditions: [String] = [], args: [DatabaseValueConvertible?] = []
            if let v = Self.visibility(user, caseColumn: "caseFile.id") { conditions.append(v.sql); args += v.arguments }
            if q.mineOnly { conditions.append("worker = ?"); args.append(user.name) }
            if q.flaggedOnly {
                conditions.append("flaggedFrom <= ?")
                args.append(q.on.description)
            }
            if !q.search.isEmpty {
                conditions.append("(cw_contains(id, ?) OR cw_contains(childName, ?))")
                args += [q.search, q.search]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM caseFile" + filter, arguments: StatementArguments(args)) ?? 0
            let summaries = try Self.summaries(db, sql: "SELECT \(Self.summaryColumns) FROM caseFile\(filter) ORDER BY id LIMIT ? OFFSET ?",
                                               arguments: StatementArguments(args + [q.limit, q.offset]))
            var counts: [String: [Severity: Int]] = [:]
            if !summaries.isEmpty {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT caseId, severity, COUNT(*) AS n FROM flag
                    WHERE caseId IN (\(Self.placeholders(summaries.count))) AND \(dueForCase) GROUP BY caseId, severity
                    """, arguments: StatementArguments(summaries.map(\.id) + [q.on.description]))
                while let row = try rows.next() {
                    if let s = Severity(rawValue: row["severity"]) { counts[row["caseId"], default: [:]][s] = row["n"] }
                }
            }
            var totals: [Severity: Int] = [:]
            // Everyone's totals from the tally kept by the flags' triggers, a few rows; someone who sees only
            // some cases counts their flags through the worker, team and case keys instead.
            let visible = Self.visibility(user, caseColumn: "flag.caseId")
            var sql = visible == nil ? "SELECT severityRank, SUM(n) AS n FROM flagTally WHERE (dueFrom = '' OR dueFrom <= ?)"
                                     : "SELECT severityRank, COUNT(*) AS n FROM flag WHERE \(dueForCase)"
            var totalArgs: [DatabaseValueConvertible?] = [q.on.description]
            if let v = visible { sql += " AND " + v.sql; totalArgs += v.arguments }
            for row in try Row.fetchAll(db, sql: sql + " GROUP BY severityRank", arguments: StatementArguments(totalArgs)) {
                if let s = Severity.allCases.first(where: { $0.rank == row["severityRank"] }) { totals[s] = row["n"] }
            }
            return CaseListPage(query: q, entries: summaries.map { CaseListEntry(summary: $0, openFlags: counts[$0.id] ?? [:]) },
                                total: total, openFlags: totals)
        }
    }

    public func suggestedCaseId(by actor: String) throws(StoreError) -> String {
        try read { db in
            _ = try Self.requireUser(db, actor)
            return try Self.freshId(db)
        }
    }

    public func saveDraft(_ draft: Draft, by actor: String) throws(StoreError) {
        try run {
            try immediate { db in
                _ = try Self.requireUser(db, actor)
                // Rewritten, a draft is new again: no longer on its last chance.
                var d = draft
                d.lastOfferedAt = nil
                try DraftRecord(user: actor, draft: d).insert(db, onConflict: .replace)
            }
        }
    }

    public func drafts(by actor: String) throws(StoreError) -> [Draft] {
        try read { db in
            try DraftRecord.of(actor).order(DraftRecord.Columns.updatedAt.desc).fetchAll(db).map(\.draft)
        }
    }

    public func deleteDraft(_ id: String, by actor: String) throws(StoreError) {
        try run { try immediate { db in _ = try DraftRecord.of(actor).filter(DraftRecord.Columns.id == id).deleteAll(db) } }
    }

    public func tidyDrafts(before cutoff: Timestamp, now: Timestamp, by actor: String) throws(StoreError) -> Int {
        if limitation != nil { return 0 }
        let stale = try drafts(by: actor).filter { $0.updatedAt < cutoff }
        guard !stale.isEmpty else { return 0 }
        return try run {
            try immediate { db in
                var removed = 0
                for d in stale {
                    // Only the draft as read: one rewritten meanwhile is kept.
                    let same = DraftRecord.of(actor).filter(DraftRecord.Columns.id == d.id && DraftRecord.Columns.updatedAt == d.updatedAt)
                    if d.lastOfferedAt != nil {
                        removed += try same.deleteAll(db)
                    } else {
                        try same.updateAll(db, DraftRecord.Columns.lastOfferedAt.set(to: now))
                    }
                }
                return removed
            }
        }
    }

    /// Every version's text is a reading of the case: an audited view.
    public func history(caseId: String, recordId: String, by actor: String) throws(StoreError) -> [RecordVersion] {
        try recordedRead(as: actor) { db, w in
            _ = try Self.visibleCase(db, caseId, w.actor)
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM recordVersion WHERE caseId = ? AND recordId = ? ORDER BY version",
                                        arguments: [caseId, recordId])
            guard !rows.isEmpty else { throw StoreError.recordNotFound(caseId: caseId, recordId: recordId) }
            try w.audit(db, .history, caseId: caseId, recordId: recordId)
            return try rows.map { row in
                RecordVersion(caseId: caseId, recordId: recordId, version: row["version"],
                              record: try CaseRecord.decode(kind: try Stored.value(row["kind"], RecordKind.init(rawValue:), "recordVersion", "kind"),
                                                            body: row["body"]),
                              author: row["author"], at: try Stored.time(row["at"], "recordVersion", "at"),
                              reason: row["reason"])
            }
        }
    }

    public func caseAccess(_ caseId: String, by actor: String) throws(StoreError) -> [AccessEvent] {
        try recordedRead(as: actor) { db, w in
            _ = try Self.visibleCase(db, caseId, w.actor)
            let events = try Row.fetchAll(db, sql: "SELECT seq, at, user, action, recordId, version FROM audit WHERE caseId = ? ORDER BY seq",
                                          arguments: [caseId]).map { row in
                AccessEvent(seq: row["seq"], at: try Stored.time(row["at"], "audit", "at"), user: row["user"], action: row["action"],
                            recordId: row["recordId"], version: row["version"])
            }
            // Recorded after it is read, as on the team store, where the event joins the chain at commit.
            try w.audit(db, .accessLog, caseId: caseId)
            return events
        }
    }

    public func search(_ text: String, limit: Int, by actor: String) throws(StoreError) -> [SearchHit] {
        let words = SearchHit.words(text)
        guard !words.isEmpty else { return [] }
        // Each word quoted (no query syntax gets through), the last also as a prefix of a longer word.
        let match = words.dropLast().map { "\"\($0)\"" }.joined(separator: " ") + " \"\(words.last!)\"*"
        return try read { db in
            let user = try Self.requireUser(db, actor)
            var sql = """
                SELECT record.caseId, record.recordId, record.kind, caseFile.childName FROM recordSearch s
                JOIN record ON record.rowid = s.rowid
                JOIN caseFile ON caseFile.id = record.caseId
                WHERE recordSearch MATCH ?
                """
            var args: [DatabaseValueConvertible?] = [match]
            if let v = Self.visibility(user, caseColumn: "caseFile.id") {
                sql += " AND " + v.sql
                args += v.arguments
            }
            sql += " ORDER BY s.rank, record.caseId, record.position LIMIT \(max(0, limit))"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).compactMap { row in
                RecordKind(rawValue: row[2]).map { SearchHit(caseId: row[0], recordId: row[1], kind: $0, childName: row[3]) }
            }
        }
    }

    public func othersWrote() throws(StoreError) -> Bool {
        let now = try run { try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") } }
        return dataVersion.withLock { last in
            defer { last = now }
            return last != nil && last != now
        }
    }

    public func markReturnedRead(caseId: String, reviewId: String, by actor: String) throws(StoreError) {
        try write(as: actor) { db, w in
            let summary = try Self.visibleCase(db, caseId, w.actor)
            guard summary.worker == w.actor.name,
                  try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM flag WHERE caseId = ? AND returnedIn = ?)", arguments: [caseId, reviewId]) == true,
                  try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit WHERE caseId = ? AND action = ? AND recordId = ?)",
                                    arguments: [caseId, AuditAction.returnedRead.rawValue, reviewId]) == false
            else { return }
            try w.audit(db, .returnedRead, caseId: caseId, recordId: reviewId)
        }
    }

    public func changedSinceReview(_ caseIds: [String], by actor: String) throws(StoreError) -> [String: Set<String>] {
        guard !caseIds.isEmpty else { return [:] }
        return try read { db in
            let user = try Self.requireUser(db, actor)
            // By the audit trail's order, not by time: a change in the same second as the review still counts.
            var sql = """
                WITH mine AS (SELECT caseId, MAX(seq) AS seq FROM audit
                              WHERE action = 'review' AND user = ? AND caseId IN (\(Self.placeholders(caseIds.count))) GROUP BY caseId)
                SELECT DISTINCT a.caseId, a.recordId FROM mine
                JOIN audit a ON a.caseId = mine.caseId
                JOIN caseFile ON caseFile.id = a.caseId
                WHERE a.action IN ('create', 'amend') AND a.seq > mine.seq AND a.recordId IS NOT NULL AND a.user <> ?
                """
            var args: [DatabaseValueConvertible?] = [user.name] + caseIds + [user.name]
            if let v = Self.visibility(user, caseColumn: "a.caseId") {
                sql += " AND " + v.sql
                args += v.arguments
            }
            var changed: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)) {
                changed[row[0], default: []].insert(row[1])
            }
            return changed
        }
    }

    public func verifyAudit() throws(StoreError) -> AuditReport {
        try run {
            guard let id = try currentStoreId() else { return AuditReport(events: 0, problem: nil) }
            var report: AuditReport
            do {
                report = try pool.read { db in try AuditChain.verify(db, anchor: anchor, storeId: id, known: try Self.knownBreaks(db)) }
            } catch let e as AuditAnchor.Failure {
                report = AuditReport(events: 0, problem: e.description)
                anchor.raise(storeId: id, problem: Self.shortProblem(e), at: Timestamp(clock()))
                return report
            }
            if let problem = report.problem {
                anchor.raise(storeId: id, problem: problem, at: Timestamp(clock()))
            } else if let alarm = anchor.alarm(storeId: id) {
                report.problem = alarm.inWords
            }
            return report
        }
    }

    /// The breaks earlier incident notes answered.
    static func knownBreaks(_ db: Database) throws -> Set<Int64> {
        Set(try String.fetchAll(db, sql: "SELECT breaks FROM incident").flatMap { $0.split(separator: ",").compactMap { Int64($0) } })
    }

    public func auditAlarm() throws(StoreError) -> AuditAlarm? {
        try run { try currentStoreId().flatMap { anchor.alarm(storeId: $0) } }
    }

    public func recordIncident(note: String, by actor: String) throws(StoreError) -> AuditIncident {
        guard !note.isBlank else { throw .invalid("an incident note needs the note: what was found and what was done") }
        guard note.count <= CaseFileCodec.maxTextLength else { throw .invalid("the note is longer than \(CaseFileCodec.maxTextLength) characters") }
        let incident = try write(as: actor) { db, w -> AuditIncident in
            try Access.require(w.actor, .incidentNote)
            let breaks = try AuditChain.walk(db, known: []).breaks.map(\.seq)
            try w.audit(db, .incident)
            let event = w.head?.0 ?? 0
            try db.execute(sql: "INSERT INTO incident (event, at, user, note, breaks) VALUES (?,?,?,?,?)",
                           arguments: [event, w.now.text, w.actor.name, note, breaks.map(String.init).joined(separator: ",")])
            return AuditIncident(event: event, at: w.now, by: w.actor.name, note: note, breaks: breaks)
        }
        try run {
            guard let id = try currentStoreId(),
                  let head = try pool.read({ db in try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") })
            else { return }
            try anchor.reset(storeId: id, seq: head["seq"], hash: head["hash"])
        }
        return incident
    }
}
