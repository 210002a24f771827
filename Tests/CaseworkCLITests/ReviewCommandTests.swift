import GRDB
import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@Suite("casework review, report, retention and handover, end to end")
struct ReviewCommandTests {
    func loaded() throws -> CLI {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"), CLI.example("recorded-well"))
        return cli
    }

    @Test("the queue, accept with a note, and accept refused on a missing flag")
    func queueAndActions() throws {
        let cli = try loaded()
        let q = try cli.run("review", "queue", "--json", "--at", "2026-03-10")
        let items = try JSONSerialization.jsonObject(with: Data(q.out.utf8)) as! [[String: Any]]
        #expect(items.count == 12 && items.first?["severity"] as? String == "missing" && !items.contains { $0["severity"] as? String == "advice" })
        #expect(items.allSatisfy { $0["practitioner"] as? String == "sam.t" && $0["since"] is String && $0["returned"] is NSNull })
        let table = try cli.run("review", "queue", "--at", "2026-03-10").out
        #expect(table.hasPrefix("12 items · missing 6, check 6\nBy practitioner: sam.t 12\n"))
        let one = try cli.run("review", "queue", "--at", "2026-03-10", "--rule", "insecure-method", "--severity", "check").out
        #expect(one.hasPrefix("1 item · check 1\n"), "one item is an item: \(one)")
        let ok = try cli.run("review", "accept", "C-0002/X1", "--rule", "insecure-method", "--note", "Recipient confirmed deletion")
        #expect(ok.status == 0 && ok.out == "Accepted insecure-method on C-0002/X1 (review R1 on C-0002).\n")
        let no = try cli.run("review", "accept", "C-0002/D1", "--rule", "rationale-missing", "--note", "fine")
        #expect(no.status != 0 && no.err.hasPrefix("casework: a missing flag cannot be accepted"))
        let sign = try cli.run("review", "signoff", "C-0002", "--note", "done")
        #expect(sign.status != 0 && sign.err.contains("cannot sign off while 6 missing flags are open"))
        #expect(try cli.run("review", "escalate", "C-0002/X2", "--to", "police", "--note", "x").status != 0)
        #expect(try cli.run("review", "escalate", "C-0002/X2", "--to", "legal", "--note", "No lawful basis recorded").status == 0)
        #expect(try cli.run("review", "signoff", "C-0001", "--note", "Well recorded").status == 0)
        #expect(try cli.run("audit", "verify").status == 0)
    }

    @Test("review return without --rule returns the record itself: the practitioner's returned list has it with the note (issue 15, item 9)")
    func returnWithoutRule() throws {
        let cli = try loaded()
        let r = try cli.run("review", "return", "C-0001/N1", "--note", "Say who else was in the room")
        #expect(r.status == 0 && r.out == "Returned the record on C-0001/N1 (review R1 on C-0001).\n", "\(r.err)")
        let flags = try cli.run("flags", "--json", "--case", "C-0001").out
        #expect(flags.contains("\"rule\": \"manual\"") && flags.contains("Say who else was in the room"), "\(flags)")
        let queue = try cli.run("review", "queue", "--json", "--case", "C-0001").out
        #expect(queue.contains("\"record\": \"N1\"") && queue.contains("\"returned\": \"R1\""), "\(queue)")
        let bad = try cli.run("review", "return", "C-0001/N99", "--note", "x")
        #expect(bad.status != 0 && bad.err.contains("N99"))
        #expect(try cli.run("audit", "verify").status == 0)
    }

    @Test("audit case lists who viewed, exported and changed a case, in words; --json gives the events; an unknown case is refused (issue 15, item 15)")
    func auditCase() throws {
        let cli = try loaded()
        #expect(try cli.run("show", "C-0001").status == 0)
        #expect(try cli.run("export", "C-0001").status == 0)
        let text = try cli.run("audit", "case", "C-0001")
        #expect(text.status == 0)
        #expect(text.out.hasPrefix("C-0001: 3 events; read by "), "\(text.out)")
        #expect(text.out.contains("imported the case") && text.out.contains("viewed the case") && text.out.contains("exported the case"))
        let json = try cli.run("audit", "case", "C-0001", "--json").out
        let events = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        #expect(events.map { $0["action"] as? String } == ["import", "view", "export", "access-log"])
        let missing = try cli.run("audit", "case", "C-0404")
        #expect(missing.status != 0 && missing.err == "casework: no case C-0404 that you can see\n")
    }

