import CaseworkCore
@testable import CaseworkStore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing

/// What every store must do, whichever back end: the single-user SQLite file
/// and the team's PostgreSQL database run the same tests. On the team store
/// each user acts through their own authenticated connection.
@Suite("The store's contract, on both back ends")
struct ContractTests {
    static let day = Day("2026-03-10")!

    /// mia.manager sees every case; sam.t owns C-0002 (gaps) and ahmed.k C-0001 (recorded-well), both in
    /// Early Help North; olu.w is a worker in another team.
    func team(_ backend: Backend) throws -> StoreHarness {
        let h = try StoreHarness(backend, settings: Fixtures.settings)
        try h.addUser("sam.t", role: .worker, teams: ["Early Help North"])
        try h.addUser("ahmed.k", role: .worker, teams: ["Early Help North"])
        try h.addUser("olu.w", role: .worker, teams: ["Schools Team"])
        _ = try h.store(as: "sam.t").importCases([try example("gaps")], replace: false, by: "sam.t")
        _ = try h.store(as: "ahmed.k").importCases([try example("recorded-well")], replace: false, by: "ahmed.k")
        return h
    }

    func example(_ name: String) throws -> Case { try CaseFileCodec.decode(Repository.caseFile(name)) }

    /// The flags the rules give for a case on the test day, as (rule, record) pairs.
    func expected(_ c: Case) -> Set<String> {
        Set(FlagEngine(policy: Fixtures.settings.defaultPolicy, guidance: Fixtures.settings.guidance)
            .flags(for: c, on: Self.day).map { "\($0.rule) \($0.recordId)" })
    }

    func stored(_ h: StoreHarness, _ caseId: String, as user: String) throws -> Set<String> {
        Set(try h.store(as: user).flags(FlagQuery(caseId: caseId, on: Self.day), by: user).map { "\($0.flag.rule) \($0.flag.recordId)" })
    }

    @Test("a case goes in and comes out the same, and its export reads back byte for byte", arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t")
        let back = try sam.exportCase("C-0002", by: "sam.t")
        #expect(back == (try example("gaps")))
        #expect(CaseFileCodec.encode(back) == CaseFileCodec.encode(try example("gaps")))
        #expect(try sam.cases(visibleTo: "sam.t").map(\.id) == ["C-0002"])
        #expect(try h.store(as: h.manager).cases(visibleTo: h.manager).map(\.id) == ["C-0001", "C-0002"])
    }

    @Test("a version 2 case (the spec's examples) goes in and comes out the same, every version 2 answer kept, on both stores", arguments: Backend.allCases)
    func version2RoundTrip(_ backend: Backend) throws {
        let h = try StoreHarness(backend, settings: Fixtures.settings)
        let manager = try h.store(as: h.manager)
        for name in ["recorded-well", "gaps"] {
            var c = try CaseFileCodec.decode(Data(contentsOf: Repository.fixtures.appendingPathComponent("cases-v2/\(name).json")))
            c.id = name == "gaps" ? "C-0902" : "C-0901"
            // The answers version 2 added, all given, so a store that dropped one would show.
            c.careOrder = true
            c.careOrderFrom = Day("2025-06-01")
            c.decisions[0].proposedRecipient = Party(name: "Ms Example", role: "Housing officer", agency: "Housing")
            c.decisions[0].requesterTold = true
            c.decisions[0].statutoryGateway = .ca2004s11
            c.decisions[0].necessaryAndProportionate = true
            if !c.consents.isEmpty {
                c.consents[0].statusChangedAt = Timestamp("2026-03-01T09:00:00Z")
                c.consents[0].capacity = CapacityAssessment(decision: "sharing with CAMHS", lacksCapacity: false, assessedBy: "sam.t",
                                                            assessedAt: Timestamp("2026-02-01T10:00:00Z")!, actingAs: .bestInterests)
            }
            c.disclosures[0].reasonExplainedToRecipient = true
            _ = try manager.importCases([c], replace: false, by: h.manager)
            let back = try manager.exportCase(c.id, by: h.manager)
            #expect(back == c, "\(name)")
            #expect(CaseFileCodec.encode(back) == CaseFileCodec.encode(c))
        }
    }

