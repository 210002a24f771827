import ArgumentParser
import Foundation

/// `make bench`: builds stores of the given sizes with `casework demo generate`,
/// runs each scenario in its own process, replays the same SQL with the
/// `sqlite3` command-line tool on the same file, and writes a Markdown table.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casework-bench", abstract: "Benchmarks of the workbook against stores of 10,000 and 100,000 cases.",
        subcommands: [Run.self, One.self, Team.self], defaultSubcommand: Run.self)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every scenario on every size and write the results.")
    @Option(help: "Where stores and traces are kept between runs.") var dir = ".build/bench"
    @Option(help: "Store sizes, in cases.") var sizes = "10000,100000"
    @Option(help: "The workbook's Resources folder.") var resources = "Resources"
    @Option(help: "Where the Markdown results go.") var out = ".build/bench/results.md"

    func run() throws {
        let root = URL(fileURLWithPath: dir).standardizedFileURL
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let me = Tool.userName
        var report = Report()
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let sizeDir = root.appendingPathComponent("\(size)")
            let store = try Tool.ensureStore(size: size, in: sizeDir)
            let config = sizeDir.appendingPathComponent("config/casework")
            // Writes go to copies so the generated store stays as generated; sqlite3 replays on its own copy.
            let ours = sizeDir.appendingPathComponent("ours.sqlite"), theirs = sizeDir.appendingPathComponent("theirs.sqlite")
            var rows: [(String, Double, Double?, Int)] = []
            for (name, iterations, writes) in [("first-frame", 20, false), ("review-queue", 300, false), ("open-case", 30, true),
                                               ("save-record", 30, true), ("import-case", 20, true), ("recompute", 1, true),
                                               ("browse", 1, true)] {
                let traces = sizeDir.appendingPathComponent("traces")
                try? FileManager.default.createDirectory(at: traces, withIntermediateDirectories: true)
                var target = store
                if writes {
                    try Tool.copyStore(store, to: ours)
                    try Tool.copyStore(store, to: theirs)
                    target = ours
                }
                FileHandle.standardError.write(Data("\(size) cases: \(name)…\n".utf8))
                let result = try Tool.scenario(name, store: target, config: config, resources: resources, user: me,
                                               iterations: iterations, traces: traces)
                for (key, samples) in result.samples.sorted(by: { $0.key < $1.key }) {
                    let median = Stats.median(samples)
                    var sql: Double?
                    let trace = traces.appendingPathComponent("\(key).sql")
                    if FileManager.default.fileExists(atPath: trace.path) {
                        let perIteration = ["save-record", "import-case"].contains(key) ? iterations : 1
                        sql = try Tool.sqlite3(trace, on: writes ? theirs : store, repeats: writes ? 1 : 300) / Double(perIteration)
                    }
                    rows.append((key, median, sql, result.maxResidentKB))
                }
            }
            for f in [ours, theirs] {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: f.path + suffix) }
            }
            let plan = try Tool.queryPlan(store)
            report.add(size: size, rows: rows, plan: plan, storeBytes: Tool.fileSize(store))
        }
        let text = report.markdown()
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        print(text)
    }
}

struct One: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenario", abstract: "Run one scenario (used by `run`).",
                                                    shouldDisplay: false)
    @Argument var name: String
    @Option var store: String
    @Option var config: String
    @Option var resources: String
    @Option var user: String
    @Option var iterations = 10
    @Option var traces: String

    func run() throws {
        let s = try Scenario(store: URL(fileURLWithPath: store), config: URL(fileURLWithPath: config),
                         resources: URL(fileURLWithPath: resources), user: user, iterations: iterations,
                         traceDirectory: URL(fileURLWithPath: traces))
        let samples: [String: [Double]]
        switch name {
        case "first-frame": samples = try s.firstFrame()
        case "review-queue": samples = try s.reviewQueue()
        case "open-case": samples = try s.openCase()
        case "save-record": samples = try s.saveRecord()
        case "import-case": samples = try s.importCase()
        case "recompute": samples = try s.recompute()
        case "browse": samples = try s.browse()
        default: throw ValidationError("no scenario \(name)")
        }
        let result = ScenarioResult(samples: samples, maxResidentKB: Tool.maxResidentKB())
        FileHandle.standardOutput.write(try JSONEncoder().encode(result))
    }
}

/// What one scenario process reports.
struct ScenarioResult: Codable {
    var samples: [String: [Double]]
    var maxResidentKB: Int
}

enum Stats {
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
