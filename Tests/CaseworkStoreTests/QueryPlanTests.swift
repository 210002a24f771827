import CaseworkCore
import Foundation
import GRDB
import Synchronization
import Testing
@testable import CaseworkStore

/// Each read path a busy store leans on, held to the exact plan it should
/// have: the named index, no scan of cases, records or flags except where a
/// count must read every visible case (`caseList`'s total, named below), and
/// no sort where the order can come from an index. A plan that walked every
/// open flag to find one case's made the flagged list take 30 s at 10,000 cases.
///
/// The store keeps no `sqlite_stat1` (it never runs ANALYZE), so SQLite plans
/// from its fixed estimates of a table's size and chooses here exactly as it
/// does at 100,000 cases; the first test holds that premise.
@Suite("Query plans of the hot read paths")
struct QueryPlanTests {
    static let day = Day("2026-03-10")!

    /// A store with 1,000 generated cases over two teams; sam.t is a worker, lee.m manages North, mia.manager everyone.
    static func makeStore() throws -> TempStore {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: ["North"]), by: "mia.manager")
        try t.store.addUser(User(name: "lee.m", role: .manager, teams: ["North"]), by: "mia.manager")
        var g = DemoGenerator(seed: 5)
        for batch in stride(from: 1, through: 1_000, by: 250) {
            _ = try t.store.importCases((batch..<batch + 250).map { g.makeCase($0, workers: ["sam.t", "ahmed.k"], teams: ["North", "South"]) },
                                        replace: false, by: "mia.manager")
        }
        try t.store.addMember(caseId: "C-000008", user: "sam.t", by: "mia.manager")
        return t
    }

    /// Every SELECT `body` ran, with its plan, one plan line per step joined by " | ".
    static func plans(_ store: TempStore, _ body: (SQLiteCaseStore) throws -> Void) throws -> [(sql: String, plan: String)] {
        let seen = Mutex<[String]>([])
        let traced = try SQLiteCaseStore(store.location, settings: Fixtures.settings, sqlTrace: { sql in seen.withLock { $0.append(sql()) } })
        seen.withLock { $0 = [] }
        try body(traced)
        return try seen.withLock { $0 }.filter { $0.hasPrefix("SELECT") }.map { sql in
            (sql, try store.raw().read { db in
                db.add(function: SQLiteCaseStore.contains)
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
            })
        }
    }

    /// Who is asking: the same three lookups open every path.
    static let identity = [
        "SEARCH meta USING INDEX sqlite_autoindex_meta_1 (key=?)",
        "SEARCH user USING INDEX sqlite_autoindex_user_1 (name=?)",
        "SEARCH userTeam USING COVERING INDEX sqlite_autoindex_userTeam_1 (user=?)",
    ]
    static let visibleToWorker = "MULTI-INDEX OR | INDEX 1 | SEARCH caseFile USING INDEX caseFile_worker (worker=?) | INDEX 2 | LIST SUBQUERY 1 | SEARCH caseMember USING INDEX caseMember_user (user=?) | SEARCH caseFile USING INDEX sqlite_autoindex_caseFile_1 (id=?)"
    static let visibleToTeamManager = visibleToWorker + " | INDEX 3 | SEARCH caseFile USING INDEX caseFile_team (team=?)"
    /// One page's flag counts: each listed case's flags by its key, grouped (at most a page of cases' rows sorted).
    static let pageCounts = "SEARCH flag USING INDEX sqlite_autoindex_flag_1 (caseId=?) | USE TEMP B-TREE FOR GROUP BY"
    /// The status bar's totals for someone who sees some cases: their flags through the worker, member and team keys.
    static let workerTotals = "MULTI-INDEX OR | INDEX 1 | SEARCH flag USING INDEX flag_worker (worker=?) | INDEX 2 | LIST SUBQUERY 1 | SEARCH caseMember USING INDEX caseMember_user (user=?) | SEARCH flag USING INDEX sqlite_autoindex_flag_1 (caseId=?) | USE TEMP B-TREE FOR GROUP BY"
    static let teamManagerTotals = workerTotals.replacingOccurrences(of: " | USE TEMP", with: " | INDEX 3 | SEARCH flag USING INDEX flag_team (team=?) | USE TEMP")
    /// The returning review's body, and when the practitioner read it, by key.
    static let returnedBody = "SEARCH record USING INDEX sqlite_autoindex_record_1 (caseId=? AND recordId=?) LEFT-JOIN"
        + " | CORRELATED SCALAR SUBQUERY 1 | SEARCH a USING INDEX audit_case (caseId=? AND action=? AND recordId=?)"

    /// The reviews of the queue's cases, by the reviews' own index (never every record of each case), to show where
    /// an item was escalated (the few review rows sorted).
    static let escalations = "SEARCH record USING INDEX record_review (caseId=?) | LIST SUBQUERY 1 | SEARCH record USING INDEX record_review (caseId=?) | USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"

    /// The plan each path should have, statement by statement after the identity lookups.
    static var expected: [(name: String, run: (SQLiteCaseStore) throws -> Void, plans: [String])] { [
        ("a manager's review queue", { _ = try $0.reviewQueue(FlagQuery(on: day, limit: 50), by: "mia.manager") },
         ["SEARCH flag USING INDEX flag_queue (status=?) | " + returnedBody, escalations]),
        ("a team manager's review queue", { _ = try $0.reviewQueue(FlagQuery(on: day, limit: 50), by: "lee.m") },
         ["SEARCH flag USING INDEX flag_queue (status=?) | LIST SUBQUERY 2 | SEARCH caseMember USING INDEX caseMember_user (user=?) | " + returnedBody,
          escalations]),
        // The total counts every case; the smallest index is read, never the table.
        ("a manager's case list", { _ = try $0.caseList(CaseListQuery(on: day), by: "mia.manager") },
         ["SCAN caseFile USING COVERING INDEX caseFile_flagged", "SCAN caseFile USING INDEX sqlite_autoindex_caseFile_1", pageCounts,
          "SCAN flagTally"]),
        // A team manager's and a worker's cases are found through their indexes, then put in id order.
        ("a team manager's case list", { _ = try $0.caseList(CaseListQuery(on: day), by: "lee.m") },
         [visibleToTeamManager, visibleToTeamManager + " | USE TEMP B-TREE FOR ORDER BY", pageCounts,
          teamManagerTotals]),
        ("a worker's later page", { _ = try $0.caseList(CaseListQuery(on: day, offset: 40, limit: 10), by: "sam.t") },
         [visibleToWorker, visibleToWorker + " | USE TEMP B-TREE FOR ORDER BY", pageCounts,
          workerTotals]),
        // The flagged filter (issue 16): counted from the cases' own first-due day, a range of one index, never
        // the flags; the page walks cases in id order and stops at its limit.
        ("the flagged filter", { _ = try $0.caseList(CaseListQuery(flaggedOnly: true, on: day), by: "mia.manager") },
         ["SEARCH caseFile USING COVERING INDEX caseFile_flagged (flaggedFrom<?)", "SCAN caseFile USING INDEX sqlite_autoindex_caseFile_1",
          pageCounts, "SCAN flagTally"]),
        // A worker's search looks only at their own cases' names and ids.
        ("a worker's search", { _ = try $0.caseList(CaseListQuery(search: "a", on: day), by: "sam.t") },
         [visibleToWorker, visibleToWorker + " | USE TEMP B-TREE FOR ORDER BY", pageCounts,
          workerTotals]),
        // A manager's search reads names along the id index, in order: no sort.
        ("a manager's search", { _ = try $0.caseList(CaseListQuery(search: "a", on: day), by: "mia.manager") },
         ["SCAN caseFile", "SCAN caseFile USING INDEX sqlite_autoindex_caseFile_1", pageCounts,
          "SCAN flagTally"]),
        // One case's flags by the case's key, sorted among themselves (tens of rows).
        ("one case's flags", { _ = try $0.flags(FlagQuery(caseId: "C-000007", on: day), by: "mia.manager") },
         ["SEARCH flag USING INDEX sqlite_autoindex_flag_1 (caseId=?) | " + returnedBody + " | USE TEMP B-TREE FOR ORDER BY"]),
        ("a manager's returned items", { _ = try $0.flags(FlagQuery(on: day, returnedOnly: true), by: "mia.manager") },
         ["SCAN flag USING INDEX flag_returned | " + returnedBody + " | USE TEMP B-TREE FOR ORDER BY"]),
        ("a worker's returned items", { _ = try $0.flags(FlagQuery(on: day, returnedOnly: true), by: "sam.t") },
         ["MULTI-INDEX OR | INDEX 1 | SEARCH flag USING INDEX flag_worker (worker=?) | INDEX 2 | LIST SUBQUERY 2 | SEARCH caseMember USING INDEX caseMember_user (user=?) | SEARCH flag USING INDEX sqlite_autoindex_flag_1 (caseId=?) | LIST SUBQUERY 2 | SEARCH caseMember USING INDEX caseMember_user (user=?) | " + returnedBody + " | USE TEMP B-TREE FOR ORDER BY"]),
        // Opening a case: its ownership, its records in order, the audit chain's head.
        ("opening a case", { _ = try $0.viewCase("C-000007", by: "mia.manager") },
         ["SEARCH caseFile USING INDEX sqlite_autoindex_caseFile_1 (id=?)",
          "SEARCH caseMember USING COVERING INDEX sqlite_autoindex_caseMember_1 (caseId=?)",
          "SEARCH record USING INDEX sqlite_autoindex_record_1 (caseId=?) | USE TEMP B-TREE FOR ORDER BY",
          "SCAN audit", "SEARCH audit USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH audit USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"]),
    ] }

    @Test("every save refreshes its case's first-due day from that case's flags by their key, never by walking the open flags of the store")
    func flaggedFromByKey() throws {
        let store = try Self.makeStore()
        let plan = try store.raw().read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteCaseStore.refreshFlaggedFrom, arguments: ["C-000007"])
                .map { $0["detail"] as String }.joined(separator: " | ")
        }
        #expect(plan == "SEARCH caseFile USING INDEX sqlite_autoindex_caseFile_1 (id=?) | CORRELATED SCALAR SUBQUERY 1"
                + " | SEARCH flag USING INDEX sqlite_autoindex_flag_1 (caseId=?)")
    }

    @Test("the store keeps no statistics, so its plans here are its plans at 100,000 cases; each hot path runs exactly its planned statements")
    func plans() throws {
        let store = try Self.makeStore()
        #expect(try store.raw().read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM caseFile") } == 1_000)
        for path in Self.expected {
            let ran = try Self.plans(store, path.run)
            let steps = ran.map(\.plan).filter { !Self.identity.contains($0) }
            #expect(steps == path.plans, "\(path.name):\n\(ran.map { "\($0.sql)\n  -> \($0.plan)" }.joined(separator: "\n"))")
        }
        // Checked after every path has run, as any of them might have gathered statistics.
        let stats = try store.raw().read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'") }
        #expect(stats == 0, "with statistics SQLite would plan from this small store's sizes")
    }
}
