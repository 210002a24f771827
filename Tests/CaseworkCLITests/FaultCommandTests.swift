import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing

/// A full disk, a read-only store, a store locked by someone else, refusals:
/// each gives a clean message naming the problem (ids only, never record text)
/// and leaves the store as it was.
@Suite("Faults at the command line", .serialized)
struct FaultCommandTests {
    /// A name that appears in the records written below and must never appear in an error.
    static let name = "Zebedee Quartermain"

    /// The "gaps" example as case `id`, with the child renamed and a long note that names them.
    static func caseFile(_ id: String, worker: String? = nil, noteLength: Int = 40) throws -> Data {
        var c = try CaseFileCodec.decode(Data(contentsOf: URL(fileURLWithPath: CLI.example("gaps"))))
        c.id = id
        c.child.name = name
        if let worker { c.worker = worker }
        // Long text as several notes, each under the 100,000-character limit of a field.
        let sentence = "\(name) said she was scared at home. "
        let perNote = max(1, 90_000 / sentence.count)
        for (k, start) in stride(from: 0, to: noteLength, by: perNote).enumerated() {
            c.notes.append(CaseNote(id: "N\(k + 1)", at: Timestamp("2026-03-06T12:00:00Z")!, by: c.worker, kind: .visit,
                                    text: String(repeating: sentence, count: min(perNote, noteLength - start))))
        }
        return CaseFileCodec.encode(c)
    }

    func tableCounts(_ store: String) throws -> [Int] {
        try DatabaseQueue(path: store).read { db in
            try ["caseFile", "record", "recordVersion", "audit", "flag"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1 }
        }
    }

    @Test("a full disk: 'nothing was saved' and what to do, no record text, the store whole and unchanged; reading a case says why it cannot")
    func diskFull() throws {
        let cli = try CLI()
        let small = cli.home.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        guard sh("mount -t tmpfs -o size=1200k,mode=0700 tmpfs '\(small.path)'") == 0 else {
            Issue.record("cannot mount a small tmpfs here (needs root): the full-disk test did not run")
            return
        }
        defer { _ = sh("umount '\(small.path)'") }
        let store = small.appendingPathComponent("s.sqlite").path
        #expect(try cli.run("init", "--store", store).status == 0)
        #expect(try cli.run("import", try cli.file("a.json", String(decoding: Self.caseFile("C-0100"), as: UTF8.self)), "--store", store).status == 0)
        // Full to the last byte: reading a case cannot be recorded, so it is refused, saying what to do.
        _ = try DatabaseQueue(path: store).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        _ = sh("(dd if=/dev/zero of='\(small.path)/filler' bs=4k 2>/dev/null; true)")
        let show = try cli.run("show", "C-0100", "--store", store)
        #expect(show.status == 1 && show.err.contains("nothing is shown: the disk holding the store is full. Free space on it"), "\(show.err)")
        #expect(!show.err.contains("Zebedee") && !show.out.contains("Zebedee"))
        #expect(try cli.run("cases", "--store", store).status == 0, "lists need no audit event")
        _ = sh("rm -f '\(small.path)/filler'")
        #expect(try cli.run("show", "C-0100", "--store", store).status == 0)
        let before = try tableCounts(store)
        let big = try cli.file("big.json", String(decoding: Self.caseFile("C-0101", noteLength: 30_000), as: UTF8.self))
        let r = try cli.run("import", big, "--store", store)
        #expect(r.status != 0)
        #expect(r.err.contains("the disk holding the store is full; nothing was saved. Free space on it"), "\(r.err)")
        #expect(!r.err.contains("Zebedee") && !r.out.contains("Zebedee"))
        #expect(try tableCounts(store) == before)
        #expect(try cli.run("check", "--store", store).status == 0)
    }

