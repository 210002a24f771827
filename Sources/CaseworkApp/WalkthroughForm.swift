import CaseworkCore

/// The walkthrough's answers as one typed value. A question about the decision or the disclosure
/// fills that record's own field, so a new such question is one line in its step; the answers kept
/// apart (the concern, consent, the lawful basis, advice) are settled across questions in `Walkthrough.records`.
struct WalkthroughAnswers: Equatable {
    var decision: SharingDecision
    /// The disclosure that carries out a decision to share.
    var disclosure = Disclosure(id: "", direction: .outgoing)
    /// A concern of the case, or "new".
    var concernId: String?
    var newConcernSummary: String?
    var newConcernCategory: ConcernCategory?
    var newConcernRisk: RiskLevel?
    var childProtection: Bool?
    var purposeLegitimate: Bool?
    /// have, not-sought, refused or seek-now.
    var consentKind: String?
    var consentId: String?
    var consentReason: NotSoughtReason?
    var consentNote: String?
    /// A lawful basis, or "none": do not share.
    var lawfulBasis: String?
    var adviceSought: Bool?
    var adviceFrom: String?
    var advice: String?
    var adviceOutcome: String?

    init(_ ctx: FormContext) {
        decision = SharingDecision(id: "", episodeId: "", decidedAt: ctx.now, decidedBy: ctx.user)
    }

    /// The answers a saved decision gives, to reopen it.
    init(_ d: SharingDecision, in c: Case) {
        decision = d
        concernId = d.concernId
        childProtection = d.concernId.flatMap { c.concern($0) }?.childProtection
        if d.purpose.why != nil { purposeLegitimate = true }
        if let p = d.consentPosition {
            consentKind = p.kind.rawValue
            consentId = p.consentId
            consentReason = p.reason
            consentNote = p.note
        }
        if let b = d.lawfulBasis, b != .consent { lawfulBasis = b.rawValue }
        if let a = d.advice.first {
            adviceSought = true
            adviceFrom = a.from
            advice = a.advice
            adviceOutcome = a.outcome
        }
    }
}

/// The walkthrough's questions, step by step, each bound to the answer it fills: as with the record
/// forms, the questions shown, the answers a saved decision starts from, what each step may clear and
/// the field a flag jumps to all come from here, so a new question is one line in its step.
enum WalkthroughForm {
    typealias Question = FieldSpec<WalkthroughAnswers>

