import CaseworkCore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

@Suite("The SQLite store")
struct StoreTests {
    static let day = Day("2026-03-10")!
    @Test("the folder is 0700 and the file 0600, even under a permissive umask")
    func permissions() throws {
        let old = umask(0)
        defer { umask(old) }
        let t = try TempStore()
        let folder = t.location.file.deletingLastPathComponent().path
        let attrs = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((attrs[.posixPermissions] as? Int) == 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: t.location.file.path + suffix) {
            let a = try FileManager.default.attributesOfItem(atPath: t.location.file.path + suffix)
            #expect((a[.posixPermissions] as? Int) == 0o600, "\(suffix)")
        }
    }

    @Test("WAL mode, synchronous FULL and foreign keys are on")
    func pragmas() throws {
        let t = try TempStore()
        let (mode, keys) = try t.store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        let sync = try t.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(mode == "wal" && keys == 1 && sync == 2)
    }

    @Test("a store that was never created is not made by reading it")
    func notInitialised() throws {
        let dir = Scratch.path("casework-missing")
        let loc = StoreLocation(file: dir.appendingPathComponent("x.sqlite"), configDirectory: dir)
        #expect(throws: StoreError.notInitialised(path: loc.file.path)) { try SQLiteCaseStore(loc, settings: Fixtures.settings) }
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }

    @Test("the creator becomes the first manager; a second init changes nothing")
    func initialise() throws {
        let t = try TempStore()
        #expect(try t.store.user(named: "mia.manager").role == .manager)
        let before = try t.fingerprint()
        #expect(try t.store.initialise(by: "someone.else") == false)
        #expect(try t.fingerprint() == before)
    }

    @Test("both examples import, read back whole, and export the same document")
    func importExport() throws {
        let t = try TempStore()
        let cases = try ["recorded-well", "gaps"].map(t.example)
        _ = try t.store.importCases(cases, replace: false, by: "mia.manager")
        #expect(try t.store.cases(visibleTo: "mia.manager").map(\.id) == ["C-0001", "C-0002"])
        for c in cases {
            let back = try t.store.exportCase(c.id, by: "mia.manager")
            #expect(back == c)
            #expect(CaseFileCodec.encode(back) == CaseFileCodec.encode(c))
        }
        // Into an empty store and out again: the same bytes.
        let other = try TempStore()
        let exported = CaseFileCodec.encode(try t.store.exportCase("C-0002", by: "mia.manager"))
        _ = try other.store.importCases([try CaseFileCodec.decode(exported)], replace: false, by: "mia.manager")
        #expect(CaseFileCodec.encode(try other.store.exportCase("C-0002", by: "mia.manager")) == exported)
    }

