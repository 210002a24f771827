import TerminalKit

/// A closed list of values in the case-file format: decoding anything else
/// fails with a message naming the value and the allowed ones.
public protocol CaseFileEnum: RawRepresentable, CaseIterable, Codable, Hashable, Sendable
where RawValue == String {}

extension CaseFileEnum {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let allowed = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            // A mistyped code is quoted; anything longer may be someone's words, and is not.
            let value = CaseValidation.isValidId(raw) && raw.count <= 40 ? "unknown value \(Quoted(raw))" : "a value that is not a code"
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(value) (expected one of \(allowed))")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

public enum ParentalResponsibility: String, CaseFileEnum { case yes, no, unknown }

public enum NoteKind: String, CaseFileEnum {
    case visit, phone, meeting, observation, childsWords = "childs-words", other
}

public enum ConcernCategory: String, CaseFileEnum {
    case abuse, neglect, exploitation, missing, domesticAbuse = "domestic-abuse", other
}

/// The level of risk behind a concern (000: established, suspected or potential, wellbeing need).
public enum RiskLevel: String, CaseFileEnum {
    case established, suspected, wellbeing

    /// Established or suspected harm: a risk, or a perceived risk, of harm (000), not a wellbeing need.
    public var isHarm: Bool { self != .wellbeing }
}

public enum ConsentDecision: String, CaseFileEnum {
    case given, refused, givenWithRestrictions = "given-with-restrictions"
}

public enum ConsentForm: String, CaseFileEnum { case written, verbal, implied }

public enum ConsentStatus: String, CaseFileEnum { case active, withdrawn, expired, superseded }

public enum ConsentPositionKind: String, CaseFileEnum {
    case have, refused, notSought = "not-sought", notNeeded = "not-needed"
}

/// Why consent was not sought (002 "Where information may be shared without consent"; 004; 000).
public enum NotSoughtReason: String, CaseFileEnum {
    case riskToChild = "risk-to-child"
    case riskToAdult = "risk-to-adult"
    case prejudiceCrimeInvestigation = "prejudice-crime-investigation"
    case unjustifiedDelay = "unjustified-delay"
    case cannotGive = "cannot-give"
    case statutoryDutyOrOrder = "statutory-duty-or-order"
    case notIdentifying = "not-identifying"
    /// Version 2: you would share anyway, so asking would not be a real choice (004).
    case noRealChoice = "no-real-choice"
    /// Version 2: no one with parental responsibility can be reached in time (000).
    case notPracticable = "not-practicable"

    /// The reasons a version 1 case file may not give.
    public var isVersion2: Bool { self == .noRealChoice || self == .notPracticable }
}

/// A statute that gives a gateway to share (001 "Legislation"). Version 2.
public enum StatutoryGateway: String, CaseFileEnum {
    case ca1989s47 = "ca1989-s47", ca2004s10 = "ca2004-s10", ca2004s11 = "ca2004-s11", cda1998s115 = "cda1998-s115"
    case ea2002s175 = "ea2002-s175", courtOrder = "court-order", other
}

/// The conclusion of a competence assessment (004). Version 2.
public enum CompetenceConclusion: String, CaseFileEnum { case competent, notCompetent = "not-competent" }

/// Who acts for a young person of 16 or over who lacks capacity for a decision (Mental Capacity Act; 004, 001). Version 2.
public enum CapacityActing: String, CaseFileEnum { case bestInterests = "best-interests", attorney, deputy }

/// UK GDPR Article 6 lawful bases (001 "The GDPR and Data Protection Act 2018").
public enum LawfulBasis: String, CaseFileEnum {
    case publicTask = "public-task"
    case legalObligation = "legal-obligation"
    case legitimateInterests = "legitimate-interests"
    case vitalInterests = "vital-interests"
    case consent
    case contract
}

public enum Outcome: String, CaseFileEnum {
    case share, shareLimited = "share-limited", doNotShare = "do-not-share"

    public var isShare: Bool { self != .doNotShare }
}

public enum FamilyInformed: String, CaseFileEnum { case yes, no, later }

public enum Direction: String, CaseFileEnum { case outgoing, incoming }

public enum SharingMethod: String, CaseFileEnum {
    case secureEmail = "secure-email"
    case unencryptedEmail = "unencrypted-email"
    case phone
    case faceToFace = "face-to-face"
    case meeting, letter
    case securePortal = "secure-portal"
    case fax, voicemail

    /// Methods the guidance says not to use for personal information: unencrypted email
    /// (001 "Sharing information securely") and voicemail (004). Fax is allowed with checks.
    public var isInsecure: Bool { self == .unencryptedEmail || self == .voicemail }

    /// What must be confirmed before sharing this way (001 "Sharing information securely"), if anything.
    public var recipientCheck: String? {
        switch self {
        case .phone: "the recipient's identity and entitlement"
        case .fax: "the fax number and that the recipient is waiting"
        case .letter: "the address"
        default: nil
        }
    }
}

/// How an item shared is to be read (the "accurate" principle: fact apart from opinion).
public enum ItemKind: String, CaseFileEnum { case fact, opinion, historical }

public enum DisclosureConsentStatus: String, CaseFileEnum {
    case withConsent = "with-consent", refused, notSought = "not-sought"

    public var isWithoutConsent: Bool { self != .withConsent }
}

/// Disclosure schemes (002, 001): DVDS "right to ask" / "right to know", CSOD.
public enum DisclosureScheme: String, CaseFileEnum {
    case none
    case dvdsRightToAsk = "dvds-right-to-ask"
    case dvdsRightToKnow = "dvds-right-to-know"
    case csod

    /// Only the child sex offender disclosure scheme asks for a signed undertaking (001, 002); DVDS does not.
    public var needsUndertaking: Bool { self == .csod }
}

public enum ReviewAction: String, CaseFileEnum {
    case returned, accepted, escalated, signedOff = "signed-off"
}
