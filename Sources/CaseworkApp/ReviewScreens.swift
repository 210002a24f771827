import CaseworkCore
import TerminalKit

enum QueueScreen {
    static func update(_ s: inout AppState, _ q: inout QueueState, _ key: Key) -> [Effect] {
        let n = q.items?.count ?? 0
        switch key {
        case .up, .char("k"): q.selected = max(0, q.selected - 1)
        case .down, .char("j"): q.selected = min(max(0, n - 1), q.selected + 1)
        case .char("g"), .home: q.selected = 0
        case .char("G"), .end: q.selected = max(0, n - 1)
        case .enter:
            guard let items = q.items, q.selected < items.count else { return [] }
            let f = items[q.selected].flag
            var effects: [Effect] = [.push(.caseView(CaseViewState(caseId: f.caseId))), .loadCase(f.caseId)]
            if q.returnedOnly {
                effects.append(.editAfterLoad(caseId: f.caseId, recordId: f.recordId, field: f.recordField))
            } else {
                effects += [.push(.record(RecordState(caseId: f.caseId, recordId: f.recordId, rule: f.rule))),
                            .loadHistory(caseId: f.caseId, recordId: f.recordId)]
            }
            return effects
        case .char("s"):
            let order: [Severity?] = [nil, .missing, .check, .advice]
            q.severity = order[((order.firstIndex(of: q.severity) ?? 0) + 1) % order.count]
            q.selected = 0
            return [.loadQueue(query(s, q), returnedOnly: q.returnedOnly)]
        case .char("p"), .char("u"), .char("c"):
            let source = q.unfiltered.isEmpty ? (q.items ?? []) : q.unfiltered
            if q.unfiltered.isEmpty { q.unfiltered = source }
            func cycle(_ current: String?, _ values: [String]) -> String? {
                let order: [String?] = [nil] + Array(Set(values + (current.map { [$0] } ?? []))).sorted()
                return order[((order.firstIndex(of: current) ?? 0) + 1) % order.count]
            }
            switch key {
            case .char("p"): q.worker = cycle(q.worker, source.map(\.worker))
            case .char("u"): q.rule = cycle(q.rule, source.map(\.flag.rule))
            default: q.caseId = cycle(q.caseId, source.map(\.flag.caseId))
            }
            q.selected = 0
            return [.loadQueue(query(s, q), returnedOnly: q.returnedOnly)]
        case .escape, .char("q"): return [.pop]
        case .char("?"): s.showHelp = true
        default: break
        }
        return []
    }

    static func query(_ s: AppState, _ q: QueueState) -> FlagQuery {
        FlagQuery(caseId: q.caseId, severities: q.severity.map { [$0] }, rule: q.rule, worker: q.worker, on: s.today,
                  limit: shownAtMost, returnedOnly: q.returnedOnly)
    }

    /// The queue shows its oldest, worst items first; a busy store's long tail waits for filters.
    static let shownAtMost = 1000

    static func view(_ s: AppState, _ q: QueueState) -> Frame {
        let title = q.returnedOnly ? "Returned to you" : "Review queue"
        var f = Chrome.frame(s, title: title, hints: q.returnedOnly ? "Enter fix it  Esc back" : "Enter open  s severity  p practitioner  u rule  c case  Esc back")
        guard let items = q.items else {
            f.put("Loading…", x: 2, y: 2)
            return f
        }
        let w = s.size.width
        let counts = Severity.tally(items, \.flag.severity)
        let filters = [q.severity.map { "severity \($0.rawValue)" }, q.worker.map { "practitioner \($0)" }, q.rule.map { "rule \($0)" },
                       q.caseId.map { "case \($0)" }].compactMap { $0 }
        // Counts by severity are only true of a whole queue; a longer one says what it shows.
        let heading = items.count >= shownAtMost
            ? "More than \(shownAtMost) items: the worst and oldest \(shownAtMost) shown; filter to see the others"
            : "\(items.count) items (" + Severity.counts(counts) + ")"
        f.put(heading + (filters.isEmpty ? "" : " · " + filters.joined(separator: ", ")), x: 1, y: 1, width: w - 2, style: .bold)
        if items.isEmpty { f.put(q.returnedOnly ? "Nothing returned to you." : "Nothing to review.", x: 2, y: 3) }
        let perItem = 2
        let height = (s.size.height - 5) / perItem
        let first = max(0, min(q.selected - height + 1, max(0, items.count - height)))
        for (i, e) in items.enumerated().dropFirst(first).prefix(height) {
            let y = 2 + (i - first) * perItem
            let selected = i == q.selected
            let head = "[\(e.flag.severity.rawValue)] \(e.flag.caseId)/\(e.flag.recordId) \(e.flag.rule) · \(e.worker) · since \(e.since.short)"
                + (e.flag.returnedIn != nil && !q.returnedOnly ? " · returned" : "")
            f.put(head, x: 2, y: y, width: w - 3, style: selected ? .selected : Style(bold: true, tone: Chrome.tone(e.flag.severity)))
            let detail = q.returnedOnly ? "\(e.returned?.by ?? "manager"): \(e.returned?.note ?? "")" : e.flag.message
            f.put(detail, x: 4, y: y + 1, width: w - 5, style: .dim)
            if selected { f.cursor = Point(x: 2, y: y) }
        }
        return f
    }
}

enum ReportScreen {
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
        var f = Chrome.frame(s, title: "Team report", hints: "↑/↓ scroll  Esc back")
        guard r.report != nil else {
            f.put("Counting…", x: 2, y: 2)
            return f
        }
        let w = s.size.width
        let lines = lines(s, r), height = s.size.height - 4
        for (i, line) in lines.dropFirst(Scrolling.moved(r.scroll, lines: lines.count, height: height)).prefix(height).enumerated() {
            f.put(line.0, x: 1, y: 2 + i, width: w - 2, style: line.1)
        }
        f.cursor = Point(x: 1, y: 2)
        return f
    }
}
