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
        #expect(raised(d) == ["lawful-basis-missing@D2"], "having consent is agreement, not the basis (000 'The complexities of consent')")
        d.decisions[1].identifiesIndividual = false
        #expect(raised(d).isEmpty, "the near miss: information that identifies no one needs no basis")
        d.decisions[1].identifiesIndividual = nil
        #expect(raised(d) == ["lawful-basis-missing@D2"], "unanswered is read as identifying")
        d.decisions[1].outcome = .doNotShare
        d.decisions[1].proposedRecipient = Party(role: "School nurse")
        #expect(raised(d).isEmpty)
    }

    @Test("lawful-basis-contradicts-consent: consent named as the basis when it was refused or not sought; had, it does not contradict")
    func basisContradicts() {
        var c = clean
        c.decisions[0].lawfulBasis = .consent
        #expect(raised(c).contains("lawful-basis-contradicts-consent@D1"))
        c.decisions[0].consentPosition = ConsentPosition(kind: .refused, note: "Mother said no")
        #expect(raised(c).contains("lawful-basis-contradicts-consent@D1"))
        c.decisions[0].consentPosition = ConsentPosition(kind: .have, consentId: "CN1")
        #expect(!raised(c).contains("lawful-basis-contradicts-consent@D1"), "the near miss: consent had")
        var d = clean
        d.disclosures[0].lawfulBasis = .consent
        #expect(raised(d) == ["lawful-basis-contradicts-consent@X1"], "a disclosure made without consent cannot rest on it")
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

    @Test("family-not-informed-reason-missing: family not told, or told only later, and no reason; told now needs none")
    func familyNotInformed() {
        for answer in [FamilyInformed.no, .later] {
            var c = clean
            c.decisions[1].familyInformed = answer
            #expect(raised(c) == ["family-not-informed-reason-missing@D2"], "\(answer)")
            c.decisions[1].notInformedReason = "Would alert the partner"
            #expect(raised(c).isEmpty)
        }
        var c = clean
        c.decisions[1].familyInformed = .yes
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

    @Test("consent-no-parental-responsibility: given by someone whose PR is not yes; a refusal is the near miss")
    func parentalResponsibility() {
        var c = clean
        c.people[0].parentalResponsibility = .unknown
        #expect(raised(c) == ["consent-no-parental-responsibility@CN1"])
        c.consents[0].decision = .givenWithRestrictions
        #expect(raised(c) == ["consent-no-parental-responsibility@CN1"])
        c.consents[0].decision = .refused
        #expect(!raised(c).contains("consent-no-parental-responsibility@CN1"))
        c.consents[0].decision = .given
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
        c.consents[0].givenAt = t("2027-09-13T23:30:00Z")
        #expect(raised(c).contains("consent-parent-for-16-plus@CN1"), "23:30 UTC on 13 September is 00:30 on the birthday in London (BST)")
        c.consents[0].givenAt = t("2027-09-14T00:30:00+02:00")
        #expect(!raised(c).contains("consent-parent-for-16-plus@CN1"), "written in Paris on the birthday, but still 13 September in London")
    }

    @Test("consent-parent-for-16-plus: not raised when the young person was assessed as lacking capacity for this decision, nor for a refusal")
    func parentFor16WithCapacity() {
        var c = clean
        c.consents[0].givenAt = t("2027-09-20T09:00:00Z")
        c.disclosures[1].when = t("2027-09-21T09:00:00Z")
        c.consents[0].capacity = CapacityAssessment(decision: "Sharing with the school nurse", lacksCapacity: false,
                                                    assessedBy: "ahmed.k", assessedAt: t("2027-09-20T08:30:00Z"))
        #expect(raised(c).contains("consent-parent-for-16-plus@CN1"), "found to have capacity: they decide")
        c.consents[0].capacity?.lacksCapacity = true
        c.consents[0].capacity?.actingAs = .bestInterests
        c.consents[0].capacity?.bestInterests = "Needs the nurse's support; cannot weigh it today"
        #expect(!raised(c).contains("consent-parent-for-16-plus@CN1"))
        c.consents[0].capacity = nil
        c.consents[0].decision = .refused
        #expect(!raised(c).contains("consent-parent-for-16-plus@CN1"), "a parent's refusal is not consent relied on")
    }

    @Test("capacity-best-interests-missing: lacks capacity and no best-interests reasoning; written reasoning clears it")
    func capacityBestInterests() {
        var c = clean
        c.consents[0].givenAt = t("2027-09-20T09:00:00Z")
        c.disclosures[1].when = t("2027-09-21T09:00:00Z")
        c.consents[0].capacity = CapacityAssessment(decision: "Sharing with the school nurse", lacksCapacity: true, supportGiven: "Easy-read leaflet",
                                                    assessedBy: "ahmed.k", assessedAt: t("2027-09-20T08:30:00Z"), actingAs: .bestInterests, bestInterests: "  ")
        #expect(raised(c) == ["capacity-best-interests-missing@CN1"])
        c.consents[0].capacity?.bestInterests = "The nurse's support is what they would choose; mother agrees"
        #expect(raised(c).isEmpty)
        c.consents[0].capacity = CapacityAssessment(decision: "x", lacksCapacity: false, assessedBy: "a", assessedAt: t("2027-09-20T08:30:00Z"))
        c.consents[0].givenBy = .child
        #expect(!raised(c).contains("capacity-best-interests-missing@CN1"), "the near miss: has capacity, nothing to reason")
    }

    @Test("consent-under-care-order: a family member's consent on or after the order's start, not before it; the child's is not")
    func careOrder() {
        var c = clean
        c.careOrder = true
        #expect(raised(c) == ["consent-under-care-order@CN1"], "no start recorded: any time")
        c.careOrderFrom = Day("2026-02-04")
        #expect(raised(c).isEmpty, "the near miss: the consent (3 February) came the day before the order")
        c.careOrderFrom = Day("2026-02-03")
        #expect(raised(c) == ["consent-under-care-order@CN1"], "given on the day the order began")
        c.consents[0].decision = .refused
        #expect(!raised(c).contains("consent-under-care-order@CN1"), "a refusal is not consent given")
        c.consents[0].decision = .given
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
        c.consents[0].withdrawnAt = t("2026-02-04T11:00:00+01:00")
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"], "withdrawn at the disclosure's very instant, written with an offset")
        c.consents[0].withdrawnAt = t("2026-02-04T10:01:00Z")
        #expect(raised(c).isEmpty, "withdrawn after the disclosure: it was valid when shared")
        c.consents[0].status = .active
        c.consents[0].reviewBy = Day("2026-02-03")
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"])
        c.consents[0].reviewBy = Day("2026-02-04")
        #expect(raised(c).isEmpty, "review date on the day of the disclosure has not passed")
        c.consents[0].status = .expired
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"], "expired, with no time recorded: counts")
        c.consents[0].statusChangedAt = t("2026-02-04T10:00:00Z")
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"], "expired at the disclosure's very instant")
        c.consents[0].statusChangedAt = t("2026-02-04T10:00:01Z")
        #expect(raised(c).isEmpty, "the near miss: it expired after the disclosure")
        c.consents[0].status = .superseded
        #expect(raised(c).isEmpty)
        c.consents[0].statusChangedAt = t("2026-02-01T10:00:00Z")
        #expect(raised(c) == ["consent-not-valid-at-disclosure@X2"], "superseded before it")
        c.consents[0].statusChangedAt = nil
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

    @Test("insecure-method: unencrypted email and voicemail; secure email, portal, and fax (allowed with checks, 001) are not")
    func insecure() {
        for m in [SharingMethod.unencryptedEmail, .voicemail] {
            var c = clean
            c.disclosures[1].method = m
            #expect(raised(c) == ["insecure-method@X2"])
        }
        for m in [SharingMethod.securePortal, .secureEmail, .fax] {
            var c = clean
            c.disclosures[1].method = m
            c.disclosures[1].recipientIdentityChecked = true
            #expect(raised(c).isEmpty, "\(m)")
        }
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

    @Test("recipient-identity-unchecked: fax (number, recipient waiting) and letter (address) need their checks too; secure email does not")
    func faxAndLetterChecks() {
        for m in [SharingMethod.fax, .letter] {
            var c = clean
            c.disclosures[1].method = m
            #expect(raised(c) == ["recipient-identity-unchecked@X2"], "\(m)")
            let message = engine.flags(for: c, on: Self.day).first { $0.rule == "recipient-identity-unchecked" }?.message ?? ""
            #expect(message.contains(m == .fax ? "fax number" : "address"), "the message names what to confirm")
            c.disclosures[1].recipientIdentityChecked = true
            #expect(raised(c).isEmpty, "the near miss: confirmed")
        }
        var c = clean
        c.disclosures[1].method = .secureEmail
        c.disclosures[1].recipientIdentityChecked = nil
        #expect(raised(c).isEmpty)
    }

    @Test("scheme-undertaking-missing: a CSOD disclosure without the undertaking, either direction",
          arguments: [Direction.outgoing, .incoming])
    func scheme(_ direction: Direction) {
        var c = clean
        c.disclosures[1].direction = direction
        let others = raised(c)
        c.disclosures[1].scheme = .csod
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

    @Test("scheme-undertaking-missing: the near miss, DVDS (either kind) asks no undertaking", arguments: [DisclosureScheme.dvdsRightToAsk, .dvdsRightToKnow])
    func dvdsNeedsNone(_ scheme: DisclosureScheme) {
        var c = clean
        c.disclosures[1].scheme = scheme
        #expect(raised(c).isEmpty)
    }

    @Test("concern-undecided: by default a child protection concern is due the day after it was recorded, not on the day itself")
    func concernUndecided() {
        var c = clean
        c.concerns.append(Concern(id: "K2", recorded: t("2026-03-01T23:30:00Z"), summary: "Bruise", category: .abuse,
                                  riskLevel: .suspected, childProtection: true))
        // 23:30 UTC on 1 March is 23:30 in London (GMT): the day it was recorded is 1 March.
        #expect(!raised(c, on: Day("2026-03-01")!).contains("concern-undecided@K2"), "the near miss: still the day it was recorded")
        #expect(raised(c, on: Day("2026-03-02")!).contains("concern-undecided@K2"))
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
        p.concernUndecidedDays = 2
        let e = FlagEngine(policy: p, guidance: Fixtures.guidance)
        #expect(!e.flags(for: c, on: Day("2026-03-03")!).contains { $0.rule == "concern-undecided" })
        #expect(e.flags(for: c, on: Day("2026-03-04")!).contains { $0.rule == "concern-undecided" })
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

    @Test("consent-relied-on-in-child-protection: consent as the basis with child protection or any risk of harm, established or suspected; a wellbeing need is the near miss")
    func consentInCP() {
        var c = clean
        c.decisions[1].lawfulBasis = .consent
        #expect(raised(c) == ["consent-relied-on-in-child-protection@D2"])
        c.concerns[0].childProtection = false
        c.concerns[0].riskLevel = .suspected
        #expect(raised(c) == ["consent-relied-on-in-child-protection@D2"], "a suspected risk is enough: no threshold (000 golden rule 3)")
        c.concerns[0].riskLevel = .established
        #expect(raised(c) == ["consent-relied-on-in-child-protection@D2"])
        c.concerns[0].riskLevel = .wellbeing
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

    @Test("decision-recipient-missing: an outcome naming no recipient, with no disclosure naming one; either names it")
    func decisionRecipient() {
        var c = clean
        c.decisions[1].outcome = .doNotShare
        c.disclosures.removeAll { $0.decisionId == "D2" }
        #expect(raised(c) == ["decision-recipient-missing@D2"], "a decision not to share says with whom it was not shared (000)")
        c.decisions[1].proposedRecipient = Party(name: " ", role: "", agency: nil)
        #expect(raised(c) == ["decision-recipient-missing@D2"], "blank parts name no one")
        c.decisions[1].proposedRecipient = Party(agency: "School health")
        #expect(raised(c).isEmpty)
        var d = clean
        d.decisions[1].proposedRecipient = nil
        #expect(raised(d).isEmpty, "the near miss: its disclosure X2 names the recipient")
        d.disclosures[1].to = Party(name: "  ")
        #expect(raised(d).contains("decision-recipient-missing@D2"))
        d.decisions[1].outcome = nil
        #expect(!raised(d).contains("decision-recipient-missing@D2"), "an unfinished decision is incomplete, not missing its recipient")
    }

    @Test("disclosure-consent-status-missing: an outgoing disclosure that does not say whether there was consent")
    func consentStatusMissing() {
        var c = clean
        c.disclosures[1].consentStatus = nil
        #expect(raised(c).contains("disclosure-consent-status-missing@X2"))
        c.disclosures[1].consentStatus = .withConsent
        #expect(raised(c).isEmpty)
    }

    @Test("special-category-unanswered: a decision to share identifying information that leaves the question open")
    func specialCategoryUnanswered() {
        var c = clean
        c.decisions[1].specialCategory = nil
        #expect(raised(c) == ["special-category-unanswered@D2"])
        c.decisions[1].specialCategory = false
        #expect(raised(c).isEmpty, "answered no")
        c.decisions[1].specialCategory = nil
        c.decisions[1].identifiesIndividual = false
        #expect(raised(c).isEmpty, "the near miss: identifies no one")
        c.decisions[1].identifiesIndividual = true
        c.decisions[1].outcome = .doNotShare
        #expect(raised(c).isEmpty, "not shared")
    }

    @Test("public-interest-missing: confidential information shared without consent and no weighing; with consent, or the weighing written, it is not")
    func publicInterest() {
        var c = clean
        c.decisions[0].confidential = true
        c.decisions[0].publicInterest = nil
        #expect(raised(c) == ["public-interest-missing@D1"])
        c.decisions[0].consentPosition?.kind = .refused
        #expect(raised(c) == ["public-interest-missing@D1"])
        c.decisions[0].publicInterest = "Harm if not shared: hunger continues; if shared: family upset, managed by telling them"
        #expect(raised(c).isEmpty)
        var d = clean
        d.decisions[1].confidential = true
        #expect(raised(d).isEmpty, "the near miss: confidential but shared with consent")
        d.decisions[1].confidential = false
        d.decisions[1].consentPosition = ConsentPosition(kind: .notSought, reason: .riskToChild)
        #expect(!raised(d).contains("public-interest-missing@D2"), "not given in confidence")
    }

    @Test("competence-not-established: a child under 16 concluded not competent, or with a criterion answered no and no conclusion")
    func competenceNotEstablished() {
        var c = clean
        c.consents[0].givenBy = .child
        c.consents[0].competence = CompetenceAssessment(understandsQuestion: true, understandsImplications: true, weighsAlternatives: true,
                                                        ownView: true, consistent: true, assessedBy: "ahmed.k", assessedAt: t("2026-02-03T09:00:00Z"),
                                                        weighsAspects: true, conclusion: .notCompetent)
        #expect(raised(c) == ["competence-not-established@CN1"])
        c.consents[0].competence?.conclusion = nil
        #expect(raised(c).isEmpty, "six yeses and no conclusion")
        c.consents[0].competence?.weighsAspects = false
        #expect(raised(c) == ["competence-not-established@CN1"], "the sixth question answered no")
        c.consents[0].competence?.weighsAspects = nil
        c.consents[0].competence?.consistent = false
        #expect(raised(c) == ["competence-not-established@CN1"])
        c.consents[0].competence?.conclusion = .competent
        #expect(raised(c).isEmpty, "the practitioner concluded competent")
        c.consents[0].competence?.conclusion = .notCompetent
        c.consents[0].decision = .refused
        #expect(!raised(c).contains("competence-not-established@CN1"), "the near miss: a refusal, not consent relied on")
        c.consents[0].decision = .given
        c.consents[0].givenAt = t("2027-09-14T09:00:00Z")
        c.disclosures[1].when = t("2027-09-15T09:00:00Z")
        #expect(!raised(c).contains("competence-not-established@CN1"), "16 on that day: the competence test does not apply")
    }

    @Test("restriction-breached: shared with someone an earlier incoming restriction excludes; received after, or another recipient, is not")
    func restrictionBreached() {
        var c = clean
        c.disclosures.append(Disclosure(id: "X3", direction: .incoming, when: t("2026-02-04T10:00:00Z"), by: "ahmed.k",
                                        from: Party(role: "Head of year", agency: "Northfield School"), method: .meeting,
                                        items: [SharedItem(text: "Housing situation", kind: .fact)], consentStatus: .notSought,
                                        restrictions: [" school HEALTH "]))
        #expect(raised(c) == ["restriction-breached@X2"], "received at the same instant the disclosure was made; matching ignores case and spaces")
        c.disclosures[2].when = t("2026-02-04T10:00:01Z")
        #expect(raised(c).isEmpty, "the near miss: the restriction arrived after the disclosure")
        c.disclosures[2].when = t("2026-02-01T10:00:00Z")
        c.disclosures[2].restrictions = ["Housing"]
        #expect(raised(c).isEmpty, "the restriction names someone else")
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
        c.disclosures[1].method = .voicemail
        c.decisions[1].rationale = nil
        c.reviews = [
            Review(id: "R1", by: "mia", at: t("2026-03-05T09:00:00Z"), target: ReviewTarget(rule: "insecure-method", record: "X2"), action: .accepted, note: "Only a call-back request was left"),
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

@Suite("A rule's message")
struct RuleMessageTests {
    @Test("the record and detail go in wherever the guidance's words name them; other braces stay")
    func fill() {
        #expect(FlagEngine.fill("Decision {record} needs {detail}; see {record}.", record: "D1", detail: "a reason")
                == "Decision D1 needs a reason; see D1.")
        #expect(FlagEngine.fill("No placeholders", record: "D1", detail: "x") == "No placeholders")
        #expect(FlagEngine.fill("{ {rec} {record}{detail}}", record: "D1", detail: "—é") == "{ {rec} D1—é}")
        #expect(FlagEngine.fill("{record", record: "D1", detail: "") == "{record")
        // Text around the names, in any script, passes through whole.
        #expect(FlagEngine.fill("Décision {record} — {detail} 👍🏽", record: "D1", detail: "né") == "Décision D1 — né 👍🏽")
        #expect(FlagEngine.fill("{{record}}{detail", record: "D1", detail: "x") == "{D1}{detail")
    }
}

@Suite("Flags on the spec's examples")
struct ExampleFlagTests {
    let engine = FlagEngine(policy: Fixtures.defaultPolicy, guidance: Fixtures.guidance)

    static func expected(_ dir: String) throws -> [String: Set<String>] { try ExpectedFlags.read(dir) }

    func raised(_ dir: String, _ name: String) throws -> Set<String> {
        let data = try Data(contentsOf: Repository.fixtures.appendingPathComponent("\(dir)/\(name).json"))
        return Set(engine.flags(for: try CaseFileCodec.decode(data), on: Day("2026-03-10")!).map { "\($0.rule)@\($0.recordId)" })
    }

    @Test("each version 2 example raises exactly the flags its README lists, on 2026-03-10")
    func exact() throws {
        let expected = try Self.expected("cases-v2")
        #expect(expected.keys.sorted() == ["gaps", "gaps-v1", "recorded-well"])
        #expect(expected["gaps"]?.count == 15 && expected["gaps-v1"]?.count == 13 && expected["recorded-well"] == [])
        for (name, want) in expected {
            #expect(try raised("cases-v2", name) == want, "\(name)")
        }
    }

    @Test("the version 1 spec's examples, kept as stored version 1 cases, raise under the version 2 rules what their README says")
    func version1Examples() throws {
        let expected = try Self.expected("cases")
        #expect(expected.keys.sorted() == ["gaps", "recorded-well"])
        for (name, want) in expected {
            #expect(try raised("cases", name) == want, "\(name)")
        }
    }
}

@Suite("Guidance and policy as data")
struct GuidanceTests {
    /// The five seeds (shared/seeds/README.md), by the number the guidance text cites them with.
    static let seeds = ["000": "000_bc03f247fce50c6c.txt", "001": "001_06f42fd7cb307365.txt", "002": "002_5cd3baec19738ee1.txt",
                        "003": "003_29ee3bf7d1d88124.txt", "004": "004_b694f98213b47857.txt"]

    /// The three-digit document numbers a source cites.
    static func cited(_ source: String) -> [String] {
        // Runs of exactly three digits not following a '.' (so "s.115" of an Act is not a document).
        let chars = Array(source)
        var out: [String] = [], i = 0
        while i < chars.count {
            guard chars[i].isNumber else { i += 1; continue }
            var j = i
            while j < chars.count && chars[j].isNumber { j += 1 }
            if j - i == 3 && (i == 0 || chars[i - 1] != ".") { out.append(String(chars[i..<j])) }
            i = j
        }
        return out
    }

    @Test("every rule's, step's, prompt's and myth's source cites a seed that exists, and only seeds that exist")
    func sourcesNameSeeds() throws {
        let g = Fixtures.guidance
        var sources: [(String, String)] = g.rules.values.flatMap { [("rule \($0.id) source", $0.source), ("rule \($0.id) reference", $0.reference)] }
        sources += g.steps.map { ("step \($0.id)", $0.source) }
        sources += g.prompts.values.map { ("prompt \($0.id)", $0.source) } + g.myths.map { ("myth \($0.id)", $0.source) }
        #expect(sources.count >= 37 * 2 + 11 + 3 + 4)
        for (what, source) in sources {
            let numbers = Self.cited(source)
            #expect(!numbers.isEmpty, "\(what) cites no seed: \(source)")
            for n in numbers { #expect(Self.seeds[n] != nil, "\(what) cites \(n), which is not a seed") }
        }
        // Where the seeds are beside the repository (the project's shared folder), the files cited are there.
        let folder = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/seeds")
        if FileManager.default.fileExists(atPath: folder.path) {
            for file in Self.seeds.values { #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)") }
        }
        #expect(g.prompts.keys.sorted() == ["childs-words", "pre-birth", "pre-birth-due"])
        #expect(g.myths.count >= 4)
    }

    @Test("the golden rules keep the seeds' meaning: 2024 rule 3 needs no threshold, 2018 rule 4 shares with consent only where possible")
    func goldenRulesMeaning() throws {
        struct File: Decodable {
            struct Set: Decodable { var source: String; var rules: [GoldenRule] }
            var current: String; var sets: [String: Set]
        }
        let f = try JSONDecoder().decode(File.self, from: Fixtures.resource("guidance/golden-rules.json"))
        #expect(f.current == "2024")
        let now = try #require(f.sets["2024"]), then = try #require(f.sets["2018"])
        #expect(now.rules.count == 7 && then.rules.count == 7)
        #expect(Self.cited(now.source) == ["000"] && Set(Self.cited(then.source)) == ["001", "004"])
        let rule3 = now.rules[2].summary.lowercased()
        #expect(rule3.contains("consent is not needed") && rule3.contains("may be at risk"), "000: at risk, or may be at risk, of harm; no threshold")
        let rule4 = then.rules[3].summary.lowercased()
        #expect(rule4.contains("where possible") && rule4.contains("without consent"), "001, 004: with consent where possible")
        #expect(now.rules[6].summary.lowercased().contains("whether you share or not"))
    }

    @Test("every rule in code has its text in Resources, and every text a rule in code")
    func rulesMatchResources() {
        #expect(Set(Rules.ids) == Set(Fixtures.guidance.rules.keys))
        #expect(Rules.ids.count == Fixtures.guidance.rules.count)
        #expect(Set(Fixtures.defaultPolicy.rules.keys) == Set(Rules.ids))
        for text in Fixtures.guidance.rules.values {
            #expect(!text.title.isEmpty && text.message.contains("{record}") && !text.source.isEmpty && !text.reference.isEmpty, "\(text.id)")
        }
    }

    @Test("the default policy has exactly the spec's 37 ids and severities, all on, concerns due the next day, public sector")
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
            "decision-recipient-missing": .missing, "disclosure-consent-status-missing": .missing,
            "lawful-basis-contradicts-consent": .missing, "special-category-unanswered": .check, "public-interest-missing": .missing,
            "competence-not-established": .check, "capacity-best-interests-missing": .missing, "restriction-breached": .check,
        ]
        let p = Fixtures.defaultPolicy
        #expect(p.rules.mapValues(\.severity) == spec)
        #expect(p.rules.values.allSatisfy { $0.enabled })
        #expect(spec.count == 37 && Rules.ids.count == 37)
        #expect(p.concernUndecidedDays == 0 && p.organisationSector == .public && !p.adviceInReviewQueue && p.draftKeepDays == 30)
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

    @Test("a field counts as not written exactly when every character is white space (Unicode's), ASCII or not", arguments: [
        "", " ", "\t\n\r\u{0B}\u{0C}", "\r\n", " x ", "x", "\u{A0}", " \u{2003}\u{3000}", "\u{200B}", " \u{301}", "a\u{301}",
        "\u{1C}", "\u{85}", "  é", "\u{2028}\u{2029}", " \u{0}", "reasons given",
    ])
    func blank(text: String) {
        #expect(text.isBlank == text.allSatisfy(\.isWhitespace))
    }

    @Test("a recipient matches a consent's or a restriction's entry ignoring case and surrounding spaces, as flags.md says, in any script",
          arguments: [("Police", " police\t"), ("POLICE", "Police "), ("Police", "Polic"), ("", " "), ("  ", ""), ("GP", "G P"),
                      ("École", "école"), ("ÉCOLE", "ecole"), ("e\u{301}cole", "École"), ("STRASSE", "straße"), ("Straße", "STRASSE"),
                      ("\u{A0}police", "Police"), ("police\u{2003}", "POLICE"), ("Health visitor", "health  visitor"), ("a\u{0}", "A\u{0}")])
    func sameName(a: String, b: String) {
        let norm = { (s: String) in s.trimmingCharacters(in: .whitespaces).lowercased() }
        #expect(Rules.sameName(a, b) == (norm(a) == norm(b)))
        #expect(Rules.sameName(b, a) == (norm(a) == norm(b)))
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
        ("{\"timeZone\": \"Mars/Olympus\"}", "timeZone: unknown time zone \"Mars/Olympus\""),
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
