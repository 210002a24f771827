/// Makes untrusted record text safe to put on a terminal: removes escape
/// sequences (CSI, OSC, DCS and the rest), C0 and C1 control characters,
/// DEL and the bidirectional override characters that can disguise text.
/// Newlines and tabs are kept only when the caller's widget handles them.
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

    public static func clean(_ text: String, lines: Lines = .fold) -> String {
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
            default:
                if !isControl(s) { out.append(s) }
            }
            i += 1
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
