import CaseworkCore
import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The flags kept current in the store: recomputed for a case inside every
/// write transaction to it, indexed so that listing open flags across all
/// cases is a query. Time-based flags are stored with the day they fall due
/// and filtered on read, so a later day's answer is right with no write.
extension SQLiteCaseStore {
    /// Identifies the policy and guidance the stored flags were computed with.
    var fingerprint: String { Self.fingerprint(of: engine) }

    static func fingerprint(of e: FlagEngine) -> String {
        let texts = e.guidance.ruleOrder.compactMap { e.guidance.rules[$0] }.map { "\($0.id)\u{1F}\($0.message)\u{1F}\($0.source)" }
        let digest = SHA256.hash(data: Data(("rules \(Rules.version)\u{1E}" + e.policy.canonical + "\u{1E}" + texts.joined(separator: "\u{1E}")).utf8))
        return AuditChain.hex(digest)
    }

    /// Recomputes one case's flags and stores them; returns whether they changed.
    @discardableResult
    func refreshFlags(_ db: Database, _ caseId: String, now: Timestamp) throws -> Bool {
        let c = try Self.loadCase(db, caseId)
        let manual = try Self.manualFlags(db, caseIds: [caseId], now: now)[caseId] ?? []
        return try Self.storeFlags(db, c, engine.flags(for: c, manual: manual), now: now)
    }

    /// Flags that fall due on or before a day (one `?`, the day).
    static let due = "(dueFrom IS NULL OR dueFrom <= ?)"

    /// Open flags due on a day (one `?`, the day). With `byCase`, for queries
    /// that name their case or cases: the unary + keeps SQLite on the case's
    /// key instead of walking every open flag through the queue's index.
    static func openOn(byCase: Bool) -> String {
        (byCase ? "+" : "") + "status = 'open' AND " + due
    }

    /// How a flag is told apart within its case.
    static func flagKey(_ rule: String, _ recordId: String) -> String { "\(rule)\u{1F}\(recordId)" }

    /// The cases written since audit event `seq`; nil when an event not tied
    /// to one case (a user or policy change) came in, so any case may differ.
    /// (Without DISTINCT, which made SQLite scan the whole of `audit_case` for each batch of a
    /// recompute, 14 ms at 100,000 cases, rather than read the few events after `seq`.)
    static func casesWritten(_ db: Database, since seq: Int64) throws -> Set<String>? {
        var ids = Set<String>()
        let rows = try String?.fetchCursor(db, sql: "SELECT caseId FROM audit WHERE seq > ?", arguments: [seq])
        while let id = try rows.next() {
            guard let id else { return nil }
            ids.insert(id)
        }
        return ids
    }

    static func manualFlags(_ db: Database, caseIds: [String], now: Timestamp) throws -> [String: [ManualFlag]] {
        var out: [String: [ManualFlag]] = [:]
        let rows = try ManualFlagRecord.filter(caseIds.contains(ManualFlagRecord.Columns.caseId)).fetchCursor(db)
        while let m = try rows.next() { out[m.caseId, default: []].append(m.flag) }
        return out
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }

    /// A case's stored flags by rule and record: when each was raised, and the columns compared.
    typealias StoredFlags = [String: (raisedAt: String, same: [DatabaseValue])]

    /// A case's stored flags from rows of `storedColumns`, read by position.
    static func storedFlags(_ rows: [Row]) -> StoredFlags {
        var stored: StoredFlags = [:]
        for row in rows {
            stored[flagKey(row[1], row[2])] = (row[3], (0..<comparedColumns.count).map { row[4 + $0] })
        }
        return stored
    }

    /// Whether `flags` for case `c` are exactly what is stored.
    static func unchanged(_ stored: StoredFlags, _ c: Case, _ flags: [Flag]) -> Bool {
        func values(_ f: Flag) -> [DatabaseValue] {
            [f.severity.rawValue, f.field, f.message, f.source, f.dueFrom?.description, c.worker, c.team, f.status.rawValue,
             f.reviewId, f.returnedIn].map { $0?.databaseValue ?? .null }
        }
        return stored.count == flags.count && flags.allSatisfy { stored[flagKey($0.rule, $0.recordId)]?.same == values($0) }
    }

