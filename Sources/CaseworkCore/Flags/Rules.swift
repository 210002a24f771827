/// Every rule of `shared/spec/flags.md`, as pure functions of a case (and, for
/// `concern-undecided`, the policy's number of days). Rules judge records on
/// the date that matters to them (the consent's date, the disclosure's time);
/// the two time-based rules say from which day they fall due instead of
/// reading a clock.
public enum Rules {
    public typealias Check = @Sendable (Case, Policy) -> [Finding]

    /// Rule id and its check, in the order of the spec's table.
    public static let all: [(id: String, check: Check)] = [
        ("rationale-missing", rationaleMissing),
        ("decision-incomplete", decisionIncomplete),
        ("disclosure-without-decision", disclosureWithoutDecision),
        ("disclosure-fields-missing", disclosureFieldsMissing),
        ("no-consent-reasons-missing", noConsentReasonsMissing),
        ("lawful-basis-missing", lawfulBasisMissing),
        ("recipient-not-advised", recipientNotAdvised),
        ("special-category-condition-missing", specialCategoryConditionMissing),
        ("family-not-informed-reason-missing", familyNotInformedReasonMissing),
        ("advice-outcome-missing", adviceOutcomeMissing),
        ("incoming-fields-missing", incomingFieldsMissing),
        ("consent-competence-missing", consentCompetenceMissing),
        ("consent-not-informed", consentNotInformed),
        ("consent-implied", consentImplied),
        ("consent-verbal-unexplained", consentVerbalUnexplained),
        ("consent-no-parental-responsibility", consentNoParentalResponsibility),
        ("consent-parent-for-16-plus", consentParentFor16Plus),
        ("consent-under-care-order", consentUnderCareOrder),
        ("consent-not-valid-at-disclosure", consentNotValidAtDisclosure),
        ("consent-out-of-scope", consentOutOfScope),
        ("consent-previous-episode", consentPreviousEpisode),
        ("insecure-method", insecureMethod),
        ("recipient-identity-unchecked", recipientIdentityUnchecked),
        ("scheme-undertaking-missing", schemeUndertakingMissing),
        ("concern-undecided", concernUndecided),
        ("retention-review-missing", retentionReviewMissing),
        ("consent-relied-on-in-child-protection", consentReliedOnInChildProtection),
        ("fact-opinion-unmarked", factOpinionUnmarked),
        ("whole-file-shared", wholeFileShared),
    ]

    public static var ids: [String] { all.map(\.id) }

    static func outgoing(_ c: Case) -> [Disclosure] { c.disclosures.filter { $0.direction == .outgoing } }
    static func withoutConsent(_ x: Disclosure) -> Bool { x.consentStatus?.isWithoutConsent == true }

    // MARK: Decisions

    static func rationaleMissing(_ c: Case, _: Policy) -> [Finding] {
        c.decisions.filter { $0.outcome != nil && $0.rationale.isBlank }.map { Finding($0.id, field: .rationale) }
    }

    static func decisionIncomplete(_ c: Case, _: Policy) -> [Finding] {
        c.decisions.filter { $0.outcome == nil }.map { Finding($0.id, field: .outcome) }
    }

    static func specialCategoryConditionMissing(_ c: Case, _: Policy) -> [Finding] {
        c.decisions.filter { $0.specialCategory == true && $0.specialCategoryCondition.isBlank }
            .map { Finding($0.id, field: .specialCategoryCondition) }
    }

    static func familyNotInformedReasonMissing(_ c: Case, _: Policy) -> [Finding] {
        c.decisions.filter { $0.familyInformed == .no && $0.notInformedReason.isBlank }
            .map { Finding($0.id, field: .notInformedReason) }
    }

    static func adviceOutcomeMissing(_ c: Case, _: Policy) -> [Finding] {
        c.decisions.compactMap { d in
            let open = d.advice.filter { $0.outcome.isBlank }
            guard !open.isEmpty else { return nil }
            return Finding(d.id, field: .advice, detail: open.count == 1 ? "1 entry" : "\(open.count) entries")
        }
    }

    static func consentReliedOnInChildProtection(_ c: Case, _: Policy) -> [Finding] {
        c.decisions.filter { d in
            d.lawfulBasis == .consent && d.concernId.flatMap { c.concern($0) }?.childProtection == true
        }.map { Finding($0.id, field: .lawfulBasis) }
    }

    /// Decisions to share that do not rest on consent, and outgoing disclosures
    /// made without it, must name a lawful basis.
    static func lawfulBasisMissing(_ c: Case, _: Policy) -> [Finding] {
        let decisions = c.decisions.filter { d in
            guard let o = d.outcome, o.isShare, d.lawfulBasis == nil else { return false }
            let kind = d.consentPosition?.kind
            return kind != .have && kind != .notNeeded
        }.map { Finding($0.id, field: .lawfulBasis, detail: "decision") }
        let disclosures = outgoing(c).filter { withoutConsent($0) && $0.lawfulBasis == nil }
            .map { Finding($0.id, field: .lawfulBasis, detail: "disclosure") }
        return decisions + disclosures
    }

