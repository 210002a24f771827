import Foundation
import TerminalKit

/// The figures a manager takes to supervision, from the cases and open
/// flags they can see, over a period. Pure.
public struct TeamReport: Hashable, Sendable, Codable {
    public struct Count: Hashable, Sendable, Codable {
        public var key: String
        public var count: Int

        public init(key: String, count: Int) { self.key = key; self.count = count }
    }

    public struct OldestFlag: Hashable, Sendable, Codable {
        public var caseId: String
        public var recordId: String
        public var rule: String
        public var since: String
        public var days: Int
    }

    /// One practitioner's caseload for supervision: their cases, decisions left unfinished and open flags.
    public struct Practitioner: Hashable, Sendable, Codable {
        public var name: String
        public var cases: Int
        public var unfinishedDecisions: Int
        public var openFlags: Int
    }

    public var from: String?
    public var to: String?
    public var team: String?
    /// When the report was made (ISO 8601) and by whom.
    public var madeAt: String?
    public var madeBy: String?
    public var cases: Int
    public var openFlags: Int
    public var openFlagsByRule: [Count]
    public var openFlagsByPractitioner: [Count]
    public var oldestOpenFlag: OldestFlag?
    /// Hours from a concern being recorded to the first decision with an outcome on it.
    public var concernToDecisionMedianHours: Double?
    public var concernToDecisionWorstHours: Double?
    public var concernsDecided: Int
    public var decisionsByOutcome: [Count]
    public var disclosuresWithoutConsent: Int
    public var disclosuresWithoutConsentWithReasons: Int
    /// Per practitioner, most open flags first.
    public var practitioners: [Practitioner] = []
    /// The reviews written in the period by what they did, in this order: returned, accepted, escalated, signed-off.
    public var reviewsByAction: [Count] = []
    /// Items returned more than `returnedOverdueDays` days ago and still open.
    public var returnedOverdue: Int = 0

    /// How long a returned item may wait for its practitioner before the report counts it overdue.
    public static let returnedOverdueDays = 7

    public static func compute(cases: [Case], openFlags: [FlagEntry], from: Day?, to: Day?, team: String?, today: Day,
                               madeBy: String? = nil, madeAt: Timestamp? = nil) -> TeamReport {
        var tally = Tally(from: from, to: to, today: today)
        for c in cases { tally.add(c) }
        for e in openFlags { tally.add(openFlag: e) }
        return tally.report(team: team, madeBy: madeBy, madeAt: madeAt)
    }

    /// The report's figures gathered one case and one open flag at a time, so that a store can
    /// make the report as it reads, holding a batch of cases rather than all of them. Tallies of
    /// separate cases merge; open flags are added in the queue's order (the oldest is the first
    /// of the earliest).
    public struct Tally: Sendable {
        let from: Day?, to: Day?, today: Day
        var cases = 0
        var waits = Waits()
        var outcomes: [String: Int] = [:]
        var withoutConsent = 0, withReasons = 0
        var reviewActions: [String: Int] = [:]
        var caseload: [String: Practitioner] = [:]
        var openFlags = 0
        var byRule: [String: Int] = [:]
        var byWorker: [String: Int] = [:]
        var oldest: (instant: Double, flag: OldestFlag)?
        var overdue = 0

        public init(from: Day?, to: Day?, today: Day) { self.from = from; self.to = to; self.today = today }

        func inPeriod(_ t: Timestamp?) -> Bool {
            guard let t else { return false }
            if let from, t.localDay < from { return false }
            if let to, t.localDay > to { return false }
            return true
        }

        public mutating func add(_ c: Case) {
            cases += 1
            caseload[c.worker, default: Practitioner(name: c.worker, cases: 0, unfinishedDecisions: 0, openFlags: 0)].cases += 1
            caseload[c.worker]!.unfinishedDecisions += c.decisions.filter { $0.outcome == nil }.count
            for r in c.reviews where inPeriod(r.at) { reviewActions[r.action.rawValue, default: 0] += 1 }
            for d in c.decisions where inPeriod(d.decidedAt) {
                if let o = d.outcome { outcomes[o.rawValue, default: 0] += 1 }
            }
            for k in c.concerns where inPeriod(k.recorded) {
                let decided = c.decisions.filter { $0.concernId == k.id && $0.outcome != nil }.map(\.decidedAt).min()
                if let decided { waits.append(max(0, (decided.instant - k.recorded.instant) / 3600)) }
            }
            for x in c.disclosures where x.direction == .outgoing && x.consentStatus?.isWithoutConsent == true && inPeriod(x.when) {
                withoutConsent += 1
                if !x.reasons.isBlank { withReasons += 1 }
            }
        }