    /// Replaces the case's stored flags with `flags`, keeping when each was
    /// first raised; writes nothing when they are the same. Returns whether they changed.
    @discardableResult
    static func storeFlags(_ db: Database, _ c: Case, _ flags: [Flag], now: Timestamp) throws -> Bool {
        let stored = storedFlags(try Row.fetchAll(db, sql: "SELECT \(storedColumns) FROM flag WHERE caseId = ?", arguments: [c.id]))
        if unchanged(stored, c, flags) { return false }
        try db.execute(sql: "DELETE FROM flag WHERE caseId = ?", arguments: [c.id])
        for f in flags {
            let raisedAt = stored[flagKey(f.rule, f.recordId)]?.raisedAt ?? now.text
            var since = Timestamp(raisedAt) ?? now
            if let due = f.dueFrom, due.startDate.timeIntervalSince1970 > since.instant, let start = Timestamp("\(due)T00:00:00Z") {
                since = start
            }
            try FlagRecord(f, worker: c.worker, team: c.team, raisedAt: raisedAt, since: since).insert(db)
        }
        try db.execute(sql: refreshFlaggedFrom, arguments: [c.id])
        return true
    }

    /// A case's first day with an open flag due, from its own flags. The `+` keeps SQLite off the status
    /// index, which (with no statistics kept) it otherwise walked across every open flag in the store for
    /// each case: 24 ms a case at 100,000 cases, four minutes for a policy change that moved 13,000.
    static let refreshFlaggedFrom = """
        UPDATE caseFile SET flaggedFrom = (SELECT MIN(coalesce(dueFrom, '0000-01-01')) FROM flag
                                           WHERE flag.caseId = caseFile.id AND +flag.status = 'open') WHERE id = ?
        """

    /// The stored columns that `storeFlags` compares, in the order `values` gives them.
    static let comparedColumns = ["severity", "field", "message", "source", "dueFrom", "worker", "team", "status", "reviewId", "returnedIn"]
    /// What `storedFlags` reads: the case, the flag's key, when it was raised, then `comparedColumns`.
    static let storedColumns = (["caseId", "rule", "recordId", "raisedAt"] + comparedColumns).joined(separator: ", ")

    /// Every case, in batches of `batch` cases. Batches are read and their flags
    /// computed on every core outside the write lock, each core taking the next
    /// batch as soon as it finishes one; this thread then stores, batch by batch
    /// in order, only flags that changed, recomputing inside the write
    /// transaction any case written meanwhile. Then the fingerprint is recorded.
    func recomputeAll(batch: Int = 250) throws(StoreError) -> RecomputeSummary {
        let started = ContinuousClock.now
        let engine = self.engine
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM caseFile ORDER BY id") }
        var summary = RecomputeSummary(cases: ids.count)
        let chunks = ids.chunks(of: batch).map(Array.init)
        try computeAhead(chunks, engine: engine) { k, now, snapshot, computed throws(StoreError) in
            let chunk = chunks[k]
            // Cases written since the batch was read are recomputed under the lock, whoever wrote them.
            let written = try read { db in try Self.casesWritten(db, since: snapshot) }
            if written?.isEmpty == true, computed.allSatisfy({ if case .same? = $0 { true } else { false } }) {
                summary.batches += 1
                return
            }
            let lockStart = ContinuousClock.now
            let changed: Int = try run {
                try immediate { db in
                    var changed = 0
                    let stale = try Self.casesWritten(db, since: snapshot) ?? Set(chunk)
                    for (id, result) in zip(chunk, computed) {
                        switch result {
                        case .same? where !stale.contains(id): break
                        case .changed(let c, let flags)? where !stale.contains(id):
                            if try Self.storeFlags(db, c, flags, now: now) { changed += 1 }
                        default:
                            guard try Self.ownership(db, id) != nil else { continue }
                            if try refreshFlags(db, id, now: now) { changed += 1 }
                        }
                    }
                    return changed
                }
            }
            summary.longestWriteLock = max(summary.longestWriteLock, ContinuousClock.now - lockStart)
            summary.changed += changed
            summary.batches += 1
        }
        let print = fingerprint
        try run {
            try immediate { db in
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('flagsFingerprint', ?)", arguments: [print])
            }
        }
        summary.elapsed = ContinuousClock.now - started
        return summary
    }