    @Test("an import is all or nothing: one refused case leaves the store as it was")
    func allOrNothing() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        let before = try t.fingerprint()
        #expect(throws: StoreError.caseExists("C-0002")) {
            try t.store.importCases([try t.example("recorded-well"), try t.example("gaps")], replace: false, by: "mia.manager")
        }
        #expect(try t.fingerprint() == before)
    }

    @Test("replace amends what changed, keeps the earlier version, and cannot remove a record")
    func replace() throws {
        let t = try TempStore()
        var c = try t.example("gaps")
        _ = try t.store.importCases([c], replace: false, by: "mia.manager")
        c.decisions[0].rationale = "Consultation needed; consent covers CAMHS."
        let outcome = try t.store.importCases([c], replace: true, by: "mia.manager")
        #expect(outcome == [.replaced(caseId: "C-0002", amended: 1, added: 0)])
        let versions = try t.store.history(caseId: "C-0002", recordId: "D1", by: "mia.manager")
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions[1].reason == "replaced from a case file")
        let before = try t.fingerprint()
        c.disclosures.removeLast()
        #expect(throws: StoreError.self) { try t.store.importCases([c], replace: true, by: "mia.manager") }
        #expect(try t.fingerprint() == before)
    }

    @Test("an amendment writes a new version with who, when and why; the old one stays readable")
    func amend() throws {
        let t = try TempStore()
        let c = try t.example("gaps")
        _ = try t.store.importCases([c], replace: false, by: "mia.manager")
        var d = c.decisions[0]
        d.rationale = "Consultation with CAMHS; the father agreed in January."
        #expect(try t.store.amend(.decision(d), inCase: c.id, reason: "rationale written after supervision", by: "mia.manager") == 2)
        let h = try t.store.history(caseId: c.id, recordId: "D1", by: "mia.manager")
        #expect(h.count == 2)
        #expect(h[0].record == .decision(c.decisions[0]))
        #expect(h[1].author == "mia.manager" && h[1].reason == "rationale written after supervision")
        #expect(try t.store.viewCase(c.id, by: "mia.manager").decisions[0] == d)

        let before = try t.fingerprint()
        #expect(throws: StoreError.invalid("an amendment needs a reason")) {
            try t.store.amend(.decision(d), inCase: c.id, reason: "  ", by: "mia.manager")
        }
        #expect(throws: StoreError.self) { try t.store.amend(.decision(d), inCase: c.id, reason: "again", by: "mia.manager") }
        var dangling = d
        dangling.concernId = "K9"
        #expect(throws: StoreError.self) { try t.store.amend(.decision(dangling), inCase: c.id, reason: "oops", by: "mia.manager") }
        #expect(try t.fingerprint() == before)
    }

    @Test("a case is its row's id whatever its header's body says (an older import left a hidden case's id there): loading, recomputing and reporting never reach the other case")
    func headerIdIsTheRows() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps"), try t.example("recorded-well")], replace: false, by: "mia.manager")
        let gapsFlags = try t.store.flags(FlagQuery(caseId: "C-0002", on: Self.day), by: "mia.manager").map(\.flag)
        let wellFlags = try t.store.flags(FlagQuery(caseId: "C-0001", on: Self.day), by: "mia.manager").map(\.flag)
        // As the import before this fix wrote it: C-0001's header body naming C-0002.
        try t.raw().write {
            try $0.execute(sql: "UPDATE record SET body = replace(body, '\"id\":\"C-0001\"', '\"id\":\"C-0002\"') WHERE caseId = 'C-0001' AND kind = 'case'")
        }
        #expect(try t.store.exportCase("C-0001", by: "mia.manager").id == "C-0001")
        _ = try t.store.recomputeFlags(by: "mia.manager")
        #expect(try t.store.flags(FlagQuery(caseId: "C-0002", on: Self.day), by: "mia.manager").map(\.flag) == gapsFlags)
        #expect(try t.store.flags(FlagQuery(caseId: "C-0001", on: Self.day), by: "mia.manager").map(\.flag) == wellFlags)
    }

    @Test("record versions cannot be changed or deleted, even with raw SQL")
    func versionsAreAppendOnly() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        #expect(throws: DatabaseError.self) { try t.raw().write { try $0.execute(sql: "UPDATE recordVersion SET body = '{}'") } }
        #expect(throws: DatabaseError.self) { try t.raw().write { try $0.execute(sql: "DELETE FROM recordVersion") } }
        #expect(throws: DatabaseError.self) { try t.raw().write { try $0.execute(sql: "DELETE FROM audit") } }
    }

    @Test("roles are enforced in the store: workers see their own cases and cannot add users")
    func roles() throws {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: ["Early Help North"]), by: "mia.manager")
        try t.store.addUser(User(name: "ahmed.k", role: .worker), by: "mia.manager")
        _ = try t.store.importCases([try t.example("gaps"), try t.example("recorded-well")], replace: false, by: "mia.manager")
        #expect(try t.store.cases(visibleTo: "sam.t").map(\.id) == ["C-0002"])
        #expect(throws: StoreError.caseNotFound("C-0001")) { try t.store.viewCase("C-0001", by: "sam.t") }
        #expect(throws: StoreError.caseNotFound("C-0001")) { try t.store.history(caseId: "C-0001", recordId: "D1", by: "sam.t") }
        #expect(throws: StoreError.forbidden("only a manager can add users (you are a worker)")) {
            try t.store.addUser(User(name: "eve", role: .manager), by: "sam.t")
        }
        #expect(throws: StoreError.notRegistered(user: "stranger")) { try t.store.cases(visibleTo: "stranger") }
        // A worker may not import a case that belongs to someone else.
        var foreign = try t.example("gaps")
        foreign.id = "C-0099"
        foreign.worker = "ahmed.k"
        #expect(throws: StoreError.self) { try t.store.importCases([foreign], replace: false, by: "sam.t") }
    }

    @Test("a manager with teams sees their teams' cases only")
    func teamManager() throws {
        let t = try TempStore()
        try t.store.addUser(User(name: "lee.m", role: .manager, teams: ["Early Help South"]), by: "mia.manager")
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        #expect(try t.store.cases(visibleTo: "lee.m").isEmpty)
        #expect(try t.store.cases(visibleTo: "mia.manager").count == 1)
    }
}

