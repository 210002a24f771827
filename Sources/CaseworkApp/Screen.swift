import CaseworkCore
import TerminalKit

/// One screen of the workbook; screens stack, Esc goes back. A screen is its own file (state,
/// key map, `update`, `view`) and one case here.
public enum Screen: Sendable {
    case caseList(CaseListState)
    case caseView(CaseViewState)
    case record(RecordState)
    case history(HistoryState)
    case access(AccessState)
    case form(FormState)
    case resume(ResumeState)
    case queue(QueueState)
    case report(ReportState)
    case people(PeopleState)
    case search(SearchState)
    case familyCopy(FamilyCopyState)
}

extension Screen {
    /// The screen after `key`, and what it asks for. A screen reads the workbook and changes only
    /// itself; pushing, popping, messages and help come back as effects for `App.update` to apply.
    func update(_ s: AppState, _ key: Key) -> (Screen, [Effect]) {
        switch self {
        case .caseList(var l): let e = CaseListScreen.update(s, &l, key); return (.caseList(l), e)
        case .caseView(var v): let e = CaseViewScreen.update(s, &v, key); return (.caseView(v), e)
        case .record(var r): let e = RecordScreen.update(s, &r, key); return (.record(r), e)
        case .history(var h): let e = HistoryScreen.update(s, &h, key); return (.history(h), e)
        case .access(var a): let e = AccessScreen.update(s, &a, key); return (.access(a), e)
        case .form(var f): let e = FormScreen.update(s, &f, key); return (.form(f), e)
        case .resume(var r): let e = ResumeScreen.update(s, &r, key); return (.resume(r), e)
        case .queue(var q): let e = QueueScreen.update(s, &q, key); return (.queue(q), e)
        case .report(var r): let e = ReportScreen.update(s, &r, key); return (.report(r), e)
        case .people(var p): let e = PeopleScreen.update(s, &p, key); return (.people(p), e)
        case .search(var r): let e = SearchScreen.update(s, &r, key); return (.search(r), e)
        case .familyCopy(var r): let e = FamilyCopyScreen.update(s, &r, key); return (.familyCopy(r), e)
        }
    }

    func view(_ s: AppState) -> Frame {
        switch self {
        case .caseList(let l): CaseListScreen.view(s, l)
        case .caseView(let v): CaseViewScreen.view(s, v)
        case .record(let r): RecordScreen.view(s, r)
        case .history(let h): HistoryScreen.view(s, h)
        case .access(let a): AccessScreen.view(s, a)
        case .form(let f): FormView.view(s, f)
        case .resume(let r): ResumeScreen.view(s, r)
        case .queue(let q): QueueScreen.view(s, q)
        case .report(let r): ReportScreen.view(s, r)
        case .people(let p): PeopleScreen.view(s, p)
        case .search(let r): SearchScreen.view(s, r)
        case .familyCopy(let r): FamilyCopyScreen.view(s, r)
        }
    }

    /// What the help overlay says on this screen, from its key map.
    func help(_ s: AppState) -> [String] {
        switch self {
        case .caseList(let l): caseListKeys.helpLines { CaseListScreen.disabled(s, l, $0) }
        case .caseView(let v): caseViewKeys.helpLines { CaseViewScreen.disabled(s, v, $0) }
        case .record(let r): recordKeys.helpLines { RecordScreen.disabled(s, r, $0) }
        case .history, .access: scrollKeys.helpLines
        case .form(let f): FormView.help(s, f)
        case .resume: resumeKeys.helpLines
        case .queue(let q): QueueScreen.keys(q).helpLines
        case .report: scrollKeys.helpLines
        case .people: peopleKeys.helpLines
        case .search: searchKeys.helpLines
        case .familyCopy: familyCopyKeys.helpLines
        }
    }
}

extension KeyMap {
    /// What `key` does on a screen: `act`'s effects for its action, or the reason it is refused, said on the status line.
    func effects(for key: Key, refusalIsError: Bool = true, disabled: (Action) -> String?, _ act: (Action) -> [Effect]) -> [Effect] {
        switch press(key, disabled: disabled) {
        case .unbound: []
        case .refused(let why): [.say(Message(why, isError: refusalIsError))]
        case .act(let action): act(action)
        }
    }
}

/// The actions of a screen that only shows a long text: scroll it, or go back.
enum ScrollAction: Hashable, Sendable { case move(Movement), back, help }

/// The keys of the history and the team report.
let scrollKeys = KeyMap<ScrollAction>(moving: ScrollAction.move, hint: "scroll", [
    KeyBinding([.escape, .char("q")], .back, "Back", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

extension ScrollAction {
    /// The new offset of a text `lines` long shown `height` at a time, or the effects of leaving or help.
    static func handle(_ key: Key, offset: inout Int, lines: Int, height: Int) -> [Effect] {
        switch scrollKeys.action(for: key) {
        case .move(let m)?: offset = Scrolling.moved(offset, m, lines: lines, height: height)
        case .back?: return [.pop]
        case .help?: return [.showHelp]
        case nil: break
        }
        return []
    }
}
