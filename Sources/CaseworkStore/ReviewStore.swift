import CaseworkCore
import Foundation
import GRDB

/// The manager's side of the store: review actions, the queue, manual flags,
/// case members, the supervision report and retention.
extension SQLiteCaseStore {
    public func review(_ request: ReviewRequest, by actor: String) throws(StoreError) -> Review {
        try write(as: actor) { db, w in
            // Sight before role: a case the user may not see is answered as a missing one.
            let o = try Self.visibleCase(db, request.caseId, w.actor)
            let c = try Self.loadCase(db, request.caseId)
            let open = try Row.fetchAll(db, sql: "SELECT \(Self.entryColumns), NULL AS returnedBody FROM flag WHERE caseId = ? AND \(Self.openOn(byCase: true))",
                                        arguments: [c.id, w.now.localDay.description]).map { try Self.entry($0).flag }
            let result = ReviewRules.review(request, by: w.actor, ownership: o, case: c, openFlags: open,
                                            id: ReviewRules.nextId(in: c), at: w.now)
            let review: Review
            switch result {
            case .success(let r): review = r
            case .failure(let e): throw e
            }
            if request.returnsByHand {
                try Self.insertManualFlag(db, caseId: c.id, recordId: review.target.record, severity: .check, reason: request.note, w: &w)
            }
            let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM record WHERE caseId = ?", arguments: [c.id]) ?? 0) + 1
            try Self.insert(db, .review(review), caseId: c.id, position: position, w: w, reason: nil)
            try Self.upsertSummary(db, c.replacing(.review(review)), now: w.now)
            try w.audit(db, .review, caseId: c.id, recordId: review.id, version: 1)
            w.touched.insert(c.id)
            return review
        }
    }

    public func reviewQueueLines(_ query: FlagQuery, by actor: String) throws(StoreError) -> [QueueLine] {
        let q = query.inReviewQueue(of: engine.policy)
        return try read { db in
            let user = try Self.requireUser(db, actor)
            try Access.require(user, .reviewQueue)
            return try Self.queueLines(db, q, for: user)
        }
    }

    public func reviewQueue(_ query: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry] {
        let q = query.inReviewQueue(of: engine.policy)
        return try read { db in
            let user = try Self.requireUser(db, actor)
            try Access.require(user, .reviewQueue)
            var entries = try Self.flagEntries(db, q, for: user)
            let cases = Array(Set(entries.map(\.flag.caseId)))
            var reviews: [(caseId: String, review: Review)] = []
            for chunk in cases.chunks(of: 500) {
                // Only the cases with an escalation have their reviews read, and decoded, at all.
                for row in try Row.fetchAll(db, sql: """
                    SELECT caseId, body FROM record WHERE kind = 'review' AND caseId IN (
                        SELECT caseId FROM record WHERE kind = 'review' AND caseId IN (\(Self.placeholders(chunk.count)))
                        AND json_extract(body, '$.action') = 'escalated')
                    ORDER BY caseId, position
                    """, arguments: StatementArguments(chunk)) {
                    if case .review(let r)? = try? CaseRecord.decode(kind: .review, body: row["body"]) { reviews.append((row["caseId"], r)) }
                }
            }
            ReviewRules.markEscalations(&entries, reviews: reviews)
            return entries
        }
    }

    public func raiseFlag(caseId: String, recordId: String, severity: Severity, reason: String, by actor: String) throws(StoreError) {
        guard !reason.isBlank else { throw .invalid("a flag raised by hand needs a reason") }
        try write(as: actor) { db, w in
            _ = try Self.visibleCase(db, caseId, w.actor)
            let c = try Self.loadCase(db, caseId)
            guard recordId == c.id || c.records.contains(where: { $0.id == recordId }) else {
                throw StoreError.recordNotFound(caseId: caseId, recordId: recordId)
            }
            try Self.insertManualFlag(db, caseId: caseId, recordId: recordId, severity: severity, reason: reason, w: &w)
        }
    }

    static func insertManualFlag(_ db: Database, caseId: String, recordId: String, severity: Severity, reason: String, w: inout Write) throws {
        try db.execute(sql: """
            INSERT INTO manualFlag (caseId, recordId, severity, reason, raisedBy, raisedAt) VALUES (?,?,?,?,?,?)
            ON CONFLICT (caseId, recordId, raisedBy) DO UPDATE SET severity = excluded.severity, reason = excluded.reason,
                raisedAt = excluded.raisedAt
            """,
                       arguments: [caseId, recordId, severity, reason, w.actor.name, w.now])
        try w.audit(db, .flagRaise, caseId: caseId, recordId: recordId)
        w.touched.insert(caseId)
    }