    /// Computes the flags of `chunks` on every core and hands each chunk's
    /// outcome to `consume` on this thread, in order: when it was computed, the
    /// audit head its read saw, and per case what the rules gave. A core takes
    /// the next chunk as soon as it finishes one, so none waits for another at
    /// the end of a batch (splitting each batch in two halves kept 1.65 of 2
    /// cores busy; this, 1.9); at most two chunks a core are held ahead of `consume`.
    func computeAhead(_ chunks: [[String]], engine: FlagEngine,
                      consume: (Int, Timestamp, Int64, [Recomputed?]) throws(StoreError) -> Void) throws(StoreError) {
        guard !chunks.isEmpty else { return }
        typealias Outcome = (Timestamp, Result<(Int64, [Recomputed?]), StoreError>)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, chunks.count))
        // Counts up from zero, so the semaphore is never released below its starting value.
        let window = DispatchSemaphore(value: 0)
        for _ in 0..<workers * 2 { window.signal() }
        let done = chunks.map { _ in DispatchSemaphore(value: 0) }
        let slots = Mutex<[Outcome?]>(Array(repeating: nil, count: chunks.count))
        let queue = Mutex((next: 0, stopped: false))
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global().async(group: group) {
                while true {
                    window.wait()
                    let taken: Int? = queue.withLock { q in
                        guard !q.stopped, q.next < chunks.count else { return nil }
                        defer { q.next += 1 }
                        return q.next
                    }
                    guard let k = taken else { window.signal(); return }
                    let now = Timestamp(self.clock())
                    let result: Result<(Int64, [Recomputed?]), StoreError>
                    do throws(StoreError) { result = .success(try self.computeChunk(chunks[k], engine: engine, now: now)) } catch {
                        result = .failure(error)
                    }
                    slots.withLock { $0[k] = (now, result) }
                    done[k].signal()
                }
            }
        }
        defer {
            queue.withLock { $0.stopped = true }
            for _ in 0..<workers { window.signal() }
            group.wait()
        }
        for k in chunks.indices {
            done[k].wait()
            let (now, result) = slots.withLock { s in
                defer { s[k] = nil }
                return s[k]!
            }
            window.signal()
            let (seq, computed) = try result.get()
            try consume(k, now, seq, computed)
        }
    }

    /// What the rules gave for one case, beside what was stored.
    enum Recomputed: Sendable {
        case same
        case changed(Case, [Flag])
    }

    /// Reads, decodes and runs the rules on `ids`, split across the machine's
    /// cores, each part on its own read connection. Returns the audit head seen
    /// by the earliest read (writes after it are redone under the lock) and,
    /// per case, the outcome; nil for a case that could not be read whole,
    /// notes included (`casework check` uses it, and reports such a case).
    func computeInParallel(_ ids: [String], engine: FlagEngine, now: Timestamp) throws(StoreError) -> (Int64, [Recomputed?]) {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, ids.count))
        struct Results: Sendable {
            var seq = Int64.max
            var flags: [Recomputed?]
            var error: StoreError?
        }
        let results = Mutex(Results(flags: Array(repeating: nil, count: ids.count)))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let mine = Array(stride(from: part, to: ids.count, by: parts))
            do throws(StoreError) {
                let (seq, flags) = try computeChunk(mine.map { ids[$0] }, engine: engine, now: now, readingNotes: true)
                results.withLock { r in
                    r.seq = min(r.seq, seq)
                    for (i, x) in zip(mine, flags) { r.flags[i] = x }
                }
            } catch {
                results.withLock { $0.error = error }
            }
        }
        let r = results.withLock { $0 }
        if let e = r.error { throw e }
        return (r.seq, r.flags)
    }

    /// Reads `ids` in one read transaction, decodes each case, runs the rules on
    /// it and compares the result with the stored flags read in the same
    /// snapshot. Returns the audit head the read saw and, per case, the outcome;
    /// nil for a case that could not be read whole.
    func computeChunk(_ ids: [String], engine: FlagEngine, now: Timestamp, readingNotes: Bool = false) throws(StoreError) -> (Int64, [Recomputed?]) {
        typealias Read = (cases: [String: Case], manual: [String: [ManualFlag]], stored: [String: [Row]])
        let (seq, cases): (Int64, Read) = try read { db in
            let seq = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit") ?? 0
            let rows = try Self.casesForRules(db, ids, readingNotes: readingNotes)
            var stored: [String: [Row]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT \(Self.storedColumns) FROM flag WHERE caseId IN (\(Self.placeholders(ids.count)))",
                                        arguments: StatementArguments(ids)) {
                stored[row[0], default: []].append(row)
            }
            return (seq, (rows, try Self.manualFlags(db, caseIds: ids, now: now), stored))
        }
        let out: [Recomputed?] = ids.map { id in
            guard let c = cases.cases[id] else { return nil }
            let flags = engine.flags(for: c, manual: cases.manual[id] ?? [])
            return Self.unchanged(Self.storedFlags(cases.stored[id] ?? []), c, flags) ? .same : .changed(c, flags)
        }
        return (seq, out)
    }

    /// The cases `ids` as the rules read them, in one pass over SQLite's rows: each body decoded
    /// where SQLite holds it, with no `String` made of it (a copy, a UTF-8 check and a free per
    /// record), and case notes left out unless `readingNotes`, as no rule reads them (the case is
    /// handed on only for the rules and for its id, worker and team). A case absent from the
    /// result has no header or a record that could not be decoded, as `Case(rows:storedAs:)`
    /// would have said.
    static func casesForRules(_ db: Database, _ ids: [String], readingNotes: Bool = false) throws -> [String: Case] {
        let statement = try db.makeStatement(sql: """
            SELECT caseId, kind, body FROM record WHERE caseId IN (\(placeholders(ids.count)))\(readingNotes ? "" : " AND kind <> '\(RecordKind.note.rawValue)'")
            ORDER BY caseId, position
            """)
        try statement.setArguments(StatementArguments(ids))
        let sqlite = statement.sqliteStatement
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let p = sqlite3_column_text(sqlite, column) else { return nil }
            return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(sqlite, column)))
        }
        var out: [String: Case] = [:]
        out.reserveCapacity(ids.count)
        var id = "", built: StoredCase? = StoredCase()
        func file() {
            if var c = built?.finished {
                c.id = id
                out[id] = c
            }
        }
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let caseId = text(0).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if caseId != id {
                file()
                (id, built) = (caseId, StoredCase())
            }
            guard built != nil else { continue }
            guard let kind = text(1).flatMap({ RecordKind(rawValue: String(decoding: $0, as: UTF8.self)) }), let body = text(2),
                  (try? built?.add(kind: kind, utf8: body)) != nil else {
                built = nil
                continue
            }
        }
        file()
        return out
    }

    public func flags(_ q: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry] {
        try read { db in try Self.flagEntries(db, q, for: try Self.requireUser(db, actor)) }
    }

    /// The flags `q` asks for, among those `user` may see.
    static func flagEntries(_ db: Database, _ q: FlagQuery, for user: User) throws -> [FlagEntry] {
        let (filter, args) = flagFilter(q, for: user)
        let sql = """
            SELECT \(entryColumns), record.body AS returnedBody, \(returnedRead)
            FROM flag
            LEFT JOIN record ON record.caseId = flag.caseId AND record.recordId = flag.returnedIn
            """ + filter
        // Read from the statement as it steps: a copied row decodes each column through a generic path.
        var entries: [FlagEntry] = []
        entries.reserveCapacity(min(q.limit ?? 0, 5000))
        // A page's statement is the same text as the last page's: prepared once per connection.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(args))
        while let row = try rows.next() { entries.append(try Self.entry(row)) }
        return entries
    }

    /// The same flags as `flagEntries`, as queue lines: eight columns, no review read or decoded.
    static func queueLines(_ db: Database, _ q: FlagQuery, for user: User) throws -> [QueueLine] {
        let (filter, args) = flagFilter(q, for: user)
        let sql = "SELECT severity, since, flag.caseId, flag.recordId, worker, rule, returnedIn, \(returnedRead) FROM flag" + filter
        var lines: [QueueLine] = []
        lines.reserveCapacity(min(q.limit ?? 0, 5000))
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(args))
        let table = FlagRecord.databaseTableName
        while let row = try rows.next() {
            lines.append(QueueLine(severity: try Stored.severity(row[0], table), since: try Stored.time(row[1], table, "since"),
                                   caseId: row[2], recordId: row[3], worker: row[4], rule: row[5], returnedIn: row[6],
                                   returnedRead: try (row[7] as String?).map { try Stored.time($0, "audit", "at") }))
        }
        return lines
    }

    /// When the practitioner first opened a returned flag's review (NULL if never, or not returned).
    static let returnedRead = """
        CASE WHEN flag.returnedIn IS NULL THEN NULL ELSE (SELECT MIN(a.at) FROM audit a WHERE a.caseId = flag.caseId
            AND a.action = '\(AuditAction.returnedRead.rawValue)' AND a.recordId = flag.returnedIn) END AS returnedRead
        """

    /// Which flags a query asks for, in the queue's order, as far as `user` may see (one `?` after
    /// another in the returned arguments): the text after a `SELECT ... FROM flag`.
    static func flagFilter(_ q: FlagQuery, for user: User) -> (sql: String, arguments: [DatabaseValueConvertible?]) {
        var sql = " WHERE " + (q.includeAccepted ? due : openOn(byCase: q.caseId != nil || q.caseIds != nil || q.returnedOnly))
        var args: [DatabaseValueConvertible?] = [q.on.description]
        if q.returnedOnly { sql += " AND returnedIn IS NOT NULL" }
        if let a = q.after {
            sql += " AND (severityRank, since, flag.caseId, flag.recordId, rule) > (?, ?, ?, ?, ?)"
            args += [a.severityRank, a.since, a.caseId, a.recordId, a.rule]
        }
        if let id = q.caseId { sql += " AND flag.caseId = ?"; args.append(id) }
        if let r = q.caseIds { sql += " AND flag.caseId BETWEEN ? AND ?"; args += [r.lowerBound, r.upperBound] }
        if let rule = q.rule { sql += " AND rule = ?"; args.append(rule) }
        if let worker = q.worker { sql += " AND worker = ?"; args.append(worker) }
        if let s = q.severities {
            sql += " AND severity IN (\(placeholders(s.count)))"
            args += s.map(\.rawValue)
        }
        if let v = Self.visibility(user, caseColumn: "flag.caseId") {
            sql += " AND " + v.sql
            args += v.arguments
        }
        sql += " ORDER BY severityRank, since, flag.caseId, flag.recordId, rule"
        if q.limit != nil || q.offset > 0 { sql += " LIMIT \(q.limit.map { max(0, $0) } ?? -1) OFFSET \(max(0, q.offset))" }
        return (sql, args)
    }

    /// The columns `entry` reads, by position (looking each up by name cost a third of the queue's time).
    static let entryColumns = "flag.caseId, flag.recordId, rule, severity, field, message, source, dueFrom, status, reviewId, returnedIn, worker, team, raisedAt, since"

    /// A flag from a row of `entryColumns`, then the body of the review that returned it (the 16th column,
    /// `returnedBody`, or NULL) and when the practitioner read it (the 17th, `returnedRead`, absent or NULL).
    static func entry(_ row: Row) throws -> FlagEntry {
        var returned: Review?
        if let body = row[15] as String?, case .review(let r)? = try? CaseRecord.decode(kind: .review, body: body) { returned = r }
        var read: Timestamp?
        if row.count > 16, let at = row[16] as String? { read = try Stored.time(at, "audit", "at") }
        return try FlagRecord.entry(row, returned: returned, returnedRead: read)
    }

    public func recomputeFlags(by actor: String) throws(StoreError) -> RecomputeSummary {
        let user = try self.user(named: actor)
        try Access.require(user, .recomputeAll)
        return try recomputeAll()
    }

    public func policy() throws(StoreError) -> Policy {
        try read { db in try followStoredPolicy(db) }
        return engine.policy
    }

    public func setPolicy(_ override: Data, by actor: String) throws(StoreError) -> RecomputeSummary {
        do { _ = try Policy.decodeOverride(override, over: settings.defaultPolicy) } catch {
            throw .invalid("the policy file is invalid: \(error); nothing changed")
        }
        try write(as: actor) { db, w in
            try Access.require(w.actor, .setPolicy)
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('policy', ?)",
                           arguments: [String(decoding: override, as: UTF8.self)])
            try w.audit(db, .policySet)
        }
        try read { db in try followStoredPolicy(db) }
        return try recomputeAll()
    }

    public func adoptFlagBasis(by actor: String) throws(StoreError) -> RecomputeSummary {
        try write(as: actor) { db, w in
            try Access.require(w.actor, .adoptBasis)
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('flagBasis', ?)", arguments: [settings.basis.text])
            try w.audit(db, .basisAdopt)
        }
        try read { db in try followStoredPolicy(db) }
        return try recomputeAll()
    }
}
