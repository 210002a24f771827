import CaseworkCore
import TerminalKit

enum FormView {
    static func view(_ s: AppState, _ form: FormState) -> Frame {
        let c = form.caseId.flatMap { App.loadedCase(s, $0) }
        let keys = form.keys
        var title = form.kind.title + (form.caseId.map { " · \($0)" } ?? "")
        if form.isEditing, let id = form.recordId { title += " · changing \(id)" }
        if form.kind == .walkthrough, let id = form.recordId { title += " · decision \(id)" }
        var f = Chrome.frame(s, title: title, hints: keys.hintLine)
        let w = s.size.width
        let fieldW = FormUpdate.fieldWidth(w)
        var rows: [(text: String, x: Int, style: Style)] = []
        var cursorRow: Int?
        var cursorCol = 0
        var focusRange = 0..<0
        let focused = form.focusedField(c)

        if form.kind == .walkthrough, let step = form.step, let text = s.guidance.step(step.rawValue) {
            rows.append(("Step \(text.number) of \(Walkthrough.steps.count) · \(text.title)", 1, .bold))
            for l in Wrap.lines(text.question, width: w - 4) { rows.append((l, 2, .bold)) }
            for l in Wrap.lines("Reminder: \(text.reminder) (Source: \(text.source))", width: w - 4) { rows.append((l, 2, .dim)) }
            rows.append(("", 0, .plain))
        }
        if let prompt = prompt(s, form, c) {
            for l in Wrap.lines(prompt, width: w - 4) { rows.append((l, 2, .dim)) }
            rows.append(("", 0, .plain))
        }
        for field in form.fields(c) {
            let isFocused = field.id == focused?.id
            let start = rows.count
            if field.id == form.returnedNoteField, let note = returnedNote(s, form, c) {
                for l in Wrap.lines(note, width: w - 4) { rows.append((l, 2, Style(bold: true, tone: .check))) }
            }
            if !field.label.isEmpty {
                rows.append(((isFocused ? "> " : "  ") + field.label, 1, isFocused ? .bold : .plain))
            }
            switch field.kind {
            case .info(let text):
                for l in Wrap.lines(text, width: fieldW) { rows.append((l, 4, .dim)) }
            case .choice(let options):
                var line = "", col = 0
                let value = form.values[field.id]
                let firstRow = rows.count
                for o in options {
                    let mark = o.value == value ? "(*) " : "( ) "
                    let piece = mark + o.label + "   "
                    if col + DisplayWidth.of(piece) > fieldW, col > 0 {
                        rows.append((line, 4, .plain))
                        line = ""; col = 0
                    }
                    if o.value == value && isFocused { cursorRow = rows.count; cursorCol = 4 + col }
                    line += piece
                    col += DisplayWidth.of(piece)
                }
                rows.append((line, 4, .plain))
                if options.isEmpty { rows.append(("(nothing to choose from yet)", 4, .dim)) }
                // Unanswered: on the first option, where Space chooses and Right moves from.
                if isFocused && cursorRow == nil { cursorRow = firstRow; cursorCol = 4 }
            case .text, .date, .time:
                // A sentence wraps while it is typed, from its first word; left, it shows its start and "…" when cut.
                if isFocused, let editor = form.editor {
                    let layout = editor.layout(width: fieldW - 1)
                    let pos = editor.cursorPosition(width: fieldW - 1)
                    let first = max(0, pos.row - (focusedTextRows - 1))
                    for li in first..<min(layout.count, first + focusedTextRows) {
                        rows.append((String(editor.chars[layout[li].start..<layout[li].end]), 4, .underlineStyle))
                        if li == pos.row { cursorRow = rows.count - 1; cursorCol = 4 + pos.column }
                    }
                    if layout.isEmpty { rows.append(("", 4, .underlineStyle)); cursorRow = rows.count - 1; cursorCol = 4 }
                } else {
                    let text = form.values[field.id] ?? ""
                    rows.append(text.isEmpty ? ("(not recorded)", 4, .dim) : (startOf(text, width: fieldW), 4, .plain))
                }
            case .multiline(let height):
                if isFocused, let editor = form.editor {
                    let layout = editor.layout(width: fieldW - 1)
                    let pos = editor.cursorPosition(width: fieldW - 1)
                    let first = max(0, min(pos.row - height + 1, layout.count - height))
                    for i in 0..<max(height, min(layout.count, height)) {
                        let li = first + i
                        let text = li < layout.count ? String(editor.chars[layout[li].start..<layout[li].end]).replacingOccurrences(of: "\n", with: "") : ""
                        rows.append(("| " + text, 2, .plain))
                        if li == pos.row { cursorRow = rows.count - 1; cursorCol = 4 + pos.column }
                    }
                } else {
                    let lines = Wrap.lines(form.values[field.id] ?? "", width: fieldW - 1)
                    if lines.allSatisfy({ $0.isEmpty }) {
                        rows.append(("| (not recorded)", 2, .dim))
                    } else {
                        for l in lines.prefix(height) { rows.append(("| " + l, 2, .plain)) }
                        if lines.count > height { rows.append(("| … \(lines.count - height) more lines", 2, .dim)) }
                    }
                }
            }
            if isFocused { focusRange = start..<rows.count }
        }
        // The walkthrough's "Step 4 of 11 · Consent" stays at the top while a long step scrolls under it.
        let pinned = form.kind == .walkthrough && form.step != nil && !rows.isEmpty ? 1 : 0
        if pinned == 1 { f.put(rows[0].text, x: rows[0].x, y: 1, width: w - rows[0].x - 1, style: rows[0].style) }
        let top = 1 + pinned, height = s.size.height - 3 - pinned
        var first = pinned
        if focusRange.upperBound - first > height { first = focusRange.upperBound - height }
        if let cr = cursorRow, cr - first >= height { first = cr - height + 1 }
        if focusRange.lowerBound < first { first = max(pinned, focusRange.lowerBound) }
        for (i, row) in rows.enumerated().dropFirst(first).prefix(height) {
            f.put(row.text, x: row.x, y: top + i - first, width: w - row.x - 1, style: row.style)
        }
        if let cr = cursorRow, cr >= first, cr - first < height { f.cursor = Point(x: min(w - 1, cursorCol), y: top + cr - first) }
        // A message (a save refused, answers cleared) is shown before the field's hint, which comes back at the next key.
        if let hint = focused?.hint ?? (focused?.kind == .time ? timeHint : nil), form.reason == nil, s.message == nil {
            f.fill(y: s.size.height - 2, style: .plain)
            f.put(hint, x: 1, y: s.size.height - 2, width: w - 2, style: .dim)
        }
        if let reason = form.reason {
            f.fill(y: s.size.height - 2, style: .plain)
            let used = f.put("Why are you changing this record? ", x: 1, y: s.size.height - 2, style: .bold)
            f.put(reason.text, x: 1 + used, y: s.size.height - 2, width: w - used - 2)
            f.cursor = Point(x: min(w - 1, 1 + used + reason.cursorPosition(width: 10_000).column), y: s.size.height - 2)
        }
        return f
    }

