import CaseworkTestSupport
import Foundation
import Testing
@testable import CaseworkCore

/// Each rule of flags.md raised by a small change to a clean case, and not
/// raised by a close change that the guidance allows.
@Suite("Flag rules")
struct RuleTests {
    static let day = Day("2026-03-10")!
    let engine = FlagEngine(policy: Fixtures.defaultPolicy, guidance: Fixtures.guidance)

    func t(_ s: String) -> Timestamp { Timestamp(s)! }

    var clean: Case { RuleCases.clean }

    func raised(_ c: Case, on day: Day = RuleTests.day) -> Set<String> {
        Set(engine.flags(for: c, on: day).map { "\($0.rule)@\($0.recordId)" })
    }

    @Test("the clean case raises nothing")
    func cleanIsClean() { #expect(raised(clean).isEmpty) }

    @Test("rationale-missing: an outcome with a blank rationale; a written one clears it")
    func rationaleMissing() {
        var c = clean
        c.decisions[1].rationale = " \n\t"
        #expect(raised(c) == ["rationale-missing@D2"])
        c.decisions[1].outcome = .doNotShare
        #expect(raised(c).contains("rationale-missing@D2"), "a decision not to share needs its reasons too")
        c.decisions[1].rationale = "No"
        #expect(!raised(c).contains("rationale-missing@D2"))
    }

    @Test("decision-incomplete: no outcome; any outcome clears it")
    func decisionIncomplete() {
        var c = clean
        c.decisions[1].outcome = nil
        #expect(raised(c).contains("decision-incomplete@D2"))
        #expect(!raised(c).contains("rationale-missing@D2"), "an unfinished walkthrough is incomplete, not missing a rationale")
        c.decisions[1].outcome = .doNotShare
        #expect(!raised(c).contains("decision-incomplete@D2"))
    }

    @Test("disclosure-without-decision: outgoing with no decision; incoming never")
    func withoutDecision() {
        var c = clean
        c.disclosures[1].decisionId = nil
        #expect(raised(c).contains("disclosure-without-decision@X2"))
        c.disclosures[1].direction = .incoming
        c.disclosures[1].from = Party(agency: "School health")
        #expect(!raised(c).contains("disclosure-without-decision@X2"))
    }

    @Test("disclosure-fields-missing: each of when, by, to, method, what; all present is clean")
    func fieldsMissing() {
        for edit in [{ (x: inout Disclosure) in x.when = nil }, { $0.by = "  " }, { $0.to = Party() }, { $0.method = nil }, { $0.items = [] }] {
            var c = clean
            edit(&c.disclosures[1])
            #expect(raised(c).contains("disclosure-fields-missing@X2"))
        }
        var c = clean
        c.disclosures[1].to = Party(agency: "School health")
        #expect(!raised(c).contains("disclosure-fields-missing@X2"), "an agency alone says to whom")
    }

    @Test("no-consent-reasons-missing: without consent and no reasons; with reasons it clears")
    func noConsentReasons() {
        var c = clean
        c.disclosures[0].reasons = nil
        #expect(raised(c) == ["no-consent-reasons-missing@X1"])
        c.disclosures[0].consentStatus = .refused
        c.disclosures[0].reasons = "Risk of harm outweighs the refusal"
        #expect(raised(c).isEmpty)
    }

    @Test("lawful-basis-missing: on a decision to share without consent, and on a disclosure without consent")
    func lawfulBasis() {
        var c = clean
        c.decisions[0].lawfulBasis = nil
        c.disclosures[0].lawfulBasis = nil
        #expect(raised(c) == ["lawful-basis-missing@D1", "lawful-basis-missing@X1"])
        c.decisions[0].outcome = .doNotShare
        #expect(!raised(c).contains("lawful-basis-missing@D1"), "not sharing needs no lawful basis")
        var d = clean
        d.decisions[1].lawfulBasis = nil
        #expect(raised(d).isEmpty, "a decision resting on consent it has needs no other basis")
        d.decisions[1].consentPosition = ConsentPosition(kind: .notNeeded, reason: .notIdentifying)
        #expect(raised(d).isEmpty)
    }

    @Test("recipient-not-advised: without consent and not told; told clears it")
    func recipientNotAdvised() {
        var c = clean
        c.disclosures[0].recipientAdvisedNoConsent = nil
        #expect(raised(c) == ["recipient-not-advised@X1"])
        c.disclosures[0].consentStatus = .withConsent
        c.disclosures[0].consentId = "CN1"
        #expect(!raised(c).contains("recipient-not-advised@X1"))
    }

    @Test("special-category-condition-missing: special category with no condition")
    func specialCategory() {
        var c = clean
        c.decisions[0].specialCategoryCondition = ""
        #expect(raised(c) == ["special-category-condition-missing@D1"])
        c.decisions[0].specialCategory = false
        #expect(raised(c).isEmpty)
    }

    @Test("family-not-informed-reason-missing: family not told and no reason")
    func familyNotInformed() {
        var c = clean
        c.decisions[1].familyInformed = .no
        #expect(raised(c) == ["family-not-informed-reason-missing@D2"])
        c.decisions[1].notInformedReason = "Would alert the partner"
        #expect(raised(c).isEmpty)
    }

    @Test("advice-outcome-missing: advice with no outcome; recorded outcome clears")
    func adviceOutcome() {
        var c = clean
        c.decisions[0].advice.append(AdviceEntry(from: "Caldicott Guardian", at: t("2026-02-02T10:40:00Z"), advice: "Share", outcome: " "))
        #expect(raised(c) == ["advice-outcome-missing@D1"])
        c.decisions[0].advice[1].outcome = "Shared as advised"
        #expect(raised(c).isEmpty)
    }

    @Test("incoming-fields-missing: from, what or consent status missing on incoming")
    func incomingFields() {
        var c = clean
        c.disclosures.append(Disclosure(id: "X3", direction: .incoming, when: t("2026-02-05T09:00:00Z"),
                                        from: Party(role: "Health visitor"), items: [SharedItem(text: "Missed checks")],
                                        consentStatus: .notSought, reasons: "Unknown", scheme: .none))
        #expect(raised(c).isEmpty, "an incoming record needs no decision, method or fact marking")
        c.disclosures[2].consentStatus = nil
        #expect(raised(c) == ["incoming-fields-missing@X3"])
        c.disclosures[2].consentStatus = .withConsent
        c.disclosures[2].from = nil
        #expect(raised(c) == ["incoming-fields-missing@X3"])
    }

    func childConsent(age15On day: String, _ c: inout Case) {
        c.consents[0].givenBy = .child
        c.consents[0].givenAt = t("\(day)T12:00:00Z")
    }

    @Test("consent-competence-missing: on the day before the 16th birthday yes, on the day itself no")
    func competence() {
        var c = clean  // Jordan born 2011-09-14
        childConsent(age15On: "2027-09-13", &c)
        #expect(raised(c).contains("consent-competence-missing@CN1"))
        childConsent(age15On: "2027-09-14", &c)
        #expect(!raised(c).contains("consent-competence-missing@CN1"))
        childConsent(age15On: "2026-02-03", &c)
        c.consents[0].competence = CompetenceAssessment(understandsQuestion: true, understandsImplications: true,
                                                        weighsAlternatives: true, ownView: true, consistent: true,
                                                        assessedBy: "ahmed.k", assessedAt: t("2026-02-03T11:00:00Z"))
        #expect(!raised(c).contains("consent-competence-missing@CN1"))
        c.consents[0].competence = nil
        c.consents[0].decision = .refused
        #expect(raised(c).contains("consent-competence-missing@CN1"), "a refusal by a child under 16 needs the assessment too")
    }

    @Test("consent-not-informed: any of what, why, with whom, implications missing")
    func notInformed() {
        var c = clean
        c.consents[0].informed.implications = nil
        #expect(raised(c) == ["consent-not-informed@CN1"])
        c.consents[0].informed.implications = "x"
        c.consents[0].informed.understandingChecked = nil
        #expect(raised(c).isEmpty, "understanding checked is recorded but not required by the rule")
    }

    @Test("consent-implied: implied form; written, or verbal with its reason, is fine")
    func implied() {
        var c = clean
        c.consents[0].form = .implied
        #expect(raised(c) == ["consent-implied@CN1"])
        c.consents[0].form = .written
        #expect(raised(c).isEmpty)
        c.consents[0].form = .verbal
        c.consents[0].whyNotWritten = "Agreed on a home visit; the form follows"
        #expect(raised(c).isEmpty, "the near miss: verbal consent with its reason is not implied")
    }

    @Test("consent-verbal-unexplained: verbal with no reason; with a reason it is fine")
    func verbal() {
        var c = clean
        c.consents[0].form = .verbal
        #expect(raised(c) == ["consent-verbal-unexplained@CN1"])
        c.consents[0].whyNotWritten = "Phone call; form posted"
        #expect(raised(c).isEmpty)
    }

    @Test("consent-no-parental-responsibility: given by someone whose PR is not yes")
    func parentalResponsibility() {
        var c = clean
        c.people[0].parentalResponsibility = .unknown
        #expect(raised(c) == ["consent-no-parental-responsibility@CN1"])
        c.people[0].parentalResponsibility = .yes
        #expect(raised(c).isEmpty)
    }

    @Test("consent-parent-for-16-plus: a parent's consent on the 16th birthday, not the day before")
    func parentFor16() {
        var c = clean
        c.consents[0].givenAt = t("2027-09-14T09:00:00Z")
        #expect(raised(c).contains("consent-parent-for-16-plus@CN1"))
        c.consents[0].givenAt = t("2027-09-13T09:00:00Z")
        #expect(!raised(c).contains("consent-parent-for-16-plus@CN1"))
    }

    @Test("consent-under-care-order: a family member's consent under a care order; the child's is not")
    func careOrder() {
        var c = clean
        c.careOrder = true
        #expect(raised(c) == ["consent-under-care-order@CN1"])
        c.consents[0].givenBy = .child
        c.consents[0].competence = CompetenceAssessment(understandsQuestion: true, understandsImplications: true, weighsAlternatives: true,
                                                        ownView: true, consistent: true, assessedBy: "a", assessedAt: t("2026-02-03T10:00:00Z"))
        #expect(raised(c).isEmpty)
    }

    @Test("consent-not-valid-at-disclosure: withdrawn before, not after; past review; refused; expired")
    func notValidAtDisclosure() {
        var c = clean
        c.consents[0].status = .withdrawn
        c.consents[0].withdrawnAt = t("2026-02-04T09:59:00Z")
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"])
        c.consents[0].withdrawnAt = t("2026-02-04T10:01:00Z")
        #expect(raised(c).isEmpty, "withdrawn after the disclosure: it was valid when shared")
        c.consents[0].status = .active
        c.consents[0].reviewBy = Day("2026-02-03")
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"])
        c.consents[0].reviewBy = Day("2026-02-04")
        #expect(raised(c).isEmpty, "review date on the day of the disclosure has not passed")
        c.consents[0].status = .expired
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"])
        c.consents[0].status = .active
        c.consents[0].decision = .refused
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"])
    }

    @Test("consent-out-of-scope: recipient not covered, or named in restrictions; matching ignores case and spaces")
    func outOfScope() {
        var c = clean
        c.disclosures[1].to = Party(name: "Intake", role: "Clinician", agency: "CAMHS")
        #expect(raised(c) == ["consent-out-of-scope@X2"])
        c.disclosures[1].to = Party(name: "Ms Lee", role: "  school NURSE ", agency: "School health")
        #expect(raised(c).isEmpty)
        c.disclosures[1].to = Party(role: "School nurse", agency: "housing")
        #expect(raised(c) == ["consent-out-of-scope@X2"], "a restriction wins over an allowed role")
    }

    @Test("consent-previous-episode: consent from an earlier episode; the same episode is fine")
    func previousEpisode() {
        var c = clean
        c.episodes[0].ended = Day("2026-02-10")
        c.episodes.append(Episode(id: "E2", started: Day("2026-02-11")!, reason: "Re-referral"))
        c.decisions[1].episodeId = "E2"
        #expect(raised(c) == ["consent-previous-episode@X2"])
        c.decisions[1].episodeId = "E1"
        #expect(raised(c).isEmpty)
    }

    @Test("insecure-method: unencrypted email, fax, voicemail; secure email is fine")
    func insecure() {
        for m in [SharingMethod.unencryptedEmail, .fax, .voicemail] {
            var c = clean
            c.disclosures[1].method = m
            #expect(raised(c) == ["insecure-method@X2"])
        }
        var c = clean
        c.disclosures[1].method = .securePortal
        #expect(raised(c).isEmpty)
    }

    @Test("recipient-identity-unchecked: phone without the check, or with it recorded as not done; checked, or face to face, is fine")
    func identity() {
        var c = clean
        c.disclosures[1].method = .phone
        #expect(raised(c) == ["recipient-identity-unchecked@X2"])
        c.disclosures[1].recipientIdentityChecked = false
        #expect(raised(c) == ["recipient-identity-unchecked@X2"])
        c.disclosures[1].recipientIdentityChecked = true
        #expect(raised(c).isEmpty, "the check recorded clears the flag")
        c.disclosures[1].recipientIdentityChecked = nil
        c.disclosures[1].method = .faceToFace
        #expect(raised(c).isEmpty)
    }

    @Test("scheme-undertaking-missing: a DVDS (either kind) or CSOD disclosure without the undertaking, either direction",
          arguments: [DisclosureScheme.dvdsRightToAsk, .dvdsRightToKnow, .csod], [Direction.outgoing, .incoming])
    func scheme(_ scheme: DisclosureScheme, _ direction: Direction) {
        var c = clean
        c.disclosures[1].direction = direction
        let others = raised(c)
        c.disclosures[1].scheme = scheme
        #expect(raised(c) == others.union(["scheme-undertaking-missing@X2"]))
        #expect(engine.flags(for: c, on: Self.day).first { $0.rule == "scheme-undertaking-missing" }?.message.isEmpty == false)
        c.disclosures[1].undertakingSigned = false
        #expect(raised(c) == others.union(["scheme-undertaking-missing@X2"]), "recorded as not signed")
        c.disclosures[1].undertakingSigned = true
        #expect(raised(c) == others, "the near miss: signed")
        c.disclosures[1].undertakingSigned = nil
        c.disclosures[1].scheme = .none
        #expect(raised(c) == others, "no scheme, no undertaking needed")
    }

    @Test("concern-undecided: a child protection concern N days old is not flagged, N+1 days old is")
    func concernUndecided() {
        var c = clean
        c.concerns.append(Concern(id: "K2", recorded: t("2026-03-01T16:00:00Z"), summary: "Bruise", category: .abuse,
                                  riskLevel: .suspected, childProtection: true))
        #expect(!raised(c, on: Day("2026-03-03")!).contains("concern-undecided@K2"))
        #expect(raised(c, on: Day("2026-03-04")!).contains("concern-undecided@K2"))
        c.concerns[1].childProtection = false
        #expect(!raised(c, on: Day("2026-03-30")!).contains("concern-undecided@K2"))
        c.concerns[1].childProtection = true
        c.decisions.append(SharingDecision(id: "D3", concernId: "K2", episodeId: "E1", decidedAt: t("2026-03-02T09:00:00Z"),
                                           decidedBy: "ahmed.k", outcome: .doNotShare, rationale: "Explained by a fall, seen by GP"))
        #expect(!raised(c, on: Day("2026-03-30")!).contains("concern-undecided@K2"))
        c.decisions[2].outcome = nil
        #expect(raised(c, on: Day("2026-03-30")!).contains("concern-undecided@K2"), "a draft decision is no decision")
    }

    @Test("concern-undecided honours the policy's number of days")
    func concernDays() {
        var c = clean
        c.concerns.append(Concern(id: "K2", recorded: t("2026-03-01T16:00:00Z"), summary: "x", category: .abuse, riskLevel: .suspected, childProtection: true))
        var p = Fixtures.defaultPolicy
        p.concernUndecidedDays = 0
        let e = FlagEngine(policy: p, guidance: Fixtures.guidance)
        #expect(e.flags(for: c, on: Day("2026-03-02")!).contains { $0.rule == "concern-undecided" })
        #expect(!e.flags(for: c, on: Day("2026-03-01")!).contains { $0.rule == "concern-undecided" })
    }

    @Test("retention-review-missing: closed with no date, or a date that has passed; an open case never")
    func retention() {
        var c = clean
        c.closed = Day("2026-03-01")
        #expect(raised(c) == ["retention-review-missing@C-0001"])
        c.retentionReviewBy = Day("2026-03-10")
        #expect(raised(c).isEmpty, "due on the evaluation day has not passed")
        #expect(raised(c, on: Day("2026-03-11")!) == ["retention-review-missing@C-0001"])
        c.closed = nil
        #expect(raised(c, on: Day("2030-01-01")!).isEmpty)
    }

    @Test("consent-relied-on-in-child-protection: consent as the basis under a child protection concern")
    func consentInCP() {
        var c = clean
        c.decisions[1].lawfulBasis = .consent
        #expect(raised(c) == ["consent-relied-on-in-child-protection@D2"])
        c.concerns[0].childProtection = false
        #expect(raised(c).isEmpty)
    }

    @Test("fact-opinion-unmarked: an unmarked item; historical counts as marked")
    func factOpinion() {
        var c = clean
        c.disclosures[1].items.append(SharedItem(text: "Older sibling known to CSC"))
        #expect(raised(c) == ["fact-opinion-unmarked@X2"])
        c.disclosures[1].items[1].kind = .historical
        #expect(raised(c).isEmpty)
    }

    @Test("whole-file-shared: the whole file; false or unrecorded is not")
    func wholeFile() {
        var c = clean
        c.disclosures[1].wholeFile = true
        #expect(raised(c) == ["whole-file-shared@X2"])
        c.disclosures[1].wholeFile = nil
        #expect(raised(c).isEmpty)
    }

    @Test("flags carry rule, severity, case, record, a plain message and the guidance source")
    func flagContents() {
        var c = clean
        c.decisions[1].rationale = nil
        let f = engine.flags(for: c, on: Self.day).first!
        #expect(f.rule == "rationale-missing" && f.severity == .missing && f.caseId == "C-0001" && f.recordId == "D2")
        #expect(f.field == "rationale")
        #expect(f.message.hasPrefix("Decision D2 has an outcome but its reasons are not written down."))
        #expect(f.source == "Golden rule 7 (000, 001, 004)")
    }

    @Test("a manager's acceptance closes a check flag but never a missing one")
    func acceptance() {
        var c = clean
        c.disclosures[1].method = .fax
        c.decisions[1].rationale = nil
        c.reviews = [
            Review(id: "R1", by: "mia", at: t("2026-03-05T09:00:00Z"), target: ReviewTarget(rule: "insecure-method", record: "X2"), action: .accepted, note: "Fax confirmed received"),
            Review(id: "R2", by: "mia", at: t("2026-03-05T09:01:00Z"), target: ReviewTarget(rule: "rationale-missing", record: "D2"), action: .accepted, note: "x"),
        ]
        #expect(raised(c) == ["rationale-missing@D2"])
        let all = engine.flags(for: c, on: Self.day, includeAccepted: true)
        #expect(all.first { $0.rule == "insecure-method" }?.reviewId == "R1")
    }

    @Test("flags raised by hand on one record are one flag naming every author, at the most severe; a raise after acceptance reopens it")
    func manualFlags() {
        var c = clean
        let manual = [
            ManualFlag(recordId: "D2", severity: .check, reason: "Who agreed?", raisedBy: "mia", raisedAt: t("2026-03-05T09:00:00Z")),
            ManualFlag(recordId: "D2", severity: .advice, reason: "Fine", raisedBy: "ahmed.k", raisedAt: t("2026-03-05T10:00:00Z")),
        ]
        let one = engine.flags(for: c, manual: manual).filter { $0.rule == "manual" }
        #expect(one.count == 1 && one[0].severity == .check && one[0].isOpen)
        #expect(one[0].message == "Raised by mia: Who agreed?; Raised by ahmed.k: Fine")
        c.reviews = [Review(id: "R1", by: "mia", at: t("2026-03-05T11:00:00Z"), target: ReviewTarget(rule: "manual", record: "D2"),
                            action: .accepted, note: "Agreed in supervision")]
        #expect(engine.flags(for: c, manual: manual).first { $0.rule == "manual" }?.status == .accepted)
        let later = [manual[0], ManualFlag(recordId: "D2", severity: .advice, reason: "New worry", raisedBy: "ahmed.k",
                                         raisedAt: t("2026-03-05T11:00:01Z"))]
        let reopened = engine.flags(for: c, manual: later).first { $0.rule == "manual" }
        #expect(reopened?.status == .open && reopened?.reviewId == nil, "a raise after the review is a new concern")
    }
}

@Suite("Flags on the spec's examples")
struct ExampleFlagTests {
    let engine = FlagEngine(policy: Fixtures.defaultPolicy, guidance: Fixtures.guidance)

