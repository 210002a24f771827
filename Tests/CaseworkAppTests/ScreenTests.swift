import CaseworkCore
import Foundation
import TerminalKit
import Testing
@testable import CaseworkApp

@Suite("Screens, as text, at 80x24 and 120x40")
struct ScreenTests {
    @Test("case list: every case with child, worker, last activity and flag counts; cursor on the selected row", arguments: Screens.sizes)
    func caseList(size: Size) {
        var s = Screens.state(size)
        Screens.keys(&s, [.down])
        let f = App.view(s)
        Screens.check(f, "case-list")
        #expect(f.line(3).contains("C-0002") && f.line(3).contains("missing 6 check 6 advice 1"))
        #expect(f.cursor == Point(x: 1, y: 3))
        #expect(f.line(size.height - 1).contains("mia.manager (manager) · open flags: missing 6 · check 6 · advice 1"))
    }

    @Test("a broken audit trail shows in the status bar on every screen, in the missing colour", arguments: Screens.sizes)
    func auditAlarm(size: Size) {
        var s = Screens.state(size)
        #expect(!App.view(s).line(size.height - 1).contains("AUDIT TRAIL BROKEN"))
        _ = Screens.apply(&s, App.update(&s, .auditAlarmLoaded(AuditAlarm(at: Screens.now, problem: "event 4 was altered after it was written"))))
        Screens.open(&s, Screens.example("gaps"))
        let f = App.view(s)
        let bar = f.line(size.height - 1)
        #expect(bar.hasSuffix(" ! AUDIT TRAIL BROKEN "), "\(bar)")
        #expect(f[size.width - 3, size.height - 1].style.tone == .missing)
        _ = App.update(&s, .auditAlarmLoaded(nil))
        #expect(!App.view(s).line(size.height - 1).contains("AUDIT TRAIL BROKEN"), "answered by an incident note, it goes")
    }

    @Test("case list on an empty store offers the invented sample cases", arguments: Screens.sizes)
    func firstRun(size: Size) {
        let s = Screens.state(size, cases: [])
        let f = App.view(s)
        Screens.check(f, "case-list-empty")
        #expect(f.text.replacingOccurrences(of: "\n  ", with: " ").contains("L to load the invented sample cases") && f.text.contains("Press c to record a concern"))
        var t = s
        let effects = Screens.keys(&t, [.char("L")])
        #expect(effects.count == 1 && { if case .importSamples = effects[0] { true } else { false } }())
    }

    @Test("search by name or id, and the filters", arguments: Screens.sizes)
    func search(size: Size) {
        var s = Screens.state(size)
        Screens.keys(&s, [.char("/")])
        Screens.type(&s, "jor")
        let f = App.view(s)
        Screens.check(f, "case-list-search")
        #expect(f.text.contains("Jordan Reyes") && !f.text.contains("Alex Moreno"))
        #expect(f.cursor == Point(x: 12, y: size.height - 2))
        Screens.keys(&s, [.enter, .char("f")])
        #expect(App.view(s).text.contains("No case matches."))
        Screens.keys(&s, [.char("/"), .escape])
        #expect(App.view(s).text.contains("Alex Moreno"))
    }

