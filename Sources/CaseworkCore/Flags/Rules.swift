import TerminalKit

/// Every rule of `shared/spec/flags.md`, as pure functions of a case (and, for
/// `concern-undecided`, the policy's number of days). Rules judge records on
/// the date that matters to them (the consent's date, the disclosure's time);
/// the two time-based rules say from which day they fall due instead of
/// reading a clock.
public enum Rules {
    public typealias Check = @Sendable (Subject, Policy) -> [Finding]

    /// The version of `flags.md` these rules implement. A store whose flags
    /// were computed by an older version recomputes them (a guidance change).
    public static let version = 2

    /// Rule id and its check, in the order of the spec's table.
    public static let all: [(id: String, check: Check)] = [
        ("rationale-missing", rationaleMissing),
        ("decision-incomplete", decisionIncomplete),
        ("decision-recipient-missing", decisionRecipientMissing),
        ("disclosure-without-decision", disclosureWithoutDecision),
        ("disclosure-fields-missing", disclosureFieldsMissing),
        ("disclosure-consent-status-missing", disclosureConsentStatusMissing),
        ("no-consent-reasons-missing", noConsentReasonsMissing),
        ("lawful-basis-missing", lawfulBasisMissing),
        ("lawful-basis-contradicts-consent", lawfulBasisContradictsConsent),
        ("recipient-not-advised", recipientNotAdvised),
        ("special-category-condition-missing", specialCategoryConditionMissing),
        ("special-category-unanswered", specialCategoryUnanswered),
        ("public-interest-missing", publicInterestMissing),
        ("family-not-informed-reason-missing", familyNotInformedReasonMissing),
        ("advice-outcome-missing", adviceOutcomeMissing),
        ("incoming-fields-missing", incomingFieldsMissing),
        ("consent-competence-missing", consentCompetenceMissing),
        ("competence-not-established", competenceNotEstablished),
        ("consent-not-informed", consentNotInformed),
        ("consent-implied", consentImplied),
        ("consent-verbal-unexplained", consentVerbalUnexplained),
        ("consent-no-parental-responsibility", consentNoParentalResponsibility),
        ("consent-parent-for-16-plus", consentParentFor16Plus),
        ("capacity-best-interests-missing", capacityBestInterestsMissing),
        ("consent-under-care-order", consentUnderCareOrder),
        ("consent-not-valid-at-disclosure", consentNotValidAtDisclosure),
        ("consent-out-of-scope", consentOutOfScope),
        ("consent-previous-episode", consentPreviousEpisode),
        ("restriction-breached", restrictionBreached),
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

    /// A case as the rules read it, with its outgoing disclosures picked out once: a third of the
    /// rules read only those, and picking them out in each rule copied every disclosure again.
    /// A class, so that handing it to each of 37 rules passes a reference: as a struct it was
    /// copied byte by byte into each call (a tenth of a recompute).
    public final class Subject: Sendable {
        public let `case`: Case
        public let outgoing: [Disclosure]
        /// Information received with restrictions on passing it on: what `restriction-breached`
        /// checks each outgoing disclosure against (most cases have none).
        let restricting: [Disclosure]

        public init(_ c: Case) {
            self.case = c
            outgoing = c.disclosures.filter { $0.direction == .outgoing }
            restricting = c.disclosures.filter { $0.direction == .incoming && !$0.restrictions.isEmpty }
        }

        var id: String { `case`.id }
        var closed: Day? { `case`.closed }
        var retentionReviewBy: Day? { `case`.retentionReviewBy }
        var careOrder: Bool { `case`.careOrder }
        var careOrderFrom: Day? { `case`.careOrderFrom }
        var concerns: [Concern] { `case`.concerns }
        var consents: [Consent] { `case`.consents }
        var decisions: [SharingDecision] { `case`.decisions }
        var disclosures: [Disclosure] { `case`.disclosures }
        func childAge(on day: Day) -> Int? { `case`.childAge(on: day) }
        func person(_ id: String) -> Person? { `case`.person(id) }
        func episode(_ id: String) -> Episode? { `case`.episode(id) }
        func concern(_ id: String) -> Concern? { `case`.concern(id) }
        func consent(_ id: String) -> Consent? { `case`.consent(id) }
        func decision(_ id: String) -> SharingDecision? { `case`.decision(id) }
    }

    static func withoutConsent(_ x: Disclosure) -> Bool { x.consentStatus?.isWithoutConsent == true }

    // MARK: Decisions

    static func rationaleMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { $0.outcome != nil && $0.rationale.isBlank }.map { Finding($0.id, field: .rationale) }
    }

    static func decisionIncomplete(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { $0.outcome == nil }.map { Finding($0.id, field: .outcome) }
    }