    public func addMember(caseId: String, user: String, by actor: String) throws(StoreError) {
        try write(as: actor) { db, w in
            try Access.require(w.actor, .addMember)
            _ = try Self.visibleCase(db, caseId, w.actor)
            _ = try Self.requireUser(db, user)
            try db.execute(sql: "INSERT OR IGNORE INTO caseMember (caseId, user) VALUES (?, ?)", arguments: [caseId, user])
            try w.audit(db, .memberAdd, caseId: caseId, recordId: user)
        }
    }

    /// The team report, made as the cases are read: a batch of cases at a time is decoded and
    /// counted, and the open flags are read a page at a time, all in one read transaction.
    public func report(team: String?, from: Day?, to: Day?, on day: Day, by actor: String) throws(StoreError) -> TeamReport {
        try report(team: team, from: from, to: to, on: day, by: actor, batch: TeamReport.Tally.localBatch)
    }

    func report(team: String?, from: Day?, to: Day?, on day: Day, by actor: String, batch: Int) throws(StoreError) -> TeamReport {
        let user = try self.user(named: actor)
        try Access.require(user, .teamReport)
        var tally = try read { db in
            var conditions: [String] = [], args: [DatabaseValueConvertible?] = []
            if let v = Self.visibility(user, caseColumn: "id") { conditions.append(v.sql); args += v.arguments }
            if let team { conditions.append("team = ?"); args.append(team) }
            var tally = TeamReport.Tally(from: from, to: to, today: day)
            let counter = TeamReport.Tally.Counter(from: from, to: to, today: day)
            defer { counter.close() }
            var after = ""
            while true {
                let chunk = try String.fetchAll(db, sql: "SELECT id FROM caseFile WHERE " + (conditions + ["id > ?"]).joined(separator: " AND ")
                                                + " ORDER BY id LIMIT \(max(1, batch))", arguments: StatementArguments(args + [after]))
                guard let last = chunk.last else { break }
                after = last
                let rows = try Array(Row.fetchCursor(db, sql: """
                    SELECT caseId, kind, body FROM record WHERE caseId IN (\(Self.placeholders(chunk.count))) ORDER BY caseId, position
                    """, arguments: StatementArguments(chunk)).map { row -> (String, String, String) in (row[0], row[1], row[2]) })
                try counter.add(try TeamReport.Tally.grouped(rows, expecting: chunk[...]) { $0 }, keep: batch)
            }
            tally.merge(cases: try counter.finish())
            // Flags carry their case's team, kept current with it. Pages of 500: 2,000 held 1.1 MB at once.
            var page = FlagQuery(on: day, limit: 500)
            while true {
                let entries = try Self.flagEntries(db, page, for: user)
                for e in entries where team == nil || e.team == team { tally.add(openFlag: e) }
                guard entries.count == page.limit, let last = entries.last else { break }
                page.after = FlagQuery.Position(last)
            }
            return tally
        }
        return tally.report(team: team, madeBy: user.name, madeAt: Timestamp(clock()))
    }

    public func retentionDue(on day: Day, by actor: String) throws(StoreError) -> [CaseSummary] {
        let closed = try cases(visibleTo: actor).filter { $0.closed != nil }
        return try read { db in
            try closed.filter { s in
                let body = try String.fetchOne(db, sql: "SELECT body FROM record WHERE caseId = ? AND recordId = ?", arguments: [s.id, s.id])
                guard let body, case .header(let h)? = try? CaseRecord.decode(kind: .case, body: body) else { return true }
                return h.retentionReviewBy.map { $0 < day } ?? true
            }
        }
    }

    public func dispose(caseId: String, reason: String, by actor: String) throws(StoreError) {
        guard !reason.isBlank else { throw .invalid("disposal needs a reason") }
        try write(as: actor) { db, w in
            try Access.require(w.actor, .dispose)
            _ = try Self.visibleCase(db, caseId, w.actor)
            let c = try Self.loadCase(db, caseId)
            guard let closed = c.closed else { throw StoreError.invalid("case \(caseId) is open; only a closed case can be disposed of") }
            try TombstoneRecord(caseId: caseId, opened: c.opened, closed: closed, retentionReviewBy: c.retentionReviewBy, disposedAt: w.now,
                                disposedBy: w.actor.name, reason: reason).insert(db)
            // The one audited exception to amend-only: the guard is lifted for this case inside this transaction.
            guard let guardSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'recordVersion_no_delete'") else {
                throw StoreError.storage("the record-version guard is missing; run `casework check`")
            }
            try db.execute(sql: "DROP TRIGGER recordVersion_no_delete")
            for table in ["recordVersion", "flag", "manualFlag", "caseMember", "record"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE caseId = ?", arguments: [caseId])
            }
            _ = try DraftRecord.filter(DraftRecord.Columns.caseId == caseId).deleteAll(db)
            try db.execute(sql: "DELETE FROM caseFile WHERE id = ?", arguments: [caseId])
            try db.execute(sql: guardSQL)
            try w.audit(db, .dispose, caseId: caseId)
        }
    }
}
