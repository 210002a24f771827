import CaseworkCore
import CaseworkTestSupport
import Testing
import TerminalKit
@testable import CaseworkApp

/// Issue 15 on the screen model: the screen blanked at once, and no accidents.
@Suite("Workflows on the screen model")
struct WorkflowTests {
    @Test("F12 or Ctrl-\\ blanks the screen from anywhere, a form's text kept; the next key brings it back and does nothing else", arguments: [Key.function(12), Key.ctrl("\\")])
    func blank(key: Key) {
        var s = Screens.state(Size(width: 80, height: 24))
        let c = Screens.example("recorded-well")
        Screens.open(&s, c)
        Screens.keys(&s, [.char("N")])
        Screens.type(&s, "She said")
        let before = App.view(s)
        let effects = Screens.keys(&s, [key])
        let blank = App.view(s)
        #expect(blank.text.trimmingCharacters(in: .whitespacesAndNewlines) == "Press any key.")
        #expect(blank.cursor == nil)
        #expect(effects.contains { if case .saveDraft = $0 { true } else { false } }, "what was typed is kept as a draft at once")
        Screens.keys(&s, [.char("x")])
        #expect(App.view(s).text == before.text, "the key that brings it back is not typed")
        Screens.keys(&s, [.escape, .char("?")])
        var help = App.view(s).text
        for _ in 0..<8 { Screens.keys(&s, [.pageDown]); help += App.view(s).text }
        #expect(help.contains("F12 or Ctrl-\\  Blank the screen at once"))
    }

    @Test("the walkthrough opened and left before anything is answered leaves no decision, no flag and no draft")
    func walkthroughLeftUntouched() {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("w")])
        guard case .form = s.screen else { Issue.record("no walkthrough"); return }
        let effects = Screens.keys(&s, [.escape])
        #expect(!effects.contains { if case .save = $0 { true } else { false } }, "\(effects)")
        #expect(effects.contains { if case .deleteDraft = $0 { true } else { false } })
        #expect(s.message?.text == "Nothing was answered, so no decision was kept")
        // One answer given, leaving keeps it as a draft decision, as before.
        Screens.keys(&s, [.char("w"), .ctrl("n"), .char("y")])
        let kept = Screens.keys(&s, [.escape])
        #expect(kept.contains { if case .save = $0 { true } else { false } })
    }

    @Test("the walkthrough's footer shows its help key at 80 columns")
    func footer() {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("w")])
        #expect(App.view(s).text.split(separator: "\n").contains { $0.contains("F1 guidance") })
    }
}
