/// Breaks text into lines of at most `width` columns: at spaces where it can,
/// inside a word only when the word is longer than a line. Newlines are kept.
public enum Wrap {
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in Sanitiser.clean(text, lines: .keep).split(separator: "\n", omittingEmptySubsequences: false) {
            out += segments(Array(paragraph), width: width).map { String(Array(paragraph)[$0.start..<$0.end]) }
        }
        return out
    }

    /// One visual line of a paragraph: characters `start..<end`.
    public struct Segment: Hashable, Sendable {
        public var start: Int
        public var end: Int
    }

    /// Where a paragraph breaks, as character ranges; the space at a break
    /// stays at the end of the earlier line so positions map one to one.
    public static func segments(_ chars: [Character], width: Int) -> [Segment] {
        guard !chars.isEmpty else { return [Segment(start: 0, end: 0)] }
        var out: [Segment] = []
        var start = 0
        while start < chars.count {
            var col = 0, i = start, lastSpace = -1
            while i < chars.count {
                let w = DisplayWidth.of(chars[i])
                if col + w > width && !(chars[i] == " ") { break }
                if chars[i] == " " { lastSpace = i }
                col += w
                i += 1
                if col >= width && i < chars.count && chars[i] != " " { break }
            }
            if i < chars.count, lastSpace >= start, lastSpace + 1 > start, i != lastSpace + 1 {
                i = lastSpace + 1
            }
            if i == start { i = start + 1 }
            out.append(Segment(start: start, end: i))
            start = i
        }
        return out
    }
}
