import CaseworkCore
import CaseworkTestSupport
import Testing
import TerminalKit
@testable import CaseworkApp

/// Enter on a flag opens the record on the step and field that clear it,
/// for every rule that names a field: the rule's finding and the form's field
/// name the same `RecordField`, so the two cannot drift apart.
@Suite("A flag jumps to the field that clears it, for every rule")
struct FlagJumpTests {
    /// Each rule that names a field, raised on the examples and on generated cases, with one case raising it per kind of record.
    static func raised() -> [(flag: Flag, case: Case)] {
        var gen = DemoGenerator(seed: 5)
        let cases = [Screens.example("gaps"), Screens.example("recorded-well")] + Self.changed
            + (1...400).map { gen.makeCase($0, workers: ["mia.manager"], teams: ["Early Help North"]) }
        let engine = FlagEngine(policy: Screens.resources.defaultPolicy, guidance: Screens.resources.guidance)
        var seen: Set<String> = [], out: [(Flag, Case)] = []
        for c in cases {
            // Late enough for every time-based rule to fall due.
            for flag in engine.flags(for: c, on: Day("2031-01-01")!) where flag.field != nil {
                let kind = c.records.first { $0.id == flag.recordId }.map { "\($0.kind)" } ?? "?"
                if seen.insert("\(flag.rule) \(flag.field!) \(kind)").inserted { out.append((flag, c)) }
            }
        }
        return out
    }

    /// The rule tests' clean case with the changes that raise the rules generated cases rarely do (as in `RuleTests`).
    static let changed: [Case] = {
        let t = { (s: String) in Timestamp(s)! }
        let edits: [(inout Case) -> Void] = [
            { $0.decisions[1].lawfulBasis = .consent },
            { $0.consents[0].informed.implications = nil },
            { $0.disclosures[1].scheme = .csod },
            { $0.disclosures[1].wholeFile = true },
            { $0.disclosures[1].method = nil },
            { $0.disclosures[1].items = [] },
            { $0.disclosures[1].to = Party() },
            { $0.consents[0].givenAt = t("2027-09-14T09:00:00Z") },
            { $0.disclosures.append(Disclosure(id: "X3", direction: .incoming, when: t("2026-02-05T09:00:00Z"), from: nil,
                                               items: [SharedItem(text: "Missed checks")], consentStatus: .notSought, scheme: .none)) },
            { $0.disclosures.append(Disclosure(id: "X3", direction: .incoming, when: t("2026-02-05T09:00:00Z"), from: Party(role: "Health visitor"),
                                               items: [SharedItem(text: "Missed checks")], scheme: .none)) },
            { $0.disclosures.append(Disclosure(id: "X3", direction: .incoming, when: t("2026-02-05T09:00:00Z"), from: Party(role: "Health visitor"),
                                               items: [], consentStatus: .notSought, scheme: .none)) },
            { $0.closed = Day("2026-03-01") },
            { $0.consents[0].form = .implied },
            { $0.decisions[1].familyInformed = .no },
            { $0.consents[0].status = .expired },
            { $0.careOrder = true },
            { $0.decisions[0].advice.append(AdviceEntry(from: "Caldicott Guardian", at: t("2026-02-02T10:40:00Z"), advice: "Share", outcome: " ")) },
            { $0.decisions[0].specialCategory = true; $0.decisions[0].specialCategoryCondition = "" },
            { $0.consents[0].givenBy = .child; $0.consents[0].givenAt = t("2026-02-03T12:00:00Z") },
            { $0.consents[0].givenBy = .child
              $0.consents[0].competence = CompetenceAssessment(understandsQuestion: true, understandsImplications: true, weighsAlternatives: true,
                                                               ownView: true, consistent: true, assessedBy: "ahmed.k", assessedAt: t("2026-02-03T09:00:00Z"),
                                                               weighsAspects: true, conclusion: .notCompetent) },
            { $0.consents[0].givenAt = t("2027-09-20T09:00:00Z"); $0.disclosures[1].when = t("2027-09-21T09:00:00Z")
              $0.consents[0].capacity = CapacityAssessment(decision: "Sharing with the school nurse", lacksCapacity: true, assessedBy: "ahmed.k",
                                                           assessedAt: t("2027-09-20T08:30:00Z"), actingAs: .bestInterests) },
            { $0.decisions[0].confidential = true; $0.decisions[0].publicInterest = nil },
            { $0.decisions[1].specialCategory = nil },
            { $0.disclosures[1].consentStatus = nil },
            { $0.decisions[0].lawfulBasis = .consent },
            { $0.disclosures[0].lawfulBasis = .consent },
            { $0.disclosures.append(Disclosure(id: "X3", direction: .incoming, when: t("2026-02-04T10:00:00Z"), by: "ahmed.k",
                                               from: Party(role: "Head of year", agency: "Northfield School"), method: .meeting,
                                               items: [SharedItem(text: "Housing situation", kind: .fact)], consentStatus: .notSought,
                                               restrictions: ["school health"])) },
            { $0.decisions[1].proposedRecipient = nil; $0.decisions[1].outcome = .doNotShare },
        ]
        return edits.map { edit in
            var c = RuleCases.clean
            edit(&c)
            return c
        }
    }()

