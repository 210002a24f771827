import CaseworkCore
import Foundation

/// The manager's side of the team store: review actions, the queue, manual
/// flags, case members, the report and retention. The database refuses each
/// of these to anyone whose role may not do it; the checks here only give a
/// clearer message first.
extension PostgresCaseStore {
    public func review(_ request: ReviewRequest, by actor: String) throws(StoreError) -> Review {
        try transaction { db in
            let me = try requireMe(db)
            let c = try Self.decodeCase(try db.query("SELECT kind, body FROM casework.read_case($1, 'view')", [request.caseId]).rows,
                                        request.caseId)
            guard let o = try Self.ownership(db, request.caseId) else { throw StoreError.caseNotFound(request.caseId) }
            let open = try db.query("SELECT \(Self.flagColumns), NULL FROM casework.flag f WHERE f.case_id = $2 AND \(Self.openOn(1))",
                                    [Timestamp(Date()).localDay.description, c.id]).rows.map { try Self.entry($0).flag }
            let review: Review
            switch ReviewRules.review(request, by: me, ownership: o, case: c, openFlags: open, id: ReviewRules.nextId(in: c), at: Timestamp(Date())) {
            case .success(let r): review = r
            case .failure(let e): throw e
            }
            if request.returnsByHand {
                _ = try db.query("SELECT kind FROM casework.raise_flag($1, $2, $3, $4)", [c.id, review.target.record, Severity.check.rawValue, request.note])
            }
            let rows = try db.query("SELECT kind, body FROM casework.add_review($1, $2, $3)",
                                    [c.id, review.id, CaseRecord.review(review).body()]).rows
            try storeFlags(db, try Self.decodeCase(rows, c.id))
            return review
        }
    }

    static func ownership(_ db: PGConnection, _ caseId: String) throws -> CaseOwnership? {
        guard let row = try db.query("SELECT worker, team FROM casework.case_file WHERE id = $1", [caseId]).first else { return nil }
        let members = Set(try db.query("SELECT user_name FROM casework.case_member WHERE case_id = $1", [caseId]).rows.compactMap { $0[0] })
        return CaseOwnership(worker: row[0] ?? "", team: row[1], members: members)
    }

    /// Who may read the queue, and the query narrowed to the severities the store's policy puts in it.
    func inQueue(_ db: PGConnection, _ query: FlagQuery) throws -> FlagQuery {
        try followStoredPolicy(db)
        let me = try requireMe(db)
        try Access.require(me, .reviewQueue)
        return query.inReviewQueue(of: engine.policy)
    }

    public func reviewQueueLines(_ query: FlagQuery, by actor: String) throws(StoreError) -> [QueueLine] {
        try transaction { db in try Self.queueLines(db, try inQueue(db, query)) }
    }

    public func eachQueueLines(_ query: FlagQuery, batch: Int, by actor: String, _ each: ([QueueLine]) -> Void) throws(StoreError) {
        try eachThroughCursor(batch: batch, narrow: { db in try inQueue(db, query) }, statement: Self.queueLinesSQL, item: Self.line, each)
    }

    public func reviewQueue(_ query: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry] {
        try transaction { db in
            let q = try inQueue(db, query)
            var entries = try Self.flagEntries(db, q)
            try Self.markEscalations(db, &entries)
            return entries
        }
    }

    /// Marks the queue's entries that a manager escalated, from the reviews of their cases.
    static func markEscalations(_ db: PGConnection, _ entries: inout [FlagEntry]) throws {
        let cases = Array(Set(entries.map(\.flag.caseId)))
        var reviews: [(caseId: String, review: Review)] = []
        if !cases.isEmpty {
            // Only the cases with an escalation have their reviews read, and decoded, at all.
            for r in try db.query("""
                SELECT case_id, body FROM casework.record WHERE kind = 'review' AND case_id IN (
                    SELECT case_id FROM casework.record WHERE kind = 'review' AND case_id = ANY ($1::text[])
                    AND body::jsonb ->> 'action' = 'escalated')
                ORDER BY case_id, position
                """, [array(cases)]).rows {
                if let c = r[0], let body = r[1], case .review(let review)? = try? CaseRecord.decode(kind: .review, body: body) { reviews.append((c, review)) }
            }
        }
        ReviewRules.markEscalations(&entries, reviews: reviews)
    }

    public func raiseFlag(caseId: String, recordId: String, severity: Severity, reason: String, by actor: String) throws(StoreError) {
        guard !reason.isBlank else { throw .invalid("a flag raised by hand needs a reason") }
        try transaction { db in
            let rows = try db.query("SELECT kind, body FROM casework.raise_flag($1, $2, $3, $4)",
                                    [caseId, recordId, severity.rawValue, reason]).rows
            try storeFlags(db, try Self.decodeCase(rows, caseId))
        }
    }