    @Test("report --format json gives the figures of a store with known counts; text draws bars")
    func report() throws {
        let cli = try loaded()
        let r = try cli.run("report", "--format", "json", "--at", "2026-03-10")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        #expect(json["cases"] as? Int == 2 && json["openFlags"] as? Int == 13)
        #expect(json["concernToDecisionMedianHours"] as? Double == 25.25 && json["concernToDecisionWorstHours"] as? Double == 49)
        #expect(json["disclosuresWithoutConsent"] as? Int == 2 && json["disclosuresWithoutConsentWithReasons"] as? Int == 1)
        let byOutcome = json["decisionsByOutcome"] as! [[String: Any]]
        #expect(byOutcome.contains { $0["key"] as? String == "share" && $0["count"] as? Int == 2 })
        let text = try cli.run("report", "--at", "2026-03-10").out
        #expect(text.contains("Open flags by practitioner\n  sam.t  ############################## 13"))
        #expect(try cli.run("report", "--format", "csv").out.hasPrefix("figure,key,value\ncases,,2\n"))
        #expect(try cli.run("report", "--format", "markdown").out.hasPrefix("# Team report"))
    }

    @Test("the report carries supervision figures: per practitioner, reviews by action, returned items overdue, and who made it when (issue 15, item 13)")
    func supervisionFigures() throws {
        let cli = try loaded()
        #expect(try cli.run("review", "return", "C-0002/D1", "--rule", "rationale-missing", "--note", "Write why").status == 0)
        #expect(try cli.run("review", "accept", "C-0002/X1", "--rule", "insecure-method", "--note", "Deleted on receipt").status == 0)
        #expect(try cli.run("review", "escalate", "C-0002/X2", "--rule", "lawful-basis-missing", "--note", "Ask the DSL", "--to", "dsl").status == 0)
        let queue = try JSONSerialization.jsonObject(with: Data(try cli.run("review", "queue", "--json").out.utf8)) as! [[String: Any]]
        let escalated = queue.filter { !($0["escalated"] is NSNull) }
        #expect(escalated.count == 1 && escalated.first?["record"] as? String == "X2", "the escalated item says so in the queue (item 9)")
        let today = Day(Date())
        func report(at day: Day) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(try cli.run("report", "--format", "json", "--at", day.description).out.utf8)) as! [String: Any]
        }
        let json = try report(at: today)
        let reviews = Dictionary(uniqueKeysWithValues: (json["reviewsByAction"] as! [[String: Any]]).map { ($0["key"] as! String, $0["count"] as! Int) })
        #expect(reviews == ["returned": 1, "accepted": 1, "escalated": 1, "signed-off": 0])
        let people = json["practitioners"] as! [[String: Any]]
        let sam = try #require(people.first { $0["name"] as? String == "sam.t" })
        #expect(sam["cases"] as? Int == 1 && sam["unfinishedDecisions"] as? Int == 1 && (sam["openFlags"] as? Int ?? 0) > 0)
        #expect(json["madeBy"] as? String == NSUserName() && (json["madeAt"] as? String)?.hasPrefix(today.description) == true)
        #expect(json["returnedOverdue"] as? Int == 0)
        #expect(try report(at: today.adding(days: 8))["returnedOverdue"] as? Int == 1, "returned 8 days before and still open")
        let text = try cli.run("report").out
        #expect(text.contains("Reviews: returned 1, accepted 1, escalated 1, signed-off 0; returned items still open after 7 days: 0"))
        #expect(text.contains("PRACTITIONER  CASES  UNFINISHED DECISIONS  OPEN FLAGS"))
    }

    @Test("report --format html is one self-contained printable page with SVG bar charts, and a real headless browser renders it (issue 15, item 13)")
    func reportPage() throws {
        let cli = try loaded()
        let hostile = "North <script>alert(1)</script> \u{1b}[2J"
        let r = try cli.run("report", "--format", "html", "--team", hostile)
        #expect(r.status == 0)
        let page = r.out
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("\u{1b}"))
        for outside in ["<script", "src=", "href=", "<link", "url(", "@import", "<img", "<iframe"] {
            #expect(!page.lowercased().contains(outside), "the page reaches outside itself: \(outside)")
        }
        let all = try cli.run("report", "--format", "html").out
        #expect(all.components(separatedBy: "<svg").count - 1 == 4, "four charts")
        #expect(all.contains("<th scope=\"col\">Unfinished decisions</th>") && all.contains("@media print"))

        let dir = cli.home.appendingPathComponent("page")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("report.html"), blank = dir.appendingPathComponent("blank.html")
        try Data(all.utf8).write(to: file)
        try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: blank)
        func render(_ html: URL) throws -> Data {
            let png = html.deletingPathExtension().appendingPathExtension("png")
            let status = sh("chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,1400 "
                            + "--screenshot='\(png.path)' 'file://\(html.path)'")
            #expect(status == 0, "chromium (make test installs it) rendered \(html.lastPathComponent)")
            return try Data(contentsOf: png)
        }
        let shot = try render(file), empty = try render(blank)
        // A PNG: its signature, then the IHDR chunk with the page's width and height.
        #expect(shot.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let width = shot[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = shot[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 900 && height == 1400)
        // Text and bars compress far worse than an empty page.
        #expect(shot.count > 5 * empty.count, "the rendered report (\(shot.count) bytes) is hardly more than an empty page (\(empty.count))")
    }

    @Test("the handover summary in Markdown is readable and carries no escape sequences")
    func handover() throws {
        let cli = try CLI()
        try cli.run("init")
        let text = try String(contentsOfFile: CLI.example("gaps"), encoding: .utf8)
            .replacingOccurrences(of: "Alex Moreno", with: "Alex \\u001b[2JMoreno")
        try cli.run("import", try cli.file("g.json", text))
        let md = try cli.run("export", "C-0002", "--format", "markdown").out
        #expect(md.hasPrefix("# Case C-0002: Low mood, school nurse involved\n"))
        #expect(md.contains("## Open flags") && md.contains("**missing** rationale-missing on D1"))
        #expect(md.contains("## Chronology") && md.contains("- Rationale: NOT RECORDED"))
        #expect(!md.contains("\u{1b}") && md.contains("Alex Moreno"))
        // The handover says who prepared it, lists the episodes, and uses words for codes (issue 15).
        #expect(md.contains("- **Prepared:** ") && md.contains(" by \(ProcessInfo.processInfo.userName), from the Casework workbook"))
        #expect(md.contains("## Episodes") && md.contains("- E1: from 2025-01-05 to 2025-06-30; Attendance support") && md.contains("- E2: from 2026-03-01 (open)"))
        #expect(md.contains("- Consent: given (CN1)") && md.contains("- Consent: not sought") && md.contains("parental responsibility: not known"))
        for code in ["with-consent", "not-sought", "public-task", "risk-to-child"] { #expect(!md.contains(code), "\(code)") }
    }

    @Test("retention: due, keep with a reason, dispose to a tombstone")
    func retention() throws {
        let cli = try loaded()
        let export = try cli.run("export", "C-0001").out
            .replacingOccurrences(of: "\"careOrder\" : false,", with: "\"careOrder\" : false,\n    \"closed\" : \"2026-03-01\",")
        #expect(export.contains("\"closed\" : \"2026-03-01\""))
        #expect(try cli.run("import", "--replace", try cli.file("closed.json", export)).status == 0)
        #expect(try cli.run("retention", "due", "--at", "2026-03-10").out.contains("C-0001"))
        #expect(try cli.run("retention", "keep", "C-0001", "--until", "2027-01-01", "--reason", "Sibling case open").status == 0)
        #expect(try cli.run("retention", "due", "--at", "2026-03-10").out.hasPrefix("No closed case is due"))
        let gone = try cli.run("retention", "dispose", "C-0001", "--reason", "No longer needed")
        #expect(gone.status == 0 && gone.out.contains("a tombstone and an audit event remain"))
        #expect(try cli.run("show", "C-0001").status != 0)
        #expect(try cli.run("audit", "verify").status == 0)
    }

    @Test("a flag raised by hand shows in flags and the queue")
    func manual() throws {
        let cli = try loaded()
        #expect(try cli.run("flags", "raise", "C-0001/N2", "--severity", "check", "--reason", "Opinion or observation?").status == 0)
        #expect(try cli.run("review", "queue", "--rule", "manual").out.contains("C-0001"))
        #expect(try cli.run("flags", "raise", "C-0001/N2", "--severity", "loud", "--reason", "x").status != 0)
    }
}

@Suite("Backup and check")
struct BackupCheckTests {
    @Test("backup makes a private, complete copy; check passes, and fails on a tampered audit trail")
    func backupAndCheck() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"), CLI.example("recorded-well"))
        let dest = cli.home.appendingPathComponent("backups/b.sqlite").path
        #expect(try cli.run("backup", dest).status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: dest)[.posixPermissions] as? Int) == 0o600)
        #expect(try cli.run("cases", "--store", dest).out.contains("C-0002"))
        #expect(try cli.run("backup", dest).status != 0, "never overwrites")
        let ok = try cli.run("check")
        #expect(ok.status == 0 && ok.out == """
            Integrity: ok
            Foreign keys: ok
            Audit trail: intact, 3 events
            Record versions: ok
            Flags: as the rules give them, 2 cases

            """)
        try DatabaseQueue(path: cli.storeFile.path).write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2")
        }
        let bad = try cli.run("check")
        #expect(bad.status != 0 && bad.out.contains("Audit trail: event 2 is missing"))
    }
}
