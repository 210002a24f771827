import CaseworkCore
import Crypto
import Foundation

extension PostgresServer {
    /// What `generateDemo` wrote.
    public struct DemoSummary: Sendable {
        public var cases = 0, records = 0, flags = 0, users = 0
    }

    /// The people a generated team store has: practitioners `worker01`… in
    /// four teams, and managers `manager01`… each over one of those teams.
    public static func demoUsers(workers: Int, managers: Int) -> [User] {
        let teams = ["Early Help North", "Early Help South", "Schools Team", "Health Visiting"]
        return (1...max(1, workers)).map { User(name: String(format: "worker%02d", $0), role: .worker, teams: [teams[($0 - 1) % teams.count]]) }
            + (0..<managers).map { User(name: String(format: "manager%02d", $0 + 1), role: .manager, teams: [teams[$0 % teams.count]]) }
    }

    /// Writes `cases` invented cases (`DemoGenerator`, deterministic for a
    /// seed) into a team store with `COPY`, in transactions of `batch` cases,
    /// as the database owner: for benchmarks at sizes that saving one case at
    /// a time would take hours to reach. Each case keeps only its first
    /// records of each kind (`recordsPerKind`), so a million cases fit on one
    /// disk; its flags are computed by the engine as a save would, stored with
    /// the case; its versions are authored by the case's worker; and the audit
    /// trail gains the chained events an import writes: `import` for the case,
    /// then `create` for each record with its body's digest. Users that do not
    /// exist are added first. Refuses a store that already holds any case.
    ///
    /// A bulk load: the rows are consistent by construction, so the session runs with `session_replication_role = replica` (no foreign
    /// key checks, no row triggers: each case's `flagged_from` is written with
    /// it, and nobody is listening for changes to an empty store), and the
    /// record search index is dropped for the load and built again, from its
    /// own definition, at the end (also when the load fails part way); the
    /// case list's tallies are counted afresh at the end.
    public static func generateDemo(into address: String, cases: Int, seed: UInt64, users: [User], engine: FlagEngine,
                                    recordsPerKind: Int = 2, batch: Int = 5_000,
                                    progress: (Int) -> Void = { _ in }) throws(StoreError) -> DemoSummary {
        let db = try superuser(address, doing: "generate invented cases in the team store")
        var summary = DemoSummary()
        var searchIndex: String?
        func rebuildSearchIndex() throws {
            guard let definition = searchIndex else { return }
            try db.query("SET maintenance_work_mem = '1GB'")
            try db.query("BEGIN")
            try db.query("SET LOCAL ROLE casework_owner")
            try db.query(definition)
            try db.query("COMMIT")
            searchIndex = nil
        }
        do {
            if try db.query("SELECT 1 FROM casework.case_file LIMIT 1").count > 0 {
                throw StoreError.invalid("the team store already holds cases; invented cases go only into an empty one")
            }
            try db.query("BEGIN")
            try db.query("SET LOCAL ROLE casework_owner")
            for user in users where try db.query("SELECT 1 FROM casework.app_user WHERE name = $1", [user.name]).count == 0 {
                try db.query("SELECT casework.grant_role($1, $2)", [user.name, user.role.rawValue])
                try db.query("INSERT INTO casework.app_user (name, added_at, added_by) VALUES ($1, $2, 'generate-demo')",
                             [user.name, Timestamp(Date()).text])
                for team in user.teams {
                    try db.query("INSERT INTO casework.user_team (user_name, team) VALUES ($1, $2)", [user.name, team])
                }
                summary.users += 1
            }
            try db.query("COMMIT")
            searchIndex = try db.query("SELECT pg_get_indexdef(to_regclass('casework.record_search'))").scalar
            if searchIndex != nil { try db.query("DROP INDEX casework.record_search") }
            let workers = users.filter { $0.role == .worker }
            let names = workers.map(\.name)
            let teams = workers.map { $0.teams.first ?? "" }
            let planner = DemoPlanner(cases: cases, batch: batch, names: names, teams: teams, seed: seed, engine: engine,
                                      recordsPerKind: recordsPerKind)
            var made = 0
            var next = planner.plan()
            while !next.isEmpty {
                let rows = next
                let n = rows.count
                // The batch after this one is made on another core while this one is sent.
                let making = DispatchGroup()
                DispatchQueue.global().async(group: making) { planner.planAhead() }
                defer { making.wait(); next = planner.takeAhead() }
                try db.query("BEGIN")
                try db.query("SET LOCAL session_replication_role = replica")
                try db.query("SET LOCAL ROLE casework_owner")
                try db.query("SELECT pg_advisory_xact_lock(7262001)")
                let now = Timestamp(Date()).text
                try db.copy("casework.case_file", ["id", "title", "child_name", "worker", "team", "opened", "closed", "retention_review_by",
                                                   "last_activity", "last_activity_at", "flagged_from"]) { put in
                    for (c, _, flags) in rows {
                        let flaggedFrom = flags.filter { $0.status == .open }.map { $0.dueFrom?.description ?? "0000-01-01" }.min()
                        try put([c.id, c.title, c.child.name, c.worker, c.team, c.opened.description, c.closed?.description,
                                 c.retentionReviewBy?.description, now, String(Int(Date().timeIntervalSince1970)), flaggedFrom])
                    }
                }
                try db.copy("casework.record", ["case_id", "record_id", "kind", "position", "version", "body"]) { put in
                    for (c, records, _) in rows {
                        for (i, (r, body)) in records.enumerated() { try put([c.id, r.id, r.kind.rawValue, String(i), "1", body]) }
                    }
                }
                try db.copy("casework.record_version", ["case_id", "record_id", "version", "kind", "body", "author", "at", "reason"]) { put in
                    for (c, records, _) in rows {
                        for (r, body) in records { try put([c.id, r.id, "1", r.kind.rawValue, body, c.worker, now, nil]) }
                    }
                }
                try db.copy("casework.flag", ["case_id", "record_id", "rule", "severity", "severity_rank", "field", "message", "source",
                                              "due_from", "raised_at", "since", "worker", "team", "status", "review_id", "returned_in"]) { put in
                    for (c, _, flags) in rows {
                        // Raised on the day the case opened, at a minute of its own, as if each had been saved then.
                        let minute = (Int(c.id.dropFirst(2)) ?? 0) % 600
                        let raised = "\(c.opened)T\(Day.padded(8 + minute / 60, 2)):\(Day.padded(minute % 60, 2)):00Z"
                        for f in flags {
                            let due = f.dueFrom.map { "\($0)T00:00:00Z" }
                            let since = due.map { $0 > raised ? $0 : raised } ?? raised
                            try put([c.id, f.recordId, f.rule, f.severity.rawValue, String(f.severity.rank), f.field, f.message, f.source,
                                     f.dueFrom?.description, raised, since, c.worker, c.team, f.status.rawValue, f.reviewId, f.returnedIn])
                        }
                    }
                }
                let head = try db.query("SELECT seq, hash FROM casework.audit ORDER BY seq DESC LIMIT 1").first
                var seq = Int64(head?[0] ?? "0") ?? 0
                var prev = head?[1] ?? AuditChain.genesis
                let actor = try db.query("SELECT session_user").scalar ?? "postgres"
                try db.copy("casework.audit", ["seq", "at", "user_name", "action", "case_id", "record_id", "version", "digest", "prev_hash", "hash"]) { put in
                    func append(_ action: String, _ caseId: String, _ recordId: String?, _ version: Int?, _ digest: String?) throws {
                        seq += 1
                        let v = version.map(String.init)
                        let hash = PostgresAudit.hash([String(seq), now, actor, action, caseId, recordId ?? "", v ?? "", digest ?? "", prev])
                        try put([String(seq), now, actor, action, caseId, recordId, v, digest, prev, hash])
                        prev = hash
                    }
                    for (c, records, _) in rows {
                        try append("import", c.id, nil, nil, nil)
                        for (r, body) in records {
                            try append("create", c.id, r.id, 1, AuditChain.hex(SHA256.hash(data: Data(body.utf8))))
                        }
                    }
                }
                try db.query("COMMIT")
                summary.cases += n
                summary.records += rows.reduce(0) { $0 + $1.1.count }
                summary.flags += rows.reduce(0) { $0 + $1.2.count }
                made += n
                progress(made)
            }
            try rebuildSearchIndex()
            // The load ran without triggers: the list's tallies are counted from what it wrote.
            try db.query("BEGIN")
            try db.query("SET LOCAL ROLE casework_owner")
            try db.query("SELECT casework.rebuild_tallies()")
            try db.query("COMMIT")
        } catch {
            _ = try? db.query("ROLLBACK")
            try? rebuildSearchIndex()
            if let e = error as? StoreError { throw e }
            throw PostgresCaseStore.map(error)
        }
        return summary
    }