    @Test("case view: chronology in time order with flag markers in text, and the flags panel", arguments: Screens.sizes)
    func caseView(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("gaps"))
        let f = App.view(s)
        Screens.check(f, "case-view")
        let d1 = f.text.split(separator: "\n").first { $0.contains("D1  Decision: share by sam.t") }
        #expect(d1?.hasSuffix("[missing 1]") == true)
        #expect(f.text.contains("[missing] D1 rationale-missing: Decision D1 has an outcome"))
        #expect(f.text.contains("Source: Golden rule 7 (000, 001, 004)"))
        #expect(f.cursor == Point(x: 2, y: 2))
    }

    @Test("Tab moves to the flags; Enter on a flag opens the record at the field that clears it", arguments: Screens.sizes)
    func flagJump(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("gaps"))
        Screens.keys(&s, [.tab])
        Screens.check(App.view(s), "case-view-flags")
        Screens.keys(&s, [.enter])
        guard case .form(let form) = s.screen else { Issue.record("no form opened"); return }
        #expect(form.kind == .walkthrough && form.step == .decision && form.focusId == "rationale")
        let f = App.view(s)
        Screens.check(f, "walkthrough-from-flag")
        #expect(f.cursor?.x == 7, "after the three spaces of the blank rationale")
    }

    @Test("a record with its flags and sources; then its history", arguments: Screens.sizes)
    func recordAndHistory(size: Size) {
        var s = Screens.state(size)
        let c = Screens.example("gaps")
        Screens.open(&s, c)
        s.stack.append(.record(RecordState(caseId: c.id, recordId: "X2")))
        let f = App.view(s)
        Screens.check(f, "record")
        #expect(f.text.contains("[missing] no-consent-reasons-missing"))
        #expect(f.text.contains("Confirmed the recipient's identity and entitlement: no"))
        Screens.keys(&s, [.char("h")])
        let v1 = RecordVersion(caseId: c.id, recordId: "X2", version: 1, record: .disclosure(c.disclosures[1]), author: "sam.t",
                               at: Timestamp("2026-03-06T11:05:00Z")!, reason: nil)
        var fixed = c.disclosures[1]
        fixed.recipientIdentityChecked = true
        let v2 = RecordVersion(caseId: c.id, recordId: "X2", version: 2, record: .disclosure(fixed), author: "sam.t",
                               at: Timestamp("2026-03-07T08:00:00Z")!, reason: "checked the officer's identity by calling back")
        _ = App.update(&s, .historyLoaded(caseId: c.id, recordId: "X1", [v1]))
        if case .history(let shown) = s.screen { #expect(shown.versions == nil, "another record's history is not shown as this one's") }
        _ = App.update(&s, .historyLoaded(caseId: c.id, recordId: "X2", [v1, v2]))
        let h = App.view(s)
        Screens.check(h, "history")
        #expect(h.text.contains("Version 2 · Sat 7 Mar 08:00 · by sam.t"))
        #expect(h.text.contains("Why: checked the officer's identity by calling back"))
    }

    @Test("the note editor wraps long text, moves by line, and keeps the cursor on the text", arguments: Screens.sizes)
    func noteEditor(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("N"), .tab, .tab])
        Screens.type(&s, "Visited at 4pm. Jordan answered the door and said mum was at work until late, as most nights.\nKitchen had little food; a younger sibling was asleep.")
        let f = App.view(s)
        Screens.check(f, "note-form")
        #expect(f.text.contains("Kitchen had little food"))
        guard case .form(let form) = s.screen else { Issue.record("no form"); return }
        #expect(form.values["text"]?.contains("\n") == true)
        #expect(f.cursor != nil)
        Screens.keys(&s, [.up])
        guard case .form(let after) = s.screen, let editor = after.editor else { Issue.record("no editor"); return }
        #expect(editor.cursor < (form.values["text"]?.count ?? 0))
    }

    @Test("consent from a child under 16 shows the age and the five competence criteria", arguments: Screens.sizes)
    func consentForm(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("C"), .char("t")])
        let f = App.view(s)
        Screens.check(f, "consent-form")
        guard case .form(let form) = s.screen else { Issue.record("no form"); return }
        let ids = form.fields(Screens.example("recorded-well")).map(\.id)
        #expect(ids.contains("competence.understandsQuestion") && ids.contains("competence.consistent"))
        #expect(f.text.contains("Child's age on that date") && f.text.contains("14: under 16"))
        // t answered who and moved on to the first question still open; back to it, P chooses the mother.
        guard case .form(var back) = s.screen, back.focusId == "competence.understandsQuestion" else { Issue.record("t did not move on"); return }
        while back.focusId != "givenBy" {
            Screens.keys(&s, [.backTab])
            guard case .form(let now) = s.screen, now.focusId != back.focusId else { Issue.record("stuck going back"); return }
            back = now
        }
        Screens.keys(&s, [.char("P")])
        guard case .form(let parent) = s.screen else { Issue.record("no form after P"); return }
        #expect(!parent.fields(Screens.example("recorded-well")).map(\.id).contains("competence.understandsQuestion"),
                "no competence checklist for a parent's consent")
    }

    @Test("disclosure log entry shows the no-consent fields only without consent", arguments: Screens.sizes)
    func disclosureForm(size: Size) {
        var s = Screens.state(size)
        let c = Screens.example("recorded-well")
        Screens.open(&s, c)
        Screens.keys(&s, [.char("O")])
        guard case .form(var form) = s.screen else { Issue.record("no form"); return }
        form.values["consentStatus"] = "not-sought"
        form.values["method"] = "phone"
        s.screen = .form(form)
        Screens.check(App.view(s), "disclosure-form")
        let ids = form.fields(c).map(\.id)
        #expect(ids.contains("reasons") && ids.contains("lawfulBasis") && ids.contains("recipientAdvisedNoConsent"))
        #expect(ids.contains("recipientIdentityChecked"))
        form.values["consentStatus"] = "with-consent"
        #expect(!form.fields(c).map(\.id).contains("reasons"))
    }

    @Test("new case form", arguments: Screens.sizes)
    func newCase(size: Size) {
        var s = Screens.state(size)
        Screens.keys(&s, [.char("n")])
        let f = App.view(s)
        Screens.check(f, "new-case")
        #expect(f.text.contains("C-7KQ2MX"))
        #expect(f.cursor == Point(x: 4, y: 2))
    }

    @Test("walkthrough steps: one question per screen with the reminder and its source", arguments: Screens.sizes)
    func walkthrough(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("w")])
        let concern = App.view(s)
        Screens.check(concern, "walkthrough-concern")
        #expect(concern.text.contains("Step 1 of 11 · Concern"))
        #expect(concern.text.contains("(Source: Golden rule 3"))
        // y answers the purpose question and moves on; step 3 is answered already, so Enter accepts it.
        Screens.keys(&s, [.ctrl("n"), .char("y"), .ctrl("n"), .enter])
        let consent = App.view(s)
        Screens.check(consent, "walkthrough-consent")
        #expect(consent.text.contains("Step 4 of 11 · Consent"))
        #expect(consent.text.contains("There is a risk of harm: do not seek consent"), "the real-choice test answered for a risk of harm (004)")
        #expect(!consent.text.contains("seek it now"), "not offered where there is no real choice")
        Screens.keys(&s, [.function(1)])
        let help = App.view(s)
        Screens.check(help, "walkthrough-help")
        #expect(help.text.contains("First the real-choice test"))
        var seen = help.text
        for _ in 0..<4 { Screens.keys(&s, [.pageDown]); seen += App.view(s).text }
        #expect(seen.replacingOccurrences(of: "\n", with: " ").contains("does not choose the lawful basis"))
    }

    @Test("going back and changing an answer clears later answers visibly")
    func discardOnBack() {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("w"), .ctrl("n"), .char("y"), .ctrl("n"), .enter, .char("n"), .ctrl("n")])
        Screens.keys(&s, [.char("p")])  // lawful basis: public task
        guard case .form(let f1) = s.screen else { Issue.record("no form at lawful basis"); return }
        #expect(f1.step == .lawfulBasis && f1.values["lawfulBasis"] == "public-task")
        Screens.keys(&s, [.ctrl("b"), .ctrl("b"), .char("n")])  // identifies nobody: answered, on to the next step
        guard case .form(let f2) = s.screen else { Issue.record("no form after going back"); return }
        #expect(f2.step == .what)
        #expect(f2.values["lawfulBasis"] == nil && f2.values["consent.kind"] == nil)
        #expect(s.message?.text == "Answers that no longer apply were cleared: Consent, Lawful basis")
        #expect(App.view(s).text.contains("Answers that no longer apply were cleared: Consent, Lawful basis"), "said on screen")
        #expect(f2.values["purpose.legitimate"] == "yes" && f2.values["identifiesIndividual"] == "no", "the earlier answers are kept")
        Screens.keys(&s, [.ctrl("b"), .ctrl("b")])
        #expect(App.view(s).text.contains("Step 2 of 11 · Purpose") && App.view(s).text.contains("(*) yes"), "and shown when gone back to")
    }

    @Test("a choice starts unanswered with the cursor on its first option; Right means the next one ('no'), Left the one before, y and n answer directly")
    func choices() {
        func purpose(_ keys: [Key]) -> (value: String?, frame: Frame) {
            var s = Screens.state(Size(width: 80, height: 24))
            Screens.open(&s, Screens.example("recorded-well"))
            Screens.keys(&s, [.char("w"), .ctrl("n")] + keys)
            guard case .form(let f) = s.screen, f.step == .purpose else { Issue.record("not on the purpose step"); return (nil, App.view(s)) }
            return (f.values["purpose.legitimate"], App.view(s))
        }
        let fresh = purpose([])
        #expect(fresh.value == nil)
        #expect(fresh.frame.text.contains("( ) yes   ( ) no"), "nothing chosen on screen")
        #expect(Screens.underCursor(fresh.frame)?.hasPrefix("( ) yes") == true, "the cursor on the first option")
        let right = purpose([.right])
        #expect(right.value == "no")
        #expect(right.frame.text.contains("( ) yes   (*) no") && Screens.underCursor(right.frame)?.hasPrefix("(*) no") == true)
        #expect(purpose([.left]).value == "no", "Left from the first option wraps to the last")
        #expect(purpose([.char(" ")]).value == "yes", "Space chooses the option under the cursor")
        #expect(purpose([.right, .left]).value == "yes")
        #expect(purpose([.right, .char(" ")]).value == "yes", "Space on an answered choice moves on, wrapping")
        #expect(purpose([.char("n")]).value == "no" && purpose([.char("y")]).value == "yes")
        #expect(purpose([.char("n"), .backTab, .char("y")]).value == "yes", "an answer changes with its letter")
    }

    @Test("changing a saved record asks why", arguments: Screens.sizes)
    func reasonPrompt(size: Size) {
        var s = Screens.state(size)
        let c = Screens.example("recorded-well")
        Screens.open(&s, c)
        s.stack.append(.record(RecordState(caseId: c.id, recordId: "N2")))
        Screens.keys(&s, [.char("e"), .tab, .tab, .end])
        Screens.type(&s, " Seen by the nurse.")
        #expect(Screens.keys(&s, [.ctrl("s")]).isEmpty)
        Screens.type(&s, "added what the nurse saw")
        let f = App.view(s)
        Screens.check(f, "reason-prompt")
        #expect(f.text.contains("Why are you changing this record? added what the nurse saw"))
        let effects = Screens.keys(&s, [.enter])
        guard case .save(_, let changes, _, _)? = effects.first, case .amend(.note(let n), let why)? = changes.first else {
            Issue.record("no amendment: \(effects)"); return
        }
        #expect(why == "added what the nurse saw" && n.text.hasSuffix("Seen by the nurse."))
    }

    @Test("help is built from the key map; Esc goes back", arguments: Screens.sizes)
    func help(size: Size) {
        var s = Screens.state(size)
        Screens.keys(&s, [.char("?")])
        let f = App.view(s)
        Screens.check(f, "help")
        #expect(f.text.contains("/       Search: names and ids (Enter), or every record's words (Tab)"))
        var seen = f.text
        for _ in 0..<8 { Screens.keys(&s, [.pageDown]); seen += App.view(s).text }
        #expect(seen.contains("7. Write down the reasons for your decision"))
        #expect(seen.contains("Myths that stop people sharing"), "the myths the guidance busts (001 section 6, 004)")
        Screens.keys(&s, [.escape])
        #expect(!s.showHelp)
    }

    @Test("resume offered for drafts left by an interrupted session", arguments: Screens.sizes)
    func resume(size: Size) {
        var s = Screens.state(size)
        let form = FormState(kind: .note, caseId: "C-0001", recordId: nil, isEditing: false, values: ["text": "Half a note"])
        _ = App.update(&s, .draftsLoaded([form.encodedDraft(now: Screens.now)]))
        let f = App.view(s)
        Screens.check(f, "resume")
        #expect(f.text.contains("09:30  case note on C-0001"))
        let effects = Screens.keys(&s, [.enter])
        #expect(effects.count == 1 && { if case .loadCase("C-0001") = effects[0] { true } else { false } }())
        guard case .form(let restored) = s.screen else { Issue.record("not restored"); return }
        #expect(restored.values["text"] == "Half a note")
    }

    @Test("a draft past the keeping period is offered with a last-chance label; removed ones are counted in a message", arguments: Screens.sizes)
    func resumeLastChance(size: Size) {
        var s = Screens.state(size)
        let form = FormState(kind: .note, caseId: "C-0001", recordId: nil, isEditing: false, values: ["text": "Half a note"])
        var old = form.encodedDraft(now: Timestamp("2026-01-10T09:30:00Z")!)
        old.lastOfferedAt = Screens.now
        _ = App.update(&s, .draftsLoaded([old]))
        _ = App.update(&s, .draftsRemoved(2))
        let f = App.view(s)
        #expect(f.text.contains("Sat 10 Jan 09:30  case note on C-0001  (old: removed next time)"))
        #expect(f.text.contains("2 old drafts, offered last time and not resumed, were removed."))
        var quiet = Screens.state(size)
        _ = App.update(&quiet, .draftsRemoved(0))
        #expect(quiet.message == nil)
    }

    @Test("discarding a draft asks once, a key other than y keeps it, and u brings a discarded draft back (issue 15, item 4)", arguments: Screens.sizes)
    func discardAsksAndUndoes(size: Size) {
        var s = Screens.state(size)
        let note = FormState(kind: .note, caseId: "C-0001", recordId: nil, isEditing: false, values: ["text": "Half a note"])
            .encodedDraft(now: Timestamp("2026-03-09T16:00:00Z")!)
        let newer = FormState(kind: .note, caseId: "C-0002", recordId: nil, isEditing: false, values: ["text": "Later note"])
            .encodedDraft(now: Screens.now)
        _ = App.update(&s, .draftsLoaded([note, newer]))
        var f = App.view(s)
        #expect(f.text.contains("From an earlier session, most recent first. Nothing you typed was lost."))
        let rows = f.text.components(separatedBy: "\n").filter { $0.contains("case note on") }
        #expect(rows.first?.contains("C-0002") == true && rows.last?.contains("C-0001") == true, "most recent first")
        Screens.keys(&s, [.down])
        var effects = Screens.keys(&s, [.char("x")])
        #expect(!effects.contains { if case .deleteDraft = $0 { true } else { false } }, "x alone deletes nothing")
        f = App.view(s)
        #expect(f.text.contains("Discard case note on C-0001?"))
        effects = Screens.keys(&s, [.char("n")])
        #expect(!effects.contains { if case .deleteDraft = $0 { true } else { false } }, "any other key keeps it")
        #expect(!App.view(s).text.contains("Discard case note on C-0001?"))
        effects = Screens.keys(&s, [.char("x"), .char("y")])
        #expect(effects.contains { if case .deleteDraft(note.id) = $0 { true } else { false } })
        guard case .resume(let r) = s.screen else { Issue.record("the list closed after a discard"); return }
        #expect(r.drafts.map(\.id) == [newer.id])
        effects = Screens.keys(&s, [.char("u")])
        #expect(effects.contains { if case .saveDraft(let d) = $0 { d == note } else { false } }, "the same draft, its text and times, written back")
        guard case .resume(let back) = s.screen else { Issue.record("not on the list"); return }
        #expect(back.drafts.map(\.id) == [newer.id, note.id] && back.selected == 1)
        effects = Screens.keys(&s, [.char("u")])
        #expect(!effects.contains { if case .saveDraft = $0 { true } else { false } }, "undo once only")
    }

    @Test("the last draft discarded leaves the list open, saying so, with undo still there")
    func discardLastDraft() {
        var s = Screens.state(Size(width: 80, height: 24))
        let note = FormState(kind: .note, caseId: "C-0001", recordId: nil, isEditing: false, values: ["text": "Half a note"]).encodedDraft(now: Screens.now)
        s.drafts = [note]
        s.stack.append(.resume(ResumeState(drafts: s.drafts)))
        #expect(App.view(s).text.contains("Your unfinished work, most recent first; kept until you discard it."), "worded for the same session")
        Screens.keys(&s, [.char("x"), .char("y")])
        #expect(App.view(s).text.contains("No unfinished work."))
        let effects = Screens.keys(&s, [.char("u")])
        #expect(effects.contains { if case .saveDraft(note) = $0 { true } else { false } })
    }

    @Test("smaller than 80x24 says so instead of drawing; typed text survives the resize")
    func tooSmall() {
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("N"), .tab, .tab])
        Screens.type(&s, "Typed before the window shrank")
        let before = App.view(s)
        _ = App.update(&s, .resize(Size(width: 60, height: 20)))
        let small = App.view(s)
        Screens.check(small, "too-small")
        #expect(small.text.hasPrefix("Terminal too small"))
        #expect(small.text.contains("q quits."))
        // Keys pressed blind do nothing: no effect, no text typed, no field left, nothing saved or discarded.
        for key: Key in [.char("x"), .char(" "), .enter, .tab, .backTab, .escape, .ctrl("s"), .backspace, .delete, .up, .down,
                         .left, .right, .ctrl("n"), .ctrl("b"), .function(1), .char("?"), .char("Q")] {
            #expect(App.update(&s, .key(key)).isEmpty, "\(key) did something while nothing could be seen")
        }
        #expect(App.view(s) == small)
        _ = App.update(&s, .resize(Size(width: 80, height: 24)))
        #expect(App.view(s) == before, "back at 80x24, the form is exactly as it was")
        _ = App.update(&s, .resize(Size(width: 120, height: 40)))
        #expect(App.view(s).text.contains("Typed before the window shrank"))
        _ = App.update(&s, .resize(Size(width: 10, height: 3)))
        let quit = App.update(&s, .key(.char("q")))
        #expect(quit.count == 1 && { if case .quit = quit[0] { true } else { false } }(), "q quits from the too-small screen (issue 11)")
    }
}