    static func questions(_ step: WalkthroughStep, _ c: Case?) -> [Question] {
        let yes = { (id: String) in { (v: FormValues, _: Case?) in v[id] == "yes" } }
        switch step {
        case .concern:
            let isNew = { (v: FormValues, _: Case?) in v["concernId"] == "new" }
            return [
                Question(Field("concernId", "The concern", .choice((c?.concerns ?? []).map { Choice($0.id, "\($0.id) \($0.category.label), \($0.riskLevel.label)") }
                                                                    + [Choice("new", "a new concern")])), \.concernId, .text),
                Question(Field("concern.summary", "What worries you", .multiline(rows: 2)), \.newConcernSummary, .text, when: isNew),
                Question(Field("concern.category", "Category", .choice(ConcernCategory.allCases.map { Choice($0.rawValue, $0.label) })),
                         \.newConcernCategory, .choice(ConcernCategory.self), when: isNew),
                Question(Field("concern.riskLevel", "Level of risk", .choice(RiskLevel.allCases.map { Choice($0.rawValue, $0.label) })),
                         \.newConcernRisk, .choice(RiskLevel.self), when: isNew),
                Question(Field.yesNo("childProtection", "Is the child suffering, or likely to suffer, significant harm?"), \.childProtection, .yesNo),
                Question(info: "cp.info", "") { v, _ in
                    Walkthrough.childProtection(v)
                        ? "You do not need consent to share, and should not seek it where asking would put the child or anyone else at greater risk (golden rule 3, 000; 004)."
                        : nil
                },
            ]
        case .purpose:
            return [
                Question(Field.yesNo("purpose.legitimate", "Is there a clear and legitimate purpose for sharing?"), \.purposeLegitimate, .yesNo),
                Question(Field("purpose.why", "Why share?"), \.decision.purpose.why, .text),
                Question(Field("purpose.outcomeSought", "What outcome do you want?"), \.decision.purpose.outcomeSought, .text),
                Question(Field.yesNo("purpose.achievableWithoutSharing", "Could that be achieved without sharing?"), \.decision.purpose.achievableWithoutSharing, .yesNo),
            ]
        case .identifiable:
            return [Question(Field.yesNo("identifiesIndividual", "Does the information identify someone?"), \.decision.identifiesIndividual, .yesNo)]
        case .consent:
            let kind = { (k: String) in { (v: FormValues, _: Case?) in v["consent.kind"] == k } }
            let usable = c.map(Walkthrough.usableConsents) ?? []
            return [
                Question(info: "cp.info", "") { v, _ in
                    Walkthrough.childProtection(v) ? "This concern is child protection: consent is not needed, and seeking it may increase the risk." : nil
                },
                Question(Field("consent.kind", "Consent", .choice([Choice("have", "have consent"), Choice("not-sought", "not sought"),
                                                                  Choice("refused", "refused"), Choice("seek-now", "seek it now")])), \.consentKind, .text),
                Question(Field("consent.id", "Which consent", .choice(usable.map { k in
                    Choice(k.id, "\(k.id) recipients: \(k.scope.recipients.isEmpty ? "none named" : k.scope.recipients.joined(separator: ", "))")
                })), \.consentId, .text, when: kind("have")),
                Question(info: "consent.others", "") { v, c in
                    guard v["consent.kind"] == "have", let c else { return nil }
                    let others = c.consents.filter { k in !usable.contains(k) }.map { k in
                        "\(k.id) not offered: " + (k.decision == .refused ? "refused" : k.status != .active ? k.status.rawValue : "from episode \(k.episodeId)")
                    }
                    return others.isEmpty ? nil : others.joined(separator: "; ")
                },
                Question(Field("consent.reason", "Why not sought", .choice(NotSoughtReason.allCases.filter { $0 != .notIdentifying }.map {
                    Choice($0.rawValue, $0.rawValue.replacingOccurrences(of: "-", with: " ")) })), \.consentReason, .choice(NotSoughtReason.self),
                         when: kind("not-sought")),
                Question(info: "consent.info", "") { v, _ in
                    switch v["consent.kind"] {
                    case "refused": "A refusal is recorded and does not end the question: you may still share where the law allows (002)."
                    case "seek-now": "Ctrl-N opens the consent form; you come back here when it is saved."
                    default: nil
                    }
                },
                Question(Field("consent.note", "Notes on consent"), \.consentNote, .text),
            ]
        case .lawfulBasis:
            return [
                Question(Field("lawfulBasis", "Lawful basis (UK GDPR)", .choice(
                    [LawfulBasis.publicTask, .legalObligation, .legitimateInterests, .vitalInterests].map { Choice($0.rawValue, $0.rawValue.replacingOccurrences(of: "-", with: " ")) }
                        + [Choice("none", "none: do not share")]),
                               hint: "Public bodies: public task or legal obligation; voluntary and private sector: legitimate interests (000)",
                               clears: .lawfulBasis), \.lawfulBasis, .text),
                Question(Field.yesNo("specialCategory", "Is any of it special category (health, sexual life, ethnicity, religion...)?"), \.decision.specialCategory, .yesNo),
                Question(Field("specialCategoryCondition", "Which condition (Art. 9 / DPA 2018 Sch. 1)?", clears: .specialCategoryCondition),
                         \.decision.specialCategoryCondition, .text, when: yes("specialCategory")),
                Question(Field("publicInterest", "Public interest: what might happen if you share, and if you do not?", .multiline(rows: 2)),
                         \.decision.publicInterest, .text),
            ]
        case .advice:
            let sought = yes("advice.sought")
            return [
                Question(Field.yesNo("advice.sought", "Did you seek advice?"), \.adviceSought, .yesNo),
                Question(Field("advice.from", "From whom (role)"), \.adviceFrom, .text, when: sought),
                Question(Field("advice.advice", "The advice"), \.advice, .text, when: sought),
                Question(Field("advice.outcome", "The outcome", clears: .advice), \.adviceOutcome, .text, when: sought),
            ]
        case .what:
            return [
                Question(Field("items", "Items to share, one per line", .multiline(rows: 4), hint: "Start each with fact:, opinion: or historical:"),
                         \.disclosure.items, .items),
                Question(Field.yesNo("wholeFile", "Are you sharing the whole case file?", hint: "It is rarely needed (004)"), \.disclosure.wholeFile, .yesNo),
            ]
        case .whoHow:
            return [
                Question(Field("to.name", "Recipient's name"), \.disclosure.toParty.name, .text),
                Question(Field("to.role", "Their role"), \.disclosure.toParty.role, .text),
                Question(Field("to.agency", "Their agency"), \.disclosure.toParty.agency, .text),
                Question(Field.options("method", "How", SharingMethod.self), \.disclosure.method, .choice(SharingMethod.self)),
                Question(Field.yesNo("recipientIdentityChecked", "Did you check their identity and entitlement?"), \.disclosure.recipientIdentityChecked, .yesNo,
                         when: { v, _ in v["method"] == SharingMethod.phone.rawValue }),
                Question(Field("restrictions", "Restrictions on onward use (one per line)", .multiline(rows: 2)), \.disclosure.restrictions, .lines),
            ]
        case .transparency:
            return [
                Question(Field("familyInformed", "Will the child or family be told?", .choice([Choice("yes"), Choice("no"), Choice("later")])),
                         \.decision.familyInformed, .choice(FamilyInformed.self)),
                Question(Field("notInformedReason", "Why not (now)?", clears: .notInformedReason), \.decision.notInformedReason, .text,
                         when: { v, _ in v["familyInformed"] == "no" || v["familyInformed"] == "later" }),
            ]
        case .decision:
            return [
                Question(info: "summary", "Your answers") { v, c in c.map { Walkthrough.summary(v, $0) } ?? "" },
                Question(Field("outcome", "Decision", .choice(Outcome.allCases.map { Choice($0.rawValue, $0.label) }), clears: .outcome),
                         \.decision.outcome, .choice(Outcome.self)),
                Question(Field("rationale", "Why, in your own words (required)", .multiline(rows: 4), clears: .rationale), \.decision.rationale, .text),
            ]
        case .disclosure:
            let without = { (v: FormValues, _: Case?) in ["not-sought", "refused"].contains(v["consent.kind"] ?? "") }
            return [
                Question(Field("disclosure.when", "When it happened", .time, hint: "Now, or the time it actually took place"), \.disclosure.when, .time),
                Question(Field("disclosure.reasons", "Why shared without consent", .multiline(rows: 2)), \.disclosure.reasons, .text, when: without),
                Question(Field.yesNo("recipientAdvisedNoConsent", "Did you tell the recipient consent was refused or not sought?"),
                         \.disclosure.recipientAdvisedNoConsent, .yesNo, when: without),
            ]
        }
    }

    /// The questions of `steps` (every step unless given), as one form.
    static func spec(_ c: Case?, steps: [WalkthroughStep] = WalkthroughStep.allCases) -> FormSpec<WalkthroughAnswers> {
        FormSpec(fields: steps.flatMap { questions($0, c) }, blank: WalkthroughAnswers.init)
    }
}
