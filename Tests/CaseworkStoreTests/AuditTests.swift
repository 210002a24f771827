import CaseworkCore
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

@Suite("The audit trail")
struct AuditTests {
    /// A store with some history: init, two imports, a view, an export, an amendment.
    func busyStore() throws -> TempStore {
        let t = try TempStore()
        let c = try t.example("gaps")
        _ = try t.store.importCases([c, try t.example("recorded-well")], replace: false, by: "mia.manager")
        _ = try t.store.viewCase("C-0002", by: "mia.manager")
        _ = try t.store.exportCase("C-0001", by: "mia.manager")
        var d = c.decisions[0]
        d.rationale = "Written later"
        _ = try t.store.amend(.decision(d), inCase: "C-0002", reason: "missing rationale", by: "mia.manager")
        return t
    }

    /// Changes one event and recomputes every hash after it, as a careful forger would.
    func rewriteChain(_ t: TempStore) throws {
        try t.raw().write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            try db.execute(sql: "UPDATE audit SET user = 'forger' WHERE seq = 2")
            var prev = AuditChain.genesis
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq") {
                let e = AuditChain.Event(seq: row["seq"], at: row["at"], user: row["user"], action: row["action"],
                                         caseId: row["caseId"], recordId: row["recordId"], version: row["version"], prevHash: prev)
                try db.execute(sql: "UPDATE audit SET prevHash = ?, hash = ? WHERE seq = ?", arguments: [prev, e.hash, e.seq])
                prev = e.hash
            }
            try db.execute(sql: """
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;
                """)
        }
    }

    func tamper(_ t: TempStore, _ sql: String) throws {
        try t.raw().write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            try db.execute(sql: sql)
            try db.execute(sql: """
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """)
        }
    }

    @Test("every create, import, view, export and amendment is an event holding ids only")
    func events() throws {
        let t = try busyStore()
        let rows = try t.raw().read { try Row.fetchAll($0, sql: "SELECT action, caseId, recordId, version FROM audit ORDER BY seq") }
        #expect(rows.map { $0["action"] as String } == ["init", "import", "import", "view", "export", "amend"])
        #expect(rows.last?["recordId"] == "D1" && rows.last?["version"] == 2)
        let report = try t.store.verifyAudit()
        #expect(report.isIntact && report.events == 6)
    }

    @Test("an edited event is found and named")
    func edited() throws {
        let t = try busyStore()
        try tamper(t, "UPDATE audit SET user = 'someone.else' WHERE seq = 4")
        #expect(try t.store.verifyAudit().problem == "event 4 was altered after it was written")
    }

    @Test("a deleted event is found")
    func deleted() throws {
        let t = try busyStore()
        try tamper(t, "DELETE FROM audit WHERE seq = 3")
        #expect(try t.store.verifyAudit().problem?.hasPrefix("event 3 is missing") == true)
    }

    @Test("reordered events are found")
    func reordered() throws {
        let t = try busyStore()
        try tamper(t, "UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 100;")
        #expect(try t.store.verifyAudit().problem?.hasPrefix("event 2 does not follow") == true)
    }

    @Test("an event inserted in the middle is found")
    func inserted() throws {
        let t = try busyStore()
        try tamper(t, """
            UPDATE audit SET seq = seq + 1000 WHERE seq >= 4;
            UPDATE audit SET seq = seq - 999 WHERE seq >= 1000;
            INSERT INTO audit (seq, at, user, action, caseId, prevHash, hash)
                SELECT 4, at, user, 'view', caseId, hash, hash FROM audit WHERE seq = 3;
            """)
        #expect(try t.store.verifyAudit().isIntact == false)
    }

    @Test("cutting the tail is found through the anchor outside the store")
    func tailCut() throws {
        let t = try busyStore()
        try tamper(t, "DELETE FROM audit WHERE seq >= 5")
        #expect(try t.store.verifyAudit().problem == "the trail ends at event 4 but event 6 was recorded: events were cut from the end")
    }

    @Test("rewriting the whole chain consistently is found through the anchor")
    func rewritten() throws {
        let t = try busyStore()
        try rewriteChain(t)
        #expect(try t.store.verifyAudit().problem == "event 6 is not the one anchored outside the store: the trail was rewritten")
    }

    @Test("removing the append-only guard is reported")
    func guardRemoved() throws {
        let t = try busyStore()
        try t.raw().write { try $0.execute(sql: "DROP TRIGGER audit_no_delete") }
        #expect(try t.store.verifyAudit().problem?.contains("append-only guard audit_no_delete was removed") == true)
    }

    @Test("a forged anchor is reported")
    func forgedAnchor() throws {
        let t = try busyStore()
        let files = try FileManager.default.contentsOfDirectory(at: t.location.configDirectory.appendingPathComponent("anchors"),
                                                                 includingPropertiesForKeys: nil)
        try Data("3 \(String(repeating: "a", count: 64)) deadbeef\n".utf8).write(to: files[0])
        #expect(try t.store.verifyAudit().problem?.contains("was altered") == true)
    }

    @Test("after the chain was rewritten, an ordinary view does not move the anchor to the forged head")
    func anchorHoldsAfterRewrite() throws {
        let t = try busyStore()
        try rewriteChain(t)
        _ = try t.store.viewCase("C-0002", by: "mia.manager")
        _ = try t.store.viewCase("C-0001", by: "mia.manager")
        #expect(try t.store.verifyAudit().problem == "event 6 is not the one anchored outside the store: the trail was rewritten")
    }

    @Test("a backup is a store of its own: opening it never moves the live store's anchor")
    func backupHasItsOwnId() throws {
        let t = try busyStore()
        let copy = t.dir.appendingPathComponent("backups/copy.sqlite")
        try t.store.backup(to: copy, by: "mia.manager")
        let backup = try SQLiteCaseStore(StoreLocation(file: copy, configDirectory: t.location.configDirectory), settings: Fixtures.settings)
        #expect(backup.storeId != t.store.storeId)
        for _ in 0..<3 { _ = try backup.viewCase("C-0002", by: "mia.manager") }
        #expect(try t.store.verifyAudit().isIntact, "the live store still verifies after the backup was used")
        #expect(try backup.verifyAudit().isIntact)
    }

    @Test("a rewrite noticed by an ordinary view is remembered after the trail is put back, until a manager's incident note")
    func alarmRemembered() throws {
        let t = try busyStore()
        try t.raw().write { try $0.execute(sql: "CREATE TABLE saved AS SELECT * FROM audit") }
        try rewriteChain(t)
        #expect(try t.store.auditAlarm() == nil)
        _ = try t.store.viewCase("C-0001", by: "mia.manager")
        #expect(try t.store.auditAlarm()?.problem == "the trail does not follow from event 6 anchored outside the store: it was rewritten or rolled back")
        // The forger puts the original trail back: on its own it would verify again.
        try tamper(t, "DELETE FROM audit; INSERT INTO audit SELECT * FROM saved; DROP TABLE saved;")
        let remembered = try t.store.verifyAudit()
        #expect(remembered.problem?.hasPrefix("the audit trail failed verification on 2026-03-10 (the trail does not follow from event 6") == true,
                "\(remembered)")
        #expect(remembered.problem?.contains("casework audit incident") == true)
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: []), by: "mia.manager")
        #expect(throws: StoreError.self) { try t.store.recordIncident(note: "Looked into it", by: "sam.t") }
        #expect(throws: StoreError.self) { try t.store.recordIncident(note: "  ", by: "mia.manager") }
        #expect(try t.store.auditAlarm() != nil, "a refused note answers nothing")
        let incident = try t.store.recordIncident(note: "Restored from the 09:00 backup; IT told", by: "mia.manager")
        #expect(incident.breaks.isEmpty && incident.by == "mia.manager")
        #expect(try t.store.auditAlarm() == nil)
        #expect(try t.store.verifyAudit().isIntact)
    }

    @Test("an incident note answers the breaks found when it was written; a later break is still found")
    func incidentAnswersKnownBreaks() throws {
        let t = try busyStore()
        try tamper(t, "UPDATE audit SET user = 'someone.else' WHERE seq = 4")
        #expect(try t.store.verifyAudit().problem == "event 4 was altered after it was written")
        let incident = try t.store.recordIncident(note: "Event 4 edited by a script; IT investigating", by: "mia.manager")
        #expect(incident.breaks == [4])
        let after = try t.store.verifyAudit()
        #expect(after.isIntact && after.acknowledged == [4], "\(after)")
        _ = try t.store.viewCase("C-0002", by: "mia.manager")
        #expect(try t.store.verifyAudit().isIntact, "the anchor follows the trail again after the note")
        try tamper(t, "UPDATE audit SET user = 'someone.else' WHERE seq = 2")
        #expect(try t.store.verifyAudit().problem == "event 2 was altered after it was written")
    }

    @Test("a deleted audit key is reported, never silently replaced; an incident note starts a new one")
    func keyMissing() throws {
        let t = try busyStore()
        let key = t.location.configDirectory.appendingPathComponent("audit.key")
        try FileManager.default.removeItem(at: key)
        _ = try t.store.viewCase("C-0002", by: "mia.manager")
        #expect(!FileManager.default.fileExists(atPath: key.path), "no new key made in silence")
        #expect(try t.store.auditAlarm()?.problem == "the audit key was missing")
        #expect(try t.store.verifyAudit().problem?.contains("audit.key is missing") == true)
        _ = try t.store.recordIncident(note: "Key lost when the laptop was rebuilt", by: "mia.manager")
        #expect(FileManager.default.fileExists(atPath: key.path))
        #expect(try t.store.verifyAudit().isIntact)
    }
}