@Suite("Untrusted text and wide characters on screen")
struct TextSafetyTests {
    static func odd(_ id: String, _ name: String) -> Case {
        var c = Screens.example("recorded-well")
        c.id = id
        c.child.name = name
        return c
    }

    @Test("escape sequences in a record show as harmless text on every screen")
    func escapes() {
        var c = Self.odd("C-0009", "Jo \u{1b}]0;pwned\u{07}Reyes\u{1b}[2J")
        c.notes[0].text = "said \u{1b}[31mhello\u{1b}[0m \u{9b}2J"
        var s = Screens.state(Size(width: 80, height: 24), cases: [c])
        var frames = [App.view(s)]
        Screens.open(&s, c)
        frames.append(App.view(s))
        s.stack.append(.record(RecordState(caseId: c.id, recordId: "N1")))
        frames.append(App.view(s))
        for f in frames {
            #expect(!f.cells.contains { $0.text.unicodeScalars.contains { Sanitiser.isControl($0) } })
        }
        #expect(frames[0].text.contains("Jo Reyes"))
        #expect(frames[2].text.contains("said hello"))
    }

    @Test("names in Arabic, Vietnamese with combining marks, CJK and emoji line up in the case list columns")
    func alignment() {
        let names = ["ليلى حداد", "Nguye\u{302}\u{303}n Thi\u{323} Hu\u{31b}o\u{31b}\u{300}ng", "王小明", "Zoë 👩‍👧", "Sam 🙂 Okafor"]
        let cases = names.enumerated().map { Self.odd("C-00\($0.offset + 10)", $0.element) }
        let s = Screens.state(Size(width: 80, height: 24), cases: cases)
        let f = App.view(s)
        Screens.check(f, "case-list-scripts")
        let column = (0..<80).first { f[$0, 1].text == "W" }!
        for y in 2..<(2 + names.count) {
            // The worker column starts at the same cell on every row.
            #expect(f[column, y].text == "a", "row \(y): \(f.line(y))")
            #expect(f[column - 1, y].text == " ")
            #expect(f[column + 7, y].text == " " && f[column + 13, y].text == "2", "the date column lines up too")
        }
    }
}

