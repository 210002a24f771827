import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

/// Writers killed with SIGKILL inside their own write transactions: the store
/// stays whole, each write is there entirely or not at all, and the next
/// start carries on.
///
/// A kill is aimed, not hoped for: the running program is stopped every few
/// hundred microseconds and the store asked whether a write transaction is
/// open (a `BEGIN IMMEDIATE` that finds it busy); it is killed only there. The
/// pauses come from a seeded generator whose seed is printed, and a failure
/// is replayed with `CASEWORK_TEST_SEED=<seed>`.
@Suite("Crash safety: SIGKILL inside a write", .serialized)
struct CrashSafetyTests {
    static let seed = TestSeed.chosen(for: "CrashSafetyTests")

    static func environment(_ cli: CLI) -> [String: String] {
        ["HOME": cli.home.path, "XDG_DATA_HOME": cli.home.appendingPathComponent("data").path,
         "XDG_CONFIG_HOME": cli.home.appendingPathComponent("config").path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    /// Whether process `pid` is stopped (state T in /proc).
    static func isStopped(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state == "T" || state == "t" || state == "Z"
    }

    /// Runs `casework args` and kills it inside a write transaction on `store` at
    /// a moment when `ready` holds of what is committed; with `kill` false, only
    /// watches. Returns whether it was killed there (false: it finished first),
    /// how many separate write transactions were seen, and what it printed on stderr.
    static func killInsideWrite(_ cli: CLI, _ args: [String], store: String, rng: inout SplitMix, kill shouldKill: Bool = true,
                                ready: (Database) throws -> Bool = { _ in true }) throws -> (killed: Bool, writes: Int, stderr: String) {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.environment = environment(cli)
        let err = cli.home.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let (killed, writes) = try stopAndProbe(p.processIdentifier, store: store, rng: &rng, kill: shouldKill, ready: ready) { !p.isRunning }
        p.waitUntilExit()
        return (killed, writes, (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Stops process `pid` again and again, pauses between from `rng`, and at each stop asks
    /// `store` whether a write transaction is open. `trigger` runs once, at the first stop (a key
    /// sent then is read when the program goes on). Kills `pid` at the first stop inside a write
    /// where `ready` holds of what is committed (with `kill` false, only watches), and gives up
    /// when `finished` says so (asked at a stop outside a write). Returns whether it killed and
    /// how many separate write transactions it saw.
    static func stopAndProbe(_ pid: pid_t, store: String, rng: inout SplitMix, kill shouldKill: Bool = true,
                             trigger: () throws -> Void = {}, ready: (Database) throws -> Bool,
                             finished: () -> Bool) throws -> (killed: Bool, writes: Int) {
        var config = Configuration()
        config.busyMode = .immediateError
        let probe = try DatabaseQueue(path: store, configuration: config)
        var killed = false, writes = 0, wasWriting = false, triggered = false
        while true {
            kill(pid, SIGSTOP)
            while !isStopped(pid) { usleep(20) }
            if !triggered { try trigger(); triggered = true }
            var writing = false
            do {
                try probe.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    try db.execute(sql: "ROLLBACK")
                }
            } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_PROTOCOL {
                // SQLITE_PROTOCOL: the stopped process was frozen while it held the WAL index's locks, so
                // SQLite's bounded retries for a read snapshot ran out. That is a write under way too.
                writing = true
            }
            if writing && !wasWriting { writes += 1 }
            wasWriting = writing
            if shouldKill, writing, (try? probe.read(ready)) == true {
                kill(pid, SIGKILL)
                killed = true
                break
            }
            if !writing && finished() { kill(pid, SIGCONT); break }
            kill(pid, SIGCONT)
            usleep(UInt32.random(in: 30...400, using: &rng))
        }
        return (killed, writes)
    }

    static func health(_ path: String) throws -> (integrity: String, foreignKeyErrors: Int) {
        try DatabaseQueue(path: path).read { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "", try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
        }
    }

    static let workers = (1...20).map { String(format: "worker%02d", $0) }
    static let teams = ["Early Help North", "Early Help South", "Schools Team", "Health Visiting"]

    @Test("demo generate killed inside its batches: every case that is there is whole and exactly what the generator makes")
    func killedGenerator() throws {
        var rng = SplitMix(Self.seed)
        let cli = try CLI()
        let store = cli.home.appendingPathComponent("s.sqlite").path
        #expect(try cli.run("init", "--store", store).status == 0)
        let settings = FlagSettings(resources: try CaseworkResources.load(from: Repository.resources))
        var killedRounds = 0
        for round in 0..<6 {
            let ids = try DatabaseQueue(path: store).read { try String.fetchAll($0, sql: "SELECT id FROM caseFile ORDER BY id") }
            let start = (ids.compactMap { Int($0.dropFirst(2)) }.max() ?? 0) + 1
            // Aimed at a random point of the run: killed inside the first write after `aim` cases are committed.
            let aim = ids.count + Int.random(in: 1...150, using: &rng)
            let (killed, _, _) = try Self.killInsideWrite(cli, ["demo", "generate", "--cases", "200", "--batch", "7", "--seed", "9", "--store", store],
                                                          store: store, rng: &rng) { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM caseFile") ?? 0 >= aim }
            if killed { killedRounds += 1 }
            let (integrity, fk) = try Self.health(store)
            #expect(integrity == "ok" && fk == 0, "round \(round), seed \(Self.seed)")
            #expect(try cli.run("audit", "verify", "--store", store).status == 0, "round \(round), seed \(Self.seed)")
            let after = try DatabaseQueue(path: store).read { try String.fetchAll($0, sql: "SELECT id FROM caseFile ORDER BY id") }
            let made = after.count - ids.count
            #expect(made % 7 == 0 && made > 0, "round \(round): \(made) cases, not whole batches of 7 (seed \(Self.seed))")
            // Each run numbers on from the highest case, with a fresh generator: every new case is the generator's.
            var generator = DemoGenerator(seed: 9)
            let s = try SQLiteCaseStore(StoreLocation(file: URL(fileURLWithPath: store),
                                                      configDirectory: cli.home.appendingPathComponent("config/casework")), settings: settings)
            let me = try s.identity(claimed: NSUserName())
            for n in start..<start + made {
                let expected = generator.makeCase(n, workers: Self.workers, teams: Self.teams)
                #expect(try s.exportCase(expected.id, by: me) == expected, "\(expected.id), round \(round), seed \(Self.seed)")
            }
        }
        #expect(killedRounds >= 5, "only \(killedRounds) of 6 rounds were killed inside a batch (seed \(Self.seed))")
    }

    /// The schema (every table, index and trigger) after the first `k` migrations of a copy of the v1 store.
    static func schemas() throws -> [String] {
        let all = SQLiteCaseStore.migrations
        return try (1...all.count).map { k in
            let copy = Scratch.path("schema", suffix: ".sqlite")
            defer { try? FileManager.default.removeItem(at: copy) }
            try FileManager.default.copyItem(at: Repository.fixtures.appendingPathComponent("stores/schema-v1.sqlite"), to: copy)
            let q = try DatabaseQueue(path: copy.path)
            try Schema.migrator.migrate(q, upTo: all[k - 1])
            return try schema(q)
        }
    }

    static func schema(_ q: some DatabaseReader) throws -> String {
        try q.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
                .map(\.description).joined(separator: "\n")
        }
    }

    @Test("killed inside a schema migration: each migration is there wholly or not at all, and the next start finishes the rest")
    func killedMigration() throws {
        var rng = SplitMix(Self.seed &+ 1)
        let cli = try CLI()
        let all = SQLiteCaseStore.migrations
        let expected = try Self.schemas()
        var stoppedAt: [Int] = []
        for round in 0..<8 {
            // Aimed at a different migration each round: killed while the one after the first `target` is open.
            let target = 1 + round % (all.count - 1)
            var caught = false
            for attempt in 0..<60 where !caught {
                let store = cli.home.appendingPathComponent("m\(round)-\(attempt).sqlite")
                try FileManager.default.copyItem(at: Repository.fixtures.appendingPathComponent("stores/schema-v1.sqlite"), to: store)
                // Killed only while a migration's transaction is open: fewer than all are committed.
                let (killed, _, _) = try Self.killInsideWrite(cli, ["cases", "--store", store.path], store: store.path, rng: &rng) { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") == target
                }
                guard killed else { continue }
                caught = true
                let (integrity, fk) = try Self.health(store.path)
                #expect(integrity == "ok" && fk == 0, "round \(round), seed \(Self.seed)")
                let q = try DatabaseQueue(path: store.path)
                let applied = try q.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
                stoppedAt.append(applied.count)
                // The migration killed is not there, or (the kill landing after its commit reached the log, before
                // any reader could see it) wholly there: never part of one.
                #expect((applied.count == target || applied.count == target + 1) && Array(all.prefix(applied.count)) == applied,
                        "round \(round): \(applied)")
                #expect(try Self.schema(q) == expected[max(applied.count, 1) - 1],
                        "round \(round): the schema is not that of the \(applied.count) migrations recorded (seed \(Self.seed))")
                let after = try cli.run("cases", "--store", store.path)
                #expect(after.status == 0 && after.out.contains("C-0001") && after.out.contains("C-0002"), "round \(round): \(after.err)")
                #expect(try q.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") } == all)
                #expect(try Self.schema(q) == expected[all.count - 1])
                #expect(try cli.run("audit", "verify", "--store", store.path).status == 0, "round \(round)")
            }
            #expect(caught, "round \(round): no attempt was caught inside migration \(target + 1) (seed \(Self.seed))")
        }
        print("CrashSafetyTests: migrations committed when killed, by round: \(stoppedAt)")
    }

    /// Counts that any write changes: records, versions, audit events, reviews, flags and their states, hand-raised flags.
    static func shape(_ store: String) throws -> [Int] {
        try DatabaseQueue(path: store).read { db in
            try ["SELECT COUNT(*) FROM caseFile", "SELECT COUNT(*) FROM record", "SELECT COUNT(*) FROM recordVersion",
                 "SELECT COUNT(*) FROM audit", "SELECT COUNT(*) FROM flag", "SELECT COUNT(*) FROM flag WHERE status = 'open'",
                 "SELECT COUNT(*) FROM flag WHERE returnedIn IS NOT NULL", "SELECT COUNT(*) FROM manualFlag",
                 "SELECT COUNT(*) FROM meta"].map { try Int.fetchOne(db, sql: $0) ?? -1 }
        }
    }

    /// Copies a store file (it is checkpointed: no -wal beside it) to `to`.
    static func copy(_ from: String, _ to: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: from + suffix) {
            try? FileManager.default.removeItem(atPath: to + suffix)
            try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix)
        }
    }

