import CaseworkCore
import TerminalKit

/// The records whose words match a search, across every case the user may see.
public struct SearchState: Sendable {
    public var query: String
    public var hits: [SearchHit]?
    public var selected = 0

    public init(query: String) { self.query = query }
}

enum SearchAction: Hashable, Sendable { case move(Movement), next, previous, open, back, help }

let searchKeys = KeyMap<SearchAction>(moving: SearchAction.move, [
    KeyBinding([.enter], .open, "Open the case at the matching record (a view of the case, recorded)", hint: "open"),
    KeyBinding([.char("n")], .next, "Next match", hint: "next", hintKeys: "n/N"),
    KeyBinding([.char("N")], .previous, "Previous match"),
    KeyBinding([.escape, .char("q")], .back, "Back", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// Search results (Tab in the case list's search): case, child and record, never the record's text, which
/// is read only by opening the case.
enum SearchScreen {
    /// Results asked of the store at most; a search finding more says so.
    static let limit = 200

    static func update(_ s: AppState, _ r: inout SearchState, _ key: Key) -> [Effect] {
        guard let action = searchKeys.action(for: key) else { return [] }
        let count = r.hits?.count ?? 0
        switch action {
        case .move(let m): r.selected = Selection.moved(r.selected, m, count: count, page: max(1, s.size.height - 6))
        case .next: r.selected = count == 0 ? 0 : (r.selected + 1) % count
        case .previous: r.selected = count == 0 ? 0 : (r.selected + count - 1) % count
        case .open:
            guard let hits = r.hits, r.selected < hits.count else { return [] }
            var view = CaseViewState(caseId: hits[r.selected].caseId)
            view.focusRecord = hits[r.selected].recordId
            return [.push(.caseView(view)), .loadCase(view.caseId)]
        case .back: return [.pop]
        case .help: return [.showHelp]
        }
        return []
    }

    static func words(_ kind: RecordKind) -> String {
        switch kind {
        case .case: "case details"
        case .disclosure: "information shared or received"
        default: kind.rawValue
        }
    }

    static func view(_ s: AppState, _ r: SearchState) -> Frame {
        var f = Chrome.frame(s, title: "Search", hints: searchKeys.hintLine)
        let w = s.size.width
        guard let hits = r.hits else {
            f.put("Searching…", x: 2, y: 2)
            return f
        }
        let heading = hits.isEmpty ? "No record in the cases you may see has the words \"\(r.query)\"."
            : hits.count >= limit ? "The first \(limit) records with \"\(r.query)\"; add a word to narrow it"
            : "\(hits.count) \(hits.count == 1 ? "record has" : "records have") \"\(r.query)\" (\(Set(hits.map(\.caseId)).count) cases)"
        f.put(heading, x: 1, y: 1, width: w - 2, style: .bold)
        let rows = max(1, s.size.height - 5)
        let first = Selection.firstShown(r.selected, count: hits.count, rows: rows)
        for (i, h) in hits.enumerated().dropFirst(first).prefix(rows) {
            let y = 2 + i - first
            let line = padded(h.caseId, 10) + padded(h.childName, 22) + " " + (h.recordId == h.caseId ? "" : h.recordId + " ") + words(h.kind)
            f.put(line, x: 2, y: y, width: w - 3, style: i == r.selected ? .selected : .plain)
            if i == r.selected { f.cursor = Point(x: 2, y: y) }
        }
        return f
    }
}
