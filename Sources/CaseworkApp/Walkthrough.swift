import CaseworkCore

/// A step of the walkthrough, by its id in `walkthrough.md` and the guidance resources.
public enum WalkthroughStep: String, CaseIterable, Codable, Sendable {
    case concern, purpose, identifiable, consent, lawfulBasis = "lawful-basis", advice, what, whoHow = "who-how", transparency,
         decision, disclosure

    /// The last two steps record: the decision, and the disclosure that carries it out.
    public var records: Bool { self == .decision || self == .disclosure }
}

/// The guided decision of `shared/spec/walkthrough.md`: which fields each
/// step asks, which step comes next given the answers, and the records the
/// answers make. Pure.
public enum Walkthrough {
    public static let steps = WalkthroughStep.allCases

    public static func next(after step: WalkthroughStep, _ v: FormValues) -> WalkthroughStep? {
        switch step {
        case .concern: .purpose
        case .purpose: v["purpose.legitimate"] == "no" ? .decision : .identifiable
        case .identifiable: v["identifiesIndividual"] == "no" ? .what : .consent
        case .consent: .lawfulBasis
        case .lawfulBasis: v["lawfulBasis"] == "none" ? .decision : .advice
        case .advice: .what
        case .what: .whoHow
        case .whoHow: .transparency
        case .transparency: .decision
        case .decision: ["share", "share-limited"].contains(v["outcome"] ?? "") ? .disclosure : nil
        case .disclosure: nil
        }
    }

    /// The steps the answers lead through, from the first.
    public static func path(_ v: FormValues) -> [WalkthroughStep] {
        var out: [WalkthroughStep] = [.concern]
        while let n = next(after: out.last!, v), !out.contains(n) { out.append(n) }
        return out
    }

    /// Removes answers to steps the current answers no longer lead through;
    /// returns the titles of the steps cleared, so the screen can say so.
    public static func discardUnused(_ v: inout FormValues, guidance: Guidance) -> [String] {
        let onPath = Set(path(v))
        var cleared: [String] = []
        for step in steps where !onPath.contains(step) {
            let ids = WalkthroughForm.questions(step, nil).map(\.id)
            if ids.contains(where: { !(v[$0] ?? "").isEmpty }) {
                for id in ids { v[id] = nil }
                cleared.append(guidance.step(step.rawValue)?.title ?? step.rawValue)
            }
        }
        return cleared
    }

    static func childProtection(_ v: FormValues) -> Bool { v["childProtection"] == "yes" }

    /// A risk, or a perceived risk, of harm (golden rule 3, 000): the concern's level of risk is
    /// established or suspected harm, or the child is suffering or likely to suffer significant harm.
    static func riskOfHarm(_ v: FormValues, _ c: Case?) -> Bool {
        let level = v["concernId"] == "new" ? v.choice("concern.riskLevel", RiskLevel.self)
            : v["concernId"].flatMap { c?.concern($0) }?.riskLevel
        return childProtection(v) || level?.isHarm == true
    }

    /// "Seek it now" only where the practitioner has said the person has a real choice (004).
    static func offersSeekNow(_ v: FormValues) -> Bool { v["shareAnyway"] == "no" }

    /// The recipient named so far: on the who-and-how step, or on the decision.
    static func recipient(_ v: FormValues) -> Party {
        let to = Party(name: v.text("to.name"), role: v.text("to.role"), agency: v.text("to.agency"))
        return to.isEmpty ? Party(name: v.text("recipient.name"), role: v.text("recipient.role"), agency: v.text("recipient.agency")) : to
    }

    static func episodeId(_ c: Case) -> String { FormCatalog.latestEpisode(c) }

    /// Consents that may be relied on: active, given, in this episode, and, once a recipient is
    /// known, covering them (named among its recipients, not among those who must not receive it).
    static func usableConsents(_ c: Case, for recipient: Party = Party()) -> [Consent] {
        c.consents.filter { unusable($0, c, recipient) == nil }
    }

    /// The consents not offered, each with why.
    static func unusableConsents(_ c: Case, for recipient: Party) -> [(consent: Consent, why: String)] {
        c.consents.compactMap { k in unusable(k, c, recipient).map { (k, $0) } }
    }

