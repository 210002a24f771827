import CaseworkCore
import CaseworkTestSupport
import Foundation

/// The guidance, default policy and example cases the core's tests run on.
enum Fixtures {
    static func resource(_ path: String) -> Data {
        try! Data(contentsOf: Repository.resources.appendingPathComponent(path))
    }

    static let guidance: Guidance = try! Guidance.decode(
        rules: resource("guidance/rules.json"), walkthrough: resource("guidance/walkthrough.json"),
        goldenRules: resource("guidance/golden-rules.json"))

    static let defaultPolicy: Policy = try! Policy.decodeDefault(resource("policy.json"), ruleIds: Rules.ids)

    static func example(_ name: String) -> Case { try! CaseFileCodec.decode(Repository.caseFile(name)) }
}
