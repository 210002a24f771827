/// One child's case: the header (who owns it, when it was opened) and every
/// record kept on it. This is the unit a practitioner works on, a manager
/// reviews and the case-file format moves between workbooks.
public struct Case: Codable, Hashable, Sendable {
    public var id: String
    public var title: String
    public var opened: Day
    public var closed: Day?
    /// User name of the owning practitioner.
    public var worker: String
    public var team: String?
    public var retentionReviewBy: Day?
    public var careOrder: Bool
    /// When the care order began (004); with `careOrder`. Version 2.
    public var careOrderFrom: Day?
    public var child: Child
    public var people: [Person]
    public var episodes: [Episode]
    public var notes: [CaseNote]
    public var concerns: [Concern]
    public var consents: [Consent]
    public var decisions: [SharingDecision]
    public var disclosures: [Disclosure]
    public var reviews: [Review]

    public init(
        id: String, title: String, opened: Day, closed: Day? = nil, worker: String, team: String? = nil,
        retentionReviewBy: Day? = nil, careOrder: Bool = false, careOrderFrom: Day? = nil, child: Child, people: [Person] = [],
        episodes: [Episode] = [], notes: [CaseNote] = [], concerns: [Concern] = [], consents: [Consent] = [],
        decisions: [SharingDecision] = [], disclosures: [Disclosure] = [], reviews: [Review] = []
    ) {
        self.id = id; self.title = title; self.opened = opened; self.closed = closed
        self.worker = worker; self.team = team; self.retentionReviewBy = retentionReviewBy
        self.careOrder = careOrder; self.careOrderFrom = careOrderFrom; self.child = child; self.people = people; self.episodes = episodes
        self.notes = notes; self.concerns = concerns; self.consents = consents; self.decisions = decisions
        self.disclosures = disclosures; self.reviews = reviews
    }

    enum CodingKeys: String, CodingKey {
        case id, title, opened, closed, worker, team, retentionReviewBy, careOrder, careOrderFrom, child, people, episodes
        case notes, concerns, consents, decisions, disclosures, reviews
    }

    /// `notes` and `careOrder` may be absent from a case file (case-file-v1.md).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        opened = try c.decode(Day.self, forKey: .opened)
        closed = try c.decodeIfPresent(Day.self, forKey: .closed)
        worker = try c.decode(String.self, forKey: .worker)
        team = try c.decodeIfPresent(String.self, forKey: .team)
        retentionReviewBy = try c.decodeIfPresent(Day.self, forKey: .retentionReviewBy)
        careOrder = try c.decodeIfPresent(Bool.self, forKey: .careOrder) ?? false
        careOrderFrom = try c.decodeIfPresent(Day.self, forKey: .careOrderFrom)
        child = try c.decode(Child.self, forKey: .child)
        people = try c.decode([Person].self, forKey: .people)
        episodes = try c.decode([Episode].self, forKey: .episodes)
        notes = try c.decodeIfPresent([CaseNote].self, forKey: .notes) ?? []
        concerns = try c.decode([Concern].self, forKey: .concerns)
        consents = try c.decode([Consent].self, forKey: .consents)
        decisions = try c.decode([SharingDecision].self, forKey: .decisions)
        disclosures = try c.decode([Disclosure].self, forKey: .disclosures)
        reviews = try c.decode([Review].self, forKey: .reviews)
    }

    /// The child's age in whole years on `day`, if the date of birth is known.
    public func childAge(on day: Day) -> Int? {
        child.dateOfBirth.map { $0.years(until: day) }
    }

    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func episode(_ id: String) -> Episode? { episodes.first { $0.id == id } }
    public func concern(_ id: String) -> Concern? { concerns.first { $0.id == id } }
    public func consent(_ id: String) -> Consent? { consents.first { $0.id == id } }
    public func decision(_ id: String) -> SharingDecision? { decisions.first { $0.id == id } }
    public func disclosure(_ id: String) -> Disclosure? { disclosures.first { $0.id == id } }
}

/// The child the case is about. Age is never stored: it is derived on the date that matters.
public struct Child: Codable, Hashable, Sendable {
    public var name: String
    public var dateOfBirth: Day?
    /// For a pre-birth case (004 "What about sharing information pre-birth?").
    public var expectedBirth: Day?
    public var preferredCommunication: String?

    /// A pre-birth case: an expected birth and no date of birth yet (004).
    public var isUnborn: Bool { dateOfBirth == nil && expectedBirth != nil }

    public init(name: String, dateOfBirth: Day? = nil, expectedBirth: Day? = nil, preferredCommunication: String? = nil) {
        self.name = name; self.dateOfBirth = dateOfBirth; self.expectedBirth = expectedBirth
        self.preferredCommunication = preferredCommunication
    }
}

/// A family member or other person on the case, with whether they hold parental responsibility.
public struct Person: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var relationship: String
    public var parentalResponsibility: ParentalResponsibility
    public var livesWithChild: Bool
    /// Mental Capacity Act, for people of 16 and over (004 "Mental Capacity Act").
    public var lacksCapacity: Bool?

    public init(id: String, name: String, relationship: String, parentalResponsibility: ParentalResponsibility,
                livesWithChild: Bool, lacksCapacity: Bool? = nil) {
        self.id = id; self.name = name; self.relationship = relationship
        self.parentalResponsibility = parentalResponsibility; self.livesWithChild = livesWithChild
        self.lacksCapacity = lacksCapacity
    }
}

/// A period of work with the family. Consent belongs to one episode (002).
public struct Episode: Codable, Hashable, Sendable {
    public var id: String
    public var started: Day
    public var ended: Day?
    public var reason: String?

    public init(id: String, started: Day, ended: Day? = nil, reason: String? = nil) {
        self.id = id; self.started = started; self.ended = ended; self.reason = reason
    }
}

/// The practitioner's running record: a visit, call, meeting, observation or the child's own words.
public struct CaseNote: Codable, Hashable, Sendable {
    public var id: String
    public var at: Timestamp
    public var by: String
    public var kind: NoteKind
    public var text: String
    public var episodeId: String?
    /// Marks the note as the writer's opinion rather than fact (the "accurate" principle).
    public var opinion: Bool?

    public init(id: String, at: Timestamp, by: String, kind: NoteKind, text: String, episodeId: String? = nil, opinion: Bool? = nil) {
        self.id = id; self.at = at; self.by = by; self.kind = kind; self.text = text
        self.episodeId = episodeId; self.opinion = opinion
    }
}

/// What worries the practitioner, and whether the child is suffering or likely to suffer significant harm.
public struct Concern: Codable, Hashable, Sendable {
    public var id: String
    public var recorded: Timestamp
    public var summary: String
    public var category: ConcernCategory
    public var riskLevel: RiskLevel
    public var childProtection: Bool

    public init(id: String, recorded: Timestamp, summary: String, category: ConcernCategory, riskLevel: RiskLevel, childProtection: Bool) {
        self.id = id; self.recorded = recorded; self.summary = summary; self.category = category
        self.riskLevel = riskLevel; self.childProtection = childProtection
    }

    /// A risk, or a perceived risk, of harm (golden rule 3, 000): established or suspected harm,
    /// or significant harm (child protection).
    public var isRiskOfHarm: Bool { childProtection || riskLevel.isHarm }
}

extension Case {
    /// The next record id with `prefix` ("N", "D", "R"...): one more than the highest held.
    public func nextId(_ prefix: String) -> String {
        let n = records.compactMap { $0.id.hasPrefix(prefix) ? Int($0.id.dropFirst(prefix.count)) : nil }.max() ?? 0
        return "\(prefix)\(n + 1)"
    }
}
