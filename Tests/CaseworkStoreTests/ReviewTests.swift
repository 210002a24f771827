import CaseworkCore
import Foundation
import GRDB
import Testing
@testable import CaseworkStore

@Suite("The manager's review")
struct ReviewTests {
    static let day = Day("2026-03-10")!

    /// mia.manager (no team: sees all), sam.t (worker, owns C-0002), ahmed.k (worker, owns C-0001).
    func team() throws -> TempStore {
        let t = try TempStore()
        try t.store.addUser(User(name: "sam.t", role: .worker, teams: ["Early Help North"]), by: "mia.manager")
        try t.store.addUser(User(name: "ahmed.k", role: .worker, teams: ["Early Help North"]), by: "mia.manager")
        _ = try t.store.importCases([try t.example("gaps"), try t.example("recorded-well")], replace: false, by: "mia.manager")
        return t
    }

    func request(_ action: ReviewAction, _ record: String, rule: String? = nil, note: String = "See me in supervision") -> ReviewRequest {
        ReviewRequest(caseId: "C-0002", action: action, recordId: record, rule: rule, note: note)
    }

    @Test("a worker's attempt to review, accept, escalate or sign off is refused in the core, and changes nothing")
    func workerRefused() throws {
        let t = try team()
        let before = try t.fingerprint()
        for r in [request(.returned, "D1", rule: "rationale-missing"), request(.accepted, "X1", rule: "insecure-method"),
                  ReviewRequest(caseId: "C-0002", action: .escalated, recordId: "X2", note: "x", escalateTo: .legal),
                  request(.signedOff, "C-0002")] {
            do {
                _ = try t.store.review(r, by: "sam.t")
                Issue.record("a worker could \(r.action)")
            } catch {
                #expect(error.description.hasPrefix("only a manager can"), "\(error)")
            }
        }
        #expect(throws: StoreError.self) { try t.store.reviewQueue(FlagQuery(on: Self.day), by: "sam.t") }
        #expect(throws: StoreError.self) { try t.store.report(team: nil, from: nil, to: nil, on: Self.day, by: "sam.t") }
        // Nor can a review be written as a record by another route.
        let sneaky = Review(id: "R9", by: "sam.t", at: Timestamp("2026-03-09T10:00:00Z")!,
                            target: ReviewTarget(rule: "insecure-method", record: "X1"), action: .accepted, note: "fine")
        #expect(throws: StoreError.self) { try t.store.add(.review(sneaky), toCase: "C-0002", by: "sam.t") }
        var file = try t.example("gaps")
        file.reviews = [sneaky]
        #expect(throws: StoreError.self) { try t.store.importCases([file], replace: true, by: "sam.t") }
        #expect(try t.fingerprint() == before)
    }

    @Test("accept closes a check flag with a note; a missing flag cannot be accepted away")
    func accept() throws {
        let t = try team()
        let r = try t.store.review(request(.accepted, "X1", rule: "insecure-method", note: "Recipient confirmed deletion"), by: "mia.manager")
        #expect(r.id == "R1" && r.action == .accepted)
        let queue = try t.store.reviewQueue(FlagQuery(on: Self.day), by: "mia.manager")
        #expect(!queue.contains { $0.flag.rule == "insecure-method" })
        do {
            _ = try t.store.review(request(.accepted, "D1", rule: "rationale-missing"), by: "mia.manager")
            Issue.record("accepted a missing flag")
        } catch {
            #expect(error.description.hasPrefix("a missing flag cannot be accepted"))
        }
        #expect(throws: StoreError.self) { try t.store.review(request(.accepted, "X1", rule: "insecure-method", note: " "), by: "mia.manager") }
    }

    @Test("return, fix, clear, sign off: the whole loop")
    func returnLoop() throws {
        let t = try team()
        let queue = try t.store.reviewQueue(FlagQuery(on: Self.day), by: "mia.manager")
        #expect(queue.count == 12, "advice is not in the queue by default")
        #expect(queue.first?.flag.severity == .missing)
        _ = try t.store.review(request(.returned, "D1", rule: "rationale-missing", note: "Please write why you shared with CAMHS"), by: "mia.manager")
        let returned = try t.store.flags(FlagQuery(on: Self.day, returnedOnly: true), by: "sam.t")
        #expect(returned.count == 1 && returned[0].flag.rule == "rationale-missing")
        #expect(returned[0].returned?.note == "Please write why you shared with CAMHS" && returned[0].returned?.by == "mia.manager")
        #expect(try t.store.reviewQueue(FlagQuery(on: Self.day), by: "mia.manager").contains { $0.flag.rule == "rationale-missing" },
                "a returned flag stays open in the queue")