    static func specialCategoryConditionMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { $0.specialCategory == true && $0.specialCategoryCondition.isBlank }
            .map { Finding($0.id, field: .specialCategoryCondition) }
    }

    /// A decision to share that may identify someone (`identifiesIndividual` not `false`).
    static func sharesIdentifying(_ d: SharingDecision) -> Bool {
        d.outcome?.isShare == true && d.identifiesIndividual != false
    }

    /// Consent refused or not sought: the decision does not rest on anyone's agreement.
    static func withoutConsent(_ d: SharingDecision) -> Bool {
        d.consentPosition?.kind == .refused || d.consentPosition?.kind == .notSought
    }

    static func decisionRecipientMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { d in
            d.outcome != nil && (d.proposedRecipient?.isEmpty ?? true)
                && !c.outgoing.contains { $0.decisionId == d.id && !($0.to?.isEmpty ?? true) }
        }.map { Finding($0.id, field: .proposedRecipient, detail: $0.outcome == .doNotShare ? "was not shared" : "is shared") }
    }

    static func specialCategoryUnanswered(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { sharesIdentifying($0) && $0.specialCategory == nil }.map { Finding($0.id, field: .specialCategory) }
    }

    static func publicInterestMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { d in
            d.outcome?.isShare == true && d.confidential == true && withoutConsent(d) && d.publicInterest.isBlank
        }.map { Finding($0.id, field: .publicInterest, detail: $0.consentPosition?.kind == .refused ? "consent was refused" : "consent was not sought") }
    }

    static func familyNotInformedReasonMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { ($0.familyInformed == .no || $0.familyInformed == .later) && $0.notInformedReason.isBlank }
            .map { Finding($0.id, field: .notInformedReason, detail: $0.familyInformed == .later ? "only later" : "not") }
    }

    static func adviceOutcomeMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.compactMap { d in
            let open = d.advice.filter { $0.outcome.isBlank }
            guard !open.isEmpty else { return nil }
            return Finding(d.id, field: .advice, detail: open.count == 1 ? "1 entry" : "\(open.count) entries")
        }
    }

    /// Consent as the basis while the concern records a risk of harm (established or
    /// suspected) or child protection: consent is rarely the right basis then (000, 003).
    static func consentReliedOnInChildProtection(_ c: Subject, _: Policy) -> [Finding] {
        c.decisions.filter { d in
            d.lawfulBasis == .consent && d.concernId.flatMap { c.concern($0) }?.isRiskOfHarm == true
        }.map { Finding($0.id, field: .lawfulBasis) }
    }

    /// Every decision to share identifying information names its Art. 6 basis, consent
    /// or not (having consent does not choose the basis, 000); so does every outgoing
    /// disclosure made without consent.
    static func lawfulBasisMissing(_ c: Subject, _: Policy) -> [Finding] {
        let decisions = c.decisions.filter { sharesIdentifying($0) && $0.lawfulBasis == nil }
            .map { Finding($0.id, field: .lawfulBasis, detail: "decision") }
        let disclosures = c.outgoing.filter { withoutConsent($0) && $0.lawfulBasis == nil }
            .map { Finding($0.id, field: .lawfulBasis, detail: "disclosure") }
        return decisions + disclosures
    }

    /// Consent named as the basis where there is no consent.
    static func lawfulBasisContradictsConsent(_ c: Subject, _: Policy) -> [Finding] {
        let decisions = c.decisions.filter { withoutConsent($0) && $0.lawfulBasis == .consent }
            .map { Finding($0.id, field: .lawfulBasis, detail: $0.consentPosition?.kind == .refused ? "was refused" : "was not sought") }
        let disclosures = c.outgoing.filter { withoutConsent($0) && $0.lawfulBasis == .consent }
            .map { Finding($0.id, field: .lawfulBasis, detail: $0.consentStatus == .refused ? "was refused" : "was not sought") }
        return decisions + disclosures
    }

    // MARK: Outgoing disclosures

    static func disclosureWithoutDecision(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.filter { $0.decisionId == nil }.map { Finding($0.id, field: .decisionId) }
    }

    static func disclosureFieldsMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
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

    static func disclosureConsentStatusMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.filter { $0.consentStatus == nil }.map { Finding($0.id, field: .consentStatus) }
    }

    static func noConsentReasonsMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.filter { withoutConsent($0) && $0.reasons.isBlank }
            .map { Finding($0.id, field: .reasons, detail: $0.consentStatus == .refused ? "consent refused" : "consent not sought") }
    }

    static func recipientNotAdvised(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.filter { withoutConsent($0) && $0.recipientAdvisedNoConsent != true }
            .map { Finding($0.id, field: .recipientAdvisedNoConsent, detail: $0.consentStatus == .refused ? "refused" : "not sought") }
    }

    static func insecureMethod(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
            guard let m = x.method, m.isInsecure else { return nil }
            return Finding(x.id, field: .method, detail: m.label)
        }
    }

    static func recipientIdentityUnchecked(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
            guard let m = x.method, let check = m.recipientCheck, x.recipientIdentityChecked != true else { return nil }
            return Finding(x.id, field: .recipientIdentityChecked, detail: check)
        }
    }

    /// An incoming disclosure received at or before this one whose restrictions name its recipient (002).
    static func restrictionBreached(_ c: Subject, _: Policy) -> [Finding] {
        guard !c.restricting.isEmpty else { return [] }
        return c.outgoing.compactMap { x in
            guard let when = x.when, let y = restriction(on: x.to, among: c.restricting, receivedBy: when) else { return nil }
            return Finding(x.id, field: .to, detail: y.id)
        }
    }

    /// Information received on the case, by `when` if given, whose restrictions name `party` (002).
    public static func restriction(on party: Party?, in c: Case, receivedBy when: Timestamp? = nil) -> Disclosure? {
        restriction(on: party, among: c.disclosures, receivedBy: when)
    }

    static func restriction(on party: Party?, among disclosures: [Disclosure], receivedBy when: Timestamp?) -> Disclosure? {
        disclosures.first { y in
            y.direction == .incoming && (when.map { w in y.when.map { $0 <= w } == true } ?? true) && matches(party, y.restrictions)
        }
    }

    static func factOpinionUnmarked(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
            let n = x.items.filter { $0.kind == nil }.count
            return n == 0 ? nil : Finding(x.id, field: .items, detail: n == 1 ? "1 item" : "\(n) items")
        }
    }

    static func wholeFileShared(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.filter { $0.wholeFile == true }.map { Finding($0.id, field: .wholeFile) }
    }

    static func schemeUndertakingMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.disclosures.filter { $0.scheme.needsUndertaking && $0.undertakingSigned != true }
            .map { Finding($0.id, field: .undertakingSigned, detail: "the Child Sex Offender Disclosure Scheme") }
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

    static func consentNotValidAtDisclosure(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
            guard let k = reliedOnConsent(x, in: c.case) else { return nil }
            var why: String?
            if k.decision == .refused { why = "was refused" }
            else if k.status == .expired, changedBy(k, x) { why = "had expired" }
            else if k.status == .superseded, changedBy(k, x) { why = "had been superseded" }
            else if k.status == .withdrawn, k.withdrawnAt.map({ w in x.when.map { w <= $0 } ?? true }) ?? true {
                why = "had been withdrawn"
            } else if let when = x.when {
                if k.givenAt > when { why = "was only given after it" }
                else if let review = k.reviewBy, review < when.localDay { why = "was past its review date (\(review))" }
            }
            return why.map { Finding(x.id, field: .consentId, detail: "\(k.id), which \($0) at the time") }
        }
    }

    /// Whether a consent's expiry or supersession counts against a disclosure: it does
    /// unless its recorded time is after the disclosure's.
    static func changedBy(_ k: Consent, _ x: Disclosure) -> Bool {
        guard let changed = k.statusChangedAt, let when = x.when else { return true }
        return changed <= when
    }

    /// Matching per flags.md: any of the recipient's agency, role or name equal
    /// (ignoring case and surrounding spaces) to an entry of the list.
    public static func matches(_ party: Party?, _ list: [String]) -> Bool {
        guard let party, !list.isEmpty else { return false }
        return party.names.contains { name in list.contains { sameName(name, $0) } }
    }

    /// Two names equal ignoring case and surrounding spaces: ASCII compared byte by byte in place
    /// (nearly every name; a set of lower-cased copies per check was a twentieth of a recompute),
    /// other text lower-cased as Foundation does.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.everyByte({ $0 < 0x80 }), b.everyByte({ $0 < 0x80 }) else {
            let norm = { (s: String) in s.trimmingCharacters(in: .whitespaces).lowercased() }
            return norm(a) == norm(b)
        }
        func trimmed(_ s: String) -> Substring.UTF8View {
            var bytes = s[...].utf8
            while let c = bytes.first, c == 0x20 || c == 0x09 { bytes.removeFirst() }
            while let c = bytes.last, c == 0x20 || c == 0x09 { bytes.removeLast() }
            return bytes
        }
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        return trimmed(a).elementsEqual(trimmed(b)) { lower($0) == lower($1) }
    }

    static func consentOutOfScope(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
            guard let k = reliedOnConsent(x, in: c.case), let problem = scopeProblem(k, for: x.to) else { return nil }
            return Finding(x.id, field: .to, detail: "\(k.id), which \(problem)")
        }
    }

    /// Why a consent's scope does not cover `party`, if it does not: it names them among those
    /// who must not receive it, or not among its recipients (002 "with whom").
    public static func scopeProblem(_ k: Consent, for party: Party?) -> String? {
        if matches(party, k.scope.restrictions) { return "names this recipient among those who must not receive it" }
        if !matches(party, k.scope.recipients) { return "does not cover this recipient" }
        return nil
    }

    static func consentPreviousEpisode(_ c: Subject, _: Policy) -> [Finding] {
        c.outgoing.compactMap { x in
            guard let k = reliedOnConsent(x, in: c.case), let d = x.decisionId.flatMap({ c.decision($0) }),
                  k.episodeId != d.episodeId,
                  let ke = c.episode(k.episodeId), let de = c.episode(d.episodeId), ke.started < de.started
            else { return nil }
            return Finding(x.id, field: .consentId, detail: "\(k.id) (episode \(ke.id))")
        }
    }

    // MARK: Consent forms

    static func consentCompetenceMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard k.givenBy == .child, k.competence == nil, let age = c.childAge(on: k.givenAt.localDay), age < 16 else { return nil }
            return Finding(k.id, field: .competence, detail: "age \(age)")
        }
    }

    /// A child under 16 gave consent although the assessment does not find them competent.
    static func competenceNotEstablished(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard k.givenBy == .child, k.decision != .refused, let a = k.competence,
                  let age = c.childAge(on: k.givenAt.localDay), age < 16 else { return nil }
            switch a.conclusion {
            case .notCompetent?: return Finding(k.id, field: .competence, detail: "concludes the child is not competent")
            case .competent?: return nil
            case nil:
                let failed = a.criteria.filter { $0.answer == false }.count
                return failed == 0 ? nil : Finding(k.id, field: .competence, detail: failed == 1 ? "answers 1 question no" : "answers \(failed) questions no")
            }
        }
    }

    static func consentNotInformed(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            let i = k.informed
            let missing = [("what would be shared", i.whatShared), ("why", i.why), ("with whom", i.withWhom),
                           ("the implications", i.implications)].filter { $0.1.isBlank }.map(\.0)
            return missing.isEmpty ? nil : Finding(k.id, field: .informed, detail: list(missing))
        }
    }

    static func consentImplied(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.filter { $0.form == .implied }.map { Finding($0.id, field: .form) }
    }

    static func consentVerbalUnexplained(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.filter { $0.form == .verbal && $0.whyNotWritten.isBlank }.map { Finding($0.id, field: .whyNotWritten) }
    }

    static func consentNoParentalResponsibility(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard k.decision != .refused, let pid = k.givenBy.personId, let p = c.person(pid), p.parentalResponsibility != .yes else { return nil }
            return Finding(k.id, field: .givenBy, detail: p.id)
        }
    }

    /// A parent's consent for a young person of 16 or over, unless the young person was
    /// assessed as lacking capacity for this decision (then someone acts for them).
    static func consentParentFor16Plus(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.compactMap { k in
            guard k.decision != .refused, let pid = k.givenBy.personId, let age = c.childAge(on: k.givenAt.localDay), age >= 16,
                  k.capacity?.lacksCapacity != true else { return nil }
            return Finding(k.id, field: .givenBy, detail: pid)
        }
    }

    static func capacityBestInterestsMissing(_ c: Subject, _: Policy) -> [Finding] {
        c.consents.filter { $0.capacity?.lacksCapacity == true && ($0.capacity?.bestInterests).isBlank }
            .map { Finding($0.id, field: .capacity) }
    }

    /// A family member's consent given at or after the care order's start (any time, with no start recorded).
    static func consentUnderCareOrder(_ c: Subject, _: Policy) -> [Finding] {
        guard c.careOrder else { return [] }
        return c.consents.compactMap { k in
            guard k.decision != .refused, let pid = k.givenBy.personId else { return nil }
            if let from = c.careOrderFrom, k.givenAt.localDay < from { return nil }
            return Finding(k.id, field: .givenBy, detail: pid)
        }
    }

    // MARK: Incoming

    static func incomingFieldsMissing(_ c: Subject, _: Policy) -> [Finding] {
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
    static func concernUndecided(_ c: Subject, _ p: Policy) -> [Finding] {
        c.concerns.compactMap { k in
            guard k.childProtection, !c.decisions.contains(where: { $0.concernId == k.id && $0.outcome != nil }) else { return nil }
            return Finding(k.id, field: .decision, detail: String(p.concernUndecidedDays),
                           dueFrom: k.recorded.localDay.adding(days: p.concernUndecidedDays + 1))
        }
    }

    /// A closed case needs a retention review date that has not passed.
    static func retentionReviewMissing(_ c: Subject, _: Policy) -> [Finding] {
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