    @Test("Enter on each flag: the form opened has the focus on a field bound to the flag's field, on the step that asks it, and the cursor there")
    func everyRulesField() {
        let raised = Self.raised()
        var rules: Set<String> = []
        for (flag, c) in raised {
            let what = "\(flag.rule) on \(c.id)/\(flag.recordId) (field \(flag.field!))"
            guard let target = flag.recordField else { Issue.record("\(what): not a RecordField"); continue }
            var s = Screens.state(Size(width: 80, height: 24), cases: [c])
            Screens.open(&s, c)
            _ = Screens.apply(&s, App.editRecord(s, c, flag.recordId, focus: target))
            guard case .form(let form) = s.screen else { Issue.record("\(what): no form opened"); continue }
            if target == .decision {
                #expect(form.kind == .walkthrough && !form.isEditing && form.values["concernId"] == flag.recordId,
                        "\(what): a concern waiting for a decision starts the walkthrough on it")
            } else {
                let focused = form.focusedField(c)
                #expect(focused?.clears == target, "\(what): focus on \(form.focusId ?? "nothing") at step \(form.step?.rawValue ?? "-")")
                #expect(App.view(s).cursor != nil, "\(what): the cursor is shown")
            }
            rules.insert(flag.rule)
        }
        // Every rule whose findings name a field was tried.
        let unnamed: Set = ["manual"]
        let missing = Set(Rules.ids).subtracting(rules).subtracting(unnamed)
        #expect(missing.isEmpty, "rules never raised here: \(missing.sorted())")
    }

    @Test("advice-outcome-missing opens the advice step on its outcome, not the decision step")
    func adviceOutcome() {
        var c = Screens.example("recorded-well")
        guard var d = c.decisions.first else { Issue.record("no decision"); return }
        d.advice = [AdviceEntry(from: "DSL", at: Screens.now, advice: "Refer", outcome: nil)]
        c = c.replacing(.decision(d))
        guard let flag = Screens.flags(c).first(where: { $0.rule == "advice-outcome-missing" }) else { Issue.record("not raised"); return }
        var s = Screens.state(Size(width: 80, height: 24), cases: [c])
        Screens.open(&s, c)
        _ = Screens.apply(&s, App.editRecord(s, c, flag.recordId, focus: flag.recordField))
        guard case .form(let form) = s.screen else { Issue.record("no form"); return }
        #expect(form.step == .advice && form.focusId == "advice.outcome")
        let frame = App.view(s)
        #expect(frame.text.contains("Step 6 of 11 · Advice"))
        #expect(frame.cursor.map { frame.line($0.y - 1).contains("> The outcome") } == true, "the cursor in the empty outcome field, under its label")
    }
}
