import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import TerminalKit
import Testing
@testable import CaseworkApp

/// A terminal that records frames and replays keys, for running the real runner on a real store.
final class FakeTerminal: Terminal {
    var size: Size
    var frames: [Frame] = []
    var keys: [Key]

    init(size: Size = Size(width: 80, height: 24), keys: [Key] = []) { self.size = size; self.keys = keys }
    func present(_ frame: Frame) { frames.append(frame) }
    func nextEvent() -> TerminalEvent { keys.isEmpty ? .key(.char("q")) : .key(keys.removeFirst()) }
}

@Suite("Review screens")
struct ReviewScreenTests {
    static func entries() -> [FlagEntry] {
        let c = Screens.example("gaps")
        return Screens.flags(c).filter { $0.severity != .advice }.map { FlagEntry(flag: $0, worker: c.worker, team: c.team, since: Screens.now) }
    }

    /// The query the queue on top asks.
    static func shownQuery(_ s: AppState) -> FlagQuery {
        guard case .queue(let q) = s.screen else { return FlagQuery(on: s.today) }
        return QueueScreen.query(s, q)
    }

    @Test("a queue takes only the answer to the query it asked: an answer for other filters, or for the returned items, is not shown")
    func queueIdentity() {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.keys(&s, [.char("r")])
        let asked = Self.shownQuery(s)
        var other = asked
        other.rule = "rationale-missing"
        _ = App.update(&s, .queueLoaded(other, Self.entries()))
        guard case .queue(let stale) = s.screen else { Issue.record("no queue"); return }
        #expect(stale.items == nil, "an answer to other filters is not this queue's")
        var returned = asked
        returned.returnedOnly = true
        _ = App.update(&s, .queueLoaded(returned, Self.entries()))
        guard case .queue(let still) = s.screen else { Issue.record("no queue"); return }
        #expect(still.items == nil)
        _ = App.update(&s, .queueLoaded(asked, Self.entries()))
        guard case .queue(let shown) = s.screen else { Issue.record("no queue"); return }
        #expect(shown.items?.count == Self.entries().count)
    }

    @Test("the review queue: worst first, with counts and filters", arguments: Screens.sizes)
    func queue(size: Size) {
        var s = Screens.state(size)
        let effects = Screens.keys(&s, [.char("r")])
        #expect(effects.contains { if case .loadQueue(_, false) = $0 { true } else { false } })
        _ = App.update(&s, .queueLoaded(Self.shownQuery(s), Self.entries()))
        let f = App.view(s)
        Screens.check(f, "review-queue")
        #expect(f.text.contains("12 items (missing 6, check 6, advice 0)"))
        #expect(f.line(2).contains("[missing]"))
        Screens.keys(&s, [.char("u")])
        #expect(App.view(s).text.contains("every rule (12)"), "the picker lists the queue's rules with their counts")
        Screens.type(&s, "parental")
        let filtered = Screens.keys(&s, [.enter])
        guard case .loadQueue(let q, false)? = filtered.first else { Issue.record("no reload"); return }
        #expect(q.rule == "consent-no-parental-responsibility", "the rule typed in part")
        _ = App.update(&s, .queueLoaded(q, Self.entries().filter { $0.flag.rule == q.rule }))
        #expect(App.view(s).text.contains("1 item (missing 0, check 1, advice 0) · rule consent-no-parental"))
        let open = Screens.keys(&s, [.enter])
        #expect(open.contains { if case .loadHistory("C-0002", _) = $0 { true } else { false } })
    }

    @Test("a practitioner's returned items show the manager's note", arguments: Screens.sizes)
    func returned(size: Size) {
        var s = Screens.state(size)
        s.user = User(name: "sam.t", role: .worker)
        var e = Self.entries()[0]
        e.flag.returnedIn = "R1"
        e.returned = Review(id: "R1", by: "mia.manager", at: Screens.now, target: ReviewTarget(rule: e.flag.rule, record: e.flag.recordId),
                            action: .returned, note: "Please write why you shared with CAMHS")
        _ = App.update(&s, .returnedLoaded([e]))
        let list = App.view(s)
        Screens.check(list, "case-list-returned")
        #expect(list.line(1).contains("Returned to you: 1 (press r)"))
        Screens.keys(&s, [.char("r")])
        _ = App.update(&s, .queueLoaded(ReviewScreenTests.shownQuery(s), [e]))
        let f = App.view(s)
        Screens.check(f, "returned-items")
        #expect(f.text.contains("mia.manager: Please write why you shared with CAMHS"))
    }

