import ArgumentParser
import CaseworkApp
import CaseworkCore
import CaseworkStore
import Foundation
import Synchronization
import TerminalKit

/// `casework-bench team`: the team store on PostgreSQL at each given size.
/// Each size is its own database (`bench_SIZE`) in the cluster, filled once
/// with invented cases by `COPY` (`PostgresServer.generateDemo`) and kept for
/// later runs; then the first frame, the review queue's first page, opening a
/// case and saving a record are timed beside the same SQL replayed by
/// `psql`, and practitioners and managers work at once, each on their own
/// connection as their own role, for a fixed time.
struct Team: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks of the team store (PostgreSQL).")
    @Option(help: "Where traces are kept between runs.") var dir = ".build/bench"
    @Option(help: "Store sizes, in cases, comma-separated.") var sizes = "100000"
    @Option(help: "The workbook's Resources folder.") var resources = "Resources"
    @Option(help: "The cluster's superuser connection string (libpq keywords).") var conninfo: String
    @Option(help: "Seconds of the concurrent run.") var seconds = 60
    @Option(help: "Practitioners working at once.") var writers = 50
    @Option(help: "Managers reading the queue at once.") var managers = 2
    @Option(help: ArgumentHelp("""
        The paces of the concurrent runs, comma-separated: milliseconds from the start of one of a practitioner's \
        open-and-save rounds (or a manager's queue reads) to the start of their next; 0 is as fast as the server answers.
        """, valueName: "ms,…")) var paces = "0,1000"
    @Option(help: "Where the Markdown results go.") var out = ".build/bench/team-results.md"

    func run() throws {
        let root = URL(fileURLWithPath: dir).standardizedFileURL
        let settings = FlagSettings(resources: try CaseworkResources.load(from: URL(fileURLWithPath: resources)))
        let me = Tool.userName
        var results: [TeamReport.SizeResult] = []
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let database = "bench_\(size)"
            let superuser = conninfo + " dbname=\(database) user=postgres"
            // The practitioners and team managers of the load, and the one running this as a manager in no team, who sees every case.
            let users = PostgresServer.demoUsers(workers: writers, managers: managers) + [User(name: me, role: .manager, teams: [])]
            var generated: (seconds: Double, summary: PostgresServer.DemoSummary)?
            let exists = try Tool.run("psql", ["-X", "-qtA", conninfo + " dbname=postgres user=postgres", "-c",
                                               "SELECT 1 FROM pg_database WHERE datname = '\(database)'"]).0.text.contains("1")
            let filled = exists ? (try? Tool.run("psql", ["-X", "-qtA", superuser, "-c",
                                                          "SELECT value FROM casework.meta WHERE key = 'benchGenerated'"], errors: false).0.text) ?? "" : ""
            if !filled.contains(String(size)) {
                if exists { try Tool.run("dropdb", ["--if-exists", "-h", Self.keyword("host", conninfo), "-p", Self.keyword("port", conninfo), "-U", "postgres", database]) }
                try Tool.run("createdb", ["-h", Self.keyword("host", conninfo), "-p", Self.keyword("port", conninfo), "-U", "postgres", database])
                FileHandle.standardError.write(Data("team store: generating \(size) cases into \(database) by COPY…\n".utf8))
                try Tool.run(Tool.here.appendingPathComponent("casework").path, ["server", "setup", "--admin", "bench.admin", "--store", superuser])
                let started = ContinuousClock.now
                let store = try PostgresCaseStore(address: superuser, settings: settings)
                let engine = store.engine
                let summary = try PostgresServer.generateDemo(into: superuser, cases: size, seed: 3, users: users, engine: engine) { made in
                    FileHandle.standardError.write(Data("\r\(made)/\(size) cases".utf8))
                }
                FileHandle.standardError.write(Data("\nteam store: VACUUM ANALYZE…\n".utf8))
                try Tool.run("psql", ["-X", "-q", superuser, "-c", "VACUUM ANALYZE"])
                try Tool.run("psql", ["-X", "-q", superuser, "-c",
                                      "INSERT INTO casework.meta (key, value) VALUES ('benchGenerated', '\(size)') ON CONFLICT (key) DO UPDATE SET value = excluded.value"])
                generated = (Scenario.ms(ContinuousClock.now - started) / 1000, summary)
            } else {
                // Kept from an earlier checkout: brought up to this one's schema, as an administrator would.
                try Tool.run(Tool.here.appendingPathComponent("casework").path, ["server", "migrate", "--store", superuser])
            }
            let traces = root.appendingPathComponent("team-traces-\(size)")
            try? FileManager.default.createDirectory(at: traces, withIntermediateDirectories: true)
            let address = conninfo + " dbname=\(database) user=\(me)"
            let bench = TeamScenario(address: address, settings: settings, user: me, traces: traces)
            let practitioner = users.first { $0.role == .worker }!.name
            let practitionerAddress = conninfo + " dbname=\(database) user=\(practitioner)"
            var rows: [(String, Double, Double?)] = []
            for (name, iterations, body, replayAs) in [
                ("first-frame", 30, bench.firstFrame, address), ("review-queue", 300, bench.reviewQueue, address),
                ("mine-filter", 100, { try bench.mineFilter($0, as: practitioner, at: practitionerAddress) }, practitionerAddress),
                ("open-case", 30, bench.openCase, address), ("save-record", 30, bench.saveRecord, address),
            ] as [(String, Int, (Int) throws -> [Double], String)] {
                FileHandle.standardError.write(Data("team store, \(size) cases: \(name)…\n".utf8))
                let samples = try body(iterations)
                let writes = name == "save-record"
                let psql = try Tool.psql(traces.appendingPathComponent("\(name).sql"), address: replayAs,
                                         repeats: writes ? 1 : 100, uniqueIds: writes) / Double(writes ? iterations : 1)
                rows.append((name, Stats.median(samples), psql))
            }
            var loads: [(pace: Int, load: TeamScenario.Load)] = []
            for pace in try Self.paces(paces) {
                FileHandle.standardError.write(Data("team store, \(size) cases: \(writers) practitioners and \(managers) managers for \(seconds) s, pace \(pace) ms…\n".utf8))
                loads.append((pace, try bench.concurrent(workers: users.filter { $0.role == .worker }.map(\.name),
                                                         managers: users.filter { $0.role == .manager && $0.name != me }.map(\.name),
                                                         seconds: seconds, pace: pace, conninfo: conninfo + " dbname=\(database)")))
            }
            let bytes = (try? Tool.run("psql", ["-X", "-qtA", superuser, "-c", "SELECT pg_database_size(current_database())"]).0.text)
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            results.append(TeamReport.SizeResult(size: size, generated: generated, rows: rows, loads: loads, bytes: bytes))
        }
        let text = TeamReport.markdown(results, writers: writers, managers: managers, seconds: seconds)
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        print(text)
    }

    /// `--paces` read: whole milliseconds, 0 or more, the first the run sizes are compared on.
    static func paces(_ text: String) throws -> [Int] {
        let paces = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !paces.isEmpty, paces.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--paces takes milliseconds, 0 or more, separated by commas (e.g. 0,1000)")
        }
        return paces.map { $0! }
    }

    /// One keyword's value from a libpq connection string.
    static func keyword(_ name: String, _ conninfo: String) -> String {
        conninfo.split(separator: " ").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) } ?? ""
    }
}

