import CaseworkCore
import TerminalKit

/// The unfinished-work list: drafts offered back at the start after an interrupted session,
/// or opened from the case list at any time.
public struct ResumeState: Hashable, Sendable {
    /// Most recently changed first.
    public var drafts: [Draft]
    public var selected = 0
    /// Shown at the start of a session (worded for work left by an earlier one).
    public var atStart: Bool
    /// `x` was pressed: the next key confirms (`y`) or keeps the selected draft.
    public var confirmingDiscard = false
    /// The draft discarded last, which `u` brings back while this screen is open.
    public var discarded: Draft?

    public init(drafts: [Draft], atStart: Bool = false) {
        self.drafts = drafts.sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
        self.atStart = atStart
    }
}

enum ResumeAction: Hashable, Sendable { case move(Movement), resume, discard, undo, later, help }

let resumeKeys = KeyMap<ResumeAction>(moving: ResumeAction.move, [
    KeyBinding([.enter], .resume, "Resume this draft where you left it", hint: "resume"),
    KeyBinding([.char("x")], .discard, "Discard this draft (asks first)", hint: "discard"),
    KeyBinding([.char("u")], .undo, "Undo: bring back the draft just discarded", hint: "undo"),
    KeyBinding([.escape, .char("q")], .later, "Later: keep the drafts and go on", hint: "later"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// Drafts left unfinished: resumed, kept for later, or discarded after asking once (and undone).
enum ResumeScreen {
    static func update(_ s: AppState, _ r: inout ResumeState, _ key: Key) -> [Effect] {
        if r.confirmingDiscard {
            r.confirmingDiscard = false
            guard key == .char("y") || key == .char("Y"), r.selected < r.drafts.count else {
                return [.say(Message("Kept: nothing was discarded."))]
            }
            let draft = r.drafts.remove(at: r.selected)
            r.selected = Selection.clamped(r.selected, count: r.drafts.count)
            r.discarded = draft
            return [.deleteDraft(draft.id), .say(Message("Discarded \(draft.title). u brings it back."))]
        }
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
            r.confirmingDiscard = true
        case .undo:
            guard let draft = r.discarded else { return [.say(Message("Nothing to undo."))] }
            r.discarded = nil
            r = ResumeState(drafts: r.drafts + [draft], atStart: r.atStart)
            r.selected = r.drafts.firstIndex { $0.id == draft.id } ?? 0
            return [.saveDraft(draft), .say(Message("Brought back \(draft.title)."))]
        case .later: return [.pop]
        case .help: return [.showHelp]
        }
        return []
    }

    static func view(_ s: AppState, _ r: ResumeState) -> Frame {
        let hints = r.confirmingDiscard ? "y discard it  any other key keeps it" : resumeKeys.hintLine
        var f = Chrome.frame(s, title: "Unfinished work", hints: hints)
        let intro = r.drafts.isEmpty ? "No unfinished work." :
            r.atStart ? "From an earlier session, most recent first. Nothing you typed was lost."
                      : "Your unfinished work, most recent first; kept until you discard it."
        f.put(intro, x: 2, y: 2, width: s.size.width - 4)
        for (i, d) in r.drafts.enumerated().prefix(s.size.height - 9) {
            let y = 4 + i
            let lastChance = d.lastOfferedAt == nil ? "" : "  (old: removed next time)"
            f.put("\(s.localTime.spoken(d.updatedAt, now: s.now))  \(d.title)\(lastChance)", x: 4, y: y, width: s.size.width - 6, style: i == r.selected ? .selected : .plain)
            if i == r.selected { f.cursor = Point(x: 4, y: y) }
        }
        if r.confirmingDiscard, r.selected < r.drafts.count {
            f.fill(y: s.size.height - 3, style: .plain)
            f.put("Discard \(r.drafts[r.selected].title)? What you typed in it goes. y discards; any other key keeps it.",
                  x: 2, y: s.size.height - 3, width: s.size.width - 4, style: Style(bold: true, tone: .missing))
        }
        return f
    }
}
