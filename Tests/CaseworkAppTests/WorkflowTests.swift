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

    @Test("a returned item: its note shows whole, Enter opens the form on the field with the note above it and records the reading; the manager sees whether it was read (issue 15, item 6)",
          arguments: Screens.sizes)
    func returnedInOneStep(size: Size) {
        let note = "Please write why you shared with CAMHS without the mother's consent, what the risk was that day, "
            + "and who you spoke to at the school before the referral: the record has to stand on its own."
        var s = Screens.state(size)
        s.user = User(name: "sam.t", role: .worker)
        let c = Screens.example("gaps")
        var e = ReviewScreenTests.entries().first { $0.flag.recordId == "D1" && $0.flag.rule == "rationale-missing" }!
        e.flag.returnedIn = "R9"
        let review = Review(id: "R9", by: "mia.manager", at: Screens.now, target: ReviewTarget(rule: e.flag.rule, record: "D1"), action: .returned, note: note)
        e.returned = review
        Screens.keys(&s, [.char("r")])
        _ = App.update(&s, .queueLoaded(ReviewScreenTests.shownQuery(s), [e]))
        let list = App.view(s)
        Screens.check(list, "returned-note-whole")
        let shown = list.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let from = shown.firstIndex { $0.hasPrefix("Note from mia.manager") }!
        #expect(shown[(from + 1)...].prefix(5).joined(separator: " ").hasPrefix(note.trimmingCharacters(in: .whitespaces)), "every word of the note, wrapped")
        let effects = Screens.keys(&s, [.enter])
        #expect(effects.contains { if case .markReturnedRead("C-0002", "R9") = $0 { true } else { false } })
        guard effects.contains(where: { if case .editAfterLoad("C-0002", "D1", _) = $0 { true } else { false } }) else {
            Issue.record("the form to fix it is not opened"); return
        }
        // The store answers: the case (with the review) and its flags, then the form opens on the field.
        var returnedCase = c
        returnedCase.reviews.append(review)
        var flags = Screens.flags(c)
        for i in flags.indices where flags[i].recordId == "D1" && flags[i].rule == "rationale-missing" { flags[i].returnedIn = "R9" }
        _ = App.update(&s, .caseLoaded(returnedCase, flags))
        _ = Screens.apply(&s, App.update(&s, .editReady(caseId: "C-0002", recordId: "D1", field: e.flag.recordField)))
        guard case .form(let form) = s.screen else { Issue.record("no form"); return }
        #expect(form.recordId == "D1")
        let formText = App.view(s).text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(formText.contains("Returned to you by mia.manager, 09:30: Please write why you shared"))

        // Opened from the case's flags panel instead, it is recorded as read too.
        var fromCase = Screens.state(size)
        fromCase.user = User(name: "sam.t", role: .worker)
        Screens.open(&fromCase, returnedCase)
        _ = App.update(&fromCase, .caseLoaded(returnedCase, flags))
        guard case .caseView(var v) = fromCase.screen else { return }
        v.flagsFocused = true
        v.flagSelected = flags.firstIndex { $0.returnedIn == "R9" }!
        fromCase.screen = .caseView(v)
        let jumped = Screens.keys(&fromCase, [.enter])
        #expect(jumped.contains { if case .markReturnedRead("C-0002", "R9") = $0 { true } else { false } })

        var m = WorkflowTests.queue(size)
        guard case .queue(var q) = m.screen else { return }
        var unread = e, read = e
        unread.flag.rule = "consent-no-parental-responsibility"
        read.returnedRead = Timestamp("2026-03-10T09:45:00Z")!
        q.items = [read, unread]
        m.screen = .queue(q)
        let text = App.view(m).text
        #expect(text.contains("Returned, read 09:45 · "))
        #expect(text.contains("Returned, not read yet · "))
    }

    @Test("records changed since the manager's last review are starred in the case view and the queue; the case header is never cut (issue 15, items 11 and 8)",
          arguments: Screens.sizes)
    func changedSinceReview(size: Size) {
        var s = Screens.state(size)
        var c = Screens.example("gaps")
        c.reviews.append(Review(id: "R9", by: "mia.manager", at: Screens.now, target: ReviewTarget(rule: "rationale-missing", record: "D1"),
                                action: .returned, note: "Write why"))
        Screens.open(&s, c)
        _ = App.update(&s, .changesLoaded(asked: ["C-0002"], ["C-0002": ["D1"]]))
        let f = App.view(s)
        Screens.check(f, "case-view-changed")
        #expect(f.text.contains("CHRONOLOGY  (* changed since your review, 09:30)"))
        let starred = (0..<size.height).map { f.line($0) }.filter { $0.hasPrefix(" *") }
        #expect(starred.count == 1 && starred.first?.contains("D1") == true, "\(starred)")
        let header = f.line(1) + " " + f.line(2)
        #expect(header.contains(c.title) && header.contains("worker \(c.worker)") && header.contains("age "), "the whole header shows")
        // Another answer for the same case replaces it: nothing changed now.
        _ = App.update(&s, .changesLoaded(asked: ["C-0002"], [:]))
        #expect(!App.view(s).text.contains("changed since your review"))

        var q = WorkflowTests.queue(size)
        _ = App.update(&q, .changesLoaded(asked: ["C-0002"], ["C-0002": ["D1"]]))
        let lines = App.view(q).text.split(separator: "\n")
        for (i, line) in lines.enumerated() where line.contains("C-0002/") {
            let marked = lines[i + 1].contains("* Changed since your review")
            #expect(marked == line.contains("C-0002/D1 "), "\(line)")
        }
    }

    @Test("a sentence field wraps as it is typed from its first word, and once left shows its start and … (issue 15, item 3)",
          arguments: Screens.sizes)
    func sentencesGetRoom(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("a"), .char("e")])
        guard case .form(let opened) = s.screen, opened.kind == .episode else { Issue.record("no episode form"); return }
        Screens.keys(&s, [.tab, .tab])
        let sentence = "Referred by the school after three weeks of missed mornings and a disclosure to the form tutor about shouting at home, "
            + "agreed with the family at the first visit"
        Screens.type(&s, sentence)
        let typing = App.view(s)
        let rows = (0..<size.height).map { typing.line($0) }
        let start = rows.firstIndex { $0.contains("Referred by the school") }!
        #expect(rows[start].hasPrefix("    Referred by the school"), "the field's beginning stays in view")
        let shown = rows[start...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.contains("Tab next") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(shown.hasPrefix(sentence), "every word on screen, wrapped: \(shown)")
        #expect(Screens.underCursor(typing)?.isEmpty == true || typing.cursor.map { $0.y > start } == true, "the cursor at the end, below the first line")
        Screens.keys(&s, [.backTab])
        let left = App.view(s)
        let line = (0..<size.height).map { left.line($0) }.first { $0.contains("Referred by the school") }!
        #expect(line.trimmingCharacters(in: .whitespaces).hasSuffix(" …"), "\(line)")
        #expect(!left.text.contains("first visit"), "the rest is cut, not spilled")
    }

    @Test("people and teams: U lists them; add, role and teams are typed, a removal asks once; a worker is told why not (issue 15, item 12)",
          arguments: Screens.sizes)
    func peopleScreen(size: Size) {
        var s = Screens.state(size)
        var effects = Screens.keys(&s, [.char("U")])
        #expect(effects.contains { if case .loadPeople = $0 { true } else { false } })
        let people = [User(name: "mia.manager", role: .manager), User(name: "sam.t", role: .worker, teams: ["Early Help North"])]
        _ = App.update(&s, .peopleLoaded(people))
        let f = App.view(s)
        Screens.check(f, "people")
        #expect(f.text.contains("2 people in 1 team") && f.text.contains("sam.t") && f.text.contains("Early Help North"))
        Screens.keys(&s, [.down, .char("x")])
        #expect(App.view(s).text.contains("Remove sam.t?"))
        effects = Screens.keys(&s, [.char("n")])
        #expect(!effects.contains { if case .changePeople = $0 { true } else { false } }, "any other key keeps them")
        effects = Screens.keys(&s, [.char("x"), .char("y")])
        #expect(effects.contains { if case .changePeople(.remove("sam.t")) = $0 { true } else { false } })
        Screens.keys(&s, [.char("r")])
        Screens.type(&s, "boss")
        Screens.keys(&s, [.enter])
        #expect(s.message?.text == "The role is worker, manager or admin")
        Screens.keys(&s, Array(repeating: .backspace, count: 4))
        Screens.type(&s, "Manager")
        effects = Screens.keys(&s, [.enter])
        #expect(effects.contains { if case .changePeople(.role("sam.t", .manager)) = $0 { true } else { false } })
        _ = App.update(&s, .peopleLoaded(people))
        Screens.keys(&s, [.char("t")])
        #expect(App.view(s).text.contains("> Early Help North"), "the teams typed so far are there to change")
        Screens.type(&s, ", Schools Team")
        effects = Screens.keys(&s, [.enter])
        #expect(effects.contains { if case .changePeople(.teams("sam.t", ["Early Help North", "Schools Team"])) = $0 { true } else { false } })
        _ = App.update(&s, .peopleLoaded(people))
        Screens.keys(&s, [.char("a")])
        Screens.type(&s, "olu.w worker, Schools Team, Early Help South")
        effects = Screens.keys(&s, [.enter])
        #expect(effects.contains {
            if case .changePeople(.add(User(name: "olu.w", role: .worker, teams: ["Schools Team", "Early Help South"]))) = $0 { true } else { false }
        })
        // The store refuses (a manager on the team store cannot add people): said above the prompt, the text kept.
        _ = App.update(&s, .failed("only an administrator can add users (you are a manager)"))
        let refused = App.view(s).text
        #expect(refused.contains("! only an administrator can add users (you are a manager)") && refused.contains("> olu.w worker, Schools Team"))

        var worker = Screens.state(size)
        worker.user = User(name: "sam.t", role: .worker)
        effects = Screens.keys(&worker, [.char("U")])
        #expect(!effects.contains { if case .loadPeople = $0 { true } else { false } })
        #expect(worker.message?.text == "Only a manager or the administrator manages people")
    }

    @Test("signing off an open case offers to close it with its retention review date from the policy; any other key leaves it open (issue 15, item 12)")
    func closeAtSignOff() {
        var s = Screens.state(Size(width: 80, height: 24))
        s.retentionReviewYears = 7
        let c = Screens.example("recorded-well")
        Screens.open(&s, c)
        _ = App.update(&s, .offerClose(caseId: c.id))
        let text = App.view(s).text.split(separator: "\n").joined(separator: " ")
        #expect(text.contains("Close \(c.id) now? Its retention review would be due 2033-03-10"), "\(text)")
        Screens.keys(&s, [.char("n")])
        #expect(s.message?.text == "\(c.id) left open.")
        _ = App.update(&s, .offerClose(caseId: c.id))
        let effects = Screens.keys(&s, [.char("y")])
        #expect(effects.contains { if case .closeCase(c.id, Day("2033-03-10")!) = $0 { true } else { false } })
        // A case already closed is not offered for closing again.
        var closed = Screens.state(Size(width: 80, height: 24))
        var shut = c
        shut.closed = Day("2026-03-01")
        Screens.open(&closed, shut)
        _ = App.update(&closed, .offerClose(caseId: c.id))
        #expect(!App.view(closed).text.contains("Close \(c.id) now?"))
    }

    @Test("the add menu shows every option whole at 80 and 100 columns, and a key other than an option adds nothing (issue 15, item 8)",
          arguments: [Size(width: 80, height: 24), Size(width: 100, height: 30)])
    func addMenu(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("recorded-well"))
        Screens.keys(&s, [.char("a")])
        let f = App.view(s)
        let lines = (0..<size.height).map { f.line($0) }
        for option in ["n note", "k concern", "w decision (the walkthrough)", "c consent", "o information shared", "i information received",
                       "p person", "e episode"] {
            #expect(lines.contains { $0.contains(option) }, "\(option) is cut or missing")
        }
        let effects = Screens.keys(&s, [.char("z")])
        #expect(effects.isEmpty)
        guard case .caseView(let v) = s.screen else { Issue.record("left the case"); return }
        #expect(!v.adding && !App.view(s).text.contains("n note"))
    }

    @Test("an escalated item in the queue says where it went and when (issue 15, item 9)")
    func escalatedInTheQueue() {
        var m = WorkflowTests.queue()
        guard case .queue(var q) = m.screen, var items = q.items else { Issue.record("no queue"); return }
        items[0].escalated = Review(id: "R7", by: "mia.manager", at: Timestamp("2026-03-10T09:10:00Z")!,
                                    target: ReviewTarget(rule: items[0].flag.rule, record: items[0].flag.recordId), action: .escalated,
                                    note: "Escalated to the Caldicott Guardian: basis unclear")
        q.items = items
        m.screen = .queue(q)
        let lines = App.view(m).text.split(separator: "\n")
        #expect(lines.contains { $0.contains("Escalated to the Caldicott Guardian: basis unclear (09:10) · ") })
        #expect(lines.filter { $0.contains("Escalated to") }.count == 1)
    }

    @Test("/ then Tab searches every record's words; n and N step through the matches; Enter opens the case on the matching record (issue 15, item 7)",
          arguments: Screens.sizes)
    func textSearch(size: Size) {
        var s = Screens.state(size)
        Screens.keys(&s, [.char("/")])
        Screens.type(&s, "not sleep")
        #expect(App.view(s).text.contains("Tab: every record's words"))
        var effects = Screens.keys(&s, [.tab])
        #expect(effects.contains { if case .runSearch("not sleep") = $0 { true } else { false } })
        let hits = [SearchHit(caseId: "C-0002", recordId: "N1", kind: .note, childName: "Alex Moreno"),
                    SearchHit(caseId: "C-0002", recordId: "K1", kind: .concern, childName: "Alex Moreno")]
        _ = App.update(&s, .searchLoaded(query: "not sleep", hits))
        let f = App.view(s)
        Screens.check(f, "search-results")
        #expect(f.text.contains("2 records have \"not sleep\" (1 cases)") && f.text.contains("K1 concern"))
        Screens.keys(&s, [.char("n")])
        guard case .search(let r) = s.screen else { Issue.record("not on the results"); return }
        #expect(r.selected == 1)
        Screens.keys(&s, [.char("n")])
        guard case .search(let wrapped) = s.screen else { return }
        #expect(wrapped.selected == 0, "n after the last goes round to the first")
        Screens.keys(&s, [.char("N")])
        effects = Screens.keys(&s, [.enter])
        #expect(effects.contains { if case .loadCase("C-0002") = $0 { true } else { false } })
        let c = Screens.example("gaps")
        _ = App.update(&s, .caseLoaded(c, Screens.flags(c)))
        let opened = App.view(s)
        #expect(opened.cursor.map { opened.line($0.y).contains("K1") } == true, "the matching record is selected")
        // The case list was not left filtered by the words.
        Screens.keys(&s, [.escape, .escape])
        #expect(App.view(s).text.contains("Jordan Reyes") && App.view(s).text.contains("Alex Moreno"))
    }

    /// The manager's queue with the gaps example's flags, the first row selected.
    static func queue(_ size: Size = Size(width: 80, height: 24)) -> AppState {
        var s = Screens.state(size)
        Screens.keys(&s, [.char("r")])
        _ = App.update(&s, .queueLoaded(ReviewScreenTests.shownQuery(s), ReviewScreenTests.entries()))
        return s
    }

    static func selected(_ s: AppState) -> FlagEntry? {
        guard case .queue(let q) = s.screen, let items = q.items, q.selected < items.count else { return nil }
        return items[q.selected]
    }

    @Test("R, A, X and S act on the selected queue row without opening it; the note is asked first (issue 15, item 9)",
          arguments: [(Key.char("R"), ReviewAction.returned), (.char("X"), .escalated)])
    func actFromTheQueue(key: Key, action: ReviewAction) {
        var s = Self.queue()
        Screens.keys(&s, [.down])
        guard let row = Self.selected(s) else { Issue.record("no row"); return }
        Screens.keys(&s, [key])
        Screens.type(&s, "Talk to me about this")
        let f = App.view(s)
        let above = f.line(20) + f.line(21)
        #expect(above.contains("\(row.flag.rule) on \(row.flag.recordId)") && above.trimmingCharacters(in: .whitespaces).hasSuffix("note:"), "\(above)")
        #expect(f.line(22).contains(" > Talk to me about this"), "\(f.line(22))")
        let effects = Screens.keys(&s, [.enter])
        guard case .review(let r)? = effects.first else { Issue.record("no review: \(effects)"); return }
        #expect(r.caseId == row.flag.caseId && r.recordId == row.flag.recordId && r.rule == row.flag.rule && r.action == action)
        #expect(r.escalateTo == (action == .escalated ? .designatedSafeguardingLead : nil))
    }

    @Test("accept on a missing flag is refused when the key is pressed, before any note is typed; on a check flag it asks for the note")
    func acceptMissingRefusedAtOnce() {
        var s = Self.queue()
        guard Self.selected(s)?.flag.severity == .missing else { Issue.record("the first row is not missing"); return }
        Screens.keys(&s, [.char("A")])
        #expect(s.message?.isError == true)
        #expect(s.message?.text.hasPrefix("A missing flag cannot be accepted") == true)
        guard case .queue(let q) = s.screen else { Issue.record("no queue"); return }
        #expect(q.prompt == nil, "no note is asked for")
        #expect(!QueueScreen.keys(q).hintLine { QueueScreen.disabled(q, $0) }.contains("A accept"), "the footer does not offer it")
        while Self.selected(s)?.flag.severity == .missing { Screens.keys(&s, [.down]) }
        Screens.keys(&s, [.char("A")])
        guard case .queue(let after) = s.screen else { Issue.record("no queue"); return }
        #expect(after.prompt?.action == .accepted)
    }

    @Test("a review the store refuses keeps its note on screen, to correct or cancel; a review done closes the prompt")
    func refusedReviewKeepsTheNote() {
        var s = Self.queue()
        Screens.keys(&s, [.char("R")])
        Screens.type(&s, "Please add who was told")
        Screens.keys(&s, [.enter])
        _ = App.update(&s, .failed("the store is busy"))
        #expect(App.view(s).line(22).contains(" > Please add who was told"), "the note is still there")
        _ = App.update(&s, .reviewed(caseId: "C-0002", message: "Review R1: returned D1"))
        guard case .queue(let q) = s.screen else { Issue.record("no queue"); return }
        #expect(q.prompt == nil)
    }

    @Test("the rule filter is picked from a list or typed: rationale-missing in a few keys, Esc leaves the filter as it was")
    func rulePicker() {
        var s = Self.queue()
        Screens.keys(&s, [.char("u")])
        let list = App.view(s).text
        #expect(list.contains("Rule (type to narrow"))
        #expect(list.contains("rationale-missing ("), "\(list)")
        Screens.keys(&s, [.escape])
        guard case .queue(let unchanged) = s.screen else { Issue.record("no queue"); return }
        #expect(unchanged.rule == nil && unchanged.rulePicker == nil)
        Screens.keys(&s, [.char("u")])
        Screens.type(&s, "ration")
        let effects = Screens.keys(&s, [.enter])
        guard case .loadQueue(let q, false)? = effects.first else { Issue.record("no reload: \(effects)"); return }
        #expect(q.rule == "rationale-missing")
        Screens.keys(&s, [.char("u")])
        Screens.type(&s, "zzz")
        #expect(App.view(s).text.contains("No rule in the queue matches."))
    }

    @Test("a record with no open flag can be returned from its screen: the return names no rule")
    func returnARecordWithoutAFlag() {
        var s = Screens.state(Size(width: 80, height: 24))
        let c = Screens.example("recorded-well")
        Screens.open(&s, c)
        let record = c.notes[0].id
        s.stack.append(.record(RecordState(caseId: c.id, recordId: record)))
        Screens.keys(&s, [.char("R")])
        Screens.type(&s, "Say who else was in the room")
        #expect(App.view(s).line(21).contains("Return \(record) to the practitioner, note:"))
        let effects = Screens.keys(&s, [.enter])
        guard case .review(let r)? = effects.first else { Issue.record("no review: \(effects)"); return }
        #expect(r.rule == nil && r.returnsByHand && r.recordId == record)
    }

    @Test("the first footer after a save still shows the keys beside the message (issue 15, item 8)", arguments: Screens.sizes)
    func footerAfterSave(size: Size) {
        var s = Screens.state(size)
        Screens.open(&s, Screens.example("recorded-well"))
        _ = App.update(&s, .saved(caseId: "C-0001", message: "Note N3 saved"))
        let footer = App.view(s).line(size.height - 2)
        #expect(footer.hasPrefix(" Note N3 saved"), "\(footer)")
        #expect(footer.contains("Enter open") && footer.contains("w share?"), "\(footer)")
    }
}