    private static func unusable(_ k: Consent, _ c: Case, _ recipient: Party) -> String? {
        if k.decision == .refused { return "refused" }
        if k.status != .active { return k.status.rawValue }
        if k.episodeId != episodeId(c) { return "from episode \(k.episodeId)" }
        return recipient.isEmpty ? nil : Rules.scopeProblem(k, for: recipient)
    }

    public static func fields(step: WalkthroughStep, _ v: FormValues, case c: Case) -> [Field] {
        WalkthroughForm.spec(c, steps: [step]).shown(v, c)
    }

    /// The answers a new decision starts from: the concern given, or the latest, and whether it is child protection;
    /// and the organisation's sector from the policy (kept with the answers, `sector`), whose usual basis step 5 suggests.
    public static func starting(_ c: Case, concern: String?, sector: OrganisationSector = .public) -> FormValues {
        var values: FormValues = ["sector": sector.rawValue]
        if let k = concern ?? c.concerns.last?.id {
            values["concernId"] = k
            values["childProtection"] = yesNo(c.concern(k)?.childProtection)
        }
        return values
    }

    /// Answers filled in on arriving at `step`, each the one that is right most of the time and shown
    /// for the practitioner to change: information about a named child identifies someone; with a risk of
    /// harm, the real-choice test answered (you would share anyway, 004); a usable consent relied on, or
    /// with none and no real choice, consent not sought for that reason; the safeguarding condition
    /// (DPA 2018 Sch. 1) should any of it be special category (001), and no statutory gateway; advice's time (now); the recipient
    /// from the consent's scope; a decision not to share where there is no purpose or lawful basis, and
    /// its recipient from step 8; the disclosure's time (now) and reasons (from the consent step).
    public static func prepare(_ step: WalkthroughStep, _ v: inout FormValues, now: Timestamp, zone: LocalTime = .london, case c: Case? = nil) {
        if step == .identifiable, v["identifiesIndividual"] == nil { v["identifiesIndividual"] = "yes" }
        if step == .consent, v["shareAnyway"] == nil, riskOfHarm(v, c) { v["shareAnyway"] = "yes" }
        if step == .consent, v["consent.kind"] == nil {
            if let k = c.flatMap({ usableConsents($0, for: recipient(v)).last }) {
                v["consent.kind"] = "have"
                v["consent.id"] = k.id
            } else if v["shareAnyway"] == "yes" {
                v["consent.kind"] = "not-sought"
                v["consent.reason"] = NotSoughtReason.noRealChoice.rawValue
            }
        }
        if step == .lawfulBasis, v["specialCategoryCondition"] == nil {
            v["specialCategoryCondition"] = SpecialCategoryConditions.offered[0].code
        }
        if step == .lawfulBasis, v["statutoryGateway"] == nil { v["statutoryGateway"] = "none" }
        if step == .advice, v["advice.at"] == nil { v["advice.at"] = zone.field(now) }
        if step == .whoHow, recipient(v).isEmpty, v["consent.kind"] == "have",
           let k = v["consent.id"].flatMap({ id in c?.consents.first { $0.id == id } }), let first = k.scope.recipients.first {
            v["to.agency"] = first
        }
        if step == .decision, v["outcome"] == nil, v["purpose.legitimate"] == "no" || v["lawfulBasis"] == "none" {
            v["outcome"] = Outcome.doNotShare.rawValue
        }
        if step == .decision, v.text("recipient.name") == nil, v.text("recipient.role") == nil, v.text("recipient.agency") == nil {
            for part in ["name", "role", "agency"] { if let t = v.text("to.\(part)") { v["recipient.\(part)"] = t } }
        }
        if step == .disclosure, v["disclosure.when"] == nil { v["disclosure.when"] = zone.field(now) }
        if step == .disclosure, v["disclosure.reasons"] == nil {
            v["disclosure.reasons"] = [v["consent.reason"].map { $0.replacingOccurrences(of: "-", with: " ") }, v["consent.note"]]
                .compactMap { $0 }.joined(separator: ": ")
        }
    }

    /// After "seek it now": the consent just recorded becomes the one the decision has. Returns its id if it changed.
    @discardableResult
    public static func consentRecorded(_ c: Case, _ v: inout FormValues) -> String? {
        guard let newest = c.consents.last?.id, v["consent.id"] != newest else { return nil }
        v["consent.kind"] = "have"
        v["consent.id"] = newest
        return newest
    }

