import Testing
@testable import TerminalKit

@Suite("Frames measure text in columns per grapheme cluster")
struct FrameTests {
    @Test("painting or putting anywhere, at any width, off the frame or backwards, never traps")
    func outOfBounds() {
        var f = Frame(size: Size(width: 10, height: 3))
        for x in [-20, -1, 0, 9, 10, 50] {
            for y in [-1, 0, 2, 3, 9] {
                for width in [-5, 0, 1, 30] {
                    f.paint(x: x, y: y, width: width, style: .selected)
                    _ = f.put("abc", x: x, y: y, width: width)
                }
            }
        }
        #expect(f.line(0).count == 10)
    }

    @Test("wide characters take two cells; a cut never splits one")
    func wide() {
        var f = Frame(size: Size(width: 10, height: 1))
        #expect(f.put("王小明", x: 0, y: 0) == 6)
        #expect(f.line(0) == "王小明    ")
        var g = Frame(size: Size(width: 5, height: 1))
        #expect(g.put("王小明", x: 0, y: 0) == 4)
        #expect(g.text == "王小")
    }

    @Test("widths are what wcwidth, curses and terminals give; emoji joined by a ZWJ are shown apart, as every terminal agrees on")
    func clusters() {
        // Each figure measured in tmux 3.3a (copy-mode search, #{copy_cursor_x}) and with glibc's wcwidth.
        #expect(DisplayWidth.of("Nguye\u{302}\u{303}n") == 6)
        #expect(DisplayWidth.of("ليلى") == 4)
        #expect(DisplayWidth.of("👍🏽") == 4)
        #expect(DisplayWidth.of("❤️") == 1)
        #expect(DisplayWidth.of("🇬🇧") == 2)
        #expect(DisplayWidth.of("👩👧") == 4)
        #expect(DisplayWidth.unjoined("Zoë 👩‍👧") == "Zoë 👩👧")
        #expect(DisplayWidth.unjoined("a\u{200D}b") == "a\u{200D}b", "a joiner not between emoji is not touched")
        var f = Frame(size: Size(width: 8, height: 1))
        f.put("a👩‍👧b", x: 0, y: 0)
        #expect(f[0, 0].text == "a" && f[1, 0].text == "👩" && f[2, 0].text.isEmpty && f[3, 0].text == "👧" && f[4, 0].text.isEmpty
                && f[5, 0].text == "b")
        var g = Frame(size: Size(width: 8, height: 1))
        g.put("a👍🏽b", x: 0, y: 0)
        #expect(g[1, 0].text == "👍🏽" && (2...4).allSatisfy { g[$0, 0].text.isEmpty } && g[5, 0].text == "b")
    }

    @Test("control characters and escape sequences never reach a cell")
    func sanitised() {
        var f = Frame(size: Size(width: 20, height: 1))
        f.put("a\u{1b}[2Jb\u{07}c\u{1b}]0;x\u{07}", x: 0, y: 0)
        #expect(f.text == "abc")
    }
}

@Suite("Typing in a text field")
struct TextBufferTests {
    @Test("insert, backspace, delete, move by word")
    func editing() {
        var b = TextBuffer("hello world")
        b.wordLeft()
        #expect(b.cursor == 6)
        b.insert("big ")
        #expect(b.text == "hello big world")
        b.deleteWordBack()
        #expect(b.text == "hello world")
        b.moveToStart()
        b.deleteForward()
        #expect(b.text == "ello world")
        b.wordRight()
        #expect(b.cursor == 4)
    }

    @Test("long lines wrap at spaces, and up/down keep the column across wrapped lines")
    func wrapping() {
        var b = TextBuffer("one two three four five six", multiline: true)
        let lines = b.layout(width: 10)
        // The space at a break hangs at the end of the earlier line.
        #expect(lines.map { String(b.chars[$0.start..<$0.end]) } == ["one two ", "three four ", "five six"])
        #expect(b.cursorPosition(width: 10) == (2, 8))
        b.moveLine(-1, width: 10)
        #expect(b.cursorPosition(width: 10) == (1, 8))
        b.moveLine(-2, width: 10)
        #expect(b.cursorPosition(width: 10).row == 0)
    }

    @Test("newlines only in multi-line fields; pasted control characters are dropped")
    func lines() {
        var single = TextBuffer()
        single.handle(.enter, width: 20)
        single.insert("a\u{1b}b")
        #expect(single.text == "ab")
        var multi = TextBuffer(multiline: true)
        multi.insert("a")
        multi.handle(.enter, width: 20)
        multi.insert("b")
        #expect(multi.text == "a\nb")
        #expect(multi.cursorPosition(width: 20) == (1, 1))
        multi.handle(.up, width: 20)
        #expect(multi.cursorPosition(width: 20) == (0, 1))
    }

    @Test("a word longer than the line is broken inside")
    func longWord() {
        #expect(Wrap.lines("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(Wrap.lines("a\n\nb", width: 4) == ["a", "", "b"])
    }
}

@Suite("Key maps carry their help")
struct KeyMapTests {
    enum A: Hashable, Sendable { case open, quit }

    @Test("help lines and hints come from the bindings")
    func help() {
        let m = KeyMap<A>([KeyBinding([.enter], .open, "Open the case", hint: "open"), KeyBinding([.char("q")], .quit, "Quit")])
        #expect(m.action(for: .enter) == .open && m.action(for: .char("x")) == nil)
        #expect(m.helpLines == ["Enter  Open the case", "q      Quit"])
        #expect(m.hintLine == "Enter open")
    }
}
