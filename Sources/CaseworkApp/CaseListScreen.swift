import CaseworkCore
import TerminalKit

public struct CaseListState: Hashable, Sendable {
    public var selected = 0
    /// Typing a search after `/`.
    public var search: TextBuffer?
    public var query = ""
    public var mineOnly = false
    public var flaggedOnly = false
    public init() {}
}

enum CaseListAction: Hashable, Sendable { case move(Movement), open, search, newCase, recordConcern, mine, flagged, drafts, samples, review, report, people, help, quit }

let caseListKeys = KeyMap<CaseListAction>(moving: CaseListAction.move, [
    KeyBinding([.enter], .open, "Open the case", hint: "open"),
    KeyBinding([.char("/")], .search, "Search: names and ids (Enter), or every record's words (Tab)", hint: "search"),
    KeyBinding([.char("c")], .recordConcern, "Record a concern about a new child: their words and the worry in one form, then the decision", hint: "concern"),
    KeyBinding([.char("n")], .newCase, "New case", hint: "new"),
    KeyBinding([.char("m")], .mine, "Mine only / all cases"),
    KeyBinding([.char("f")], .flagged, "Only cases with open flags / all", hint: "flagged"),
    KeyBinding([.char("d")], .drafts, "Unfinished drafts"),
    KeyBinding([.char("r")], .review, "Review queue (managers); items returned to you (practitioners)", hint: "review"),
    KeyBinding([.char("R")], .report, "Team report with charts (managers)"),
    KeyBinding([.char("U")], .people, "People and teams: add, remove, roles (managers; the administrator on the team store)"),
    KeyBinding([.char("L")], .samples, "Load the invented sample cases (empty store only)"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
    KeyBinding([.char("q")], .quit, "Quit", hint: "quit"),
])

enum CaseListScreen {
    /// The cases the list shows now: filtered in memory when every case is
    /// loaded, otherwise the store's page for the filters.
    struct Listing {
        var total: Int
        var offset: Int
        var entries: [CaseListEntry]

        func entry(_ i: Int) -> CaseListEntry? {
            i >= offset && i - offset < entries.count ? entries[i - offset] : nil
        }
    }

    static func filters(_ s: AppState, _ l: CaseListState) -> CaseListQuery {
        CaseListQuery(mineOnly: l.mineOnly, flaggedOnly: l.flaggedOnly, search: l.query, on: s.today)
    }

    static func listing(_ s: AppState, _ l: CaseListState) -> Listing {
        let page = s.caseList
        if page.isComplete {
            let q = filters(s, l)
            let entries = q.isFiltered ? page.entries.filter { q.matches($0, user: s.user.name) } : page.entries
            return Listing(total: entries.count, offset: 0, entries: entries)
        }
        return Listing(total: page.total, offset: page.query.offset, entries: page.entries)
    }

    /// The rows that may be on screen around the selection, whatever the banner.
    static func window(_ s: AppState, _ l: CaseListState) -> Range<Int> {
        max(0, l.selected - s.size.height)..<(l.selected + s.size.height)
    }

    /// The page the list needs: its filters, from a little before the rows on screen.
    static func query(_ s: AppState) -> CaseListQuery {
        guard case .caseList(let l) = s.stack[0] else { return CaseListQuery(on: s.today) }
        var q = filters(s, l)
        q.limit = max(200, 3 * s.size.height)
        q.offset = max(0, window(s, l).lowerBound - q.limit / 3)
        return q
    }

    /// Whether the loaded page is for other filters or does not hold the rows on screen.
    static func needsLoad(_ s: AppState, _ l: CaseListState) -> Bool {
        let page = s.caseList
        if page.isComplete { return false }
        let f = filters(s, l)
        if (page.query.mineOnly, page.query.flaggedOnly, page.query.search) != (f.mineOnly, f.flaggedOnly, f.search) { return true }
        let w = window(s, l), end = min(page.total, w.upperBound)
        return w.lowerBound < page.query.offset || end > page.query.offset + page.entries.count
    }

    static func update(_ s: AppState, _ l: inout CaseListState, _ key: Key) -> [Effect] {
        let effects = handle(s, &l, key)
        return needsLoad(s, l) ? effects + [.loadCases] : effects
    }

    /// Why a key cannot act now, for the status line and the help.
    static func disabled(_ s: AppState, _ l: CaseListState, _ action: CaseListAction) -> String? {
        switch action {
        case .report where !Access.may(s.user, .teamReport): "Only a manager runs the team report"
        case .people where !Access.canManageUsers(s.user): "Only a manager or the administrator manages people"
        case .samples where !(s.caseList.isEmptyStore && s.samplesAvailable): "The sample cases load only into an empty store"
        case .drafts where s.drafts.isEmpty: "No unfinished drafts"
        case .open where listing(s, l).total == 0: "No case to open"
        default: nil
        }
    }

    static func handle(_ s: AppState, _ l: inout CaseListState, _ key: Key) -> [Effect] {
        if var search = l.search {
            switch key {
            case .enter: l.search = nil
            case .escape: l.search = nil; l.query = ""
            case .tab where !SearchHit.words(search.text).isEmpty:
                // Every record's words, not only names and ids: the list itself is left unfiltered.
                l.search = nil; l.query = ""; l.selected = 0
                return [.push(.search(SearchState(query: search.text))), .runSearch(search.text)]
            default:
                search.handle(key, width: 40)
                l.search = search
                l.query = search.text
            }
            l.selected = 0
            return []
        }
        let state = l
        return caseListKeys.effects(for: key, refusalIsError: false, disabled: { disabled(s, state, $0) }) { act(s, &l, $0) }
    }

    static func act(_ s: AppState, _ l: inout CaseListState, _ action: CaseListAction) -> [Effect] {
        switch action {
        case .move(let m):
            l.selected = Selection.moved(l.selected, m, count: listing(s, l).total, page: max(1, s.size.height - 6))
        case .open:
            guard let id = listing(s, l).entry(l.selected)?.summary.id else { return [] }
            return [.push(.caseView(CaseViewState(caseId: id))), .loadCase(id)]
        case .search: l.search = TextBuffer(l.query)
        case .newCase:
            return [.startNewCase(.newCase)]
        case .recordConcern:
            return [.startNewCase(.recordConcern)]
        case .mine: l.mineOnly.toggle(); l.selected = 0
        case .flagged: l.flaggedOnly.toggle(); l.selected = 0
        case .drafts: return [.push(.resume(ResumeState(drafts: s.drafts)))]
        case .samples: return [.importSamples]
        case .review:
            let q = QueueState(returnedOnly: s.user.role != .manager)
            return [.push(.queue(q)), .loadQueue(QueueScreen.query(s, q), returnedOnly: q.returnedOnly)]
        case .report: return [.push(.report(ReportState())), .loadReport]
        case .people: return [.push(.people(PeopleState())), .loadPeople]
        case .help: return [.showHelp]
        case .quit: return [.quit]
        }
        return []
    }

    static func view(_ s: AppState, _ l: CaseListState) -> Frame {
        let filter = [l.mineOnly ? "mine" : "all cases", l.flaggedOnly ? "with open flags" : nil, l.query.isEmpty ? nil : "matching \"\(l.query)\""]
            .compactMap { $0 }.joined(separator: ", ")
        var f = Chrome.frame(s, title: "Cases (\(filter))", hints: caseListKeys.hintLine { disabled(s, l, $0) })
        let w = s.size.width
        let flagsW = 26, workerW = 12, dateW = w >= 100 ? 16 : 10, idW = 8
        let childW = max(10, w - 2 - idW - workerW - dateW - flagsW - 4)
        let cols = [(idW, "ID"), (childW, "CHILD"), (workerW, "WORKER"), (dateW, "UPDATED"), (flagsW, "OPEN FLAGS")]
        func row(_ cells: [String], y: Int, style: Style) {
            var x = 1
            for (i, cell) in cells.enumerated() {
                f.put(DisplayWidth.pad(cell, to: cols[i].0), x: x, y: y, width: cols[i].0, style: style)
                x += cols[i].0 + 1
            }
        }
        var top = 2
        let mine = s.returned.filter { $0.worker == s.user.name }
        if !mine.isEmpty {
            let first = mine[0]
            f.put("Returned to you: \(mine.count) (press r) · \(first.flag.caseId)/\(first.flag.recordId) \(first.flag.rule) · \(first.returned?.by ?? ""): \(first.returned?.note ?? "")",
                  x: 1, y: 1, width: w - 2, style: Style(bold: true, tone: .missing))
            top = 3
        }
        row(cols.map(\.1), y: top - 1, style: .bold)
        let list = listing(s, l)
        let height = s.size.height - 2 - top
        if s.caseList.isEmptyStore {
            f.put("No cases yet.", x: 2, y: 3)
            f.cursor = Point(x: 2, y: 3)
            let text = s.samplesAvailable
                ? "Press c to record a concern about a child (it starts their case), n to start a case, or L to load the invented sample cases and see a real workbook at once."
                : "Press c to record a concern about a child (it starts their case), n to start a case, or import case files with `casework import`."
            for (i, line) in Wrap.lines(text, width: w - 4).enumerated() { f.put(line, x: 2, y: 5 + i) }
        } else if list.total == 0 {
            f.put("No case matches.", x: 2, y: 3)
            f.cursor = Point(x: 2, y: 3)
        }
        let first = Selection.firstShown(l.selected, count: list.total, rows: height)
        for i in first..<min(list.total, first + height) {
            guard let e = list.entry(i) else { continue }
            let y = top + i - first
            let selected = i == l.selected
            let date = dateW == 16 ? s.localTime.spoken(e.summary.lastActivity, now: s.now, briefBeforeThisYear: true)
                : s.localTime.wall(e.summary.lastActivity).day.description
            row([e.summary.id, e.summary.childName, e.summary.worker, date, Chrome.counts(e.openFlags)], y: y,
                style: selected ? .selected : .plain)
            if selected { f.cursor = Point(x: 1, y: y) }
        }
        if let search = l.search {
            f.fill(y: s.size.height - 2, style: .plain)
            let used = f.put("Search: ", x: 1, y: s.size.height - 2, style: .bold)
            f.put(search.text, x: 1 + used, y: s.size.height - 2)
            let tip = "   Enter: names and ids · Tab: every record's words"
            let at = 1 + used + DisplayWidth.of(search.text)
            if at + DisplayWidth.of(tip) < s.size.width { f.put(tip, x: at, y: s.size.height - 2, style: .dim) }
            f.cursor = Point(x: 1 + used + search.cursorPosition(width: 200).column, y: s.size.height - 2)
        }
        return f
    }
}
