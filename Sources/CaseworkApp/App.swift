import CaseworkCore
import TerminalKit

/// The workbook's pure core: `update` takes the state and a message and
/// returns the effects to run at the edge; `view` draws the state.
public enum App {
    public static func update(_ s: inout AppState, _ msg: Msg) -> [Effect] {
        switch msg {
        case .resize(let size):
            s.size = size
            if case .caseList(let l) = s.screen, CaseListScreen.needsLoad(s, l) { return [.loadCases] }
            return []
        case .idle:
            if case .form(var form) = s.screen, form.dirty {
                form.dirty = false
                s.screen = .form(form)
                return [.saveDraft(form.encodedDraft(now: s.now)), .checkForChanges]
            }
            return [.checkForChanges]
        case .storeChanged:
            // Lists and counts follow; an open case is not read again (each reading is audited).
            return [.loadCases, .loadReturned] + queueReloads(s)
        case .casesLoaded(let page):
            s.caseList = page
            if case .caseList(var l) = s.stack[0] {
                l.selected = min(l.selected, max(0, CaseListScreen.listing(s, l).total - 1))
                s.stack[0] = .caseList(l)
            }
            return []
        case .draftsRemoved(let n):
            if n > 0 {
                s.message = Message("\(n) old \(n == 1 ? "draft" : "drafts"), offered last time and not resumed, \(n == 1 ? "was" : "were") removed.")
            }
            return []
        case .auditAlarmLoaded(let alarm):
            s.auditAlarm = alarm
            return []
        case .newCaseId(let id, let kind):
            var values = FormCatalog.values(kind, editing: nil, case: nil, user: s.user.name, now: s.now, zone: s.localTime)
            values["id"] = id
            if kind == .newCase { values["team"] = s.user.teams.first ?? "" }
            return [.openForm(restoring(FormState(kind: kind, caseId: nil, recordId: nil, isEditing: false, values: values), s))]
        case .offerClose(let caseId):
            for i in s.stack.indices {
                if case .caseView(var v) = s.stack[i], v.caseId == caseId, v.loaded?.closed == nil {
                    v.closeOffer = s.today.adding(years: s.retentionReviewYears)
                    s.stack[i] = .caseView(v)
                }
            }
            return []
        case .searchLoaded(let query, let hits):
            for i in s.stack.indices {
                if case .search(var r) = s.stack[i], r.query == query {
                    r.hits = hits
                    r.selected = Selection.clamped(r.selected, count: hits.count)
                    s.stack[i] = .search(r)
                }
            }
            return []
        case .peopleLoaded(let people):
            for i in s.stack.indices {
                guard case .people(var p) = s.stack[i] else { continue }
                p.people = people
                p.prompt = nil
                p.selected = Selection.clamped(p.selected, count: people.count)
                s.stack[i] = .people(p)
            }
            return []
        case .changesLoaded(let asked, let changed):
            for id in asked { s.changedSinceReview[id] = changed[id] }
            return []
        case .returnedLoaded(let items):
            s.returned = items
            return []
        case .queueLoaded(let query, let items):
            for i in s.stack.indices {
                if case .queue(var q) = s.stack[i], QueueScreen.query(s, q) == query {
                    q.items = items
                    q.selected = Selection.clamped(q.selected, count: items.count)
                    s.stack[i] = .queue(q)
                }
            }
            return []
        case .reportLoaded(let report):
            for i in s.stack.indices {
                if case .report(var r) = s.stack[i] {
                    r.report = report
                    s.stack[i] = .report(r)
                }
            }
            return []
        case .draftsLoaded(let drafts):
            s.drafts = drafts
            if !drafts.isEmpty, s.stack.count == 1 {
                s.stack.append(.resume(ResumeState(drafts: drafts, atStart: true)))
            }
            return []
        case .caseLoaded(let c, let flags):
            for i in s.stack.indices {
                if case .caseView(var v) = s.stack[i], v.caseId == c.id {
                    v.loaded = c
                    v.flags = flags
                    if let focus = v.focusRecord {
                        v.selected = CaseViewScreen.lines(s, c, flags).firstIndex { $0.recordId == focus } ?? v.selected
                        v.focusRecord = nil
                    }
                    v.flagSelected = min(v.flagSelected, max(0, flags.count - 1))
                    s.stack[i] = .caseView(v)
                }
            }
            if case .form(var form) = s.screen, form.awaitingConsent, form.caseId == c.id {
                form.awaitingConsent = false
                if let newest = Walkthrough.consentRecorded(c, &form.values) {
                    s.message = Message("Consent \(newest) recorded; the walkthrough continues")
                }
                s.screen = .form(form)
            }
            return []
        case .accessLoaded(let caseId, let events):
            for i in s.stack.indices {
                if case .access(var a) = s.stack[i], a.caseId == caseId {
                    a.events = events
                    s.stack[i] = .access(a)
                }
            }
            return []
        case .historyLoaded(let caseId, let recordId, let versions):
            // To the screens showing that record, wherever they are in the stack.
            for i in s.stack.indices {
                switch s.stack[i] {
                case .history(var h) where h.caseId == caseId && h.recordId == recordId:
                    h.versions = versions
                    s.stack[i] = .history(h)
                case .record(var r) where r.caseId == caseId && r.recordId == recordId:
                    r.versions = versions
                    s.stack[i] = .record(r)
                default: break
                }
            }
            return []
        case .saved(let caseId, let message):
            s.message = Message(message)
            // A review or a raised flag was done: its prompt, kept while it was sent, closes.
            for i in s.stack.indices {
                switch s.stack[i] {
                case .record(var r): r.prompt = nil; s.stack[i] = .record(r)
                case .queue(var q): q.prompt = nil; s.stack[i] = .queue(q)
                default: break
                }
            }
            s.drafts = s.drafts.filter { d in !s.stack.contains { if case .form(let f) = $0 { f.draftId == d.id } else { false } } }
            return [.loadCase(caseId), .loadCases, .loadDrafts, .loadReturned] + queueReloads(s)
        case .created(let caseId):
            var then: [Effect] = []
            if case .form(let f) = s.screen {
                s.stack.removeLast()
                if f.kind == .recordConcern {
                    // A concern recorded about a new child goes on to the decision: share or not, recorded either way.
                    then = [.editAfterLoad(caseId: caseId, recordId: nextId("K", in: nil), field: .decision)]
                }
            }
            s.stack.append(.caseView(CaseViewState(caseId: caseId)))
            s.message = Message(then.isEmpty ? "Case \(caseId) created"
                                : "Case \(caseId) created with the concern. Should you share it? Esc leaves with nothing kept")
            return [.loadCase(caseId), .loadCases, .loadDrafts] + then
        case .failed(let problem):
            s.message = Message(problem, isError: true)
            return []
        case .navigated(let n):
            navigate(&s, n)
            return []
        case .draftSaved(let d):
            if let i = s.drafts.firstIndex(where: { $0.id == d.id }) { s.drafts[i] = d } else { s.drafts.append(d) }
            return []
        case .draftDeleted(let id):
            s.drafts.removeAll { $0.id == id }
            return []
        case .samplesImported(let n):
            s.message = Message("Loaded \(n) invented sample cases")
            return []
        case .handoverWritten(let path):
            s.message = Message("Handover summary written to \(path)")
            return []
        case .familyCopyWritten(let folder, let files):
            if case .familyCopy = s.screen { s.stack.removeLast() }
            // The files' names first: a narrow status line cuts the folder, not them.
            s.message = Message("Copy for the family written: \(files.joined(separator: " and ")), in \(folder)")
            return []
        case .reviewed(let caseId, let message):
            if case .record = s.screen { s.stack.removeLast() }
            return update(&s, .saved(caseId: caseId, message: message))
        case .editReady(let caseId, let recordId, let field):
            guard let c = loadedCase(s, caseId) else { return [] }
            return settle(&s, editRecord(s, c, recordId, focus: field))
        case .key(let key):
            // Blanked: the key that brings the screen back does nothing else.
            if s.blanked {
                s.blanked = false
                return []
            }
            if blankKeys.contains(key) {
                s.blanked = true
                return update(&s, .idle)
            }
            // Too small to show anything: only `q` acts (quitting keeps any draft).
            if s.size.width < Chrome.minimum.width || s.size.height < Chrome.minimum.height { return key == .char("q") ? [.quit] : [] }
            if let scroll = s.help {
                // The shared movements (and Space) scroll the help; any other key closes it.
                let move = key == .char(" ") ? .pageDown : Movement.keys.action(for: key)
                s.help = move.map { help(s).scrolled(scroll, $0, size: s.size) }
                return []
            }
            if key == .ctrl("l") { return [] }
            if key != .tab && key != .escape, case .caseList = s.screen {} else { s.message = nil }
            let (screen, effects) = s.screen.update(s, key)
            s.screen = screen
            return settle(&s, effects)
        }
    }

