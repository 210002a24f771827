import CaseworkTestSupport
import Foundation
import GRDB
import Testing

/// The workbook's own writes, killed with SIGKILL in tmux on the real binary:
/// a note being saved and a draft being written. The kill is aimed as in
/// `CrashSafetyTests` (the program stopped again and again, the store asked
/// whether a write is open), at the moment each round names, and the next
/// start must offer back exactly what was typed, once.
///
/// The workbook runs under a shell in its pane: tmux resumes a pane's own
/// process as soon as it stops, which would undo every stop.
@Suite("Crash safety: the workbook killed inside its own writes", .serialized)
struct WorkbookCrashTests {
    static let seed = TestSeed.chosen(for: "WorkbookCrashTests")

    /// What the store holds of C-0001's notes and of the user's drafts.
    struct Held: Equatable {
        var notes: [String]
        var drafts: [String]
    }

    static func held(_ store: String) throws -> Held {
        try DatabaseQueue(path: store).read { db in
            Held(notes: try String.fetchAll(db, sql: "SELECT body FROM record WHERE caseId = 'C-0001' AND kind = 'note' ORDER BY position"),
                 drafts: try String.fetchAll(db, sql: "SELECT payload FROM draft ORDER BY id"))
        }
    }

    /// Polls the store until `condition` holds of what it holds.
    static func waitFor(_ store: String, seconds: Double = 10, _ what: String, _ condition: (Held) -> Bool) throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let h = try? held(store), condition(h) { return }
            usleep(50_000)
        }
        throw Tmux.Timeout(waitingFor: what, screen: "the store held \((try? held(store)).map { "\($0.notes.count) notes, \($0.drafts.count) drafts" } ?? "nothing readable")")
    }

    static func notes(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE caseId = 'C-0001' AND kind = 'note'") ?? 0
    }

    /// Opens a note form and types `text` as the note; the quiet moment after typing writes its draft,
    /// waited for. Returns what the store holds then.
    static func typeNote(_ t: Tmux, _ text: String, store: String) throws -> Held {
        try t.keys("N")
        try t.wait(for: "Kind of note")
        try t.keys("Tab", "Tab")
        try t.type(text)
        try waitFor(store, "the draft") { $0.drafts.count == 1 && $0.drafts[0].contains(text) }
        return try held(store)
    }

    /// Ctrl-S on the note form, the workbook stopped again and again meanwhile; killed inside a write when
    /// `ready` holds, until the note is saved and its draft gone (or ten seconds). Returns whether it killed.
    static func saveNote(_ t: Tmux, store: String, rng: inout SplitMix, before: Held, ready: @escaping (Database) throws -> Bool) throws -> Bool {
        let end = Date().addingTimeInterval(10)
        return try CrashSafetyTests.stopAndProbe(t.programPid, store: store, rng: &rng, trigger: { try t.tmux(["send-keys", "-t", "cw", "C-s"]) },
                                                 ready: ready,
                                                 finished: { Date() > end || (try? held(store)).map { $0.notes.count > before.notes.count && $0.drafts.isEmpty } == true }).killed
    }

    /// A store with one case, C-0001, the workbook started on it and the case open.
    static func start(_ cli: CLI) throws -> Tmux {
        let t = try Tmux(cli, underShell: true)
        try t.wait(for: "C-0001")
        try t.keys("Enter")
        try t.wait(for: "FLAGS")
        return t
    }

    static func startedStore() throws -> CLI {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("import", CLI.example("recorded-well")).status == 0)
        return cli
    }

    /// After a kill: the store is whole, its trail verifies, and the next start offers the one draft;
    /// resumed, it shows `text` and saves it as one more note. Returns the notes then held.
    static func resumeOffered(_ cli: CLI, text: String, notesBefore: Int) throws {
        #expect(try cli.run("check").status == 0, "seed \(seed)")
        #expect(try cli.run("audit", "verify").status == 0, "seed \(seed)")
        let t = try Tmux(cli, underShell: true)
        try t.wait(for: "Unfinished work")
        try t.keys("Enter")
        try t.wait(for: text)
        try t.keys("C-s")
        try t.wait(for: "saved")
        try waitFor(cli.storeFile.path, "the resumed note saved and its draft gone") { $0.notes.count == notesBefore + 1 && $0.drafts.isEmpty }
        #expect(try held(cli.storeFile.path).notes.filter { $0.contains(text) }.count == 1, "the note saved once (seed \(seed))")
        try t.keys("q")
    }

    @Test("a note's save killed before it commits: no note, the draft is kept whole, and the next start offers it and saves it once")
    func killedSave() throws {
        var rng = SplitMix(Self.seed)
        let cli = try Self.startedStore()
        let store = cli.storeFile.path
        let t = try Self.start(cli)
        var caught = false
        for attempt in 0..<20 where !caught {
            let text = "Attempt \(attempt) rang the school"
            let before = try Self.typeNote(t, text, store: store)
            caught = try Self.saveNote(t, store: store, rng: &rng, before: before) { try Self.notes($0) == before.notes.count }
            guard caught else {
                try t.wait(for: "saved")
                continue
            }
            try t.waitUntilDead()
            // Nothing of the save is there and the draft is exactly as it was written, or (the kill
            // landing after the commit reached the log, before anyone could read it) all of it, draft gone.
            let after = try Self.held(store)
            if after == before {
                try Self.resumeOffered(cli, text: text, notesBefore: before.notes.count)
            } else {
                #expect(after.notes.count == before.notes.count + 1 && after.drafts.isEmpty, "attempt \(attempt), seed \(Self.seed)")
                print("WorkbookCrashTests: the save killed had reached the log whole (attempt \(attempt))")
            }
        }
        #expect(caught, "no save was caught inside its write (seed \(Self.seed))")
    }

    @Test("after a note's save commits, nothing is left to kill: the save and the draft's removal are one write, so a saved note is never offered again as a draft")
    func killedAfterCommit() throws {
        var rng = SplitMix(Self.seed &+ 1)
        let cli = try Self.startedStore()
        let store = cli.storeFile.path
        var t = try Self.start(cli)
        for attempt in 0..<8 {
            let before = try Self.typeNote(t, "Attempt \(attempt) saw the child", store: store)
            let killed = try Self.saveNote(t, store: store, rng: &rng, before: before) { try Self.notes($0) == before.notes.count + 1 }
            guard killed else {
                try t.wait(for: "saved")
                continue
            }
            // Killed in some later write (reading the case back is audited): the note is there once and its draft is gone.
            try t.waitUntilDead()
            let after = try Self.held(store)
            #expect(after.notes.count == before.notes.count + 1 && after.drafts.isEmpty,
                    "a saved note's draft was left behind, to be offered and saved again (attempt \(attempt), seed \(Self.seed))")
            #expect(try cli.run("check").status == 0, "seed \(Self.seed)")
            t = try Self.start(cli)
        }
        try t.keys("q")
    }

    @Test("a draft being rewritten killed inside its write: the draft stored is the earlier one, whole, and the next start offers it")
    func killedDraft() throws {
        var rng = SplitMix(Self.seed &+ 2)
        let cli = try Self.startedStore()
        let store = cli.storeFile.path
        var caught = false
        for attempt in 0..<20 where !caught {
            let t = try Self.start(cli)
            let first = "Attempt \(attempt) spoke to the parent"
            let before = try Self.typeNote(t, first, store: store)
            let end = Date().addingTimeInterval(10)
            caught = try CrashSafetyTests.stopAndProbe(t.programPid, store: store, rng: &rng,
                                                       trigger: { try t.tmux(["send-keys", "-t", "cw", "-l", " on the phone"]) },
                                                       ready: { db in try String.fetchAll(db, sql: "SELECT payload FROM draft ORDER BY id") == before.drafts },
                                                       finished: { Date() > end || (try? Self.held(store)).map { $0.drafts.first?.contains("on the phone") == true } == true }).killed
            guard caught else {
                print("WorkbookCrashTests: no draft write caught in attempt \(attempt); trying again")
                // Back from the form to the case, back to the list, and quit there (q quits only the list).
                try t.keys("Escape")
                try t.wait(for: "FLAGS")
                try t.keys("Escape")
                try t.wait(for: "q quit")
                try t.keys("q")
                try t.waitUntilDead()
                // Start again from no drafts.
                try DatabaseQueue(path: store).write { try $0.execute(sql: "DELETE FROM draft") }
                continue
            }
            try t.waitUntilDead()
            // The earlier draft, whole; or the new one whole, had its commit reached the log.
            let after = try Self.held(store)
            let second = after.drafts.first?.contains(first + " on the phone") == true
            #expect(after == before || (second && after.drafts.count == 1 && after.notes == before.notes),
                    "attempt \(attempt), seed \(Self.seed)")
            try Self.resumeOffered(cli, text: second ? first + " on the phone" : first, notesBefore: before.notes.count)
        }
        #expect(caught, "no draft write was caught (seed \(Self.seed))")
    }

    @Test("killed with SIGKILL 0.3 s after the last key reached the screen: the words typed are kept as a draft and the next start offers them (issue 15, item 5)")
    func killedAfterAPause() throws {
        let cli = try Self.startedStore()
        let store = cli.storeFile.path
        for attempt in 0..<3 {
            let t = try Self.start(cli)
            try t.keys("N")
            try t.wait(for: "Kind of note")
            try t.keys("Tab", "Tab")
            let pid = t.programPid
            let before = try Self.held(store)
            let text = "Pause \(attempt): the child said it again at lunch"
            try t.tmux(["send-keys", "-t", "cw", "-l", text])
            // From the moment the words are on screen (the person has seen them typed), 0.3 s, then the kill.
            let shown = Date().addingTimeInterval(10)
            while !t.screen.contains(text), Date() < shown { usleep(5_000) }
            usleep(300_000)
            kill(pid, SIGKILL)
            try t.waitUntilDead()
            let after = try Self.held(store)
            #expect(after.notes == before.notes, "attempt \(attempt)")
            #expect(after.drafts.count == 1 && after.drafts[0].contains(text),
                    "the words typed 0.3 s before the kill were not kept (attempt \(attempt))")
            if after.drafts.first?.contains(text) == true {
                try Self.resumeOffered(cli, text: text, notesBefore: before.notes.count)
            } else {
                try DatabaseQueue(path: store).write { try $0.execute(sql: "DELETE FROM draft") }
            }
        }
    }
}
