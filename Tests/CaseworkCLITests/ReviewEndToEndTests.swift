import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing

/// The review loop with two real people on the team store: a practitioner
/// and their manager, two OS users, each in their own workbook at the same
/// time, each connecting over the server's socket as themselves (peer
/// authentication: no password, no claim).
@Suite("Return, fix, clear, sign off: worker and manager as two OS users on the team store", .serialized)
struct ReviewEndToEndTests {
    static let worker = "cwteam.worker", manager = "cwteam.manager"

    /// What the command line prints to `user`, run as that OS user from their own folder.
    func runAs(_ user: String, _ homes: [String: URL], _ args: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        p.arguments = ["-u", user, "--", "env", "HOME=\(homes[user]!.path)", CLI.binary.path] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }

    @Test("a worker's decision without rationale is returned, fixed, cleared and the case signed off, both workbooks open")
    func loop() throws {
        try #require(getuid() == 0, "this test creates two OS users, so it must run as root (as make test does in CI)")
        for user in [Self.worker, Self.manager] {
            #expect(OSUsers.ensure(user))
        }
        let cli = try CLI()
        sh("chmod 755 '\(cli.home.path)'")
        let db = try TeamServer.newStore()
        let admin = try TeamServer.address(db, user: "cw.admin")
        #expect(try cli.run("users", "add", Self.worker, "--role", "worker", "--team", "Early Help North", "--store", admin).status == 0)
        #expect(try cli.run("users", "add", Self.manager, "--role", "manager", "--team", "Early Help North", "--store", admin).status == 0)
        let text = try String(contentsOfFile: CLI.example("recorded-well"), encoding: .utf8)
            .replacingOccurrences(of: "\"worker\": \"ahmed.k\"", with: "\"worker\": \"\(Self.worker)\"")
        #expect(try cli.run("import", try cli.file("c1.json", text), "--store", try TeamServer.address(db, user: Self.worker)).status == 0)

        // Each person's own folder; each connects through the socket as their own role.
        let store = try TeamServer.socketAddress(db)
        var homes: [String: URL] = [:]
        for user in [Self.worker, Self.manager] {
            let home = cli.home.appendingPathComponent(user)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            #expect(sh("chown -R \(user) '\(home.path)'") == 0)
            homes[user] = home
        }
        let manager = try Tmux(cli, args: ["--store", store], user: Self.manager, home: homes[Self.manager])
        try manager.wait(for: "C-0001")
        try manager.wait(for: "\(Self.manager) (manager)")
        let worker = try Tmux(cli, args: ["--store", store], user: Self.worker, home: homes[Self.worker])
        try worker.wait(for: "C-0001")
        try worker.wait(for: "\(Self.worker) (worker)")

        // The worker records a decision not to share, without a rationale.
        try worker.keys("Enter")
        try worker.wait(for: "CHRONOLOGY")
        try worker.keys("w")
        try worker.wait(for: "Step 1 of 11")
        try worker.keys("C-n")
        try worker.wait(for: "Step 2 of 11")
        try worker.keys("n", "C-n")
        try worker.wait(for: "Step 10 of 11")
        // Who it would have gone to is recorded (000); the rationale is left out.
        try worker.keys("Tab", "Tab", "Tab")
        try worker.type("School nurse")
        try worker.keys("C-s")
        try worker.wait(for: "rationale-missing")
        // The manager's status bar follows without a key press (LISTEN/NOTIFY, issue 15, item 10).
        try manager.wait(for: "open flags: missing 1")
        // A worker cannot sign off, by the command line either: the database says no.
        let signoff = sh("runuser -u \(Self.worker) -- env HOME='\(homes[Self.worker]!.path)' \(CLI.binary.path) review signoff C-0001 --note done --store '\(store)'")
        #expect(signoff != 0)

        // The manager, whose workbook was open all along, finds it in the queue and returns it.
        try manager.keys("r")
        try manager.wait(for: "rationale-missing")
        try manager.keys("Enter")
        try manager.wait(for: "Open flags on this record")
        try manager.keys("R")
        try manager.type("Please write why you decided not to share")
        try manager.keys("Enter")
        try manager.wait(for: "returned D2")

        // The worker goes back to the list, sees the note, writes the rationale, and the flag clears.
        try worker.keys("Escape")
        try worker.wait(for: "Returned to you: 1")
        try worker.keys("r")
        try worker.wait(for: "Please write why you decided not to share")
        try manager.keys("Escape")
        try manager.wait(for: "Returned, not read yet")
        try worker.keys("Enter")
        try worker.wait(for: "Why, in your own words")
        // The note is above the field to fix, and the manager can see it was read (issue 15, item 6).
        try worker.wait(for: "Returned to you by \(Self.manager)")
        let queue = try String(decoding: runAs(Self.manager, homes, ["review", "queue", "--json", "--store", store]), as: UTF8.self)
        #expect(queue.contains("\"returnedRead\": \""), "\(queue)")
        try manager.keys("Escape", "r")
        try manager.wait(for: "Returned, read")
        try worker.type("The school nurse is already involved; sharing adds nothing for Jordan.")
        try worker.keys("C-s")
        try worker.wait(for: "Why are you changing this record?")
        try worker.type("rationale written after the return")
        try worker.keys("Enter")
        try worker.wait(for: "Decision D2 recorded")
        try worker.wait(for: "FLAGS: none open")

        // It has left the manager's queue; the manager signs off the case.
        try manager.keys("Escape", "r")
        try manager.wait(for: "Nothing to review.")
        try manager.keys("Escape", "Enter")
        try manager.wait(for: "CHRONOLOGY")
        // What the worker changed since the manager's return is starred (issue 15, item 11).
        try manager.wait(for: "CHRONOLOGY  (* changed since your review")
        #expect(manager.screen.split(separator: "\n").contains { $0.hasPrefix(" *") && $0.contains("D2") })
        try manager.keys("S")
        try manager.type("Reviewed in supervision")
        try manager.keys("Enter")
        // An open case signed off is offered for closing, with its retention review date (issue 15, item 12).
        try manager.wait(for: "Close C-0001 now?")
        try manager.keys("y")
        try manager.wait(for: "C-0001 closed; its retention review is due \(Day(Date()).adding(years: 6))")
        for person in [worker, manager] {
            for _ in 0..<4 where !person.screen.contains("Casework · Cases") {
                try person.keys("Escape")
                usleep(300_000)
            }
            try person.wait(for: "Casework · Cases")
            try person.keys("q")
            try person.waitUntilDead()
        }

        let asManager = try TeamServer.address(db, user: Self.manager)
        let reviews = try cli.run("export", "C-0001", "--store", asManager).out
        #expect(reviews.contains("\"action\" : \"returned\"") && reviews.contains("\"action\" : \"signed-off\""))
        #expect(try cli.run("audit", "verify", "--store", asManager).status == 0)
        // Who did what is the database's record of who connected.
        let authors = try TeamServer.psql(db, user: Self.manager, "SELECT DISTINCT user_name FROM casework.audit WHERE case_id = 'C-0001' ORDER BY 1").output
        #expect(authors.contains(Self.worker) && authors.contains(Self.manager))
        #expect(try cli.run("check", "--store", admin).status == 0)

        // A flag row changed behind the store's back (by a superuser: no casework role can) is named by check.
        _ = try TeamServer.psql(db, user: "postgres", """
            INSERT INTO casework.flag (case_id, record_id, rule, severity, severity_rank, message, source, raised_at, since, worker, team, status)
            VALUES ('C-0001', 'D2', 'rationale-missing', 'missing', 0, 'm', 's', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
                    '\(Self.worker)', 'Early Help North', 'accepted')
            """)
        let check = try cli.run("check", "--store", admin)
        #expect(check.status == 1, "\(check.status): \(check.err)")
        #expect(check.out.contains("1 case whose stored flags differ from the rules: C-0001"), "\(check.out)")
    }
}