    /// The table in Tests/Fixtures/cases/EXPECTED-FLAGS.md (copied from the spec), read as data.
    static func expected() throws -> [String: Set<String>] {
        let text = String(decoding: try Data(contentsOf: Repository.fixtures.appendingPathComponent("cases/EXPECTED-FLAGS.md")), as: UTF8.self)
        var out: [String: Set<String>] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## ") { current = String(line.dropFirst(3)).replacingOccurrences(of: ".json", with: ""); out[current!] = [] }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if let current, cells.count == 2, cells[0] != "rule", !cells[0].hasPrefix("-") {
                out[current]!.insert("\(cells[0])@\(cells[1])")
            }
        }
        return out
    }

    @Test("each example raises exactly the flags its README lists, on 2026-03-10")
    func exact() throws {
        let expected = try Self.expected()
        #expect(expected.keys.sorted() == ["gaps", "recorded-well"])
        #expect(expected["gaps"]?.count == 13)
        for (name, want) in expected {
            let got = Set(engine.flags(for: Fixtures.example(name), on: Day("2026-03-10")!).map { "\($0.rule)@\($0.recordId)" })
            #expect(got == want, "\(name)")
        }
    }
}

@Suite("Guidance and policy as data")
struct GuidanceTests {
    @Test("every rule in code has its text in Resources, and every text a rule in code")
    func rulesMatchResources() {
        #expect(Set(Rules.ids) == Set(Fixtures.guidance.rules.keys))
        #expect(Rules.ids.count == Fixtures.guidance.rules.count)
        #expect(Set(Fixtures.defaultPolicy.rules.keys) == Set(Rules.ids))
        for text in Fixtures.guidance.rules.values {
            #expect(!text.title.isEmpty && text.message.contains("{record}") && !text.source.isEmpty && !text.reference.isEmpty, "\(text.id)")
        }
    }