    /// Makes the changes of screen (and messages, and help) at the head of `effects`, which
    /// need nothing from the store; returns the rest, from the first that does, for the runner.
    /// A change after a store effect waits for it: a form whose save fails stays open.
    static func settle(_ s: inout AppState, _ effects: [Effect]) -> [Effect] {
        var rest = effects[...]
        while let e = rest.first, let n = e.navigation {
            navigate(&s, n)
            rest.removeFirst()
        }
        return Array(rest)
    }

    static func navigate(_ s: inout AppState, _ n: Navigation) {
        switch n {
        case .openForm(let f): s.stack.append(.form(f))
        case .closeForm: if case .form = s.screen { s.stack.removeLast() }
        case .pop: if s.stack.count > 1 { s.stack.removeLast() }
        case .push(let screen): s.stack.append(screen)
        case .quit: s.quitting = true
        case .say(let m): s.message = m
        case .showHelp: s.help = 0
        }
    }

    /// The help overlay for the screen on top: its keys, then the golden rules (a form's help is its own).
    static func help(_ s: AppState) -> Overlay {
        if case .form = s.screen { return Overlay(title: "Help", lines: s.screen.help(s) + ["", blankHelp]) }
        let golden = s.guidance.goldenRules.map { "\($0.number). \($0.summary)" }
        let myths = s.guidance.myths.map { "- \($0.text) (\($0.source))" }
        return Overlay(title: "Help", lines: ["Keys:"] + s.screen.help(s) + [blankHelp, "", "The seven golden rules (\(s.guidance.goldenRulesSource)):"] + golden
                       + (myths.isEmpty ? [] : ["", "Myths that stop people sharing, and what the guidance says:"] + myths))
    }

