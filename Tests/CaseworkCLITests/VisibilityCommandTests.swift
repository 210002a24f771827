import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing

/// A practitioner on a team store holding another team's case: no command
/// shows it, names its child, or admits it exists. Each command runs as the
/// practitioner's own database role.
@Suite("No command shows a practitioner another team's case")
struct VisibilityCommandTests {
    @Test("show, export, history, flags, cases, amend, add, raise, review, report, retention: nothing of the other case")
    func everyCommand() throws {
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let admin = try TeamServer.address(db, user: "cw.admin")
        for (user, role, team) in [("sam.t", "worker", "Early Help North"), ("olu.w", "worker", "Schools Team"),
                                   ("mia.manager", "manager", "Early Help North")] {
            #expect(try cli.run("users", "add", user, "--role", role, "--team", team, "--store", admin).status == 0)
        }
        let worker = try TeamServer.address(db, user: "olu.w")
        // C-0002 (gaps) belongs to sam.t in Early Help North; C-0001 is olu.w's own.
        let mine = try String(contentsOfFile: CLI.example("recorded-well"), encoding: .utf8)
            .replacingOccurrences(of: "\"worker\": \"ahmed.k\"", with: "\"worker\": \"olu.w\"")
            .replacingOccurrences(of: "\"team\": \"Early Help North\"", with: "\"team\": \"Schools Team\"")
        #expect(try cli.run("import", try cli.file("mine.json", mine), "--store", worker).status == 0)
        #expect(try cli.run("import", CLI.example("gaps"), "--store", try TeamServer.address(db, user: "sam.t")).status == 0)
        let child = "Alex Moreno"
        #expect(try cli.run("show", "C-0002", "--store", try TeamServer.address(db, user: "mia.manager")).out.contains(child))
        let note = try cli.file("n.json", #"{"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "olu.w", "kind": "phone", "text": "x"}"#)

        let refusedOnTheCase: [[String]] = [
            ["show", "C-0002"], ["export", "C-0002"], ["export", "C-0002", "--format", "markdown"], ["history", "C-0002/D1"],
            ["amend", "C-0002/D1", "-f", note, "--reason", "x"], ["add", "C-0002", "--kind", "note", "-f", note],
            ["flags", "raise", "C-0002/D1", "--severity", "check", "--reason", "x"],
        ]
        for args in refusedOnTheCase {
            let hidden = try cli.run(args + ["--store", worker])
            let missing = try cli.run(args.map { $0.replacingOccurrences(of: "C-0002", with: "C-0404") } + ["--store", worker])
            #expect(hidden.status != 0, "\(args) was allowed")
            #expect(!hidden.out.contains(child) && !hidden.err.contains(child), "\(args) named the child")
            // Refused exactly as a case that does not exist is refused: existence does not leak.
            #expect(hidden.err.replacingOccurrences(of: "C-0002", with: "C-0404") == missing.err, "\(args): \(hidden.err) vs \(missing.err)")
            #expect(hidden.status == missing.status, "\(args)")
        }
        for args in [["cases"], ["flags"], ["flags", "--all"], ["flags", "--case", "C-0002"], ["flags", "--json"], ["retention", "due"]] {
            let r = try cli.run(args + ["--store", worker])
            #expect(r.status == 0, "\(args): \(r.err)")
            #expect(!r.out.contains("C-0002") && !r.out.contains(child), "\(args) showed the other case: \(r.out)")
        }
        #expect(try cli.run("cases", "--store", worker).out.contains("C-0001"), "the worker's own case is listed")
        for args in [["review", "queue"], ["report"],
                     ["review", "accept", "C-0002/D1", "--rule", "rationale-missing", "--note", "x"], ["flags", "recompute"]] {
            let r = try cli.run(args + ["--store", worker])
            #expect(r.status != 0, "\(args) was allowed to a practitioner")
            #expect(!r.out.contains(child) && !r.err.contains(child), "\(args): \(r.out)")
        }
    }
}
