import CaseworkCore
import TerminalKit

/// The practitioner's review before a copy of the case goes to the child and family: each passage left
/// out by default, as held and why, any of which may be included after all.
public struct FamilyCopyState: Sendable {
    public var caseId: String
    public var passages: [FamilyCopy.Passage]
    /// Passages the practitioner chose to include after all.
    public var released: Set<String> = []
    public var selected = 0

    public init(caseId: String, passages: [FamilyCopy.Passage]) { self.caseId = caseId; self.passages = passages }

    /// What the copy leaves out, as confirmed.
    public var withholding: Set<String> { Set(passages.map(\.id)).subtracting(released) }
}

enum FamilyCopyAction: Hashable, Sendable { case move(Movement), toggle, write, back, help }

let familyCopyKeys = KeyMap<FamilyCopyAction>(moving: FamilyCopyAction.move, [
    KeyBinding([.char(" ")], .toggle, "Include the selected passage after all, or leave it out again", hint: "include/leave out", hintKeys: "Space"),
    KeyBinding([.enter], .write, "Confirm what is left out and write the copy (Markdown and HTML); recorded in the case's audit trail",
               hint: "write the copy"),
    KeyBinding([.escape, .char("q")], .back, "Back, writing nothing", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// `F` in a case: the copy for the family (004 "Access to personal information").
enum FamilyCopyScreen {
    static func update(_ s: AppState, _ r: inout FamilyCopyState, _ key: Key) -> [Effect] {
        guard let action = familyCopyKeys.action(for: key) else { return [] }
        switch action {
        case .move(let m): r.selected = Selection.moved(r.selected, m, count: r.passages.count, page: max(1, (s.size.height - 8) / 2))
        case .toggle:
            guard r.selected < r.passages.count else { return [] }
            let id = r.passages[r.selected].id
            if r.released.contains(id) { r.released.remove(id) } else { r.released.insert(id) }
        case .write: return [.writeFamilyCopy(caseId: r.caseId, withholding: r.withholding)]
        case .back: return [.pop]
        case .help: return [.showHelp]
        }
        return []
    }

    static func view(_ s: AppState, _ r: FamilyCopyState) -> Frame {
        var f = Chrome.frame(s, title: "A copy for the family · \(r.caseId)", hints: familyCopyKeys.hintLine)
        let w = s.size.width
        let intro = r.passages.isEmpty
            ? "Nothing needs leaving out. Enter writes the copy in plain words: no record ids, rule ids, user names or codes."
            : "Left out unless you include it: \(r.withholding.count) of \(r.passages.count). Check each, then Enter writes the copy in plain words "
              + "(no record ids, rule ids, user names or codes); each gap in it says why (004 'Access to personal information')."
        var y = 1
        for l in Wrap.lines(intro, width: w - 3) { f.put(l, x: 1, y: y, width: w - 2, style: .bold); y += 1 }
        y += 1
        let rows = max(1, (s.size.height - y - 2) / 2)
        let first = Selection.firstShown(r.selected, count: r.passages.count, rows: rows)
        for (i, p) in r.passages.enumerated().dropFirst(first).prefix(rows) {
            let mark = r.released.contains(p.id) ? "[included] " : "[left out] "
            let style: Style = i == r.selected ? .selected : .plain
            f.put(mark + p.recordId + "  " + p.text, x: 2, y: y, width: w - 3, style: style)
            f.put("why: " + p.reason.words, x: 6, y: y + 1, width: w - 7, style: .dim)
            if i == r.selected { f.cursor = Point(x: 2, y: y) }
            y += 2
        }
        if r.passages.isEmpty { f.cursor = Point(x: 1, y: 1) }
        return f
    }
}
