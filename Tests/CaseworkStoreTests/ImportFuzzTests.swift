import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

/// Mutated case files: never a crash; a refusal says what is wrong with the
/// file (never an internal storage error) and changes nothing; a file that
/// goes in comes out exactly as it was read, with the rules' flags.
@Suite("Import fuzzing")
struct ImportFuzzTests {
    typealias Rng = DemoGenerator

    enum Mutation: Int, CaseIterable {
        case randomBytes, truncation, deepNesting, hugeString, invalidUTF8, numberForString, stringForList, keyRemoved
    }

    /// Every place in a JSON value: its path of keys and indexes, and the value there.
    static func places(_ json: Any, _ path: [Any] = []) -> [([Any], Any)] {
        var out: [([Any], Any)] = [(path, json)]
        if let o = json as? [String: Any] { for (k, v) in o.sorted(by: { $0.key < $1.key }) { out += places(v, path + [k]) } }
        if let a = json as? [Any] { for (i, v) in a.enumerated() { out += places(v, path + [i]) } }
        return out
    }

    /// `json` with the value at `path` replaced by `value` (nil: its key removed).
    static func replacing(_ json: Any, at path: ArraySlice<Any>, with value: Any?) -> Any {
        guard let first = path.first else { return value ?? NSNull() }
        if var o = json as? [String: Any], let k = first as? String {
            if path.count == 1 && value == nil { o.removeValue(forKey: k) } else { o[k] = replacing(o[k] as Any, at: path.dropFirst(), with: value) }
            return o
        }
        if var a = json as? [Any], let i = first as? Int {
            a[i] = replacing(a[i], at: path.dropFirst(), with: value)
            return a
        }
        return json
    }

    static func structural(_ base: [UInt8], _ r: inout Rng, pick: ([Any], Any) -> Bool, change: ([Any], Any, inout Rng) -> Any?) -> [UInt8] {
        let json = try! JSONSerialization.jsonObject(with: Data(base))
        let candidates = places(json).filter { pick($0.0, $0.1) }
        let (path, value) = candidates.randomElement(using: &r)!
        let changed = replacing(json, at: path[...], with: change(path, value, &r))
        return Array(try! JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]))
    }

    static func mutate(_ kind: Mutation, _ base: [UInt8], _ r: inout Rng) -> [UInt8] {
        var b = base
        switch kind {
        case .randomBytes:
            for _ in 0..<Int.random(in: 1...20, using: &r) { b[Int.random(in: 0..<b.count, using: &r)] = UInt8.random(in: 0...255, using: &r) }
        case .truncation:
            b = Array(b.prefix(Int.random(in: 0..<b.count, using: &r)))
        case .deepNesting:
            let depth = Int.random(in: 100...20_000, using: &r)
            b = Array(("{\"format\": \"casework-case/1\", \"case\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        case .hugeString:
            b = structural(base, &r, pick: { $1 is String }) { _, _, r in String(repeating: "x", count: Int.random(in: 90_000...300_000, using: &r)) }
        case .invalidUTF8:
            b.insert(contentsOf: [[0xC3, 0x28], [0xFF, 0xFE], [0xE2, 0x82], [0xED, 0xA0, 0x80]].randomElement(using: &r)!, at: Int.random(in: 0..<b.count, using: &r))
        case .numberForString:
            b = structural(base, &r, pick: { $1 is String }) { _, _, r in Int.random(in: -99_999...99_999, using: &r) }
        case .stringForList:
            b = structural(base, &r, pick: { $1 is [Any] }) { _, _, r in ["none", "", "a, b"].randomElement(using: &r)! }
        case .keyRemoved:
            b = structural(base, &r, pick: { path, _ in path.last is String }) { _, _, _ in nil }
        }
        return b
    }

    /// Row counts of every table and the audit chain's head: any import changes them.
    static func summary(_ t: TempStore) throws -> String {
        try t.raw().read { db in
            try ["user", "caseFile", "record", "recordVersion", "flag", "audit"].map {
                String(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1)
            }.joined(separator: ",") + "," + (try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") ?? "")
        }
    }

    static let seed = TestSeed.chosen(for: "ImportFuzzTests")

    @Test("each kind of mutation makes many different files")
    func mutationsDiffer() {
        var rng = Rng(seed: Self.seed)
        let base = Array(Repository.caseFile("gaps"))
        for kind in Mutation.allCases {
            let files = Set((0..<20).map { _ in Self.mutate(kind, base, &rng) })
            #expect(files.count >= 12, "\(kind): only \(files.count) different files of 20 (seed \(Self.seed))")
            #expect(!files.contains(base), "\(kind) left the file as it was")
        }
    }

    @Test("400 mutated files of the gaps example: refused clearly with nothing changed, or imported exactly as read")
    func fuzz() throws {
        let t = try TempStore()
        let base = Array(Repository.caseFile("gaps"))
        var rng = Rng(seed: Self.seed)
        var refused: [Mutation: Int] = [:], accepted: [Mutation: Int] = [:]
        let engine = FlagEngine(policy: Fixtures.settings.defaultPolicy, guidance: Fixtures.settings.guidance)
        for i in 0..<400 {
            let kind = Mutation.allCases[i % Mutation.allCases.count]
            let bytes = Self.mutate(kind, base, &rng)
            let before = try Self.summary(t)
            var decoded: Case?
            do {
                var c = try CaseFileCodec.decode(Data(bytes))
                c.id = "C-F\(i)"
                decoded = c
                #expect(try t.store.importCases([c], replace: false, by: "mia.manager") == [.created(caseId: c.id, records: c.records.count)])
                accepted[kind, default: 0] += 1
                // What went in comes out as it was read, with exactly the rules' flags.
                #expect(try t.store.exportCase(c.id, by: "mia.manager") == c, "\(kind), file \(i) (seed \(Self.seed))")
                let stored = Set(try t.store.flags(FlagQuery(caseId: c.id, on: Day("2026-03-10")!), by: "mia.manager").map { "\($0.flag.rule) \($0.flag.recordId)" })
                let expected = Set(engine.flags(for: c, on: Day("2026-03-10")!).filter { $0.status == .open }.map { "\($0.rule) \($0.recordId)" })
                #expect(stored == expected, "\(kind), file \(i) (seed \(Self.seed))")
            } catch let e as CaseFileError {
                refused[kind, default: 0] += 1
                #expect(!e.description.isEmpty && e.description.count < 400)
                #expect(!e.description.contains("\u{1b}"))
                #expect(try Self.summary(t) == before)
            } catch let e as StoreError {
                refused[kind, default: 0] += 1
                // A refusal of the file's content, never the store failing.
                switch e {
                case .invalid, .invalidFile, .recordExists, .forbidden: break
                default: Issue.record("\(kind), file \(i): \(e) is not a refusal of the file (seed \(Self.seed))")
                }
                #expect(try Self.summary(t) == before)
                #expect(decoded != nil)
            }
        }
        print("ImportFuzzTests: refused \(refused), accepted \(accepted)")
        #expect(refused.values.reduce(0, +) > 200)
        #expect(accepted.values.reduce(0, +) > 10, "some mutated files are still valid and go in")
        #expect(try t.store.check(by: "mia.manager").isHealthy)
    }
}
