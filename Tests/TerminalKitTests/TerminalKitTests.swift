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

    @Test("a binding not usable now says why, in the help and when pressed, and leaves the footer")
    func refusals() {
        let m = KeyMap<A>([KeyBinding([.enter], .open, "Open the case", hint: "open"), KeyBinding([.char("q")], .quit, "Quit", hint: "quit")])
        let why = { (a: A) in a == .open ? "No case to open" : nil }
        guard case .refused("No case to open") = m.press(.enter, disabled: why) else { Issue.record("Enter was not refused"); return }
        guard case .act(.quit) = m.press(.char("q"), disabled: why) else { Issue.record("q did not act"); return }
        guard case .unbound = m.press(.char("x"), disabled: why) else { Issue.record("x acted"); return }
        #expect(m.helpLines(disabled: why) == ["Enter  Open the case (not now: no case to open)", "q      Quit"])
        #expect(m.hintLine(disabled: why) == "q quit")
    }

    @Test("every list shares the movement keys, with their help, ahead of its own")
    func movements() {
        enum B: Hashable, Sendable { case move(Movement), open }
        let m = KeyMap<B>(moving: B.move, hint: "scroll", [KeyBinding([.enter], .open, "Open")])
        #expect(m.action(for: .char("j")) == .move(.down) && m.action(for: .end) == .move(.bottom) && m.action(for: .enter) == .open)
        #expect(Movement.keys.bindings.allSatisfy { b in m.helpLines.contains { $0.hasPrefix(b.label) && $0.hasSuffix(b.help) } })
        #expect(m.hintLine == "↑/↓ scroll")
    }
}

@Suite("Lists and long texts stop at their ends")
struct MovementTests {
    @Test("a selection stays on an item whatever the movement, and on 0 in an empty list")
    func selection() {
        #expect(Selection.moved(0, .up, count: 5, page: 3) == 0)
        #expect(Selection.moved(4, .down, count: 5, page: 3) == 4)
        #expect(Selection.moved(1, .pageDown, count: 5, page: 3) == 4)
        #expect(Selection.moved(4, .pageUp, count: 5, page: 3) == 1)
        #expect(Selection.moved(2, .top, count: 5, page: 3) == 0 && Selection.moved(2, .bottom, count: 5, page: 3) == 4)
        for move in [Movement.up, .down, .top, .bottom, .pageUp, .pageDown] { #expect(Selection.moved(0, move, count: 0, page: 3) == 0) }
        #expect(Selection.firstShown(9, count: 10, rows: 4) == 6 && Selection.firstShown(0, count: 10, rows: 4) == 0)
        #expect(Selection.firstShown(2, count: 3, rows: 10) == 0, "a short list starts at its top")
    }

    @Test("a long text scrolls no further than where its end fills the view")
    func scrolling() {
        var offset = 0
        for _ in 0..<50 { offset = Scrolling.moved(offset, .down, lines: 30, height: 10) }
        #expect(offset == 20)
        #expect(Scrolling.moved(offset, .up, lines: 30, height: 10) == 19, "the first key back moves it")
        #expect(Scrolling.moved(0, .bottom, lines: 5, height: 10) == 0)
    }

    @Test("an overlay scrolls within its lines; past the end the first key back moves it; the cursor is on its first line")
    func overlay() {
        let o = Overlay(title: "Help", lines: (1...60).map { "Line \($0)" })
        let size = Size(width: 80, height: 24)
        var scroll = 0
        for _ in 0..<100 { scroll = o.scrolled(scroll, .down, size: size) }
        var f = Frame(size: size)
        o.draw(&f, scroll: scroll)
        #expect(f.text.contains("Line 60") && !f.text.contains("Line 1 "))
        let back = o.scrolled(scroll, .up, size: size)
        #expect(back == scroll - 1)
        var g = Frame(size: size)
        o.draw(&g, scroll: 0)
        #expect(g.cursor.map { String(g.line($0.y).dropFirst($0.x)).hasPrefix("Line 1") } == true)
    }
}

@Suite("Tables written a page at a time")
struct StreamingTableTests {
    @Test("the first page lines up exactly as the whole table would; a later wider cell widens its column, never cut short")
    func stream() {
        let first = [["C-1", "Ann Lee", "open"], ["C-2", "李小龙", "closed"]]
        var stream = TextTable.Stream(headers: ["ID", "CHILD", "STATUS"])
        #expect(stream.page(first) == TextTable(headers: ["ID", "CHILD", "STATUS"], rows: first).render())
        let later = stream.page([["C-3", "Bartholomew Featherstonehaugh", "open"]])
        #expect(later == "C-3  Bartholomew Featherstonehaugh  open\n")
        #expect(stream.page([]) == "")
        var empty = TextTable.Stream(headers: ["ID"])
        #expect(empty.page([]) == "ID\n", "an empty first page still writes the header")
        #expect(!stream.page([["C-4", "\u{1B}[31mRed", "open"]]).contains("\u{1B}"), "cells are sanitised")
    }
}
