/// How many terminal columns text takes: the sum of its scalars' widths as
/// the C library's `wcwidth` gives them, which is how curses places text and
/// how terminals advance (CJK and emoji two, combining marks, joiners and
/// variation selectors none). Terminals disagree only on emoji joined by a
/// zero-width joiner (tmux 3.3 draws "👩‍👧" in two columns, curses and xterm
/// count four), so text on screen is shown `unjoined`, whose width everyone
/// agrees on.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        // Printable ASCII, most names and ids: a column a byte, without Unicode's tables.
        if isPrintableASCII(text) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// Whether every character is printable ASCII (space to tilde): shown as is, a column each.
    public static func isPrintableASCII(_ text: String) -> Bool {
        text.everyByte { $0 >= 0x20 && $0 < 0x7F }
    }

    public static func of(_ c: Character) -> Int {
        if let a = c.asciiValue, a >= 0x20, a < 0x7F { return 1 }
        return c.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    public static func of(_ s: Unicode.Scalar) -> Int {
        if Sanitiser.isControl(s) || isZeroWidth(s) { return 0 }
        if isWide(s.value) { return 2 }
        // Regional indicators (the halves of a flag) are narrow; other emoji shown as pictures are wide.
        if s.properties.isEmojiPresentation && !(0x1F1E6...0x1F1FF).contains(s.value) { return 2 }
        return 1
    }

    /// `text` with the joiners between emoji left out: "👩‍👧" is shown as "👩👧",
    /// four columns on every terminal. The stored text keeps its joiners.
    public static func unjoined(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value == 0x200D }) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            if s.value == 0x200D, i > 0, i + 1 < scalars.count,
               scalars[i - 1].properties.isEmoji || scalars[i - 1].value == 0xFE0F || (0x1F3FB...0x1F3FF).contains(scalars[i - 1].value),
               scalars[i + 1].properties.isEmoji { continue }
            out.append(s)
        }
        return String(out)
    }

    static func isZeroWidth(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return s.value == 0x200B
        }
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3, 0x25FD...0x25FE,
             0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE,
             0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705,
             0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF,
             0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x18CFF, 0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E,
             0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
             0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` cut to at most `width` columns (never splitting a cluster), with
    /// "…" where it was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var out = "", used = 0
        for c in text {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// `text` cut or padded with spaces to exactly `width` columns.
    public static func pad(_ text: String, to width: Int) -> String {
        // Printable ASCII (ids, rule names) is one column a byte: nothing to measure.
        if isPrintableASCII(text), text.utf8.count <= width { return text + String(repeating: " ", count: width - text.utf8.count) }
        let t = truncate(text, to: width)
        return t + String(repeating: " ", count: max(0, width - of(t)))
    }
}

/// A plain-text table whose columns line up in a terminal whatever the script.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    /// Cells are sanitised and folded to one line; columns are at most `maxColumn` wide.
    public func render(maxColumn: Int = 40) -> String {
        var stream = Stream(headers: headers, maxColumn: maxColumn)
        return stream.page(rows)
    }

    /// A table written a page of rows at a time, for lists too long to hold: the
    /// header and first page line up exactly as `render` lays out those rows, and
    /// a later cell wider than its column widens it from that row on (up to
    /// `maxColumn`) rather than being cut to fit.
    public struct Stream: Sendable {
        let headers: [String]
        let maxColumn: Int
        var widths: [Int]?
        var headed = false

        public init(headers: [String], maxColumn: Int = 40) {
            self.headers = headers; self.maxColumn = maxColumn
        }

        /// Widens the columns for `rows` without writing them: a first pass over a long list,
        /// so that its rows, written after, line up exactly as `render` lays out the whole list.
        public mutating func measure(_ rows: [[String]]) {
            widths = widened(Self.cells(rows))
        }

        /// Each cell cleaned and measured once; printable ASCII (most ids, names and dates) needs neither.
        static func cells(_ rows: [[String]]) -> [[(text: String, width: Int)]] {
            rows.map { row in
                row.map { raw -> (text: String, width: Int) in
                    if DisplayWidth.isPrintableASCII(raw) { return (raw, raw.utf8.count) }
                    let text = DisplayWidth.unjoined(Sanitiser.clean(raw))
                    return (text, DisplayWidth.of(text))
                }
            }
        }

        func widened(_ cells: [[(text: String, width: Int)]]) -> [Int] {
            var widths = self.widths ?? headers.map { DisplayWidth.of($0) }
            for row in cells {
                for (i, cell) in row.enumerated() where i < widths.count {
                    widths[i] = min(maxColumn, max(widths[i], cell.width))
                }
            }
            return widths
        }

        /// The next rows as text; the first call starts with the header.
        public mutating func page(_ rows: [[String]]) -> String {
            let cells = Self.cells(rows)
            let widths = widened(cells)
            // Bytes, made a string once: appending to a `String` checked its capacity and encoding each time.
            var out: [UInt8] = []
            out.reserveCapacity((rows.count + 1) * (widths.reduce(widths.count * 2 + 1, +)))
            func line(_ row: [(text: String, width: Int)]) {
                for (i, cell) in row.enumerated() {
                    if i > 0 { out.append(0x20); out.append(0x20) }
                    guard i < widths.count else { out.append(contentsOf: cell.text.utf8); continue }
                    var text = cell.text, width = cell.width
                    if width > widths[i] {
                        text = DisplayWidth.truncate(text, to: widths[i])
                        width = DisplayWidth.of(text)
                    }
                    out.append(contentsOf: text.utf8)
                    if i < row.count - 1 && width < widths[i] { out.append(contentsOf: repeatElement(0x20, count: widths[i] - width)) }
                }
                out.append(0x0A)
            }
            if !headed { line(headers.map { ($0, DisplayWidth.of($0)) }) }
            for row in cells { line(row) }
            self.widths = widths
            headed = true
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension String {
    /// Whether every byte of the text's UTF-8 satisfies `test`, read in place where the text is
    /// stored contiguously (the checks that let whole lists of plain text pass untouched).
    @inlinable
    public func everyByte(_ test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            for b in bytes where !test(b) { return false }
            return true
        } ?? utf8.allSatisfy(test)
    }
}
