import CaseworkTestSupport
import Foundation
import Testing
@testable import CaseworkCore

/// Case file format version 2 (`shared/spec/case-file-v2.md`): read in either version, written as
/// version 2; a version 1 file that uses a version 2 key says the wrong version, and is refused
/// naming the key. The fixtures are the spec's own examples (`Tests/Fixtures/cases-v2/`).
@Suite("Case file format v2")
struct CaseFileV2Tests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Repository.fixtures.appendingPathComponent("cases-v2/\(name).json"))
    }

    static func tree(_ data: Data) throws -> [String: Any] { try JSONSerialization.jsonObject(with: data) as! [String: Any] }

    @Test("the spec's version 2 examples import and round-trip; every case is written as version 2", arguments: ["recorded-well", "gaps"])
    func examples(name: String) throws {
        let c = try CaseFileCodec.decode(Self.fixture(name))
        let written = CaseFileCodec.encode(c)
        #expect(try Self.tree(written)["format"] as? String == "casework-case/2")
        #expect(try CaseFileCodec.decode(written) == c, "read back as written")
    }

    @Test("recorded-well's version 2 answers are read: confidential, with the special-category question answered")
    func version2Values() throws {
        let c = try CaseFileCodec.decode(Self.fixture("recorded-well"))
        #expect(c.decisions.contains { $0.confidential != nil })
    }

    @Test("a version 1 file still imports, read with every version 2 key absent, and is written back as version 2")
    func version1() throws {
        let c = try CaseFileCodec.decode(Self.fixture("gaps-v1"))
        #expect(c.id == "C-0002" && c.careOrderFrom == nil)
        #expect(c.decisions.allSatisfy { $0.confidential == nil && $0.statutoryGateway == nil && $0.proposedRecipient == nil })
        #expect(try Self.tree(CaseFileCodec.encode(c))["format"] as? String == "casework-case/2")
    }

    /// Sets `value` at `path` (keys and list indices) inside a JSON tree.
    static func setting(_ tree: Any, _ path: [Any], _ value: Any) -> Any {
        guard let head = path.first else { return value }
        if let key = head as? String, var object = tree as? [String: Any] {
            object[key] = setting(object[key] ?? [String: Any](), Array(path.dropFirst()), value)
            return object
        }
        if let i = head as? Int, var list = tree as? [Any] {
            list[i] = setting(list[i], Array(path.dropFirst()), value)
            return list
        }
        return tree
    }

    /// Each version 2 addition, where it goes in `gaps-v1.json`, and a value version 2 accepts.
    static var additions: [(path: [Any], named: String, value: Any)] { [
        (["case", "careOrderFrom"], "case.careOrderFrom", "2025-06-01"),
        (["case", "decisions", 0, "proposedRecipient"], "case.decisions[0].proposedRecipient", ["name": "Ms Example"]),
        (["case", "decisions", 0, "requesterTold"], "case.decisions[0].requesterTold", true),
        (["case", "decisions", 0, "confidential"], "case.decisions[0].confidential", false),
        (["case", "decisions", 0, "statutoryGateway"], "case.decisions[0].statutoryGateway", "ca2004-s11"),
        (["case", "decisions", 0, "necessaryAndProportionate"], "case.decisions[0].necessaryAndProportionate", true),
        (["case", "decisions", 0, "consentPosition", "reason"], "case.decisions[0].consentPosition.reason", "no-real-choice"),
        (["case", "consents", 0, "statusChangedAt"], "case.consents[0].statusChangedAt", "2026-03-01T09:00:00Z"),
        (["case", "consents", 0, "capacity"], "case.consents[0].capacity",
         ["decision": "sharing with CAMHS", "lacksCapacity": false, "assessedBy": "sam.t", "assessedAt": "2026-02-01T10:00:00Z"]),
        (["case", "disclosures", 0, "reasonExplainedToRecipient"], "case.disclosures[0].reasonExplainedToRecipient", true),
    ] }

    @Test("a version 2 key (or not-sought reason) in a file that says version 1 is refused naming it; the same file saying version 2 imports")
    func version2KeysInVersion1() throws {
        let original = try Self.tree(Self.fixture("gaps-v1"))
        for a in Self.additions {
            var changed = Self.setting(original, a.path, a.value) as! [String: Any]
            if a.named.hasSuffix("consentPosition.reason") {
                // The reason belongs to a decision whose consent was not sought.
                changed = Self.setting(changed, ["case", "decisions", 0, "consentPosition", "kind"], "not-sought") as! [String: Any]
                changed = Self.setting(changed, ["case", "decisions", 0, "consentPosition", "consentId"], NSNull()) as! [String: Any]
            }
            let v1 = try JSONSerialization.data(withJSONObject: changed)
            do {
                _ = try CaseFileCodec.decode(v1)
                Issue.record("\(a.named) in a version 1 file was read")
            } catch {
                #expect(error.path == a.named, "\(a.named): \(error)")
                #expect(error.description.contains("version 2"))
            }
            changed["format"] = "casework-case/2"
            let v2 = try JSONSerialization.data(withJSONObject: changed)
            #expect(throws: Never.self, "\(a.named) in a version 2 file") { _ = try CaseFileCodec.decode(v2) }
        }
    }

    @Test("a format that is neither version is refused, naming both it reads")
    func unknownFormat() throws {
        var t = try Self.tree(Self.fixture("gaps"))
        t["format"] = "casework-case/3"
        do {
            _ = try CaseFileCodec.decode(try JSONSerialization.data(withJSONObject: t))
            Issue.record("read")
        } catch let error as CaseFileError {
            #expect(error.path == "format" && error.description.contains("casework-case/2") && error.description.contains("casework-case/1"))
        }
    }
}
