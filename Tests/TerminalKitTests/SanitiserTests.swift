import CaseworkTestSupport
import Testing
@testable import TerminalKit

@Suite("Sanitising record text for the terminal")
struct SanitiserTests {
    @Test("escape sequences from a record are removed, their printable neighbours kept")
    func escapes() {
        #expect(Sanitiser.clean("a\u{1b}]0;pwned\u{07}b") == "ab")
        #expect(Sanitiser.clean("x\u{1b}[2Jy") == "xy")
        #expect(Sanitiser.clean("x\u{1b}[31;1mred\u{1b}[0m") == "xred")
        #expect(Sanitiser.clean("\u{1b}P1;2|secret\u{1b}\\ok") == "ok")
        #expect(Sanitiser.clean("c1\u{9b}31mz") == "c1z")
        #expect(Sanitiser.clean("bell\u{07}\r") == "bell")
    }

    @Test("line breaks are kept for multi-line views and folded for cells")
    func lines() {
        #expect(Sanitiser.clean("a\nb\tc", lines: .keep) == "a\nb c")
        #expect(Sanitiser.clean("a\nb") == "a b")
    }

    @Test("names in any script survive untouched")
    func scripts() {
        for name in ["ليلى حداد", "Nguyễn Thị Hương", "王小明", "Zoë 👩‍👧"] {
            #expect(Sanitiser.clean(name) == name)
        }
        #expect(Sanitiser.clean("abc\u{202E}cba") == "abc\\u202Ecba")
        #expect(Sanitiser.clean("🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}") == "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}")
    }

    @Test("invisible characters that disguise text are shown, not drawn: bidi, zero-width, BOM, separators")
    func hidden() {
        for (c, shown) in [("\u{200B}", "\\u200B"), ("\u{200D}", "\\u200D"), ("\u{FEFF}", "\\uFEFF"), ("\u{200E}", "\\u200E"),
                           ("\u{200F}", "\\u200F"), ("\u{061C}", "\\u061C"), ("\u{202A}", "\\u202A"), ("\u{202E}", "\\u202E"),
                           ("\u{2066}", "\\u2066"), ("\u{2069}", "\\u2069"), ("\u{2028}", "\\u2028"), ("\u{2029}", "\\u2029"),
                           ("\u{E0001}", "\\U000E0001")] {
            #expect(Sanitiser.clean("a\(c)b") == "a\(shown)b", "\(shown)")
        }
        // A joiner between two emoji is part of one picture and stays.
        #expect(Sanitiser.clean("👩\u{200D}👧") == "👩\u{200D}👧")
        #expect(Sanitiser.clean("a\u{200D}👧") == "a\\u200D👧")
    }

    @Test("fuzz: no scalar of any control, format or separator category reaches the terminal as itself")
    func everyCategory() {
        var rng = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        var g = SplitMix(seed)
        let dangerous: (Unicode.Scalar) -> Bool = { c in
            switch c.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
        // Every such scalar on its own, between letters.
        for v in 0...0x10FFFF {
            guard let c = Unicode.Scalar(v), dangerous(c) else { continue }
            let out = Sanitiser.clean("a\(Character(c))b", lines: .keep)
            #expect(!out.unicodeScalars.contains { dangerous($0) && $0 != "\n" }, "U+\(String(v, radix: 16)) reached the screen (seed \(seed))")
        }
        // Random strings of them mixed with ordinary text, escapes and emoji.
        let pool: [Unicode.Scalar] = (0...0x10FFFF).compactMap { Unicode.Scalar($0) }.filter { dangerous($0) }
            + ["a", "Z", "é", "王", "👩", "\u{1b}", "[", "]", "\u{9b}", "\u{9d}", "\u{07}"]
        for _ in 0..<2000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(g.next() % 24) { text.append(pool[Int(g.next() % UInt64(pool.count))]) }
            let out = Sanitiser.clean(String(text), lines: .keep)
            let scalars = Array(out.unicodeScalars)
            #expect(!scalars.indices.contains { Self.reachesScreen(scalars, $0, dangerous) },
                    "\(String(text).debugDescription) came out as \(out.debugDescription) (seed \(seed))")
        }
    }
}

extension SanitiserTests {
    @Test("output made safe as a last step: drawn text in any script passes untouched; no control, format or separator character but a newline, a tab and a joiner inside an emoji gets through")
    func forTerminal() {
        for text in ["plain\n\ttext", "C-0002 · Zoë Łukasik · sam.t", "王小明 · 👩\u{200D}👧 · ✓", "naïve café …"] {
            #expect(Sanitiser.forTerminal(text) == text)
        }
        #expect(Sanitiser.forTerminal("C-0002 · a\u{202E}b\u{1b}[2J") == "C-0002 · a\\u202Eb\\u001B[2J")
        let dangerous: (Unicode.Scalar) -> Bool = { c in
            switch c.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: c != "\t"
            default: false
            }
        }
        var g = SplitMix(UInt64.random(in: 0...UInt64.max))
        let pool: [Unicode.Scalar] = (0...0x10FFFF).compactMap { Unicode.Scalar($0) }.filter { dangerous($0) }
            + ["a", "·", "é", "王", "👩", "\u{200D}", "\n", "\t", "\u{1b}"]
        for _ in 0..<2000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(g.next() % 24) { text.append(pool[Int(g.next() % UInt64(pool.count))]) }
            let scalars = Array(Sanitiser.forTerminal(String(text)).unicodeScalars)
            #expect(!scalars.indices.contains { Self.reachesScreen(scalars, $0, dangerous) }, "\(String(text).debugDescription)")
        }
    }

    /// Whether the scalar at `i` of cleaned text is one that must not reach the screen as itself:
    /// only a newline, or a joiner between two emoji, may.
    static func reachesScreen(_ s: [Unicode.Scalar], _ i: Int, _ dangerous: (Unicode.Scalar) -> Bool) -> Bool {
        let c = s[i]
        guard dangerous(c), c != "\n" else { return false }
        guard c == "\u{200D}" else { return true }
        let before = i > 0 && s[i - 1].properties.isEmoji
        let after = i + 1 < s.count && s[i + 1].properties.isEmoji
        return !(before && after)
    }
}

