import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

/// Mutated case files: never a crash, always a clear refusal (or a valid
/// import), and a refused file changes nothing.
@Suite("Import fuzzing")
struct ImportFuzzTests {
    typealias Rng = DemoGenerator

    static func mutate(_ base: [UInt8], _ r: inout Rng) -> [UInt8] {
        var b = base
        switch Int.random(in: 0...7, using: &r) {
        case 0: // random bytes
            for _ in 0..<Int.random(in: 1...20, using: &r) { b[Int.random(in: 0..<b.count, using: &r)] = UInt8.random(in: 0...255, using: &r) }
        case 1: // truncation
            b = Array(b.prefix(Int.random(in: 0..<b.count, using: &r)))
        case 2: // deep nesting
            let depth = Int.random(in: 100...20_000, using: &r)
            b = Array(("{\"format\": \"casework-case/1\", \"case\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        case 3: // a huge string
            let text = String(decoding: b, as: UTF8.self).replacingOccurrences(of: "Alex Moreno", with: String(repeating: "x", count: 200_000))
            b = Array(text.utf8)
        case 4: // invalid UTF-8
            b.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: Int.random(in: 0..<b.count, using: &r))
        case 5: // a number where a string belongs
            b = Array(String(decoding: b, as: UTF8.self).replacingOccurrences(of: "\"sam.t\"", with: "12345").utf8)
        case 6: // a string where a list belongs
            b = Array(String(decoding: b, as: UTF8.self).replacingOccurrences(of: "\"restrictions\": []", with: "\"restrictions\": \"none\"").utf8)
        default: // a key removed
            b = Array(String(decoding: b, as: UTF8.self).replacingOccurrences(of: "\"scheme\": \"none\",", with: "").utf8)
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

    @Test("300 mutated files of the gaps example")
    func fuzz() throws {
        let t = try TempStore()
        let base = Array(Repository.caseFile("gaps"))
        var rng = Rng(seed: 2026)
        var refused = 0
        for i in 0..<300 {
            let bytes = Self.mutate(base, &rng)
            let before = try Self.summary(t)
            do {
                var c = try CaseFileCodec.decode(Data(bytes))
                c.id = "C-F\(i)"
                _ = try t.store.importCases([c], replace: false, by: "mia.manager")
            } catch let e as CaseFileError {
                refused += 1
                #expect(!e.description.isEmpty && e.description.count < 400)
                #expect(!e.description.contains("\u{1b}"))
                #expect(try Self.summary(t) == before)
            } catch let e as StoreError {
                refused += 1
                #expect(!e.description.isEmpty)
                #expect(try Self.summary(t) == before)
            }
        }
        #expect(refused > 200)
        #expect(try t.store.check(by: "mia.manager").isHealthy)
    }
}
