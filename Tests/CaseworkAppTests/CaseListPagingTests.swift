import CaseworkCore
import Testing
import TerminalKit
@testable import CaseworkApp

/// A large store's case list is read a page at a time as the selection moves.
@Suite("Case list paging")
struct CaseListPagingTests {
    static func entries(_ n: Int) -> [CaseListEntry] {
        (1...n).map { i in
            CaseListEntry(summary: CaseSummary(id: String(format: "C-%06d", i), title: "Referral", childName: "Child \(i)",
                                               worker: i % 2 == 0 ? "mia.manager" : "sam.t", team: nil,
                                               opened: Day("2025-01-01")!, closed: nil, lastActivity: Screens.now),
                          openFlags: i % 5 == 0 ? [.missing: 1] : [:])
        }
    }

    /// Runs keys, answering each `.loadCases` from `all` as the store would.
    static func press(_ s: inout AppState, _ keys: [Key], all: [CaseListEntry]) -> Int {
        var loads = 0
        for k in keys {
            for e in App.update(&s, .key(k)) {
                if case .loadCases = e {
                    loads += 1
                    _ = App.update(&s, .casesLoaded(CaseListPage.select(CaseListScreen.query(s), from: all, user: s.user.name)))
                }
            }
        }
        return loads
    }

    @Test("a store larger than a page loads only the rows around the selection, and the last case is reachable")
    func paging() {
        let all = Self.entries(5000)
        var s = Screens.state(Size(width: 80, height: 24), cases: [])
        _ = App.update(&s, .casesLoaded(CaseListPage.select(CaseListScreen.query(s), from: all, user: s.user.name)))
        #expect(s.caseList.entries.count == 200 && s.caseList.total == 5000)
        #expect(App.view(s).text.contains("C-000001"))
        #expect(Self.press(&s, [.down, .down, .pageDown], all: all) == 0)
        #expect(Self.press(&s, [.char("G")], all: all) == 1)
        #expect(s.caseList.entries.count <= 200)
        let f = App.view(s)
        #expect(f.text.contains("C-005000") && f.text.contains("C-004990"))
        #expect(!f.text.contains("C-000001"))
        #expect(f.text.contains("missing 1000"), "the status bar counts every case's flags, not the page's")
        #expect(Self.press(&s, [.char("g")], all: all) == 1)
        #expect(App.view(s).text.contains("C-000001"))
    }

    @Test("filters on a large store ask the store; on a small one they filter what is loaded")
    func filters() {
        let all = Self.entries(5000)
        var s = Screens.state(Size(width: 80, height: 24), cases: [])
        _ = App.update(&s, .casesLoaded(CaseListPage.select(CaseListScreen.query(s), from: all, user: s.user.name)))
        #expect(Self.press(&s, [.char("f")], all: all) == 1)
        #expect(s.caseList.total == 1000)
        #expect(Self.press(&s, [.char("/"), .char("4"), .char("9"), .char("9"), .char("5"), .enter], all: all) == 4)
        #expect(App.view(s).text.contains("C-004995") && s.caseList.total == 1)

        var small = Screens.state(Size(width: 80, height: 24))
        #expect(Self.press(&small, [.char("f"), .char("m"), .char("/"), .char("g"), .enter], all: []) == 0)
    }
}

@Suite("A long review queue")
struct LongQueueTests {
    @Test("a queue longer than the screen loads says it shows the worst and oldest, without counts that would mislead")
    func heading() {
        var s = Screens.state(Size(width: 120, height: 40))
        let items = (0..<QueueScreen.shownAtMost).map { i in
            FlagEntry(flag: Flag(rule: "rationale-missing", severity: .missing, caseId: String(format: "C-%06d", i), recordId: "D1",
                                 field: "rationale", message: "m", source: "s"),
                      worker: "sam.t", team: nil, since: Screens.now)
        }
        s.stack.append(.queue(QueueState(returnedOnly: false)))
        _ = App.update(&s, .queueLoaded(ReviewScreenTests.shownQuery(s), items))
        let f = App.view(s)
        #expect(f.text.contains("More than 1000 items: the worst and oldest 1000 shown"))
        #expect(!f.text.contains("missing 1000,"))
        #expect(QueueScreen.query(s, QueueState(returnedOnly: false)).limit == QueueScreen.shownAtMost)
    }
}
