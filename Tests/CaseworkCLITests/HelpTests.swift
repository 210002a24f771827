import ArgumentParser
import Foundation
import Testing
@testable import CaseworkCLI

/// Every command's `--help`, as the binary prints it, kept in
/// `HelpSnapshots/`: a change to what a command takes or says shows in review.
/// Set CASEWORK_RECORD_SNAPSHOTS=1 to write them again.
@Suite("Help output, command by command")
struct HelpTests {
    /// Every command's path below `casework`, from the commands' own configuration.
    static func paths(_ command: ParsableCommand.Type = Casework.self, _ prefix: [String] = []) -> [[String]] {
        [prefix] + command.configuration.subcommands.flatMap { sub in paths(sub, prefix + [sub._commandName]) }
    }

    @Test("each command's help equals its snapshot, names what it takes, and every command has one")
    func snapshots() throws {
        let cli = try CLI()
        let all = Self.paths()
        #expect(all.count > 30, "\(all.count) commands")
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("HelpSnapshots")
        for path in all {
            let r = try cli.run(path + ["--help"])
            #expect(r.status == 0 && r.out.contains("USAGE: casework"), "\(path)")
            let file = folder.appendingPathComponent((["casework"] + path).joined(separator: "-") + ".txt")
            if ProcessInfo.processInfo.environment["CASEWORK_RECORD_SNAPSHOTS"] == "1" {
                try Data(r.out.utf8).write(to: file)
                continue
            }
            let expected = try? String(contentsOf: file, encoding: .utf8)
            #expect(expected != nil, "no snapshot \(file.lastPathComponent); run with CASEWORK_RECORD_SNAPSHOTS=1")
            #expect(expected == nil || r.out == expected, "\(file.lastPathComponent) differs:\n\(r.out)")
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }
        #expect(kept.count == all.count, "a snapshot for a command that is gone")
    }

    /// A command without its own name is named by ArgumentParser from its
    /// type, and asking a type its name searches every protocol conformance
    /// in the binary: at start-up, each command cost every invocation part of
    /// its 20 ms. The snapshots above pin the names themselves.
    @Test("every command names itself, so start-up does not look names up")
    func namedCommands() {
        func unnamed(_ command: ParsableCommand.Type, _ prefix: [String]) -> [String] {
            let here = command.configuration.commandName == nil ? [prefix.joined(separator: " ")] : []
            return here + command.configuration.subcommands.flatMap { unnamed($0, prefix + [$0._commandName]) }
        }
        #expect(unnamed(Casework.self, ["casework"]) == [])
    }
}
