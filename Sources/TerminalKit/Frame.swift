/// A terminal size in columns and rows.
public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
}

/// A cell position: column `x`, row `y`, from the top left.
public struct Point: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// What a cell's text means, so colour (when allowed) can follow it; the
/// text itself always carries the meaning too.
public enum Tone: Hashable, Sendable { case normal, missing, check, advice, accent, ok }

/// How a cell is drawn.
public struct Style: Hashable, Sendable {
    public var bold = false
    public var reverse = false
    public var underline = false
    public var dim = false
    public var tone: Tone = .normal

    public init(bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false, tone: Tone = .normal) {
        self.bold = bold; self.reverse = reverse; self.underline = underline; self.dim = dim; self.tone = tone
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let selected = Style(reverse: true)
    public static let dim = Style(dim: true)
}

/// One column of the screen: a grapheme cluster (two columns wide ones leave
/// an empty continuation cell after them).
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style
    public static let blank = Cell(text: " ", style: .plain)
    public static let continuation = Cell(text: "", style: .plain)
}

/// A whole screen as a value: what `view` returns and what a terminal
/// presents. Tests read it as text, without a terminal.
public struct Frame: Hashable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the hardware cursor sits: on the focused item.
    public var cursor: Point?

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank }
        return cells[y * size.width + x]
    }

    /// Writes `text` (sanitised, on one line) at (x, y), clipped to `width`
    /// columns (default: to the right edge). Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, width: Int? = nil, style: Style = .plain) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(width ?? (size.width - x), size.width - x)
        var col = 0
        for ch in DisplayWidth.unjoined(Sanitiser.clean(text)) {
            let w = DisplayWidth.of(ch)
            if w == 0 {
                // A lone combining mark or joiner: attach to the previous cell.
                if col > 0, x + col - 1 >= 0 {
                    var i = (y * size.width) + x + col - 1
                    if cells[i].text.isEmpty, i > 0 { i -= 1 }
                    cells[i].text.append(ch)
                }
                continue
            }
            if col + w > limit { break }
            if x + col >= 0 {
                cells[y * size.width + x + col] = Cell(text: String(ch), style: style)
                for k in 1..<max(1, w) { cells[y * size.width + x + col + k] = Cell(text: "", style: style) }
            }
            col += w
        }
        return col
    }

    /// Paints `width` columns from (x, y) in `style`, keeping their text.
    public mutating func paint(x: Int, y: Int, width: Int, style: Style) {
        let from = max(0, x), to = min(size.width, x + width)
        guard y >= 0, y < size.height, from < to else { return }
        for col in from..<to { cells[y * size.width + col].style = style }
    }

    /// Fills a row with spaces in `style` (for bars and selections).
    public mutating func fill(y: Int, style: Style) {
        guard y >= 0, y < size.height else { return }
        for col in 0..<size.width { cells[y * size.width + col] = Cell(text: " ", style: style) }
    }

    /// Row `y` as text, continuation cells skipped, trailing spaces kept.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        return (0..<size.width).map { cells[y * size.width + $0].text }.joined()
    }

    /// The screen as text, one line per row with trailing spaces removed:
    /// what snapshot tests compare.
    public var text: String {
        (0..<size.height).map { String(line($0).reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }
}
