import CaseworkCore
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

@Suite("Flags kept in the store")
struct FlagIndexTests {
    static let day = Day("2026-03-10")!

    func open(_ t: TempStore, _ q: FlagQuery? = nil, by: String = "mia.manager") throws -> Set<String> {
        Set(try t.store.flags(q ?? FlagQuery(on: Self.day), by: by).map { "\($0.flag.rule)@\($0.flag.recordId)" })
    }

    @Test("importing the examples stores exactly their flags")
    func examples() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps"), try t.example("recorded-well")], replace: false, by: "mia.manager")
        let flags = try open(t)
        #expect(flags.count == 13)
        #expect(flags.contains("rationale-missing@D1") && flags.contains("recipient-identity-unchecked@X2"))
    }

    @Test("an amendment clears its flag in the same transaction")
    func clearedOnWrite() throws {
        let t = try TempStore()
        let c = try t.example("gaps")
        _ = try t.store.importCases([c], replace: false, by: "mia.manager")
        var d = c.decisions[0]
        d.rationale = "CAMHS consultation; the father's consent covers the school nurse only, so limited to facts."
        _ = try t.store.amend(.decision(d), inCase: c.id, reason: "rationale written", by: "mia.manager")
        #expect(!(try open(t)).contains("rationale-missing@D1"))
        #expect(try open(t).count == 12)
    }

    @Test("an upgrade to newer rules recomputes stored flags on open: a basis kept for older rules gives way to the installed one")
    func upgradeRecomputes() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        // As a version 1 store held it: no rules version, older words, and flags computed under them.
        var old = try #require(FlagBasis.decode(try t.raw().read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'flagBasis'") }!))
        old.rulesVersion = nil
        old.rules = old.rules.map { var r = $0; r.message = "Old words for {record}."; return r }
        try t.raw().write { db in
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'flagBasis'", arguments: [old.text.replacingOccurrences(of: ",\"rulesVersion\":null", with: "")])
            try db.execute(sql: "UPDATE meta SET value = 'computed under version 1' WHERE key = 'flagsFingerprint'")
            try db.execute(sql: "UPDATE flag SET message = 'Old words.'")
        }
        #expect(FlagBasis.decode(old.text)?.predatesRules == true)
        let reopened = try SQLiteCaseStore(t.location, settings: Fixtures.settings, create: false, clock: { Date(timeIntervalSince1970: 1_773_100_800) })
        let flags = try reopened.flags(FlagQuery(on: Self.day), by: "mia.manager")
        #expect(!flags.isEmpty && flags.allSatisfy { !$0.flag.message.hasPrefix("Old words") }, "recomputed with the installed rules' words")
        #expect(Set(flags.map { "\($0.flag.rule)@\($0.flag.recordId)" }).contains("decision-incomplete@D2"))
        // A basis kept for the running rules is the store's own, and stays.
        #expect(FlagBasis.decode(Fixtures.settings.basis.text)?.predatesRules == false)
    }

    @Test("a time-based flag appears on a later day with no write at all")
    func timeBased() throws {
        let t = try TempStore()
        var c = try t.example("recorded-well")
        c.concerns.append(Concern(id: "K2", recorded: Timestamp("2026-03-01T16:00:00Z")!, summary: "Bruising",
                                  category: .abuse, riskLevel: .suspected, childProtection: true))
        _ = try t.store.importCases([c], replace: false, by: "mia.manager")
        let audit = try t.raw().read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit") }
        // Recorded at 16:00 UTC on 1 March: with the default of 0 days it falls due the next day (policy days + 1).
        #expect(try open(t, FlagQuery(on: Day("2026-03-01")!)).isEmpty)
        #expect(try open(t, FlagQuery(on: Day("2026-03-02")!)) == ["concern-undecided@K2"])
        #expect(try t.raw().read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit") } == audit)
    }

    @Test("filters: case, severity, rule, worker; worst first")
    func filters() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        let all = try t.store.flags(FlagQuery(on: Self.day), by: "mia.manager")
        #expect(all.map(\.flag.severity) == all.map(\.flag.severity).sorted())
        #expect(try open(t, FlagQuery(severities: [.advice], on: Self.day)) == ["fact-opinion-unmarked@X1"])
        #expect(try open(t, FlagQuery(rule: "insecure-method", on: Self.day)) == ["insecure-method@X1"])
        #expect(try open(t, FlagQuery(worker: "ahmed.k", on: Self.day)).isEmpty)
        #expect(try open(t, FlagQuery(caseId: "C-0002", on: Self.day)).count == 13)
        #expect(try t.store.flags(FlagQuery(on: Self.day, limit: 2), by: "mia.manager").count == 2)
    }

    @Test("a worker sees flags on their own cases only")
    func visibility() throws {
        let t = try TempStore()
        try t.store.addUser(User(name: "ahmed.k", role: .worker), by: "mia.manager")
        _ = try t.store.importCases([try t.example("gaps"), try t.example("recorded-well")], replace: false, by: "mia.manager")
        #expect(try open(t, by: "ahmed.k").isEmpty)
        try t.store.addUser(User(name: "sam.t", role: .worker), by: "mia.manager")
        #expect(try open(t, by: "sam.t").count == 13)
    }

    @Test("accepted flags leave the open list and show with --all beside their review")
    func accepted() throws {
        let t = try TempStore()
        let c = try t.example("gaps")
        _ = try t.store.importCases([c], replace: false, by: "mia.manager")
        _ = try t.store.review(ReviewRequest(caseId: c.id, action: .accepted, recordId: "X1", rule: "insecure-method",
                                             note: "Recipient confirmed deletion"), by: "mia.manager")
        #expect(!(try open(t)).contains("insecure-method@X1"))
        let all = try t.store.flags(FlagQuery(rule: "insecure-method", on: Self.day, includeAccepted: true), by: "mia.manager")
        #expect(all.map(\.flag.status) == [.accepted] && all[0].flag.reviewId == "R1")
    }

    @Test("a manager's stored policy changes severities and switches rules off; flags are recomputed")
    func storedPolicy() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        _ = try t.store.setPolicy(Data(#"{"rules": {"fact-opinion-unmarked": {"enabled": false}, "insecure-method": {"severity": "missing"}}}"#.utf8), by: "mia.manager")
        let flags = try t.store.flags(FlagQuery(on: Self.day), by: "mia.manager")
        #expect(!flags.contains { $0.flag.rule == "fact-opinion-unmarked" })
        #expect(flags.first { $0.flag.rule == "insecure-method" }?.flag.severity == .missing)
        // A fresh process opening the store uses the stored policy too.
        let again = try SQLiteCaseStore(t.location, settings: Fixtures.settings)
        #expect(try again.policy().rules["insecure-method"]?.severity == .missing)
    }

    @Test("a worker cannot set the policy; an invalid policy is refused and changes nothing")
    func policyRefusals() throws {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker), by: "mia.manager")
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        let before = try t.fingerprint()
        #expect(throws: StoreError.forbidden("only a manager can set the organisation's policy (you are a worker)")) {
            try t.store.setPolicy(Data("{}".utf8), by: "sam.t")
        }
        do {
            _ = try t.store.setPolicy(Data(#"{"rules": {"made-up": {"enabled": false}}}"#.utf8), by: "mia.manager")
            Issue.record("accepted an unknown rule")
        } catch {
            #expect(error.description == "the policy file is invalid: rules.made-up: unknown rule; nothing changed")
        }
        #expect(try t.fingerprint() == before)
        #expect(throws: StoreError.self) { try t.store.recomputeFlags(by: "sam.t") }
    }

    @Test("a new store records what its flags were computed with, so opening it again recomputes nothing")
    func fingerprintAtInit() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        try t.raw().write { try $0.execute(sql: "DELETE FROM flag WHERE rule = 'insecure-method'") }
        let reopened = try SQLiteCaseStore(t.location, settings: Fixtures.settings)
        // Had it recomputed on opening, the deleted flag would be back.
        #expect(!(try reopened.flags(FlagQuery(on: Self.day), by: "mia.manager")).contains { $0.flag.rule == "insecure-method" })
    }

    @Test("recompute rebuilds flags lost behind the program's back, and keeps when each was first raised")
    func recompute() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        let before = try t.store.flags(FlagQuery(on: Self.day), by: "mia.manager")
        _ = try t.store.recomputeFlags(by: "mia.manager")
        #expect(try t.store.flags(FlagQuery(on: Self.day), by: "mia.manager") == before)
        try t.raw().write { try $0.execute(sql: "DELETE FROM flag") }
        #expect(try t.store.recomputeFlags(by: "mia.manager").cases == 1)
        #expect(try t.store.flags(FlagQuery(on: Self.day), by: "mia.manager").count == 13)
    }

    @Test("a recompute racing a writer leaves every case's stored flags equal to its rules' answer, and changes only what differs",
          arguments: [nil, 7])
    func recomputeWhileWriting(batch: Int?) async throws {
        let t = try TempStore()
        var g = DemoGenerator(seed: 11)
        let cases = (1...300).map { g.makeCase($0, workers: ["mia.manager"], teams: ["North"]) }
        _ = try t.store.importCases(cases, replace: false, by: "mia.manager")
        #expect(try t.store.recomputeFlags(by: "mia.manager").changed == 0)
        let store = t.store
        let writer = Task.detached {
            for (i, c) in cases.enumerated() where i % 7 == 0 {
                let note = CaseNote(id: "N-race", at: Timestamp("2026-03-09T10:00:00Z")!, by: "mia.manager", kind: .other, text: "x")
                try store.add(.note(note), toCase: c.id, by: "mia.manager")
                if let d = c.decisions.first {
                    var amended = d
                    amended.rationale = i % 2 == 0 ? nil : "Shared to protect the child from harm."
                    _ = try? store.amend(.decision(amended), inCase: c.id, reason: "race test", by: "mia.manager")
                }
            }
        }
        if let batch {
            // Many small batches, each core taking the next as it finishes one, the writer between them;
            // flags deleted behind the program's back are rebuilt.
            try await t.raw().write { try $0.execute(sql: "DELETE FROM flag WHERE rowid % 3 = 0") }
            #expect(try t.store.recomputeAll(batch: batch).batches == (cases.count + batch - 1) / batch)
        } else {
            _ = try t.store.setPolicy(Data(#"{"rules": {"insecure-method": {"severity": "missing"}}}"#.utf8), by: "mia.manager")
        }
        try await writer.value
        let engine = t.store.engine
        for c in cases {
            let stored = try t.store.flags(FlagQuery(caseId: c.id, on: Self.day, includeAccepted: true), by: "mia.manager").map(\.flag)
            let now = try t.store.exportCase(c.id, by: "mia.manager")
            let expected = engine.flags(for: now, manual: []).filter { $0.dueFrom.map { $0 <= Self.day } ?? true }
            #expect(Set(stored.map { "\($0.rule) \($0.recordId) \($0.severity)" })
                    == Set(expected.map { "\($0.rule) \($0.recordId) \($0.severity)" }), "\(c.id)")
        }
    }

    @Test("the recompute reads each case as the rules see it: whole but for its notes, text that is not UTF-8 repaired as before, a case it cannot read left to the write lock, and `casework check` still names a case whose note cannot be read")
    func recomputeReader() throws {
        let t = try TempStore()
        var g = DemoGenerator(seed: 5)
        let cases = (1...120).map { g.makeCase($0, workers: ["mia.manager"], teams: ["North"]) }
        _ = try t.store.importCases(cases, replace: false, by: "mia.manager")
        let ids = cases.map(\.id)
        let engine = t.store.engine
        var read = try t.raw().read { db in try SQLiteCaseStore.casesForRules(db, ids) }
        #expect(read.count == cases.count)
        #expect(cases.contains { !$0.notes.isEmpty }, "the generated cases have notes to leave out")
        for c in cases {
            var whole = try t.store.exportCase(c.id, by: "mia.manager")
            #expect(engine.flags(for: whole) == engine.flags(for: try #require(read[c.id])), "\(c.id)")
            whole.notes = []
            #expect(read[c.id] == whole, "\(c.id)")
        }
        // A byte that is not UTF-8 inside a title, written behind the program's back: read as a
        // `String` of the whole body would read it (U+FFFD), not refused.
        let (first, second, third) = (ids[0], ids[1], ids[2])
        try t.raw().write { db in
            try db.execute(sql: """
                UPDATE record SET body = replace(body, '"title":"', '"title":"' || CAST(X'FF' AS TEXT)) WHERE caseId = ? AND kind = 'case'
                """, arguments: [first])
            try db.execute(sql: "UPDATE record SET body = '{' WHERE caseId = ? AND kind = 'disclosure'", arguments: [second])
            try db.execute(sql: "UPDATE record SET kind = 'unknown' WHERE caseId = ? AND kind = 'case'", arguments: [third])
        }
        read = try t.raw().read { db in try SQLiteCaseStore.casesForRules(db, [first, second, third]) }
        let body = try t.raw().read { db in
            try #require(try String.fetchOne(db, sql: "SELECT body FROM record WHERE caseId = ? AND kind = 'case'", arguments: [first]))
        }
        guard case .header(let header) = try CaseRecord.decode(kind: .case, body: body) else { Issue.record("not a header"); return }
        #expect(header.title.hasPrefix("\u{FFFD}") && read[first]?.title == header.title)
        #expect(read[second] == nil && read[third] == nil, "a case with a record it cannot read, or without a header, is not guessed at")
        // A note that cannot be read does not stop the rules (they read no notes); `casework check`, which reads
        // every record, still names its case.
        let noted = try #require(cases.dropFirst(3).first { !$0.notes.isEmpty }?.id)
        try t.raw().write { try $0.execute(sql: "UPDATE record SET body = '{' WHERE caseId = ? AND kind = 'note'", arguments: [noted]) }
        #expect(try t.raw().read { db in try SQLiteCaseStore.casesForRules(db, [noted]) }[noted] != nil)
        #expect(try t.raw().read { db in try SQLiteCaseStore.casesForRules(db, [noted], readingNotes: true) }[noted] == nil)
        #expect(try t.store.check(by: "mia.manager").staleFlags.contains(noted))
    }

    @Test("a store opened before a manager changes the policy writes flags under the new policy")
    func policyChangedElsewhere() throws {
        let t = try TempStore()
        _ = try t.store.importCases([try t.example("gaps")], replace: false, by: "mia.manager")
        let elsewhere = try SQLiteCaseStore(t.location, settings: Fixtures.settings)
        _ = try elsewhere.setPolicy(Data(#"{"rules": {"insecure-method": {"severity": "missing"}}}"#.utf8), by: "mia.manager")
        // This instance still holds the old policy in memory; its next write to the case takes up the stored one.
        let note = CaseNote(id: "N-late", at: Timestamp("2026-03-09T10:00:00Z")!, by: "mia.manager", kind: .other, text: "x")
        try t.store.add(.note(note), toCase: "C-0002", by: "mia.manager")
        let flags = try t.store.flags(FlagQuery(caseId: "C-0002", on: Self.day), by: "mia.manager")
        #expect(flags.first { $0.flag.rule == "insecure-method" }?.flag.severity == .missing)
        #expect(try t.store.policy().rules["insecure-method"]?.severity == .missing)
    }
}

extension Review {
    var asRecord: CaseRecord { .review(self) }
}
