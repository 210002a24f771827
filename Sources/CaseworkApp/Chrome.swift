import CaseworkCore
import TerminalKit

/// The parts every screen shares: the title bar (where you are), the key
/// hints, the status bar (who you are, your open flags, the last message),
/// the help overlay and the "terminal too small" notice.
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
            f.fill(y: s.size.height - 2, style: .plain)
            f.put((m.isError ? "! " : "") + m.text, x: 1, y: s.size.height - 2, style: Style(bold: m.isError, tone: m.isError ? .missing : .ok))
        }
        return f
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

    /// A box over the screen with `lines` (wrapped) from `scroll`; ↑/↓ scroll, any other key closes.
    static func overlay(_ f: inout Frame, title: String, lines: [String], scroll: Int = 0) {
        let w = min(f.size.width - 4, 100), x = (f.size.width - w) / 2
        let body = lines.flatMap { $0.isEmpty ? [""] : Wrap.lines($0, width: w - 4) }
        let h = min(f.size.height - 4, body.count + 4), y = max(1, (f.size.height - h) / 2)
        for row in y..<(y + h) {
            f.put(String(repeating: " ", count: w), x: x, y: row)
            f.put("|", x: x, y: row)
            f.put("|", x: x + w - 1, y: row)
        }
        f.put("+" + String(repeating: "-", count: w - 2) + "+", x: x, y: y)
        f.put("+" + String(repeating: "-", count: w - 2) + "+", x: x, y: y + h - 1)
        f.put(" \(title) ", x: x + 2, y: y, style: .bold)
        let first = max(0, min(scroll, body.count - (h - 4)))
        for (i, line) in body.dropFirst(first).prefix(h - 4).enumerated() { f.put(line, x: x + 2, y: y + 2 + i, width: w - 4) }
        let more = body.count > h - 4 ? " ↑/↓ scroll ·" : ""
        let footer = "\(more) any other key closes "
        f.put(footer, x: x + w - 2 - DisplayWidth.of(footer), y: y + h - 1, style: .dim)
        // On the overlay's first line, where a screen reader starts reading it.
        f.cursor = Point(x: x + 2, y: body.isEmpty ? y : y + 2)
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
