/// A party to an exchange: a name, a role, an agency (any may be unknown).
public struct Party: Codable, Hashable, Sendable {
    public var name: String?
    public var role: String?
    public var agency: String?

    public init(name: String? = nil, role: String? = nil, agency: String? = nil) {
        self.name = name; self.role = role; self.agency = agency
    }

    /// The non-empty parts, for matching against a consent's recipients.
    public var names: [String] { [agency, role, name].compactMap { $0 }.filter { !$0.isBlank } }
    public var isEmpty: Bool { agency.isBlank && role.isBlank && name.isBlank }
}

/// One item of information shared, marked fact, opinion or historical.
public struct SharedItem: Codable, Hashable, Sendable {
    public var text: String
    public var kind: ItemKind?

    public init(text: String, kind: ItemKind? = nil) { self.text = text; self.kind = kind }
}

/// One actual exchange of information, outgoing or incoming: the disclosure log (002).
public struct Disclosure: Codable, Hashable, Sendable {
    public var id: String
    public var direction: Direction
    /// Outgoing: the decision this disclosure carries out.
    public var decisionId: String?
    public var when: Timestamp?
    public var by: String?
    public var to: Party?
    /// Incoming: who provided it.
    public var from: Party?
    public var method: SharingMethod?
    public var recipientIdentityChecked: Bool?
    public var items: [SharedItem]
    public var wholeFile: Bool?
    public var consentStatus: DisclosureConsentStatus?
    public var consentId: String?
    public var reasons: String?
    public var lawfulBasis: LawfulBasis?
    public var recipientAdvisedNoConsent: Bool?
    public var restrictions: [String]
    public var scheme: DisclosureScheme
    public var undertakingSigned: Bool?
    /// Version 2: pre-birth sharing, whether the reason was explained to the recipient (004).
    public var reasonExplainedToRecipient: Bool?

    public init(id: String, direction: Direction, decisionId: String? = nil, when: Timestamp? = nil, by: String? = nil,
                to: Party? = nil, from: Party? = nil, method: SharingMethod? = nil, recipientIdentityChecked: Bool? = nil,
                items: [SharedItem] = [], wholeFile: Bool? = nil, consentStatus: DisclosureConsentStatus? = nil,
                consentId: String? = nil, reasons: String? = nil, lawfulBasis: LawfulBasis? = nil,
                recipientAdvisedNoConsent: Bool? = nil, restrictions: [String] = [], scheme: DisclosureScheme = .none,
                undertakingSigned: Bool? = nil, reasonExplainedToRecipient: Bool? = nil) {
        self.id = id; self.direction = direction; self.decisionId = decisionId; self.when = when; self.by = by
        self.to = to; self.from = from; self.method = method; self.recipientIdentityChecked = recipientIdentityChecked
        self.items = items; self.wholeFile = wholeFile; self.consentStatus = consentStatus; self.consentId = consentId
        self.reasons = reasons; self.lawfulBasis = lawfulBasis; self.recipientAdvisedNoConsent = recipientAdvisedNoConsent
        self.restrictions = restrictions; self.scheme = scheme; self.undertakingSigned = undertakingSigned
        self.reasonExplainedToRecipient = reasonExplainedToRecipient
    }
}

/// What a review is about: a record, and optionally one flag (rule) on it.
public struct ReviewTarget: Codable, Hashable, Sendable {
    public var rule: String?
    public var record: String

    public init(rule: String? = nil, record: String) { self.rule = rule; self.record = record }
}

/// A manager's recorded action on a flag, a record or the whole case.
public struct Review: Codable, Hashable, Sendable {
    public var id: String
    public var by: String
    public var at: Timestamp
    public var target: ReviewTarget
    public var action: ReviewAction
    public var note: String

    public init(id: String, by: String, at: Timestamp, target: ReviewTarget, action: ReviewAction, note: String) {
        self.id = id; self.by = by; self.at = at; self.target = target; self.action = action; self.note = note
    }
}

extension String {
    /// Empty or only white space: what the rules treat as "not recorded".
    public var isBlank: Bool {
        // ASCII decides at its first byte: space, tab and line ends are white space, anything else is not.
        // Other text is judged by its characters.
        for b in utf8 {
            if b >= 0x80 { return allSatisfy { $0.isWhitespace } }
            if b != 0x20 && !(0x09...0x0D).contains(b) { return false }
        }
        return true
    }
}

extension Optional where Wrapped == String {
    public var isBlank: Bool { self?.isBlank ?? true }
}
