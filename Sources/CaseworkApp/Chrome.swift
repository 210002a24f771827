import CaseworkCore
import TerminalKit

/// The parts every screen shares: the title bar (where you are), the key
/// hints, the status bar (who you are, your open flags, the last message),
/// and the "terminal too small" notice.
enum Chrome {
    static let minimum = Size(width: 80, height: 24)

    static func frame(_ s: AppState, title: String, hints: String) -> Frame {
        var f = Frame(size: s.size)
        f.fill(y: 0, style: .selected)
        f.put(" Casework · \(title)", x: 0, y: 0, style: .selected)
        f.put(hints, x: 1, y: s.size.height - 2, style: .dim)
        f.fill(y: s.size.height - 1, style: .selected)
        let counts = Severity.counts(s.caseList.openFlags, separator: " · ")
        let left = " \(s.user.name) (\(s.user.role.rawValue)) · open flags: \(counts)"
        f.put(left, x: 0, y: s.size.height - 1, style: .selected)
        if s.auditAlarm != nil {
            let alarm = " ! AUDIT TRAIL BROKEN "
            f.put(alarm, x: max(0, s.size.width - DisplayWidth.of(alarm)), y: s.size.height - 1, style: Style(bold: true, tone: .missing))
        }
        if let m = s.message {
            // The message first; the keys still after it where there is room, so the line after a save still says what to press.
            f.fill(y: s.size.height - 2, style: .plain)
            let used = f.put((m.isError ? "! " : "") + m.text, x: 1, y: s.size.height - 2, width: s.size.width - 1,
                             style: Style(bold: m.isError, tone: m.isError ? .missing : .ok))
            var shown = ""
            for hint in hints.components(separatedBy: "  ") where !hint.isEmpty {
                let next = shown.isEmpty ? hint : shown + "  " + hint
                guard DisplayWidth.of(next) <= s.size.width - 2 - used - 3 else { break }
                shown = next
            }
            if !shown.isEmpty { f.put("   " + shown, x: 1 + used, y: s.size.height - 2, style: .dim) }
        }
        return f
    }

    /// Lines over the foot of a screen, ending just above the key line (a question, a menu), each row
    /// cleared first. Returns the row of the first.
    @discardableResult
    static func aboveKeys(_ f: inout Frame, _ s: AppState, _ lines: [String], style: Style = .bold) -> Int {
        let top = s.size.height - 2 - lines.count
        for (i, line) in lines.enumerated() {
            f.fill(y: top + i, style: .plain)
            f.put(line, x: 1, y: top + i, width: s.size.width - 2, style: style)
        }
        return top
    }

    /// The key line cleared, for typing an answer, or saying in `text` what the keys do while a question is open.
    static func keyLine(_ f: inout Frame, _ s: AppState, _ text: String = "") {
        f.fill(y: s.size.height - 2, style: .plain)
        if !text.isEmpty { f.put(text, x: 1, y: s.size.height - 2, width: s.size.width - 2, style: .dim) }
    }

    /// A screen that shows one long text with the scroll keys, or `waiting` until it is loaded.
    static func textScreen(_ s: AppState, title: String, lines: [(String, Style)]?, scroll: Int, x: Int, waiting: String) -> Frame {
        var f = frame(s, title: title, hints: scrollKeys.hintLine)
        if let lines { body(&f, lines, scroll: scroll, x: x) } else { f.put(waiting, x: 2, y: 2) }
        return f
    }

    /// A long text between the title and the hints, from `scroll` (never past where its end fills
    /// the view), `x` columns in; the cursor on its first line shown.
    static func body(_ f: inout Frame, _ lines: [(String, Style)], scroll: Int, x: Int) {
        let height = f.size.height - 4
        for (i, line) in lines.dropFirst(Scrolling.moved(scroll, lines: lines.count, height: height)).prefix(height).enumerated() {
            f.put(line.0, x: x, y: 2 + i, width: f.size.width - 2 * x, style: line.1)
        }
        f.cursor = Point(x: x, y: 2)
    }

    static func tooSmall(_ size: Size) -> Frame {
        var f = Frame(size: size)
        let lines = ["Terminal too small", "Casework needs \(minimum.width)x\(minimum.height); this is \(size.width)x\(size.height).",
                     "Make the window bigger; nothing you typed is lost.", "q quits."]
        for (i, line) in lines.enumerated() where i < size.height {
            f.put(line, x: 0, y: i)
        }
        return f
    }

    /// "missing 6 check 6 advice 1": the case list's counts, only those above zero.
    static func counts(_ counts: [Severity: Int]) -> String { Severity.counts(counts, separator: " ", zeros: false) }

    static func flagText(_ counts: [Severity: Int]) -> String { Severity.counts(counts, separator: " ", zeros: false, bracketed: true) }

    static func tone(_ s: Severity) -> Tone {
        switch s {
        case .missing: .missing
        case .check: .check
        case .advice: .advice
        }
    }
}
