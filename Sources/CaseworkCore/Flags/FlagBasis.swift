import Foundation

/// What a store's flags are computed from, besides the manager's policy
/// override: the default policy and each rule's message and source. Kept in
/// the store, so one person's copy of Casework (or a `CASEWORK_RESOURCES`
/// pointing at edited files) cannot change everyone's stored flags; a
/// manager adopts a new basis after an upgrade (`casework policy adopt`), audited.
public struct FlagBasis: Codable, Hashable, Sendable {
    public var defaultPolicy: Policy
    public var rules: [RuleText]

    public init(defaultPolicy: Policy, guidance: Guidance) {
        self.defaultPolicy = defaultPolicy
        rules = guidance.ruleOrder.compactMap { guidance.rules[$0] }
    }

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
