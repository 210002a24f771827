/// Why sharing is considered, and whether the aim could be met without it (004, 001 "When?").
public struct Purpose: Codable, Hashable, Sendable {
    public var why: String?
    public var outcomeSought: String?
    public var achievableWithoutSharing: Bool?

    public init(why: String? = nil, outcomeSought: String? = nil, achievableWithoutSharing: Bool? = nil) {
        self.why = why; self.outcomeSought = outcomeSought; self.achievableWithoutSharing = achievableWithoutSharing
    }
}

/// Where the decision stands on consent: have it, refused, not sought (and why), or not needed.
public struct ConsentPosition: Codable, Hashable, Sendable {
    public var kind: ConsentPositionKind
    public var consentId: String?
    public var reason: NotSoughtReason?
    public var note: String?

    public init(kind: ConsentPositionKind, consentId: String? = nil, reason: NotSoughtReason? = nil, note: String? = nil) {
        self.kind = kind; self.consentId = consentId; self.reason = reason; self.note = note
    }
}

/// Advice sought before deciding, and what came of it (001 "record the outcome").
public struct AdviceEntry: Codable, Hashable, Sendable {
    public var from: String
    public var at: Timestamp
    public var advice: String?
    public var outcome: String?

    public init(from: String, at: Timestamp, advice: String? = nil, outcome: String? = nil) {
        self.from = from; self.at = at; self.advice = advice; self.outcome = outcome
    }
}

/// One answer to "should I share this with them?": the walkthrough's answers,
/// the outcome (share, share limited, do not share) and the reasons, which
/// golden rule 7 asks for whatever the outcome.
public struct SharingDecision: Codable, Hashable, Sendable {
    public var id: String
    public var concernId: String?
    public var episodeId: String
    public var decidedAt: Timestamp
    public var decidedBy: String
    public var purpose: Purpose
    public var identifiesIndividual: Bool?
    public var consentPosition: ConsentPosition?
    public var lawfulBasis: LawfulBasis?
    public var specialCategory: Bool?
    public var specialCategoryCondition: String?
    public var publicInterest: String?
    /// `nil` while the walkthrough is unfinished.
    public var outcome: Outcome?
    public var rationale: String?
    public var familyInformed: FamilyInformed?
    public var notInformedReason: String?
    public var advice: [AdviceEntry]
    // Version 2 (case-file-v2.md):
    /// For *do not share*: with whom it was not shared (000: record what was or was not shared, with whom).
    public var proposedRecipient: Party?
    /// For *do not share*: whether the person who asked was told why (000).
    public var requesterTold: Bool?
    /// Whether the information was given in confidence (002, 004 "Confidentiality").
    public var confidential: Bool?
    public var statutoryGateway: StatutoryGateway?
    /// Step 7's check: is sharing this, with them, necessary and proportionate (001 principles)?
    public var necessaryAndProportionate: Bool?

    public init(id: String, concernId: String? = nil, episodeId: String, decidedAt: Timestamp, decidedBy: String,
                purpose: Purpose = .init(), identifiesIndividual: Bool? = nil, consentPosition: ConsentPosition? = nil,
                lawfulBasis: LawfulBasis? = nil, specialCategory: Bool? = nil, specialCategoryCondition: String? = nil,
                publicInterest: String? = nil, outcome: Outcome? = nil, rationale: String? = nil,
                familyInformed: FamilyInformed? = nil, notInformedReason: String? = nil, advice: [AdviceEntry] = [],
                proposedRecipient: Party? = nil, requesterTold: Bool? = nil, confidential: Bool? = nil,
                statutoryGateway: StatutoryGateway? = nil, necessaryAndProportionate: Bool? = nil) {
        self.id = id; self.concernId = concernId; self.episodeId = episodeId; self.decidedAt = decidedAt
        self.decidedBy = decidedBy; self.purpose = purpose; self.identifiesIndividual = identifiesIndividual
        self.consentPosition = consentPosition; self.lawfulBasis = lawfulBasis; self.specialCategory = specialCategory
        self.specialCategoryCondition = specialCategoryCondition; self.publicInterest = publicInterest
        self.outcome = outcome; self.rationale = rationale; self.familyInformed = familyInformed
        self.notInformedReason = notInformedReason; self.advice = advice
        self.proposedRecipient = proposedRecipient; self.requesterTold = requesterTold; self.confidential = confidential
        self.statutoryGateway = statutoryGateway; self.necessaryAndProportionate = necessaryAndProportionate
    }
}
