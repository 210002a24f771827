/// The text of one field being typed, with its cursor: insert, delete,
/// move by character, word and line (wrapped lines count as lines), and the
/// layout that puts it on screen. Pure value; the screen decides the width.
public struct TextBuffer: Hashable, Sendable {
    public private(set) var chars: [Character]
    /// Index in `chars` the cursor sits before.
    public private(set) var cursor: Int
    public var multiline: Bool
    /// The column the cursor wants when moving up and down through short lines.
    var goalColumn: Int?

    public init(_ text: String = "", multiline: Bool = false) {
        let clean = Sanitiser.clean(text, lines: multiline ? .keep : .fold)
        chars = Array(clean)
        cursor = chars.count
        self.multiline = multiline
    }

    public var text: String { String(chars) }

    public mutating func insert(_ c: Character) {
        guard !Sanitiser.isControl(c.unicodeScalars.first ?? " ") || (c == "\n" && multiline) else { return }
        chars.insert(c, at: cursor)
        cursor += 1
        goalColumn = nil
    }

    public mutating func insert(_ s: String) { for c in s { insert(c) } }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        chars.remove(at: cursor - 1)
        cursor -= 1
        goalColumn = nil
    }

    public mutating func deleteForward() {
        guard cursor < chars.count else { return }
        chars.remove(at: cursor)
        goalColumn = nil
    }

    /// Deletes the word before the cursor (Ctrl-W).
    public mutating func deleteWordBack() {
        let to = wordStart(before: cursor)
        chars.removeSubrange(to..<cursor)
        cursor = to
        goalColumn = nil
    }

    public mutating func left() { cursor = max(0, cursor - 1); goalColumn = nil }
    public mutating func right() { cursor = min(chars.count, cursor + 1); goalColumn = nil }

    public mutating func wordLeft() { cursor = wordStart(before: cursor); goalColumn = nil }

    public mutating func wordRight() {
        var i = cursor
        while i < chars.count, !chars[i].isLetter && !chars[i].isNumber { i += 1 }
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "'" { i += 1 }
        cursor = i
        goalColumn = nil
    }

    func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, !chars[i - 1].isLetter && !chars[i - 1].isNumber { i -= 1 }
        while i > 0, chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "'" { i -= 1 }
        return i
    }

    public mutating func moveToStart() { cursor = 0; goalColumn = nil }
    public mutating func moveToEnd() { cursor = chars.count; goalColumn = nil }

    // MARK: Layout

    /// A visual line: characters `start..<end` of the text.
    public struct Line: Hashable, Sendable {
        public var start: Int
        public var end: Int
    }

    /// The text broken into visual lines of at most `width` columns.
    public func layout(width: Int) -> [Line] {
        var out: [Line] = []
        var start = 0
        var i = 0
        while i <= chars.count {
            if i == chars.count || chars[i] == "\n" {
                let para = Array(chars[start..<i])
                for seg in Wrap.segments(para, width: max(1, width)) {
                    out.append(Line(start: start + seg.start, end: start + seg.end))
                }
                start = i + 1
            }
            i += 1
        }
        return out
    }

    /// The cursor's visual (row, column) for `width`.
    public func cursorPosition(width: Int) -> (row: Int, column: Int) {
        let lines = layout(width: width)
        for (row, line) in lines.enumerated() {
            let wrappedOn = row + 1 < lines.count && lines[row + 1].start == line.end
            if cursor >= line.start && (cursor < line.end || (cursor == line.end && !wrappedOn)) {
                return (row, chars[line.start..<cursor].reduce(0) { $0 + DisplayWidth.of($1) })
            }
        }
        return (max(0, lines.count - 1), 0)
    }

    /// Moves up (`delta` -1) or down (+1) a visual line, keeping the column.
    public mutating func moveLine(_ delta: Int, width: Int) {
        let lines = layout(width: width)
        let pos = cursorPosition(width: width)
        let target = pos.row + delta
        guard target >= 0, target < lines.count else {
            if delta < 0 { cursor = 0 } else { cursor = chars.count }
            return
        }
        let goal = goalColumn ?? pos.column
        let line = lines[target]
        var col = 0, i = line.start
        while i < line.end, chars[i] != "\n" {
            let w = DisplayWidth.of(chars[i])
            if col + w > goal { break }
            col += w
            i += 1
        }
        if i == line.end, target < lines.count - 1, line.end > line.start, lines[target + 1].start == line.end {
            // A wrapped line: stop before its last character so the cursor stays on it.
            i = max(line.start, line.end - 1)
        }
        cursor = i
        goalColumn = goal
    }

    /// Home/End of the visual line.
    public mutating func lineStart(width: Int) {
        let lines = layout(width: width)
        cursor = lines[cursorPosition(width: width).row].start
        goalColumn = nil
    }

    public mutating func lineEnd(width: Int) {
        let lines = layout(width: width)
        let row = cursorPosition(width: width).row
        let line = lines[row]
        let wrapped = row + 1 < lines.count && lines[row + 1].start == line.end
        cursor = wrapped ? max(line.start, line.end - 1) : line.end
        goalColumn = nil
    }

    /// The standard editing keys. Returns false for keys it does not handle.
    @discardableResult
    public mutating func handle(_ key: Key, width: Int) -> Bool {
        switch key {
        case .char(let c): insert(c)
        case .enter where multiline: insert("\n")
        case .backspace: backspace()
        case .delete: deleteForward()
        case .ctrl("w"): deleteWordBack()
        case .left: left()
        case .right: right()
        case .wordLeft: wordLeft()
        case .wordRight: wordRight()
        case .up where multiline: moveLine(-1, width: width)
        case .down where multiline: moveLine(1, width: width)
        case .home, .ctrl("a"): multiline ? lineStart(width: width) : moveToStart()
        case .end, .ctrl("e"): multiline ? lineEnd(width: width) : moveToEnd()
        default: return false
        }
        return true
    }
}
