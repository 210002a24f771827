import CaseworkTestSupport
import Foundation
import Testing

/// A practitioner (OS user cwworker) on a store holding another team's case:
/// no command shows it, names its child, or admits it exists.
@Suite("No command shows a practitioner another team's case", .serialized,
       .enabled(if: getuid() == 0, "needs root to create a second OS user"))
struct VisibilityCommandTests {
    /// Runs casework as cwworker; returns the exit status and everything it printed.
    func asWorker(_ cli: CLI, _ home: URL, _ args: [String]) -> (Int32, String) {
        let out = cli.home.appendingPathComponent("out-\(UUID().uuidString)").path
        let quoted = args.map { "'\($0)'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "runuser -u cwworker -- env HOME='\(home.path)' XDG_CONFIG_HOME='\(home.path)/config' \(CLI.binary.path) \(quoted) > '\(out)' 2>&1"]
        try? p.run()
        p.waitUntilExit()
        return (p.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    @Test("show, export, history, flags, cases, amend, add, raise, review, report, retention: nothing of the other case")
    func everyCommand() throws {
        #expect(sh("id -u cwworker || useradd -M -s /usr/sbin/nologin cwworker") == 0)
        let cli = try CLI()
        let shared = cli.home.appendingPathComponent("shared")
        let store = shared.appendingPathComponent("casework.sqlite").path
        let home = cli.home.appendingPathComponent("worker")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        sh("chmod 755 '\(cli.home.path)'")
        #expect(try cli.run("init", "--store", store).status == 0)
        #expect(try cli.run("users", "add", "cwworker", "--role", "worker", "--team", "Schools Team", "--store", store).status == 0)
        // C-0002 (gaps) belongs to sam.t in Early Help North; C-0001 is the worker's own.
        let mine = try String(contentsOfFile: CLI.example("recorded-well"), encoding: .utf8)
            .replacingOccurrences(of: "\"worker\": \"ahmed.k\"", with: "\"worker\": \"cwworker\"")
        #expect(try cli.run("import", try cli.file("mine.json", mine), CLI.example("gaps"), "--store", store).status == 0)
        let other = try cli.run("show", "C-0002", "--store", store).out
        let child = other.split(separator: "\n").first { $0.contains("Child:") }.map { String($0.split(separator: ":")[1].split(separator: "(")[0]).trimmingCharacters(in: .whitespaces) } ?? "Mina"
        #expect(!child.isEmpty)
        let note = try cli.file("n.json", #"{"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "cwworker", "kind": "phone", "text": "x"}"#)
        sh("chmod 644 '\(note)'")
        #expect(sh("chown -R cwworker '\(shared.path)' '\(home.path)'") == 0)

        let refusedOnTheCase: [[String]] = [
            ["show", "C-0002"], ["export", "C-0002"], ["export", "C-0002", "--format", "markdown"], ["history", "C-0002/D1"],
            ["amend", "C-0002/D1", "-f", note, "--reason", "x"], ["add", "C-0002", "--kind", "note", "-f", note],
            ["flags", "raise", "C-0002/D1", "--reason", "x"],
        ]
        let missing = asWorker(cli, home, ["show", "C-0404", "--store", store])
        #expect(missing.0 != 0)
        for args in refusedOnTheCase {
            let (status, out) = asWorker(cli, home, args + ["--store", store])
            #expect(status != 0, "\(args) was allowed")
            #expect(!out.contains(child), "\(args) named the child: \(out)")
            // Refused exactly as a case that does not exist is refused: existence does not leak.
            #expect(out.replacingOccurrences(of: "C-0002", with: "C-0404").contains(missing.1.trimmingCharacters(in: .whitespacesAndNewlines))
                    || args.first != "show", "\(args): \(out)")
        }
        for args in [["cases"], ["flags"], ["flags", "--all"], ["flags", "--case", "C-0002"], ["flags", "--json"], ["retention", "due"]] {
            let (status, out) = asWorker(cli, home, args + ["--store", store])
            #expect(status == 0, "\(args): \(out)")
            #expect(!out.contains("C-0002") && !out.contains(child), "\(args) showed the other case: \(out)")
        }
        #expect(asWorker(cli, home, ["cases", "--store", store]).1.contains("C-0001"), "the worker's own case is listed")
        for args in [["review", "queue"], ["report"], ["backup", home.appendingPathComponent("b.sqlite").path],
                     ["review", "accept", "C-0002/D1", "--rule", "rationale-missing", "--note", "x"], ["flags", "recompute"]] {
            let (status, out) = asWorker(cli, home, args + ["--store", store])
            #expect(status != 0, "\(args) was allowed to a practitioner")
            #expect(!out.contains(child), "\(args): \(out)")
        }
    }
}
