import CaseworkCore
import TerminalKit

enum RecordAction: Hashable, Sendable { case up, down, edit, history, withdraw, back, help, returnFlag, accept, escalate, signOff, raise }

let recordKeys = KeyMap<RecordAction>([
    KeyBinding([.up, .char("k")], .up, "Scroll up"),
    KeyBinding([.down, .char("j")], .down, "Scroll down"),
    KeyBinding([.char("e")], .edit, "Change this record (you will be asked why)", hint: "change"),
    KeyBinding([.char("h")], .history, "Every version of this record", hint: "history"),
    KeyBinding([.char("W")], .withdraw, "Record that this consent was withdrawn"),
    KeyBinding([.char("R")], .returnFlag, "Return the flag to the practitioner with a note (managers)", hint: "return"),
    KeyBinding([.char("A")], .accept, "Accept a check or advice flag with a note (managers)", hint: "accept"),
    KeyBinding([.char("X")], .escalate, "Escalate, with a note (managers; Tab chooses to whom)"),
    KeyBinding([.char("S")], .signOff, "Sign off this decision (managers)"),
    KeyBinding([.char("F")], .raise, "Raise a flag by hand on this record, with a reason"),
    KeyBinding([.escape], .back, "Back", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

enum RecordScreen {
    static func update(_ s: inout AppState, _ r: inout RecordState, _ key: Key) -> [Effect] {
        if var p = r.prompt {
            switch key {
            case .escape: r.prompt = nil
            case .tab where p.action == .escalated:
                let all = EscalationTarget.allCases
                p.escalateTo = all[((all.firstIndex(of: p.escalateTo) ?? 0) + 1) % all.count]
                r.prompt = p
            case .enter:
                let note = p.note.text.trimmingCharacters(in: .whitespaces)
                guard !note.isEmpty else {
                    s.message = Message("A review needs a note saying why", isError: true)
                    return []
                }
                r.prompt = nil
                if p.rule == "manual-raise" {
                    return [.raiseFlag(caseId: r.caseId, recordId: r.recordId, reason: note)]
                }
                return [.review(ReviewRequest(caseId: r.caseId, action: p.action, recordId: r.recordId, rule: p.rule, note: note,
                                              escalateTo: p.action == .escalated ? p.escalateTo : nil))]
            default:
                p.note.handle(key, width: 200)
                r.prompt = p
            }
            return []
        }
        guard let action = recordKeys.action(for: key) else { return [] }
        switch action {
        case .up, .down:
            r.scroll = Scrolling.moved(r.scroll, by: action == .up ? -1 : 1, lines: lines(s, r).count, height: s.size.height - 4)
        case .edit:
            guard let c = App.loadedCase(s, r.caseId) else { return [] }
            return App.editRecord(&s, c, r.recordId, focus: nil)
        case .history:
            s.stack.append(.history(HistoryState(caseId: r.caseId, recordId: r.recordId)))
            return [.loadHistory(caseId: r.caseId, recordId: r.recordId)]
        case .withdraw:
            guard let c = App.loadedCase(s, r.caseId), let k = c.consent(r.recordId) else { return [] }
            var f = FormState(kind: .withdrawConsent, caseId: c.id, recordId: k.id, isEditing: true,
                              values: FormCatalog.values(.withdrawConsent, editing: .consent(k), case: c, user: s.user.name, now: s.now))
            f.focus(nil, c)
            return [.openForm(f)]
        case .back: return [.pop]
        case .help: s.showHelp = true
        case .returnFlag, .accept, .escalate, .signOff:
            let a: ReviewAction = action == .returnFlag ? .returned : action == .accept ? .accepted : action == .escalate ? .escalated : .signedOff
            let rule = a == .signedOff ? nil : (r.rule ?? App.loadedFlags(s, r.caseId).first { $0.recordId == r.recordId }?.rule)
            r.prompt = ReviewPrompt(action: a, rule: rule)
        case .raise:
            r.prompt = ReviewPrompt(action: .escalated, rule: "manual-raise")
        }
        return []
    }

    /// What the record screen shows, line by line, at this width.
    static func lines(_ s: AppState, _ r: RecordState) -> [(String, Style)] {
        guard let c = App.loadedCase(s, r.caseId) else { return [] }
        let w = s.size.width - 4
        var lines: [(String, Style)] = []
        for (i, l) in PlainCaseView.describe(r.recordId, in: c).enumerated() {
            for part in Wrap.lines(l, width: w) { lines.append((part, i == 0 ? .bold : .plain)) }
        }
        let flags = App.loadedFlags(s, r.caseId).filter { $0.recordId == r.recordId }
        lines.append(("", .plain))
        lines.append((flags.isEmpty ? "No open flags on this record." : "Open flags on this record:", .bold))
        for flag in flags {
            for (i, l) in Wrap.lines("[\(flag.severity.rawValue)] \(flag.rule): \(flag.message)", width: w).enumerated() {
                lines.append((l, Style(bold: i == 0, tone: Chrome.tone(flag.severity))))
            }
            lines.append(("  Source: \(flag.source)", .dim))
        }
        if let versions = r.versions {
            lines.append(("", .plain))
            lines.append(("History:", .bold))
            for v in versions.reversed() {
                lines.append(("  Version \(v.version) · \(v.at.short) · by \(v.author)" + (v.reason.map { " · why: \($0)" } ?? ""), .dim))
            }
        }
        return lines
    }

    static func view(_ s: AppState, _ r: RecordState) -> Frame {
        var f = Chrome.frame(s, title: "\(r.caseId) · \(r.recordId)", hints: recordKeys.hintLine)
        guard App.loadedCase(s, r.caseId) != nil else { return f }
        let w = s.size.width - 4
        let lines = lines(s, r), height = s.size.height - 4
        let first = Scrolling.moved(r.scroll, lines: lines.count, height: height)
        for (i, line) in lines.dropFirst(first).prefix(height).enumerated() {
            f.put(line.0, x: 2, y: 2 + i, width: w, style: line.1)
        }
        f.cursor = Point(x: 2, y: 2)
        if let p = r.prompt {
            let label: String
            switch (p.rule, p.action) {
            case ("manual-raise"?, _): label = "Raise a check flag on \(r.recordId), reason: "
            case (_, .escalated): label = "Escalate to \(p.escalateTo.label) (Tab changes), note: "
            case (_, .signedOff): label = "Sign off \(r.recordId), note: "
            default: label = "\(p.action == .returned ? "Return" : "Accept") \(p.rule ?? "flag") on \(r.recordId), note: "
            }
            f.fill(y: s.size.height - 2, style: .plain)
            let used = f.put(label, x: 1, y: s.size.height - 2, style: .bold)
            f.put(p.note.text, x: 1 + used, y: s.size.height - 2, width: w - used)
            f.cursor = Point(x: min(s.size.width - 1, 1 + used + p.note.cursorPosition(width: 10_000).column), y: s.size.height - 2)
        }
        return f
    }
}

enum HistoryScreen {
    static func update(_ s: inout AppState, _ h: inout HistoryState, _ key: Key) -> [Effect] {
        let page = s.size.height - 5
        let delta: Int
        switch key {
        case .up, .char("k"): delta = -1
        case .down, .char("j"): delta = 1
        case .pageDown: delta = page
        case .pageUp: delta = -page
        case .escape, .char("q"): return [.pop]
        default: return []
        }
        h.scroll = Scrolling.moved(h.scroll, by: delta, lines: lines(s, h).count, height: s.size.height - 4)
        return []
    }

    /// Every version, newest first, line by line at this width.
    static func lines(_ s: AppState, _ h: HistoryState) -> [(String, Style)] {
        let w = s.size.width - 4
        var lines: [(String, Style)] = []
        for v in (h.versions ?? []).reversed() {
            lines.append(("Version \(v.version) · \(v.at.short) · by \(v.author)", .bold))
            if let why = v.reason { lines += Wrap.lines("Why: \(why)", width: w).map { ($0, Style.plain) } }
            let c = App.loadedCase(s, h.caseId).map { $0.replacing(v.record) }
            for l in (c.map { PlainCaseView.describe(v.recordId, in: $0) } ?? [v.record.body()]).dropFirst() {
                lines += Wrap.lines(l, width: w - 2).map { ("  " + $0, Style.dim) }
            }
            lines.append(("", .plain))
        }
        return lines
    }

    static func view(_ s: AppState, _ h: HistoryState) -> Frame {
        var f = Chrome.frame(s, title: "History of \(h.caseId)/\(h.recordId)", hints: "↑/↓ scroll  Esc back")
        guard h.versions != nil else {
            f.put("Loading…", x: 2, y: 2)
            return f
        }
        let w = s.size.width - 4
        let lines = lines(s, h), height = s.size.height - 4
        let first = Scrolling.moved(h.scroll, lines: lines.count, height: height)
        for (i, line) in lines.dropFirst(first).prefix(height).enumerated() { f.put(line.0, x: 2, y: 2 + i, width: w, style: line.1) }
        f.cursor = Point(x: 2, y: 2)
        return f
    }
}

enum ResumeScreen {
    static func update(_ s: inout AppState, _ r: inout ResumeState, _ key: Key) -> [Effect] {
        switch key {
        case .up, .char("k"): r.selected = max(0, r.selected - 1)
        case .down, .char("j"): r.selected = min(r.drafts.count - 1, r.selected + 1)
        case .enter:
            guard r.selected < r.drafts.count, let form = FormState.decode(r.drafts[r.selected]) else { return [] }
            var effects: [Effect] = [.pop]
            if let caseId = form.caseId {
                var view = CaseViewState(caseId: caseId)
                view.selected = 0
                effects += [.push(.caseView(view)), .loadCase(caseId)]
            }
            return effects + [.openForm(form)]
        case .char("x"):
            guard r.selected < r.drafts.count else { return [] }
            let id = r.drafts[r.selected].id
            r.drafts.remove(at: r.selected)
            r.selected = max(0, min(r.selected, r.drafts.count - 1))
            s.drafts.removeAll { $0.id == id }
            return r.drafts.isEmpty ? [.deleteDraft(id), .pop] : [.deleteDraft(id)]
        case .escape, .char("q"): return [.pop]
        default: return []
        }
        return []
    }

    static func view(_ s: AppState, _ r: ResumeState) -> Frame {
        var f = Chrome.frame(s, title: "Unfinished work", hints: "Enter resume  x discard  Esc later")
        f.put("You have unfinished work from an earlier session. Nothing you typed was lost.", x: 2, y: 2, width: s.size.width - 4)
        for (i, d) in r.drafts.enumerated().prefix(s.size.height - 8) {
            let y = 4 + i
            let lastChance = d.lastOfferedAt == nil ? "" : "  (old: removed next time)"
            f.put("\(d.updatedAt.short)  \(d.title)\(lastChance)", x: 4, y: y, width: s.size.width - 6, style: i == r.selected ? .selected : .plain)
            if i == r.selected { f.cursor = Point(x: 4, y: y) }
        }
        return f
    }
}