    @Test("records are amend-only: a new version with who and why, the old one kept; no reason, no change, no removal", arguments: Backend.allCases)
    func amendOnly(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t")
        var d1 = try #require(try sam.viewCase("C-0002", by: "sam.t").decisions.first { $0.id == "D1" })
        d1.rationale = "CAMHS advice needed; Alex agreed; parents told."
        #expect(try sam.amend(.decision(d1), inCase: "C-0002", reason: "rationale written after supervision", by: "sam.t") == 2)
        let versions = try sam.history(caseId: "C-0002", recordId: "D1", by: "sam.t")
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions.map(\.author) == ["sam.t", "sam.t"])
        #expect(versions.last?.reason == "rationale written after supervision")
        if case .decision(let first) = versions[0].record { #expect(first.rationale == "   ") } else { Issue.record("version 1 is not a decision") }

        let before = try h.store(as: h.manager).exportCase("C-0002", by: h.manager)
        #expect(throws: StoreError.invalid("an amendment needs a reason")) {
            try sam.amend(.decision(d1), inCase: "C-0002", reason: "  ", by: "sam.t")
        }
        #expect(throws: StoreError.self) { try sam.amend(.decision(d1), inCase: "C-0002", reason: "again", by: "sam.t") }
        #expect(throws: StoreError.recordExists(caseId: "C-0002", recordId: "D1")) { try sam.add(.decision(d1), toCase: "C-0002", by: "sam.t") }
        var shorter = try example("gaps")
        shorter.notes.removeAll()
        shorter.decisions.removeLast()
        #expect(throws: StoreError.self) { try sam.importCases([shorter], replace: true, by: "sam.t") }
        #expect(try h.store(as: h.manager).exportCase("C-0002", by: h.manager) == before)
    }

    @Test("the stored flags are exactly the rules' flags, kept current by every write", arguments: Backend.allCases)
    func flagsFollowWrites(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t")
        let c = try sam.viewCase("C-0002", by: "sam.t")
        #expect(try stored(h, "C-0002", as: "sam.t") == expected(c))
        #expect(try stored(h, "C-0002", as: "sam.t").contains("rationale-missing D1"))
        #expect(try stored(h, "C-0001", as: h.manager).isEmpty)
        var d1 = try #require(c.decisions.first { $0.id == "D1" })
        d1.rationale = "CAMHS advice needed; Alex agreed."
        try sam.save([.amend(.decision(d1), reason: "rationale written")], inCase: "C-0002", by: "sam.t")
        let after = try sam.viewCase("C-0002", by: "sam.t")
        #expect(try stored(h, "C-0002", as: "sam.t") == expected(after))
        #expect(!(try stored(h, "C-0002", as: "sam.t")).contains("rationale-missing D1"))
        // A recompute by a manager finds nothing to change; a worker may not run one.
        let r = try h.store(as: h.manager).recomputeFlags(by: h.manager)
        #expect(r.cases == 2 && r.changed == 0)
        #expect(throws: StoreError.self) { try sam.recomputeFlags(by: "sam.t") }
        #expect(try h.store(as: h.manager).check(by: h.manager).isHealthy)
    }

    @Test("a team-store recompute on three sessions, three cases a batch, rebuilds the flags taken away behind its back and changes nothing else")
    func teamRecomputeSessions() throws {
        let h = try team(.postgres)
        var g = DemoGenerator(seed: 5)
        _ = try h.store(as: "sam.t").importCases((1...20).map { g.makeCase(800 + $0, workers: ["sam.t"], teams: ["Early Help North"]) },
                                                 replace: false, by: "sam.t")
        let mia = try #require(try h.store(as: h.manager) as? PostgresCaseStore)
        let ids = try mia.cases(visibleTo: h.manager).map(\.id)
        let before = try ids.map { try stored(h, $0, as: h.manager) }
        let taken = zip(ids, before).filter { !$0.1.isEmpty }.map(\.0).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        #expect(taken.count >= 3 && ids.count == 22, "\(ids) \(before.map(\.count))")
        let (status, output) = try TeamServer.psql(h.place, user: "postgres", """
            DELETE FROM casework.flag WHERE case_id IN (\(taken.map { "'\($0)'" }.joined(separator: ", ")))
            """)
        #expect(status == 0, "\(output)")
        #expect(try taken.allSatisfy { try stored(h, $0, as: h.manager).isEmpty })
        let r = try mia.recomputeAll(batch: 3, sessions: 3)
        #expect(r.cases == 22 && r.batches == 8 && r.changed == taken.count, "\(r)")
        #expect(try ids.map { try stored(h, $0, as: h.manager) } == before)
        #expect(try mia.recomputeAll(batch: 3, sessions: 3).changed == 0)
        #expect(try mia.check(by: h.manager).isHealthy)
        // A server with no connection to spare for the manager: the recompute does it all on the session it has.
        // The limit is this test's database's (the connections open to it but psql's own): a role's limit
        // holds in every database of the cluster, where other tests run as the same manager at once.
        let limit = try TeamServer.psql(h.place, user: "postgres", """
            DELETE FROM casework.flag WHERE case_id = '\(taken[0])';
            DO $$ BEGIN EXECUTE format('ALTER DATABASE %I CONNECTION LIMIT %s', current_database(),
              (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid())); END $$;
            """)
        #expect(limit.status == 0, "\(limit.output)")
        #expect(throws: StoreError.self, "the limit holds") { _ = try PostgresCaseStore(address: mia.address, settings: Fixtures.settings) }
        let alone = try mia.recomputeAll(batch: 3, sessions: 3)
        #expect(alone.changed == 1 && alone.batches == 8, "\(alone)")
        _ = try TeamServer.psql(h.place, user: "postgres", "ALTER DATABASE \"\(h.place)\" CONNECTION LIMIT -1")
        #expect(try ids.map { try stored(h, $0, as: h.manager) } == before)
    }

    @Test("every write and every reading of a case is in an intact audit trail", arguments: Backend.allCases)
    func audit(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager)
        let before = try mia.verifyAudit()
        #expect(before.isIntact)
        _ = try h.store(as: "sam.t").viewCase("C-0002", by: "sam.t")
        _ = try h.store(as: "sam.t").history(caseId: "C-0002", recordId: "D1", by: "sam.t")
        let after = try mia.verifyAudit()
        #expect(after.isIntact)
        #expect(after.events >= before.events + (backend == .postgres ? 2 : 1), "a view (and on the team store a history) adds events")
    }

    @Test("a manager returns and accepts; the worker sees the return; a worker cannot review", arguments: Backend.allCases)
    func reviews(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t")
        let returned = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "D1", rule: "rationale-missing",
                                                    note: "Write why you shared"), by: h.manager)
        #expect(returned.action == .returned && returned.by == h.manager)
        let mine = try sam.flags(FlagQuery(on: Self.day, returnedOnly: true), by: "sam.t")
        #expect(mine.map(\.flag.recordId) == ["D1"])
        #expect(mine.first?.returned?.note == "Write why you shared")
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .accepted, recordId: "X1", rule: "insecure-method",
                                         note: "Recipient confirmed deletion"), by: h.manager)
        #expect(!(try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager)).contains { $0.flag.rule == "insecure-method" })
        do {
            _ = try sam.review(ReviewRequest(caseId: "C-0002", action: .accepted, recordId: "X2", rule: "lawful-basis-missing", note: "ok"),
                               by: "sam.t")
            Issue.record("a worker reviewed")
        } catch {
            #expect(error.description.hasPrefix("only a manager can"), "\(error)")
        }
        #expect(throws: StoreError.self) { try sam.reviewQueue(FlagQuery(on: Self.day), by: "sam.t") }
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("a record with no flag is returned with a note in one write: the practitioner sees it with the note, and a refused return changes nothing (issue 15, item 9)",
          arguments: Backend.allCases)
    func returnWithoutFlag(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t")
        let unflagged = try example("gaps").records.map(\.id).first { id in
            !(try stored(h, "C-0002", as: "sam.t")).contains { $0.hasSuffix(" \(id)") } && id != "C-0002"
        }
        guard let record = unflagged else { Issue.record("gaps has no record without a flag"); return }
        let r = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: record, note: "Say who was present"), by: h.manager)
        #expect(r.target == ReviewTarget(rule: "manual", record: record))
        let mine = try sam.flags(FlagQuery(on: Self.day, returnedOnly: true), by: "sam.t")
        #expect(mine.map(\.flag.recordId) == [record])
        #expect(mine.first?.returned?.note == "Say who was present")
        #expect(mine.first?.flag.message == "Raised by \(h.manager): Say who was present")
        // A return of a record the case does not have is refused, and raises nothing.
        let before = try mia.exportCase("C-0002", by: h.manager)
        #expect(throws: StoreError.self) {
            try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "N99", note: "x"), by: h.manager)
        }
        #expect(try mia.exportCase("C-0002", by: h.manager) == before)
        #expect(try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager).filter { $0.flag.rule == "manual" }.map(\.flag.recordId) == [record])
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("a returned item opened by its practitioner is marked read once, in the audit trail, and the manager's queue says when; no one else marks it (issue 15, item 6)",
          arguments: Backend.allCases)
    func returnedRead(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t"), ahmed = try h.store(as: "ahmed.k"), olu = try h.store(as: "olu.w")
        let r = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "D1", rule: "rationale-missing",
                                             note: "Write why you shared"), by: h.manager)
        func queued() throws -> FlagEntry? {
            try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager).first { $0.flag.returnedIn == r.id }
        }
        #expect(try queued()?.returnedRead == nil)
        // Neither the manager, a colleague in the team, nor someone who may not see the case marks it read.
        try mia.markReturnedRead(caseId: "C-0002", reviewId: r.id, by: h.manager)
        #expect(throws: StoreError.caseNotFound("C-0002")) { try olu.markReturnedRead(caseId: "C-0002", reviewId: r.id, by: "olu.w") }
        _ = try? ahmed.markReturnedRead(caseId: "C-0002", reviewId: r.id, by: "ahmed.k")
        // Nor does a review id that returned nothing.
        try sam.markReturnedRead(caseId: "C-0002", reviewId: "R99", by: "sam.t")
        #expect(try queued()?.returnedRead == nil)
        try sam.markReturnedRead(caseId: "C-0002", reviewId: r.id, by: "sam.t")
        let read = try #require(try queued()?.returnedRead)
        #expect(try sam.flags(FlagQuery(on: Self.day, returnedOnly: true), by: "sam.t").first?.returnedRead == read)
        try sam.markReturnedRead(caseId: "C-0002", reviewId: r.id, by: "sam.t")
        let events = try mia.caseAccess("C-0002", by: h.manager).filter { $0.action == "returned-read" }
        #expect(events.count == 1 && events.first?.user == "sam.t" && events.first?.recordId == r.id)
        #expect(events.first?.words == "read the returned note \(r.id)")
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("the queue's lines are its entries' lines, whatever the filter or page, a returned item's review and when it was read included; a worker is refused them",
          arguments: Backend.allCases)
    func queueLines(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t")
        let r = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "D1", rule: "rationale-missing",
                                             note: "Write why you shared"), by: h.manager)
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "X1", rule: "insecure-method",
                                         note: "How was it sent?"), by: h.manager)
        try sam.markReturnedRead(caseId: "C-0002", reviewId: r.id, by: "sam.t")
        let whole = try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager)
        #expect(whole.count > 4 && whole.contains { $0.returnedRead != nil } && whole.contains { $0.flag.returnedIn != nil && $0.returnedRead == nil })
        var later = FlagQuery(on: Self.day, limit: 3)
        later.after = FlagQuery.Position(whole[1])
        let queries = [FlagQuery(on: Self.day), FlagQuery(severities: [.check], on: Self.day), FlagQuery(worker: "sam.t", on: Self.day),
                       FlagQuery(rule: "rationale-missing", on: Self.day), FlagQuery(caseId: "C-0001", on: Self.day),
                       FlagQuery(on: Self.day, returnedOnly: true), FlagQuery(on: Self.day, limit: 2, offset: 1), later,
                       FlagQuery(severities: [.advice], on: Self.day)]
        for q in queries {
            let entries = try mia.reviewQueue(q, by: h.manager)
            #expect(try mia.reviewQueueLines(q, by: h.manager) == entries.map(QueueLine.init), "\(q)")
        }
        #expect(throws: StoreError.self) { try sam.reviewQueueLines(FlagQuery(on: Self.day), by: "sam.t") }
        // The whole queue a batch at a time (the team store through one cursor): the same lines, in order, none twice.
        for (q, batch) in [(FlagQuery(on: Self.day), 3), (FlagQuery(on: Self.day), whole.count), (FlagQuery(on: Self.day), 1000),
                           (FlagQuery(worker: "sam.t", on: Self.day, limit: 1, offset: 2), 2), (FlagQuery(rule: "no-such-rule", on: Self.day), 3)] {
            var lines: [QueueLine] = [], sizes: [Int] = []
            try mia.eachQueueLines(q, batch: batch, by: h.manager) { lines += $0; sizes.append($0.count) }
            var all = q
            all.limit = nil
            all.offset = 0
            #expect(lines == (try mia.reviewQueue(all, by: h.manager)).map(QueueLine.init), "\(q), batches of \(batch)")
            #expect(sizes.allSatisfy { $0 <= batch } && sizes.dropLast().allSatisfy { $0 == batch }, "\(sizes)")
        }
        #expect(throws: StoreError.self) { try sam.eachQueueLines(FlagQuery(on: Self.day), batch: 3, by: "sam.t") { _ in } }
        try h.addUser("lee.m", role: .manager, teams: ["Schools Team"])
        var theirs: [QueueLine] = []
        try h.store(as: "lee.m").eachQueueLines(FlagQuery(on: Self.day), batch: 2, by: "lee.m") { theirs += $0 }
        #expect(theirs.isEmpty, "a manager of another team is shown none of these: \(theirs.count)")
    }

    @Test("a whole list of flags or of the review queue read in batches is the list read at once, escalations and returns included, as each user may see it",
          arguments: Backend.allCases)
    func wholeListsInBatches(_ backend: Backend) throws {
        let h = try team(backend)
        try h.addUser("lee.m", role: .manager, teams: ["Schools Team"])
        let mia = try h.store(as: h.manager)
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "D1", rule: "rationale-missing",
                                         note: "Write why you shared"), by: h.manager)
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .escalated, recordId: "X2", rule: "lawful-basis-missing",
                                         note: "No lawful basis recorded", escalateTo: .caldicottGuardian), by: h.manager)
        for (user, list) in [(h.manager, FlagList.reviewQueue), (h.manager, .flags), ("sam.t", .flags), ("olu.w", .flags), ("lee.m", .reviewQueue)] {
            let s = try h.store(as: user)
            for q in [FlagQuery(on: Self.day), FlagQuery(severities: [.check], on: Self.day, limit: 1), FlagQuery(on: Self.day, includeAccepted: true)] {
                var all = q
                all.limit = nil
                let whole = list == .flags ? try s.flags(all, by: user) : try s.reviewQueue(all, by: user)
                for batch in [2, max(1, whole.count), 1000] {
                    var read: [FlagEntry] = []
                    try s.eachFlagEntry(list, q, batch: batch, by: user) { read += $0 }
                    #expect(read == whole, "\(user) \(list) \(q) in batches of \(batch): \(read.count) of \(whole.count)")
                }
            }
        }
        let queue = try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager)
        #expect(queue.contains { $0.escalated != nil } && queue.contains { $0.returned != nil })
        #expect(throws: StoreError.self) { try h.store(as: "sam.t").eachFlagEntry(.reviewQueue, FlagQuery(on: Self.day), batch: 2, by: "sam.t") { _ in } }
    }

    @Test("records added or amended by others since a manager's last review of a case are named; a new review clears them; no one else learns anything (issue 15, item 11)",
          arguments: Backend.allCases)
    func changedSinceReview(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t"), olu = try h.store(as: "olu.w")
        #expect(try mia.changedSinceReview(["C-0002"], by: h.manager).isEmpty, "never reviewed: nothing to compare with")
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "D1", rule: "rationale-missing",
                                         note: "Write why you shared"), by: h.manager)
        #expect(try mia.changedSinceReview(["C-0002", "C-0001"], by: h.manager).isEmpty)
        var d1 = try #require(try sam.viewCase("C-0002", by: "sam.t").decisions.first { $0.id == "D1" })
        d1.rationale = "CAMHS advice needed; Alex agreed; parents told."
        _ = try sam.amend(.decision(d1), inCase: "C-0002", reason: "rationale written after the return", by: "sam.t")
        try sam.add(.note(CaseNote(id: "N9", at: Timestamp("2026-03-10T10:00:00Z")!, by: "sam.t", kind: .observation, text: "Home visit")),
                    toCase: "C-0002", by: "sam.t")
        #expect(try mia.changedSinceReview(["C-0002", "C-0001"], by: h.manager) == ["C-0002": ["D1", "N9"]])
        #expect(try sam.changedSinceReview(["C-0002"], by: "sam.t").isEmpty, "the practitioner reviewed nothing")
        #expect(try olu.changedSinceReview(["C-0002"], by: "olu.w").isEmpty)
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .accepted, recordId: "X1", rule: "insecure-method",
                                         note: "Recipient confirmed deletion"), by: h.manager)
        #expect(try mia.changedSinceReview(["C-0002"], by: h.manager).isEmpty, "the new review is the new mark")
    }

    @Test("a store says when someone else wrote to it, and not for its own writes (issue 15, item 10)", arguments: Backend.allCases)
    func othersWrote(_ backend: Backend) throws {
        let h = try team(backend)
        // Two open workbooks: each its own connection to the store.
        let watching = try h.store(as: "sam.t", with: Fixtures.settings), writing = try h.store(as: h.manager, with: Fixtures.settings)
        #expect(try watching.othersWrote() == false, "the first call starts watching")
        #expect(try watching.othersWrote() == false)
        _ = try writing.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "D1", rule: "rationale-missing",
                                             note: "Write why you shared"), by: h.manager)
        var seen = false
        for _ in 0..<50 where !seen {
            seen = try watching.othersWrote()
            if !seen { usleep(20_000) }
        }
        #expect(seen, "another connection's write was noticed")
        #expect(try watching.othersWrote() == false, "once")
        var d1 = try #require(try watching.viewCase("C-0002", by: "sam.t").decisions.first { $0.id == "D1" })
        d1.rationale = "CAMHS advice needed; Alex agreed; parents told."
        _ = try watching.amend(.decision(d1), inCase: "C-0002", reason: "rationale written after the return", by: "sam.t")
        usleep(100_000)
        #expect(try watching.othersWrote() == false, "its own writes are not someone else's")
        #expect(try writing.othersWrote() == false, "the first call starts watching")
    }

    @Test("a manager in teams is shown the people of those teams, a manager in none everyone; set-team moves someone between them (issue 15, item 12)",
          arguments: Backend.allCases)
    func peopleByTeam(_ backend: Backend) throws {
        let h = try team(backend)
        try h.addUser("lee.m", role: .manager, teams: ["Schools Team"])
        let lee = try h.store(as: "lee.m"), mia = try h.store(as: h.manager)
        var seen = Set(try lee.users(by: "lee.m").map(\.name))
        #expect(seen.contains("olu.w") && seen.contains("lee.m") && !seen.contains("sam.t") && !seen.contains("ahmed.k"), "\(seen)")
        #expect(Set(try mia.users(by: h.manager).map(\.name)).isSuperset(of: ["sam.t", "ahmed.k", "olu.w", "lee.m"]))
        let admin = backend == .postgres ? try h.store(as: "cw.admin") : mia
        try admin.setTeams("sam.t", ["Schools Team"], by: backend == .postgres ? "cw.admin" : h.manager)
        seen = Set(try lee.users(by: "lee.m").map(\.name))
        #expect(seen.contains("sam.t"), "\(seen)")
    }

    @Test("an escalated item shows in the queue where it went, until a later review of it (issue 15, item 9)", arguments: Backend.allCases)
    func escalationShown(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager)
        let r = try mia.review(ReviewRequest(caseId: "C-0002", action: .escalated, recordId: "X2", rule: "lawful-basis-missing",
                                             note: "No lawful basis recorded for the housing disclosure", escalateTo: .caldicottGuardian), by: h.manager)
        func queued() throws -> FlagEntry? {
            try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager).first { $0.flag.recordId == "X2" && $0.flag.rule == "lawful-basis-missing" }
        }
        let e = try #require(try queued())
        #expect(e.escalated?.id == r.id && e.escalated?.note.hasPrefix("Escalated to the Caldicott Guardian: No lawful basis") == true,
                "\(String(describing: e.escalated))")
        #expect(try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager).filter { $0.escalated != nil }.count == 1, "only that flag")
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .returned, recordId: "X2", rule: "lawful-basis-missing",
                                         note: "Record the basis"), by: h.manager)
        #expect(try queued()?.escalated == nil, "the latest review is the return")
    }

    @Test("search finds words in any record, names and ids, by prefix too, only in cases the user may see; amended text is found as it now reads; nothing typed is query syntax (issue 15, item 7)",
          arguments: Backend.allCases)
    func search(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t"), olu = try h.store(as: "olu.w"), mia = try h.store(as: h.manager)
        let found = { (s: any CaseStore, who: String, text: String) throws -> [String] in
            try s.search(text, limit: 50, by: who).map { "\($0.caseId)/\($0.recordId)" }
        }
        #expect(try found(sam, "sam.t", "withdrawn in lessons") == ["C-0002/K1"], "words of a concern's summary")
        let sleeping = try found(sam, "sam.t", "not sleeping")
        #expect(sleeping.count == 2 && sleeping.contains("C-0002/K1"), "the concern and the note that say it: \(sleeping)")
        #expect(try found(sam, "sam.t", "withdrawn lesso") == ["C-0002/K1"], "the last word as a prefix")
        #expect(try found(sam, "sam.t", "Alex Moreno").contains("C-0002/C-0002"), "the child's name, in the case details")
        #expect(try found(mia, h.manager, "C-0002").contains("C-0002/C-0002"), "the case id")
        #expect(try sam.search("not sleeping", limit: 5, by: "sam.t").first?.childName == "Alex Moreno")
        #expect(try found(olu, "olu.w", "not sleeping").isEmpty, "another team's case is not searched")
        #expect(try found(sam, "sam.t", "Jordan").isEmpty, "nor one the worker does not hold")
        for hostile in ["'); DROP TABLE record; --", "a & | ! : * ( )", "\"unbalanced", "NEAR(a b)", "*", ""] {
            _ = try sam.search(hostile, limit: 5, by: "sam.t")
        }
        var k1 = try #require(try sam.viewCase("C-0002", by: "sam.t").concerns.first { $0.id == "K1" })
        k1.summary = "Tearful at registration most mornings"
        _ = try sam.amend(.concern(k1), inCase: "C-0002", reason: "summary corrected", by: "sam.t")
        #expect(try found(sam, "sam.t", "tearful registration") == ["C-0002/K1"])
        #expect(try found(sam, "sam.t", "withdrawn in lessons").isEmpty, "the words it no longer holds")
        #expect(try found(sam, "sam.t", "not sleeping").count == 1, "the note still says it")
    }

    @Test("who has seen a case: every view, export and change by whom, the listing itself recorded; refused as a missing case to anyone who may not see it (issue 15, item 15)",
          arguments: Backend.allCases)
    func caseAccess(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t"), olu = try h.store(as: "olu.w")
        _ = try sam.viewCase("C-0002", by: "sam.t")
        _ = try mia.exportCase("C-0002", by: h.manager)
        let first = try sam.caseAccess("C-0002", by: "sam.t")
        #expect(first.first?.action == "import" && first.first?.user == "sam.t")
        #expect(first.contains { $0.action == "view" && $0.user == "sam.t" })
        #expect(first.contains { $0.action == "export" && $0.user == h.manager })
        #expect(!first.contains { $0.action == "access-log" })
        #expect(first.map(\.seq) == first.map(\.seq).sorted())
        let second = try mia.caseAccess("C-0002", by: h.manager)
        #expect(second.contains { $0.action == "access-log" && $0.user == "sam.t" }, "the first listing was recorded")
        #expect(second.first { $0.action == "export" }?.words == "exported the case")
        for attempt in ["C-0002", "C-9999"] {
            do {
                _ = try olu.caseAccess(attempt, by: "olu.w")
                Issue.record("olu.w listed \(attempt)")
            } catch {
                #expect(error == .caseNotFound(attempt), "\(error)")
            }
        }
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("reading a case for the family's copy is recorded as such, by whom, in an intact audit trail; refused to anyone who may not see the case (issue 15, item 16)",
          arguments: Backend.allCases)
    func familyCopyAudited(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t"), olu = try h.store(as: "olu.w")
        let c = try sam.familyCopyCase("C-0002", by: "sam.t")
        #expect(c.id == "C-0002" && !FamilyCopy.passages(c).isEmpty)
        let events = try sam.caseAccess("C-0002", by: "sam.t").filter { $0.action == "family-copy" }
        #expect(events.count == 1 && events.first?.user == "sam.t" && events.first?.words == "wrote a copy for the family")
        #expect(events.first?.isReading == true)
        do {
            _ = try olu.familyCopyCase("C-0002", by: "olu.w")
            Issue.record("olu.w read C-0002 for a family copy")
        } catch {
            #expect(error == .caseNotFound("C-0002"), "\(error)")
        }
        #expect(try sam.caseAccess("C-0002", by: "sam.t").filter { $0.action == "family-copy" }.count == 1, "the refusal recorded nothing")
        #expect(try h.store(as: h.manager).check(by: h.manager).isHealthy)
    }

    @Test("the flagged filter names exactly the cases with open flags due that day, kept as flags change, on both stores (issue 16, item 3)",
          arguments: Backend.allCases)
    func flaggedFilter(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager)
        func agree(_ day: Day, _ why: String) throws {
            let flagged = Set(try mia.flags(FlagQuery(on: day), by: h.manager).map(\.flag.caseId))
            let page = try mia.caseList(CaseListQuery(flaggedOnly: true, on: day), by: h.manager)
            #expect(Set(page.entries.map(\.summary.id)) == flagged && page.total == flagged.count, "\(why): \(flagged.sorted())")
            // The status bar's totals, kept as a tally on the single-user store, agree with the flags themselves.
            let totals = Severity.tally(try mia.flags(FlagQuery(on: day), by: h.manager), \.flag.severity)
            #expect(try mia.caseList(CaseListQuery(on: day), by: h.manager).openFlags.filter { $0.value > 0 } == totals.filter { $0.value > 0 },
                    "\(why): totals")
        }
        try agree(Day("2026-03-10")!, "as imported")
        try agree(Day("2030-01-01")!, "years later, with time-based flags due")
        var g = DemoGenerator(seed: 5)
        let more = (1...30).map { g.makeCase(900 + $0, workers: ["sam.t"], teams: ["Early Help North"]) }
        _ = try h.store(as: "sam.t").importCases(more, replace: false, by: "sam.t")
        try agree(Day("2026-03-10")!, "after an import")
        let open = try mia.flags(FlagQuery(on: Day("2030-01-01")!), by: h.manager).filter { $0.flag.severity == .check }
        for e in open.prefix(5) {
            _ = try mia.review(ReviewRequest(caseId: e.flag.caseId, action: .accepted, recordId: e.flag.recordId, rule: e.flag.rule,
                                             note: "checked with the worker"), by: h.manager)
        }
        try agree(Day("2030-01-01")!, "after reviews accepted flags")
    }

    @Test("the team report, made a batch of cases at a time as it reads, gives the figures of every case counted at once, on both stores (issue 16, item 2)",
          arguments: Backend.allCases)
    func reportInBatches(_ backend: Backend) throws {
        let h = try team(backend)
        var g = DemoGenerator(seed: 11)
        let more = (1...40).map { g.makeCase(700 + $0, workers: ["sam.t", "ahmed.k"], teams: ["Early Help North"]) }
        _ = try h.store(as: "sam.t").importCases(more.filter { $0.worker == "sam.t" }, replace: false, by: "sam.t")
        _ = try h.store(as: "ahmed.k").importCases(more.filter { $0.worker == "ahmed.k" }, replace: false, by: "ahmed.k")
        let mia = try h.store(as: h.manager)
        func report(_ team: String?, _ from: Day?, _ to: Day?, _ day: Day, batch: Int) throws -> TeamReport? {
            switch mia {
            case let s as SQLiteCaseStore: try s.report(team: team, from: from, to: to, on: day, by: h.manager, batch: batch)
            case let s as PostgresCaseStore: try s.report(team: team, from: from, to: to, on: day, by: h.manager, batch: batch)
            default: nil
            }
        }
        let cases = try mia.cases(visibleTo: h.manager).map { try mia.exportCase($0.id, by: h.manager) }
        #expect(cases.count == 42)
        for day in [Day("2026-03-10")!, Day("2030-01-01")!] {
            let open = try mia.flags(FlagQuery(on: day), by: h.manager)
            for (team, from, to) in [(nil, nil, nil), ("Early Help North", Day("2025-06-01"), Day("2026-03-31"))] as [(String?, Day?, Day?)] {
                let counted = cases.filter { team == nil || $0.team == team }
                let ids = Set(counted.map(\.id))
                let whole = TeamReport.compute(cases: counted, openFlags: open.filter { ids.contains($0.flag.caseId) },
                                               from: from, to: to, team: team, today: day)
                #expect(whole.cases == counted.count && whole.openFlags > 0)
                for batch in [1, 7, 500] {
                    var made = try #require(try report(team, from, to, day, batch: batch))
                    #expect(made.madeBy == h.manager)
                    made.madeAt = nil
                    made.madeBy = nil
                    #expect(made == whole, "\(backend), batches of \(batch), \(team ?? "every team"), \(day)")
                }
            }
        }
    }

    @Test("a report meeting a stored record that does not read stops with an error, whatever the batch (issue 16: counting on two threads as it reads)",
          arguments: Backend.allCases)
    func reportOnDamagedRecord(_ backend: Backend) throws {
        let h = try team(backend)
        switch backend {
        case .sqlite:
            try DatabaseQueue(path: h.place).write { try $0.execute(sql: "UPDATE record SET body = '{\"id\":5}' WHERE caseId = 'C-0002' AND kind = 'case'") }
        case .postgres:
            let r = try TeamServer.psql(h.place, user: "postgres",
                                        "SET session_replication_role = replica; UPDATE casework.record SET body = '{\"id\":5}' WHERE case_id = 'C-0002' AND kind = 'case'")
            #expect(r.status == 0, "\(r.output)")
        }
        let mia = try h.store(as: h.manager)
        for batch in [1, 500] {
            #expect(throws: StoreError.self, "\(backend), batches of \(batch)") {
                switch mia {
                case let s as SQLiteCaseStore: _ = try s.report(team: nil, from: nil, to: nil, on: Self.day, by: h.manager, batch: batch)
                case let s as PostgresCaseStore: _ = try s.report(team: nil, from: nil, to: nil, on: Self.day, by: h.manager, batch: batch)
                default: Issue.record("another store")
                }
            }
        }
    }

    @Test("the team store's audit chain is walked a page at a time, reading every event once, whatever the page (issue 16)")
    func auditWalkPages() throws {
        let h = try team(.postgres)
        _ = try h.store(as: h.manager).viewCase("C-0002", by: h.manager)
        let db = try PGConnection(try TeamServer.address(h.place, user: h.manager))
        let whole = try PostgresAudit.walk(db, known: [], page: 1_000_000).report
        #expect(whole.isIntact && whole.events > 5)
        for page in [1, 2, 3, whole.events, whole.events + 1] {
            #expect(try PostgresAudit.walk(db, known: [], page: page).report == whole, "pages of \(page)")
        }
    }

    @Test("the review queue pages: --limit and --offset give the same items in the same order as the whole queue, on both stores (issue 16, item 2)",
          arguments: Backend.allCases)
    func queuePages(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager)
        let day = Day("2026-03-10")!
        let key = { (e: FlagEntry) in "\(e.flag.caseId)/\(e.flag.recordId)/\(e.flag.rule)" }
        let all = try mia.reviewQueue(FlagQuery(on: day), by: h.manager).map(key)
        #expect(all.count > 6)
        var paged: [String] = []
        for offset in stride(from: 0, to: all.count + 3, by: 3) {
            paged += try mia.reviewQueue(FlagQuery(on: day, limit: 3, offset: offset), by: h.manager).map(key)
        }
        #expect(paged == all)
        #expect(try mia.reviewQueue(FlagQuery(on: day, offset: 2), by: h.manager).map(key) == Array(all.dropFirst(2)), "an offset alone")

        // Read on from where the last page stopped, as the command line streams a long list: the same items, the same order.
        func keyset(_ read: (FlagQuery) throws -> [FlagEntry], _ base: FlagQuery) throws -> [String] {
            var out: [String] = [], q = base
            q.limit = 2
            while true {
                let page = try read(q)
                out += page.map(key)
                guard page.count == 2, let last = page.last else { return out }
                q.after = FlagQuery.Position(last)
            }
        }
        #expect(try keyset({ try mia.reviewQueue($0, by: h.manager) }, FlagQuery(on: day)) == all)
        let every = try mia.flags(FlagQuery(on: day, includeAccepted: true), by: h.manager).map(key)
        #expect(every.count > all.count - 1)
        #expect(try keyset({ try mia.flags($0, by: h.manager) }, FlagQuery(on: day, includeAccepted: true)) == every)
        // The flags of a page of the case list (`flags` as text, a page of cases at a time): those of its cases, in the list's order.
        for range in ["C-0001"..."C-0001", "C-0002"..."C-0002", "C-0000"..."C-9999", "C-0003"..."C-9999"] {
            var q = FlagQuery(on: day, includeAccepted: true)
            q.caseIds = range
            #expect(try mia.flags(q, by: h.manager).map(key) == every.filter { range.contains(String($0.prefix { $0 != "/" })) }, "\(range)")
            q.includeAccepted = false
            #expect(try mia.flags(q, by: h.manager).map(key) == (try mia.flags(FlagQuery(on: day), by: h.manager)).map(key)
                        .filter { range.contains(String($0.prefix { $0 != "/" })) }, "open, \(range)")
        }
        let sam = try h.store(as: "sam.t")
        #expect(try keyset({ try sam.flags($0, by: "sam.t") }, FlagQuery(on: day)) == (try sam.flags(FlagQuery(on: day), by: "sam.t").map(key)),
                "a practitioner's own flags page the same way")
    }

    @Test("the case list reads on from the last case of a page: the same cases in the same order, only those the user may see (issue 16, item 2)",
          arguments: Backend.allCases)
    func casePages(_ backend: Backend) throws {
        let h = try team(backend)
        for (user, n) in [(h.manager, 2), ("sam.t", 1), ("olu.w", 0)] {
            let store = try h.store(as: user)
            let all = try store.cases(visibleTo: user).map(\.id)
            #expect(all.count == n, "\(user)")
            var paged: [String] = [], after: String?
            while true {
                let page = try store.cases(visibleTo: user, after: after, limit: 1).map(\.id)
                paged += page
                guard let last = page.last else { break }
                after = last
            }
            #expect(paged == all, "\(user)")
        }
    }

    @Test("a worker's flag raised by hand adds beside a manager's on the same record; only a review clears it", arguments: Backend.allCases)
    func manualFlagsByAuthor(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager), sam = try h.store(as: "sam.t")
        try mia.raiseFlag(caseId: "C-0002", recordId: "D1", severity: .check, reason: "Ask who agreed to this", by: h.manager)
        try sam.raiseFlag(caseId: "C-0002", recordId: "D1", severity: .advice, reason: "Fine as it is", by: "sam.t")
        let queued = try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager).filter { $0.flag.rule == "manual" }
        #expect(queued.count == 1)
        #expect(queued.first?.flag.severity == .check, "the manager's severity stands")
        #expect(queued.first?.flag.message == "Raised by \(h.manager): Ask who agreed to this; Raised by sam.t: Fine as it is")
        try sam.raiseFlag(caseId: "C-0002", recordId: "D1", severity: .advice, reason: "Still fine", by: "sam.t")
        #expect(try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager).first { $0.flag.rule == "manual" }?.flag.message
                == "Raised by \(h.manager): Ask who agreed to this; Raised by sam.t: Still fine", "a second raise replaces only its author's own")
        _ = try mia.review(ReviewRequest(caseId: "C-0002", action: .accepted, recordId: "D1", rule: "manual", note: "Agreed in supervision"),
                           by: h.manager)
        #expect(!(try mia.reviewQueue(FlagQuery(on: Self.day), by: h.manager)).contains { $0.flag.rule == "manual" })
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("someone who may not see a case is answered exactly as if it did not exist, on every path", arguments: Backend.allCases)
    func visibility(_ backend: Backend) throws {
        let h = try team(backend)
        // lee.m manages another team: a manager's paths are reached, and refused only by what they may see.
        try h.addUser("lee.m", role: .manager, teams: ["Schools Team"])
        let mia = try h.store(as: h.manager)
        var header = CaseHeader(try mia.viewCase("C-0002", by: h.manager))
        header.closed = Day("2026-03-02")
        header.retentionReviewBy = Day("2026-03-05")
        try mia.save([.amend(.header(header), reason: "case closed")], inCase: "C-0002", by: h.manager)
        let sam = try h.store(as: "sam.t")
        let hiddenCase = try sam.viewCase("C-0002", by: "sam.t")
        #expect(!(try sam.flags(FlagQuery(caseId: "C-0002", on: Self.day), by: "sam.t")).isEmpty, "the hidden case has flags for its owner")
        #expect(try mia.retentionDue(on: Self.day, by: h.manager).map(\.id) == ["C-0002"], "and is due for its retention review")
        let before = try mia.exportCase("C-0002", by: h.manager)

        /// What a path answers, its error or its result, with the case's id written as ID.
        func answer(_ id: String, _ work: (String) throws -> Any) -> String {
            do { return "allowed: " + String(describing: try work(id)).replacingOccurrences(of: id, with: "ID") } catch {
                return String(describing: error).replacingOccurrences(of: id, with: "ID")
            }
        }
        let at = Timestamp("2026-03-09T10:00:00Z")!
        for who in ["olu.w", "lee.m"] {
            let s = try h.store(as: who)
            let note = CaseNote(id: "N9", at: at, by: who, kind: .other, text: "x")
            var d1 = try #require(hiddenCase.decision("D1"))
            d1.rationale = "overwritten"
            let paths: [(String, (String) throws -> Any)] = [
                ("view", { try s.viewCase($0, by: who) }),
                ("export", { try s.exportCase($0, by: who) }),
                ("history", { try s.history(caseId: $0, recordId: "D1", by: who) }),
                ("add", { try s.add(.note(note), toCase: $0, by: who) }),
                ("amend", { try s.amend(.decision(d1), inCase: $0, reason: "x", by: who) }),
                ("save", { try s.save([.add(.note(note)), .amend(.decision(d1), reason: "x")], inCase: $0, by: who) }),
                ("return", { try s.review(ReviewRequest(caseId: $0, action: .returned, recordId: "D1", rule: "rationale-missing", note: "x"), by: who) }),
                ("accept", { try s.review(ReviewRequest(caseId: $0, action: .accepted, recordId: "X1", rule: "insecure-method", note: "x"), by: who) }),
                ("escalate", { try s.review(ReviewRequest(caseId: $0, action: .escalated, recordId: "X2", note: "x", escalateTo: .legal), by: who) }),
                ("sign off", { try s.review(ReviewRequest(caseId: $0, action: .signedOff, recordId: $0, note: "x"), by: who) }),
                ("raise a flag", { try s.raiseFlag(caseId: $0, recordId: "D1", severity: .check, reason: "x", by: who) }),
                ("add a member", { try s.addMember(caseId: $0, user: who, by: who) }),
                ("keep", { try s.retain(caseId: $0, until: Day("2027-01-01")!, reason: "x", by: who) }),
                ("dispose", { try s.dispose(caseId: $0, reason: "x", by: who) }),
                ("the case's flags", { try s.flags(FlagQuery(caseId: $0, on: Self.day, includeAccepted: true), by: who).map(\.flag) }),
                ("the case's returned items", { try s.flags(FlagQuery(caseId: $0, on: Self.day, returnedOnly: true), by: who).map(\.flag) }),
                ("a search for it", { try s.caseList(CaseListQuery(search: $0, on: Self.day), by: who).entries.map(\.summary.id) }),
                ("a search for its child", { _ in try s.caseList(CaseListQuery(search: "Moreno", on: Self.day), by: who).total }),
            ]
            for (name, path) in paths {
                let hidden = answer("C-0002", path), missing = answer("C-9999", path)
                #expect(!hidden.hasPrefix("allowed") || hidden == missing, "\(who), \(name): \(hidden)")
                #expect(hidden == missing, "\(who), \(name): \(hidden) vs \(missing)")
            }
            #expect(try s.cases(visibleTo: who).allSatisfy { $0.id != "C-0002" })
            #expect(try s.flags(FlagQuery(on: Self.day, includeAccepted: true), by: who).allSatisfy { $0.flag.caseId != "C-0002" })
            #expect(try s.caseList(CaseListQuery(on: Self.day), by: who).entries.allSatisfy { $0.summary.id != "C-0002" })
            #expect(try s.retentionDue(on: Self.day, by: who).isEmpty, "\(who) was told the hidden case is due")
            #expect(try s.suggestedCaseId(by: who) != "C-0002")
            // A draft names its case only as its author's own reference: saving one for a hidden id neither
            // fails differently from a missing id nor shows the hidden case.
            for id in ["C-0002", "C-9999"] {
                try s.saveDraft(Draft(id: "\(id)/new-note", caseId: id, kind: "note", title: "note on \(id)", payload: "{}", updatedAt: at), by: who)
            }
            #expect(try s.drafts(by: who).map(\.caseId) == ["C-0002", "C-9999"] || s.drafts(by: who).map(\.caseId) == ["C-9999", "C-0002"])
        }
        let lee = try h.store(as: "lee.m").report(team: nil, from: nil, to: nil, on: Self.day, by: "lee.m")
        #expect(lee.cases == 0 && lee.openFlags == 0, "another team's manager's report counts nothing of the hidden case")
        // Bringing in or creating a case under a hidden case's id works as for a free id, under a fresh one.
        let olu = try h.store(as: "olu.w")
        let hiddenFlags = try stored(h, "C-0002", as: h.manager)
        var own = try example("gaps")
        own.worker = "olu.w"
        own.team = "Schools Team"
        for replace in [false, true] {
            own.id = "C-0002"
            let hidden = try olu.importCases([own], replace: replace, by: "olu.w")
            guard case .createdAs("C-0002", let fresh, own.records.count)? = hidden.first else { Issue.record("\(hidden)"); continue }
            own.id = "C-99\(replace ? 1 : 0)"
            #expect(try olu.importCases([own], replace: replace, by: "olu.w") == [.created(caseId: own.id, records: own.records.count)])
            #expect(try olu.viewCase(fresh, by: "olu.w").child == own.child)
            #expect(try olu.exportCase(fresh, by: "olu.w").id == fresh, "the case file's own header carries the fresh id")
        }
        own.id = "C-0002"
        let created = try olu.createCase(own, by: "olu.w")
        #expect(created != "C-0002" && created.hasPrefix("C-"))
        #expect(try mia.exportCase("C-0002", by: h.manager) == before, "the hidden case is untouched")
        #expect(try stored(h, "C-0002", as: h.manager) == hiddenFlags, "and so are its flags")
        let check = try mia.check(by: h.manager)
        #expect(check.isHealthy, "\(check)")
    }

    @Test("the case list's totals are the cases and open flags each user can see, kept as cases are imported, shared, handed over, reviewed and disposed of, on both stores (issue 16)",
          arguments: Backend.allCases)
    func listTotals(_ backend: Backend) throws {
        let h = try team(backend)
        try h.addUser("lee.m", role: .manager, teams: ["Schools Team"])
        let mia = try h.store(as: h.manager)
        func agree(_ why: String) throws {
            for day in [Self.day, Day("2030-01-01")!] {
                for user in [h.manager, "lee.m", "sam.t", "ahmed.k", "olu.w"] {
                    let s = try h.store(as: user)
                    let page = try s.caseList(CaseListQuery(on: day), by: user)
                    let flags = Severity.tally(try s.flags(FlagQuery(on: day), by: user), \.flag.severity).filter { $0.value > 0 }
                    let cases = try s.cases(visibleTo: user)
                    #expect(page.total == cases.count, "\(why): \(user)'s cases")
                    let mine = try s.caseList(CaseListQuery(mineOnly: true, on: day), by: user)
                    #expect(mine.total == cases.filter { $0.worker == user }.count && mine.total == mine.entries.count,
                            "\(why): \(user)'s own cases")
                    #expect(page.openFlags.filter { $0.value > 0 } == flags, "\(why): \(user)'s flags on \(day)")
                }
            }
        }
        try agree("as imported")
        var g = DemoGenerator(seed: 11)
        _ = try h.store(as: "olu.w").importCases((1...12).map { g.makeCase(700 + $0, workers: ["olu.w"], teams: ["Schools Team"]) },
                                                 replace: false, by: "olu.w")
        try agree("after an import")
        try mia.addMember(caseId: "C-0002", user: "olu.w", by: h.manager)
        try agree("after a case was shared with someone outside its team")
        var header = CaseHeader(try mia.viewCase("C-0001", by: h.manager))
        header.worker = "olu.w"
        header.team = "Schools Team"
        try mia.save([.amend(.header(header), reason: "handed over")], inCase: "C-0001", by: h.manager)
        try agree("after a case was handed to another team")
        for e in try mia.flags(FlagQuery(on: Day("2030-01-01")!), by: h.manager).filter({ $0.flag.severity == .check }).prefix(4) {
            _ = try mia.review(ReviewRequest(caseId: e.flag.caseId, action: .accepted, recordId: e.flag.recordId, rule: e.flag.rule,
                                             note: "checked with the worker"), by: h.manager)
        }
        try agree("after reviews accepted flags")
        header.closed = Day("2026-03-01")
        try mia.save([.amend(.header(header), reason: "case closed")], inCase: "C-0001", by: h.manager)
        try mia.dispose(caseId: "C-0001", reason: "past retention", by: h.manager)
        try agree("after a case was disposed of")
    }

    @Test("a closed case past its review is disposed of by a manager, leaving only a tombstone and an audit event", arguments: Backend.allCases)
    func retention(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager)
        #expect(throws: StoreError.self) { try mia.dispose(caseId: "C-0001", reason: "past retention", by: h.manager) }
        var header = CaseHeader(try mia.viewCase("C-0001", by: h.manager))
        header.closed = Day("2026-03-01")
        try mia.save([.amend(.header(header), reason: "case closed")], inCase: "C-0001", by: h.manager)
        #expect(try mia.retentionDue(on: Self.day, by: h.manager).map(\.id) == ["C-0001"])
        #expect(try mia.search("Jordan", limit: 10, by: h.manager).contains { $0.caseId == "C-0001" })
        #expect(try h.store(as: "ahmed.k").retentionDue(on: Self.day, by: "ahmed.k").map(\.id) == ["C-0001"], "the owner sees their own")
        #expect(try h.store(as: "sam.t").retentionDue(on: Self.day, by: "sam.t").isEmpty)
        #expect(throws: StoreError.self) { try h.store(as: "ahmed.k").dispose(caseId: "C-0001", reason: "tidy", by: "ahmed.k") }
        try mia.dispose(caseId: "C-0001", reason: "past retention", by: h.manager)
        #expect(try mia.cases(visibleTo: h.manager).map(\.id) == ["C-0002"])
        #expect(throws: StoreError.caseNotFound("C-0001")) { try mia.viewCase("C-0001", by: h.manager) }
        #expect(try mia.search("Jordan", limit: 10, by: h.manager).isEmpty, "a disposed case's words are gone from search")
        #expect(try mia.verifyAudit().isIntact)
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("drafts are each user's own", arguments: Backend.allCases)
    func drafts(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t"), ahmed = try h.store(as: "ahmed.k")
        let draft = Draft(id: "C-0002/new-note", caseId: "C-0002", kind: "note", title: "note on C-0002", payload: "{}",
                          updatedAt: Timestamp("2026-03-09T10:00:00Z")!)
        try sam.saveDraft(draft, by: "sam.t")
        var again = draft
        again.payload = "{\"text\":\"more\"}"
        try sam.saveDraft(again, by: "sam.t")
        #expect(try sam.drafts(by: "sam.t") == [again])
        #expect(try ahmed.drafts(by: "ahmed.k").isEmpty)
        try ahmed.deleteDraft(draft.id, by: "ahmed.k")
        #expect(try sam.drafts(by: "sam.t").count == 1)
        try sam.deleteDraft(draft.id, by: "sam.t")
        #expect(try sam.drafts(by: "sam.t").isEmpty)
    }

    @Test("saving a form removes its draft in the same write: a refused save keeps the draft, a saved one is never offered again, another's draft of that id is untouched",
          arguments: Backend.allCases)
    func saveDiscardsItsDraft(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t"), ahmed = try h.store(as: "ahmed.k")
        let at = Timestamp("2026-03-09T10:00:00Z")!
        let draft = Draft(id: "C-0002/new-note", caseId: "C-0002", kind: "note", title: "note on C-0002", payload: "{}", updatedAt: at)
        try sam.saveDraft(draft, by: "sam.t")
        try ahmed.saveDraft(draft, by: "ahmed.k")
        let taken = CaseRecord.note(CaseNote(id: "N8", at: at, by: "sam.t", kind: .visit, text: "Rang"))
        try sam.save([.add(taken)], inCase: "C-0002", by: "sam.t")
        #expect(throws: StoreError.self) { try sam.save([.add(taken)], inCase: "C-0002", by: "sam.t", discardingDraft: draft.id) }
        #expect(try sam.drafts(by: "sam.t") == [draft])
        let note = CaseRecord.note(CaseNote(id: "N9", at: at, by: "sam.t", kind: .visit, text: "Visited"))
        try sam.save([.add(note)], inCase: "C-0002", by: "sam.t", discardingDraft: draft.id)
        #expect(try sam.drafts(by: "sam.t").isEmpty)
        #expect(try ahmed.drafts(by: "ahmed.k") == [draft])

        let newCase = Draft(id: "new-case", caseId: nil, kind: "newCase", title: "new case", payload: "{}", updatedAt: at)
        try sam.saveDraft(newCase, by: "sam.t")
        var c = try example("gaps")
        c.id = "C-0009"
        try sam.createCase(c, by: "sam.t", discardingDraft: newCase.id)
        #expect(try sam.drafts(by: "sam.t").isEmpty)
    }

    @Test("a damaged stored value (a severity, a date, a time no one wrote) is reported as damaged, never read as check, day zero or 1970",
          arguments: Backend.allCases)
    func damagedValues(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t")
        try sam.saveDraft(Draft(id: "d", caseId: "C-0002", kind: "note", title: "t", payload: "{}", updatedAt: Timestamp("2026-03-09T10:00:00Z")!), by: "sam.t")
        func damage(_ sqlite: String, _ postgres: String) throws {
            switch backend {
            case .sqlite: try DatabaseQueue(path: h.place).write { try $0.execute(sql: sqlite) }
            case .postgres:
                let r = try TeamServer.psql(h.place, user: "postgres", "SET session_replication_role = replica; " + postgres)
                #expect(r.status == 0, "\(r.output)")
            }
        }
        func expectDamaged(_ what: String, _ read: () throws -> Void) {
            do {
                try read()
                Issue.record("\(what): read as if whole")
            } catch let e as StoreError {
                guard case .damaged = e else { Issue.record("\(what): \(e)"); return }
                #expect(!e.description.contains("urgent") && !e.description.contains("yesterday") && !e.description.contains("soon"),
                        "the damaged value is not quoted")
            } catch {
                Issue.record("\(what): \(error)")
            }
        }
        try damage("UPDATE flag SET severity = 'urgent' WHERE caseId = 'C-0002'",
                   "UPDATE casework.flag SET severity = 'urgent' WHERE case_id = 'C-0002'")
        expectDamaged("a flag's severity") { _ = try sam.flags(FlagQuery(caseId: "C-0002", on: Self.day), by: "sam.t") }
        try damage("UPDATE caseFile SET opened = 'yesterday' WHERE id = 'C-0002'",
                   "UPDATE casework.case_file SET opened = 'yesterday' WHERE id = 'C-0002'")
        expectDamaged("a case's opening day") { _ = try sam.cases(visibleTo: "sam.t") }
        try damage("UPDATE draft SET updatedAt = 'soon'", "UPDATE casework.draft SET updated_at = 'soon'")
        expectDamaged("a draft's time") { _ = try sam.drafts(by: "sam.t") }
    }

    @Test("text typed or pasted beyond 100,000 characters, or with a NUL, is refused naming the record, and nothing is saved", arguments: Backend.allCases)
    func textCap(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t")
        let before = try sam.exportCase("C-0002", by: "sam.t")
        let at = Timestamp("2026-03-09T10:00:00Z")!
        for (text, words) in [(String(repeating: "x", count: 100_001), "record N9: text: is 100001 characters long"),
                              ("Alex said\u{0}more", "record N9: text: contains a NUL")] {
            do {
                try sam.save([.add(.note(CaseNote(id: "N9", at: at, by: "sam.t", kind: .visit, text: text)))], inCase: "C-0002", by: "sam.t")
                Issue.record("saved")
            } catch {
                #expect(error.description.hasPrefix(words), "\(error)")
                #expect(!error.description.contains("xxx") && !error.description.contains("Alex"))
            }
        }
        var d1 = before.decisions[0]
        d1.rationale = "Written"
        #expect(throws: StoreError.self) { try sam.amend(.decision(d1), inCase: "C-0002", reason: String(repeating: "r", count: 100_001), by: "sam.t") }
        #expect(try sam.exportCase("C-0002", by: "sam.t") == before)
    }

    @Test("someone's own resources (every rule off, a rule reworded) change no stored flag; a manager's adoption does, audited", arguments: Backend.allCases)
    func storeKeepsItsBasis(_ backend: Backend) throws {
        let h = try team(backend)
        var edited = Fixtures.settings
        for id in edited.defaultPolicy.rules.keys { edited.defaultPolicy.rules[id]?.enabled = false }
        edited.guidance.rules["rationale-missing"]?.message = "Nothing to see here."
        let before = try stored(h, "C-0002", as: "sam.t")
        #expect(!before.isEmpty)
        let sam = try h.store(as: "sam.t", with: edited)
        var n1 = CaseNote(id: "N9", at: Timestamp("2026-03-09T10:00:00Z")!, by: "sam.t", kind: .visit, text: "Visited")
        try sam.add(.note(n1), toCase: "C-0002", by: "sam.t")
        #expect(try stored(h, "C-0002", as: "sam.t") == before, "a write under edited resources keeps the store's flags")
        #expect(try sam.flags(FlagQuery(caseId: "C-0002", rule: "rationale-missing", on: Self.day), by: "sam.t").first?.flag.message
                .hasPrefix("Decision D1 has an outcome") == true)
        #expect(try sam.policy().rules.values.allSatisfy(\.enabled), "the store's policy, not the edited one")
        #expect(throws: StoreError.self) { try sam.adoptFlagBasis(by: "sam.t") }
        #expect(try h.store(as: h.manager).check(by: h.manager).isHealthy)
        // A manager adopts the edited Casework: every flag goes, in the audit trail.
        let mia = try h.store(as: h.manager, with: edited)
        let events = try mia.verifyAudit().events
        _ = try mia.adoptFlagBasis(by: h.manager)
        #expect(try mia.verifyAudit().events > events)
        #expect(try stored(h, "C-0002", as: "sam.t").isEmpty)
        n1.text = "Visited again"
        _ = try h.store(as: "sam.t").amend(.note(n1), inCase: "C-0002", reason: "typo", by: "sam.t")
        #expect(try stored(h, "C-0002", as: "sam.t").isEmpty, "everyone now computes with the adopted basis")
    }

    @Test("an import by a session opened before a manager adopted new rule texts stores the new texts", arguments: Backend.allCases)
    func importFollowsAdoptedBasis(_ backend: Backend) throws {
        let h = try team(backend)
        let mia = try h.store(as: h.manager)
        _ = try mia.policy()
        var reworded = Fixtures.settings
        reworded.guidance.rules["rationale-missing"]?.message = "Reworded: decision {record} needs its reasons."
        _ = try h.store(as: h.manager, with: reworded).adoptFlagBasis(by: h.manager)
        var c = try example("gaps")
        c.id = "C-0700"
        _ = try mia.importCases([c], replace: false, by: h.manager)
        let flag = try mia.flags(FlagQuery(caseId: "C-0700", rule: "rationale-missing", on: Self.day), by: h.manager).first?.flag
        #expect(flag?.message == "Reworded: decision D1 needs its reasons.")
        #expect(try mia.check(by: h.manager).isHealthy)
    }

    @Test("a draft past the policy's 30 days is offered once more, then removed; resuming it keeps it; others' drafts untouched", arguments: Backend.allCases)
    func draftsExpire(_ backend: Backend) throws {
        let h = try team(backend)
        let sam = try h.store(as: "sam.t"), ahmed = try h.store(as: "ahmed.k")
        let now = Timestamp("2026-03-10T09:00:00Z")!
        func draft(_ id: String, _ at: String) -> Draft {
            Draft(id: id, caseId: "C-0002", kind: "note", title: "note on C-0002", payload: "{}", updatedAt: Timestamp(at)!)
        }
        try sam.saveDraft(draft("old", "2026-02-01T10:00:00Z"), by: "sam.t")
        try sam.saveDraft(draft("resumed", "2026-02-01T10:00:00Z"), by: "sam.t")
        try sam.saveDraft(draft("recent", "2026-02-20T10:00:00Z"), by: "sam.t")
        try ahmed.saveDraft(draft("theirs", "2026-01-01T10:00:00Z"), by: "ahmed.k")
        #expect(try sam.tidyDrafts(now: now, by: "sam.t") == 0, "offered first, not removed")
        let offered = try sam.drafts(by: "sam.t")
        #expect(Set(offered.filter { $0.lastOfferedAt == now }.map(\.id)) == ["old", "resumed"])
        #expect(offered.first { $0.id == "recent" }?.lastOfferedAt == nil, "19 days old: within the 30")
        // The practitioner resumes one and types in it: it is kept as new.
        try sam.saveDraft(draft("resumed", "2026-03-10T09:05:00Z"), by: "sam.t")
        #expect(try sam.tidyDrafts(now: Timestamp("2026-03-11T09:00:00Z")!, by: "sam.t") == 1)
        #expect(Set(try sam.drafts(by: "sam.t").map(\.id)) == ["resumed", "recent"])
        #expect(try ahmed.drafts(by: "ahmed.k").map(\.id) == ["theirs"], "another person's drafts are theirs to tidy")
    }

    @Test("only whoever manages people adds them; a worker cannot", arguments: Backend.allCases)
    func people(_ backend: Backend) throws {
        let h = try team(backend)
        #expect(throws: StoreError.self) {
            try h.store(as: "sam.t").addUser(User(name: "eve.x", role: .manager), by: "sam.t")
        }
        #expect(!(try h.store(as: h.manager).users(by: h.manager)).contains { $0.name == "eve.x" })
    }

    @Test("only a manager hands a case to another worker or team; a member or the owner cannot take or give it away", arguments: Backend.allCases)
    func reassignment(_ backend: Backend) throws {
        let h = try team(backend)
        try h.store(as: h.manager).addMember(caseId: "C-0002", user: "ahmed.k", by: h.manager)
        let ahmed = try h.store(as: "ahmed.k"), sam = try h.store(as: "sam.t")
        var header = CaseHeader(try ahmed.viewCase("C-0002", by: "ahmed.k"))
        header.worker = "ahmed.k"
        #expect(throws: StoreError.self) { try ahmed.save([.amend(.header(header), reason: "mine now")], inCase: "C-0002", by: "ahmed.k") }
        var moved = CaseHeader(try sam.viewCase("C-0002", by: "sam.t"))
        moved.team = "Schools Team"
        #expect(throws: StoreError.self) { try sam.save([.amend(.header(moved), reason: "not ours")], inCase: "C-0002", by: "sam.t") }
        #expect(try sam.viewCase("C-0002", by: "sam.t").worker == "sam.t")
        // A worker may still correct their case's other details.
        var retitled = CaseHeader(try sam.viewCase("C-0002", by: "sam.t"))
        retitled.title = "Low mood; school nurse and CAMHS"
        try sam.save([.amend(.header(retitled), reason: "clearer title")], inCase: "C-0002", by: "sam.t")
        // A manager reassigns, and it is an amendment with its reason.
        try h.store(as: h.manager).save([.amend(.header(header), reason: "reassigned in supervision")], inCase: "C-0002", by: h.manager)
        #expect(try ahmed.viewCase("C-0002", by: "ahmed.k").worker == "ahmed.k")
        #expect(try ahmed.history(caseId: "C-0002", recordId: "C-0002", by: "ahmed.k").last?.reason == "reassigned in supervision")
    }
}