@Suite("Schema migrations")
struct MigrationTests {
    @Test("a store made by the first schema version opens, migrated, with its cases and audit trail intact")
    func firstVersionOpens() throws {
        let dir = Scratch.path("casework-v1")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("old.sqlite")
        try FileManager.default.copyItem(at: Repository.fixtures.appendingPathComponent("stores/schema-v1.sqlite"), to: file)
        let store = try SQLiteCaseStore(StoreLocation(file: file, configDirectory: dir.appendingPathComponent("config")), settings: Fixtures.settings)
        #expect(try store.appliedMigrations() == ["v1", "v2-flags", "v3-drafts", "v4-review", "v5-indexes", "v6-manual-flag-authors", "v7-incidents", "v8-draft-offered", "v9-queue-order", "v10-audit-by-case", "v11-search", "v12-flagged-from", "v13-flag-tally", "v14-review-records"])
        #expect(SQLiteCaseStore.migrations == (try store.appliedMigrations()))
        // Flags for the old store's cases were computed on opening.
        let flags = try store.flags(FlagQuery(on: Day("2026-03-10")!), by: "root")
        #expect(flags.count == 13 && flags.allSatisfy { $0.flag.caseId == "C-0002" })
        #expect(try store.cases(visibleTo: "root").map(\.id) == ["C-0001", "C-0002"])
        let gaps = try CaseFileCodec.decode(Repository.caseFile("gaps"))
        #expect(try store.exportCase("C-0002", by: "root") == gaps)
        #expect(try store.verifyAudit().isIntact)
    }

    @Test("a store file of another OS user, or in a folder others can write, is refused with a pointer to the team store")
    func singleUser() throws {
        try #require(getuid() == 0, "needs root to give the file to another user (make test runs as root in CI)")
        #expect(OSUsers.ensure("cwworker"))
        let t = try TempStore()
        let folder = t.location.file.deletingLastPathComponent()
        #expect(sh("chown cwworker '\(t.location.file.path)'") == 0)
        do {
            _ = try SQLiteCaseStore(t.location, settings: Fixtures.settings)
            Issue.record("opened another user's store file")
        } catch {
            #expect(error.description.contains("belongs to another user") && error.description.contains("PostgreSQL"), "\(error)")
        }
        #expect(sh("chown root '\(t.location.file.path)' && chmod 0770 '\(folder.path)'") == 0)
        do {
            _ = try SQLiteCaseStore(t.location, settings: Fixtures.settings)
            Issue.record("opened a store in a group-writable folder")
        } catch {
            #expect(error.description.contains("can be written by other users"), "\(error)")
        }
        #expect(sh("chmod 0700 '\(folder.path)'") == 0)
        _ = try SQLiteCaseStore(t.location, settings: Fixtures.settings)
    }
}