    /// Blank the screen at once, from anywhere (issue 15): F12 or Ctrl-\.
    static let blankKeys: [Key] = [.function(12), .ctrl("\\")]
    static let blankHelp = "F12 or Ctrl-\\  Blank the screen at once, if someone walks up; any key brings it back"

    public static func view(_ s: AppState) -> Frame {
        if s.blanked {
            var f = Frame(size: s.size)
            f.put("Press any key.", x: 1, y: max(0, s.size.height - 1), style: .dim)
            return f
        }
        if s.size.width < Chrome.minimum.width || s.size.height < Chrome.minimum.height { return Chrome.tooSmall(s.size) }
        var f = s.screen.view(s)
        if let scroll = s.help { help(s).draw(&f, scroll: scroll) }
        return f
    }

    // MARK: Helpers shared by screens

    /// Each open queue asked again for what it shows, after a write here or someone else's.
    static func queueReloads(_ s: AppState) -> [Effect] {
        s.stack.compactMap { screen in
            guard case .queue(let q) = screen else { return nil }
            return .loadQueue(QueueScreen.query(s, q), returnedOnly: q.returnedOnly)
        }
    }

    static func loadedCase(_ s: AppState, _ id: String) -> Case? {
        for screen in s.stack.reversed() { if case .caseView(let v) = screen, v.caseId == id { return v.loaded } }
        return nil
    }

    static func loadedFlags(_ s: AppState, _ id: String) -> [Flag] {
        for screen in s.stack.reversed() { if case .caseView(let v) = screen, v.caseId == id { return v.flags } }
        return []
    }

    /// A form as the user left it, if a draft of it exists; otherwise as given.
    static func restoring(_ f: FormState, _ s: AppState) -> FormState {
        var restored = s.drafts.first(where: { $0.id == f.draftId }).flatMap(FormState.decode) ?? f
        restored.focus(restored.focusId, restored.caseId.flatMap { loadedCase(s, $0) })
        return restored
    }

    /// Opens the form that changes a saved record, on the step and field that fill `field` if given.
    /// A concern waiting for a decision starts the walkthrough on it.
    static func editRecord(_ s: AppState, _ c: Case, _ id: String, focus field: RecordField?) -> [Effect] {
        guard let record = c.records.first(where: { $0.id == id }), let kind = FormKind.editing(record) else {
            return [.say(Message("Reviews are changed by a manager's review actions", isError: true))]
        }
        if case .concern(let k) = record, field == .decision {
            return [.openForm(CaseViewScreen.startWalkthrough(s, c, concern: k.id))]
        }
        var f: FormState
        if case .decision(let d) = record {
            f = FormState(kind: .walkthrough, caseId: c.id, recordId: d.id, isEditing: true, values: Walkthrough.values(from: d, in: c, zone: s.localTime),
                          step: d.outcome == nil ? .concern : .decision)
            if d.outcome != nil { f.visited = Walkthrough.path(f.values).filter { !$0.records } }
        } else {
            f = FormState(kind: kind, caseId: c.id, recordId: id, isEditing: true,
                          values: FormCatalog.values(kind, editing: record, case: c, user: s.user.name, now: s.now, zone: s.localTime))
        }
        f = restoring(f, s)
        var focus = f.focusId
        if let field {
            if f.kind == .walkthrough, let (step, id) = Walkthrough.locate(field, f.values, c) {
                f.step = step
                focus = id
            } else if let id = FormCatalog.fields(f.kind, f.values, case: c, isEditing: true).first(where: { $0.clears == field })?.id {
                focus = id
            }
        }
        f.focus(focus, c)
        if field != nil { f.returnedNoteField = f.focusId }
        return [.openForm(f)]
    }
}
