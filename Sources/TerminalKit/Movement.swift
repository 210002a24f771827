/// The movements every list and long text shares, under the same keys on every screen,
/// so the help for them is written once.
public enum Movement: Hashable, Sendable {
    case up, down, top, bottom, pageUp, pageDown

    /// ↑/k, ↓/j, g/Home, G/End, PgUp, PgDn.
    public static let keys = KeyMap<Movement>([
        KeyBinding([.up, .char("k")], .up, "Move up"),
        KeyBinding([.down, .char("j")], .down, "Move down"),
        KeyBinding([.char("g"), .home], .top, "To the start"),
        KeyBinding([.char("G"), .end], .bottom, "To the end"),
        KeyBinding([.pageUp], .pageUp, "Page up"),
        KeyBinding([.pageDown], .pageDown, "Page down"),
    ])

    /// How far this movement goes in a view `page` lines high, `total` lines long.
    func delta(page: Int, total: Int) -> Int {
        switch self {
        case .up: -1
        case .down: 1
        case .pageUp: -max(1, page)
        case .pageDown: max(1, page)
        case .top: -total
        case .bottom: total
        }
    }
}

/// Where a list's selection is: always on an item, or 0 when there are none.
public enum Selection {
    /// `selected` moved in a list of `count` items, `page` rows on screen.
    public static func moved(_ selected: Int, _ move: Movement, count: Int, page: Int) -> Int {
        clamped(selected + move.delta(page: page, total: count), count: count)
    }

    public static func clamped(_ selected: Int, count: Int) -> Int {
        max(0, min(selected, count - 1))
    }

    /// The first row shown so that `selected` is on screen, `rows` at a time, with no empty rows after the end.
    public static func firstShown(_ selected: Int, count: Int, rows: Int) -> Int {
        max(0, min(selected - rows + 1, count - rows))
    }
}

/// How far a long text is scrolled: never before its start, nor past the point where its end
/// fills the view, so the key that scrolls back always moves it.
public enum Scrolling {
    /// `offset` moved by `delta` lines, for `lines` lines shown `height` at a time.
    public static func moved(_ offset: Int, by delta: Int = 0, lines: Int, height: Int) -> Int {
        max(0, min(offset + delta, max(0, lines - height)))
    }

    /// `offset` moved as `move` asks.
    public static func moved(_ offset: Int, _ move: Movement, lines: Int, height: Int) -> Int {
        moved(offset, by: move.delta(page: height, total: lines), lines: lines, height: height)
    }
}
