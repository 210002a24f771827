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
        case .consent: v["consent.kind"] == "have" ? .advice : .lawfulBasis
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

    static func episodeId(_ c: Case) -> String { FormCatalog.latestEpisode(c) }

    /// Consents that may be relied on: active, given, in this episode.
    static func usableConsents(_ c: Case) -> [Consent] {
        let ep = episodeId(c)
        return c.consents.filter { $0.status == .active && $0.decision != .refused && $0.episodeId == ep }
    }

    public static func fields(step: WalkthroughStep, _ v: FormValues, case c: Case) -> [Field] {
        WalkthroughForm.spec(c, steps: [step]).shown(v, c)
    }

    /// The answers a new decision starts from: the concern given, or the latest, and whether it is child protection.
    public static func starting(_ c: Case, concern: String?) -> FormValues {
        var values: FormValues = [:]
        if let k = concern ?? c.concerns.last?.id {
            values["concernId"] = k
            values["childProtection"] = yesNo(c.concern(k)?.childProtection)
        }
        return values
    }

    /// Answers filled in on arriving at `step`: a decision not to share where there is no purpose or lawful
    /// basis, and the disclosure's time (now) and reasons (from the consent step).
    public static func prepare(_ step: WalkthroughStep, _ v: inout FormValues, now: Timestamp) {
        if step == .decision, v["outcome"] == nil, v["purpose.legitimate"] == "no" || v["lawfulBasis"] == "none" {
            v["outcome"] = Outcome.doNotShare.rawValue
        }
        if step == .disclosure, v["disclosure.when"] == nil { v["disclosure.when"] = now.text }
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

    static func summary(_ v: FormValues, _ c: Case) -> String {
        var parts: [String] = []
        let concern = v["concernId"] == "new" ? "a new concern" : (v["concernId"] ?? "none")
        parts.append("Concern: \(concern)\(childProtection(v) ? ", child protection" : "")")
        if let why = v.text("purpose.why") { parts.append("Purpose: \(why)") }
        if v["purpose.legitimate"] == "no" { parts.append("No clear and legitimate purpose") }
        if v["identifiesIndividual"] == "no" { parts.append("Identifies nobody") }
        if let k = v.text("consent.kind") { parts.append("Consent: \(k.replacingOccurrences(of: "-", with: " "))\(v.text("consent.id").map { " (\($0))" } ?? "")\(v.text("consent.reason").map { ", \($0)" } ?? "")") }
        if let b = v.text("lawfulBasis") { parts.append("Lawful basis: \(b)") }
        if v["advice.sought"] == "yes" { parts.append("Advice from \(v.text("advice.from") ?? "?"): \(v.text("advice.outcome") ?? "no outcome recorded")") }
        let items = ItemsText.parse(v["items"] ?? "")
        if !items.isEmpty { parts.append("Items: \(items.count)") }
        let to = [v.text("to.name"), v.text("to.role"), v.text("to.agency")].compactMap { $0 }
        if !to.isEmpty { parts.append("To: \(to.joined(separator: ", "))\(v.text("method").map { " by \($0)" } ?? "")") }
        if let f = v.text("familyInformed") { parts.append("Family told: \(f)") }
        return parts.joined(separator: " · ")
    }

    /// Answers to fill in when reopening a saved decision.
    public static func values(from d: SharingDecision, in c: Case) -> FormValues {
        WalkthroughForm.spec(c).values(WalkthroughAnswers(d, in: c), FormContext(case: c, user: d.decidedBy, now: d.decidedAt))
    }

    /// The decision (and, for a completed decision to share with a rationale,
    /// its disclosure log entry and any new or changed concern) from the answers.
    /// `complete` false keeps the outcome empty: a draft.
    public static func build(_ v: FormValues, case c: Case, decisionId: String, user: User, now: Timestamp,
                             complete: Bool) throws(FormProblem) -> [CaseRecord] {
        // From the saved decision, if any, so what no question asks is kept.
        let saved = c.decision(decisionId).map { WalkthroughAnswers($0, in: c) }
        let a = try WalkthroughForm.spec(c).build(v, editing: saved, FormContext(case: c, user: user.name, now: now))
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
        // With consent had, the basis step is not asked: the basis recorded stays (consent does not choose it, 000), or is consent.
        var lawful = a.lawfulBasis.flatMap(LawfulBasis.init(rawValue:))
        if consentKind == .have { lawful = lawful ?? existing?.lawfulBasis ?? .consent }
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
        decision.advice = a.adviceSought == true ? [AdviceEntry(from: a.adviceFrom ?? "not recorded", at: now, advice: a.advice, outcome: a.adviceOutcome)] : []
        out.append(.decision(decision))
        if complete, let o = outcome, o.isShare, decision.rationale != nil, !c.disclosures.contains(where: { $0.decisionId == decisionId }) {
            let without = consentKind == .notSought || consentKind == .refused
            var x = a.disclosure
            x.id = nextId("X", in: c.replacing(.decision(decision)))
            x.direction = .outgoing
            x.decisionId = decisionId
            x.when = x.when ?? now
            x.by = user.name
            if x.method != .phone { x.recipientIdentityChecked = nil }
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
