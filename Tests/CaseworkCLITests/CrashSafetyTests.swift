import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing

/// Writers killed with SIGKILL at random moments: the store must stay whole.
@Suite("Crash safety: SIGKILL at random moments", .serialized)
struct CrashSafetyTests {
    /// Starts `casework args` and kills it after `delay` seconds; returns what it printed on stderr.
    func runAndKill(_ cli: CLI, _ args: [String], after delay: Double) throws -> String {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.environment = ["HOME": cli.home.path, "XDG_DATA_HOME": cli.home.appendingPathComponent("data").path,
                         "XDG_CONFIG_HOME": cli.home.appendingPathComponent("config").path, "PATH": "/usr/bin:/bin"]
        let err = cli.home.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        usleep(UInt32(delay * 1_000_000))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return (try? String(contentsOf: err, encoding: .utf8)) ?? ""
    }

    func health(_ path: String) throws -> (String, Int) {
        try DatabaseQueue(path: path).read { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "", try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
        }
    }

    @Test("imports killed mid-write: integrity holds, the audit chain verifies, every reported commit is there whole")
    func killedWriters() throws {
        let cli = try CLI()
        let store = cli.home.appendingPathComponent("s.sqlite").path
        #expect(try cli.run("init", "--store", store).status == 0)
        var rng = SystemRandomNumberGenerator()
        var committed = 0
        var firstRun = 0
        for round in 0..<12 {
            let out = try runAndKill(cli, ["demo", "generate", "--cases", "400", "--batch", "1", "--seed", "9", "--store", store],
                                     after: Double.random(in: 0.15...0.9, using: &rng))
            let reported = out.split(separator: "\r").compactMap { $0.split(separator: "/").first.flatMap { Int($0) } }.max() ?? 0
            let (integrity, fk) = try health(store)
            #expect(integrity == "ok" && fk == 0, "round \(round)")
            #expect(try cli.run("audit", "verify", "--store", store).status == 0, "round \(round)")
            let count = try DatabaseQueue(path: store).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM caseFile") ?? 0 }
            #expect(count >= committed + reported, "round \(round): \(count) cases, \(committed) + \(reported) reported")
            // The first run that commits anything starts at C-000001.
            if committed == 0 { firstRun = count }
            committed = count
        }
        // That run wrote C-000001 onwards in order: each is there whole, equal to what the generator makes.
        #expect(committed > 5 && firstRun > 0)
        var generator = DemoGenerator(seed: 9)
        let workers = (1...20).map { String(format: "worker%02d", $0) }
        let teams = ["Early Help North", "Early Help South", "Schools Team", "Health Visiting"]
        for n in 1...min(firstRun, 25) {
            let expected = generator.makeCase(n, workers: workers, teams: teams)
            let got = try CaseFileCodec.decode(Data(try cli.run("export", expected.id, "--store", store).out.utf8))
            #expect(got == expected, "\(expected.id)")
        }
    }

    @Test("killed during a schema migration: the store ends wholly old or wholly new, and opens")
    func killedMigration() throws {
        let cli = try CLI()
        var rng = SystemRandomNumberGenerator()
        let all = SQLiteCaseStore.migrations
        for round in 0..<8 {
            let store = cli.home.appendingPathComponent("m\(round).sqlite")
            try FileManager.default.copyItem(at: Repository.fixtures.appendingPathComponent("stores/schema-v1.sqlite"), to: store)
            _ = try runAndKill(cli, ["cases", "--store", store.path], after: Double.random(in: 0.0...0.12, using: &rng))
            let (integrity, fk) = try health(store.path)
            #expect(integrity == "ok" && fk == 0)
            let applied = try DatabaseQueue(path: store.path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(Array(all.prefix(applied.count)) == applied, "a prefix of the migrations: \(applied)")
            let after = try cli.run("cases", "--store", store.path)
            #expect(after.status == 0 && after.out.contains("C-0002"), "round \(round): \(after.err)")
        }
    }
}
