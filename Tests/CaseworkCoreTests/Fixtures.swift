import Foundation

/// The committed test fixtures: the spec's example case files (copied from
/// `shared/spec/examples/`) and the stores kept from older schema versions.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func caseFile(_ name: String) -> Data {
        // A missing fixture is a broken checkout; failing loudly is right here.
        try! Data(contentsOf: root.appendingPathComponent("cases/\(name).json"))
    }
}

import CaseworkCore

extension Fixtures {
    static let resources = root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources")

    static func resource(_ path: String) -> Data {
        try! Data(contentsOf: resources.appendingPathComponent(path))
    }

    static let guidance: Guidance = try! Guidance.decode(
        rules: resource("guidance/rules.json"), walkthrough: resource("guidance/walkthrough.json"),
        goldenRules: resource("guidance/golden-rules.json"))

    static let defaultPolicy: Policy = try! Policy.decodeDefault(resource("policy.json"), ruleIds: Rules.ids)

    static func example(_ name: String) -> Case { try! CaseFileCodec.decode(caseFile(name)) }
}
