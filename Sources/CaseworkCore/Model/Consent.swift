/// Who gave (or refused) a consent: the child or young person, or one of the case's people.
public enum GivenBy: Codable, Hashable, Sendable, CustomStringConvertible {
    case child
    case person(String)

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = raw == "child" ? .child : .person(raw)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String {
        switch self {
        case .child: "child"
        case .person(let id): id
        }
    }

    public var personId: String? {
        if case .person(let id) = self { return id }
        return nil
    }
}

/// What the person was told before giving consent (002, 004 "Consent must be informed").
public struct ConsentInformed: Codable, Hashable, Sendable {
    public var whatShared: String?
    public var why: String?
    public var withWhom: String?
    public var implications: String?
    public var understandingChecked: Bool?

    public init(whatShared: String? = nil, why: String? = nil, withWhom: String? = nil, implications: String? = nil, understandingChecked: Bool? = nil) {
        self.whatShared = whatShared; self.why = why; self.withWhom = withWhom
        self.implications = implications; self.understandingChecked = understandingChecked
    }
}

/// What a consent covers: its purposes, the recipients allowed, and who must not receive.
public struct ConsentScope: Codable, Hashable, Sendable {
    public var purposes: [String]
    public var recipients: [String]
    public var restrictions: [String]

    public init(purposes: [String] = [], recipients: [String] = [], restrictions: [String] = []) {
        self.purposes = purposes; self.recipients = recipients; self.restrictions = restrictions
    }
}

/// The five competence criteria for a child under 16 (004 "Children / Young People & Consent").
public struct CompetenceAssessment: Codable, Hashable, Sendable {
    public var understandsQuestion: Bool
    public var understandsImplications: Bool
    public var weighsAlternatives: Bool
    public var ownView: Bool
    public var consistent: Bool
    public var assessedBy: String
    public var assessedAt: Timestamp
    public var note: String?
    /// Version 2: the sixth question of 004, "weigh up one aspect of the situation against another".
    public var weighsAspects: Bool?
    /// Version 2.
    public var conclusion: CompetenceConclusion?

    public init(understandsQuestion: Bool, understandsImplications: Bool, weighsAlternatives: Bool, ownView: Bool,
                consistent: Bool, assessedBy: String, assessedAt: Timestamp, note: String? = nil,
                weighsAspects: Bool? = nil, conclusion: CompetenceConclusion? = nil) {
        self.understandsQuestion = understandsQuestion; self.understandsImplications = understandsImplications
        self.weighsAlternatives = weighsAlternatives; self.ownView = ownView; self.consistent = consistent
        self.assessedBy = assessedBy; self.assessedAt = assessedAt; self.note = note
        self.weighsAspects = weighsAspects; self.conclusion = conclusion
    }
}

extension CompetenceAssessment {
    /// The six questions of 004, in its order, with their answers (`nil`: not asked, a version 1 record).
    public var criteria: [(question: String, answer: Bool?)] {
        [("understands the question being asked", understandsQuestion),
         ("understands the implications of sharing or not", understandsImplications),
         ("can appreciate and consider the alternatives", weighsAlternatives),
         ("can weigh up one aspect of the situation against another", weighsAspects),
         ("can express their own view", ownView),
         ("is consistent in their view", consistent)]
    }
}

/// A young person's (16 or over) capacity for one specific decision (Mental Capacity Act; 004, 001:
/// capacity is decision-specific, never a general yes or no). Version 2.
public struct CapacityAssessment: Codable, Hashable, Sendable {
    public var decision: String
    public var lacksCapacity: Bool
    public var supportGiven: String?
    public var assessedBy: String
    public var assessedAt: Timestamp
    public var actingAs: CapacityActing?
    public var bestInterests: String?

    public init(decision: String, lacksCapacity: Bool, supportGiven: String? = nil, assessedBy: String, assessedAt: Timestamp,
                actingAs: CapacityActing? = nil, bestInterests: String? = nil) {
        self.decision = decision; self.lacksCapacity = lacksCapacity; self.supportGiven = supportGiven
        self.assessedBy = assessedBy; self.assessedAt = assessedAt; self.actingAs = actingAs; self.bestInterests = bestInterests
    }
}

/// A consent form: who gave or refused consent, for which episode, to what, in what form.
public struct Consent: Codable, Hashable, Sendable {
    public var id: String
    public var episodeId: String
    public var givenBy: GivenBy
    public var givenAt: Timestamp
    public var decision: ConsentDecision
    public var form: ConsentForm
    public var copyGivenToPerson: Bool?
    public var fileReference: String?
    public var whyNotWritten: String?
    public var informed: ConsentInformed
    public var scope: ConsentScope
    public var competence: CompetenceAssessment?
    public var reviewBy: Day?
    public var status: ConsentStatus
    public var withdrawnAt: Timestamp?
    /// Version 2.
    public var capacity: CapacityAssessment?
    /// Version 2: when it expired or was superseded.
    public var statusChangedAt: Timestamp?

    public init(id: String, episodeId: String, givenBy: GivenBy, givenAt: Timestamp, decision: ConsentDecision,
                form: ConsentForm, copyGivenToPerson: Bool? = nil, fileReference: String? = nil,
                whyNotWritten: String? = nil, informed: ConsentInformed = .init(), scope: ConsentScope = .init(),
                competence: CompetenceAssessment? = nil, reviewBy: Day? = nil, status: ConsentStatus = .active,
                withdrawnAt: Timestamp? = nil, capacity: CapacityAssessment? = nil, statusChangedAt: Timestamp? = nil) {
        self.id = id; self.episodeId = episodeId; self.givenBy = givenBy; self.givenAt = givenAt
        self.decision = decision; self.form = form; self.copyGivenToPerson = copyGivenToPerson
        self.fileReference = fileReference; self.whyNotWritten = whyNotWritten; self.informed = informed
        self.scope = scope; self.competence = competence; self.reviewBy = reviewBy; self.status = status
        self.withdrawnAt = withdrawnAt; self.capacity = capacity; self.statusChangedAt = statusChangedAt
    }
}
