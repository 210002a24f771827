import CaseworkCore
import CaseworkTestSupport
import Testing
import TerminalKit
@testable import CaseworkApp

/// Issue 15, item 1 on the screen model: the concern recorded in one form, choices answered by their
/// letter, Enter moving to what is still unanswered, and the defaults that are right most of the time.
@Suite("Short paths: record a concern, letters and Enter, defaults")
struct ShortPathTests {
    static func form(_ s: AppState) -> FormState? { if case .form(let f) = s.screen { f } else { nil } }

    @Test("c on the case list records a concern about a new child: their case, the child's words as a note and the concern are one new case, then the decision opens on it")
    func concernAboutNewChild() throws {
        var s = Screens.state(Size(width: 80, height: 24), cases: [])
        Screens.keys(&s, [.char("c")])
        var f = try #require(Self.form(s))
        #expect(f.kind == .recordConcern && f.focusId == "child.name")
        #expect(App.view(s).text.contains("never promise a child to keep a secret") == false, "the hint shows on the words' field only")
        Screens.type(&s, "Mina Rahman\n2012-10-01\n")
        f = try #require(Self.form(s))
        #expect(f.focusId == "words")
        #expect(App.view(s).text.contains("never promise a child to keep a secret (004)"))
        Screens.type(&s, "Dad grabbed me.")
        Screens.keys(&s, [.tab])
        Screens.type(&s, "Bruise on her arm")
        Screens.keys(&s, [.tab, .char("a"), .char("s"), .char("y")])
        f = try #require(Self.form(s))
        #expect(f.values["category"] == "abuse" && f.values["riskLevel"] == "suspected" && f.values["childProtection"] == "yes")
        #expect(f.focusId == "title", "each letter answered and moved on; the time, already now, is passed over")
        let effects = Screens.keys(&s, [.ctrl("s")])
        guard case .createCase(let c, _)? = effects.first else { Issue.record("no case created: \(effects)"); return }
        #expect(c.id == "C-7KQ2MX" && c.child.name == "Mina Rahman" && c.title == "Bruise on her arm")
        #expect(c.notes.map(\.kind) == [.childsWords] && c.notes.first?.text == "Dad grabbed me." && c.notes.first?.episodeId == "E1")
        #expect(c.concerns.map(\.id) == ["K1"] && c.concerns.first?.childProtection == true)
        let then = App.update(&s, .created(caseId: c.id))
        #expect(then.contains { if case .editAfterLoad(c.id, "K1", .decision?) = $0 { true } else { false } }, "\(then)")
        #expect(s.message?.text.contains("Should you share it?") == true)
    }

    @Test("a concern about a new child without a date of birth is refused at that field, naming it; nothing is written")
    func concernNeedsBirthDate() throws {
        var s = Screens.state(Size(width: 80, height: 24), cases: [])
        Screens.keys(&s, [.char("c")])
        Screens.type(&s, "Mina Rahman")
        Screens.keys(&s, [.tab, .tab, .tab])
        Screens.type(&s, "Bruise")
        Screens.keys(&s, [.tab, .char("a"), .char("s"), .char("n")])
        let effects = Screens.keys(&s, [.ctrl("s")])
        #expect(effects.isEmpty, "\(effects)")
        #expect(s.message?.isError == true && s.message?.text.contains("date of birth") == true)
        #expect(Self.form(s)?.focusId == "child.dateOfBirth")
    }

    @Test("c in a case records the child's words and a concern on that case, without asking who the child is, then opens the decision")
    func concernInCase() throws {
        var s = Screens.state(Size(width: 80, height: 24))
        let c = Screens.example("recorded-well")
        Screens.open(&s, c)
        Screens.keys(&s, [.char("c")])
        let f = try #require(Self.form(s))
        #expect(f.kind == .recordConcern && f.focusId == "words")
        #expect(!f.fields(c).contains { $0.id == "child.name" || $0.id == "id" })
        Screens.type(&s, "I don't want to go home.")
        Screens.keys(&s, [.tab])
        Screens.type(&s, "Afraid to go home")
        Screens.keys(&s, [.tab, .char("n"), .char("w"), .char("n")])
        let effects = Screens.keys(&s, [.ctrl("s")])
        guard case .save(let id, let changes, _, _)? = effects.first else { Issue.record("nothing saved: \(effects)"); return }
        #expect(id == c.id)
        #expect(changes.map { if case .add(let r) = $0 { r.id } else { "" } } == [c.nextId("N"), c.nextId("K")])
        #expect(effects.contains { if case .editAfterLoad(c.id, c.nextId("K"), .decision?) = $0 { true } else { false } })
    }