@Suite("The cursor sits on the focused item of every screen")
struct CursorTests {
    /// The text from the cursor to the end of its row.
    @Test("lists, the empty list, a case, a record, forms, the walkthrough, help overlays, the drafts prompt and search", arguments: Screens.sizes)
    func everyScreen(size: Size) {
        func expectCursor(_ s: AppState, on text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let under = Screens.underCursor(App.view(s))
            #expect(under?.hasPrefix(text) == true, "\(what): the cursor is on \(under.map { "[\($0)]" } ?? "nothing (hidden)")",
                    sourceLocation: sourceLocation)
        }
        var s = Screens.state(size)
        expectCursor(s, on: "C-0001", "the case list")
        Screens.keys(&s, [.down])
        expectCursor(s, on: "C-0002", "the case list, second row")
        Screens.keys(&s, [.char("?")])
        #expect(Screens.underCursor(App.view(s))?.hasPrefix("Keys:") == true, "the case list's help, on its first line")
        Screens.keys(&s, [.escape])
        Screens.keys(&s, [.char("/")])
        Screens.type(&s, "Mor")
        expectCursor(s, on: "", "search, after what is typed")
        #expect(App.view(s).cursor?.y == size.height - 2)
        Screens.keys(&s, [.escape, .escape])
        var empty = Screens.state(size, cases: [])
        expectCursor(empty, on: "No cases yet.", "the empty case list")
        Screens.open(&s, Screens.example("gaps"))
        expectCursor(s, on: "Case details", "a case")
        Screens.keys(&s, [.char("?")])
        #expect(Screens.underCursor(App.view(s))?.first?.isWhitespace == false, "a case's help, on its first line")
        Screens.keys(&s, [.escape, .enter])
        expectCursor(s, on: "Case C-0002", "a record")
        Screens.keys(&s, [.escape, .char("N")])
        expectCursor(s, on: "(*) visit", "a new note, on its first choice")
        Screens.keys(&s, [.tab, .tab])
        #expect(App.view(s).cursor.map { App.view(s).line($0.y).contains("|") } == true, "a new note, in its text")
        Screens.keys(&s, [.function(1)])
        #expect(Screens.underCursor(App.view(s))?.first?.isWhitespace == false, "a form's help, on its first line")
        Screens.keys(&s, [.escape, .escape, .char("w")])
        // Its concern and significant harm answered from the case, the cursor waits on the last, for Enter to accept.
        expectCursor(s, on: "(*) no", "the walkthrough's first step")
        _ = App.update(&empty, .draftsLoaded([Draft(id: "C-0002/new-note", caseId: "C-0002", kind: "note", title: "note on C-0002",
                                                    payload: "{}", updatedAt: Screens.now)]))
        expectCursor(empty, on: "09:30  note on C-0002", "the drafts prompt")
    }
}

