import Foundation
@testable import CaseworkCLI
import GRDB
import Testing

@Suite("The casework command line, end to end")
struct CommandLineTests {
    @Test("init, import both examples, list, show and export round-trip through the real binary")
    func tour() throws {
        let cli = try CLI()
        let me = try cli.run("init")
        #expect(me.status == 0 && me.out.contains("is its manager"))
        let imported = try cli.run("import", CLI.example("recorded-well"), CLI.example("gaps"))
        #expect(imported.status == 0, "\(imported.err)")
        let cases = try cli.run("cases")
        #expect(cases.out.contains("C-0001  Jordan Reyes") && cases.out.contains("C-0002  Alex Moreno"))
        let show = try cli.run("show", "C-0001")
        #expect(show.out.contains("Child: Jordan Reyes, born 2011-09-14"))
        #expect(show.out.contains("Jordan said: \"there's nobody home most nights, I make toast\"."))
        #expect(show.out.contains("Decision: share by ahmed.k"))

        let first = try cli.run("export", "C-0002")
        let exported = try cli.file("c2.json", first.out)
        let other = try CLI()
        try other.run("init")
        #expect(try other.run("import", exported).status == 0)
        #expect(try other.run("export", "C-0002").out == first.out)
    }

    @Test("check's lists say one in the singular and how many more are left out of a long list")
    func checkWording() {
        #expect(Check.listed(["C-1", "C-2", "C-3"], 20, ", ") == "C-1, C-2, C-3")
        #expect(Check.listed((1...23).map { "C-\($0)" }, 20, ", ").hasSuffix("C-20, and 3 more"))
    }

    @Test("export -o writes a private file")
    func exportToFile() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let path = cli.home.appendingPathComponent("out.json").path
        #expect(try cli.run("export", "C-0002", "-o", path).status == 0)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test("export --format family: first the passages left out and why, nothing written or recorded as a copy; with --confirm the copy in plain words, audited; --release includes one; an unknown passage is refused (issue 15, item 16)")
    func familyCopy() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let review = try cli.run("export", "C-0002", "--format", "family")
        #expect(review.status == 1 && review.err.contains("nothing written") && review.err.contains("--confirm"))
        #expect(review.out.contains("name:P1  in P1: Luis Moreno (father)"))
        #expect(review.out.contains("why: the name of someone working for another organisation"))
        #expect(!(try cli.run("audit", "case", "C-0002").out.contains("copy for the family")))

        let copy = try cli.run("export", "C-0002", "--format", "family", "--confirm")
        #expect(copy.status == 0, "\(copy.err)")
        #expect(copy.out.hasPrefix("# What we hold about Alex Moreno") && !copy.out.contains("Luis") && !copy.out.contains("C-0002"))
        #expect(try cli.run("audit", "case", "C-0002").out.contains("wrote a copy for the family"))

