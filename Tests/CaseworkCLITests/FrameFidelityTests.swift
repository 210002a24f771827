import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing
import TerminalKit
@testable import CaseworkApp
@testable import CaseworkCLI
@testable import CaseworkStore

/// What the terminal shows is exactly what the workbook drew. A key script is
/// replayed twice from the same store: in process, through the workbook's own
/// runner with a terminal that records every frame, and on the real binary in
/// tmux. After every key, the pane's text and cursor must equal the frame
/// drawn for that key. (Answers that vanished from the screen after focus
/// left their field, with the data saved and Ctrl-L bringing them back, were
/// exactly such a difference.)
@Suite("The terminal shows exactly the frame drawn", .serialized)
struct FrameFidelityTests {
    /// Hands out scripted keys, each followed by the quiet moment a person leaves, and keeps every frame presented.
    final class ScriptedTerminal: Terminal {
        let size: Size
        var keys: [Key]
        var frames: [Frame] = []
        var idleNext = false

        init(size: Size, keys: [Key]) {
            self.size = size
            self.keys = keys
        }

        func present(_ frame: Frame) { frames.append(frame) }

        func nextEvent() -> TerminalEvent {
            if idleNext { idleNext = false; return .idle }
            guard !keys.isEmpty else { return .stop }
            idleNext = true
            return .key(keys.removeFirst())
        }
    }

    /// A tmux key name as the workbook receives it.
    static func key(_ name: String) -> Key {
        switch name {
        case "Enter": .enter
        case "Escape": .escape
        case "Tab": .tab
        case "BTab": .backTab
        case "BSpace": .backspace
        case "Space": .char(" ")
        case "Up": .up
        case "Down": .down
        case "Left": .left
        case "Right": .right
        case let n where n.hasPrefix("C-") && n.count == 3: .ctrl(n.last!)
        default: .char(name.first!)
        }
    }

    /// Keys as tmux names; a word in the script is typed one character at a time.
    static func script(_ steps: [String]) -> [String] {
        let named: Set = ["Enter", "Escape", "Tab", "BTab", "BSpace", "Space", "Up", "Down", "Left", "Right"]
        return steps.flatMap { step -> [String] in
            if named.contains(step) || (step.hasPrefix("C-") && step.count == 3) { return [step] }
            return step.map { $0 == " " ? "Space" : String($0) }
        }
    }

    /// The frames the workbook draws for `keys`, run in process on `store`: the one after each key's quiet moment.
    static func replay(_ keys: [String], store file: URL, config: URL) throws -> [Frame] {
        let settings = FlagSettings(resources: try CaseworkResources.load(from: Repository.resources))
        let store = try SQLiteCaseStore(StoreLocation(file: file, configDirectory: config), settings: settings)
        let me = try store.identity(claimed: NSUserName())
        let terminal = ScriptedTerminal(size: Size(width: 80, height: 24), keys: keys.map(key))
        let runner = Workbook.runner(store: store, user: try store.user(named: me), resources: settings.resources, terminal: terminal,
                                     exports: file.deletingLastPathComponent().appendingPathComponent("exports"))
        runner.loop()
        // The first frame, then for each key the frame drawn after it and the one after its quiet moment.
        return stride(from: 0, to: terminal.frames.count, by: 2).map { terminal.frames[$0] }
    }