    @Test("the default policy has exactly the spec's ids and severities, all on, 2 days")
    func defaultPolicyIsTheSpec() throws {
        let spec: [String: Severity] = [
            "rationale-missing": .missing, "decision-incomplete": .missing, "disclosure-without-decision": .missing,
            "disclosure-fields-missing": .missing, "no-consent-reasons-missing": .missing, "lawful-basis-missing": .missing,
            "recipient-not-advised": .missing, "special-category-condition-missing": .missing,
            "family-not-informed-reason-missing": .missing, "advice-outcome-missing": .missing,
            "incoming-fields-missing": .missing, "consent-competence-missing": .missing, "consent-not-informed": .missing,
            "consent-implied": .check, "consent-verbal-unexplained": .check, "consent-no-parental-responsibility": .check,
            "consent-parent-for-16-plus": .check, "consent-under-care-order": .check,
            "consent-not-valid-at-disclosure": .check, "consent-out-of-scope": .check, "consent-previous-episode": .check,
            "insecure-method": .check, "recipient-identity-unchecked": .check, "scheme-undertaking-missing": .check,
            "concern-undecided": .check, "retention-review-missing": .check,
            "consent-relied-on-in-child-protection": .advice, "fact-opinion-unmarked": .advice, "whole-file-shared": .advice,
        ]
        let p = Fixtures.defaultPolicy
        #expect(p.rules.mapValues(\.severity) == spec)
        #expect(p.rules.values.allSatisfy { $0.enabled })
        #expect(p.concernUndecidedDays == 2 && !p.adviceInReviewQueue && p.draftKeepDays == 30)
    }

