import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing

/// A practitioner on a team store holding another team's case: no command
/// shows it, names its child or anyone in it, or admits it exists. Each
/// command runs as the practitioner's own database role, and its answer for
/// the hidden case is compared, byte for byte, with its answer for an id no
/// case has.
@Suite("No command shows a practitioner another team's case")
struct VisibilityCommandTests {
    /// Everything in the hidden case that would identify it or its child: names, date of birth, record words.
    static func giveaways(_ c: Case) -> [String] {
        var words = [c.child.name, c.title] + c.child.name.split(separator: " ").map(String.init)
        words += [c.child.dateOfBirth?.description, c.worker, c.team].compactMap { $0 }
        words += c.people.map(\.name) + c.concerns.map(\.summary) + c.notes.map { String($0.text.prefix(30)) }
        words += c.decisions.compactMap(\.rationale).filter { !$0.isBlank }
        return words.filter { $0.count >= 4 }
    }

    @Test("show, export, history, flags, cases, amend, add, raise, review, report, retention: nothing of the other case")
    func everyCommand() throws {
        try #require(getuid() == 0, "this suite makes OS users and runs commands as them: run `make test` as root")
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let admin = try TeamServer.address(db, user: "cw.admin")
        for (user, role, team) in [("sam.t", "worker", "Early Help North"), ("olu.w", "worker", "Schools Team"),
                                   ("mia.manager", "manager", "Early Help North")] {
            #expect(try cli.run("users", "add", user, "--role", role, "--team", team, "--store", admin).status == 0)
        }
        let worker = try TeamServer.address(db, user: "olu.w")
        // C-0002 (gaps) belongs to sam.t in Early Help North, closed and past its retention review, so that
        // `retention due` has it to leak; C-0001 is olu.w's own.
        let mine = try String(contentsOfFile: CLI.example("recorded-well"), encoding: .utf8)
            .replacingOccurrences(of: "\"worker\": \"ahmed.k\"", with: "\"worker\": \"olu.w\"")
            .replacingOccurrences(of: "\"team\": \"Early Help North\"", with: "\"team\": \"Schools Team\"")
        #expect(try cli.run("import", try cli.file("mine.json", mine), "--store", worker).status == 0)
        let gaps = try String(contentsOfFile: CLI.example("gaps"), encoding: .utf8)
            .replacingOccurrences(of: "\"closed\": null", with: "\"closed\": \"2026-03-02\"")
            .replacingOccurrences(of: "\"retentionReviewBy\": null", with: "\"retentionReviewBy\": \"2026-03-05\"")
        let hiddenCase = try CaseFileCodec.decode(Data(gaps.utf8))
        #expect(try cli.run("import", try cli.file("gaps.json", gaps), "--store", try TeamServer.address(db, user: "sam.t")).status == 0)
        let words = Self.giveaways(hiddenCase)
        #expect(words.count >= 8)
        let manager = try TeamServer.address(db, user: "mia.manager")
        let seen = try cli.run("export", "C-0002", "--store", manager).out
        #expect(words.allSatisfy { seen.contains($0) }, "every giveaway is in the case as its manager sees it")
        #expect(try cli.run("retention", "due", "--store", manager).out.contains("C-0002"), "the hidden case is due for review")
        #expect(try cli.run("flags", "--case", "C-0002", "--store", try TeamServer.address(db, user: "sam.t")).out.contains("C-0002"),
                "the hidden case has flags for its owner")
        func leaked(_ r: CLI.Result) -> [String] { words.filter { r.out.contains($0) || r.err.contains($0) } }
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
            #expect(!hidden.err.contains("Usage") && !hidden.err.contains("Error: Missing"), "\(args) was refused by the argument parser: \(hidden.err)")
            #expect(leaked(hidden).isEmpty, "\(args) gave away \(leaked(hidden))")
            // Answered exactly as a case that does not exist is answered: existence does not leak.
            #expect(hidden.err.replacingOccurrences(of: "C-0002", with: "C-0404") == missing.err, "\(args): \(hidden.err) vs \(missing.err)")
            #expect(hidden.out.replacingOccurrences(of: "C-0002", with: "C-0404") == missing.out, "\(args)")
            #expect(hidden.status == missing.status, "\(args)")
        }
        for args in [["cases"], ["flags"], ["flags", "--all"], ["flags", "--case", "C-0002"], ["flags", "--json"], ["retention", "due"]] {
            let r = try cli.run(args + ["--store", worker])
            #expect(r.status == 0, "\(args): \(r.err)")
            #expect(!r.out.contains("C-0002") && leaked(r).isEmpty, "\(args) showed the other case: \(r.out)")
        }
        #expect(try cli.run("cases", "--store", worker).out.contains("C-0001"), "the worker's own case is listed")
        for args in [["review", "queue"], ["report"],
                     ["review", "accept", "C-0002/D1", "--rule", "rationale-missing", "--note", "x"], ["flags", "recompute"]] {
            let r = try cli.run(args + ["--store", worker])
            #expect(r.status != 0, "\(args) was allowed to a practitioner")
            #expect(!r.err.contains("Usage"), "\(args) was refused by the argument parser: \(r.err)")
            #expect(leaked(r).isEmpty, "\(args): \(r.out)")
        }
    }
}
