import Testing
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
    @Test("a case's records decoded in one document equal the records decoded one by one")
    func decodeAllAgrees() throws {
        var g = DemoGenerator(seed: 3)
        let cases = [Fixtures.example("recorded-well"), Fixtures.example("gaps")] + (1...40).map { g.makeCase($0, workers: ["a"], teams: ["t"]) }
        for c in cases {
            let rows = c.records.map { (kind: $0.kind.rawValue, body: $0.body()) }
            let one = try rows.map { try CaseRecord.decode(kind: RecordKind(rawValue: $0.kind)!, body: $0.body) }
            #expect(try CaseRecord.decodeAll(rows) == one)
            #expect(one == c.records)
        }
        #expect(throws: (any Error).self) { try CaseRecord.decodeAll([(kind: "nonsense", body: "{}")]) }
        #expect(throws: (any Error).self) { try CaseRecord.decodeAll([(kind: "note", body: "{\"id\":")]) }
    }
}
