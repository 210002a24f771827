import Foundation
import TerminalKit

/// An organisation's choices about the rules: which are on, how severe each
/// is, how many days a child protection concern may wait for a decision, and
/// whether advice flags reach the manager's review queue. The default lives in
/// `Resources/policy.json`; an organisation's file overrides any part of it.
public struct Policy: Hashable, Sendable, Codable {
    public struct RuleSetting: Hashable, Sendable, Codable {
        public var enabled: Bool
        public var severity: Severity

        public init(enabled: Bool, severity: Severity) { self.enabled = enabled; self.severity = severity }
    }

    public static let formatName = "casework-policy/1"
    public var format: String
    public var concernUndecidedDays: Int
    /// Which lawful basis the walkthrough suggests (000: public bodies usually public task
    /// or legal obligation; voluntary and private organisations legitimate interests).
    public var organisationSector: OrganisationSector
    public var adviceInReviewQueue: Bool
    /// How long an unfinished draft is kept: older ones are offered once more, then removed.
    public var draftKeepDays: Int
    /// The zone times are shown and typed in (an IANA name); Europe/London unless set.
    public var timeZone: String = LocalTime.defaultZone
    /// Years from closing a case to its retention review, as the organisation's retention policy says
    /// (001 "Record": kept no longer than necessary, a review scheduled); 6 unless set.
    public var retentionReviewYears: Int = Policy.defaultRetentionReviewYears
    public var rules: [String: RuleSetting]

    public static let defaultRetentionReviewYears = 6

    /// How this organisation's times are shown and read.
    public var localTime: LocalTime { LocalTime(identifier: timeZone) ?? .london }

    public func setting(_ rule: String) -> RuleSetting? { rules[rule] }

    enum CodingKeys: String, CodingKey {
        case format, concernUndecidedDays, organisationSector, adviceInReviewQueue, draftKeepDays, timeZone, retentionReviewYears, rules
    }

    /// A policy kept in a store by an earlier version has no sector: it reads as public.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        concernUndecidedDays = try c.decode(Int.self, forKey: .concernUndecidedDays)
        organisationSector = try c.decodeIfPresent(OrganisationSector.self, forKey: .organisationSector) ?? .public
        adviceInReviewQueue = try c.decode(Bool.self, forKey: .adviceInReviewQueue)
        draftKeepDays = try c.decode(Int.self, forKey: .draftKeepDays)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? LocalTime.defaultZone
        retentionReviewYears = try c.decodeIfPresent(Int.self, forKey: .retentionReviewYears) ?? Self.defaultRetentionReviewYears
        rules = try c.decode([String: RuleSetting].self, forKey: .rules)
    }

    /// The default zone and retention years are left out, so a policy that does not name one reads and compares as before.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(concernUndecidedDays, forKey: .concernUndecidedDays)
        try c.encode(organisationSector, forKey: .organisationSector)
        try c.encode(adviceInReviewQueue, forKey: .adviceInReviewQueue)
        try c.encode(draftKeepDays, forKey: .draftKeepDays)
        if timeZone != LocalTime.defaultZone { try c.encode(timeZone, forKey: .timeZone) }
        if retentionReviewYears != Self.defaultRetentionReviewYears { try c.encode(retentionReviewYears, forKey: .retentionReviewYears) }
        try c.encode(rules, forKey: .rules)
    }

    /// A stable text of the policy, for noticing when it changed.
    public var canonical: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a complete policy (the default), checking every rule the code knows is set.
    public static func decodeDefault(_ data: Data, ruleIds: [String]) throws(CaseFileError) -> Policy {
        let p = try CaseFileCodec.strict(Policy.self, data)
        try p.check(ruleIds: ruleIds)
        for id in ruleIds where p.rules[id] == nil {
            throw CaseFileError(path: "rules", "no setting for rule \(Quoted(id))")
        }
        return p
    }

    /// An organisation's override: any of the keys, any subset of rules,
    /// each rule giving `enabled`, `severity` or both. Applied on top of `base`.
    public static func decodeOverride(_ data: Data, over base: Policy) throws(CaseFileError) -> Policy {
        let o = try CaseFileCodec.strict(Override.self, data)
        if let f = o.format, f != formatName {
            throw CaseFileError(path: "format", "unsupported value \(Quoted(f)) (expected \"\(formatName)\")")
        }
        var p = base
        if let d = o.concernUndecidedDays { p.concernUndecidedDays = d }
        if let a = o.adviceInReviewQueue { p.adviceInReviewQueue = a }
        if let s = o.organisationSector { p.organisationSector = s }
        if let d = o.draftKeepDays { p.draftKeepDays = d }
        if let z = o.timeZone { p.timeZone = z }
        if let y = o.retentionReviewYears { p.retentionReviewYears = y }
        for (id, r) in o.rules ?? [:] {
            guard var s = p.rules[id] else { throw CaseFileError(path: "rules.\(id)", "unknown rule") }
            if let e = r.enabled { s.enabled = e }
            if let v = r.severity { s.severity = v }
            p.rules[id] = s
        }
        try p.check(ruleIds: Array(base.rules.keys))
        return p
    }

    struct Override: Codable {
        struct Rule: Codable {
            var enabled: Bool?
            var severity: Severity?
        }
        var format: String?
        var concernUndecidedDays: Int?
        var adviceInReviewQueue: Bool?
        var organisationSector: OrganisationSector?
        var draftKeepDays: Int?
        var timeZone: String?
        var retentionReviewYears: Int?
        var rules: [String: Rule]?
    }

    func check(ruleIds: [String]) throws(CaseFileError) {
        guard format == Self.formatName else {
            throw CaseFileError(path: "format", "unsupported value \(Quoted(format)) (expected \"\(Self.formatName)\")")
        }
        guard (0...365).contains(concernUndecidedDays) else {
            throw CaseFileError(path: "concernUndecidedDays", "must be a whole number of days from 0 to 365, not \(concernUndecidedDays)")
        }
        guard (1...365).contains(draftKeepDays) else {
            throw CaseFileError(path: "draftKeepDays", "must be a whole number of days from 1 to 365, not \(draftKeepDays)")
        }
        guard (1...100).contains(retentionReviewYears) else {
            throw CaseFileError(path: "retentionReviewYears", "must be a whole number of years from 1 to 100, not \(retentionReviewYears)")
        }
        guard LocalTime(identifier: timeZone) != nil else {
            throw CaseFileError(path: "timeZone", "unknown time zone \(Quoted(timeZone)) (expected a name such as \"Europe/London\")")
        }
        for id in rules.keys.sorted() where !ruleIds.contains(id) {
            throw CaseFileError(path: "rules.\(id)", "unknown rule")
        }
    }

}

/// The kind of organisation using Casework, for the lawful basis the walkthrough suggests (000).
public enum OrganisationSector: String, CaseFileEnum {
    case `public`, voluntary, `private`

    /// The Art. 6 bases such organisations usually rely on, most usual first (000
    /// "Understanding what is meant by the lawful basis to share information").
    public var usualBases: [LawfulBasis] {
        switch self {
        case .public: [.publicTask, .legalObligation]
        case .voluntary, .private: [.legitimateInterests]
        }
    }
}
