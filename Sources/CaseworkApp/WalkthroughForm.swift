import CaseworkCore

/// The walkthrough's answers as one typed value. A question about the decision or the disclosure
/// fills that record's own field, so a new such question is one line in its step; the answers kept
/// apart (the concern, consent, the lawful basis, the Art. 9 condition, advice) are settled across
/// questions in `Walkthrough.records`.
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
    /// The real-choice test (004): would you share even if the person said no? Not stored: it
    /// decides what the consent step offers, and a saved "no real choice" reason answers it again.
    var shareAnyway: Bool?
    /// have, not-sought, refused or seek-now.
    var consentKind: String?
    var consentId: String?
    var consentReason: NotSoughtReason?
    var consentNote: String?
    /// A lawful basis, or "none": do not share.
    var lawfulBasis: String?
    /// One of `SpecialCategoryConditions.offered`, or "other" with `conditionOther` written.
    var conditionCode: String?
    var conditionOther: String?
    var adviceSought: Bool?
    var adviceFrom: String?
    var adviceAt: Timestamp?
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
            if p.reason == .noRealChoice { shareAnyway = true }
        }
        lawfulBasis = d.lawfulBasis?.rawValue
        if let condition = d.specialCategoryCondition, !condition.isBlank {
            let offered = SpecialCategoryConditions.offered.contains { $0.code == condition }
            conditionCode = offered ? condition : "other"
            conditionOther = offered ? nil : condition
        }
        if let a = d.advice.first {
            adviceSought = true
            adviceFrom = a.from
            adviceAt = a.at
            advice = a.advice
            adviceOutcome = a.outcome
        }
    }
}