/// The team store's scenarios, each on connections of its own.
final class TeamScenario: @unchecked Sendable {
    let address: String
    let settings: FlagSettings
    let user: String
    let traces: URL
    let captured = Scenario.Captured()

    init(address: String, settings: FlagSettings, user: String, traces: URL) {
        self.address = address; self.settings = settings; self.user = user; self.traces = traces
    }

    func open(_ address: String? = nil) throws -> PostgresCaseStore {
        let captured = self.captured
        return try PostgresCaseStore(address: address ?? self.address, settings: settings,
                                     sqlTrace: { sql in captured.withLock { if $0 != nil { $0?.append(sql) } } })
    }

    func capture<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        captured.withLock { $0 = [] }
        let value = try body()
        let statements = captured.withLock { s -> [String] in defer { s = nil }; return s ?? [] }
        try? Data((statements.map { $0 + ";" }.joined(separator: "\n") + "\n").utf8).write(to: traces.appendingPathComponent("\(name).sql"))
        return value
    }

    var today: Day { Day(Date()) }

    func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        return (value, Scenario.ms(ContinuousClock.now - start))
    }

    func reviewQueue(_ iterations: Int) throws -> [Double] {
        let store = try open()
        var samples: [Double] = []
        for i in 0..<iterations {
            let q = FlagQuery(on: today, limit: 50)
            let (items, t) = i == iterations - 1 ? try capture("review-queue") { try time { try store.reviewQueue(q, by: user) } }
                                                 : try time { try store.reviewQueue(q, by: user) }
            precondition(!items.isEmpty, "the queue is empty")
            samples.append(t)
        }
        return samples
    }

    /// A practitioner's case list filtered to their own cases (the workbook's `m`), its first page and total.
    func mineFilter(_ iterations: Int, as practitioner: String, at address: String) throws -> [Double] {
        let store = try open(address)
        let q = CaseListQuery(mineOnly: true, on: today)
        return try (0..<iterations).map { i in
            let (page, t) = i == iterations - 1 ? try capture("mine-filter") { try time { try store.caseList(q, by: practitioner) } }
                                                : try time { try store.caseList(q, by: practitioner) }
            precondition(!page.entries.isEmpty && page.total >= page.entries.count, "\(practitioner) has no cases")
            return t
        }
    }

    func openCase(_ iterations: Int) throws -> [Double] {
        let store = try open()
        let me = try store.user(named: user)
        let page = try store.caseList(CaseListQuery(on: today, offset: 0, limit: 1000), by: user)
        var samples: [Double] = []
        for i in 0..<iterations {
            let id = page.entries[(i * 37) % page.entries.count].summary.id
            let body = { try Scenario.openCase(id, in: store, as: me, today: self.today, guidance: self.settings.guidance) }
            let (_, t) = i == iterations - 1 ? try capture("open-case") { try time(body) } : try time(body)
            samples.append(t)
        }
        return samples
    }

    func saveRecord(_ iterations: Int) throws -> [Double] {
        let store = try open()
        let page = try store.caseList(CaseListQuery(on: today, offset: 0, limit: 1000), by: user)
        return try capture("save-record") {
            try (0..<iterations).map { i in
                let id = page.entries[(i * 53) % page.entries.count].summary.id
                let note = CaseNote(id: "BENCH-\(UUID().uuidString.prefix(8))", at: Timestamp(Date()), by: user, kind: .other,
                                    text: "Invented benchmark note \(i).")
                return try time { try store.add(.note(note), toCase: id, by: user) }.1
            }
        }
    }

    /// Connecting, reading who one is and drawing the case list's first screen, as the workbook does.
    func firstFrame(_ iterations: Int) throws -> [Double] {
        var samples: [Double] = []
        for i in 0..<iterations {
            let body = { () throws -> Frame in
                let store = try self.open()
                let me = try store.user(named: self.user)
                let state = AppState(user: me, today: self.today, now: Timestamp(Date()), size: Size(width: 120, height: 40),
                                     guidance: self.settings.guidance, samplesAvailable: false)
                let runner = AppRunner(state: state, store: store, terminal: FrameOnce(), samples: [])
                runner.start()
                return App.view(runner.state)
            }
            let (_, t) = i == iterations - 1 ? try capture("first-frame") { try time(body) } : try time(body)
            samples.append(t)
        }
        return samples
    }

    /// What the concurrent run measured, per operation.
    struct Load {
        var saves: [Double] = [], opens: [Double] = [], queues: [Double] = []
        var errors: [String] = []
    }

    /// `workers` practitioners each opening one of their own cases and adding a
    /// note to it, over and over, and `managers` each reading their review
    /// queue's first page, for `seconds`: as fast as the server answers with
    /// `pace` 0, else each starting a round every `pace` ms (at once if the
    /// last ran over), the first rounds spread over one pace so they do not
    /// arrive together. Times are from each operation's start to its end. The
    /// clock starts when every client has connected and read the cases it
    /// works on: fifty practitioners' lists read at once had filled the first
    /// seconds of the measured minute.
    func concurrent(workers: [String], managers: [String], seconds: Int, pace: Int = 0, conninfo: String) throws -> Load {
        let result = Scenario.Box(Load())
        let everyone = workers.count + managers.count
        let line = StartLine(everyone)
        /// Waits for round `i` of the client at `slot`, and says whether it starts before the deadline.
        @Sendable func due(_ slot: Int, _ i: Int, from begun: ContinuousClock.Instant) -> Bool {
            let deadline = begun + .seconds(seconds)
            if pace > 0 {
                let at = begun + .milliseconds(pace * slot / max(1, everyone)) + .milliseconds(pace * i)
                if at >= deadline { return false }
                let wait = (at - ContinuousClock.now).components
                if wait.seconds > 0 || wait.attoseconds > 0 { Thread.sleep(forTimeInterval: Double(wait.seconds) + Double(wait.attoseconds) / 1e18) }
            }
            return ContinuousClock.now < deadline
        }
        let group = DispatchGroup()
        /// Runs `body` on a thread of its own; `body` calls its argument when it is ready to start, and a
        /// client that fails before then is counted at the start line all the same.
        func worker(_ name: String, _ body: @escaping @Sendable (_ ready: () -> ContinuousClock.Instant) throws -> Void) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var arrived = false
                do {
                    try body { arrived = true; return line.arrive() }
                } catch {
                    result.withLock { $0.errors.append("\(name): \(error)") }
                }
                if !arrived { _ = line.arrive() }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        for (slot, name) in workers.enumerated() {
            worker(name) { ready in
                let store = try PostgresCaseStore(address: conninfo + " user=\(name)", settings: self.settings)
                let me = try store.user(named: name)
                let mine = try store.caseList(CaseListQuery(mineOnly: true, on: self.today, offset: 0, limit: 500), by: name).entries
                guard !mine.isEmpty else { throw BenchError("\(name) has no cases") }
                let begun = ready()
                var i = 0
                while due(slot, i, from: begun) {
                    let id = mine[(i * 31) % mine.count].summary.id
                    let note = CaseNote(id: "LOAD-\(UUID().uuidString.prefix(8))", at: Timestamp(Date()), by: name, kind: .phone,
                                        text: "Invented call \(i).")
                    do {
                        var start = ContinuousClock.now
                        _ = try Scenario.openCase(id, in: store, as: me, today: self.today, guidance: self.settings.guidance)
                        let opened = Scenario.ms(ContinuousClock.now - start)
                        start = ContinuousClock.now
                        try store.add(.note(note), toCase: id, by: name)
                        let saved = Scenario.ms(ContinuousClock.now - start)
                        result.withLock { $0.opens.append(opened); $0.saves.append(saved) }
                    } catch {
                        result.withLock { $0.errors.append("\(name): \(error)") }
                    }
                    i += 1
                }
            }
        }
        for (n, manager) in managers.enumerated() {
            worker(manager) { ready in
                let store = try PostgresCaseStore(address: conninfo + " user=\(manager)", settings: self.settings)
                let begun = ready()
                var i = 0
                while due(workers.count + n, i, from: begun) {
                    i += 1
                    let start = ContinuousClock.now
                    do {
                        _ = try store.reviewQueue(FlagQuery(on: self.today, limit: 50), by: manager)
                        let t = Scenario.ms(ContinuousClock.now - start)
                        result.withLock { $0.queues.append(t) }
                    } catch {
                        result.withLock { $0.errors.append("\(manager): \(error)") }
                    }
                }
            }
        }
        group.wait()
        return result.withLock { $0 }
    }
}

