import CaseworkTestSupport
import Foundation
import GRDB

/// Runs the real `casework` binary, as a person at a shell would, in a
/// private home (its own XDG folders), and reads what it printed.
struct CLI {
    static let binary = Repository.root.appendingPathComponent(".build/debug/casework")

    let home: URL

    init() throws {
        home = Scratch.path("casework-cli")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    var storeFile: URL { home.appendingPathComponent("data/casework/casework.sqlite") }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    @discardableResult
    func run(_ args: String..., stdin: String? = nil, env extra: [String: String] = [:]) throws -> Result {
        try run(args, stdin: stdin, env: extra)
    }

    func run(_ args: [String], stdin: String? = nil, env extra: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        // The store is named, so that a machine-wide /etc/casework/config.json never reaches a test.
        var env = ["HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
                   "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "CASEWORK_STORE": storeFile.path,
                   "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8"]
        env.merge(extra) { $1 }
        p.environment = env
        p.currentDirectoryURL = home
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// Writes `text` to a file in the home folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = home.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func example(_ name: String) -> String { Repository.casePath(name) }

    /// Every row of every table, for "nothing changed" checks.
    func fingerprint() throws -> String {
        try DatabaseQueue(path: storeFile.path).read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            return try tables.map { try Row.fetchAll(db, sql: "SELECT * FROM \"\($0)\"").description }.joined(separator: "\n")
        }
    }
}