    public func addMember(caseId: String, user: String, by actor: String) throws(StoreError) {
        try transaction { db in try db.query("SELECT casework.add_member($1, $2)", [caseId, user]) }
    }

    /// The team report, made as the cases are read, in one transaction: a batch of cases at a
    /// time (each batch one audited `read_cases`) and the open flags a page at a time.
    public func report(team: String?, from: Day?, to: Day?, on day: Day, by actor: String) throws(StoreError) -> TeamReport {
        try report(team: team, from: from, to: to, on: day, by: actor, batch: TeamReport.Tally.batch)
    }

    func report(team: String?, from: Day?, to: Day?, on day: Day, by actor: String, batch: Int) throws(StoreError) -> TeamReport {
        try transaction { db in
            let me = try requireMe(db)
            try Access.require(me, .teamReport)
            var tally = TeamReport.Tally(from: from, to: to, today: day)
            let counter = TeamReport.Tally.Counter(from: from, to: to, today: day)
            defer { counter.close() }
            var after = ""
            while true {
                let chunk = try Self.walkingIndex(db) {
                    try db.query("SELECT id FROM casework.case_file WHERE id > $1 AND ($2::text IS NULL OR team = $2) ORDER BY id LIMIT \(max(1, batch))",
                                 [after, team]).rows.compactMap { $0[0] }
                }
                guard let last = chunk.last else { break }
                after = last
                let rows = try db.query("SELECT case_id, kind, body FROM casework.read_cases($1::text[], 'report')", [Self.array(chunk)]).rows
                try counter.add(try TeamReport.Tally.grouped(rows, expecting: chunk[...]) { ($0[0] ?? "", $0[1] ?? "", $0[2] ?? "") }, keep: batch)
            }
            tally.merge(cases: try counter.finish())
            // Flags carry their case's team, kept current with it.
            var page = FlagQuery(on: day, limit: 2000)
            while true {
                let entries = try Self.flagEntries(db, page)
                for e in entries where team == nil || e.team == team { tally.add(openFlag: e) }
                guard entries.count == page.limit, let last = entries.last else { break }
                page.after = FlagQuery.Position(last)
            }
            return tally.report(team: team, madeBy: me.name, madeAt: Timestamp(Date()))
        }
    }

    public func retentionDue(on day: Day, by actor: String) throws(StoreError) -> [CaseSummary] {
        try transaction { db in
            _ = try requireMe(db)
            return try db.query("""
                SELECT \(Self.summaryColumns) FROM casework.case_file
                WHERE closed IS NOT NULL AND (retention_review_by IS NULL OR retention_review_by < $1) ORDER BY id
                """, [day.description]).rows.map { try Self.summary($0) }
        }
    }

    public func dispose(caseId: String, reason: String, by actor: String) throws(StoreError) {
        guard !reason.isBlank else { throw .invalid("disposal needs a reason") }
        try transaction { db in try db.query("SELECT casework.dispose($1, $2)", [caseId, reason]) }
    }
}

extension PostgresCaseStore {
    /// The audit chain, every record version against its digest, and every
    /// case's stored flags against the rules under the team's policy. Reads only.
    public func check(by actor: String) throws(StoreError) -> StoreCheck {
        try transaction { db in
            let me = try requireMe(db)
            try Access.require(me, .checkTeamStore)
            try followStoredPolicy(db)
            let audit = try PostgresAudit.verify(db)
            let versions = try PostgresAudit.versionProblems(db)
            let ids = try db.query("SELECT id FROM casework.case_ids_for_check()")
                .rows.compactMap { $0[0] }
            var stale: [String] = []
            var total = 0
            for slice in ids.chunks(of: 500) {
                let chunk = Array(slice)
                let cases = try Self.readCases(db, chunk, purpose: "check")
                total += cases.count
                let manual = try Self.manualFlags(db, caseIds: chunk)
                var stored: [String: [Flag]] = [:]
                for r in try db.query("SELECT * FROM casework.flags_for_check($1::text[])", [Self.array(chunk)]) {
                    stored[r[0] ?? "", default: []].append(Self.storedFlag(r))
                }
                let read = Set(cases.map(\.id))
                stale += chunk.filter { !read.contains($0) && stored[$0] != nil }
                for c in cases where !Self.same(stored[c.id] ?? [], engine.flags(for: c, manual: manual[c.id] ?? []), c) {
                    stale.append(c.id)
                }
            }
            return StoreCheck(audit: audit, versions: versions, staleFlags: stale.sorted(), cases: total)
        }
    }
}
