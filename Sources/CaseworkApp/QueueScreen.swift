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
    /// A review action on the selected item being written.
    public var prompt: ReviewPrompt?
    /// The rule filter being chosen.
    public var rulePicker: RulePicker?
    public init(returnedOnly: Bool) { self.returnedOnly = returnedOnly }
}

/// The rule filter being chosen from the rules in the queue, narrowed by what is typed.
public struct RulePicker: Sendable {
    public var typed = TextBuffer()
    public var selected = 0

    /// "Every rule" first, then each rule in the queue with its count, most items first, narrowed by the typed text.
    static func options(_ typed: String, _ items: [FlagEntry]) -> [(rule: String?, count: Int)] {
        var counts: [String: Int] = [:]
        for e in items { counts[e.flag.rule, default: 0] += 1 }
        let needle = typed.lowercased().trimmingCharacters(in: .whitespaces)
        let rules = counts.keys.filter { needle.isEmpty || $0.contains(needle) }.sorted { (counts[$0]!, $1) > (counts[$1]!, $0) }
        return (needle.isEmpty ? [(nil, items.count)] : []) + rules.map { ($0, counts[$0]!) }
    }
}

enum QueueAction: Hashable, Sendable {
    case move(Movement), open, severity, practitioner, rule, caseId, back, help
    case returnFlag, accept, escalate, signOff
}

