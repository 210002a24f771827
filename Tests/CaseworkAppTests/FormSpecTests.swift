import CaseworkCore
import CaseworkTestSupport
import Testing
import TerminalKit
@testable import CaseworkApp

/// The record forms are bound questions: a record read into its form and built back is the same
/// record, and every question shown changes the record when its answer changes.
@Suite("Forms as bound questions")
struct FormSpecTests {
    static let cases: [Case] = {
        var gen = DemoGenerator(seed: 9)
        return [Screens.example("gaps"), Screens.example("recorded-well"), RuleCases.clean]
            + (1...60).map { gen.makeCase($0, workers: ["mia.manager"], teams: ["Early Help North"]) }
    }()

    static func ctx(_ c: Case) -> FormContext { FormContext(case: c, user: "mia.manager", now: Screens.now, zone: .london) }

    /// Reads `record` into its form, checks each shown question is bound, and builds it back.
    static func roundTrip<R: Equatable>(_ spec: FormSpec<R>, _ record: R, _ c: Case, _ what: String) {
        let v = spec.values(record, ctx(c))
        let back = try? spec.build(v, editing: record, ctx(c))
        #expect(back == record, "\(what): read and built back differs\n\(String(describing: back))\n\(record)")
        for field in spec.shown(v, c) {
            var changed = v
            switch field.kind {
            case .choice(let options):
                guard let other = options.map(\.value).first(where: { $0 != v[field.id] && !$0.isEmpty }) else { continue }
                changed[field.id] = other
            case .text, .multiline: changed[field.id] = (v[field.id] ?? "") + (field.id == "items" ? "\nfact: more" : " more")
            case .date: changed[field.id] = "2020-01-0\(v[field.id] == "2020-01-01" ? 2 : 1)"
            case .time: changed[field.id] = v[field.id] == "2020-01-01T10:00:00Z" ? "2020-01-02T10:00:00Z" : "2020-01-01T10:00:00Z"
            case .info: continue
            }
            let built = try? spec.build(changed, editing: record, ctx(c))
            #expect(built != nil && built != record, "\(what): the answer to \(field.id) goes nowhere in the record")
        }
    }