extension SharingDecision {
    /// The proposed recipient as the form fills it in (none yet: an empty party).
    var recipientParty: Party {
        get { proposedRecipient ?? Party() }
        set { proposedRecipient = newValue.isEmpty ? nil : newValue }
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
                Question(Field("concern.riskLevel", "Is there a risk, or a perceived risk, of harm to the child?",
                               .choice(RiskLevel.allCases.map { Choice($0.rawValue, $0.label) }),
                               hint: "Suspected or potential harm counts: sharing does not wait for a threshold (golden rule 3, 000)"),
                         \.newConcernRisk, .choice(RiskLevel.self), when: isNew),
                Question(info: "risk.info", "") { v, c in
                    Walkthrough.riskOfHarm(v, c)
                        ? "With a risk of harm, consent is not needed to share, and should not be sought where you would share anyway (golden rule 3, 000; 004)."
                        : nil
                },
                Question(Field.yesNo("childProtection", "Is the child suffering, or likely to suffer, significant harm?"), \.childProtection, .yesNo),
                Question(info: "cp.info", "") { v, _ in
                    Walkthrough.childProtection(v)
                        ? "Refer to children's social care today. Where a crime or immediate danger is suspected, call the police now (999) (001 section 4)."
                        : nil
                },
            ]
        case .purpose:
            return [
                Question(Field.yesNo("purpose.legitimate", "Is there a clear and legitimate purpose for sharing?"), \.purposeLegitimate, .yesNo),
                Question(Field("purpose.why", "Why share?", .multiline(rows: 2)), \.decision.purpose.why, .text),
                Question(Field("purpose.outcomeSought", "What outcome do you want?", .multiline(rows: 2)), \.decision.purpose.outcomeSought, .text),
                Question(Field.yesNo("purpose.achievableWithoutSharing", "Could that be achieved without sharing?"), \.decision.purpose.achievableWithoutSharing, .yesNo),
            ]
        case .identifiable:
            return [Question(Field.yesNo("identifiesIndividual", "Does the information identify someone?"), \.decision.identifiesIndividual, .yesNo)]
        case .consent:
            let kind = { (k: String) in { (v: FormValues, _: Case?) in v["consent.kind"] == k } }
            return [
                Question(Field.yesNo("shareAnyway", "Would you share even if they said no?",
                                     hint: "Seek consent only when the person has a real choice (004)"), \.shareAnyway, .yesNo),
                Question(info: "choice.info", "") { v, c in
                    guard v["shareAnyway"] == "yes" else { return nil }
                    return (Walkthrough.riskOfHarm(v, c) ? "There is a risk of harm: " : "")
                        + "do not seek consent, as asking would not give a real choice (004). Be open with them about what you share and why, unless that would increase the risk (golden rule 2)."
                },
                Question("consent.kind", { v, _ in
                    Field("consent.kind", "Consent", .choice([Choice("have", "have consent"), Choice("not-sought", "not sought"), Choice("refused", "refused")]
                                                             + (Walkthrough.offersSeekNow(v) ? [Choice("seek-now", "seek it now")] : [])))
                }, \.consentKind, .text),
                Question("consent.id", { v, c in
                    let usable = c.map { Walkthrough.usableConsents($0, for: Walkthrough.recipient(v)) } ?? []
                    return Field("consent.id", "Which consent", .choice(usable.map { k in
                        Choice(k.id, "\(k.id) for: \(k.scope.recipients.isEmpty ? "no recipient named" : k.scope.recipients.joined(separator: ", "))")
                    }))
                }, \.consentId, .text, when: kind("have")),
                Question(info: "consent.others", "") { v, c in
                    guard v["consent.kind"] == "have", let c else { return nil }
                    let reasons = Walkthrough.unusableConsents(c, for: Walkthrough.recipient(v)).map { "\($0.consent.id) not offered: \($0.why)" }
                    return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
                },
                Question(Field("consent.reason", "Why not sought", .choice(NotSoughtReason.allCases.filter { $0 != .notIdentifying }.map {
                    Choice($0.rawValue, $0.label) })), \.consentReason, .choice(NotSoughtReason.self), when: kind("not-sought")),
                Question(info: "consent.info", "") { v, _ in
                    switch v["consent.kind"] {
                    case "have": "Their agreement is recorded; it does not choose the lawful basis, which is asked next (000 'The complexities of consent')."
                    case "refused": "A refusal is recorded and does not end the question: confidential information may still be shared in the public interest (002, 004)."
                    case "seek-now": "The next step opens the consent form; you come back here when it is saved."
                    default: nil
                    }
                },
                Question(Field("consent.note", "Notes on consent"), \.consentNote, .text),
            ]
        case .lawfulBasis:
            let basis = { (b: String) in { (v: FormValues, _: Case?) in v["lawfulBasis"] == b } }
            let withoutConsent = { (v: FormValues) in ["refused", "not-sought"].contains(v["consent.kind"] ?? "") }
            return [
                Question(info: "basis.suggested", "") { v, _ in
                    let sector = v["sector"].flatMap(OrganisationSector.init(rawValue:)) ?? .public
                    return "Usual for a \(sector.label): \(sector.usualBases.map(\.label).joined(separator: " or ")) (000). Having consent does not make consent the basis."
                },
                Question(Field("lawfulBasis", "Lawful basis (UK GDPR Art. 6)", .choice(
                    LawfulBasis.allCases.map { Choice($0.rawValue, $0.label) } + [Choice("none", "none: do not share")]),
                               clears: .lawfulBasis), \.lawfulBasis, .text),
                Question(info: "basis.consent", "") { v, _ in
                    v["lawfulBasis"] == "consent"
                        ? "Consent is rarely the right basis in safeguarding: it must be freely given, can be withdrawn at any time, and you may need to share without it (000, 003)."
                        : nil
                },
                Question(Field.yesNo("specialCategory", "Is any of it special category (health, sexual life, ethnicity, religion...)?",
                                     clears: .specialCategory), \.decision.specialCategory, .yesNo, when: { v, _ in v["lawfulBasis"] != "none" }),
                Question(Field("specialCategoryCondition", "Which Art. 9 condition?", .choice(
                    SpecialCategoryConditions.offered.map { Choice($0.code, $0.label) } + [Choice("other", "other (write it)")]),
                               clears: .specialCategoryCondition), \.conditionCode, .text, when: yes("specialCategory")),
                Question(Field("specialCategoryCondition.other", "The condition"), \.conditionOther, .text,
                         when: { v, _ in v["specialCategory"] == "yes" && v["specialCategoryCondition"] == "other" }),
                Question(Field("statutoryGateway", "A statutory gateway, if one applies", .choice(
                    [Choice("none", "none")] + StatutoryGateway.allCases.map { Choice($0.rawValue, $0.label) }),
                               hint: "s.115 of the Crime and Disorder Act is a power to share, not a duty (001 'Legislation')"),
                         \.decision.statutoryGateway, Converter(read: { $0?.rawValue ?? "none" }, write: { v, id, _ in v.choice(id, StatutoryGateway.self) }),
                         when: { v, _ in v["lawfulBasis"] != "none" }),
                Question(Field.yesNo("confidential", "Was any of it given to you in confidence?"), \.decision.confidential, .yesNo,
                         when: { v, _ in v["lawfulBasis"] != "none" }),
                Question(Field("publicInterest", "Public interest: what might happen if you share, and if you do not?", .multiline(rows: 3),
                               clears: .publicInterest),
                         \.decision.publicInterest, .text,
                         when: { v, c in (withoutConsent(v) && yes("confidential")(v, c)) || v.text("publicInterest") != nil }),
                Question(info: "basis.none", "") { v, c in basis("none")(v, c) ? "With no lawful basis the answer is do not share (001 flowchart)." : nil },
            ]
        case .advice:
            let sought = yes("advice.sought")
            return [
                Question(info: "advice.info", "") { _, _ in
                    "You can ask for advice without naming the child or family (001)."
                },
                Question(Field.yesNo("advice.sought", "Did you seek advice?"), \.adviceSought, .yesNo),
                Question(Field("advice.from", "From whom (role)"), \.adviceFrom, .text, when: sought),
                Question(Field("advice.at", "When", .time), \.adviceAt, .time, when: sought),
                Question(Field("advice.advice", "The advice", .multiline(rows: 2)), \.advice, .text, when: sought),
                Question(Field("advice.outcome", "The outcome", .multiline(rows: 2), clears: .advice), \.adviceOutcome, .text, when: sought),
            ]
        case .what:
            return [
                Question(Field("items", "Items to share, one per line", .multiline(rows: 4),
                               hint: "Start each with fact: or opinion: (historical: for the past, saying which it is)"),
                         \.disclosure.items, .items),
                Question(Field.yesNo("wholeFile", "Are you sharing the whole case file?", hint: "It is rarely needed (004)"), \.disclosure.wholeFile, .yesNo),
                Question(Field.yesNo("necessaryAndProportionate", "Is sharing this, with them, necessary and proportionate?",
                                     hint: "Only what the purpose and the level of risk need (001 principles)"),
                         \.decision.necessaryAndProportionate, .yesNo),
            ]
        case .whoHow:
            return [
                Question(Field("to.name", "Recipient's name"), \.disclosure.toParty.name, .text),
                Question(Field("to.role", "Their role"), \.disclosure.toParty.role, .text),
                Question(Field("to.agency", "Their agency"), \.disclosure.toParty.agency, .text),
                Question(info: "restriction.warning", "") { v, c in
                    guard let c, let x = Rules.restriction(on: Walkthrough.recipient(v), in: c) else { return nil }
                    return "Warning: \(x.id) was received on condition that it does not go to this recipient (002)."
                },
                Question(Field.options("method", "How", SharingMethod.self), \.disclosure.method, .choice(SharingMethod.self)),
                Question("recipientIdentityChecked", { v, _ in
                    let check = v.choice("method", SharingMethod.self)?.recipientCheck ?? "the recipient"
                    return Field.yesNo("recipientIdentityChecked", "Did you confirm \(check)?")
                }, \.disclosure.recipientIdentityChecked, .yesNo,
                   when: { v, _ in v.choice("method", SharingMethod.self)?.recipientCheck != nil }),
                Question(info: "method.info", "") { v, _ in
                    v.choice("method", SharingMethod.self)?.isInsecure == true
                        ? "Unencrypted email and voicemail are not secure for personal information (001, 004)." : nil
                },
                Question(Field("restrictions", "Restrictions on onward use (one per line)", .multiline(rows: 2)), \.disclosure.restrictions, .lines),
            ]
        case .transparency:
            return [
                Question(Field("familyInformed", "Will the child or family be told?", .choice([Choice("yes"), Choice("no"), Choice("later")])),
                         \.decision.familyInformed, .choice(FamilyInformed.self)),
                Question(Field("notInformedReason", "Why not (now)?", .multiline(rows: 2), clears: .notInformedReason), \.decision.notInformedReason, .text,
                         when: { v, _ in v["familyInformed"] == "no" || v["familyInformed"] == "later" }),
            ]
        case .decision:
            let notShared = { (v: FormValues, _: Case?) in v["outcome"] == Outcome.doNotShare.rawValue }
            return [
                Question(info: "summary", "Your answers") { v, c in c.map { Walkthrough.summary(v, $0) } ?? "" },
                // Each answered by its own first letter: s, l, d.
                Question(Field("outcome", "Decision", .choice([Choice(Outcome.share.rawValue, "share"),
                                                                Choice(Outcome.shareLimited.rawValue, "limited: share only part of it"),
                                                                Choice(Outcome.doNotShare.rawValue, "do not share")]), clears: .outcome),
                         \.decision.outcome, .choice(Outcome.self)),
                // The reasons next to the decision; the recipient, filled in from step 8, after them.
                Question(Field("rationale", "Why, in your own words (required)", .multiline(rows: 4), clears: .rationale), \.decision.rationale, .text),
                Question(Field("recipient.name", "Who it is (or would have been) shared with: name", clears: .proposedRecipient),
                         \.decision.recipientParty.name, .text),
                Question(Field("recipient.role", "Their role"), \.decision.recipientParty.role, .text),
                Question(Field("recipient.agency", "Their agency"), \.decision.recipientParty.agency, .text),
                Question(Field.yesNo("requesterTold", "Were they told why it is not shared?", hint: "Record what was not shared, with whom, and why (000)"),
                         \.decision.requesterTold, .yesNo, when: notShared),
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