    /// Makes `generateDemo`'s batches in order, one ahead of the one being sent.
    final class DemoPlanner: @unchecked Sendable {
        typealias Batch = [(Case, [(CaseRecord, String)], [Flag])]
        let cases, batch, recordsPerKind: Int
        let names, teams: [String]
        let engine: FlagEngine
        var generator: DemoGenerator
        var planned = 0
        var ahead: Batch = []

        init(cases: Int, batch: Int, names: [String], teams: [String], seed: UInt64, engine: FlagEngine, recordsPerKind: Int) {
            self.cases = cases; self.batch = batch; self.names = names; self.teams = teams; self.engine = engine
            self.recordsPerKind = recordsPerKind
            generator = DemoGenerator(seed: seed)
        }

        /// The next batch's cases, their records' bodies and their flags; empty when all are made.
        func plan() -> Batch {
            let n = min(batch, cases - planned)
            var out: Batch = []
            out.reserveCapacity(max(0, n))
            for k in 0..<max(0, n) {
                var c = generator.makeCase(planned + k + 1, workers: names, teams: teams)
                c.team = teams[names.firstIndex(of: c.worker) ?? 0]
                c = PostgresServer.trimmed(c, to: recordsPerKind)
                out.append((c, c.records.map { ($0, $0.body()) }, engine.flags(for: c)))
            }
            planned += max(0, n)
            return out
        }

        func planAhead() { ahead = plan() }
        func takeAhead() -> Batch { defer { ahead = [] }; return ahead }
    }

    /// The case with at most `n` records of each kind, and references kept whole:
    /// a decision only with its concern, a disclosure only with its decision.
    static func trimmed(_ c: Case, to n: Int) -> Case {
        var c = c
        c.people = Array(c.people.prefix(n))
        c.episodes = Array(c.episodes.suffix(1))
        c.concerns = Array(c.concerns.prefix(n))
        c.notes = Array(c.notes.prefix(n))
        c.consents = Array(c.consents.prefix(n))
        let concerns = Set(c.concerns.map(\.id))
        c.decisions = Array(c.decisions.filter { $0.concernId.map(concerns.contains) ?? true }.prefix(n))
        let decisions = Set(c.decisions.map(\.id))
        c.disclosures = Array(c.disclosures.filter { $0.decisionId.map(decisions.contains) ?? true }.prefix(n))
        c.reviews = []
        return c
    }
}
