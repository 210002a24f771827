import ArgumentParser
import CaseworkApp
import CaseworkCore
import CaseworkStore
import Foundation
import Synchronization
import TerminalKit

/// `casework-bench team`: the team store on PostgreSQL at a given size. The
/// generated SQLite store of that size is brought in with `casework server
/// import-store`; then the review queue's first page, opening a case and
/// saving a record are timed beside the same SQL replayed by `psql`, and 20
/// practitioners save while a manager reads the queue, each on their own
/// connection, for a fixed time.
struct Team: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks of the team store (PostgreSQL).")
    @Option(help: "Where stores and traces are kept between runs.") var dir = ".build/bench"
    @Option(help: "Store size, in cases.") var size = 100_000
    @Option(help: "The workbook's Resources folder.") var resources = "Resources"
    @Option(help: "The throwaway cluster's superuser connection string (libpq keywords).") var conninfo: String
    @Option(help: "Seconds of the concurrent run.") var seconds = 60
    @Option(help: "Practitioners saving at once.") var writers = 20
    @Option(help: "Where the Markdown results go.") var out = ".build/bench/team-results.md"
    @ArgumentParser.Flag(help: "Use the store already in the cluster (no setup or import).") var reuse = false

    func run() throws {
        let root = URL(fileURLWithPath: dir).standardizedFileURL
        let sizeDir = root.appendingPathComponent("\(size)")
        let source = try Tool.ensureStore(size: size, in: sizeDir)
        let traces = root.appendingPathComponent("team-traces")
        try? FileManager.default.createDirectory(at: traces, withIntermediateDirectories: true)
        let database = "bench"
        let casework = Tool.here.appendingPathComponent("casework").path
        let superuser = conninfo + " dbname=\(database) user=postgres"
        var importMs = Double.nan
        if !reuse {
            FileHandle.standardError.write(Data("team store: setting up and importing \(size) cases…\n".utf8))
            try Tool.run(casework, ["server", "setup", "--admin", "bench.admin", "--store", superuser])
            importMs = try Tool.run(casework, ["server", "import-store", source.path, "--store", superuser]).1
            try Tool.run("psql", ["-X", "-q", superuser, "-c", "VACUUM ANALYZE"])
        }
        let me = Tool.userName
        let address = conninfo + " dbname=\(database) user=\(me)"
        let settings = FlagSettings(resources: try CaseworkResources.load(from: URL(fileURLWithPath: resources)))
        let bench = TeamScenario(address: address, settings: settings, user: me, traces: traces)

        var rows: [(String, Double, Double?)] = []
        for (name, iterations, body) in [("review-queue", 300, bench.reviewQueue), ("open-case", 30, bench.openCase),
                                         ("save-record", 30, bench.saveRecord)] as [(String, Int, (Int) throws -> [Double])] {
            FileHandle.standardError.write(Data("team store: \(name)…\n".utf8))
            let samples = try body(iterations)
            let writes = name == "save-record"
            let psql = try Tool.psql(traces.appendingPathComponent("\(name).sql"), address: address,
                                     repeats: writes ? 1 : 100, uniqueIds: writes) / Double(writes ? iterations : 1)
            rows.append((name, Stats.median(samples), psql))
        }
        FileHandle.standardError.write(Data("team store: \(writers) practitioners and a manager for \(seconds) s…\n".utf8))
        let load = try bench.concurrent(writers: writers, seconds: seconds, conninfo: conninfo + " dbname=\(database)")
        let text = TeamReport.markdown(size: size, importSeconds: importMs / 1000, rows: rows, load: load, writers: writers, seconds: seconds)
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        print(text)
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

    /// What the concurrent run measured, per operation.
    struct Load {
        var saves: [Double] = [], queues: [Double] = []
        var errors: [String] = []
    }

    /// `writers` practitioners (the generated store's worker01…) each adding notes to their own
    /// cases as fast as they can, and one manager reading the queue's first page, for `seconds`.
    func concurrent(writers: Int, seconds: Int, conninfo: String) throws -> Load {
        let result = Scenario.Box(Load())
        let deadline = ContinuousClock.now + .seconds(seconds)
        let group = DispatchGroup()
        func worker(_ name: String, _ body: @escaping @Sendable () throws -> Void) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do { try body() } catch { result.withLock { $0.errors.append("\(name): \(error)") } }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        for w in 1...writers {
            let name = String(format: "worker%02d", w)
            worker(name) {
                let store = try PostgresCaseStore(address: conninfo + " user=\(name)", settings: self.settings)
                let mine = try store.caseList(CaseListQuery(mineOnly: true, on: self.today, offset: 0, limit: 500), by: name).entries
                guard !mine.isEmpty else { throw BenchError("\(name) has no cases") }
                var i = 0
                while ContinuousClock.now < deadline {
                    let id = mine[(i * 31) % mine.count].summary.id
                    let note = CaseNote(id: "LOAD-\(UUID().uuidString.prefix(8))", at: Timestamp(Date()), by: name, kind: .phone,
                                        text: "Invented call \(i).")
                    let start = ContinuousClock.now
                    do {
                        try store.add(.note(note), toCase: id, by: name)
                        let t = Scenario.ms(ContinuousClock.now - start)
                        result.withLock { $0.saves.append(t) }
                    } catch {
                        result.withLock { $0.errors.append("\(name): \(error)") }
                    }
                    i += 1
                }
            }
        }
        let manager = self.user
        worker(manager) {
            let store = try PostgresCaseStore(address: conninfo + " user=\(manager)", settings: self.settings)
            while ContinuousClock.now < deadline {
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
        group.wait()
        return result.withLock { $0 }
    }
}

enum TeamReport {
    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)]
    }

    static func markdown(size: Int, importSeconds: Double, rows: [(String, Double, Double?)], load: TeamScenario.Load,
                         writers: Int, seconds: Int) -> String {
        var t = "## Team store (PostgreSQL), \(size) cases\n\n"
        t += String(format: "Brought in with `casework server import-store` in %.0f s.\n\n", importSeconds)
        t += "| scenario | Casework median (ms) | same SQL in psql (ms) | ratio |\n|---|---:|---:|---:|\n"
        for (name, median, psql) in rows {
            t += String(format: "| %@ | %.2f | %@ | %@ |\n", name, median, psql.map { String(format: "%.2f", $0) } ?? "–",
                        psql.map { String(format: "%.1fx", median / $0) } ?? "–")
        }
        t += "\n\(writers) practitioners saving and one manager reading the queue's first page, for \(seconds) s:\n\n"
        t += "| operation | count | p50 (ms) | p99 (ms) |\n|---|---:|---:|---:|\n"
        for (name, xs) in [("save a note", load.saves), ("review queue page", load.queues)] {
            t += String(format: "| %@ | %d | %.1f | %.1f |\n", name, xs.count, percentile(xs, 0.5), percentile(xs, 0.99))
        }
        t += "\nErrors: \(load.errors.count)" + (load.errors.isEmpty ? "" : " (first: \(load.errors[0]))") + "\n"
        return t
    }
}
