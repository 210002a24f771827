import Testing
import Foundation
@testable import CaseworkCore

@Suite("The demo generator")
struct DemoGeneratorTests {
    static let workers = ["w1", "w2", "w3"], teams = ["North", "South"]

    @Test("the same seed gives the same cases; another seed gives others; every case is valid")
    func deterministic() throws {
        var a = DemoGenerator(seed: 42), b = DemoGenerator(seed: 42), c = DemoGenerator(seed: 43)
        let xs = (1...50).map { a.makeCase($0, workers: Self.workers, teams: Self.teams) }
        let ys = (1...50).map { b.makeCase($0, workers: Self.workers, teams: Self.teams) }
        let zs = (1...50).map { c.makeCase($0, workers: Self.workers, teams: Self.teams) }
        #expect(xs == ys && xs != zs)
        for x in xs { try CaseValidation.validate(x) }
    }

    @Test("a realistic mix, about a fifth raising flags")
    func mix() {
        var g = DemoGenerator(seed: 7)
        let cases = (1...500).map { g.makeCase($0, workers: Self.workers, teams: Self.teams) }
        let engine = FlagEngine(policy: Fixtures.defaultPolicy, guidance: Fixtures.guidance)
        let flagged = cases.filter { !engine.flags(for: $0, on: Day("2027-01-01")!).isEmpty }.count
        #expect((60...140).contains(flagged), "\(flagged) of 500 flagged")
        #expect(cases.allSatisfy { (1...4).contains($0.episodes.count) && (1...10).contains($0.concerns.count) && $0.disclosures.count <= 20 })
        #expect(cases.contains { !$0.consents.isEmpty } && cases.contains { $0.disclosures.count >= 3 })
        // With one audit event each, about ten disclosure, consent and audit rows a case: 1M at 100,000 cases.
        let rows = Double(cases.map { $0.disclosures.count + $0.consents.count + 1 }.reduce(0, +)) / 500
        #expect((8.0...12.0).contains(rows), "\(rows) disclosure, consent and audit rows a case")
    }
}

@Suite("Stored records")
struct StoredRecordTests {
    static func cases() -> [Case] {
        var g = DemoGenerator(seed: 3)
        return [Fixtures.example("recorded-well"), Fixtures.example("gaps")]
            + (1...60).map { g.makeCase($0, workers: ["a"], teams: ["t"]) }
    }

    /// Reads a body with `StoredJSON` alone, never falling back to Foundation.
    struct FastOnly: BodyDecoder {
        let body: String
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try StoredJSON.decode(T.self, from: body) }
    }

    /// Reads a body with Foundation's `JSONDecoder` alone.
    struct FoundationOnly: BodyDecoder {
        let body: String
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: Data(body.utf8)) }
    }

    @Test("every stored body the store's own decoder reads equals what Foundation's JSONDecoder reads, and the record written")
    func storedDecoderAgrees() throws {
        var records = 0
        for c in Self.cases() {
            for r in c.records {
                let body = r.body()
                let fast = try CaseRecord.record(r.kind, from: FastOnly(body: body))
                #expect(fast == (try CaseRecord.record(r.kind, from: FoundationOnly(body: body))))
                #expect(fast == r)
                records += 1
            }
            let rows = c.records.map { (kind: $0.kind.rawValue, body: $0.body()) }
            #expect(try CaseRecord.decodeAll(rows) == c.records)
        }
        #expect(records > 1000)
    }

    @Test("hostile text survives the store's decoder: quotes, backslashes, escape sequences, controls, emoji, other scripts")
    func hostileText() throws {
        let texts = ["He said \"no\" \\ then left", "\u{1B}[31mred\u{1B}[0m and \u{07}", "tab\tnew\nline\r\u{0}",
                     "😀 family 👨‍👩‍👧 and e\u{301}", "Zoë Ødegård — ✓ «quoted»", "/slashes/ and </script>", "\u{2028}\u{2029}\u{FEFF}", ""]
        for text in texts {
            let note = CaseRecord.note(CaseNote(id: "N1", at: Timestamp("2026-03-02T10:15:00Z")!, by: "w", kind: .other, text: text))
            #expect(try CaseRecord.record(.note, from: FastOnly(body: note.body())) == note)
        }
        // Escapes Foundation never writes but JSON allows: a surrogate pair, \/ and spaces between tokens.
        let hand = #" { "at" : "2026-03-02T10:15:00Z", "by":"w", "id":"N1", "kind":"other", "text":"\ud83d\ude00 a\/b \u00e9" } "#
        guard case .note(let n) = try CaseRecord.record(.note, from: FastOnly(body: hand)) else { Issue.record("not a note"); return }
        #expect(n.text == "😀 a/b é")
    }

    @Test("a body the store's decoder refuses is read by Foundation's, whose errors stand")
    func refusedFallsBack() throws {
        for bad in ["{\"id\":", "{\"id\":\"N1\"} x", "[1,2", "{\"a\":tru}", "\"\\ud800\"", "{\"id\":1e999}"] {
            #expect(throws: (any Error).self) { try StoredJSON.decode(CaseNote.self, from: bad) }
            #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: bad) }
        }
        // A number where a string belongs, or a missing key: refused by both.
        #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: #"{"at":"2026-03-02T10:15:00Z","by":"w","id":5,"kind":"other","text":""}"#) }
        #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: #"{"at":"2026-03-02T10:15:00Z","by":"w","kind":"other","text":""}"#) }
        #expect(throws: (any Error).self) { try CaseRecord.decodeAll([(kind: "nonsense", body: "{}")]) }
    }
}
