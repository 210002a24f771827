/// Makes untrusted record text safe to put on a terminal: removes escape
/// sequences (CSI, OSC, DCS and the rest), C0 and C1 control characters and
/// DEL; shows visibly, as `\u202E`, every invisible format character that
/// could disguise text (bidirectional marks, overrides and isolates,
/// zero-width spaces and joiners, the byte-order mark, line and paragraph
/// separators), except a joiner between two emoji and the tags of a flag,
/// which draw as one picture. Newlines and tabs are kept only when the
/// caller's widget handles them.
public enum Sanitiser {
    /// What to do with line breaks and tabs.
    public enum Lines: Sendable {
        /// Keep `\n` and turn `\t` into a space: for multi-line views.
        case keep
        /// Turn `\n` and `\t` into spaces: for one-line cells.
        case fold
    }

    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v)
    }

    /// Whether `s`, at position `i`, must be shown as an escape rather than drawn:
    /// a format character (general category Cf) or a line or paragraph separator,
    /// unless it joins an emoji sequence.
    static func isHidden(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        let c = s[i]
        switch c.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: break
        default: return false
        }
        func pictograph(_ j: Int) -> Bool {
            guard j >= 0, j < s.count else { return false }
            let p = s[j].properties
            return s[j].value > 0x7F && (p.isEmoji || p.isEmojiPresentation || s[j].value == 0xFE0F)
        }
        if c.value == 0x200D { return !(pictograph(i - 1) && pictograph(i + 1)) }
        if (0xE0020...0xE007F).contains(c.value) {
            var j = i - 1
            while j >= 0, (0xE0020...0xE007F).contains(s[j].value) { j -= 1 }
            return !(j >= 0 && s[j].value == 0x1F3F4)
        }
        return true
    }

    /// How a hidden character is shown: `\u202E`, or `\U000E0001` beyond the first plane.
    static func shown(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        return c.value > 0xFFFF ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                                : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    public static func clean(_ text: String, lines: Lines = .fold) -> String {
        if DisplayWidth.isPrintableASCII(text) { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            switch s.value {
            case 0x1B: // ESC
                i = skipEscape(scalars, from: i + 1)
                continue
            case 0x9B: // C1 CSI
                i = skipCSI(scalars, from: i + 1)
                continue
            case 0x9D, 0x90, 0x98, 0x9E, 0x9F: // C1 OSC, DCS, SOS, PM, APC
                i = skipString(scalars, from: i + 1)
                continue
            case 0x0A:
                out.append(lines == .keep ? "\n" : " ")
            case 0x09:
                out.append(" ")
            case 0x0D:
                break
            case 0x20..<0x7F:
                // Printable ASCII: never a control, never hidden (no character property to look up).
                out.append(s)
            default:
                if isHidden(scalars, i) {
                    out.append(contentsOf: shown(s).unicodeScalars)
                } else if !isControl(s) {
                    out.append(s)
                }
            }
            i += 1
        }
        return String(out)
    }

    /// Whether `c` goes to a terminal as itself whatever is around it: a newline, a tab, or a character
    /// that is not a control, format or separator one. ASCII is told by its value, with no character
    /// property to look up for the bulk of any output (that was 42% of a long `flags` list).
    static func isDrawn(_ c: Unicode.Scalar) -> Bool {
        guard c.value >= 0x80 else { return (c.value >= 0x20 && c.value < 0x7F) || c == "\n" || c == "\t" }
        switch c.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return false
        default: return true
        }
    }

    /// Output already meant for a terminal (a report, JSON going to a screen),
    /// made safe as a last step: every control, format or separator character
    /// but a newline, a tab and a joiner inside an emoji is written as a JSON
    /// escape (`\u202E`; a surrogate pair beyond the first plane), which is the
    /// same value inside a JSON string and visible as text anywhere else.
    public static func forTerminal(_ text: String) -> String {
        // Printable ASCII, newlines and tabs pass as they are (a command's output is megabytes of them).
        if text.everyByte({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }) { return text }
        // Nor does text whose only other characters are drawn ones (a "·", an accent): it is looked at
        // character by character and returned as it is, rather than rebuilt one character at a time.
        if text.unicodeScalars.allSatisfy(isDrawn) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            let control = c.properties.generalCategory == .control && c != "\n" && c != "\t"
            guard !isDrawn(c), control || isHidden(scalars, i) else { out.append(c); continue }
            let units = c.value > 0xFFFF ? Array(String(c).utf16) : [UInt16(c.value)]
            for u in units {
                let hex = String(u, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            }
        }
        return String(out)
    }

    /// After ESC: returns the index just past the whole sequence.
    static func skipEscape(_ s: [Unicode.Scalar], from i: Int) -> Int {
        guard i < s.count else { return i }
        switch s[i] {
        case "[": return skipCSI(s, from: i + 1)
        case "]", "P", "X", "^", "_": return skipString(s, from: i + 1)
        default:
            // Two- or three-character sequences: intermediates 0x20-0x2F then a final.
            var j = i
            while j < s.count, (0x20...0x2F).contains(s[j].value) { j += 1 }
            return min(j + 1, s.count)
        }
    }

    static func skipCSI(_ s: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        while j < s.count {
            let v = s[j].value
            if (0x40...0x7E).contains(v) { return j + 1 }
            if !(0x20...0x3F).contains(v) { return j } // malformed: stop, drop what we read
            j += 1
        }
        return j
    }

    /// OSC/DCS-style strings end at BEL, ST (ESC \) or C1 ST.
    static func skipString(_ s: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        while j < s.count {
            let v = s[j].value
            if v == 0x07 || v == 0x9C { return j + 1 }
            if v == 0x1B { return (j + 1 < s.count && s[j + 1] == "\\") ? j + 2 : j + 1 }
            j += 1
        }
        return j
    }
}
