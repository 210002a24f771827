import CaseworkCore
import TerminalKit

public struct CaseViewState: Sendable {
    public var caseId: String
    public var loaded: Case?
    public var flags: [Flag] = []
    public var selected = 0
    public var scroll = 0
    public var flagsFocused = false
    public var flagSelected = 0
    /// Choosing what to add (after `a`).
    public var adding = false
    /// Opened from a search: the record to select once the case is loaded.
    public var focusRecord: String?
    /// Signed off while open: the retention review date a close now would set, until answered.
    public var closeOffer: Day?

    public init(caseId: String) { self.caseId = caseId }
}

enum CaseViewAction: Hashable, Sendable {
    case move(Movement), open, switchPanel, add, walkthrough, note, concern, recordConcern, consent, outgoing, incoming, person, episode,
         details, history, back, help, handover, familyCopy, signOff, access
}

let caseViewKeys = KeyMap<CaseViewAction>(moving: CaseViewAction.move, [
    KeyBinding([.enter], .open, "Open the record; on a flag, go to the field that clears it", hint: "open"),
    KeyBinding([.tab], .switchPanel, "Switch between the chronology and the flags", hint: "flags"),
    KeyBinding([.char("w")], .walkthrough, "Should I share? Start the walkthrough", hint: "share?"),
    KeyBinding([.char("a")], .add, "Add a record…", hint: "add"),
    KeyBinding([.char("N")], .note, "Add a case note"),
    KeyBinding([.char("c")], .recordConcern, "Record a concern: the child's words and the worry in one form, then the decision", hint: "concern"),
    KeyBinding([.char("K")], .concern, "Add a concern"),
    KeyBinding([.char("C")], .consent, "Record consent"),
    KeyBinding([.char("O")], .outgoing, "Log information shared"),
    KeyBinding([.char("I")], .incoming, "Log information received"),
    KeyBinding([.char("P")], .person, "Add a person"),
    KeyBinding([.char("E")], .episode, "Add an episode"),
    KeyBinding([.char("e")], .details, "Edit the case details"),
    KeyBinding([.char("h")], .history, "History of the selected record"),
    KeyBinding([.char("V")], .access, "Who has seen this case: every view, export and change, by whom and when"),
    KeyBinding([.char("x")], .handover, "Write a handover summary (Markdown) of the case"),
    KeyBinding([.char("F")], .familyCopy, "A copy for the child and family: review what is left out, then write it in plain words (audited)"),
    KeyBinding([.char("S")], .signOff, "Sign off the whole case (managers)"),
    KeyBinding([.escape], .back, "Back to the cases", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// A line of the case view: a heading, or a record with its open-flag marker.
struct CaseLine: Hashable {
    var recordId: String?
    var text: String
}

enum CaseViewScreen {
    static func lines(_ s: AppState, _ c: Case, _ flags: [Flag]) -> [CaseLine] {
        var out: [CaseLine] = [CaseLine(recordId: c.id, text: "Case details")]
        out.append(CaseLine(recordId: nil, text: "PEOPLE"))
        for p in c.people {
            out.append(CaseLine(recordId: p.id, text: "\(p.id)  \(p.name), \(p.relationship), parental responsibility \(p.parentalResponsibility.rawValue)"))
        }
        out.append(CaseLine(recordId: nil, text: "EPISODES"))
        for e in c.episodes { out.append(CaseLine(recordId: e.id, text: "\(e.id)  \(e.started) to \(e.ended?.description ?? "now")  \(e.reason ?? "")")) }
        let changed = s.changedSinceReview[c.id] ?? []
        if !changed.isEmpty, let reviewed = lastReview(s, c) {
            out.append(CaseLine(recordId: nil, text: "CHRONOLOGY  (* changed since your review, \(s.localTime.spoken(reviewed, now: s.now)))"))
        } else {
            out.append(CaseLine(recordId: nil, text: "CHRONOLOGY"))
        }
        for entry in c.chronology {
            out.append(CaseLine(recordId: entry.recordId, text: "\(padded(entry.at.map { s.localTime.spoken($0, now: s.now) } ?? "(no time)", 17))  \(entry.recordId)  \(entry.title)"))
        }
        return out
    }

    static let addOptions = ["n note", "k concern", "w decision (the walkthrough)", "c consent", "o information shared",
                             "i information received", "p person", "e episode"]

    /// The add menu in lines of at most `width` columns, never breaking an option.
    static func addMenu(width: Int) -> [String] {
        var lines: [String] = [], line = "Add:"
        for option in addOptions {
            let next = line + (line == "Add:" ? " " : " · ") + option
            if DisplayWidth.of(next) > width, line != "Add:" {
                lines.append(line)
                line = option
            } else {
                line = next
            }
        }
        return lines + [line]
    }

    /// When the user last reviewed the case, if they have.
    static func lastReview(_ s: AppState, _ c: Case) -> Timestamp? {
        c.reviews.filter { $0.by == s.user.name }.map(\.at).max()
    }

    static func marker(_ id: String?, _ flags: [Flag]) -> String {
        guard let id else { return "" }
        var counts: [Severity: Int] = [:]
        for f in flags where f.recordId == id { counts[f.severity, default: 0] += 1 }
        return Chrome.flagText(counts)
    }

    static func startWalkthrough(_ s: AppState, _ c: Case, concern: String?) -> FormState {
        var f = FormState(kind: .walkthrough, caseId: c.id, recordId: nextId("D", in: c), isEditing: false,
                          values: Walkthrough.starting(c, concern: concern, sector: s.sector), step: .concern)
        f.focusFirstUnanswered(c)
        return App.restoring(f, s)
    }

    static func openForm(_ kind: FormKind, _ s: AppState, _ c: Case) -> FormState {
        var f = FormState(kind: kind, caseId: c.id, recordId: nil, isEditing: false,
                          values: FormCatalog.values(kind, editing: nil, case: c, user: s.user.name, now: s.now, zone: s.localTime))
        f.focus(nil, c)
        return App.restoring(f, s)
    }

    /// Why a key cannot act on this case now, for the status line and the help.
    static func disabled(_ s: AppState, _ v: CaseViewState, _ action: CaseViewAction) -> String? {
        switch action {
        case .signOff where s.user.role != .manager: "Only a manager signs off a case"
        default: nil
        }
    }

    static func update(_ s: AppState, _ v: inout CaseViewState, _ key: Key) -> [Effect] {
        guard let c = v.loaded else { return key == .escape ? [.pop] : [] }
        if let reviewBy = v.closeOffer {
            v.closeOffer = nil
            return key == .char("y") ? [.closeCase(caseId: c.id, reviewBy: reviewBy)] : [.say(Message("\(c.id) left open."))]
        }
        if v.adding {
            v.adding = false
            let map: [Key: CaseViewAction] = [.char("n"): .note, .char("k"): .concern, .char("c"): .consent, .char("o"): .outgoing,
                                              .char("i"): .incoming, .char("p"): .person, .char("e"): .episode, .char("w"): .walkthrough]
            guard let action = map[key] else { return [] }
            return act(s, &v, c, action)
        }
        let state = v
        return caseViewKeys.effects(for: key, disabled: { disabled(s, state, $0) }) { act(s, &v, c, $0) }
    }

    static func act(_ s: AppState, _ v: inout CaseViewState, _ c: Case, _ action: CaseViewAction) -> [Effect] {
        let list = lines(s, c, v.flags)
        let selectable = list.indices.filter { list[$0].recordId != nil }
        switch action {
        case .move(let m):
            if v.flagsFocused {
                v.flagSelected = Selection.moved(v.flagSelected, m, count: v.flags.count, page: 5)
            } else if !selectable.isEmpty {
                let pos = selectable.firstIndex(of: v.selected) ?? 0
                v.selected = selectable[Selection.moved(pos, m, count: selectable.count, page: max(1, s.size.height / 2))]
            }
        case .switchPanel:
            v.flagsFocused = !v.flagsFocused && !v.flags.isEmpty
        case .open:
            if v.flagsFocused, v.flagSelected < v.flags.count {
                let flag = v.flags[v.flagSelected]
                // A returned flag opened from the case is read as surely as from the returned list.
                let read: [Effect] = flag.returnedIn.map { [.markReturnedRead(caseId: c.id, reviewId: $0)] } ?? []
                return App.editRecord(s, c, flag.recordId, focus: flag.recordField) + read
            }
            guard v.selected < list.count, let id = list[v.selected].recordId else { return [] }
            if let d = c.decision(id), d.outcome == nil || d.rationale.isBlank {
                return App.editRecord(s, c, id, focus: nil)
            }
            return [.push(.record(RecordState(caseId: c.id, recordId: id)))]
        case .add:
            v.adding = true
        case .walkthrough:
            let concern = v.selected < list.count ? list[v.selected].recordId.flatMap { c.concern($0)?.id } : nil
            return [.openForm(startWalkthrough(s, c, concern: concern))]
        case .note: return [.openForm(openForm(.note, s, c))]
        case .concern: return [.openForm(openForm(.concern, s, c))]
        case .recordConcern: return [.openForm(openForm(.recordConcern, s, c))]
        case .consent: return [.openForm(openForm(.consent, s, c))]
        case .outgoing: return [.openForm(openForm(.disclosureOut, s, c))]
        case .incoming: return [.openForm(openForm(.disclosureIn, s, c))]
        case .person: return [.openForm(openForm(.person, s, c))]
        case .episode: return [.openForm(openForm(.episode, s, c))]
        case .details: return App.editRecord(s, c, c.id, focus: nil)
        case .history:
            guard v.selected < list.count, let id = list[v.selected].recordId else { return [] }
            return [.push(.history(HistoryState(caseId: c.id, recordId: id))), .loadHistory(caseId: c.id, recordId: id)]
        case .back: return [.pop, .loadCases, .loadReturned]
        case .help: return [.showHelp]
        case .handover: return [.exportHandover(c.id)]
        case .familyCopy: return [.push(.familyCopy(FamilyCopyState(caseId: c.id, passages: FamilyCopy.passages(c))))]
        case .access: return [.push(.access(AccessState(caseId: c.id))), .loadAccess(c.id)]
        case .signOff:
            var r = RecordState(caseId: c.id, recordId: c.id)
            r.prompt = ReviewPrompt(action: .signedOff, caseId: c.id, recordId: c.id, rule: nil)
            return [.push(.record(r))]
        }
        return []
    }

    /// A pre-birth case's reminder (004): involve the parents-to-be; once the expected date has passed, record the birth.
    static func preBirthPrompt(_ s: AppState, _ c: Case) -> String? {
        guard c.child.isUnborn, let expected = c.child.expectedBirth else { return nil }
        return s.guidance.prompt(expected < s.today ? "pre-birth-due" : "pre-birth")
    }

    static func view(_ s: AppState, _ v: CaseViewState) -> Frame {
        guard let c = v.loaded else {
            var f = Chrome.frame(s, title: v.caseId, hints: "Esc back")
            f.put("Opening \(v.caseId)…", x: 2, y: 2)
            return f
        }
        var f = Chrome.frame(s, title: "\(c.id) · \(c.child.name)", hints: caseViewKeys.hintLine { disabled(s, v, $0) })
        let w = s.size.width
        var who = "worker \(c.worker)\(c.team.map { " · \($0)" } ?? "")"
        if let dob = c.child.dateOfBirth { who += " · age \(dob.years(until: s.today))" }
        // The title and who holds the case on one line when they fit, else on two: neither is cut at 80 columns.
        let oneLine = "\(c.title) · \(who)"
        let head = DisplayWidth.of(oneLine) <= w - 2 ? [oneLine] : [c.title, who]
        for (i, line) in head.enumerated() { f.put(line, x: 1, y: 1 + i, width: w - 2, style: .bold) }
        let prompt = preBirthPrompt(s, c)
        if let prompt { f.put(prompt, x: 1, y: head.count + 1, width: w - 2, style: .dim) }
        let top = head.count + (prompt == nil ? 1 : 2)
        let body = s.size.height - 2 - top
        let flagRows = v.flags.isEmpty ? 2 : min(max(4, body / 3), v.flags.count * 2 + 1)
        let listRows = body - flagRows - 1
        let list = lines(s, c, v.flags)
        let first = Selection.firstShown(v.selected, count: list.count, rows: listRows)
        for (i, line) in list.enumerated().dropFirst(first).prefix(listRows) {
            let y = top + i - first
            let selected = i == v.selected && !v.flagsFocused
            if line.recordId == nil {
                f.put(line.text, x: 1, y: y, style: .bold)
                continue
            }
            if let id = line.recordId, s.changedSinceReview[c.id]?.contains(id) == true {
                f.put("*", x: 1, y: y, style: Style(bold: true, tone: .accent))
            }
            let mark = marker(line.recordId, v.flags)
            let markW = DisplayWidth.of(mark)
            f.put(line.text, x: 2, y: y, width: w - 4 - markW - 1, style: selected ? .selected : .plain)
            if !mark.isEmpty {
                let worst = v.flags.filter { $0.recordId == line.recordId }.map(\.severity).min() ?? .advice
                f.put(mark, x: w - 1 - markW, y: y, style: Style(bold: true, tone: Chrome.tone(worst)))
            }
            if selected { f.cursor = Point(x: 2, y: y) }
        }
        let panelTop = top + listRows
        f.put(v.flags.isEmpty ? "FLAGS: none open" : "FLAGS (\(v.flags.count) open; Tab to choose, Enter goes to the field)",
              x: 1, y: panelTop, style: .bold)
        let perFlag = 2
        let shown = max(1, (flagRows - 1) / perFlag)
        let firstFlag = Selection.firstShown(v.flagSelected, count: v.flags.count, rows: shown)
        for (i, flag) in v.flags.enumerated().dropFirst(firstFlag).prefix(shown) {
            let y = panelTop + 1 + (i - firstFlag) * perFlag
            let selected = v.flagsFocused && i == v.flagSelected
            let head = "[\(flag.severity.rawValue)] \(flag.recordId) \(flag.rule): \(flag.message)"
            f.put(head, x: 2, y: y, width: w - 3, style: selected ? .selected : Style(tone: Chrome.tone(flag.severity)))
            f.put("Source: \(flag.source)", x: 4, y: y + 1, width: w - 5, style: .dim)
            if selected { f.cursor = Point(x: 2, y: y) }
        }
        if v.adding {
            // Every option shows whole at 80 columns: the menu wraps above the key line.
            Chrome.aboveKeys(&f, s, Array(addMenu(width: w - 2).prefix(4)))
            Chrome.keyLine(&f, s, "Press the letter of what to add; any other key adds nothing.")
        }
        if let reviewBy = v.closeOffer {
            let ask = "Signed off. Close \(c.id) now? Its retention review would be due \(reviewBy), "
                + "\(s.retentionReviewYears) years on, as the policy says (001 \"Record\"). y closes it; any other key leaves it open."
            Chrome.aboveKeys(&f, s, Array(Wrap.lines(ask, width: w - 2).prefix(3)))
            Chrome.keyLine(&f, s, "y close  any other key: leave it open")
        }
        return f
    }
}

/// `text` with spaces after it to `width` columns, so a column of times lines up.
func padded(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
}