    /// The step and field that fill `target`, searching the steps in order with the answers given.
    static func locate(_ target: RecordField, _ v: FormValues, _ c: Case) -> (step: WalkthroughStep, field: String)? {
        for step in steps {
            if let field = fields(step: step, v, case: c).first(where: { $0.clears == target }) { return (step, field.id) }
        }
        return nil
    }

    /// Every answer so far in words, not codes, for the decision step (walkthrough.md step 10).
    static func summary(_ v: FormValues, _ c: Case) -> String {
        var parts: [String] = []
        let concern: String
        if v["concernId"] == "new" {
            concern = "a new concern" + (v.choice("concern.riskLevel", RiskLevel.self).map { ", \($0.label)" } ?? "")
        } else if let k = v["concernId"].flatMap({ c.concern($0) }) {
            concern = "\(k.id), \(k.category.label), \(k.riskLevel.label)"
        } else {
            concern = "none recorded"
        }
        parts.append("Concern: \(concern)\(childProtection(v) ? "; significant harm (child protection)" : "")")
        if v["purpose.legitimate"] == "no" { parts.append("No clear and legitimate purpose") }
        else if let why = v.text("purpose.why") { parts.append("Purpose: \(why)") }
        if v["identifiesIndividual"] == "no" { parts.append("The information identifies nobody") }
        switch v["consent.kind"] {
        case "have":
            let k = v["consent.id"].flatMap { id in c.consents.first { $0.id == id } }
            let who = k.map { k in k.givenBy == .child ? "the child" : (k.givenBy.personId.flatMap { c.person($0)?.name } ?? "a person") }
            parts.append("Consent: given\(who.map { " by \($0)" } ?? "")\(k.map { " (\($0.id))" } ?? "")")
        case "not-sought":
            parts.append("Consent: not sought (\(v.choice("consent.reason", NotSoughtReason.self)?.label ?? "no reason given yet"))")
        case "refused": parts.append("Consent: refused")
        case "seek-now": parts.append("Consent: to be sought now")
        default: break
        }
        if let b = v["lawfulBasis"] {
            parts.append(b == "none" ? "No lawful basis" : "Lawful basis: \(LawfulBasis(rawValue: b)?.label ?? b)")
        }
        switch v["specialCategory"] {
        case "yes":
            let condition = v["specialCategoryCondition"] == "other" ? v.text("specialCategoryCondition.other") : v.text("specialCategoryCondition")
            parts.append("Special category: yes, \(condition.map(SpecialCategoryConditions.label) ?? "no condition named yet")")
        case "no": parts.append("Special category: no")
        default: break
        }
        if let g = v.choice("statutoryGateway", StatutoryGateway.self) { parts.append("Gateway: \(g.label)") }
        if v["confidential"] == "yes" {
            parts.append("Given in confidence" + (v.text("publicInterest") != nil ? ", public interest weighed" : ""))
        }
        if v["advice.sought"] == "yes" { parts.append("Advice from \(v.text("advice.from") ?? "someone not named"): \(v.text("advice.outcome") ?? "no outcome recorded")") }
        let items = ItemsText.parse(v["items"] ?? "")
        if !items.isEmpty { parts.append(items.count == 1 ? "1 item to share" : "\(items.count) items to share") }
        if v["necessaryAndProportionate"] == "no" { parts.append("Not necessary and proportionate") }
        let to = recipient(v).names.reversed()
        if !to.isEmpty {
            parts.append("To: \(to.joined(separator: ", "))\(v.choice("method", SharingMethod.self).map { " by \($0.label)" } ?? "")")
        }
        switch v["familyInformed"] {
        case "yes": parts.append("The family will be told")
        case "no": parts.append("The family will not be told")
        case "later": parts.append("The family will be told later")
        default: break
        }
        return parts.joined(separator: " · ")
    }

    /// Answers to fill in when reopening a saved decision.
    public static func values(from d: SharingDecision, in c: Case, zone: LocalTime = .london) -> FormValues {
        WalkthroughForm.spec(c).values(WalkthroughAnswers(d, in: c), FormContext(case: c, user: d.decidedBy, now: d.decidedAt, zone: zone))
    }