    /// Times differ between the two runs (by seconds, or a minute when one crosses it); each is written
    /// as the same mark in both, as stored and as shown (a time field's "23/11/2026 00:25", a spoken "00:25").
    static func timeless(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "<time>", options: .regularExpression)
            .replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d"#, with: "<when>", options: .regularExpression)
            .replacingOccurrences(of: #"\d\d/\d\d/\d{4} \d\d:\d\d"#, with: "<when>", options: .regularExpression)
            .replacingOccurrences(of: #"\b\d\d:\d\d\b"#, with: "<hh:mm>", options: .regularExpression)
    }

    /// The pane as lines with trailing spaces removed, and where its cursor is (nil: hidden).
    static func pane(_ t: Tmux) throws -> (text: String, cursor: Point?) {
        let text = timeless(t.screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(24)
            .map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n"))
        let shown = try t.value("#{cursor_flag}") == "1"
        let xy = try t.value("#{cursor_x},#{cursor_y}").split(separator: ",").compactMap { Int($0) }
        return (text, shown && xy.count == 2 ? Point(x: xy[0], y: xy[1]) : nil)
    }

    static func expected(_ f: Frame) -> (text: String, cursor: Point?) {
        (timeless(f.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .padded(to: 24).joined(separator: "\n")), f.cursor)
    }

    /// Runs `steps` both ways from a store holding the two examples (prepared further by `prepare`);
    /// fails at the first key whose screen differs.
    @discardableResult
    static func compare(_ steps: [String], mustVisit: [String], prepare: (CLI) throws -> Void = { _ in }) throws -> [Frame] {
        let keys = script(steps)
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("import", CLI.example("recorded-well"), CLI.example("gaps")).status == 0)
        try prepare(cli)
        // The replay runs on a copy, so that the binary starts from the same store.
        let copy = cli.home.appendingPathComponent("replay/casework.sqlite")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: cli.storeFile.path + suffix) {
            try FileManager.default.copyItem(atPath: cli.storeFile.path + suffix, toPath: copy.path + suffix)
        }
        let frames = try replay(keys, store: copy, config: cli.home.appendingPathComponent("replay-config"))
        #expect(frames.count == keys.count + 1)
        if let dump = ProcessInfo.processInfo.environment["CASEWORK_DUMP_FRAMES"] {
            try Data(zip(["start"] + keys, frames).map { "=== \($0)\n\($1.text)\n" }.joined().utf8).write(to: URL(fileURLWithPath: dump))
        }
        for text in mustVisit { #expect(frames.contains { $0.text.contains(text) }, "the script never reached \"\(text)\"") }

        let t = try Tmux(cli)
        func settle(_ k: Int) throws -> Bool {
            let want = expected(frames[k])
            let end = Date().addingTimeInterval(3)
            var got = try pane(t)
            while Date() < end {
                if got.text == want.text && got.cursor == want.cursor { return true }
                usleep(30_000)
                got = try pane(t)
            }
            let step = k == 0 ? "the first frame" : "key \(k) (\(keys[k - 1])) of \(keys.count), after \(keys[max(0, k - 8)..<k - 1].joined(separator: " "))"
            Issue.record("""
                at \(step), the terminal shows:
                \(got.text)
                cursor \(got.cursor.map { "\($0.x),\($0.y)" } ?? "hidden")
                but the frame drawn was:
                \(want.text)
                cursor \(want.cursor.map { "\($0.x),\($0.y)" } ?? "hidden")
                """)
            return false
        }
        guard try settle(0) else { return frames }
        for (k, name) in keys.enumerated() {
            if name.count == 1 { try t.tmux(["send-keys", "-t", "cw", "-l", name]) } else { try t.tmux(["send-keys", "-t", "cw", name]) }
            guard try settle(k + 1) else { return frames }
        }
        return frames
    }

    @Test("a note, a concern with its choices, and the first steps of the walkthrough with going back: every key's screen and cursor")
    func formsAndWalkthrough() throws {
        try Self.compare([
            "Down", "Enter",
            "N", "Tab", "Tab", "Rang school", "Enter", "Seen at 9", "C-s",
            "K", "Bruise on arm", "Tab", "Space", "Tab", "Space", "Tab", "Right", "BTab", "BTab", "Tab", "Tab", "C-s",
            "w", "C-n", "y", "Safety plan", "Tab", "Strategy meeting", "Tab", "n", "Enter",
            "BTab", "C-b", "C-b", "Escape", "Escape",
            "?", "Escape", "/", "Mor", "Enter", "Escape", "Escape",
        ], mustVisit: ["Kind of note", "What worries you", "Step 2 of 11", "Step 3 of 11", "Step 4 of 11"])
    }

    @Test("the walkthrough answered to its lawful basis, then taken back and changed: the later answers cleared on screen, the earlier kept")
    func walkthroughBack() throws {
        let frames = try Self.compare([
            "Enter", "w", "C-n", "y", "Family support", "C-n", "Enter", "n", "r", "C-n", "p",
            "C-b", "C-b", "C-b", "n", "C-n", "C-b", "C-b", "C-n", "C-n", "Escape", "Escape",
        ], mustVisit: ["Step 5 of 11"])
        // "No legitimate purpose" leads straight to the decision: the steps between are cleared, and the screen says which.
        let cleared = try #require(frames.firstIndex { $0.text.contains("Answers that no longer apply were cleared: Identifiable?, Consent, Lawful basis") })
        #expect(frames[cleared].text.contains("Step 10 of 11 · Decision"))
        // Back at the purpose, what was written there is still there.
        let back = frames[cleared + 1].text
        #expect(back.contains("Step 2 of 11 · Purpose") && back.contains("Family support"), "\(back)")
        // Forward again through the concern and purpose: the cleared steps are not visited, and ask nothing.
        #expect(!frames[(cleared + 1)...].contains { $0.text.contains("Step 4 of 11") || $0.text.contains("Step 5 of 11") })
    }
}

extension FrameFidelityTests {
    @Test("a form resumed after the workbook was killed: the cursor is on its field from the first frame")
    func resumed() throws {
        let frames = try Self.compare(["Enter", "Space", "and more", "Tab", "Escape", "Escape"], mustVisit: ["Half-written note"]) { cli in
            let t = try Tmux(cli)
            try t.wait(for: "C-0001")
            try t.keys("Enter")
            try t.wait(for: "Case details")
            try t.keys("N")
            try t.wait(for: "Kind of note")
            try t.keys("Tab", "Tab")
            try t.type("Half-written note")
            usleep(2_000_000)  // a quiet moment: the draft is kept
            kill(t.pid, SIGKILL)
            try t.waitUntilDead()
        }
        #expect(frames.first?.text.contains("Unfinished work") == true)
        #expect(frames[1].cursor.map { frames[1].line($0.y).contains("Half-written note") } == true, "the resumed form's cursor is in its text")
    }
}

extension Array where Element == String {
    func padded(to n: Int) -> [String] { count >= n ? Array(prefix(n)) : self + Array(repeating: "", count: n - count) }
}

extension FrameFidelityTests {
    @Test("every other form (consent, information shared and received, person, episode, case details and its reason), the review queue and the report: every key's screen and cursor")
    func everyForm() throws {
        try Self.compare([
            "Enter",
            "C", "Right", "Tab", "Tab", "Tab", "Right", "Tab", "Tab", "Attendance notes", "Tab", "Escape",
            "O", "Tab", "Tab", "Tab", "Duty team", "Tab", "Tab", "Tab", "Right", "Tab", "Escape",
            "I", "Tab", "Health visitor", "Tab", "Tab", "Tab", "Missed checks", "Escape",
            "P", "Sam Doe", "Tab", "Uncle", "Tab", "Right", "Tab", "y", "C-s",
            "E", "Tab", "Tab", "Escape",
            "e", " (Y9)", "C-s", "Title made clearer", "Enter",
            "Escape", "r", "Down", "Down", "Up", "Escape", "R", "Down", "Escape",
        ], mustVisit: ["Consent form", "Disclosure log: information shared", "Disclosure log: information received", "Person", "Episode",
                       "Case details", "Review queue", "Team report"])
    }
}