        public mutating func add(openFlag e: FlagEntry) {
            openFlags += 1
            byRule[e.flag.rule, default: 0] += 1
            byWorker[e.worker, default: 0] += 1
            caseload[e.worker, default: Practitioner(name: e.worker, cases: 0, unfinishedDecisions: 0, openFlags: 0)].openFlags += 1
            if oldest.map({ e.since.instant < $0.instant }) ?? true {
                oldest = (e.since.instant, OldestFlag(caseId: e.flag.caseId, recordId: e.flag.recordId, rule: e.flag.rule, since: e.since.text,
                                                      days: max(0, today.ordinal - e.since.localDay.ordinal)))
            }
            if e.returned.map({ today.ordinal - $0.at.localDay.ordinal > returnedOverdueDays }) ?? false { overdue += 1 }
        }

        /// Everything counted so far, leaving this tally empty (so no copy of its waits is kept).
        public mutating func take() -> Tally {
            var out = Tally(from: from, to: to, today: today)
            swap(&out, &self)
            return out
        }

        /// Adds the cases another tally counted (over the same period); open flags are not merged.
        public mutating func merge(cases other: Tally) {
            cases += other.cases
            waits.append(contentsOf: other.waits)
            outcomes.merge(other.outcomes, uniquingKeysWith: +)
            withoutConsent += other.withoutConsent
            withReasons += other.withReasons
            reviewActions.merge(other.reviewActions, uniquingKeysWith: +)
            caseload.merge(other.caseload) { a, b in
                Practitioner(name: a.name, cases: a.cases + b.cases, unfinishedDecisions: a.unfinishedDecisions + b.unfinishedDecisions,
                             openFlags: a.openFlags + b.openFlags)
            }
        }

        /// The report. Mutating: the waits are sorted where they lie and left empty, rather than copied.
        public mutating func report(team: String?, madeBy: String? = nil, madeAt: Timestamp? = nil) -> TeamReport {
            func counts(_ tally: [String: Int]) -> [Count] {
                tally.map { Count(key: $0.key, count: $0.value) }.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
            }
            let decided = waits.count
            let median = waits.takeMedianAndWorst()
            let byAction = ReviewAction.allCases.map { a in Count(key: a.rawValue, count: reviewActions[a.rawValue] ?? 0) }
            var byOutcome = counts(outcomes)
            for o in Outcome.allCases where !byOutcome.contains(where: { $0.key == o.rawValue }) { byOutcome.append(Count(key: o.rawValue, count: 0)) }
            return TeamReport(from: from?.description, to: to?.description, team: team, madeAt: madeAt?.text, madeBy: madeBy,
                              cases: cases, openFlags: openFlags,
                              openFlagsByRule: counts(byRule), openFlagsByPractitioner: counts(byWorker),
                              oldestOpenFlag: oldest?.flag, concernToDecisionMedianHours: median?.median, concernToDecisionWorstHours: median?.worst,
                              concernsDecided: decided, decisionsByOutcome: byOutcome,
                              disclosuresWithoutConsent: withoutConsent, disclosuresWithoutConsentWithReasons: withReasons,
                              practitioners: caseload.values.sorted { ($0.openFlags, $0.unfinishedDecisions, $1.name) > ($1.openFlags, $1.unfinishedDecisions, $0.name) },
                              reviewsByAction: byAction, returnedOverdue: overdue)
        }
    }
}

extension TeamReport {
    /// "median 25.2 hours, worst 49.0 hours (2 concerns)", as the command line and the printed page say it.
    public var concernToDecisionInWords: String {
        func hours(_ h: Double?) -> String { h.map { String(format: "%.1f hours", $0) } ?? "none decided" }
        return "median \(hours(concernToDecisionMedianHours)), worst \(hours(concernToDecisionWorstHours)) (\(concernsDecided) concerns)"
    }
}

extension TeamReport.Count {
    /// Counts drawn as bars of `glyph`, the largest `barWidth` long, each after its label (padded to the
    /// longest, at most `labelWidth`) and before its number: the team report on screen and on the command line.
    public static func bars(_ counts: [Self], barWidth: Int, glyph: Character, labelWidth: Int = 36) -> [String] {
        let width = min(labelWidth, counts.map { DisplayWidth.of($0.key) }.max() ?? 0)
        let top = max(1, counts.map(\.count).max() ?? 1)
        return counts.map {
            "  " + DisplayWidth.pad(Sanitiser.clean($0.key), to: width) + "  " + String(repeating: glyph, count: max(1, $0.count * barWidth / top)) + " \($0.count)"
        }
    }
}
