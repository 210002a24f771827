import Testing
@testable import CaseworkCore

/// The report's concern-to-decision median and worst wait, from waits gathered in chunks by
/// separate tallies, must be what one sorted list of every wait gives.
@Suite("The report's waits")
struct WaitsTests {
    static func expected(_ all: [Double]) -> (median: Double, worst: Double)? {
        guard !all.isEmpty else { return nil }
        let s = all.sorted()
        return (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2, s.last!)
    }

    @Test("median and worst over several chunks and merged tallies, odd and even counts", arguments: [0, 1, 2, 7, 65_536, 65_537, 200_001])
    func medianAcrossChunks(count: Int) {
        var rng = SystemRandomNumberGenerator()
        let all = (0..<count).map { _ in Double(Int.random(in: 0...50_000, using: &rng)) / 4 }
        // Split unevenly across three tallies, as the report's two counting threads and its merge do.
        var a = Waits(), b = Waits(), c = Waits()
        for (i, w) in all.enumerated() {
            switch i % 7 { case 0, 1, 2, 3: a.append(w); case 4: b.append(w); default: c.append(w) }
        }
        b.append(contentsOf: c)
        a.append(contentsOf: b)
        #expect(a.count == count)
        let got = a.takeMedianAndWorst()
        let want = Self.expected(all)
        #expect(got?.median == want?.median && got?.worst == want?.worst)
        #expect(a.count == 0 && a.takeMedianAndWorst() == nil)
    }

    @Test("a tally merged into another is not changed by the other's report")
    func mergedTallyKeepsItsOwn() {
        var a = Waits(), b = Waits()
        for w in [5.0, 1, 3] { b.append(w) }
        a.append(contentsOf: b)
        a.append(2)
        #expect(a.takeMedianAndWorst()! == (2.5, 5))
        #expect(b.takeMedianAndWorst()! == (3, 5))
    }
}
