import Foundation

/// What a store's flags are computed from, besides the manager's policy
/// override: the default policy and each rule's message and source. Kept in
/// the store, so one person's copy of Casework (or a `CASEWORK_RESOURCES`
/// pointing at edited files) cannot change everyone's stored flags; a
/// manager adopts a new basis after an upgrade (`casework policy adopt`), audited.
public struct FlagBasis: Codable, Hashable, Sendable {
    public var defaultPolicy: Policy
    public var rules: [RuleText]
    /// The version of the rules (`Rules.version`) these texts and this policy
    /// were written for; absent in bases kept before version 2, so 1.
    public var rulesVersion: Int?

    public init(defaultPolicy: Policy, guidance: Guidance) {
        self.defaultPolicy = defaultPolicy
        rules = guidance.ruleOrder.compactMap { guidance.rules[$0] }
        rulesVersion = Rules.version
    }

    /// Whether this basis was written for older rules than the ones running:
    /// its texts describe rules that have since changed, so an upgraded
    /// Casework computes with its own basis instead (a guidance change).
    public var predatesRules: Bool { (rulesVersion ?? 1) < Rules.version }

    /// The stored form: stable for equal bases.
    public var text: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func decode(_ text: String) -> FlagBasis? {
        try? JSONDecoder().decode(FlagBasis.self, from: Data(text.utf8))
    }

    /// `guidance` with this basis's rule texts: the words stored flags carry.
    public func applied(to guidance: Guidance) -> Guidance {
        var g = guidance
        for r in rules { g.rules[r.id] = r }
        return g
    }
}
