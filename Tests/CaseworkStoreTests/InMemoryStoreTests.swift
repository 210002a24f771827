import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

/// The SQLite store over a database it is given: here one in memory, so the store's rules can be
/// tried without a file, and its typed records (drafts, users, hand-raised flags, tombstones)
/// read back as written, or, damaged, as damaged.
@Suite("The store in memory, through its typed records")
struct InMemoryStoreTests {
    static let settings = FlagSettings(resources: try! CaseworkResources.load(from: Repository.resources))
    static let now = Timestamp("2026-03-10T09:30:00Z")!

    static func store() throws -> SQLiteCaseStore {
        let dir = Scratch.path("casework-memory")
        let s = try SQLiteCaseStore.inMemory(settings: settings, configDirectory: dir, clock: { Date(timeIntervalSince1970: now.instant) })
        _ = try s.initialise(by: "mia.manager")
        try s.addUser(User(name: "sam.t", role: .worker, teams: ["Early Help North"]), by: "mia.manager")
        return s
    }

    @Test("users, drafts and a flag raised by hand round-trip through an in-memory store, its trail verifying")
    func roundTrip() throws {
        let s = try Self.store()
        #expect(try s.users(by: "mia.manager") == [User(name: "mia.manager", role: .manager), User(name: "sam.t", role: .worker, teams: ["Early Help North"])])
        var c = try CaseFileCodec.decode(Repository.caseFile("gaps"))
        c.worker = "sam.t"
        _ = try s.importCases([c], replace: false, by: "sam.t")

        let older = Draft(id: "C-0002/note/new", caseId: "C-0002", kind: "note", title: "note on C-0002", payload: "{}", updatedAt: Self.now)
        let newer = Draft(id: "C-0002/concern/new", caseId: "C-0002", kind: "concern", title: "concern on C-0002", payload: "{}",
                          updatedAt: Timestamp("2026-03-10T10:00:00Z")!)
        try s.saveDraft(older, by: "sam.t")
        try s.saveDraft(newer, by: "sam.t")
        #expect(try s.drafts(by: "sam.t") == [newer, older], "newest first")
        #expect(try s.drafts(by: "mia.manager").isEmpty, "drafts are their writer's own")
        try s.deleteDraft(newer.id, by: "sam.t")
        #expect(try s.drafts(by: "sam.t") == [older])

        try s.raiseFlag(caseId: "C-0002", recordId: "X1", severity: .check, reason: "Ask who was told", by: "mia.manager")
        let raised = try s.flags(FlagQuery(caseId: "C-0002", on: Self.now.localDay), by: "mia.manager").map(\.flag).filter { $0.rule == "manual" }
        #expect(raised.count == 1 && raised.first?.severity == .check && raised.first?.recordId == "X1")

        #expect(try s.verifyAudit().isIntact)
    }

    @Test("a damaged role, draft time or hand-raised severity is reported as damaged, naming the table and column")
    func damaged() throws {
        let s = try Self.store()
        var c = try CaseFileCodec.decode(Repository.caseFile("gaps"))
        c.worker = "sam.t"
        _ = try s.importCases([c], replace: false, by: "sam.t")
        try s.saveDraft(Draft(id: "d", caseId: "C-0002", kind: "note", title: "t", payload: "{}", updatedAt: Self.now), by: "sam.t")
        try s.raiseFlag(caseId: "C-0002", recordId: "X1", severity: .check, reason: "Ask who was told", by: "mia.manager")
        func expectDamaged(_ table: String, _ column: String, _ damage: String, _ read: () throws -> Void) throws {
            try s.pool.write { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: damage)
            }
            do {
                try read()
                Issue.record("\(table).\(column) read as if whole")
            } catch let e as StoreError {
                guard case .damaged(let t, let col) = e else { Issue.record("\(table).\(column): \(e)"); return }
                #expect(t == table && col == column)
            }
        }
        try expectDamaged("draft", "updatedAt", "UPDATE draft SET updatedAt = 'soon'") { _ = try s.drafts(by: "sam.t") }
        try expectDamaged("manualFlag", "severity", "UPDATE manualFlag SET severity = 'urgent'") {
            _ = try s.flags(FlagQuery(caseId: "C-0002", on: Self.now.localDay), by: "mia.manager")
            _ = try s.recomputeAll()
        }
        try expectDamaged("user", "role", "UPDATE user SET role = 'owner' WHERE name = 'sam.t'") { _ = try s.users(by: "mia.manager") }
    }
}