/// A manager's review queue, or the items a manager returned to a practitioner.
enum QueueScreen {
    static let reviewKeys = KeyMap<QueueAction>(moving: QueueAction.move, [
        KeyBinding([.enter], .open, "Open the item: record, rule, source, history", hint: "open"),
        KeyBinding([.char("R")], .returnFlag, "Return the selected flag to the practitioner with a note", hint: "return"),
        KeyBinding([.char("A")], .accept, "Accept the selected check or advice flag with a note", hint: "accept"),
        KeyBinding([.char("X")], .escalate, "Escalate the selected flag with a note (Tab chooses to whom)"),
        KeyBinding([.char("S")], .signOff, "Sign off the selected item's decision with a note"),
        KeyBinding([.char("s")], .severity, "Filter by severity", hint: "filter", hintKeys: "s/p/u/c"),
        KeyBinding([.char("p")], .practitioner, "Filter by practitioner"),
        KeyBinding([.char("u")], .rule, "Filter by rule: pick from the rules in the queue, or type part of one"),
        KeyBinding([.char("c")], .caseId, "Filter by case"),
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
    /// Items that fit on one page: two lines each, above the returned note's panel when it has one.
    static func rows(_ s: AppState, _ q: QueueState) -> Int { max(1, (s.size.height - 5 - (q.returnedOnly ? notePanel : 0)) / 2) }

    /// Lines kept below a practitioner's returned items for the selected one's note, whole.
    static let notePanel = 7

    /// Why a key cannot act on the selected item now.
    static func disabled(_ q: QueueState, _ action: QueueAction) -> String? {
        guard [.returnFlag, .accept, .escalate, .signOff].contains(action) else { return nil }
        guard let items = q.items, q.selected < items.count else { return "Nothing selected" }
        let f = items[q.selected].flag
        switch action {
        case .accept: return ReviewRules.acceptRefusal(f).map(sentence)
        case .signOff:
            return ReviewRules.signOffRefusal(f.recordId, caseId: f.caseId, openFlags: items.map(\.flag).filter { $0.caseId == f.caseId })
                .map(sentence)
        default: return nil
        }
    }

    static func update(_ s: AppState, _ q: inout QueueState, _ key: Key) -> [Effect] {
        if q.prompt != nil { return ReviewPrompt.update(&q.prompt, key) }
        if q.rulePicker != nil { return pick(s, &q, key) }
        let state = q
        return keys(q).effects(for: key, disabled: { disabled(state, $0) }) { act(s, &q, $0) }
    }

    /// A key while the rule filter is being chosen: move, type to narrow, Enter picks, Esc leaves it as it was.
    static func pick(_ s: AppState, _ q: inout QueueState, _ key: Key) -> [Effect] {
        guard var p = q.rulePicker else { return [] }
        let options = RulePicker.options(p.typed.text, q.unfiltered)
        switch key {
        case .escape: q.rulePicker = nil
        case .up: p.selected = max(0, p.selected - 1); q.rulePicker = p
        case .down: p.selected = Selection.clamped(p.selected + 1, count: options.count); q.rulePicker = p
        case .enter:
            guard p.selected < options.count else { return [.say(Message("No rule in the queue matches what you typed", isError: true))] }
            q.rule = options[p.selected].rule
            q.rulePicker = nil
            q.selected = 0
            return [.loadQueue(query(s, q), returnedOnly: q.returnedOnly)]
        default:
            p.typed.handle(key, width: 200)
            p.selected = 0
            q.rulePicker = p
        }
        return []
    }

    static func act(_ s: AppState, _ q: inout QueueState, _ action: QueueAction) -> [Effect] {
        switch action {
        case .move(let m): q.selected = Selection.moved(q.selected, m, count: q.items?.count ?? 0, page: rows(s, q))
        case .open:
            guard let items = q.items, q.selected < items.count else { return [] }
            let f = items[q.selected].flag
            var effects: [Effect] = [.push(.caseView(CaseViewState(caseId: f.caseId))), .loadCase(f.caseId)]
            if q.returnedOnly {
                effects.append(.editAfterLoad(caseId: f.caseId, recordId: f.recordId, field: f.recordField))
                if let review = f.returnedIn { effects.append(.markReturnedRead(caseId: f.caseId, reviewId: review)) }
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
        case .returnFlag, .accept, .escalate, .signOff:
            guard let items = q.items, q.selected < items.count else { return [] }
            let f = items[q.selected].flag
            let a: ReviewAction = action == .returnFlag ? .returned : action == .accept ? .accepted : action == .escalate ? .escalated : .signedOff
            q.prompt = ReviewPrompt(action: a, caseId: f.caseId, recordId: f.recordId, rule: a == .signedOff ? nil : f.rule)
        case .rule:
            if q.unfiltered.isEmpty { q.unfiltered = q.items ?? [] }
            q.rulePicker = RulePicker()
        case .practitioner, .caseId:
            let source = q.unfiltered.isEmpty ? (q.items ?? []) : q.unfiltered
            if q.unfiltered.isEmpty { q.unfiltered = source }
            func cycle(_ current: String?, _ values: [String]) -> String? {
                let order: [String?] = [nil] + Array(Set(values + (current.map { [$0] } ?? []))).sorted()
                return order[((order.firstIndex(of: current) ?? 0) + 1) % order.count]
            }
            switch action {
            case .practitioner: q.worker = cycle(q.worker, source.map(\.worker))
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
        var f = Chrome.frame(s, title: title, hints: keys(q).hintLine { disabled(q, $0) })
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
            : "\(items.count) \(items.count == 1 ? "item" : "items") (" + Severity.counts(counts) + ")"
        f.put(heading + (filters.isEmpty ? "" : " · " + filters.joined(separator: ", ")), x: 1, y: 1, width: w - 2, style: .bold)
        if items.isEmpty { f.put(q.returnedOnly ? "Nothing returned to you." : "Nothing to review.", x: 2, y: 3) }
        let perItem = 2
        let height = rows(s, q)
        let first = Selection.firstShown(q.selected, count: items.count, rows: height)
        for (i, e) in items.enumerated().dropFirst(first).prefix(height) {
            let y = 2 + (i - first) * perItem
            let selected = i == q.selected
            let head = "[\(e.flag.severity.rawValue)] \(e.flag.caseId)/\(e.flag.recordId) \(e.flag.rule) · \(e.worker) · since \(s.localTime.spoken(e.since, now: s.now))"
            f.put(head, x: 2, y: y, width: w - 3, style: selected ? .selected : Style(bold: true, tone: Chrome.tone(e.flag.severity)))
            let detail = q.returnedOnly ? "\(e.returned?.by ?? "manager"): \(e.returned?.note ?? "")"
                : (s.changedSinceReview[e.flag.caseId]?.contains(e.flag.recordId) == true ? "* Changed since your review · " : "")
                    + (e.flag.returnedIn == nil ? "" : sentence(returnedWords(s, e)) + " · ")
                    + (e.escalated.map { "\($0.note) (\(s.localTime.spoken($0.at, now: s.now))) · " } ?? "") + e.flag.message
            f.put(detail, x: 4, y: y + 1, width: w - 5, style: .dim)
            if selected { f.cursor = Point(x: 2, y: y) }
        }
        if q.returnedOnly, q.selected < items.count, let review = items[q.selected].returned { drawNote(&f, s, review) }
        if let p = q.rulePicker { drawPicker(&f, s, p, q.unfiltered) }
        q.prompt?.draw(&f, s)
        return f
    }

    /// "returned, read 10:05" once the practitioner has opened it, or "returned, not read yet".
    static func returnedWords(_ s: AppState, _ e: FlagEntry) -> String {
        e.returnedRead.map { "returned, read \(s.localTime.spoken($0, now: s.now))" } ?? "returned, not read yet"
    }

    /// The selected returned item's note, whole (wrapped), in the panel above the hints.
    static func drawNote(_ f: inout Frame, _ s: AppState, _ review: Review) {
        let w = s.size.width, top = s.size.height - 2 - notePanel
        f.put("Note from \(review.by), \(s.localTime.spoken(review.at, now: s.now)):", x: 2, y: top, width: w - 4, style: .bold)
        let lines = Wrap.lines(review.note, width: max(1, w - 6))
        let room = notePanel - 1
        for (i, line) in lines.prefix(room).enumerated() {
            let cut = i == room - 1 && lines.count > room
            f.put(cut ? line + " … (Enter opens it; the note is on the form)" : line, x: 4, y: top + 1 + i, width: w - 6)
        }
    }

    /// The rule picker, drawn over the list: what is typed, then the rules that match with their counts.
    static func drawPicker(_ f: inout Frame, _ s: AppState, _ p: RulePicker, _ items: [FlagEntry]) {
        let w = s.size.width, top = 2, height = max(3, s.size.height - 5)
        for y in top..<(top + height) { f.fill(y: y, style: .plain) }
        let label = "Rule (type to narrow, Enter picks, Esc leaves it): "
        let used = f.put(label, x: 2, y: top, width: w - 4, style: .bold)
        f.put(p.typed.text, x: 2 + used, y: top, width: max(1, w - 4 - used))
        let options = RulePicker.options(p.typed.text, items)
        if options.isEmpty { f.put("No rule in the queue matches.", x: 4, y: top + 1, width: w - 6, style: .dim) }
        let rows = height - 1
        let first = Selection.firstShown(p.selected, count: options.count, rows: rows)
        for (i, o) in options.enumerated().dropFirst(first).prefix(rows) {
            let text = (o.rule ?? "every rule") + " (\(o.count))"
            f.put(text, x: 4, y: top + 1 + i - first, width: w - 6, style: i == p.selected ? .selected : .plain)
        }
        f.cursor = Point(x: min(w - 1, 2 + used + DisplayWidth.of(p.typed.text)), y: top)
    }
}
