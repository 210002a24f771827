import CaseworkCore
import TerminalKit

/// The manager's review queue, or a practitioner's returned items.
public struct QueueState: Sendable {
    public var returnedOnly: Bool
    public var items: [FlagEntry]?
    public var selected = 0
    public var worker: String?
    public var severity: Severity?
    public var rule: String?
    public var caseId: String?
    /// Every item before filters, for cycling through the values present.
    public var unfiltered: [FlagEntry] = []
    public init(returnedOnly: Bool) { self.returnedOnly = returnedOnly }
}

enum QueueAction: Hashable, Sendable { case move(Movement), open, severity, practitioner, rule, caseId, back, help }

/// A manager's review queue, or the items a manager returned to a practitioner.
enum QueueScreen {
    static let reviewKeys = KeyMap<QueueAction>(moving: QueueAction.move, [
        KeyBinding([.enter], .open, "Open the item: record, rule, source, history; R/A/X/S act on it", hint: "open"),
        KeyBinding([.char("s")], .severity, "Filter by severity", hint: "severity"),
        KeyBinding([.char("p")], .practitioner, "Filter by practitioner", hint: "practitioner"),
        KeyBinding([.char("u")], .rule, "Filter by rule", hint: "rule"),
        KeyBinding([.char("c")], .caseId, "Filter by case", hint: "case"),
        KeyBinding([.escape, .char("q")], .back, "Back", hint: "back"),
        KeyBinding([.char("?")], .help, "Help", hint: "help"),
    ])

    static let returnedKeys = KeyMap<QueueAction>(moving: QueueAction.move, [
        KeyBinding([.enter], .open, "Fix it: opens the record at the field the flag is about", hint: "fix it"),
        KeyBinding([.escape, .char("q")], .back, "Back", hint: "back"),
        KeyBinding([.char("?")], .help, "Help", hint: "help"),
    ])

    static func keys(_ q: QueueState) -> KeyMap<QueueAction> { q.returnedOnly ? returnedKeys : reviewKeys }

    /// Rows of the list on screen (each item takes two).
    static func rows(_ s: AppState) -> Int { max(1, (s.size.height - 5) / 2) }

    static func update(_ s: AppState, _ q: inout QueueState, _ key: Key) -> [Effect] {
        guard let action = keys(q).action(for: key) else { return [] }
        switch action {
        case .move(let m): q.selected = Selection.moved(q.selected, m, count: q.items?.count ?? 0, page: rows(s))
        case .open:
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
        case .severity:
            let order: [Severity?] = [nil, .missing, .check, .advice]
            q.severity = order[((order.firstIndex(of: q.severity) ?? 0) + 1) % order.count]
            q.selected = 0
            return [.loadQueue(query(s, q), returnedOnly: q.returnedOnly)]
        case .practitioner, .rule, .caseId:
            let source = q.unfiltered.isEmpty ? (q.items ?? []) : q.unfiltered
            if q.unfiltered.isEmpty { q.unfiltered = source }
            func cycle(_ current: String?, _ values: [String]) -> String? {
                let order: [String?] = [nil] + Array(Set(values + (current.map { [$0] } ?? []))).sorted()
                return order[((order.firstIndex(of: current) ?? 0) + 1) % order.count]
            }
            switch action {
            case .practitioner: q.worker = cycle(q.worker, source.map(\.worker))
            case .rule: q.rule = cycle(q.rule, source.map(\.flag.rule))
            default: q.caseId = cycle(q.caseId, source.map(\.flag.caseId))
            }
            q.selected = 0
            return [.loadQueue(query(s, q), returnedOnly: q.returnedOnly)]
        case .back: return [.pop]
        case .help: return [.showHelp]
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
        var f = Chrome.frame(s, title: title, hints: keys(q).hintLine)
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
        let height = rows(s)
        let first = Selection.firstShown(q.selected, count: items.count, rows: height)
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
