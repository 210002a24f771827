import CaseworkCore
import CaseworkStore
import Foundation
import GRDB
import Synchronization
import Testing

/// The read paths a busy store leans on, held to plans that do not grow with
/// the store: no full scan of cases, records or flags, and one case's flags
/// found through the case's own key. (A plan that walked every open flag to
/// find one case's made opening the flagged list take 30 s at 10,000 cases.)
@Suite("Query plans of the hot read paths")
struct QueryPlanTests {
    static let day = Day("2026-03-10")!

    /// Runs `body` on a fresh store with generated cases, returning every SELECT it ran, values bound.
    static func statements(_ body: (SQLiteCaseStore) throws -> Void) throws -> (TempStore, [String]) {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: ["North"]), by: "mia.manager")
        var g = DemoGenerator(seed: 5)
        _ = try t.store.importCases((1...60).map { g.makeCase($0, workers: ["sam.t", "mia.manager"], teams: ["North"]) },
                                    replace: false, by: "mia.manager")
        let seen = Mutex<[String]>([])
        let traced = try SQLiteCaseStore(t.location, settings: Fixtures.settings, sqlTrace: { sql in seen.withLock { $0.append(sql()) } })
        seen.withLock { $0 = [] }
        try body(traced)
        return (t, seen.withLock { $0 }.filter { $0.hasPrefix("SELECT") && ($0.contains("FROM flag") || $0.contains("FROM caseFile")) })
    }

    static func plan(_ t: TempStore, _ sql: String) throws -> String {
        try t.raw().read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    @Test("the review queue, the case list's pages and filters, one case's flags and returned items: no full scans")
    func noFullScans() throws {
        let (t, sqls) = try Self.statements { s in
            _ = try s.reviewQueue(FlagQuery(on: Self.day, limit: 50), by: "mia.manager")
            _ = try s.caseList(CaseListQuery(on: Self.day), by: "mia.manager")
            _ = try s.caseList(CaseListQuery(on: Self.day, offset: 40, limit: 10), by: "sam.t")
            _ = try s.caseList(CaseListQuery(flaggedOnly: true, on: Self.day), by: "mia.manager")
            _ = try s.flags(FlagQuery(caseId: "C-000007", on: Self.day), by: "mia.manager")
            _ = try s.flags(FlagQuery(on: Self.day, returnedOnly: true), by: "sam.t")
        }
        #expect(sqls.count >= 8)
        for sql in sqls {
            let plan = try Self.plan(t, sql)
            for line in plan.split(separator: "\n") where line.hasPrefix("SCAN") {
                // Cases are walked only along their id index (a page stops at its limit; a count reads the index
                // alone); flags only through the small index of returned ones; records never.
                let ok = line.hasPrefix("SCAN caseFile USING COVERING INDEX")
                    || line.hasPrefix("SCAN caseFile USING INDEX sqlite_autoindex_caseFile_1")
                    || line.hasPrefix("SCAN flag USING INDEX flag_returned")
                #expect(ok, "\(sql)\n\(plan)")
            }
            if sql.contains("flag.caseId = 'C-000007'") || sql.contains("WHERE caseId IN (") {
                #expect(plan.contains("(caseId=?)"), "one case's flags through its key:\n\(sql)\n\(plan)")
            }
        }
        let queue = try #require(sqls.first { $0.contains("LIMIT 50") })
        #expect(try Self.plan(t, queue).contains("USING INDEX flag_queue"))
    }
}
