import Foundation
import TerminalKit

/// What one rule says to the user, and where in the guidance it comes from.
public struct RuleText: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    /// With `{record}` and `{detail}` filled in by the finding.
    public var message: String
    /// Short form shown beside the flag, e.g. "Golden rule 7 (000, 001, 004)".
    public var source: String
    /// Seed documents and sections, for the longer help.
    public var reference: String
}

/// One step of the walkthrough, its reminder and its longer help.
public struct WalkthroughStepText: Hashable, Sendable, Codable {
    public var id: String
    public var number: Int
    public var title: String
    public var question: String
    public var reminder: String
    public var source: String
    public var help: String
}

/// A reminder shown outside the walkthrough (a child's words, a pre-birth case) or a myth the
/// guidance busts, with where the guidance says so.
public struct PromptText: Hashable, Sendable, Codable {
    public var id: String
    public var text: String
    public var source: String
}

/// One of the seven golden rules, summarised.
public struct GoldenRule: Hashable, Sendable, Codable {
    public var number: Int
    public var summary: String
}

/// The guidance the workbook shows, loaded from `Resources/guidance/` so an
/// organisation can put its local procedures in without a rebuild.
public struct Guidance: Sendable {
    public var rules: [String: RuleText]
    public var ruleOrder: [String]
    public var steps: [WalkthroughStepText]
    public var goldenRules: [GoldenRule]
    public var goldenRulesSource: String
    /// Prompts outside the walkthrough, by id (`childs-words`, `pre-birth`, `pre-birth-due`).
    public var prompts: [String: PromptText] = [:]
    /// The myths the guidance busts (001 section 6; 004), for the help screen.
    public var myths: [PromptText] = []

    struct RulesFile: Codable { var format: String; var note: String?; var rules: [RuleText] }
    struct StepsFile: Codable {
        var format: String; var note: String?; var steps: [WalkthroughStepText]
        var prompts: [PromptText]?; var myths: [PromptText]?
    }
    struct GoldenFile: Codable {
        struct Set: Codable { var source: String; var rules: [GoldenRule] }
        var format: String; var note: String?; var current: String; var sets: [String: Set]
    }

    /// Decodes the three guidance files; each must be complete and well formed.
    public static func decode(rules: Data, walkthrough: Data, goldenRules: Data) throws(CaseFileError) -> Guidance {
        let r = try CaseFileCodec.strict(RulesFile.self, rules)
        let s = try CaseFileCodec.strict(StepsFile.self, walkthrough)
        let g = try CaseFileCodec.strict(GoldenFile.self, goldenRules)
        guard let set = g.sets[g.current] else {
            throw CaseFileError(path: "current", "no set of golden rules named \(Quoted(g.current))")
        }
        var map: [String: RuleText] = [:]
        for (i, t) in r.rules.enumerated() {
            if map[t.id] != nil { throw CaseFileError(path: "rules[\(i)].id", "\(Quoted(t.id)) appears twice") }
            map[t.id] = t
        }
        return Guidance(rules: map, ruleOrder: r.rules.map(\.id), steps: s.steps, goldenRules: set.rules,
                        goldenRulesSource: set.source, prompts: Dictionary((s.prompts ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                        myths: s.myths ?? [])
    }

    public func step(_ id: String) -> WalkthroughStepText? { steps.first { $0.id == id } }

    /// A prompt's words with their source, if the guidance has it.
    public func prompt(_ id: String) -> String? { prompts[id].map { "\($0.text) (\($0.source))" } }
}
