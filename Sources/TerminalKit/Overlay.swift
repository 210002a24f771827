/// A box drawn over a screen (help, mostly): wrapped lines that scroll with the shared movement
/// keys, never past their end; any other key closes it. The cursor sits on its first line,
/// where a screen reader starts reading.
public struct Overlay: Sendable {
    public var title: String
    public var lines: [String]

    public init(title: String, lines: [String]) { self.title = title; self.lines = lines }

    struct Layout {
        var x, y, width, height: Int
        var body: [String]
        var rows: Int { height - 4 }
    }

    func layout(_ size: Size) -> Layout {
        let w = min(size.width - 4, 100), x = (size.width - w) / 2
        let body = lines.flatMap { $0.isEmpty ? [""] : Wrap.lines($0, width: w - 4) }
        let h = min(size.height - 4, body.count + 4), y = max(1, (size.height - h) / 2)
        return Layout(x: x, y: y, width: w, height: h, body: body)
    }

    /// `scroll` moved by `move` on a terminal of `size`.
    public func scrolled(_ scroll: Int, _ move: Movement, size: Size) -> Int {
        let l = layout(size)
        return Scrolling.moved(scroll, move, lines: l.body.count, height: l.rows)
    }

    public func draw(_ f: inout Frame, scroll: Int) {
        let l = layout(f.size)
        let (x, y, w, h) = (l.x, l.y, l.width, l.height)
        for row in y..<(y + h) {
            f.put(String(repeating: " ", count: w), x: x, y: row)
            f.put("|", x: x, y: row)
            f.put("|", x: x + w - 1, y: row)
        }
        f.put("+" + String(repeating: "-", count: w - 2) + "+", x: x, y: y)
        f.put("+" + String(repeating: "-", count: w - 2) + "+", x: x, y: y + h - 1)
        f.put(" \(title) ", x: x + 2, y: y, style: .bold)
        let first = Scrolling.moved(scroll, lines: l.body.count, height: l.rows)
        for (i, line) in l.body.dropFirst(first).prefix(l.rows).enumerated() { f.put(line, x: x + 2, y: y + 2 + i, width: w - 4) }
        let more = l.body.count > l.rows ? " ↑/↓ scroll ·" : ""
        let footer = "\(more) any other key closes "
        f.put(footer, x: x + w - 2 - DisplayWidth.of(footer), y: y + h - 1, style: .dim)
        f.cursor = Point(x: x + 2, y: l.body.isEmpty ? y : y + 2)
    }
}
