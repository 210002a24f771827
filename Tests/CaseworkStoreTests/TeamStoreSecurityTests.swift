import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing

/// Attacks on the team store by a practitioner who connects with `psql` under
/// their own database role, as anyone with an account could. Each refusal,
/// made by the database itself, is the test's assertion. (The same attacks
/// on the single-user SQLite file are out of scope: its owner can do anything
/// to it; see the README.)
@Suite("The team store refuses a practitioner's psql")
struct TeamStoreSecurityTests {
    static let day = Day("2026-03-10")!

    /// sam.t owns C-0002 and olu.w (another team) owns nothing; mia.manager sees all.
    func team() throws -> StoreHarness {
        let h = try StoreHarness(.postgres, settings: Fixtures.settings)
        try h.addUser("sam.t", role: .worker, teams: ["Early Help North"])
        try h.addUser("olu.w", role: .worker, teams: ["Schools Team"])
        _ = try h.store(as: "sam.t").importCases([try CaseFileCodec.decode(Repository.caseFile("gaps"))], replace: false, by: "sam.t")
        return h
    }

    /// Runs `sql` as `user` and expects the database to refuse it with `words` in its message.
    func refused(_ h: StoreHarness, _ user: String, _ sql: String, _ words: String = "permission denied",
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, output) = try TeamServer.psql(h.place, user: user, sql)
        #expect(status != 0, "allowed: \(sql)", sourceLocation: sourceLocation)
        #expect(output.contains(words), "\(sql): \(output)", sourceLocation: sourceLocation)
    }

    func value(_ h: StoreHarness, _ user: String, _ sql: String) throws -> String {
        let (status, output) = try TeamServer.psql(h.place, user: user, sql)
        #expect(status == 0, "\(sql): \(output)")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("reading another team's case, or any record text without an audited read, returns nothing or is refused")
    func reading() throws {
        let h = try team()
        #expect(try value(h, "olu.w", "SELECT count(*) FROM casework.case_file") == "0")
        #expect(try value(h, "olu.w", "SELECT count(*) FROM casework.flag") == "0")
        #expect(try value(h, "olu.w", "SELECT count(*) FROM casework.record") == "0")
        try refused(h, "olu.w", "SELECT * FROM casework.read_case('C-0002', 'view')", "C-0002")
        try refused(h, "olu.w", "SELECT * FROM casework.read_history('C-0002', 'D1')", "C-0002")
        try refused(h, "olu.w", "SELECT * FROM casework.read_cases('{C-0002}', 'report')", "only a manager")
        try refused(h, "olu.w", "SELECT body FROM casework.record_version")
        try refused(h, "olu.w", "SELECT * FROM casework.audit")
        try refused(h, "olu.w", "SELECT * FROM casework.version_digests()", "only an administrator or a manager")
        try refused(h, "olu.w", "SELECT * FROM casework.flags_for_check()", "only an administrator or a manager")
        try refused(h, "olu.w", "SELECT * FROM casework.flags_for_check(ARRAY['C-0001'])", "only an administrator or a manager")
        // Even the owner reads record text only through the audited read.
        #expect(try value(h, "sam.t", "SELECT count(*) FROM casework.record WHERE kind <> 'review'") == "0")
        // The tallies behind the list's totals are closed; each session learns only its own count.
        try refused(h, "olu.w", "SELECT * FROM casework.case_tally")
        try refused(h, "olu.w", "SELECT * FROM casework.flag_tally")
        #expect(try value(h, "olu.w", "SELECT casework.own_cases()") == "0")
        #expect(try value(h, "sam.t", "SELECT casework.own_cases()") == "1")
        try refused(h, "olu.w", "SELECT casework.own_cases('sam.t')", "does not exist")
    }

    @Test("updating or deleting a version, a record, a case or an audit row is refused")
    func amendOnly() throws {
        let h = try team()
        let before = try h.store(as: h.manager).exportCase("C-0002", by: h.manager)
        try refused(h, "sam.t", "UPDATE casework.record_version SET body = '{}' WHERE case_id = 'C-0002'")
        try refused(h, "sam.t", "DELETE FROM casework.record_version WHERE case_id = 'C-0002'")
        try refused(h, "sam.t", "UPDATE casework.record SET body = '{}' WHERE case_id = 'C-0002'")
        try refused(h, "sam.t", "DELETE FROM casework.case_file WHERE id = 'C-0002'")
        try refused(h, "sam.t", "UPDATE casework.audit SET user_name = 'mia.manager'")
        try refused(h, "sam.t", "DELETE FROM casework.audit")
        try refused(h, "sam.t", "TRUNCATE casework.audit")
        try refused(h, "sam.t", "SELECT casework.dispose('C-0002', 'gone')", "only a manager")
        try refused(h, "mia.manager", "UPDATE casework.record_version SET body = '{}'")
        #expect(try h.store(as: h.manager).exportCase("C-0002", by: h.manager) == before)
        #expect(try h.store(as: h.manager).verifyAudit().isIntact)
    }

    @Test("inserting an audit event, or extending the chain by hand, is refused")
    func auditForgery() throws {
        let h = try team()
        try refused(h, "sam.t", """
            INSERT INTO casework.audit (seq, at, user_name, action, prev_hash, hash) VALUES (999, 'x', 'mia.manager', 'view', 'x', 'x')
            """)
        try refused(h, "sam.t", "SELECT casework.audit_append('view', 'C-0002', NULL, NULL, NULL)")
        try refused(h, "mia.manager", """
            INSERT INTO casework.audit_staged (tx, at, user_name, action) VALUES (txid_current(), 'x', 'sam.t', 'view')
            """)
        try refused(h, "sam.t", "ALTER TABLE casework.audit_staged DISABLE TRIGGER audit_chain", "must be owner")
        try refused(h, "mia.manager", "SELECT casework.audit_append('view', 'C-0002', NULL, NULL, NULL)")
    }

    @Test("changing a role, a team or a membership is refused to everyone but the administrator")
    func roles() throws {
        let h = try team()
        try refused(h, "sam.t", "GRANT casework_manager TO \"sam.t\"", "must have admin option")
        try refused(h, "sam.t", "GRANT casework_admin TO \"sam.t\"", "must have admin option")
        try refused(h, "sam.t", "SET ROLE casework_owner")
        try refused(h, "sam.t", "ALTER ROLE \"sam.t\" CREATEROLE")
        try refused(h, "sam.t", "SELECT casework.set_user_role('sam.t', 'manager')", "only an administrator")
        try refused(h, "mia.manager", "SELECT casework.set_user_role('sam.t', 'manager')", "only an administrator")
        try refused(h, "sam.t", "SELECT casework.add_user('eve.x', 'admin', '{}')", "only an administrator")
        try refused(h, "sam.t", "INSERT INTO casework.user_team (user_name, team) VALUES ('sam.t', 'Schools Team')")
        try refused(h, "sam.t", "UPDATE casework.user_team SET team = 'Schools Team'")
        try refused(h, "sam.t", "INSERT INTO casework.case_member (case_id, user_name) VALUES ('C-0002', 'olu.w')")
        try refused(h, "sam.t", "SELECT casework.add_member('C-0002', 'olu.w')", "only a manager")
        #expect(try h.store(as: "sam.t").user(named: "sam.t").role == .worker)
        #expect(try value(h, "olu.w", "SELECT count(*) FROM casework.case_file") == "0")
    }

    @Test("writing a flag directly is refused; one forged through the flags function is audited and named by check")
    func flags() throws {
        let h = try team()
        try refused(h, "sam.t", "UPDATE casework.flag SET status = 'accepted'")
        try refused(h, "sam.t", "DELETE FROM casework.flag")
        try refused(h, "sam.t", """
            INSERT INTO casework.flag (case_id, record_id, rule, severity, severity_rank, message, source, raised_at, since, worker, status)
            VALUES ('C-0002', 'D1', 'x', 'advice', 3, 'm', 's', 'x', 'x', 'sam.t', 'open')
            """)
        try refused(h, "olu.w", "SELECT casework.store_flags('C-0002', '[]')", "C-0002")
        #expect(try h.store(as: h.manager).check(by: h.manager).isHealthy)
        // The function lets the owner store what their client computed; an empty list is a forgery.
        #expect(try value(h, "sam.t", "SELECT casework.store_flags('C-0002', '[]')") == "t")
        #expect(try h.store(as: "sam.t").flags(FlagQuery(caseId: "C-0002", on: Self.day), by: "sam.t").isEmpty)
        #expect(try value(h, "mia.manager", "SELECT user_name FROM casework.audit WHERE action = 'flags' ORDER BY seq DESC LIMIT 1") == "sam.t")
        let check = try h.store(as: "cw.admin").check(by: "cw.admin")
        #expect(check.staleFlags == ["C-0002"])
        #expect(!check.isHealthy)
        // A manager's recompute puts them right.
        _ = try h.store(as: h.manager).recomputeFlags(by: h.manager)
        #expect(try h.store(as: "cw.admin").check(by: "cw.admin").isHealthy)
    }

    @Test("disabling a trigger or row-level security, or adding a policy, is refused")
    func guards() throws {
        let h = try team()
        try refused(h, "sam.t", "ALTER TABLE casework.audit DISABLE TRIGGER ALL", "must be owner")
        try refused(h, "sam.t", "DROP TRIGGER audit_append_only ON casework.audit", "must be owner")
        try refused(h, "sam.t", "ALTER TABLE casework.case_file DISABLE ROW LEVEL SECURITY", "must be owner")
        try refused(h, "sam.t", "CREATE POLICY mine ON casework.case_file FOR SELECT USING (true)", "must be owner")
        try refused(h, "sam.t", "CREATE FUNCTION casework.x() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        try refused(h, "mia.manager", "ALTER TABLE casework.record_version DISABLE TRIGGER record_version_amend_only", "must be owner")
    }

    @Test("what a superuser changes behind the store's back is found: a flag, a version's text, a version added or taken away, an audit row")
    func superuserTampering() throws {
        let h = try team()
        let admin = try h.store(as: "cw.admin")
        #expect(try admin.check(by: "cw.admin").isHealthy)
        _ = try value(h, "postgres", "UPDATE casework.flag SET status = 'accepted' WHERE case_id = 'C-0002' AND rule = 'rationale-missing'")
        #expect(try admin.check(by: "cw.admin").staleFlags == ["C-0002"])
        _ = try value(h, "postgres", """
            SET session_replication_role = replica;
            UPDATE casework.record_version SET body = replace(body, 'Ask CAMHS', 'Tell CAMHS') WHERE case_id = 'C-0002' AND record_id = 'D1';
            """)
        #expect(try admin.check(by: "cw.admin").versions == ["C-0002/D1 v1 was changed after it was written"])
        // A version slipped in with no audit event, and one that was written taken away: both named, present ones first.
        _ = try value(h, "postgres", """
            SET session_replication_role = replica;
            INSERT INTO casework.record_version SELECT case_id, record_id, 2, kind, body, author, at, 'slipped in'
              FROM casework.record_version WHERE case_id = 'C-0002' AND record_id = 'D1' AND version = 1;
            DELETE FROM casework.record_version WHERE case_id = 'C-0002' AND record_id = 'D1' AND version = 1;
            """)
        #expect(try admin.check(by: "cw.admin").versions == [
            "C-0002/D1 v2 has no audit event: it was written behind the store's back", "C-0002/D1 v1 was written but is gone"])
        _ = try value(h, "postgres", """
            SET session_replication_role = replica; DELETE FROM casework.audit WHERE seq = (SELECT max(seq) - 1 FROM casework.audit);
            """)
        #expect(try admin.verifyAudit().problem?.contains("missing") == true)
    }

    @Test("a failed verification on the team store is remembered after the trail is put back, until a manager's incident note")
    func alarmRemembered() throws {
        let h = try team()
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t")
        _ = try value(h, "postgres", """
            SET session_replication_role = replica; CREATE TABLE public.saved AS SELECT * FROM casework.audit;
            UPDATE casework.audit SET user_name = 'someone.else' WHERE seq = 2;
            """)
        #expect(try mia.verifyAudit().problem == "event 2 was altered after it was written")
        _ = try value(h, "postgres", """
            SET session_replication_role = replica;
            UPDATE casework.audit a SET user_name = s.user_name FROM public.saved s WHERE a.seq = s.seq AND a.seq = 2; DROP TABLE public.saved;
            """)
        #expect(try mia.verifyAudit().problem?.hasPrefix("the audit trail failed verification on") == true, "put back, but remembered")
        #expect(try sam.auditAlarm()?.problem == "event 2 was altered after it was written", "everyone's status bar shows it")
        // A worker can neither answer the alarm nor raise a false one.
        try refused(h, "sam.t", "SELECT casework.record_incident('nothing to see', '{}')", "only a manager can record an incident note")
        try refused(h, "sam.t", "SELECT casework.raise_audit_alarm('fake')", "only a manager or an administrator can verify the audit trail")
        try refused(h, "sam.t", "UPDATE casework.audit_alarm SET answered_by = 1")
        #expect(throws: StoreError.self) { try sam.recordIncident(note: "nothing to see", by: "sam.t") }
        let incident = try mia.recordIncident(note: "A DBA's script edited event 2 and put it back; IT told", by: h.manager)
        #expect(incident.breaks.isEmpty && incident.by == h.manager)
        #expect(try sam.auditAlarm() == nil)
        #expect(try mia.verifyAudit().isIntact)
        // A break answered by a note is passed over; a later one is still found.
        _ = try value(h, "postgres", "SET session_replication_role = replica; UPDATE casework.audit SET user_name = 'x' WHERE seq = 3")
        #expect(try mia.recordIncident(note: "Event 3 edited; restored from backup later", by: h.manager).breaks == [3])
        let after = try mia.verifyAudit()
        #expect(after.isIntact && after.acknowledged == [3], "\(after)")
        _ = try value(h, "postgres", "SET session_replication_role = replica; UPDATE casework.audit SET user_name = 'x' WHERE seq = 1")
        #expect(try mia.verifyAudit().problem == "event 1 was altered after it was written")
    }

    @Test("who acts is the database's session user, whatever the client claims")
    func identity() throws {
        let h = try team()
        let sam = try h.store(as: "sam.t")
        #expect(try sam.identity(claimed: "mia.manager") == "sam.t")
        do {
            _ = try sam.review(ReviewRequest(caseId: "C-0002", action: .accepted, recordId: "X1", rule: "insecure-method", note: "ok"),
                               by: "mia.manager")
            Issue.record("a worker claiming to be a manager reviewed")
        } catch {
            #expect(String(describing: error).hasPrefix("only a manager can"), "\(error)")
        }
        #expect(throws: StoreError.self) { try sam.addUser(User(name: "eve.x", role: .admin), by: "cw.admin") }
        #expect(try value(h, "olu.w", "SELECT session_user") == "olu.w")
    }
}