    @Test("a read-only store: a clean message, no record text, the store unchanged")
    func readOnly() throws {
        #expect(OSUsers.ensure("cwworker"))
        let cli = try CLI()
        let dir = cli.home.appendingPathComponent("ro")
        let store = dir.appendingPathComponent("s.sqlite").path
        #expect(try cli.run("init", "--store", store).status == 0)
        #expect(try cli.run("users", "add", "cwworker", "--role", "worker", "--store", store).status == 0)
        #expect(try cli.run("import", try cli.file("a.json", String(decoding: Self.caseFile("C-0100", worker: "cwworker"), as: UTF8.self)),
                            "--store", store).status == 0)
        let note = try cli.file("n.json", #"{"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "cwworker", "kind": "phone", "text": "\#(Self.name) called"}"#)
        let home = cli.home.appendingPathComponent("worker")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let before = try tableCounts(store)
        #expect(sh("chown -R cwworker '\(dir.path)' '\(home.path)' && chmod 0444 '\(store)' && chmod 0555 '\(dir.path)' && chmod 0755 '\(cli.home.path)' && chmod 0644 '\(note)'") == 0)
        defer { _ = sh("chmod 0700 '\(dir.path)'; chmod 0600 '\(store)'") }
        let out = cli.home.appendingPathComponent("ro-out.txt").path
        let status = sh("runuser -u cwworker -- env HOME='\(home.path)' XDG_CONFIG_HOME='\(home.path)/config' \(CLI.binary.path) add C-0100 --kind note -f '\(note)' --store '\(store)' > '\(out)' 2>&1; test $? -ne 0")
        let said = (try? String(contentsOf: URL(fileURLWithPath: out), encoding: .utf8)) ?? ""
        #expect(status == 0, "the add must fail")
        #expect(said.contains("read-only"), "\(said)")
        #expect(!said.contains("Zebedee"))
        #expect(try tableCounts(store) == before)
    }

    @Test("a store made read-only (0400) still lists, checks and verifies; reading a case says it cannot be recorded; a stale -shm does not keep it read-only")
    func readOnlyStoreUsable() throws {
        #expect(OSUsers.ensure("cwworker"))
        let cli = try CLI()
        let dir = cli.home.appendingPathComponent("own")
        let store = dir.appendingPathComponent("s.sqlite").path
        #expect(try cli.run("init", "--store", store).status == 0)
        #expect(try cli.run("import", try cli.file("a.json", String(decoding: Self.caseFile("C-0100"), as: UTF8.self)), "--store", store).status == 0)
        #expect(try cli.run("users", "add", "cwworker", "--role", "manager", "--store", store).status == 0)
        let home = cli.home.appendingPathComponent("worker")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // The store becomes cwworker's own (a single-user store belongs to one OS user), then 0400.
        #expect(sh("chown -R cwworker '\(dir.path)' '\(home.path)' && chmod 0755 '\(cli.home.path)' && chmod 0400 '\(store)'") == 0)
        func asOwner(_ args: String) -> (status: Int32, output: String) {
            let out = cli.home.appendingPathComponent("out-\(UUID().uuidString).txt").path
            let status = sh("(runuser -u cwworker -- env HOME='\(home.path)' XDG_CONFIG_HOME='\(home.path)/config' \(CLI.binary.path) \(args) --store '\(store)' > '\(out)' 2>&1; echo $? >> '\(out)')")
            let said = (try? String(contentsOf: URL(fileURLWithPath: out), encoding: .utf8)) ?? ""
            let code = Int32(said.split(separator: "\n").last ?? "") ?? -1
            #expect(status == 0)
            return (code, said)
        }
        let before = try tableCounts(store)
        for args in ["cases", "check", "audit verify", "flags"] {
            let r = asOwner(args)
            #expect(r.status == 0, "\(args): \(r.output)")
        }
        for args in ["show C-0100", "history C-0100/N1", "export C-0100"] {
            let r = asOwner(args)
            #expect(r.status == 1 && r.output.contains("could not be, so nothing is shown: the store at \(store) is read-only"), "\(args): \(r.output)")
            #expect(!r.output.contains("Zebedee"))
        }
        #expect(!FileManager.default.fileExists(atPath: store + "-shm"), "a read-only open leaves nothing beside the file")
        #expect(try tableCounts(store) == before)
        // Permissions restored, but an earlier read-only open's -shm is left 0400.
        #expect(sh("chmod 0600 '\(store)' && touch '\(store)-shm' && chown cwworker '\(store)-shm' && chmod 0400 '\(store)-shm'") == 0)
        let r = asOwner("show C-0100")
        #expect(r.status == 0 && r.output.contains("Case C-0100"), "\(r.output)")
    }

    /// The "gaps" example as case `id` with `notes` short invented notes.
    static func manyNotes(_ id: String, _ notes: Int) throws -> String {
        var c = try CaseFileCodec.decode(Data(contentsOf: URL(fileURLWithPath: CLI.example("gaps"))))
        c.id = id
        c.notes = (1...notes).map { CaseNote(id: "N\($0)", at: Timestamp("2026-03-06T12:00:00Z")!, by: c.worker, kind: .visit, text: "Visit \($0).") }
        return String(decoding: CaseFileCodec.encode(c), as: UTF8.self)
    }

    @Test("an import too big to write within the busy timeout is refused, saying to split it; one within the limit never makes a reader wait it out")
    func importKeepsTheLockShort() throws {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("import", CLI.example("gaps")).status == 0)
        let before = try tableCounts(cli.storeFile.path)
        let huge = try cli.run("import", try cli.file("huge.json", try Self.manyNotes("C-0600", StoreRules.importLimit)))
        #expect(huge.status == 1 && huge.err.contains("hold 20010 records; at most 20000 go in at once"), "\(huge.err)")
        #expect(huge.err.contains("Split the file") && huge.err.contains("nothing was imported"))
        #expect(try tableCounts(cli.storeFile.path) == before)
        // The largest import allowed, while another session reads a case over and over.
        let big = try cli.file("big.json", try Self.manyNotes("C-0601", StoreRules.importLimit - 10))
        let importer = Process()
        importer.executableURL = CLI.binary
        importer.arguments = ["import", big, "--store", cli.storeFile.path]
        importer.environment = ["HOME": cli.home.path, "XDG_CONFIG_HOME": cli.home.appendingPathComponent("config").path]
        importer.standardOutput = FileHandle.nullDevice
        try importer.run()
        var reads = 0
        while importer.isRunning {
            let r = try cli.run("show", "C-0002")
            #expect(r.status == 0, "a reader during the import: \(r.err)")
            reads += 1
        }
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        #expect(reads > 0)
        #expect(try cli.run("cases").out.contains("C-0601"))
    }

    @Test("refusals and bad input name ids and paths, never record text")
    func noRecordTextInErrors() throws {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        let good = String(decoding: try Self.caseFile("C-0100"), as: UTF8.self)
        let file = try cli.file("good.json", good)
        #expect(try cli.run("import", file).status == 0)
        func variant(_ name: String, _ from: String, _ to: String) throws -> String {
            #expect(good.contains(from), "the fixture has \(from)")
            return try cli.file(name, good.replacingOccurrences(of: from, with: to))
        }
        // Each attempt with a word its message must contain, to show the intended check refused it.
        let attempts: [([String], String)] = [
            (["import", file], "C-0100"),
            (["import", try variant("e.json", #""parentalResponsibility" : "unknown""#, #""parentalResponsibility" : "maybe""#)], "parentalResponsibility"),
            (["import", try variant("t.json", #""livesWithChild" : false"#, #""livesWithChild" : "\#(Self.name) lives here""#)], "livesWithChild"),
            (["import", try variant("d.json", #""episodeId" : "E2""#, #""episodeId" : "E99""#)], "E99"),
            (["import", try cli.file("x.json", String(good.prefix(good.count / 2)))], "JSON"),
            (["amend", "C-0100/N1", "-f", try cli.file("n.json", #"{"id": "N1", "at": "2026-03-06T12:00:00Z", "by": "x", "kind": "chat", "text": "\#(Self.name)"}"#), "--reason", "r"], "chat"),
            (["add", "C-0999", "--kind", "note", "-f", try cli.file("n2.json", #"{"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "x", "kind": "phone", "text": "\#(Self.name)"}"#)], "C-0999"),
            (["show", "C-0999"], "C-0999"),
        ]
        for (args, word) in attempts {
            let r = try cli.run(args)
            #expect(r.status != 0, "\(args.prefix(2))")
            #expect(r.err.contains(word), "\(args.prefix(2)): \(r.err)")
            #expect(!r.err.contains("Zebedee") && !r.err.contains("Quartermain") && !r.err.contains("scared"), "\(args.prefix(2)): \(r.err)")
        }
    }
}
