import Foundation
import CaseworkStore

/// The bench's side effects: child processes, store files, the sqlite3 tool.
enum Tool {
    static var userName: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "casework"
    }

    static var here: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }

    static func maxResidentKB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }

    static func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String], env: [String: String] = [:], stdin: URL? = nil,
                    tolerant: Bool = false, errors: Bool = true) throws -> (Data, Double) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
        p.arguments = tool.hasPrefix("/") ? args : [tool] + args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = errors ? FileHandle.standardError : FileHandle(forWritingAtPath: "/dev/null")
        if let stdin { p.standardInput = try FileHandle(forReadingFrom: stdin) }
        let start = ContinuousClock.now
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let ms = Scenario.ms(ContinuousClock.now - start)
        guard p.terminationStatus == 0 || tolerant else { throw BenchError("\(tool) \(args.first ?? "") exited with \(p.terminationStatus)") }
        return (data, ms)
    }

    /// The generated store for `size` cases, made once with `casework demo generate` and kept.
    static func ensureStore(size: Int, in dir: URL) throws -> URL {
        let store = dir.appendingPathComponent("store.sqlite"), done = dir.appendingPathComponent("generated")
        if FileManager.default.fileExists(atPath: done.path) { return store }
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let env = ["XDG_CONFIG_HOME": dir.appendingPathComponent("config").path, "XDG_DATA_HOME": dir.appendingPathComponent("data").path]
        let casework = here.appendingPathComponent("casework").path
        FileHandle.standardError.write(Data("Generating \(size) invented cases (once; kept in \(dir.path))…\n".utf8))
        try run(casework, ["init", "--store", store.path], env: env)
        let (_, ms) = try run(casework, ["demo", "generate", "--cases", "\(size)", "--seed", "1", "--store", store.path], env: env)
        try Data("\(size) cases, seed 1, \(Int(ms / 1000)) s\n".utf8).write(to: done)
        return store
    }

    static func copyStore(_ from: URL, to: URL) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: to.path + suffix)
            if FileManager.default.fileExists(atPath: from.path + suffix) {
                try FileManager.default.copyItem(atPath: from.path + suffix, toPath: to.path + suffix)
            }
        }
    }

    static func scenario(_ name: String, store: URL, config: URL, resources: String, user: String, iterations: Int,
                         traces: URL) throws -> ScenarioResult {
        let (data, _) = try run(CommandLine.arguments[0], ["scenario", name, "--store", store.path, "--config", config.path,
                                                          "--resources", resources, "--user", user,
                                                          "--iterations", "\(iterations)", "--traces", traces.path])
        return try JSONDecoder().decode(ScenarioResult.self, from: data)
    }

    /// Milliseconds `sqlite3` takes to run the statements in `trace` once, on
    /// `store`: the script is run `repeats` times in one process, timed by
    /// SQLite's own clock between a first and a last statement, rows sent to
    /// /dev/null. (Statements traced from concurrent connections can collide
    /// when replayed on one, e.g. a second BEGIN; sqlite3 reports those and goes on.)
    static func sqlite3(_ trace: URL, on store: URL, repeats: Int) throws -> Double {
        let body = try String(contentsOf: trace, encoding: .utf8)
        let script = trace.deletingPathExtension().appendingPathExtension("replay.sql")
        let clock = "SELECT printf('%.3f', (julianday('now') - 2440587.5) * 86400000.0);\n"
        try Data((clock + ".output /dev/null\n" + String(repeating: body, count: repeats) + ".output stdout\n" + clock).utf8).write(to: script)
        var best = Double.infinity
        for _ in 0..<(repeats == 1 ? 1 : 3) {
            let (out, _) = try run("sqlite3", [store.path], stdin: script, tolerant: true, errors: false)
            let stamps = String(decoding: out, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }
            guard stamps.count == 2 else { throw BenchError("sqlite3 did not report its clock for \(trace.lastPathComponent)") }
            best = min(best, stamps[1] - stamps[0])
        }
        return best / Double(repeats)
    }

    /// Milliseconds `psql` takes to run the statements in `trace` once, timed by
    /// the server's clock between a first and a last statement, the script run
    /// `repeats` times in one session with rows sent to /dev/null. With
    /// `uniqueIds`, each run's new record ids are made its own so a replayed
    /// save writes new records, as the original did.
    static func psql(_ trace: URL, address: String, repeats: Int, uniqueIds: Bool) throws -> Double {
        let body = try String(contentsOf: trace, encoding: .utf8)
        let script = trace.deletingPathExtension().appendingPathExtension("replay.sql")
        let clock = "SELECT extract(epoch FROM clock_timestamp()) * 1000;\n"
        // The session settings Casework's own connections run with, so that both run the same plans.
        var text = "\\o /dev/null\n\(PostgresCaseStore.sessionSettings);\nSELECT 1;\n\\o\n" + clock + "\\o /dev/null\n"
        for k in 0..<repeats {
            text += uniqueIds ? body.replacingOccurrences(of: "BENCH-", with: "BENCH-R\(k)-\(UUID().uuidString.prefix(4))-") : body
        }
        text += "\\o\n" + clock
        try Data(text.utf8).write(to: script)
        let (out, _) = try run("psql", ["-X", "-q", "-At", address, "-f", script.path], tolerant: true, errors: false)
        let stamps = String(decoding: out, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }
        guard stamps.count == 2 else { throw BenchError("psql did not report its clock for \(trace.lastPathComponent)") }
        return (stamps[1] - stamps[0]) / Double(repeats)
    }

    /// How SQLite plans the review queue's query, from its trace.
    static func queryPlan(_ store: URL) throws -> String {
        let trace = store.deletingLastPathComponent().appendingPathComponent("traces/review-queue.sql")
        guard let sql = try String(contentsOf: trace, encoding: .utf8).components(separatedBy: ";\n")
            .first(where: { $0.contains("FROM flag") && $0.hasPrefix("SELECT") }) else { return "(no query traced)" }
        let (data, _) = try run("sqlite3", [store.path, "EXPLAIN QUERY PLAN " + sql])
        return String(decoding: data, as: UTF8.self)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

extension Data {
    /// What a tool printed, as text.
    var text: String { String(decoding: self, as: UTF8.self) }
}
