import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
@testable import CaseworkCLI

/// Issue 11's hardening at the command line: each test reproduces what a
/// hostile or careless user did, and requires the refusal.
@Suite("Hardening at the command line")
struct HardeningCommandTests {
    @Test("a CSV cell a spreadsheet would run as a formula is prefixed, as OWASP advises")
    func csvInjection() {
        for cell in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1", "\u{1b}[0m=1"] {
            let out = ReportFormat.csv(cell)
            let content = out.hasPrefix("\"") ? String(out.dropFirst()) : out
            #expect(!"=+-@\t\r".contains(content.first ?? " "), "\(cell.debugDescription) came out as \(out.debugDescription)")
        }
        #expect(ReportFormat.csv("=1+1") == "'=1+1")
        #expect(ReportFormat.csv("sam.t") == "sam.t")
        #expect(ReportFormat.csv("12") == "12")
        #expect(ReportFormat.csv("a,b") == "\"a,b\"")
    }

    @Test("the command line's own words (an unknown option, a bad value, help) pass the sanitiser: escape sequences in arguments are shown, not acted on; usage errors exit 64")
    func hostileArguments() throws {
        let cli = try CLI()
        try cli.run("init")
        let hostile = "\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m"
        for args in [["--x" + hostile], ["flags", "--severity", hostile], ["report", "--format", hostile], ["flags", "--at", hostile],
                     ["add", "C-1", "--kind", hostile, "-f", "x"], ["users", "add", "x", "--role", hostile], ["review", "escalate", "C-1/D1", "--to", hostile, "--note", "n"]] {
            let r = try cli.run(args)
            #expect(r.status == 64, "\(args.first!): exit \(r.status)")
            #expect(!r.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(args.first!): \(r.err.debugDescription)")
            #expect(r.err.contains("\\u001B"), "the escape is shown as text: \(r.err.debugDescription)")
        }
        let help = try cli.run("flags", "list", "--help")
        #expect(help.status == 0 && help.out.contains("--severity <severity>") && help.out.contains("(values: missing, check, advice"))
    }

    @Test("numeric options out of range are usage errors (exit 64), never a crash or an endless loop")
    func numericOptions() throws {
        let cli = try CLI()
        for args in [["--cases", "5", "--batch", "-5"], ["--cases", "5", "--batch", "0"], ["--cases", "0"], ["--cases", "-1"],
                     ["--cases", "2000000"], ["--cases", "5", "--batch", "99999999"]] {
            let r = try cli.run(["demo", "generate"] + args + ["--store", cli.home.appendingPathComponent("d.sqlite").path])
            #expect(r.status == 64, "\(args): exit \(r.status) \(r.err)")
            #expect(r.err.contains("--batch") || r.err.contains("--cases"), "\(args): \(r.err)")
            #expect(!r.err.contains("Fatal error"), "\(args)")
        }
    }

