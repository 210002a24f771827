import CaseworkCore
import CaseworkStore
import Foundation
import Testing

/// The case list is read a page at a time; its SQL must give the same
/// answer as the in-memory filter the workbook uses on small stores.
@Suite("Case list pages")
struct CaseListTests {
    static let day = Day("2026-03-10")!

    /// Every case `user` can see, with its open flags, built without `caseList`.
    static func everything(_ store: SQLiteCaseStore, _ user: String) throws -> [CaseListEntry] {
        var counts: [String: [Severity: Int]] = [:]
        for e in try store.flags(FlagQuery(on: day), by: user) { counts[e.flag.caseId, default: [:]][e.flag.severity, default: 0] += 1 }
        return try store.cases(visibleTo: user).map { CaseListEntry(summary: $0, openFlags: counts[$0.id] ?? [:]) }
    }

    @Test("each page, filter and search gives what the in-memory filter gives, for a manager and a practitioner")
    func pagesAgree() throws {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: ["North"]), by: "mia.manager")
        var g = DemoGenerator(seed: 7)
        var cases = (1...90).map { g.makeCase($0, workers: ["sam.t", "mia.manager", "lee.w"], teams: ["North", "South"]) }
        cases[4].child.name = "Zoë Łukasik"
        try t.store.addUser(User(name: "lee.w", role: .worker, teams: ["South"]), by: "mia.manager")
        _ = try t.store.importCases(cases, replace: false, by: "mia.manager")

        let queries = [
            CaseListQuery(on: Self.day), CaseListQuery(on: Self.day, offset: 25, limit: 30),
            CaseListQuery(mineOnly: true, on: Self.day), CaseListQuery(flaggedOnly: true, on: Self.day, offset: 3, limit: 7),
            CaseListQuery(search: "c-00001", on: Self.day), CaseListQuery(search: "ŁUKA", on: Self.day),
            CaseListQuery(search: "zoË", on: Self.day), CaseListQuery(search: "no such child", on: Self.day),
            CaseListQuery(mineOnly: true, flaggedOnly: true, search: "a", on: Self.day, offset: 1, limit: 5),
            CaseListQuery(on: Self.day, offset: 500),
        ]
        for user in ["mia.manager", "sam.t"] {
            let all = try Self.everything(t.store, user)
            #expect(!all.isEmpty)
            for q in queries {
                let page = try t.store.caseList(q, by: user)
                #expect(page == CaseListPage.select(q, from: all, user: user), "\(user) \(q)")
            }
        }
        #expect(try t.store.caseList(CaseListQuery(search: "łukasik", on: Self.day), by: "mia.manager").entries.map(\.summary.id) == ["C-000005"])
        #expect(try t.store.caseList(CaseListQuery(search: "łukasik", on: Self.day), by: "sam.t").total
            == (cases[4].worker == "sam.t" ? 1 : 0))
    }

    @Test("a new case's suggested id is random: it does not follow the cases in the store, seen or not")
    func suggestedId() throws {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: ["North"]), by: "mia.manager")
        var g = DemoGenerator(seed: 1)
        _ = try t.store.importCases([g.makeCase(12345, workers: ["mia.manager"], teams: ["South"])], replace: false, by: "mia.manager")
        let ids = try (0..<50).map { _ in try t.store.suggestedCaseId(by: "sam.t") }
        #expect(ids.allSatisfy { $0.wholeMatch(of: /C-[2-9A-HJKMNP-TV-Z]{6}/) != nil }, "\(ids.prefix(3))")
        #expect(Set(ids).count == 50)
        #expect(!ids.contains("C-12346") && !ids.contains("C-0001"))
    }
}
