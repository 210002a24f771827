import CaseworkCore
import TerminalKit

public struct ReportState: Sendable {
    public var report: TeamReport?
    public var scroll = 0
}

/// The team report for a manager: counts, times and bar charts, scrolled as one text.
enum ReportScreen {
    static func update(_ s: AppState, _ r: inout ReportState, _ key: Key) -> [Effect] {
        ScrollAction.handle(key, offset: &r.scroll, lines: lines(s, r).count, height: s.size.height - 4)
    }

    /// The report line by line at this width.
    static func lines(_ s: AppState, _ r: ReportState) -> [(String, Style)] {
        guard let report = r.report else { return [] }
        let w = s.size.width
        var lines: [(String, Style)] = []
        lines.append(("Cases: \(report.cases) · open flags: \(report.openFlags)", .bold))
        if let o = report.oldestOpenFlag { lines.append(("Oldest open flag: \(o.rule) on \(o.caseId)/\(o.recordId), \(o.days) days", .plain)) }
        func hours(_ h: Double?) -> String { h.map { String(format: "%.1f h", $0) } ?? "none decided" }
        lines.append(("Concern to decision: median \(hours(report.concernToDecisionMedianHours)), worst \(hours(report.concernToDecisionWorstHours))", .plain))
        lines.append(("Decisions: " + report.decisionsByOutcome.map { "\($0.key) \($0.count)" }.joined(separator: " · "), .plain))
        lines.append(("Disclosures without consent: \(report.disclosuresWithoutConsent), reasons recorded for \(report.disclosuresWithoutConsentWithReasons)", .plain))
        let reviews = report.reviewsByAction.map { "\($0.key) \($0.count)" }.joined(separator: " · ")
        lines.append(("Reviews: \(reviews)", .plain))
        lines.append(("Returned and still open after \(TeamReport.returnedOverdueDays) days: \(report.returnedOverdue)", .plain))
        if let by = report.madeBy, let at = report.madeAt.flatMap(Timestamp.init) {
            lines.append(("Made \(s.localTime.spoken(at, now: s.now)) by \(by)", .dim))
        }
        lines.append(("", .plain))
        lines.append(("Practitioners: cases · unfinished decisions · open flags", .bold))
        let nameW = min(24, report.practitioners.map { DisplayWidth.of($0.name) }.max() ?? 0)
        for p in report.practitioners {
            lines.append(("  " + DisplayWidth.pad(Sanitiser.clean(p.name), to: nameW) + "  \(p.cases) · \(p.unfinishedDecisions) · \(p.openFlags)", .plain))
        }
        if report.practitioners.isEmpty { lines.append(("  none", .dim)) }
        for (title, counts) in [("Open flags by rule", report.openFlagsByRule), ("Open flags by practitioner", report.openFlagsByPractitioner)] {
            lines.append(("", .plain))
            lines.append((title, .bold))
            let labelW = min(36, counts.map { DisplayWidth.of($0.key) }.max() ?? 0)
            lines += TeamReport.Count.bars(counts, barWidth: max(5, w - labelW - 15), glyph: "█").map { ($0, .plain) }
            if counts.isEmpty { lines.append(("  none", .dim)) }
        }
        return lines
    }

    static func view(_ s: AppState, _ r: ReportState) -> Frame {
        Chrome.textScreen(s, title: "Team report", lines: r.report.map { _ in lines(s, r) }, scroll: r.scroll, x: 1, waiting: "Counting…")
    }
}