@Suite("Scrolling long screens")
struct ScrollingTests {
    @Test("scrolling past the end stops there: the first key back moves the text, on a record and its history")
    func boundedScroll() {
        var c = Screens.example("gaps")
        let long = (1...80).map { "Line \($0) of what the school said" }.joined(separator: "\n")
        c.notes.append(CaseNote(id: "N9", at: Screens.now, by: "sam.t", kind: .phone, text: long))
        var s = Screens.state(Size(width: 80, height: 24), cases: [c])
        Screens.open(&s, c)
        s.stack.append(.record(RecordState(caseId: c.id, recordId: "N9")))
        Screens.keys(&s, Array(repeating: .down, count: 200))
        let bottom = App.view(s).text
        #expect(bottom.contains("Line 80 of what the school said"))
        Screens.keys(&s, [.up])
        #expect(App.view(s).text != bottom, "one key up after scrolling past the end moves the text")
        Screens.keys(&s, Array(repeating: .up, count: 200))
        #expect(App.view(s).text.contains("Line 1 of what the school said"))

        let v = RecordVersion(caseId: c.id, recordId: "N9", version: 1, record: .note(c.notes.last!), author: "sam.t", at: Screens.now, reason: nil)
        s.stack.append(.history(HistoryState(caseId: c.id, recordId: "N9")))
        _ = App.update(&s, .historyLoaded(caseId: c.id, recordId: "N9", [v, v, v]))
        Screens.keys(&s, Array(repeating: .pageDown, count: 40))
        let end = App.view(s).text
        Screens.keys(&s, [.up])
        #expect(App.view(s).text != end)
    }

