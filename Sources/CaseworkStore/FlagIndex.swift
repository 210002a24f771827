import CaseworkCore
import Crypto
import Foundation
import GRDB

/// The flags kept current in the store: recomputed for a case inside every
/// write transaction to it, indexed so that listing open flags across all
/// cases is a query. Time-based flags are stored with the day they fall due
/// and filtered on read, so a later day's answer is right with no write.
extension SQLiteCaseStore {
    /// Identifies the policy and guidance the stored flags were computed with.
    var fingerprint: String {
        let e = engine
        let texts = e.guidance.ruleOrder.compactMap { e.guidance.rules[$0] }.map { "\($0.id)\u{1F}\($0.message)\u{1F}\($0.source)" }
        let digest = SHA256.hash(data: Data((e.policy.canonical + "\u{1E}" + texts.joined(separator: "\u{1E}")).utf8))
        return AuditChain.hex(digest)
    }

    func refreshFlags(_ db: Database, _ caseId: String, now: Timestamp) throws {
        let c = try Self.loadCase(db, caseId)
        let manual = try Row.fetchAll(db, sql: "SELECT * FROM manualFlag WHERE caseId = ?", arguments: [caseId]).map { row in
            ManualFlag(recordId: row["recordId"], severity: Severity(rawValue: row["severity"]) ?? .check, reason: row["reason"],
                       raisedBy: row["raisedBy"], raisedAt: Timestamp(row["raisedAt"] as String) ?? now)
        }
        let flags = engine.flags(for: c, manual: manual)
        var raised: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT rule, recordId, raisedAt FROM flag WHERE caseId = ?", arguments: [caseId]) {
            raised["\(row["rule"] as String)\u{1F}\(row["recordId"] as String)"] = row["raisedAt"]
        }
        try db.execute(sql: "DELETE FROM flag WHERE caseId = ?", arguments: [caseId])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO flag (caseId, recordId, rule, severity, severityRank, field, message, source, dueFrom,
                              raisedAt, since, worker, team, status, reviewId, returnedIn)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        for f in flags {
            let raisedAt = raised["\(f.rule)\u{1F}\(f.recordId)"] ?? now.text
            var since = raisedAt
            if let due = f.dueFrom, let r = Timestamp(raisedAt), due.startDate.timeIntervalSince1970 > r.instant {
                since = "\(due)T00:00:00Z"
            }
            try insert.execute(arguments: [caseId, f.recordId, f.rule, f.severity.rawValue, f.severity.rank, f.field,
                                           f.message, f.source, f.dueFrom?.description, raisedAt, since, c.worker, c.team,
                                           f.status.rawValue, f.reviewId, f.returnedIn])
        }
    }

    /// Every case, in batches of `batch` cases per transaction so the write
    /// lock is never held for long; then the fingerprint is recorded.
    func recomputeAll(batch: Int = 200) throws(StoreError) -> Int {
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM caseFile ORDER BY id") }
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + batch, ids.count)]
            let now = Timestamp(clock())
            try run {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        for id in chunk { try refreshFlags(db, id, now: now) }
                        return .commit
                    }
                }
            }
            start += batch
        }
        let print = fingerprint
        try run {
            try pool.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('flagsFingerprint', ?)", arguments: [print])
            }
        }
        return ids.count
    }

    public func flags(_ q: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry] {
        try read { db in
            let user = try Self.requireUser(db, actor)
            var sql = """
                SELECT flag.*, record.body AS returnBody FROM flag
                LEFT JOIN record ON record.caseId = flag.caseId AND record.recordId = flag.returnedIn
                WHERE (dueFrom IS NULL OR dueFrom <= ?)
                """
            var args: [DatabaseValueConvertible?] = [q.on.description]
            if q.returnedOnly { sql += " AND returnedIn IS NOT NULL" }
            if !q.includeAccepted { sql += " AND status = 'open'" }
            if let id = q.caseId { sql += " AND flag.caseId = ?"; args.append(id) }
            if let rule = q.rule { sql += " AND rule = ?"; args.append(rule) }
            if let worker = q.worker { sql += " AND worker = ?"; args.append(worker) }
            if let s = q.severities {
                sql += " AND severity IN (\(s.map { _ in "?" }.joined(separator: ",")))"
                args += s.map(\.rawValue)
            }
            if let v = Self.visibility(user, caseColumn: "flag.caseId") {
                sql += " AND " + v.sql
                args += v.arguments
            }
            sql += " ORDER BY severityRank, since, flag.caseId, flag.recordId, rule"
            if let limit = q.limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(Self.entry)
        }
    }

    static func entry(_ row: Row) -> FlagEntry {
        let flag = Flag(rule: row["rule"], severity: Severity(rawValue: row["severity"]) ?? .check, caseId: row["caseId"],
                        recordId: row["recordId"], field: row["field"], message: row["message"], source: row["source"],
                        dueFrom: (row["dueFrom"] as String?).flatMap(Day.init),
                        status: FlagStatus(rawValue: row["status"]) ?? .open, reviewId: row["reviewId"], returnedIn: row["returnedIn"])
        var returned: Review?
        if let body = row["returnBody"] as String?, case .review(let r)? = try? CaseRecord.decode(kind: .review, body: body) { returned = r }
        return FlagEntry(flag: flag, worker: row["worker"], team: row["team"],
                         since: Timestamp(row["since"] as String) ?? Timestamp(Date(timeIntervalSince1970: 0)), returned: returned)
    }

    public func recomputeFlags(by actor: String) throws(StoreError) -> Int {
        let user = try self.user(named: actor)
        guard user.role == .manager else {
            throw .forbidden("only a manager can recompute every case's flags (you are a \(user.role.rawValue)); yours are kept current as you write")
        }
        return try recomputeAll()
    }

    public func policy() throws(StoreError) -> Policy { engine.policy }

    public func setPolicy(_ override: Data, by actor: String) throws(StoreError) -> Policy {
        let policy: Policy
        do { policy = try Policy.decodeOverride(override, over: settings.defaultPolicy) } catch {
            throw .invalid("the policy file is invalid: \(error); nothing changed")
        }
        try write(as: actor) { db, w in
            guard w.actor.role == .manager else {
                throw StoreError.forbidden("only a manager can set the organisation's policy (you are a \(w.actor.role.rawValue))")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('policy', ?)",
                           arguments: [String(decoding: override, as: UTF8.self)])
            try w.audit(db, .policySet)
        }
        engineBox.withLock { $0.policy = policy }
        _ = try recomputeAll()
        return policy
    }
}