    @Test("import, add, amend, return, accept, raise, and a policy change (every case's flags recomputed) killed inside their writes: all of it or none, flags and trail intact")
    func killedCommands() throws {
        var rng = SplitMix(Self.seed &+ 2)
        let cli = try CLI()
        let base = cli.home.appendingPathComponent("base.sqlite").path
        #expect(try cli.run("init", "--store", base).status == 0)
        #expect(try cli.run("demo", "generate", "--cases", "300", "--seed", "4", "--store", base).status == 0)
        #expect(try cli.run("import", CLI.example("gaps"), CLI.example("recorded-well"), "--store", base).status == 0)
        var many = DemoGenerator(seed: 11)
        let batch = try (1...40).map { n in
            try cli.file("batch-\(n).json", String(decoding: CaseFileCodec.encode(many.makeCase(5_000 + n, workers: Self.workers, teams: Self.teams)), as: UTF8.self))
        }
        let note = try cli.file("note.json", #"{"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "root", "kind": "phone", "text": "Rang school"}"#)
        let decision = try CaseFileCodec.decode(Repository.caseFile("gaps")).decision("D1")!
        var d1 = decision
        d1.rationale = "Written after supervision."
        let amended = try cli.file("d1.json", CaseRecord.decision(d1).body())
        let policy = try cli.file("policy.json", #"{"rules": {"insecure-method": {"enabled": false}}}"#)
        // Each command, with the audit events it commits before the write aimed at (amend first records its reading).
        // With `policyFirst`, the policy is committed before the write aimed at (every case's flags recomputed).
        let commands: [(args: [String], earlier: Int, policyFirst: Bool)] = [
            (["import"] + batch, 0, false), (["add", "C-0002", "--kind", "note", "-f", note], 0, false),
            (["amend", "C-0002/D1", "-f", amended, "--reason", "rationale after supervision"], 1, false),
            (["review", "return", "C-0002/D1", "--rule", "rationale-missing", "--note", "Please write why"], 0, false),
            (["review", "accept", "C-0002/X1", "--rule", "insecure-method", "--note", "Deletion confirmed"], 0, false),
            (["flags", "raise", "C-0001/N2", "--severity", "check", "--reason", "Observation or opinion?"], 0, false),
            (["policy", "set", policy], 0, false),
            (["policy", "set", policy], 1, true),
        ]
        for (args, earlier, policyFirst) in commands {
            // Where a whole run of this command leaves the store. Each copy runs from a home of its own:
            // a copy is a rollback to the audit anchor of the home that ran the original.
            let whole = cli.home.appendingPathComponent("whole.sqlite").path
            try Self.copy(base, whole)
            let before = try Self.shape(whole)
            let done = try CLI().run(args + ["--store", whole])
            let after = try Self.shape(whole)
            #expect(done.status == 0 && after != before, "\(args): \(done.err)")
            let auditBefore = before[3] + earlier
            /// Inside the write aimed at: the connection's set-up write has left a WAL, and the trail holds the earlier events.
            func aim(_ path: String) -> (Database) throws -> Bool {
                { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit") == auditBefore
                        && ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0) > 0
                }
            }
            var caught = false
            for attempt in 0..<60 where !caught {
                let store = cli.home.appendingPathComponent("k-\(attempt).sqlite").path
                try Self.copy(base, store)
                let home = try CLI()
                let (killed, _, _) = try Self.killInsideWrite(home, args + ["--store", store], store: store, rng: &rng, ready: aim(store))
                guard killed else { continue }
                caught = true
                let (integrity, fk) = try Self.health(store)
                #expect(integrity == "ok" && fk == 0, "\(args), seed \(Self.seed)")
                // Nothing of the write killed is there; everything committed before it is.
                var expected = before
                expected[3] += earlier
                if policyFirst { expected[8] = after[8] }
                // Or, the kill landing while the commit was being synced to the log (before any reader could see it), all of it.
                let killedShape = try Self.shape(store)
                let landed = killedShape == after
                #expect(killedShape == expected || landed, "\(args) \(earlier): \(killedShape), not \(expected) (seed \(Self.seed))")
                let check = try home.run("check", "--store", store)
                #expect(check.status == 0, "\(args): \(check.out)\(check.err) (seed \(Self.seed))")
                // The next start computes flags under the policy it finds stored.
                let settled = try Self.shape(store)
                #expect(Array(settled[4...7]) == Array((policyFirst || landed ? after : before)[4...7]), "\(args): flags \(settled), seed \(Self.seed)")
                #expect(try home.run("audit", "verify", "--store", store).status == 0, "\(args), seed \(Self.seed)")
            }
            #expect(caught, "\(args): no attempt was caught inside its write (seed \(Self.seed))")
        }
    }
}