    @Test("help on every screen is its key map, shared movements included, and scrolls no further than its end")
    func helpEverywhere() {
        let c = Screens.example("gaps")
        var s = Screens.state(Size(width: 80, height: 24))
        Screens.open(&s, c)
        let v = RecordVersion(caseId: c.id, recordId: "X1", version: 1, record: c.records.first { $0.id == "X1" }!, author: "sam.t", at: Screens.now, reason: nil)
        let screens: [Screen] = [.caseList(CaseListState()), .caseView({ var v = CaseViewState(caseId: c.id); v.loaded = c; return v }()),
                                 .record(RecordState(caseId: c.id, recordId: "X1")),
                                 .history({ var h = HistoryState(caseId: c.id, recordId: "X1"); h.versions = [v]; return h }()),
                                 .resume(ResumeState(drafts: [Draft(id: "C-0002/note/new", caseId: "C-0002", kind: "note", title: "note on C-0002", payload: "{}", updatedAt: Screens.now)])),
                                 .queue({ var q = QueueState(returnedOnly: false); q.items = []; return q }()),
                                 .report(ReportState())]
        for screen in screens {
            var t = s
            t.stack.append(screen)
            Screens.keys(&t, [.char("?")])
            #expect(t.showHelp, "\(screen) has help on ?")
            let lines = App.help(t).lines
            #expect(lines.contains { $0.hasPrefix("↑/k") && $0.hasSuffix("Move up") }, "\(screen)'s help lists the shared movements")
            Screens.keys(&t, Array(repeating: .down, count: 100))
            let end = App.view(t).text
            Screens.keys(&t, [.up])
            #expect(App.view(t).text != end, "one key up after scrolling the help past its end moves it (\(screen))")
            Screens.keys(&t, [.char("x")])
            #expect(!t.showHelp, "any other key closes the help")
        }
    }