    /// The manager's note on a record returned to the user, whole, for above the field it was opened on.
    static func returnedNote(_ s: AppState, _ form: FormState, _ c: Case?) -> String? {
        guard form.isEditing, let c, let id = form.recordId,
              let returnedIn = App.loadedFlags(s, c.id).first(where: { $0.recordId == id && $0.returnedIn != nil })?.returnedIn,
              let review = c.reviews.first(where: { $0.id == returnedIn }) else { return nil }
        return "Returned to you by \(review.by), \(s.localTime.spoken(review.at, now: s.now)): \(review.note)"
    }

    /// A reminder the guidance gives for what is being recorded (walkthrough.md, "Prompts outside the
    /// walkthrough"): never promise a child secrecy, on a child's-words note; involving the parents-to-be,
    /// when sharing on a pre-birth case.
    static func prompt(_ s: AppState, _ form: FormState, _ c: Case?) -> String? {
        if form.kind == .note, form.values["kind"] == NoteKind.childsWords.rawValue { return s.guidance.prompt("childs-words") }
        if form.kind == .walkthrough || form.kind == .disclosureOut, c?.child.isUnborn == true {
            return s.guidance.prompt("pre-birth")
        }
        return nil
    }

    /// The help for the form: the step's guidance and its source, the focused question's hint, the keys.
    static func help(_ s: AppState, _ form: FormState) -> [String] {
        let c = form.caseId.flatMap { App.loadedCase(s, $0) }
        var lines: [String] = []
        if form.kind == .walkthrough, let step = form.step, let text = s.guidance.step(step.rawValue) {
            lines += [text.help, "", "Source: \(text.source)", ""]
        }
        if let hint = form.focusedField(c)?.hint { lines += [hint, ""] }
        return lines + ["Keys:"] + form.keys.helpLines
            + ["Choices: Space or ←/→ to change; y/n answer a yes/no", "Text: Ctrl-←/→ by word, Home/End, ↑/↓ by line in notes, Ctrl-W deletes a word"]
    }

    /// Lines a focused one-line field may take as it wraps; beyond them, the lines around the cursor.
    static let focusedTextRows = 6

    /// The start of `text` that fits `width` columns on one line, cut after a word, with "…" when the rest is cut.
    static func startOf(_ text: String, width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        return (Wrap.lines(text, width: max(1, width - 2)).first ?? "").trimmingCharacters(in: .whitespaces) + " …"
    }

    static func charsSkipped(_ text: String, columns: Int) -> Int {
        var used = 0, n = 0
        for ch in text {
            if used >= columns { break }
            used += DisplayWidth.of(ch)
            n += 1
        }
        return n
    }
}

extension Style {
    static let underlineStyle = Style(underline: true)
}

/// What a time field takes, when its question gives no other hint.
let timeHint = "Type it as you would say it: 10:05, yesterday 16:30, 14/3 9:00; empty for now"