    // MARK: Outgoing disclosures

    static func disclosureWithoutDecision(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).filter { $0.decisionId == nil }.map { Finding($0.id, field: .decisionId) }
    }

    static func disclosureFieldsMissing(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).compactMap { x in
            var missing: [String] = []
            if x.when == nil { missing.append("when") }
            if x.by.isBlank { missing.append("by whom") }
            if x.to?.isEmpty ?? true { missing.append("to whom") }
            if x.method == nil { missing.append("how (method)") }
            if x.items.isEmpty || x.items.allSatisfy({ $0.text.isBlank }) { missing.append("what") }
            guard let first = missing.first else { return nil }
            let field: [String: RecordField] = ["when": .when, "by whom": .by, "to whom": .to, "how (method)": .method, "what": .items]
            return Finding(x.id, field: field[first], detail: list(missing))
        }
    }

    static func noConsentReasonsMissing(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).filter { withoutConsent($0) && $0.reasons.isBlank }
            .map { Finding($0.id, field: .reasons, detail: $0.consentStatus == .refused ? "consent refused" : "consent not sought") }
    }

    static func recipientNotAdvised(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).filter { withoutConsent($0) && $0.recipientAdvisedNoConsent != true }
            .map { Finding($0.id, field: .recipientAdvisedNoConsent, detail: $0.consentStatus == .refused ? "refused" : "not sought") }
    }

    static func insecureMethod(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).compactMap { x in
            guard let m = x.method, m.isInsecure else { return nil }
            return Finding(x.id, field: .method, detail: m.label)
        }
    }

    static func recipientIdentityUnchecked(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).filter { $0.method == .phone && $0.recipientIdentityChecked != true }
            .map { Finding($0.id, field: .recipientIdentityChecked) }
    }

    static func factOpinionUnmarked(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).compactMap { x in
            let n = x.items.filter { $0.kind == nil }.count
            return n == 0 ? nil : Finding(x.id, field: .items, detail: n == 1 ? "1 item" : "\(n) items")
        }
    }

    static func wholeFileShared(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).filter { $0.wholeFile == true }.map { Finding($0.id, field: .wholeFile) }
    }

    static func schemeUndertakingMissing(_ c: Case, _: Policy) -> [Finding] {
        c.disclosures.filter { $0.scheme.needsUndertaking && $0.undertakingSigned != true }.map { x in
            let name = ["dvds-right-to-ask": "the DVDS (right to ask)", "dvds-right-to-know": "the DVDS (right to know)",
                        "csod": "the Child Sex Offender Disclosure Scheme"][x.scheme.rawValue] ?? x.scheme.rawValue
            return Finding(x.id, field: .undertakingSigned, detail: name)
        }
    }

    // MARK: Consent relied on by an outgoing disclosure

    /// The consent an outgoing disclosure relies on: its own, or, when it says
    /// it was made with consent, the one its decision names.
    public static func reliedOnConsent(_ x: Disclosure, in c: Case) -> Consent? {
        if let id = x.consentId { return c.consent(id) }
        guard x.consentStatus == .withConsent, let d = x.decisionId.flatMap({ c.decision($0) }),
              d.consentPosition?.kind == .have, let id = d.consentPosition?.consentId else { return nil }
        return c.consent(id)
    }

    static func consentNotValidAtDisclosure(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).compactMap { x in
            guard let k = reliedOnConsent(x, in: c) else { return nil }
            var why: String?
            if k.decision == .refused { why = "was refused" }
            else if k.status == .expired { why = "had expired" }
            else if k.status == .superseded { why = "had been superseded" }
            else if k.status == .withdrawn, k.withdrawnAt.map({ w in x.when.map { w <= $0 } ?? true }) ?? true {
                why = "had been withdrawn"
            } else if let when = x.when {
                if k.givenAt > when { why = "was only given after it" }
                else if let review = k.reviewBy, review < when.localDay { why = "was past its review date (\(review))" }
            }
            return why.map { Finding(x.id, field: .consentId, detail: "\(k.id), which \($0) at the time") }
        }
    }

    /// Matching per flags.md: any of the recipient's agency, role or name equal
    /// (ignoring case and surrounding spaces) to an entry of the list.
    public static func matches(_ party: Party?, _ list: [String]) -> Bool {
        let norm = { (s: String) in s.trimmingCharacters(in: .whitespaces).lowercased() }
        let wanted = Set(list.map(norm))
        return (party?.names ?? []).contains { wanted.contains(norm($0)) }
    }

    static func consentOutOfScope(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).compactMap { x in
            guard let k = reliedOnConsent(x, in: c) else { return nil }
            if matches(x.to, k.scope.restrictions) {
                return Finding(x.id, field: .to, detail: "\(k.id), which names this recipient among those who must not receive it")
            }
            if !matches(x.to, k.scope.recipients) {
                return Finding(x.id, field: .to, detail: "\(k.id), which does not cover this recipient")
            }
            return nil
        }
    }

    static func consentPreviousEpisode(_ c: Case, _: Policy) -> [Finding] {
        outgoing(c).compactMap { x in
            guard let k = reliedOnConsent(x, in: c), let d = x.decisionId.flatMap({ c.decision($0) }),
                  k.episodeId != d.episodeId,
                  let ke = c.episode(k.episodeId), let de = c.episode(d.episodeId), ke.started < de.started
            else { return nil }
            return Finding(x.id, field: .consentId, detail: "\(k.id) (episode \(ke.id))")
        }
    }

    // MARK: Consent forms

    static func consentCompetenceMissing(_ c: Case, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard k.givenBy == .child, k.competence == nil, let age = c.childAge(on: k.givenAt.localDay), age < 16 else { return nil }
            return Finding(k.id, field: .competence, detail: "age \(age)")
        }
    }

    static func consentNotInformed(_ c: Case, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            let i = k.informed
            let missing = [("what would be shared", i.whatShared), ("why", i.why), ("with whom", i.withWhom),
                           ("the implications", i.implications)].filter { $0.1.isBlank }.map(\.0)
            return missing.isEmpty ? nil : Finding(k.id, field: .informed, detail: list(missing))
        }
    }

    static func consentImplied(_ c: Case, _: Policy) -> [Finding] {
        c.consents.filter { $0.form == .implied }.map { Finding($0.id, field: .form) }
    }

    static func consentVerbalUnexplained(_ c: Case, _: Policy) -> [Finding] {
        c.consents.filter { $0.form == .verbal && $0.whyNotWritten.isBlank }.map { Finding($0.id, field: .whyNotWritten) }
    }

    static func consentNoParentalResponsibility(_ c: Case, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard let pid = k.givenBy.personId, let p = c.person(pid), p.parentalResponsibility != .yes else { return nil }
            return Finding(k.id, field: .givenBy, detail: p.id)
        }
    }

    static func consentParentFor16Plus(_ c: Case, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard let pid = k.givenBy.personId, let age = c.childAge(on: k.givenAt.localDay), age >= 16 else { return nil }
            return Finding(k.id, field: .givenBy, detail: pid)
        }
    }

    static func consentUnderCareOrder(_ c: Case, _: Policy) -> [Finding] {
        guard c.careOrder else { return [] }
        return c.consents.compactMap { k in k.givenBy.personId.map { Finding(k.id, field: .givenBy, detail: $0) } }
    }

    // MARK: Incoming

    static func incomingFieldsMissing(_ c: Case, _: Policy) -> [Finding] {
        c.disclosures.filter { $0.direction == .incoming }.compactMap { x in
            var missing: [String] = []
            if x.from?.isEmpty ?? true { missing.append("who provided it") }
            if x.items.isEmpty || x.items.allSatisfy({ $0.text.isBlank }) { missing.append("what was received") }
            if x.consentStatus == nil { missing.append("whether it came with consent") }
            guard !missing.isEmpty else { return nil }
            let field: RecordField = x.from?.isEmpty ?? true ? .from : (x.consentStatus == nil && !x.items.isEmpty ? .consentStatus : .items)
            return Finding(x.id, field: field, detail: list(missing))
        }
    }

    // MARK: Time-based

    /// A child protection concern more than N days old with no decision that
    /// has an outcome: due from the day it becomes N + 1 days old.
    static func concernUndecided(_ c: Case, _ p: Policy) -> [Finding] {
        c.concerns.compactMap { k in
            guard k.childProtection, !c.decisions.contains(where: { $0.concernId == k.id && $0.outcome != nil }) else { return nil }
            return Finding(k.id, field: .decision, detail: String(p.concernUndecidedDays),
                           dueFrom: k.recorded.localDay.adding(days: p.concernUndecidedDays + 1))
        }
    }

    /// A closed case needs a retention review date that has not passed.
    static func retentionReviewMissing(_ c: Case, _: Policy) -> [Finding] {
        guard c.closed != nil else { return [] }
        guard let review = c.retentionReviewBy else {
            return [Finding(c.id, field: .retentionReviewBy, detail: "has no retention review date")]
        }
        return [Finding(c.id, field: .retentionReviewBy, detail: "its retention review date (\(review)) has passed",
                        dueFrom: review.adding(days: 1))]
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " or " + items.last!
        }
    }
}