    @Test("the walkthrough has its eleven steps, each with a reminder, source and help; seven golden rules")
    func walkthroughAndGoldenRules() {
        let g = Fixtures.guidance
        #expect(g.steps.map(\.id) == ["concern", "purpose", "identifiable", "consent", "lawful-basis", "advice", "what",
                                      "who-how", "transparency", "decision", "disclosure"])
        #expect(g.steps.allSatisfy { !$0.reminder.isEmpty && !$0.source.isEmpty && $0.help.count > $0.reminder.count })
        #expect(g.goldenRules.map(\.number) == Array(1...7))
    }

    @Test("an organisation's override changes only what it names")
    func override() throws {
        let p = try Policy.decodeOverride(Data("""
            {"concernUndecidedDays": 5, "draftKeepDays": 14, "rules": {"whole-file-shared": {"enabled": false}, "insecure-method": {"severity": "missing"}}}
            """.utf8), over: Fixtures.defaultPolicy)
        #expect(p.concernUndecidedDays == 5 && p.draftKeepDays == 14)
        #expect(p.rules["whole-file-shared"] == .init(enabled: false, severity: .advice))
        #expect(p.rules["insecure-method"] == .init(enabled: true, severity: .missing))
        #expect(p.rules["rationale-missing"] == Fixtures.defaultPolicy.rules["rationale-missing"])
        let e = FlagEngine(policy: p, guidance: Fixtures.guidance)
        let gaps = e.flags(for: Fixtures.example("gaps"), on: Day("2026-03-10")!)
        #expect(gaps.first { $0.rule == "insecure-method" }?.severity == .missing)
    }

    @Test("an invalid policy is refused naming the problem", arguments: [
        ("{\"rules\": {\"no-such-rule\": {\"enabled\": false}}}", "rules.no-such-rule: unknown rule"),
        ("{\"rules\": {\"insecure-method\": {\"severity\": \"urgent\"}}}", "rules.insecure-method.severity: unknown value \"urgent\""),
        ("{\"rules\": {\"insecure-method\": {\"enabeld\": false}}}", "rules.insecure-method.enabeld: unknown key"),
        ("{\"concernUndecidedDays\": -1}", "concernUndecidedDays: must be a whole number of days from 0 to 365, not -1"),
        ("{\"concernUndecidedDays\": \"two\"}", "concernUndecidedDays: expected a number"),
        ("{\"draftKeepDays\": 0}", "draftKeepDays: must be a whole number of days from 1 to 365, not 0"),
        ("{\"format\": \"casework-policy/2\"}", "format: unsupported value \"casework-policy/2\""),
        ("{\"days\": 3}", "days: unknown key"),
        ("not json", "not valid JSON"),
    ])
    func invalid(text: String, message: String) {
        do {
            _ = try Policy.decodeOverride(Data(text.utf8), over: Fixtures.defaultPolicy)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