    @Test("notes, concerns, people, episodes, disclosures and consents: read and built back unchanged, every question bound")
    func recordsRoundTrip() {
        var counts: [String: Int] = [:]
        for c in Self.cases {
            Self.roundTrip(Forms.caseDetails(c), CaseDetailsDraft(c), c, "\(c.id) details")
            for r in c.records {
                switch r {
                case .note(let n): Self.roundTrip(Forms.note(c), n, c, "\(c.id)/\(n.id)")
                case .concern(let k): Self.roundTrip(Forms.concern(c), k, c, "\(c.id)/\(k.id)")
                case .person(let p): Self.roundTrip(Forms.person(c), p, c, "\(c.id)/\(p.id)")
                case .episode(let e): Self.roundTrip(Forms.episode(c), e, c, "\(c.id)/\(e.id)")
                case .disclosure(let x): Self.roundTrip(Forms.disclosure(x.direction == .outgoing, c), x, c, "\(c.id)/\(x.id)")
                case .consent(let k): Self.roundTrip(Forms.consent(c), ConsentDraft(k), c, "\(c.id)/\(k.id)")
                default: continue
                }
                counts["\(r.kind)", default: 0] += 1
            }
        }
        for kind in ["note", "concern", "person", "episode", "disclosure", "consent"] { #expect(counts[kind, default: 0] >= 5, "\(kind): \(counts)") }
    }

    @Test("the walkthrough's answers: every saved decision read into them and built back is the same decision, every question bound")
    func walkthroughRoundTrip() throws {
        var decisions = 0
        for c in Self.cases {
            for d in c.decisions {
                let spec = WalkthroughForm.spec(c)
                // Answers a question no longer asks (a consent's id once consent is not had) are not kept: settled once, then stable.
                let settled = try spec.build(spec.values(WalkthroughAnswers(d, in: c), Self.ctx(c)), editing: nil, Self.ctx(c))
                Self.roundTrip(spec, settled, c, "\(c.id)/\(d.id) answers")
                let user = User(name: "mia.manager", role: .manager)
                let built = try Walkthrough.build(Walkthrough.values(from: d, in: c), case: c, decisionId: d.id, user: user, now: Screens.now,
                                                  complete: d.outcome != nil)
                guard case .decision(let back)? = built.first(where: { if case .decision = $0 { true } else { false } }) else {
                    Issue.record("\(c.id)/\(d.id): no decision built")
                    continue
                }
                // The walkthrough asks for one piece of advice, with its own time; the rest of the decision comes back as it was.
                var expected = d
                expected.advice = Array(d.advice.prefix(1))
                if expected.outcome != .doNotShare { expected.requesterTold = nil }

                if expected.specialCategory != true { expected.specialCategoryCondition = nil }
                if expected.familyInformed == .yes || expected.familyInformed == nil { expected.notInformedReason = nil }
                if expected.rationale?.isBlank == true { expected.rationale = nil }
                #expect(back == expected, "\(c.id)/\(d.id): reopened and saved, the decision changed\n\(back)\n\(expected)")
                decisions += 1
            }
        }
        #expect(decisions >= 20)
    }

    @Test("a new form starts with the new record's usual values only: the time now, a usual kind; choices that need an answer start unanswered")
    func newForms() {
        let c = Screens.example("gaps")
        #expect(Forms.note(c).values(nil, Self.ctx(c)) == ["kind": "visit", "at": "10/3/2026 09:30", "opinion": "no", "episodeId": "E2"])
        #expect(Forms.concern(c).values(nil, Self.ctx(c)) == ["recorded": "10/3/2026 09:30"])
        #expect(Forms.person(c).values(nil, Self.ctx(c)) == ["parentalResponsibility": "unknown"])
        #expect(Forms.episode(c).values(nil, Self.ctx(c)) == ["started": Screens.now.localDay.description])
        #expect(Forms.disclosure(true, c).values(nil, Self.ctx(c)) == ["when": "10/3/2026 09:30", "by": "mia.manager", "scheme": "none", "wholeFile": "no"])
        #expect(Forms.disclosure(false, c).values(nil, Self.ctx(c)) == ["when": "10/3/2026 09:30", "scheme": "none"])
    }

    @Test("a new case: its id, child and first episode asked; a date of birth or an expected birth needed; the team the user's unless given")
    func newCase() throws {
        let ctx = FormContext(case: nil, user: "sam.t", team: "Early Help North", now: Screens.now, zone: .london)
        let spec = Forms.caseDetails(nil)
        #expect(spec.shown([:], nil).map(\.id) == ["title", "id", "child.name", "child.dateOfBirth", "child.expectedBirth",
                                                   "child.preferredCommunication", "team", "careOrder", "episode.reason"])
        var v = spec.values(nil, ctx)
        #expect(v == ["careOrder": "no"])
        v["title"] = "Year 9"; v["id"] = "C-0042"; v["child.name"] = "Mina"; v["episode.reason"] = "Referral"
        #expect(throws: FormProblem("child.dateOfBirth", "give a date of birth, or an expected birth date for a pre-birth case")) {
            try spec.build(v, editing: nil, ctx)
        }
        v["child.expectedBirth"] = "2026-06-01"
        let made = try spec.build(v, editing: nil, ctx).newCase(on: Screens.now.localDay)
        #expect(made.id == "C-0042" && made.team == "Early Help North" && made.worker == "sam.t" && made.episodes.map(\.reason) == ["Referral"])
        v["id"] = "no spaces"
        #expect(throws: FormProblem.self) { try spec.build(v, editing: nil, ctx) }
    }

    @Test("an answer to a question no longer asked is not kept: identity checked goes with the phone, reasons with the refusal")
    func unaskedAnswersDropped() throws {
        let c = Screens.example("gaps")
        var v = Forms.disclosure(true, c).values(nil, Self.ctx(c))
        v["method"] = "phone"; v["recipientIdentityChecked"] = "yes"; v["consentStatus"] = "refused"; v["reasons"] = "Risk to the child"
        let phoned = try Forms.disclosure(true, c).build(v, editing: nil, Self.ctx(c))
        #expect(phoned.recipientIdentityChecked == true && phoned.reasons == "Risk to the child")
        v["method"] = "secure-email"; v["consentStatus"] = "with-consent"
        let emailed = try Forms.disclosure(true, c).build(v, editing: nil, Self.ctx(c))
        #expect(emailed.recipientIdentityChecked == nil && emailed.reasons == nil && emailed.from == nil && emailed.to != nil)
    }
}