    @Test("history is an audited view of every version's text")
    func historyAudited() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let count = { try DatabaseQueue(path: cli.storeFile.path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE caseId = 'C-0002' AND action = 'history'") ?? 0 } }
        #expect(try count() == 0)
        #expect(try cli.run("history", "C-0002/D1").status == 0)
        #expect(try count() == 1)
        #expect(try cli.run("audit", "verify").status == 0)
    }

    @Test("an audit trail edited and put back stays reported by verify until the manager's incident note")
    func auditIncident() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let raw = { try DatabaseQueue(path: cli.storeFile.path) }
        let edit = { (sql: String) in try raw().write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            try db.execute(sql: sql)
            try db.execute(sql: """
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END;
                """)
        } }
        try edit("UPDATE audit SET user = 'x' || user WHERE seq = 2")
        let broken = try cli.run("audit", "verify")
        #expect(broken.status == 1 && broken.err == "casework: audit trail broken: event 2 was altered after it was written\n")
        try edit("UPDATE audit SET user = substr(user, 2) WHERE seq = 2")
        let remembered = try cli.run("audit", "verify")
        #expect(remembered.status == 1 && remembered.err.contains("stays reported until a manager records an incident note"), "\(remembered.err)")
        let blank = try cli.run("audit", "incident", "--note", " ")
        #expect(blank.status == 1 && blank.err.contains("needs the note"))
        let noted = try cli.run("audit", "incident", "--note", "Script run by IT by mistake; put back the same day")
        #expect(noted.status == 0 && noted.out.hasPrefix("Incident note recorded as audit event"), "\(noted.err)")
        let after = try cli.run("audit", "verify")
        #expect(after.status == 0 && after.out.hasPrefix("Audit trail intact"), "\(after.err)")
    }

    @Test("casework drafts lists your drafts, marks those past the keeping period, and discards them by id or all")
    func drafts() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        #expect(try cli.run("drafts").out == "No drafts.\n")
        let me = Identity.current()
        try DatabaseQueue(path: cli.storeFile.path).write { db in
            for (id, at, offered) in [("C-0002/new-note", "2026-01-02T10:00:00Z", "2026-02-10T10:00:00Z"), ("C-0002/D1", "2099-01-01T10:00:00Z", nil)] {
                try db.execute(sql: "INSERT INTO draft (user, id, caseId, kind, title, payload, updatedAt, lastOfferedAt) VALUES (?,?,?,?,?,?,?,?)",
                               arguments: [me, id, "C-0002", "note", "note on C-0002", "{\"text\":\"Zebedee said\"}", at, offered])
            }
        }
        let list = try cli.run("drafts")
        #expect(list.out == """
            C-0002/D1  2099-01-01  note on C-0002
            C-0002/new-note  2026-01-02  note on C-0002  (older than 30 days: removed next time the workbook opens unless resumed)

            """, "\(list.out)")
        #expect(!list.out.contains("Zebedee"), "ids and dates only, never the text")
        let unknown = try cli.run("drafts", "discard", "C-0009/x")
        #expect(unknown.status == 1 && unknown.err.contains("no draft \"C-0009/x\"; nothing was discarded"))
        #expect(try cli.run("drafts", "discard").status == 64)
        #expect(try cli.run("drafts", "discard", "C-0002/new-note").out == "Discarded 1 draft.\n")
        #expect(try cli.run("drafts", "discard", "--all").out == "Discarded 1 draft.\n")
        #expect(try cli.run("drafts").out == "No drafts.\n")
    }

    @Test("CASEWORK_RESOURCES pointing at a policy with every rule off changes no stored flag; only a manager's `policy adopt` does, audited")
    func resourcesDoNotRewriteFlags() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let edited = cli.home.appendingPathComponent("resources")
        try FileManager.default.copyItem(at: Repository.resources, to: edited)
        let policyFile = edited.appendingPathComponent("policy.json")
        let policy = try String(contentsOf: policyFile, encoding: .utf8).replacingOccurrences(of: "\"enabled\": true", with: "\"enabled\": false")
        try policy.write(to: policyFile, atomically: true, encoding: .utf8)
        let count = { try DatabaseQueue(path: cli.storeFile.path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM flag") ?? 0 } }
        let before = try count()
        #expect(before > 0)
        let env = ["CASEWORK_RESOURCES": edited.path]
        #expect(try cli.run(["cases"], env: env).status == 0)
        #expect(try cli.run(["flags"], env: env).out.contains("rationale-missing"))
        #expect(try count() == before, "opening with edited resources rewrote nothing")
        #expect(try cli.run("check").status == 0)
        let adopted = try cli.run(["policy", "adopt"], env: env)
        #expect(adopted.status == 0 && adopted.out.hasPrefix("The store now computes flags with this Casework's guidance"), "\(adopted.err)")
        #expect(try count() == 0)
        let events = try DatabaseQueue(path: cli.storeFile.path).read { try String.fetchAll($0, sql: "SELECT action FROM audit") }
        #expect(events.contains("basis-adopt"))
    }

    @Test("a store or backup made in an existing folder leaves that folder's mode alone")
    func parentFolderModes() throws {
        let cli = try CLI()
        let shared = cli.home.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        chmod(shared.path, 0o755)
        #expect(try cli.run("init", "--store", shared.appendingPathComponent("s.sqlite").path).status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: shared.path)[.posixPermissions] as? Int) == 0o755)
        let backups = cli.home.appendingPathComponent("backups")
        try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
        chmod(backups.path, 0o1777)
        #expect(try cli.run("backup", backups.appendingPathComponent("b.sqlite").path, "--store", shared.appendingPathComponent("s.sqlite").path).status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: backups.path)[.posixPermissions] as? Int) == 0o1777)
        // A folder that must be made is made private.
        #expect(try cli.run("init", "--store", cli.home.appendingPathComponent("new/deeper/s.sqlite").path).status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: cli.home.appendingPathComponent("new/deeper").path)[.posixPermissions] as? Int) == 0o700)
    }

    @Test("another program's SQLite database is refused, not given Casework's tables")
    func foreignDatabase() throws {
        let cli = try CLI()
        let other = cli.home.appendingPathComponent("other/app.sqlite")
        try FileManager.default.createDirectory(at: other.deletingLastPathComponent(), withIntermediateDirectories: true)
        chmod(other.deletingLastPathComponent().path, 0o700)
        try DatabaseQueue(path: other.path).write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)") }
        for args in [["init"], ["cases"]] {
            let r = try cli.run(args + ["--store", other.path])
            #expect(r.status != 0 && r.err.contains("not a Casework store"), "\(args): \(r.err)")
        }
        let tables = try DatabaseQueue(path: other.path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables == ["invoices"])
    }

    @Test("a backup never follows a symbolic link at its destination")
    func backupSymlink() throws {
        let cli = try CLI()
        try cli.run("init")
        let target = cli.home.appendingPathComponent("elsewhere.sqlite")
        let link = cli.home.appendingPathComponent("backups/b.sqlite")
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let r = try cli.run("backup", link.path)
        #expect(r.status != 0, "\(r.out)")
        #expect(!FileManager.default.fileExists(atPath: target.path), "the store was written through the link")
    }

    @Test("JSON sent to a terminal carries bidi overrides and C1 controls as escapes; written to a file it keeps them intact")
    func jsonToTerminal() throws {
        let cli = try CLI()
        try cli.run("init")
        let text = try String(contentsOfFile: CLI.example("gaps"), encoding: .utf8)
            .replacingOccurrences(of: "Low mood", with: "Low \\u202emood\\u0085 \\u2028x")
        #expect(try cli.run("import", try cli.file("g.json", text)).status == 0)
        let piped = try cli.run("export", "C-0002").out
        #expect(!piped.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{85}" }, "nothing raw, even piped")
        #expect(try CaseFileCodec.decode(Data(piped.utf8)).title == "Low \u{202E}mood\u{85} \u{2028}x, school nurse involved", "JSON's own escapes: the text reads back intact")
        let file = cli.home.appendingPathComponent("c.json").path
        #expect(try cli.run("export", "C-0002", "-o", file).status == 0)
        #expect(try CaseFileCodec.decode(Data(contentsOf: URL(fileURLWithPath: file))).title == "Low \u{202E}mood\u{85} \u{2028}x, school nurse involved")
        // Through a pseudo-terminal, as a person at a shell would see it.
        let out = cli.home.appendingPathComponent("tty.txt").path
        let command = "CASEWORK_STORE='\(cli.storeFile.path)' HOME='\(cli.home.path)' \(CLI.binary.path) export C-0002"
        #expect(sh("(script -qec \"\(command)\" /dev/null > '\(out)')") == 0)
        let seen = try String(contentsOfFile: out, encoding: .utf8)
        #expect(seen.contains("C-0002"))
        #expect(!seen.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{85}" || $0 == "\u{2028}" }, "raw on the terminal")
        #expect(seen.contains("\\u202E") && seen.contains("\\u0085") && seen.contains("\\u2028"))
    }

    @Test("a name with escapes already in the store (put there behind its back) reaches no output raw: piped, or in tmux's pane title, clipboard and screen")
    func storedEscapesNeverReachOutput() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let hostile = "'sam' || char(27) || ']0;PWNED' || char(7) || char(27) || ']52;c;b3duZWQ=' || char(7) || char(27) || '[?1049h' || char(155) || '2J' || 't'"
        try DatabaseQueue(path: cli.storeFile.path).write { db in
            try db.execute(sql: "UPDATE caseFile SET worker = \(hostile), team = 'North' || char(27) || '[2J' WHERE id = 'C-0002'")
            try db.execute(sql: "UPDATE flag SET worker = \(hostile), team = 'North' || char(27) || '[2J' WHERE caseId = 'C-0002'")
        }
        for args in [["flags", "--all"], ["flags", "--all", "--json"], ["review", "queue"], ["report", "--format", "markdown"],
                     ["report", "--format", "csv"], ["report", "--format", "json"], ["cases"], ["show", "C-0002"], ["export", "C-0002"]] {
            let r = try cli.run(args)
            #expect(r.status == 0, "\(args): \(r.err)")
            #expect(r.out.contains("sam") || args == ["cases"] || args.contains("show") || args.contains("--json"), "\(args) shows the worker")
            let raw = r.out.unicodeScalars.filter { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }
            #expect(raw.isEmpty, "\(args): \(raw.map { String($0.value, radix: 16) })")
        }
        // In tmux, with the clipboard open to programs, as a terminal that honours OSC 52 would be.
        let t = try Tmux(cli, width: 120, height: 40, args: ["flags", "--all"], serverOptions: [["set-clipboard", "on"]])
        try t.waitUntilDead()
        #expect(try t.value("#{pane_title}") != "PWNED")
        #expect(try t.value("#{alternate_on}") == "0")
        #expect(try t.tmux(["list-buffers"]).isEmpty, "nothing was put on the clipboard")
    }

    @Test("import refuses what a case file must not hold, naming the path and never quoting record text")
    func refusedOnImport() throws {
        let cli = try CLI()
        try cli.run("init")
        let base = try String(contentsOfFile: CLI.example("gaps"), encoding: .utf8)
        let huge = String(repeating: "a", count: 100_001)
        let cases: [(String, String, String)] = [
            ("worker with escapes", base.replacingOccurrences(of: "\"worker\": \"sam.t\"", with: #""worker": "\u001b]0;owned\u0007sam""#), "case.worker"),
            ("worker with a formula", base.replacingOccurrences(of: "\"worker\": \"sam.t\"", with: #""worker": "=cmd|x""#), "case.worker"),
            ("team over two lines", base.replacingOccurrences(of: "\"team\": \"Early Help North\"", with: #""team": "North\nSouth""#), "case.team"),
            ("NUL in the child's name", base.replacingOccurrences(of: "Alex Moreno", with: #"Alex\u0000Moreno"#), "case.child.name"),
            ("empty child name", base.replacingOccurrences(of: "Alex Moreno", with: "  "), "case.child.name"),
            ("born in the future", base.replacingOccurrences(of: "2011-01-10", with: "2099-01-10"), "case.child.dateOfBirth"),
            ("a 100,001-character note", base.replacingOccurrences(of: "Low mood, school nurse involved", with: huge), "case.title"),
        ]
        for (what, text, path) in cases {
            let r = try cli.run("import", try cli.file("bad.json", text))
            #expect(r.status != 0, "\(what) was imported")
            #expect(r.err.contains(path), "\(what): \(r.err)")
            #expect(!r.err.contains("\u{1b}") && !r.err.contains("Alex") && r.err.count < 400, "\(what): \(r.err.prefix(200))")
        }
        #expect(try cli.run("cases").out.contains("No cases"))
    }

    @Test("error messages quote unknown keys and values escaped and short, and never a child's words")
    func errorsNeverEcho() throws {
        let cli = try CLI()
        try cli.run("init")
        let base = try String(contentsOfFile: CLI.example("gaps"), encoding: .utf8)
        let osc = #"\u001b]52;c;cHduZWQ=\u0007\u001b]0;owned\u0007"#
        let unknownKey = base.replacingOccurrences(of: "\"name\": \"Alex Moreno\"", with: "\"name\": \"Alex Moreno\", \"\(osc)\": 1")
        let r = try cli.run("import", try cli.file("k.json", unknownKey))
        #expect(r.status != 0 && r.err.contains("unknown key"), "\(r.err)")
        #expect(!r.err.contains("\u{1b}") && !r.err.contains("\u{07}"), "\(r.err.debugDescription)")
        let words = base.replacingOccurrences(of: "\"method\": \"phone\"", with: "\"method\": \"Jordan said his stepdad hits him\"")
        #expect(words != base, "the fixture has a disclosure by phone to change")
        let w = try cli.run("import", try cli.file("w.json", words))
        #expect(w.status != 0 && w.err.contains("method") && !w.err.contains("stepdad"), "\(w.err)")
        let policy = try cli.file("p.json", #"{"rules": {"\#(osc)": {"enabled": false}}}"#)
        let p = try cli.run("policy", "set", policy)
        #expect(p.status != 0 && p.err.contains("unknown rule"), "\(p.err)")
        #expect(!p.err.contains("\u{1b}") && !p.err.contains("\u{07}"), "\(p.err.debugDescription)")
        let typo = base.replacingOccurrences(of: "\"method\": \"phone\"", with: "\"method\": \"phnoe\"")
        #expect(try cli.run("import", try cli.file("t.json", typo)).err.contains("unknown value \"phnoe\""))
    }
}
