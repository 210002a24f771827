import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
import TerminalKit
@testable import CaseworkApp

/// What a practitioner sees when the store cannot take a save: the form
/// stays open with every word they typed, and the message says what to do.
@Suite("Saving when the store cannot take it")
struct FaultTests {
    struct Workbook {
        let dir: URL
        let location: StoreLocation
        let store: SQLiteCaseStore
        let runner: AppRunner

        init(busyTimeout: TimeInterval = 5, in folder: URL? = nil) throws {
            dir = folder ?? Scratch.path("cw-fault")
            location = StoreLocation(file: dir.appendingPathComponent("s.sqlite"), configDirectory: dir.appendingPathComponent("config"))
            let setup = try SQLiteCaseStore(location, settings: FlagSettings(resources: Screens.resources), create: true)
            _ = try setup.initialise(by: "mia.manager")
            _ = try setup.importCases([Screens.example("gaps")], replace: false, by: "mia.manager")
            store = try SQLiteCaseStore(location, settings: FlagSettings(resources: Screens.resources), busyTimeout: busyTimeout)
            let state = AppState(user: User(name: "mia.manager", role: .manager), today: Screens.now.localDay, now: Screens.now,
                                 size: Size(width: 80, height: 24), guidance: Screens.resources.guidance, samplesAvailable: false)
            runner = AppRunner(state: state, store: store, terminal: FakeTerminal(), samples: [])
            runner.start()
        }

        /// Opens the case, starts a note and types `text` into it.
        func typeNote(_ text: String) {
            for k in [Key.enter, .char("N"), .tab, .tab] + text.map({ Key.char($0) }) { runner.send(.key(k)) }
        }

        var form: FormState? { if case .form(let f) = runner.state.screen { f } else { nil } }
        /// Counted behind the store's back: an export is audited, and auditing needs room on the disk.
        var notes: Int {
            (try? DatabaseQueue(path: location.file.path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM record WHERE kind = 'note'") }) ?? -1
        }
    }

    static let words = "Spoke to the school nurse about the bruise on Tuesday."

    @Test("a lock held past the timeout: 'try again', the text kept, nothing half-saved; the retry saves it once")
    func lockPastTimeout() throws {
        let w = try Workbook(busyTimeout: 0.3)
        let before = w.notes
        w.typeNote(Self.words)
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: w.location.file.path, configuration: config)
        try other.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        w.runner.send(.key(.ctrl("s")))
        #expect(w.runner.state.message?.isError == true)
        #expect(w.runner.state.message?.text.contains("try again") == true)
        #expect(w.form?.values["text"] == Self.words, "the typed note is still in the open form")
        #expect(!(w.runner.state.message?.text.contains("bruise") ?? true), "no record text in the message")
        try other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        #expect(w.notes == before)
        w.runner.send(.key(.ctrl("s")))
        #expect(w.form == nil)
        #expect(w.notes == before + 1)
        #expect(try w.store.verifyAudit().isIntact)
    }

    @Test("a full disk: a clean message, the text kept, the store intact, and the save goes through once there is room")
    func diskFull() throws {
        let small = Scratch.path("cw-full")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        guard sh("mount -t tmpfs -o size=2m,mode=0700 tmpfs '\(small.path)'") == 0 else {
            Issue.record("cannot mount a small tmpfs here (needs root): the full-disk test did not run")
            return
        }
        defer { _ = sh("umount '\(small.path)'") }
        let w = try Workbook(in: small)
        let before = w.notes
        w.typeNote(Self.words)
        // Empty the write-ahead log, then fill the disk: the save has nowhere to go.
        _ = try DatabaseQueue(path: w.location.file.path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        _ = sh("dd if=/dev/zero of='\(small.path)/filler' bs=4k")
        w.runner.send(.key(.ctrl("s")))
        #expect(w.runner.state.message?.isError == true)
        #expect(w.runner.state.message?.text.contains("disk holding the store is full") == true, "\(w.runner.state.message?.text ?? "")")
        #expect(w.form?.values["text"] == Self.words)
        #expect(w.notes == before)
        #expect(try FileManager.default.removeItem(at: small.appendingPathComponent("filler")) == ())
        #expect(try w.store.verifyAudit().isIntact)
        let check = try DatabaseQueue(path: w.location.file.path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        w.runner.send(.key(.ctrl("s")))
        #expect(w.form == nil)
        #expect(w.notes == before + 1)
    }
}