    @Test("a key a practitioner may not use says why, is not in the footer, and opens nothing", arguments: Screens.sizes)
    func refusedKeys(size: Size) {
        let c = Screens.example("gaps")
        var s = Screens.state(size)
        s.user = User(name: "sam.t", role: .worker)
        Screens.open(&s, c)
        s.stack.append(.record(RecordState(caseId: c.id, recordId: "X1")))
        let footer = App.view(s).line(size.height - 2)
        #expect(!footer.contains("R return") && !footer.contains("A accept") && footer.contains("e change"))
        for key in [Key.char("R"), .char("A"), .char("X"), .char("S")] {
            Screens.keys(&s, [key])
            #expect(s.message == Message("Only a manager reviews", isError: true))
            guard case .record(let r) = s.screen else { Issue.record("the record screen closed"); return }
            #expect(r.prompt == nil, "no review prompt opens for a practitioner")
        }
        Screens.keys(&s, [.char("W")])
        #expect(s.message == Message("Only a consent can be withdrawn", isError: true))
        Screens.keys(&s, [.escape, .escape, .char("R")])
        guard case .caseList = s.screen else { Issue.record("not back at the case list"); return }
        #expect(s.message == Message("Only a manager runs the team report"))
        Screens.keys(&s, [.char("?")])
        #expect(App.help(s).lines.contains { $0.contains("Team report with charts (managers) (not now: only a manager runs the team report)") })
    }
}
