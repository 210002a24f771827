import CaseworkCore
import TerminalKit

public struct ResumeState: Hashable, Sendable {
    public var drafts: [Draft]
    public var selected = 0
}

enum ResumeAction: Hashable, Sendable { case move(Movement), resume, discard, later, help }

let resumeKeys = KeyMap<ResumeAction>(moving: ResumeAction.move, [
    KeyBinding([.enter], .resume, "Resume this draft where you left it", hint: "resume"),
    KeyBinding([.char("x")], .discard, "Discard this draft", hint: "discard"),
    KeyBinding([.escape, .char("q")], .later, "Later: keep the drafts and go on", hint: "later"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// Drafts left by an interrupted session, offered back at the next start.
enum ResumeScreen {
    static func update(_ s: AppState, _ r: inout ResumeState, _ key: Key) -> [Effect] {
        guard let action = resumeKeys.action(for: key) else { return [] }
        switch action {
        case .move(let m): r.selected = Selection.moved(r.selected, m, count: r.drafts.count, page: s.size.height - 8)
        case .resume:
            guard r.selected < r.drafts.count, let form = FormState.decode(r.drafts[r.selected]) else { return [] }
            var effects: [Effect] = [.pop]
            if let caseId = form.caseId {
                var view = CaseViewState(caseId: caseId)
                view.selected = 0
                effects += [.push(.caseView(view)), .loadCase(caseId)]
            }
            return effects + [.openForm(form)]
        case .discard:
            guard r.selected < r.drafts.count else { return [] }
            let id = r.drafts[r.selected].id
            r.drafts.remove(at: r.selected)
            r.selected = Selection.clamped(r.selected, count: r.drafts.count)
            return r.drafts.isEmpty ? [.deleteDraft(id), .pop] : [.deleteDraft(id)]
        case .later: return [.pop]
        case .help: return [.showHelp]
        }
        return []
    }

    static func view(_ s: AppState, _ r: ResumeState) -> Frame {
        var f = Chrome.frame(s, title: "Unfinished work", hints: resumeKeys.hintLine)
        f.put("You have unfinished work from an earlier session. Nothing you typed was lost.", x: 2, y: 2, width: s.size.width - 4)
        for (i, d) in r.drafts.enumerated().prefix(s.size.height - 8) {
            let y = 4 + i
            let lastChance = d.lastOfferedAt == nil ? "" : "  (old: removed next time)"
            f.put("\(s.localTime.spoken(d.updatedAt, now: s.now))  \(d.title)\(lastChance)", x: 4, y: y, width: s.size.width - 6, style: i == r.selected ? .selected : .plain)
            if i == r.selected { f.cursor = Point(x: 4, y: y) }
        }
        return f
    }
}
