import CaseworkTestSupport
import Foundation
import Testing

/// The review loop with two real people: a practitioner (OS user cwworker)
/// and their manager (root), on one store, each in their own terminal.
@Suite("Return, fix, clear, sign off: worker and manager as two OS users in tmux", .serialized,
       .enabled(if: getuid() == 0, "needs root to create a second OS user"))
struct ReviewEndToEndTests {
    @Test("a worker's decision without rationale is returned, fixed, cleared and the case signed off")
    func loop() throws {
        #expect(sh("id -u cwworker || useradd -M -s /usr/sbin/nologin cwworker") == 0)
        let cli = try CLI()
        let shared = cli.home.appendingPathComponent("shared")
        let store = shared.appendingPathComponent("casework.sqlite").path
        let workerHome = cli.home.appendingPathComponent("worker")
        try FileManager.default.createDirectory(at: workerHome, withIntermediateDirectories: true)
        #expect(cli.home.path.hasPrefix("/tmp/"))
        sh("chmod 755 '\(cli.home.path)'")

        #expect(try cli.run("init", "--store", store).status == 0)
        #expect(try cli.run("users", "add", "cwworker", "--role", "worker", "--store", store).status == 0)
        let text = try String(contentsOfFile: CLI.example("recorded-well"), encoding: .utf8)
            .replacingOccurrences(of: "\"worker\": \"ahmed.k\"", with: "\"worker\": \"cwworker\"")
        #expect(try cli.run("import", try cli.file("c1.json", text), "--store", store).status == 0)
        // The practitioner owns the store file; root, the manager, can open it too.
        #expect(sh("chown -R cwworker '\(shared.path)' '\(workerHome.path)'") == 0)

        // The worker records a decision not to share, without a rationale.
        let worker = try Tmux(cli, args: ["--store", store], user: "cwworker", home: workerHome)
        try worker.wait(for: "C-0001")
        try worker.keys("Enter")
        try worker.wait(for: "CHRONOLOGY")
        try worker.keys("w")
        try worker.wait(for: "Step 1 of 11")
        try worker.keys("C-n")
        try worker.wait(for: "Step 2 of 11")
        try worker.keys("n", "C-n")
        try worker.wait(for: "Step 10 of 11")
        try worker.keys("C-s")
        try worker.wait(for: "rationale-missing")
        // A worker cannot sign off, by the command line either.
        let refused = sh("runuser -u cwworker -- env HOME='\(workerHome.path)' \(CLI.binary.path) review signoff C-0001 --note done --store '\(store)'")
        #expect(refused != 0)
        try worker.keys("Escape", "q")
        try worker.waitUntilDead()

        // The manager sees it in the queue and returns it with a note.
        let manager = try Tmux(cli, args: ["--store", store])
        try manager.wait(for: "C-0001")
        try manager.keys("r")
        try manager.wait(for: "rationale-missing")
        try manager.keys("Enter")
        try manager.wait(for: "Open flags on this record")
        try manager.keys("R")
        try manager.type("Please write why you decided not to share")
        try manager.keys("Enter")
        try manager.wait(for: "returned D2")
        kill(manager.pid, SIGTERM)
        try manager.waitUntilDead()

        // The worker sees the note, writes the rationale, and the flag clears.
        let back = try Tmux(cli, args: ["--store", store], user: "cwworker", home: workerHome)
        try back.wait(for: "Returned to you: 1")
        try back.keys("r")
        try back.wait(for: "Please write why you decided not to share")
        try back.keys("Enter")
        try back.wait(for: "Why, in your own words")
        try back.type("The school nurse is already involved; sharing adds nothing for Jordan.")
        try back.keys("C-s")
        try back.wait(for: "Why are you changing this record?")
        try back.type("rationale written after the return")
        try back.keys("Enter")
        try back.wait(for: "Decision D2 recorded")
        try back.wait(for: "FLAGS: none open")
        try back.keys("Escape", "Escape")
        try back.wait(for: "open flags: missing 0")
        try back.keys("q")
        try back.waitUntilDead()

        // It has left the manager's queue; the manager signs off the case.
        let again = try Tmux(cli, args: ["--store", store])
        try again.wait(for: "C-0001")
        try again.keys("r")
        try again.wait(for: "Nothing to review.")
        try again.keys("Escape", "Enter")
        try again.wait(for: "CHRONOLOGY")
        try again.keys("S")
        try again.type("Reviewed in supervision")
        try again.keys("Enter")
        try again.wait(for: "signed-off C-0001")
        let reviews = try cli.run("export", "C-0001", "--store", store).out
        #expect(reviews.contains("\"action\" : \"returned\"") && reviews.contains("\"action\" : \"signed-off\""))
        #expect(try cli.run("audit", "verify", "--store", store).status == 0)
    }
}
