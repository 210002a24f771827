import CaseworkTestSupport
import CaseworkCore
import Foundation
import Testing

/// Random keys, bytes, text in any script and window sizes thrown at the real
/// workbook in tmux for a bounded time: it must never crash or stop
/// answering, and must give the terminal back whole when it ends. Almost all
/// keys arrive at a usable size (80x24 or more); the too-small screen is
/// visited briefly. The seed is printed; `CASEWORK_TEST_SEED` replays it.
@Suite("Random keys to the workbook")
struct KeyFuzzTests {
    static let named = ["Enter", "Escape", "Tab", "BTab", "Up", "Down", "Left", "Right", "PageUp", "PageDown", "Home", "End",
                        "BSpace", "DC", "IC", "F1", "F2", "F5", "F12", "C-s", "C-n", "C-b", "C-a", "C-e", "C-k", "C-u", "C-w", "C-l",
                        "M-b", "M-f", "M-Left", "M-Right", "Space"]
    // q and the signal keys (C-c, C-z, C-\) would end or suspend the run; the end is tested on purpose below.
    static let text = Array("abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789/?-'\".,;:!()[]{}<>@#%&*+=_~`|\\")
        .map(String.init) + ["é", "ß", "Ł", "你好", "مرحبا", "😀", "👩‍👧", "e\u{301}", "\u{200B}", "\u{202E}"]

    /// Copies everything the workbook writes to its terminal into a file, so that its answers can be counted.
    static func record(_ t: Tmux) throws -> String {
        let path = t.cli.home.appendingPathComponent("pane-output").path
        try t.tmux(["pipe-pane", "-t", "cw", "-o", "cat >> '\(path)'"])
        usleep(100_000)
        return path
    }

    /// Whether the workbook still answers: the window is made one column wider (or narrower), and the
    /// workbook must write to its terminal (its redraw) within 3 s.
    static func answers(_ t: Tmux, output: String) throws -> Bool {
        func written() -> Int { ((try? FileManager.default.attributesOfItem(atPath: output)[.size]) as? Int) ?? 0 }
        let width = Int(try t.value("#{window_width}")) ?? 80
        // What it was writing already has reached the file first.
        var before = written()
        repeat { before = written(); usleep(150_000) } while written() != before
        try t.tmux(["resize-window", "-t", "cw", "-x", "\(width >= 200 ? width - 1 : width + 1)"])
        let end = Date().addingTimeInterval(3)
        while Date() < end {
            if written() > before { return true }
            usleep(20_000)
        }
        return false
    }

    @Test("the probe for a hung workbook finds one: a program in its place that never draws does not answer")
    func probeFindsHang() throws {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        let t = try Tmux(cli)
        try t.wait(for: "Cases")
        var output = try Self.record(t)
        #expect(try Self.answers(t, output: output))
        // (SIGSTOP cannot stand in for a hang: tmux continues a stopped pane at once.)
        try t.tmux(["respawn-pane", "-k", "-t", "cw", "sleep 60"])
        output = try Self.record(t)
        #expect(try !Self.answers(t, output: output))
    }

    @Test("a few thousand random keys, bytes and sizes: never a crash, and the terminal restored at the end")
    func randomKeys() throws {
        let seed = TestSeed.chosen(for: "KeyFuzzTests")
        var rng = DemoGenerator(seed: seed)
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("import", CLI.example("gaps"), CLI.example("recorded-well")).status == 0)
        let t = try Tmux(cli)
        try t.wait(for: "Cases")
        let output = try Self.record(t)
        let end = Date().addingTimeInterval(20)
        var sent = 0, probes = 0
        while Date() < end {
            var batch: [String] = []
            for _ in 0..<8 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4: batch.append(Self.named.randomElement(using: &rng)!)
                default: batch.append(Self.text.randomElement(using: &rng)!)
                }
            }
            // A trailing ";" would end tmux's command, so text never ends with one.
            var literal = batch.filter { !Self.named.contains($0) }.joined()
            if literal.hasSuffix(";") { literal += "a" }
            if !literal.isEmpty { try t.tmux(["send-keys", "-t", "cw", "-l", "--", literal]) }
            let keys = batch.filter { Self.named.contains($0) }
            if !keys.isEmpty { try t.tmux(["send-keys", "-t", "cw"] + keys) }
            if Int.random(in: 0..<10, using: &rng) == 0 {
                // Raw bytes: stray escape sequences, control bytes, broken UTF-8 (never 0x03, 0x1A, 0x1C: signals).
                let bytes = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                    [0x1B, 0x5B, 0x4F, 0x7F, 0x00, 0x08, 0xC3, 0xE2, 0x80, 0xFF, 0x31, 0x3B, 0x7E].randomElement(using: &rng)!
                }
                try t.tmux(["send-keys", "-t", "cw", "-H"] + bytes.map { String(format: "%02x", $0) })
            }
            if Int.random(in: 0..<25, using: &rng) == 0 {
                // Usually a usable size; now and then briefly too small, and back before the next keys.
                let small = Int.random(in: 0..<6, using: &rng) == 0
                try t.tmux(["resize-window", "-t", "cw", "-x", "\(small ? Int.random(in: 10...79, using: &rng) : Int.random(in: 80...200, using: &rng))",
                            "-y", "\(small ? Int.random(in: 3...23, using: &rng) : Int.random(in: 24...60, using: &rng))"])
                if small {
                    usleep(30_000)
                    try t.tmux(["resize-window", "-t", "cw", "-x", "\(Int.random(in: 80...200, using: &rng))", "-y", "\(Int.random(in: 24...60, using: &rng))"])
                }
            }
            sent += batch.count
            if sent % 80 == 0 {
                #expect(try t.value("#{pane_dead}") == "0", "the workbook died after \(sent) keys (seed \(seed)):\n\(t.screen)")
                if try t.value("#{pane_dead}") == "1" { return }
                #expect(try Self.answers(t, output: output), "the workbook stopped answering after \(sent) keys (seed \(seed)):\n\(t.screen)")
                probes += 1
            }
            usleep(15_000)
        }
        #expect(sent > 500 && probes > 5)
        try t.resize(80, 24)
        #expect(try t.value("#{pane_dead}") == "0", "seed \(seed)")
        // Ended as a person would end it when lost: a signal to stop. Drafts are kept, the screen given back.
        kill(t.pid, SIGTERM)
        try t.waitUntilDead()
        #expect(try t.value("#{alternate_on}") == "0", "the alternate screen was left (seed \(seed))")
        let check = try cli.run("check")
        #expect(check.status == 0, "the store is whole after \(sent) random keys (seed \(seed)):\n\(check.out)\(check.err)")
    }
}
