import CaseworkCore
import CaseworkTestSupport
import Testing
import TerminalKit
@testable import CaseworkApp

/// Guidance version 2 on the forms and screens (issue 14): the consent form's six competence questions
/// and conclusion, the capacity assessment at 16 and 17, who may consent, the prompts outside the
/// walkthrough, and the walkthrough's summary in words.
@Suite("Guidance version 2 on the forms and screens")
struct GuidanceV2Tests {
    static func ctx(_ c: Case) -> FormContext { FormContext(case: c, user: "mia.manager", now: Screens.now, zone: .london) }

    /// The recorded-well example with the child born `years` before the consent and a mother with parental responsibility.
    static func child(aged years: Int) -> Case {
        var c = Screens.example("recorded-well")
        c.child.dateOfBirth = Day("2026-03-10")!.adding(days: -(years * 366 + 10))
        return c
    }

    static func consentValues(_ c: Case, by giver: String) -> FormValues {
        var v = Forms.consent(c).values(nil, ctx(c))
        v["givenBy"] = giver
        v["givenAt"] = Screens.now.text
        return v
    }

    @Test("a child under 16: the six questions of 004 in its order, a conclusion, and on 'not competent' the prompt to ask a parent and still hear the child")
    func competence() throws {
        let c = Self.child(aged: 13)
        var v = Self.consentValues(c, by: "child")
        let spec = Forms.consent(c)
        let ids = spec.shown(v, c).map(\.id).filter { $0.hasPrefix("competence.") }
        #expect(ids == ["competence.info", "competence.understandsQuestion", "competence.understandsImplications", "competence.weighsAlternatives",
                        "competence.weighsAspects", "competence.ownView", "competence.consistent", "competence.conclusion",
                        "competence.assessedBy", "competence.note"])
        for q in ["understandsQuestion", "understandsImplications", "weighsAlternatives", "weighsAspects", "ownView", "consistent"] {
            v["competence.\(q)"] = "yes"
        }
        v["competence.weighsAspects"] = "no"
        do {
            _ = try spec.build(v, editing: nil, Self.ctx(c))
            Issue.record("saved without a conclusion")
        } catch { #expect(error.field == "competence.conclusion") }
        v["competence.conclusion"] = "not-competent"
        let prompt = spec.shown(v, c).first { $0.id == "competence.notCompetent" }
        guard case .info(let text)? = prompt?.kind else { Issue.record("no prompt"); return }
        #expect(text.contains("ask a person with parental responsibility") && text.contains("still seek the child's views"))
        let k = try spec.build(v, editing: nil, Self.ctx(c)).consent
        #expect(k.competence?.weighsAspects == false && k.competence?.conclusion == .notCompetent)
        var withConsent = c
        withConsent.consents = [k]
        #expect(Screens.flags(withConsent).contains { $0.rule == "competence-not-established" && $0.recordId == k.id })
    }

    @Test("a parent consenting: no under-16 competence hint, and who may consent explained for that person")
    func parentConsenting() {
        let c = Self.child(aged: 13)
        let v = Self.consentValues(c, by: "P1")
        let shown = Forms.consent(c).shown(v, c)
        let texts = shown.compactMap { f -> String? in if case .info(let t) = f.kind { return t } else { return nil } }.joined(separator: "\n")
        #expect(!texts.contains("competence checklist") && !shown.contains { $0.id.hasPrefix("competence.") })
        #expect(texts.contains("one person with it can consent, even where parents are separated (004)"))
    }

    @Test("a young person of 16 or 17: a capacity assessment for this decision; lacking capacity, who acts and the best-interests reasoning")
    func capacity() throws {
        let c = Self.child(aged: 16)
        var v = Self.consentValues(c, by: "P1")
        let spec = Forms.consent(c)
        #expect(spec.shown(v, c).contains { $0.id == "capacity.assessed" })
        #expect(!Forms.consent(Self.child(aged: 13)).shown(v, Self.child(aged: 13)).contains { $0.id == "capacity.assessed" }, "not under 16")
        v["capacity.assessed"] = "yes"
        do {
            _ = try spec.build(v, editing: nil, Self.ctx(c))
            Issue.record("saved an assessment with no decision named")
        } catch { #expect(error.field == "capacity.decision") }
        v["capacity.decision"] = "Sharing attendance with the school nurse"
        v["capacity.lacksCapacity"] = "yes"
        #expect(spec.shown(v, c).contains { $0.id == "capacity.bestInterests" && $0.clears == .capacity })
        v["capacity.actingAs"] = "best-interests"
        let k = try spec.build(v, editing: nil, Self.ctx(c)).consent
        #expect(k.capacity?.lacksCapacity == true && k.capacity?.actingAs == .bestInterests && k.capacity?.bestInterests == nil)
        var withConsent = c
        withConsent.consents = [k]
        let rules = Set(Screens.flags(withConsent).filter { $0.recordId == k.id }.map(\.rule))
        #expect(rules.contains("capacity-best-interests-missing"))
        #expect(!rules.contains("consent-parent-for-16-plus"), "the parent acts for a young person who lacks capacity for this decision")
        // Capacity is no longer asked as a general yes or no about a person (001).
        #expect(!Forms.person(c).shown([:], c).contains { $0.id == "lacksCapacity" })
    }

    @Test("the walkthrough's summary is in words, not codes")
    func summaryInWords() {
        let c = Screens.example("recorded-well")
        let v: FormValues = ["concernId": "K1", "childProtection": "yes", "purpose.legitimate": "yes", "purpose.why": "Assessment",
                             "identifiesIndividual": "yes", "consent.kind": "not-sought", "consent.reason": "risk-to-child",
                             "lawfulBasis": "public-task", "specialCategory": "yes", "specialCategoryCondition": "dpa2018-sch1-safeguarding",
                             "statutoryGateway": "ca2004-s11", "to.agency": "Children's Social Care", "method": "secure-email", "familyInformed": "later"]
        let text = Walkthrough.summary(v, c)
        #expect(text.contains("Consent: not sought (risk to the child"))
        #expect(text.contains("Lawful basis: public task"))
        #expect(text.contains("Special category: yes, safeguarding of children and individuals at risk (DPA 2018 Sch. 1)"))
        #expect(text.contains("Gateway: Children Act 2004 s.11"))
        #expect(text.contains("To: Children's Social Care by secure email"))
        #expect(text.contains("The family will be told later"))
        for code in ["not-sought", "risk-to-child", "public-task", "dpa2018", "ca2004", "secure-email"] { #expect(!text.contains(code), "\(code)") }
    }

    @Test("a child's-words note reminds never to promise secrecy; a pre-birth case reminds to involve the parents-to-be, then asks for the birth")
    func prompts() {
        var s = Screens.state(Size(width: 100, height: 30))
        let c = Screens.example("recorded-well")
        let note = FormState(kind: .note, caseId: c.id, recordId: nil, isEditing: false, values: ["kind": "childs-words"])
        #expect(FormView.prompt(s, note, c)?.contains("Never promise a child") == true)
        #expect(FormView.prompt(s, FormState(kind: .note, caseId: c.id, recordId: nil, isEditing: false, values: ["kind": "visit"]), c) == nil)
        var unborn = c
        unborn.child.dateOfBirth = nil
        unborn.child.expectedBirth = Day("2026-05-01")
        Screens.open(&s, unborn)
        #expect(App.view(s).text.contains("Pre-birth case: involve the parents-to-be"))
        unborn.child.expectedBirth = Day("2026-03-01")
        s.stack.removeLast()
        Screens.open(&s, unborn)
        #expect(App.view(s).text.contains("The expected birth date has passed"))
    }

    @Test("the real-choice test: 'seek it now' is offered only when the person has a real choice")
    func realChoice() {
        var v: FormValues = ["shareAnyway": "no"]
        let kinds = { (v: FormValues) -> [String] in
            guard case .choice(let o)? = Walkthrough.fields(step: .consent, v, case: Screens.example("recorded-well")).first(where: { $0.id == "consent.kind" })?.kind
            else { return [] }
            return o.map(\.value)
        }
        #expect(kinds(v) == ["have", "not-sought", "refused", "seek-now"])
        v["shareAnyway"] = "yes"
        #expect(kinds(v) == ["have", "not-sought", "refused"])
        var cp: FormValues = ["concernId": "K1"]
        Walkthrough.prepare(.consent, &cp, now: Screens.now, case: Screens.example("gaps"))
        #expect(cp["shareAnyway"] == nil, "a wellbeing need is not a risk of harm: the question is the practitioner's")
        cp = ["concernId": "new", "concern.riskLevel": "suspected"]
        Walkthrough.prepare(.consent, &cp, now: Screens.now, case: Screens.example("gaps"))
        #expect(cp["shareAnyway"] == "yes", "a suspected risk of harm is enough (golden rule 3, 000)")
    }
}