    @Test("the report screen draws bar charts per rule and per practitioner", arguments: Screens.sizes)
    func report(size: Size) {
        var s = Screens.state(size)
        Screens.keys(&s, [.char("R")])
        let c = Screens.example("gaps")
        let r = TeamReport.compute(cases: [c, Screens.example("recorded-well")],
                                   openFlags: Screens.flags(c).map { FlagEntry(flag: $0, worker: c.worker, team: c.team, since: Screens.now) },
                                   from: nil, to: nil, team: nil, today: Screens.now.localDay)
        _ = App.update(&s, .reportLoaded(r))
        let f = App.view(s)
        Screens.check(f, "report")
        #expect(f.text.contains("Open flags by rule") && f.text.contains("█ 1"))
        Screens.keys(&s, Array(repeating: .down, count: 12))
        let scrolled = App.view(s)
        #expect(scrolled.text.contains("Open flags by practitioner") && scrolled.text.contains("sam.t"))
    }

    @Test("a review action asks for a note before it is sent", arguments: Screens.sizes)
    func prompt(size: Size) {
        var s = Screens.state(size)
        let c = Screens.example("gaps")
        Screens.open(&s, c)
        s.stack.append(.record(RecordState(caseId: c.id, recordId: "D1", rule: "rationale-missing")))
        Screens.keys(&s, [.char("R")])
        Screens.type(&s, "Please write why")
        let f = App.view(s)
        Screens.check(f, "review-prompt")
        #expect(f.line(size.height - 3).contains("Return rationale-missing on D1 to the practitioner, note:"))
        #expect(f.line(size.height - 2).contains(" > Please write why"))
        let effects = Screens.keys(&s, [.enter])
        guard case .review(let r)? = effects.first else { Issue.record("no review effect"); return }
        #expect(r.action == .returned && r.rule == "rationale-missing" && r.note == "Please write why")
    }

    @Test("a worker's review from the workbook is refused by the core, not only hidden")
    func workerRefusedThroughTheUI() throws {
        let dir = Scratch.path("cw-ui")
        let loc = StoreLocation(file: dir.appendingPathComponent("s.sqlite"), configDirectory: dir.appendingPathComponent("config"))
        let store = try SQLiteCaseStore(loc, settings: FlagSettings(resources: Screens.resources), create: true)
        _ = try store.initialise(by: "mia.manager")
        try store.addUser(User(name: "sam.t", role: .worker), by: "mia.manager")
        _ = try store.importCases([Screens.example("gaps")], replace: false, by: "mia.manager")
        let state = AppState(user: User(name: "sam.t", role: .worker), today: Screens.now.localDay, now: Screens.now,
                             size: Size(width: 80, height: 24), guidance: Screens.resources.guidance, samplesAvailable: false)
        let runner = AppRunner(state: state, store: store, terminal: FakeTerminal(), samples: [])
        runner.start()
        runner.send(.key(.enter))
        #expect(App.loadedCase(runner.state, "C-0002") != nil)
        for _ in 0..<7 { runner.send(.key(.down)) }
        runner.send(.key(.enter))
        guard case .record(let r) = runner.state.screen else { Issue.record("no record screen"); return }
        #expect(r.recordId == "X1")
        // The workbook refuses the key and says why; no prompt opens.
        runner.send(.key(.char("A")))
        #expect(runner.state.message?.isError == true)
        #expect(runner.state.message?.text == "Only a manager reviews")
        guard case .record(let after) = runner.state.screen else { Issue.record("the record screen closed"); return }
        #expect(after.prompt == nil)
        // And the same review asked of the store directly, as a changed client would, is refused there.
        runner.run([.review(ReviewRequest(caseId: "C-0002", action: .accepted, recordId: "X1", rule: r.rule, note: "fine", escalateTo: nil))])
        #expect(runner.state.message?.isError == true)
        #expect(runner.state.message?.text == "only a manager can accept a flag (you are a worker)")
        #expect(try store.exportCase("C-0002", by: "mia.manager").reviews.isEmpty)
    }
}
