import CaseworkTestSupport
import Foundation
import Testing
@testable import CaseworkCore

@Suite("Case file format v1 (read, and written as v2)")
struct CaseFileCodecTests {
    @Test("both example files import", arguments: ["recorded-well", "gaps"])
    func examplesDecode(name: String) throws {
        let c = try CaseFileCodec.decode(Repository.caseFile(name))
        #expect(c.id.hasPrefix("C-"))
        #expect(!c.episodes.isEmpty)
    }

    @Test("export, import, export gives the same document", arguments: ["recorded-well", "gaps"])
    func roundTrip(name: String) throws {
        let first = CaseFileCodec.encode(try CaseFileCodec.decode(Repository.caseFile(name)))
        let second = CaseFileCodec.encode(try CaseFileCodec.decode(first))
        #expect(first == second)
        // Nothing in the original is lost: the decoded values agree.
        #expect(try CaseFileCodec.decode(first) == CaseFileCodec.decode(Repository.caseFile(name)))
    }

    /// Takes the gaps example, changes it with `edit`, and returns the refusal.
    func refusal(_ edit: (inout [String: Any]) -> Void) -> CaseFileError? {
        var doc = try! JSONSerialization.jsonObject(with: Repository.caseFile("gaps")) as! [String: Any]
        edit(&doc)
        let data = try! JSONSerialization.data(withJSONObject: doc)
        do {
            _ = try CaseFileCodec.decode(data)
            return nil
        } catch {
            return error
        }
    }

    static func setIn(_ doc: inout [String: Any], _ list: String, _ index: Int, _ key: String, _ value: Any) {
        var c = doc["case"] as! [String: Any]
        var items = c[list] as! [[String: Any]]
        items[index][key] = value
        c[list] = items
        doc["case"] = c
    }

    @Test("a wrong enum value is named with its path and value")
    func badEnum() {
        let e = refusal { Self.setIn(&$0, "disclosures", 1, "method", "emial") }
        #expect(e?.description.hasPrefix("case.disclosures[1].method: unknown value \"emial\"") == true)
    }

    @Test("an unknown key is named, so a typo cannot drop data")
    func unknownKey() {
        let e = refusal { Self.setIn(&$0, "decisions", 0, "rationle", "typed in the wrong key") }
        #expect(e?.description == "case.decisions[0].rationle: unknown key")
        let nested = refusal { doc in
            var c = doc["case"] as! [String: Any]
            var child = c["child"] as! [String: Any]
            child["nickname"] = "x"
            c["child"] = child
            doc["case"] = c
        }
        #expect(nested?.description == "case.child.nickname: unknown key")
    }

    @Test("a bad date or time is named with its value")
    func badDates() {
        let e = refusal { doc in
            var c = doc["case"] as! [String: Any]
            c["opened"] = "2025-02-30"
            doc["case"] = c
        }
        #expect(e?.description.hasPrefix("case.opened: not a date \"2025-02-30\"") == true)
        let t = refusal { Self.setIn(&$0, "concerns", 0, "recorded", "2026-03-01 09:00") }
        #expect(t?.description.hasPrefix("case.concerns[0].recorded: not a time \"2026-03-01 09:00\"") == true)
    }

    @Test("a dangling reference is named")
    func danglingReference() {
        let e = refusal { Self.setIn(&$0, "disclosures", 0, "decisionId", "D9") }
        #expect(e?.description == "case.disclosures[0].decisionId: no decision with id \"D9\" in this case")
        let p = refusal { Self.setIn(&$0, "consents", 0, "givenBy", "P7") }
        #expect(p?.description == "case.consents[0].givenBy: no person with id \"P7\" in this case")
    }

    @Test("a missing required key, a null where a value is needed, a wrong type")
    func shapes() {
        #expect(refusal { Self.setIn(&$0, "episodes", 0, "started", NSNull()) }?.description == "case.episodes[0].started: must not be null")
        #expect(refusal { Self.setIn(&$0, "people", 0, "livesWithChild", "no") }?.description == "case.people[0].livesWithChild: expected true or false")
        let missing = refusal { doc in
            var c = doc["case"] as! [String: Any]
            c.removeValue(forKey: "worker")
            doc["case"] = c
        }
        #expect(missing?.description == "case.worker: missing (this key is required)")
    }

    @Test("not JSON, wrong format name, duplicate ids")
    func documentLevel() throws {
        #expect(throws: CaseFileError.self) { try CaseFileCodec.decode(Data("{\"format\": ".utf8)) }
        #expect(refusal { $0["format"] = "casework-case/9" }?.description.hasPrefix("format: unsupported value") == true)
        #expect(refusal { Self.setIn(&$0, "decisions", 1, "id", "D1") }?.description == "case.decisions[1].id: \"D1\" is already used by case.decisions[0].id")
    }

    @Test("error messages never carry control characters from the input")
    func quotedValues() {
        let e = refusal { Self.setIn(&$0, "disclosures", 1, "method", "\u{1b}]0;pwned\u{07}") }
        #expect(e?.description.contains("\u{1b}") == false)
    }

    @Test("a key given twice is refused, naming where, however deep and however escaped")
    func duplicateKeys() throws {
        let text = String(decoding: Repository.caseFile("gaps"), as: UTF8.self)
        let twice = text.replacingOccurrences(of: "\"name\": \"Alex Moreno\"", with: "\"name\": \"Alex Moreno\", \"name\": \"Someone Else\"")
        #expect(twice != text)
        #expect(throws: CaseFileError(path: "case.child.name", "is given twice in one object; keep one")) {
            try CaseFileCodec.decode(Data(twice.utf8))
        }
        let escaped = text.replacingOccurrences(of: "\"title\":", with: "\"\\u0074itle\": \"x\", \"title\":")
        #expect(escaped != text)
        #expect(throws: CaseFileError(path: "case.title", "is given twice in one object; keep one")) {
            try CaseFileCodec.decode(Data(escaped.utf8))
        }
        // The same key in two different objects is fine: every example still reads.
        #expect(try CaseFileCodec.decode(Repository.caseFile("gaps")).id == "C-0002")
    }
}
