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

    /// Every field id a step can ask, visible or not (for discarding answers that no longer apply).
    static let stepFields: [WalkthroughStep: [String]] = [
        .concern: ["concernId", "concern.summary", "concern.category", "concern.riskLevel", "childProtection"],
        .purpose: ["purpose.legitimate", "purpose.why", "purpose.outcomeSought", "purpose.achievableWithoutSharing"],
        .identifiable: ["identifiesIndividual"],
        .consent: ["consent.kind", "consent.id", "consent.reason", "consent.note"],
        .lawfulBasis: ["lawfulBasis", "specialCategory", "specialCategoryCondition", "publicInterest"],
        .advice: ["advice.sought", "advice.from", "advice.advice", "advice.outcome"],
        .what: ["items", "wholeFile"],
        .whoHow: ["to.name", "to.role", "to.agency", "method", "recipientIdentityChecked", "restrictions"],
        .transparency: ["familyInformed", "notInformedReason"],
        .decision: ["outcome", "rationale"],
        .disclosure: ["disclosure.when", "recipientAdvisedNoConsent", "disclosure.reasons"],
    ]

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
            let ids = stepFields[step] ?? []
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
        switch step {
        case .concern:
            var f = [Field("concernId", "The concern", .choice(c.concerns.map { Choice($0.id, "\($0.id) \($0.category.label), \($0.riskLevel.label)") }
                                                                 + [Choice("new", "a new concern")]))]
            if v["concernId"] == "new" {
                f += [Field("concern.summary", "What worries you", .multiline(rows: 2)),
                      Field("concern.category", "Category", .choice(ConcernCategory.allCases.map { Choice($0.rawValue, $0.label) })),
                      Field("concern.riskLevel", "Level of risk", .choice(RiskLevel.allCases.map { Choice($0.rawValue, $0.label) }))]
            }
            f.append(Field.yesNo("childProtection", "Is the child suffering, or likely to suffer, significant harm?"))
            if childProtection(v) {
                f.append(Field("cp.info", "", .info("You do not need consent to share, and should not seek it where asking would put the child or anyone else at greater risk (golden rule 3, 000; 004).")))
            }
            return f
        case .purpose:
            return [Field.yesNo("purpose.legitimate", "Is there a clear and legitimate purpose for sharing?"),
                    Field("purpose.why", "Why share?"), Field("purpose.outcomeSought", "What outcome do you want?"),
                    Field.yesNo("purpose.achievableWithoutSharing", "Could that be achieved without sharing?")]
        case .identifiable:
            return [Field.yesNo("identifiesIndividual", "Does the information identify someone?")]
        case .consent:
            var f: [Field] = []
            if childProtection(v) {
                f.append(Field("cp.info", "", .info("This concern is child protection: consent is not needed, and seeking it may increase the risk.")))
            }
            f.append(Field("consent.kind", "Consent", .choice([Choice("have", "have consent"), Choice("not-sought", "not sought"),
                                                              Choice("refused", "refused"), Choice("seek-now", "seek it now")])))
            switch v["consent.kind"] {
            case "have":
                let usable = usableConsents(c)
                f.append(Field("consent.id", "Which consent", .choice(usable.map { k in
                    Choice(k.id, "\(k.id) recipients: \(k.scope.recipients.isEmpty ? "none named" : k.scope.recipients.joined(separator: ", "))")
                })))
                let others = c.consents.filter { k in !usable.contains(k) }.map { k in
                    "\(k.id) not offered: " + (k.decision == .refused ? "refused" : k.status != .active ? k.status.rawValue : "from episode \(k.episodeId)")
                }
                if !others.isEmpty { f.append(Field("consent.others", "", .info(others.joined(separator: "; ")))) }
            case "not-sought":
                f.append(Field("consent.reason", "Why not sought", .choice(NotSoughtReason.allCases.filter { $0 != .notIdentifying }.map {
                    Choice($0.rawValue, $0.rawValue.replacingOccurrences(of: "-", with: " ")) })))
            case "refused":
                f.append(Field("consent.info", "", .info("A refusal is recorded and does not end the question: you may still share where the law allows (002).")))
            case "seek-now":
                f.append(Field("consent.info", "", .info("Ctrl-N opens the consent form; you come back here when it is saved.")))
            default: break
            }
            f.append(Field("consent.note", "Notes on consent"))
            return f
        case .lawfulBasis:
            var f = [Field("lawfulBasis", "Lawful basis (UK GDPR)", .choice(
                [LawfulBasis.publicTask, .legalObligation, .legitimateInterests, .vitalInterests].map { Choice($0.rawValue, $0.rawValue.replacingOccurrences(of: "-", with: " ")) }
                + [Choice("none", "none: do not share")]), hint: "Public bodies: public task or legal obligation; voluntary and private sector: legitimate interests (000)",
                clears: .lawfulBasis),
                     Field.yesNo("specialCategory", "Is any of it special category (health, sexual life, ethnicity, religion...)?")]
            if v["specialCategory"] == "yes" { f.append(Field("specialCategoryCondition", "Which condition (Art. 9 / DPA 2018 Sch. 1)?", clears: .specialCategoryCondition)) }
            f.append(Field("publicInterest", "Public interest: what might happen if you share, and if you do not?", .multiline(rows: 2)))
            return f
        case .advice:
            var f = [Field.yesNo("advice.sought", "Did you seek advice?")]
            if v["advice.sought"] == "yes" {
                f += [Field("advice.from", "From whom (role)"), Field("advice.advice", "The advice"), Field("advice.outcome", "The outcome", clears: .advice)]
            }
            return f
        case .what:
            return [Field("items", "Items to share, one per line", .multiline(rows: 4), hint: "Start each with fact:, opinion: or historical:"),
                    Field.yesNo("wholeFile", "Are you sharing the whole case file?", hint: "It is rarely needed (004)")]
        case .whoHow:
            var f = [Field("to.name", "Recipient's name"), Field("to.role", "Their role"), Field("to.agency", "Their agency"),
                     Field.options("method", "How", SharingMethod.self)]
            if v["method"] == "phone" { f.append(Field.yesNo("recipientIdentityChecked", "Did you check their identity and entitlement?")) }
            f.append(Field("restrictions", "Restrictions on onward use (one per line)", .multiline(rows: 2)))
            return f
        case .transparency:
            var f = [Field("familyInformed", "Will the child or family be told?", .choice([Choice("yes"), Choice("no"), Choice("later")]))]
            if v["familyInformed"] == "no" || v["familyInformed"] == "later" {
                f.append(Field("notInformedReason", "Why not (now)?", clears: .notInformedReason))
            }
            return f
        case .decision:
            return [Field("summary", "Your answers", .info(summary(v, c))),
                    Field("outcome", "Decision", .choice(Outcome.allCases.map { Choice($0.rawValue, $0.label) }), clears: .outcome),
                    Field("rationale", "Why, in your own words (required)", .multiline(rows: 4), clears: .rationale)]
        case .disclosure:
            var f = [Field("disclosure.when", "When it happened", .time, hint: "Now, or the time it actually took place")]
            if ["not-sought", "refused"].contains(v["consent.kind"] ?? "") {
                f += [Field("disclosure.reasons", "Why shared without consent", .multiline(rows: 2)),
                      Field.yesNo("recipientAdvisedNoConsent", "Did you tell the recipient consent was refused or not sought?")]
            }
            return f
        }
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
        var v: FormValues = ["concernId": d.concernId ?? "", "purpose.why": d.purpose.why ?? "", "purpose.outcomeSought": d.purpose.outcomeSought ?? "",
                             "purpose.achievableWithoutSharing": yesNo(d.purpose.achievableWithoutSharing),
                             "identifiesIndividual": yesNo(d.identifiesIndividual), "outcome": d.outcome?.rawValue ?? "",
                             "rationale": d.rationale ?? "", "familyInformed": d.familyInformed?.rawValue ?? "",
                             "notInformedReason": d.notInformedReason ?? "", "specialCategory": yesNo(d.specialCategory),
                             "specialCategoryCondition": d.specialCategoryCondition ?? "", "publicInterest": d.publicInterest ?? ""]
        if let k = d.concernId.flatMap({ c.concern($0) }) { v["childProtection"] = yesNo(k.childProtection) }
        if d.purpose.why != nil { v["purpose.legitimate"] = "yes" }
        if let p = d.consentPosition {
            v["consent.kind"] = p.kind.rawValue
            v["consent.id"] = p.consentId ?? ""
            v["consent.reason"] = p.reason?.rawValue ?? ""
            v["consent.note"] = p.note ?? ""
        }
        if let b = d.lawfulBasis, b != .consent { v["lawfulBasis"] = b.rawValue }
        if let a = d.advice.first {
            v["advice.sought"] = "yes"; v["advice.from"] = a.from; v["advice.advice"] = a.advice ?? ""; v["advice.outcome"] = a.outcome ?? ""
        }
        return v.filter { !$0.value.isEmpty }
    }

    /// The decision (and, for a completed decision to share with a rationale,
    /// its disclosure log entry and any new or changed concern) from the answers.
    /// `complete` false keeps the outcome empty: a draft.
    public static func build(_ v: FormValues, case c: Case, decisionId: String, user: User, now: Timestamp,
                             complete: Bool) throws(FormProblem) -> [CaseRecord] {
        var out: [CaseRecord] = []
        var concernId = v.text("concernId")
        if concernId == "new" {
            if let cat = v.choice("concern.category", ConcernCategory.self), let risk = v.choice("concern.riskLevel", RiskLevel.self),
               let summary = v.text("concern.summary") {
                let id = nextId("K", in: c)
                out.append(.concern(Concern(id: id, recorded: now, summary: summary, category: cat, riskLevel: risk,
                                            childProtection: childProtection(v))))
                concernId = id
            } else if complete {
                throw FormProblem("concern.summary", "describe the new concern, its category and level of risk")
            } else {
                concernId = nil
            }
        } else if let id = concernId, var k = c.concern(id), let cp = v.bool("childProtection"), k.childProtection != cp {
            k.childProtection = cp
            out.append(.concern(k))
        }
        let consentKind = v.choice("consent.kind", ConsentPositionKind.self)
        var position: ConsentPosition?
        if v["identifiesIndividual"] == "no" {
            position = ConsentPosition(kind: .notNeeded, reason: .notIdentifying, note: v.text("consent.note"))
        } else if let consentKind {
            position = ConsentPosition(kind: consentKind, consentId: consentKind == .have ? v.text("consent.id") : nil,
                                       reason: consentKind == .notSought ? v.choice("consent.reason", NotSoughtReason.self) : nil,
                                       note: v.text("consent.note"))
        }
        var lawful: LawfulBasis? = v.choice("lawfulBasis", LawfulBasis.self)
        if consentKind == .have { lawful = .consent }
        var outcome = complete ? v.choice("outcome", Outcome.self) : nil
        if complete && outcome == nil { throw FormProblem("outcome", "choose share, share limited or do not share") }
        if complete, v["lawfulBasis"] == "none", outcome?.isShare == true {
            throw FormProblem("outcome", "with no lawful basis the decision is do not share (001 flowchart)")
        }
        if !complete { outcome = nil }
        var advice: [AdviceEntry] = []
        if v["advice.sought"] == "yes" {
            advice.append(AdviceEntry(from: v.text("advice.from") ?? "not recorded", at: now, advice: v.text("advice.advice"),
                                      outcome: v.text("advice.outcome")))
        }
        let existing = c.decision(decisionId)
        let decision = SharingDecision(
            id: decisionId, concernId: concernId, episodeId: existing?.episodeId ?? episodeId(c), decidedAt: existing?.decidedAt ?? now,
            decidedBy: existing?.decidedBy ?? user.name,
            purpose: Purpose(why: v.text("purpose.why"), outcomeSought: v.text("purpose.outcomeSought"),
                             achievableWithoutSharing: v.bool("purpose.achievableWithoutSharing")),
            identifiesIndividual: v.bool("identifiesIndividual"), consentPosition: position, lawfulBasis: lawful,
            specialCategory: v.bool("specialCategory"), specialCategoryCondition: v.text("specialCategoryCondition"),
            publicInterest: v.text("publicInterest"), outcome: outcome, rationale: v.text("rationale"),
            familyInformed: v.choice("familyInformed", FamilyInformed.self), notInformedReason: v.text("notInformedReason"), advice: advice)
        out.append(.decision(decision))
        if complete, let o = outcome, o.isShare, v.text("rationale") != nil, !c.disclosures.contains(where: { $0.decisionId == decisionId }) {
            let without = consentKind == .notSought || consentKind == .refused
            let method = v.choice("method", SharingMethod.self)
            let casePlusDecision = c.replacing(.decision(decision))
            out.append(.disclosure(Disclosure(
                id: nextId("X", in: casePlusDecision), direction: .outgoing, decisionId: decisionId,
                when: try v.time("disclosure.when") ?? now, by: user.name,
                to: Party(name: v.text("to.name"), role: v.text("to.role"), agency: v.text("to.agency")), method: method,
                recipientIdentityChecked: method == .phone ? v.bool("recipientIdentityChecked") : nil,
                items: ItemsText.parse(v["items"] ?? ""), wholeFile: v.bool("wholeFile"),
                consentStatus: consentKind == .have ? .withConsent : consentKind == .refused ? .refused : consentKind == .notSought ? .notSought : nil,
                consentId: consentKind == .have ? v.text("consent.id") : nil,
                reasons: without ? (v.text("disclosure.reasons") ?? v.text("consent.note")) : nil,
                lawfulBasis: without ? lawful : nil,
                recipientAdvisedNoConsent: without ? v.bool("recipientAdvisedNoConsent") : nil,
                restrictions: v.lines("restrictions"), scheme: .none)))
        }
        return out
    }
}
