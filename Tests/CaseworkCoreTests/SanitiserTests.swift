import Testing
@testable import CaseworkCore

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
        #expect(Sanitiser.clean("abc\u{202E}cba") == "abccba")
    }
}