        #expect(throws: StoreError.self) { try t.store.review(request(.signedOff, "C-0002", note: "done"), by: "mia.manager") }

        var c = try t.store.viewCase("C-0002", by: "sam.t")
        var d1 = c.decision("D1")!
        d1.rationale = "CAMHS consultation; the father's consent covered health support."
        _ = try t.store.amend(.decision(d1), inCase: "C-0002", reason: "rationale written after supervision", by: "sam.t")
        #expect(try t.store.flags(FlagQuery(on: Self.day, returnedOnly: true), by: "sam.t").isEmpty)
        #expect(!(try t.store.reviewQueue(FlagQuery(on: Self.day), by: "mia.manager")).contains { $0.flag.rule == "rationale-missing" })

        // Clear the rest of the missing flags, then the case can be signed off.
        c = try t.store.viewCase("C-0002", by: "sam.t")
        var d2 = c.decision("D2")!
        d2.outcome = .doNotShare
        d2.rationale = "Housing already know; no need to share."
        d2.proposedRecipient = Party(agency: "Housing")
        var x2 = c.disclosure("X2")!
        x2.decisionId = "D1"
        x2.reasons = "Overcrowding affects the child's sleep"
        x2.lawfulBasis = .publicTask
        x2.recipientAdvisedNoConsent = true
        try t.store.save([.amend(.decision(d2), reason: "decided"), .amend(.disclosure(x2), reason: "completed the log")], inCase: "C-0002", by: "sam.t")
        let signed = try t.store.review(request(.signedOff, "C-0002", note: "Reviewed in supervision"), by: "mia.manager")
        #expect(signed.action == .signedOff && signed.target.record == "C-0002")
        let audit = try t.raw().read { try String.fetchAll($0, sql: "SELECT action FROM audit WHERE action = 'review'") }
        #expect(audit.count == 2)
        #expect(try t.store.verifyAudit().isIntact)
    }

    @Test("escalate needs someone to escalate to, and records it")
    func escalate() throws {
        let t = try team()
        #expect(throws: StoreError.self) { try t.store.review(request(.escalated, "X2"), by: "mia.manager") }
        var r = request(.escalated, "X2", note: "Shared by phone with no basis recorded")
        r.escalateTo = .caldicottGuardian
        let review = try t.store.review(r, by: "mia.manager")
        #expect(review.note == "Escalated to the Caldicott Guardian: Shared by phone with no basis recorded")
        #expect(try t.store.exportCase("C-0002", by: "mia.manager").reviews.count == 1)
    }

    @Test("a flag raised by hand shows like any other and clears by a review action")
    func manualFlag() throws {
        let t = try team()
        try t.store.raiseFlag(caseId: "C-0001", recordId: "N2", severity: .check, reason: "Is this observation or opinion?", by: "ahmed.k")
        let flags = try t.store.flags(FlagQuery(caseId: "C-0001", on: Self.day), by: "ahmed.k")
        #expect(flags.count == 1 && flags[0].flag.rule == "manual" && flags[0].flag.message == "Raised by ahmed.k: Is this observation or opinion?")
        _ = try t.store.review(ReviewRequest(caseId: "C-0001", action: .accepted, recordId: "N2", rule: "manual", note: "It is observation"), by: "mia.manager")
        #expect(try t.store.flags(FlagQuery(caseId: "C-0001", on: Self.day), by: "ahmed.k").isEmpty)
        #expect(throws: StoreError.self) { try t.store.raiseFlag(caseId: "C-0001", recordId: "N2", severity: .check, reason: " ", by: "ahmed.k") }
    }

    @Test("a worker added to a case sees it; a manager of another team does not")
    func members() throws {
        let t = try team()
        #expect(try t.store.cases(visibleTo: "ahmed.k").map(\.id) == ["C-0001"])
        try t.store.addMember(caseId: "C-0002", user: "ahmed.k", by: "mia.manager")
        #expect(try t.store.cases(visibleTo: "ahmed.k").map(\.id) == ["C-0001", "C-0002"])
        #expect(throws: StoreError.self) { try t.store.addMember(caseId: "C-0001", user: "sam.t", by: "ahmed.k") }
        try t.store.addUser(User(name: "lee.m", role: .manager, teams: ["South"]), by: "mia.manager")
        #expect(try t.store.cases(visibleTo: "lee.m").isEmpty)
        #expect(throws: StoreError.caseNotFound("C-0002")) { try t.store.review(request(.signedOff, "C-0002"), by: "lee.m") }
    }

    @Test("the report's figures on a store with known counts")
    func report() throws {
        let t = try team()
        let r = try t.store.report(team: nil, from: nil, to: nil, on: Self.day, by: "mia.manager")
        #expect(r.cases == 2 && r.openFlags == 13)
        #expect(r.openFlagsByPractitioner == [TeamReport.Count(key: "sam.t", count: 13)])
        #expect(r.openFlagsByRule.count == 13 && r.openFlagsByRule.allSatisfy { $0.count == 1 })
        #expect(r.concernsDecided == 2)
        #expect(r.concernToDecisionMedianHours == 25.25 && r.concernToDecisionWorstHours == 49)
        #expect(r.decisionsByOutcome.first { $0.key == "share" }?.count == 2)
        #expect(r.decisionsByOutcome.first { $0.key == "do-not-share" }?.count == 0)
        #expect(r.disclosuresWithoutConsent == 2 && r.disclosuresWithoutConsentWithReasons == 1)
        #expect(r.oldestOpenFlag?.caseId == "C-0002")
        let march = try t.store.report(team: nil, from: Day("2026-03-01"), to: Day("2026-03-31"), on: Self.day, by: "mia.manager")
        #expect(march.disclosuresWithoutConsent == 1 && march.concernsDecided == 1 && march.concernToDecisionWorstHours == 49)
    }

    @Test("retention: closed cases due, keep with a reason, dispose leaving a tombstone and an intact audit trail")
    func retention() throws {
        let t = try team()
        var h = CaseHeader(try t.store.viewCase("C-0001", by: "mia.manager"))
        h.closed = Day("2026-03-01")
        h.retentionReviewBy = Day("2026-03-05")
        _ = try t.store.amend(.header(h), inCase: "C-0001", reason: "case closed", by: "mia.manager")
        #expect(try t.store.retentionDue(on: Self.day, by: "mia.manager").map(\.id) == ["C-0001"])
        #expect(throws: StoreError.self) { try t.store.dispose(caseId: "C-0001", reason: "x", by: "ahmed.k") }
        try t.store.retain(caseId: "C-0001", until: Day("2027-03-01")!, reason: "Sibling case still open", by: "mia.manager")
        #expect(try t.store.retentionDue(on: Self.day, by: "mia.manager").isEmpty)
        #expect(throws: StoreError.self) { try t.store.dispose(caseId: "C-0002", reason: "open case", by: "mia.manager") }
        try t.store.dispose(caseId: "C-0001", reason: "Retention period over; no further involvement", by: "mia.manager")
        #expect(throws: StoreError.caseNotFound("C-0001")) { try t.store.viewCase("C-0001", by: "mia.manager") }
        let tomb = try t.raw().read { try Row.fetchOne($0, sql: "SELECT * FROM tombstone") }
        let tombCase: String? = tomb?["caseId"], tombBy: String? = tomb?["disposedBy"], tombOpened: String? = tomb?["opened"]
        #expect(tombCase == "C-0001")
        #expect(tombBy == "mia.manager")
        #expect(tombOpened == "2026-02-02")
        let left = try t.raw().read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM recordVersion WHERE caseId = 'C-0001'") }
        #expect(left == 0)
        #expect(try t.store.verifyAudit().isIntact)
        #expect(throws: DatabaseError.self) { try t.raw().write { try $0.execute(sql: "DELETE FROM recordVersion") } }
    }
}