    @Test("a letter shared by several options chooses the first and stays; pressed again, the next")
    func ambiguousLetter() throws {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("O"), .tab, .tab, .tab, .tab, .tab, .tab])
        #expect(Self.form(s)?.focusId == "method")
        Screens.keys(&s, [.char("s")])
        #expect(Self.form(s)?.values["method"] == "secure-email" && Self.form(s)?.focusId == "method")
        Screens.keys(&s, [.char("s")])
        #expect(Self.form(s)?.values["method"] == "secure-portal" && Self.form(s)?.focusId == "method")
        Screens.keys(&s, [.char("p")])
        #expect(Self.form(s)?.values["method"] == "phone" && Self.form(s)?.focusId == "recipientIdentityChecked", "a letter only one option starts with moves on")
    }

    @Test("the last answer of a step moves to the next step, unless it brought up guidance, which stays to be read until Enter")
    func letterAtStepEnd() throws {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("gaps"))  // K1: a wellbeing need, not child protection
        Screens.keys(&s, [.char("w")])
        #expect(Self.form(s)?.focusId == "childProtection", "the concern answered from the case, the cursor on the question left")
        Screens.keys(&s, [.char("y")])
        #expect(Self.form(s)?.step == .concern, "significant harm brings up the referral guidance: it stays")
        #expect(App.view(s).text.contains("Refer to children's social care today"))
        Screens.keys(&s, [.enter])
        #expect(Self.form(s)?.step == .purpose)
        Screens.keys(&s, [.char("n")])
        #expect(Self.form(s)?.focusId == "purpose.why", "no purpose: on to the next question still open")
        Screens.keys(&s, [.backTab, .char("y"), .tab, .tab, .char("n")])
        #expect(Self.form(s)?.step == .identifiable, "the step's last question answered, on to the next step")
        #expect(Self.form(s)?.values["identifiesIndividual"] == "yes", "information about a named child identifies her, until said otherwise")
    }

    @Test("arriving at a step, what is right most of the time is answered and shown: no real choice with a risk of harm; a usable consent relied on; the safeguarding condition; no gateway")
    func defaults() throws {
        let now = Screens.now
        let gaps = Screens.example("gaps")
        var risk: FormValues = ["concernId": "K1", "childProtection": "yes"]
        Walkthrough.prepare(.consent, &risk, now: now, case: gaps)
        #expect(risk["shareAnyway"] == "yes" && risk["consent.kind"] == "not-sought" && risk["consent.reason"] == "no-real-choice")
        var basis: FormValues = [:]
        Walkthrough.prepare(.lawfulBasis, &basis, now: now, case: gaps)
        #expect(basis["specialCategoryCondition"] == "dpa2018-sch1-safeguarding" && basis["statutoryGateway"] == "none")
        var advice: FormValues = [:]
        Walkthrough.prepare(.advice, &advice, now: now, zone: .london, case: gaps)
        #expect(advice["advice.at"] == LocalTime.london.field(now), "a time as people read it, never ISO 8601")
        var c = gaps
        c.consents = c.consents.map { var k = $0; k.episodeId = "E2"; return k }
        var had: FormValues = ["concernId": "K1"]
        Walkthrough.prepare(.consent, &had, now: now, case: c)
        #expect(had["consent.kind"] == "have" && had["consent.id"] == "CN1", "the consent of this episode is the one relied on")
        let built = try Walkthrough.build(["concernId": "K1", "purpose.legitimate": "no", "outcome": "do-not-share", "statutoryGateway": "none"],
                                          case: gaps, decisionId: "D9", user: Screens.state(Size(width: 80, height: 24)).user, now: now, complete: false)
        #expect(built.contains { if case .decision(let d) = $0 { d.statutoryGateway == nil } else { false } }, "none is no gateway")
    }

    @Test("Enter goes to the next question still unanswered, past the defaults; Tab still visits every field")
    func enterSkipsDefaults() throws {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("N")])
        #expect(Self.form(s)?.focusId == "kind")
        Screens.keys(&s, [.enter])
        #expect(Self.form(s)?.focusId == "text", "the kind and the time have their usual answers")
        Screens.keys(&s, [.backTab])
        #expect(Self.form(s)?.focusId == "at")
        Screens.keys(&s, [.tab, .tab])
        #expect(Self.form(s)?.focusId == "opinion")
    }
}