/// Where the concurrent run's clients wait until all of them are ready: the
/// last to arrive starts the clock for everyone.
final class StartLine: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int
    private var start: ContinuousClock.Instant?

    init(_ clients: Int) { waiting = clients }

    /// Blocks until every client has arrived; returns the common start.
    func arrive() -> ContinuousClock.Instant {
        condition.lock()
        defer { condition.unlock() }
        waiting -= 1
        if waiting <= 0 && start == nil {
            start = .now
            condition.broadcast()
        }
        while start == nil { condition.wait() }
        return start!
    }
}

enum TeamReport {
    /// One size's figures.
    struct SizeResult {
        var size: Int
        var generated: (seconds: Double, summary: PostgresServer.DemoSummary)?
        var rows: [(String, Double, Double?)]
        /// The concurrent runs, by pace (ms between a client's rounds; 0, as fast as the server answers).
        var loads: [(pace: Int, load: TeamScenario.Load)]
        var load: TeamScenario.Load { loads[0].load }
        var bytes: Int
    }

    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)]
    }

    static func markdown(_ results: [SizeResult], writers: Int, managers: Int, seconds: Int) -> String {
        var t = "## Team store (PostgreSQL)\n\n"
        for r in results {
            t += "### \(r.size) cases (\(r.bytes / 1_048_576) MB on disk)\n\n"
            if let g = r.generated {
                t += String(format: "Generated by COPY in %.0f s: %d cases, %d records, %d flags.\n\n", g.seconds, g.summary.cases,
                            g.summary.records, g.summary.flags)
            } else {
                t += "Generated by an earlier run.\n\n"
            }
            t += "| scenario | Casework median (ms) | same SQL in psql (ms) | ratio |\n|---|---:|---:|---:|\n"
            for (name, median, psql) in r.rows {
                t += String(format: "| %@ | %.2f | %@ | %@ |\n", name, median, psql.map { String(format: "%.2f", $0) } ?? "–",
                            psql.map { String(format: "%.1fx", median / $0) } ?? "–")
            }
            for (pace, load) in r.loads {
                let how = pace == 0 ? "as fast as the server answers" : "each starting a round every \(pace) ms"
                t += "\n\(writers) practitioners each opening a case and saving a note, and \(managers) managers reading the queue's first page, \(how), for \(seconds) s:\n\n"
                t += "| operation | count | per second | p50 (ms) | p99 (ms) |\n|---|---:|---:|---:|---:|\n"
                for (name, xs) in [("open a case", load.opens), ("save a note", load.saves), ("review queue page", load.queues)] {
                    t += String(format: "| %@ | %d | %.1f | %.1f | %.1f |\n", name, xs.count, Double(xs.count) / Double(seconds),
                                percentile(xs, 0.5), percentile(xs, 0.99))
                }
                t += "\nErrors: \(load.errors.count)" + (load.errors.isEmpty ? "" : " (first: \(load.errors[0]))") + "\n"
            }
            t += "\n"
        }
        if let small = results.first, let big = results.last, big.size > small.size {
            t += "### From \(small.size) to \(big.size) cases\n\n| figure | \(small.size) | \(big.size) | growth |\n|---|---:|---:|---:|\n"
            var pairs: [(String, Double, Double)] = zip(small.rows, big.rows).map { ("\($0.0) median", $0.1, $1.1) }
            for (name, a, b) in [("open a case", small.load.opens, big.load.opens), ("save a note", small.load.saves, big.load.saves),
                                 ("review queue page", small.load.queues, big.load.queues)] {
                pairs.append(("\(name) under load, p50", percentile(a, 0.5), percentile(b, 0.5)))
                pairs.append(("\(name) under load, p99", percentile(a, 0.99), percentile(b, 0.99)))
            }
            for (name, a, b) in pairs { t += String(format: "| %@ | %.2f | %.2f | %.2fx |\n", name, a, b, b / a) }
        }
        return t
    }
}