        let released = try cli.run("export", "C-0002", "--format", "family-html", "--confirm", "--release", "name:P1")
        #expect(released.status == 0 && released.out.hasPrefix("<!DOCTYPE html>") && released.out.contains("Luis Moreno"))
        let unknown = try cli.run("export", "C-0002", "--format", "family", "--confirm", "--release", "name:P7")
        #expect(unknown.status == 1 && unknown.err.contains("no passage \"name:P7\"") && unknown.out.isEmpty)
    }

    @Test("cases and review queue take --limit and --offset: a page of the same list, in its order; a negative number is refused (issue 16, item 2)")
    func paging() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"), CLI.example("recorded-well"))
        let all = try cli.run("cases").out.split(separator: "\n")
        let second = try cli.run("cases", "--limit", "1", "--offset", "1").out.split(separator: "\n")
        // The same row (a page's columns are as wide as its own cells).
        #expect(second.count == 2 && second[1].split(separator: " ") == all[2].split(separator: " "), "\(second)")
        #expect(try cli.run("cases", "--offset", "5").out == "No cases on this page.\n")
        let queue = try JSONSerialization.jsonObject(with: Data(try cli.run("review", "queue", "--json", "--at", "2026-03-10").out.utf8)) as! [[String: Any]]
        let page = try JSONSerialization.jsonObject(with: Data(try cli.run("review", "queue", "--json", "--at", "2026-03-10", "--limit", "3", "--offset", "2").out.utf8)) as! [[String: Any]]
        #expect(queue.count > 5 && page.count == 3)
        #expect(page.map { "\($0["case"]!)/\($0["record"]!)/\($0["rule"]!)" } == queue[2..<5].map { "\($0["case"]!)/\($0["record"]!)/\($0["rule"]!)" })
        let refused = try cli.run("cases", "--limit", "-1")
        #expect(refused.status != 0 && refused.err.contains("--limit"))
        // The whole queue and flag list are written page by page as they are read; byte for byte what one read writes.
        #expect(try cli.run("review", "queue", "--json", "--at", "2026-03-10").out
                == (try cli.run("review", "queue", "--json", "--at", "2026-03-10", "--limit", "100000").out))
        let flags = try cli.run("flags", "--json", "--at", "2026-03-10", "--all").out
        let parsed = try JSONSerialization.jsonObject(with: Data(flags.utf8)) as! [[String: Any]]
        #expect(parsed.count > 5 && flags.hasPrefix("[\n  {") && flags.hasSuffix("}\n]\n"))
        let flagPage = try JSONSerialization.jsonObject(with: Data(try cli.run("flags", "--json", "--at", "2026-03-10", "--all", "--limit", "2",
                                                                               "--offset", "1").out.utf8)) as! [[String: Any]]
        #expect(flagPage.map { "\($0["case"]!)/\($0["record"]!)/\($0["rule"]!)" } == parsed[1..<3].map { "\($0["case"]!)/\($0["record"]!)/\($0["rule"]!)" })
        #expect(try cli.run("flags", "--offset", "-1").status != 0)
        #expect(try cli.run("flags", "--json", "--at", "2026-03-10", "--case", "C-0404").out == "[]\n")
    }

    @Test("flags and review queue as text are written a page at a time, byte for byte what one read of the whole list writes, across pages (issue 16, item 2)")
    func textPages() throws {
        let cli = try CLI()
        try cli.run("init")
        // More than two pages of the case list (1,000 cases a page) and of the queue (1,000 items a page).
        #expect(try cli.run("demo", "generate", "--cases", "2100", "--seed", "4").status == 0)
        let day = ["--at", "2026-03-10"]
        let flags = try cli.run(["flags"] + day)
        let grouped = flags.out.split(separator: "\n").filter { $0.hasPrefix("C-") }.map { String($0.prefix(8)) }
        #expect(flags.status == 0 && grouped.count > 300 && grouped.contains { $0 < "C-001000" } && grouped.contains { $0 > "C-002000" },
                "flagged cases on each of the three pages of cases")
        #expect(flags.out == (try cli.run(["flags", "--limit", "100000000"] + day).out), "the list read whole, grouped the same way")
        for filter in [["--worker", "worker03"], ["--severity", "check"], ["--all"]] {
            #expect(try cli.run(["flags"] + day + filter).out == (try cli.run(["flags", "--limit", "100000000"] + day + filter).out), "\(filter)")
        }
        #expect(try cli.run(["flags", "--worker", "nobody"] + day).out == "No open flags on 2026-03-10.\n")
        let queue = try cli.run(["review", "queue"] + day)
        let whole = try cli.run(["review", "queue", "--limit", "100000000"] + day).out
        #expect(queue.status == 0 && queue.out.split(separator: "\n").count > 2004)
        // The whole list read at once says which item it starts from, as any page does.
        #expect(queue.out == whole.replacingOccurrences(of: " (from item 1)", with: ""))
        #expect(try cli.run(["review", "queue", "--worker", "nobody"] + day).out == "Nothing to review.\n", "no empty totals above it")
        #expect(try cli.run(["review", "queue", "--worker", "nobody", "--limit", "5"] + day).out == "Nothing to review.\n")
        #expect(try cli.run(["review", "queue", "--offset", "100000000", "--limit", "5"] + day).out == "Nothing to review from item 100000001.\n")
    }

    @Test("a JSON string written by hand for speed is byte for byte what Foundation's encoder writes", arguments: [
        "", "plain words", "a \"quote\" and a \\ backslash", "Article 9 / DPA 2018 Schedule 1", "C-0002/D1", "tab\there", "new\nline",
        "Zoë Łukasik", "emoji 👩‍👧", "\u{1b}[31mred", "\u{202E}reversed", "~!@#$%^&*()_+{}|:<>?`-=[];',.",
    ])
    func jsonStrings(text: String) throws {
        #expect(FlagReport.jsonString(text) == String(decoding: try JSONEncoder().encode(text), as: UTF8.self))
    }

    /// Each kind of bad file: the message names the file, the JSON path and the value; the store is unchanged.
    @Test("bad case files are refused with the path and value, and change nothing", arguments: [
        ("\"method\": \"phone\"", "\"method\": \"emial\"", "case.disclosures[1].method: unknown value \"emial\""),
        ("\"wholeFile\": false,\n        \"consentStatus\": \"not-sought\"", "\"wholeFile\": false, \"wholFile\": true,\n        \"consentStatus\": \"not-sought\"", "case.disclosures[1].wholFile: unknown key"),
        ("\"opened\": \"2025-01-05\"", "\"opened\": \"2025-01-35\"", "case.opened: not a date \"2025-01-35\""),
        ("\"decisionId\": \"D1\"", "\"decisionId\": \"D7\"", "case.disclosures[0].decisionId: no decision with id \"D7\" in this case"),
        ("\"givenBy\": \"P1\"", "\"givenBy\": \"P4\"", "case.consents[0].givenBy: no person with id \"P4\" in this case"),
        ("\"careOrder\": false", "\"careOrder\": \"no\"", "case.careOrder: expected true or false"),
    ])
    func badInput(original: String, broken: String, message: String) throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("recorded-well"))
        let before = try cli.fingerprint()
        let text = try String(contentsOfFile: CLI.example("gaps"), encoding: .utf8)
        #expect(text.contains(original))
        let bad = try cli.file("bad.json", text.replacingOccurrences(of: original, with: broken))
        // A good file beside the bad one goes in only if both do.
        let good = try cli.file("good.json", text.replacingOccurrences(of: "C-0002", with: "C-0003"))
        let r = try cli.run("import", good, bad)
        #expect(r.status != 0)
        #expect(r.err.hasPrefix("casework: \(bad): \(message)"))
        #expect(r.err.hasSuffix("; nothing was imported\n") && r.err.filter { $0 == "\n" }.count == 1)
        #expect(try cli.fingerprint() == before)
    }

    @Test("importing a case that exists is refused unless --replace, and changes nothing")
    func existing() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let before = try cli.fingerprint()
        let r = try cli.run("import", CLI.example("gaps"))
        #expect(r.status == 1 && r.err == "casework: case C-0002 already exists; use --replace to amend it from the file\n")
        #expect(try cli.fingerprint() == before)
    }

    @Test("audit verify passes untouched and names the event edited behind the program's back")
    func auditVerify() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        try cli.run("show", "C-0002")
        let ok = try cli.run("audit", "verify")
        #expect(ok.status == 0 && ok.out == "Audit trail intact: 3 events.\n")
        try DatabaseQueue(path: cli.storeFile.path).write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update")
            try db.execute(sql: "UPDATE audit SET action = 'export' WHERE seq = 3")
            try db.execute(sql: "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END")
        }
        let bad = try cli.run("audit", "verify")
        #expect(bad.status != 0)
        #expect(bad.err == "casework: audit trail broken: event 3 was altered after it was written\n")
    }

    @Test("amend writes a version with the reason; history shows both")
    func amendAndHistory() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let note = try cli.file("n.json", """
            {"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "sam.t", "kind": "phone", "text": "Called the school nurse", "episodeId": "E2"}
            """)
        #expect(try cli.run("add", "C-0002", "--kind", "note", "-f", note).status == 0)
        let fixed = try cli.file("n2.json", """
            {"id": "N9", "at": "2026-03-06T12:00:00Z", "by": "sam.t", "kind": "phone", "text": "Called the school nurse about sleep", "episodeId": "E2"}
            """)
        let r = try cli.run("amend", "C-0002/N9", "-f", fixed, "--reason", "added what the call was about")
        #expect(r.status == 0 && r.out == "Amended C-0002/N9: now version 2.\n")
        let h = try cli.run("history", "C-0002/N9")
        #expect(h.out.contains("Version 1") && h.out.contains("Version 2") && h.out.contains("why: added what the call was about"))
        #expect(try cli.run("amend", "C-0002/N9", "-f", fixed, "--reason", "again").status != 0)
    }

    @Test("a worker cannot add users; an unregistered user is told how to get access")
    func roles() throws {
        let cli = try CLI()
        try cli.run("init")
        let list = try cli.run("users", "list")
        #expect(list.out.contains("manager"))
        #expect(try cli.run("users", "add", "sam.t", "--role", "worker", "--team", "Early Help North").status == 0)
        #expect(try cli.run("users", "add", "x", "--role", "boss").status != 0)
    }

    @Test("users remove, set-role and set-team on the single-user store: each audited; oneself, the last manager and the administrator role refused with a reason (issue 15, item 12)")
    func usersAdministered() throws {
        let cli = try CLI()
        try cli.run("init")
        let me = NSUserName()
        #expect(try cli.run("users", "add", "sam.t", "--role", "worker", "--team", "Early Help North").status == 0)
        var r = try cli.run("users", "set-team", "sam.t", "Early Help South", "Schools Team")
        #expect(r.status == 0 && r.out == "sam.t is now in Early Help South, Schools Team.\n")
        r = try cli.run("users", "set-role", "sam.t", "manager")
        #expect(r.status == 0 && r.out == "sam.t is now a manager.\n")
        let list = try cli.run("users", "list").out
        #expect(list.split(separator: "\n").contains { $0.hasPrefix("sam.t") && $0.contains("manager") && $0.contains("Early Help South, Schools Team") })
        for (args, why) in [(["users", "remove", me], "you cannot remove yourself"),
                            (["users", "set-role", "sam.t", "admin"], "the administrator role is for the team store"),
                            (["users", "set-team", "nobody", "X"], "no user nobody")] {
            let refused = try cli.run(args)
            #expect(refused.status != 0 && refused.err.contains(why), "\(args): \(refused.err)")
        }
        #expect(try cli.run("users", "set-role", "sam.t", "worker").status == 0)
        let last = try cli.run("users", "set-role", me, "worker")
        #expect(last.status != 0 && last.err.contains("last manager"), "\(last.err)")
        r = try cli.run("users", "remove", "sam.t")
        #expect(r.status == 0 && r.out == "Removed sam.t.\n")
        #expect(!(try cli.run("users", "list").out.contains("sam.t")))
        let audit = try cli.run("audit", "verify")
        #expect(audit.status == 0, "\(audit.err)")
    }

    @Test("record text with escape sequences shows as harmless text")
    func escapesInShow() throws {
        let cli = try CLI()
        try cli.run("init")
        let text = try String(contentsOfFile: CLI.example("recorded-well"), encoding: .utf8)
            .replacingOccurrences(of: "Jordan Reyes", with: "Jordan \\u001b]0;pwned\\u0007Reyes\\u001b[2J")
        let f = try cli.file("esc.json", text)
        #expect(try cli.run("import", f).status == 0)
        for out in [try cli.run("show", "C-0001").out, try cli.run("cases").out] {
            #expect(!out.contains("\u{1b}") && !out.contains("\u{07}"))
            #expect(out.contains("Jordan Reyes"))
        }
    }

    @Test("every command has --help; plain casework without a terminal points to the subcommands; --version answers")
    func help() throws {
        let cli = try CLI()
        for cmd in [["init"], ["import"], ["export"], ["cases"], ["show"], ["history"], ["add"], ["amend"],
                    ["users", "add"], ["users", "list"], ["audit", "verify"]] {
            let r = try cli.run(cmd + ["--help"])
            #expect(r.status == 0 && r.out.contains("USAGE"), "\(cmd)")
        }
        #expect(try cli.run("--help").out.contains("SUBCOMMANDS"))
        try cli.run("init")
        let plain = try cli.run()
        #expect(plain.status != 0 && plain.err.contains("the workbook needs a terminal") && plain.err.contains("casework cases")
                && plain.err.contains("casework --plain"))
        #expect(try cli.run("--version").status == 0)
    }

    @Test("commands on a store that was never created say so, and create nothing")
    func noStore() throws {
        let cli = try CLI()
        let r = try cli.run("cases")
        #expect(r.status == 1 && r.err.contains("run `casework init` first"))
        #expect(!FileManager.default.fileExists(atPath: cli.storeFile.path))
    }

    @Test("--store and CASEWORK_STORE choose the file")
    func choosingTheStore() throws {
        let cli = try CLI()
        let a = cli.home.appendingPathComponent("a.sqlite").path
        #expect(try cli.run("init", "--store", a).status == 0)
        #expect(FileManager.default.fileExists(atPath: a))
        let b = cli.home.appendingPathComponent("b.sqlite").path
        #expect(try cli.run(["init"], env: ["CASEWORK_STORE": b]).status == 0)
        #expect(FileManager.default.fileExists(atPath: b))
        #expect(!FileManager.default.fileExists(atPath: cli.storeFile.path))
    }
}
