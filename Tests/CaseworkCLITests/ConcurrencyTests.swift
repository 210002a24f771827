import Foundation
import GRDB
import Testing

/// Two processes writing to one store at the same time.
@Suite("Concurrency: two writers on one store")
struct ConcurrencyTests {
    @Test("a practitioner adding notes and a manager escalating, at once: no busy error, nothing lost, the chain holds")
    func twoWriters() throws {
        let cli = try CLI()
        try cli.run("init")
        try cli.run("import", CLI.example("gaps"))
        let n = 25
        var notes: [String] = []
        for i in 0..<n {
            notes.append(try cli.file("n\(i).json", """
                {"id": "N\(100 + i)", "at": "2026-03-07T10:\(String(format: "%02d", i)):00Z", "by": "sam.t", "kind": "phone", "text": "Call \(i)"}
                """))
        }
        let bin = CLI.binary.path
        let env = "HOME='\(cli.home.path)' XDG_DATA_HOME='\(cli.home.path)/data' XDG_CONFIG_HOME='\(cli.home.path)/config' CASEWORK_STORE='\(cli.storeFile.path)'"
        let a = notes.map { "env \(env) \(bin) add C-0002 --kind note -f '\($0)' || echo FAIL" }.joined(separator: "; ")
        let b = (0..<n).map { "env \(env) \(bin) review escalate C-0002/X2 --to legal --note 'round \($0)' || echo FAIL" }.joined(separator: "; ")
        func start(_ script: String) throws -> (Process, Pipe) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            return (p, out)
        }
        let (pa, oa) = try start(a), (pb, ob) = try start(b)
        let outA = String(decoding: oa.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let outB = String(decoding: ob.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        pa.waitUntilExit()
        pb.waitUntilExit()
        #expect(!outA.contains("FAIL") && !outB.contains("FAIL"), "\(outA)\(outB)")
        #expect(!outA.contains("busy") && !outB.contains("busy"))
        let c = try cli.run("export", "C-0002").out
        #expect(c.components(separatedBy: "\"kind\" : \"phone\"").count - 1 == n)
        #expect(c.components(separatedBy: "\"action\" : \"escalated\"").count - 1 == n)
        let check = try cli.run("check")
        #expect(check.status == 0, "\(check.out)")
        // They really wrote at the same time: in the trail's order, the two writers' events take turns many times.
        let order = try DatabaseQueue(path: cli.storeFile.path).read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit WHERE action IN ('create', 'review') AND caseId = 'C-0002' ORDER BY seq")
        }
        #expect(order.filter { $0 == "create" }.count == n && order.filter { $0 == "review" }.count == n, "\(order)")
        let turns = zip(order, order.dropFirst()).filter { $0 != $1 }.count
        #expect(turns >= 6, "the writers took turns only \(turns) times: they barely overlapped (\(order))")
    }
}
