import Foundation

/// The seed of a randomised test: `CASEWORK_TEST_SEED` when set (to replay a
/// failure), otherwise a fresh one; printed either way, with how to replay it.
public enum TestSeed {
    public static func chosen(for suite: String) -> UInt64 {
        let s = ProcessInfo.processInfo.environment["CASEWORK_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("\(suite): seed \(s) (replay with CASEWORK_TEST_SEED=\(s))")
        return s
    }
}

/// A small seeded generator (SplitMix64), so a failing randomised run can be replayed from its seed.
public struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    public init(_ seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