    /// The decision (and, for a completed decision to share with a rationale,
    /// its disclosure log entry and any new or changed concern) from the answers.
    /// `complete` false keeps the outcome empty: a draft.
    public static func build(_ v: FormValues, case c: Case, decisionId: String, user: User, now: Timestamp, zone: LocalTime = .london,
                             complete: Bool) throws(FormProblem) -> [CaseRecord] {
        // From the saved decision, if any, so what no question asks is kept.
        let saved = c.decision(decisionId).map { WalkthroughAnswers($0, in: c) }
        let a = try WalkthroughForm.spec(c).build(v, editing: saved, FormContext(case: c, user: user.name, now: now, zone: zone))
        return try records(a, case: c, decisionId: decisionId, user: user, now: now, complete: complete)
    }

    /// The records the answers make: what spans the questions (a new concern made whole or not at all,
    /// consent as the lawful basis, no sharing without one, the disclosure that carries out a decision to share).
    static func records(_ a: WalkthroughAnswers, case c: Case, decisionId: String, user: User, now: Timestamp,
                        complete: Bool) throws(FormProblem) -> [CaseRecord] {
        var out: [CaseRecord] = []
        var concernId = a.concernId
        if concernId == "new" {
            if let cat = a.newConcernCategory, let risk = a.newConcernRisk, let summary = a.newConcernSummary {
                let id = nextId("K", in: c)
                out.append(.concern(Concern(id: id, recorded: now, summary: summary, category: cat, riskLevel: risk,
                                            childProtection: a.childProtection == true)))
                concernId = id
            } else if complete {
                throw FormProblem("concern.summary", "describe the new concern, its category and level of risk")
            } else {
                concernId = nil
            }
        } else if let id = concernId, var k = c.concern(id), let cp = a.childProtection, k.childProtection != cp {
            k.childProtection = cp
            out.append(.concern(k))
        }
        let consentKind = a.consentKind.flatMap(ConsentPositionKind.init(rawValue:))
        var position: ConsentPosition?
        if a.decision.identifiesIndividual == false {
            position = ConsentPosition(kind: .notNeeded, reason: .notIdentifying, note: a.consentNote)
        } else if let consentKind {
            position = ConsentPosition(kind: consentKind, consentId: consentKind == .have ? a.consentId : nil,
                                       reason: consentKind == .notSought ? a.consentReason : nil, note: a.consentNote)
        }
        let existing = c.decision(decisionId)
        // The basis is the practitioner's answer, consent or not: having consent does not choose it (000).
        let lawful = a.lawfulBasis.flatMap(LawfulBasis.init(rawValue:))
        let outcome = complete ? a.decision.outcome : nil
        if complete && outcome == nil { throw FormProblem("outcome", "choose share, share limited or do not share") }
        if complete, a.lawfulBasis == "none", outcome?.isShare == true {
            throw FormProblem("outcome", "with no lawful basis the decision is do not share (001 flowchart)")
        }
        var decision = a.decision
        decision.id = decisionId
        decision.concernId = concernId
        decision.episodeId = existing?.episodeId ?? episodeId(c)
        decision.decidedAt = existing?.decidedAt ?? now
        decision.decidedBy = existing?.decidedBy ?? user.name
        decision.consentPosition = position
        decision.lawfulBasis = lawful
        decision.outcome = outcome
        decision.specialCategoryCondition = decision.specialCategory == true
            ? (a.conditionCode == "other" ? a.conditionOther : a.conditionCode) : nil
        if outcome != .doNotShare { decision.requesterTold = nil }
        decision.advice = a.adviceSought == true
            ? [AdviceEntry(from: a.adviceFrom ?? "not recorded", at: a.adviceAt ?? now, advice: a.advice, outcome: a.adviceOutcome)] : []
        out.append(.decision(decision))
        if complete, let o = outcome, o.isShare, decision.rationale != nil, !c.disclosures.contains(where: { $0.decisionId == decisionId }) {
            let without = consentKind == .notSought || consentKind == .refused
            var x = a.disclosure
            x.id = nextId("X", in: c.replacing(.decision(decision)))
            x.direction = .outgoing
            x.decisionId = decisionId
            x.when = x.when ?? now
            x.by = user.name
            if x.method?.recipientCheck == nil { x.recipientIdentityChecked = nil }
            x.consentStatus = consentKind == .have ? .withConsent : consentKind == .refused ? .refused : consentKind == .notSought ? .notSought : nil
            x.consentId = consentKind == .have ? a.consentId : nil
            x.reasons = without ? (x.reasons ?? a.consentNote) : nil
            x.lawfulBasis = without ? lawful : nil
            if !without { x.recipientAdvisedNoConsent = nil }
            out.append(.disclosure(x))
        }
        return out
    }
}
