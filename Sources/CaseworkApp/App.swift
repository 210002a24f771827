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
                return [.saveDraft(form.encodedDraft(now: s.now))]
            }
            return []
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
        case .newCaseId(let id):
            var values = FormCatalog.values(.newCase, editing: nil, case: nil, user: s.user.name, now: s.now)
            values["id"] = id
            values["team"] = s.user.teams.first ?? ""
            return [.openForm(restoring(FormState(kind: .newCase, caseId: nil, recordId: nil, isEditing: false, values: values), s))]
        case .returnedLoaded(let items):
            s.returned = items
            return []
        case .queueLoaded(let items):
            for i in s.stack.indices.reversed() {
                if case .queue(var q) = s.stack[i] {
                    q.items = items
                    q.selected = min(q.selected, max(0, items.count - 1))
                    s.stack[i] = .queue(q)
                    break
                }
            }
            return []
        case .reportLoaded(let report):
            if case .report(var r) = s.screen {
                r.report = report
                s.screen = .report(r)
            }
            return []
        case .draftsLoaded(let drafts):
            s.drafts = drafts
            if !drafts.isEmpty, s.stack.count == 1 {
                s.stack.append(.resume(ResumeState(drafts: drafts)))
            }
            return []
        case .caseLoaded(let c, let flags):
            for i in s.stack.indices {
                if case .caseView(var v) = s.stack[i], v.caseId == c.id {
                    v.loaded = c
                    v.flags = flags
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
            s.drafts = s.drafts.filter { d in !s.stack.contains { if case .form(let f) = $0 { f.draftId == d.id } else { false } } }
            var reload: [Effect] = [.loadCase(caseId), .loadCases, .loadDrafts, .loadReturned]
            for screen in s.stack {
                if case .queue(let q) = screen { reload.append(.loadQueue(QueueScreen.query(s, q), returnedOnly: q.returnedOnly)) }
            }
            return reload
        case .created(let caseId):
            if case .form = s.screen { s.stack.removeLast() }
            s.stack.append(.caseView(CaseViewState(caseId: caseId)))
            s.message = Message("Case \(caseId) created")
            return [.loadCase(caseId), .loadCases, .loadDrafts]
        case .failed(let problem):
            s.message = Message(problem, isError: true)
            return []
        case .navigated(let n):
            switch n {
            case .openForm(let f): s.stack.append(.form(f))
            case .closeForm: if case .form = s.screen { s.stack.removeLast() }
            case .pop: if s.stack.count > 1 { s.stack.removeLast() }
            case .push(let screen): s.stack.append(screen)
            case .quit: s.quitting = true
            }
            return []
        case .draftSaved(let d):
            if let i = s.drafts.firstIndex(where: { $0.id == d.id }) { s.drafts[i] = d } else { s.drafts.append(d) }
            return []
        case .samplesImported(let n):
            s.message = Message("Loaded \(n) invented sample cases")
            return []
        case .handoverWritten(let path):
            s.message = Message("Handover summary written to \(path)")
            return []
        case .reviewed(let caseId, let message):
            if case .record = s.screen { s.stack.removeLast() }
            return update(&s, .saved(caseId: caseId, message: message))
        case .editReady(let caseId, let recordId, let field):
            guard let c = loadedCase(s, caseId) else { return [] }
            return editRecord(&s, c, recordId, focus: field)
        case .key(let key):
            // Too small to show anything: only `q` acts (quitting keeps any draft).
            if s.size.width < Chrome.minimum.width || s.size.height < Chrome.minimum.height { return key == .char("q") ? [.quit] : [] }
            if s.showHelp || isFormHelp(s) {
                switch key {
                case .down, .char("j"): s.helpScroll += 1
                case .up, .char("k"): s.helpScroll = max(0, s.helpScroll - 1)
                case .pageDown, .char(" "): s.helpScroll += 10
                case .pageUp: s.helpScroll = max(0, s.helpScroll - 10)
                default:
                    s.showHelp = false
                    if case .form(var form) = s.screen { form.showHelp = false; s.screen = .form(form) }
                }
                return []
            }
            s.helpScroll = 0
            if key == .ctrl("l") { return [] }
            if key != .tab && key != .escape, case .caseList = s.screen {} else { s.message = nil }
            switch s.screen {
            case .caseList(var l):
                let e = CaseListScreen.update(&s, &l, key)
                replaceTop(&s, .caseList(l), ifStill: { if case .caseList = $0 { true } else { false } })
                return e
            case .caseView(var v):
                let e = CaseViewScreen.update(&s, &v, key)
                replaceTop(&s, .caseView(v), ifStill: { if case .caseView(let x) = $0 { x.caseId == v.caseId } else { false } })
                return e
            case .record(var r):
                let e = RecordScreen.update(&s, &r, key)
                replaceTop(&s, .record(r), ifStill: { if case .record = $0 { true } else { false } })
                return e
            case .history(var h):
                let e = HistoryScreen.update(&s, &h, key)
                replaceTop(&s, .history(h), ifStill: { if case .history = $0 { true } else { false } })
                return e
            case .resume(var r):
                let e = ResumeScreen.update(&s, &r, key)
                replaceTop(&s, .resume(r), ifStill: { if case .resume = $0 { true } else { false } })
                return e
            case .queue(var q):
                let e = QueueScreen.update(&s, &q, key)
                replaceTop(&s, .queue(q), ifStill: { if case .queue = $0 { true } else { false } })
                return e
            case .report(var r):
                switch key {
                case .down, .char("j"), .up, .char("k"):
                    let delta = key == .down || key == .char("j") ? 1 : -1
                    r.scroll = Scrolling.moved(r.scroll, by: delta, lines: ReportScreen.lines(s, r).count, height: s.size.height - 4)
                case .escape, .char("q"): return [.pop]
                default: break
                }
                s.screen = .report(r)
                return []
            case .form(var form):
                let c = form.caseId.flatMap { loadedCase(s, $0) }
                var message = s.message
                let e = FormUpdate(user: s.user, now: s.now, guidance: s.guidance, width: s.size.width).handle(&form, key, c, message: &message)
                s.message = message
                s.screen = .form(form)
                return e
            }
        }
    }

    static func isFormHelp(_ s: AppState) -> Bool {
        if case .form(let f) = s.screen { return f.showHelp }
        return false
    }

    /// Writes a screen's new state back, unless the key pushed another screen on top.
    static func replaceTop(_ s: inout AppState, _ screen: Screen, ifStill same: (Screen) -> Bool) {
        for i in s.stack.indices.reversed() where same(s.stack[i]) {
            s.stack[i] = screen
            return
        }
    }

    public static func view(_ s: AppState) -> Frame {
        if s.size.width < Chrome.minimum.width || s.size.height < Chrome.minimum.height { return Chrome.tooSmall(s.size) }
        var f: Frame
        var help: [String] = []
        switch s.screen {
        case .caseList(let l): f = CaseListScreen.view(s, l); help = caseListKeys.helpLines
        case .caseView(let v): f = CaseViewScreen.view(s, v); help = caseViewKeys.helpLines
        case .record(let r): f = RecordScreen.view(s, r); help = recordKeys.helpLines
        case .history(let h): f = HistoryScreen.view(s, h)
        case .resume(let r): f = ResumeScreen.view(s, r)
        case .form(let form): f = FormView.view(s, form)
        case .queue(let q): f = QueueScreen.view(s, q); help = ["Enter  open the item: record, rule, source, history; R/A/X/S act on it",
                                                               "s      filter by severity", "p      filter by practitioner", "u      filter by rule", "c      filter by case", "Esc    back"]
        case .report(let r): f = ReportScreen.view(s, r)
        }
        if s.showHelp {
            let golden = s.guidance.goldenRules.map { "\($0.number). \($0.summary)" }
            Chrome.overlay(&f, title: "Help", lines: ["Keys:"] + help + ["", "The seven golden rules (\(s.guidance.goldenRulesSource)):"] + golden,
                           scroll: s.helpScroll)
        }
        return f
    }

    // MARK: Helpers shared by screens

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
    static func editRecord(_ s: inout AppState, _ c: Case, _ id: String, focus field: RecordField?) -> [Effect] {
        guard let record = c.records.first(where: { $0.id == id }), let kind = FormKind.editing(record) else {
            s.message = Message("Reviews are changed by a manager's review actions", isError: true)
            return []
        }
        if case .concern(let k) = record, field == .decision {
            return [.openForm(CaseViewScreen.startWalkthrough(s, c, concern: k.id))]
        }
        var f: FormState
        if case .decision(let d) = record {
            f = FormState(kind: .walkthrough, caseId: c.id, recordId: d.id, isEditing: true, values: Walkthrough.values(from: d, in: c),
                          step: d.outcome == nil ? .concern : .decision)
            if d.outcome != nil { f.visited = Walkthrough.path(f.values).filter { !$0.records } }
        } else {
            f = FormState(kind: kind, caseId: c.id, recordId: id, isEditing: true,
                          values: FormCatalog.values(kind, editing: record, case: c, user: s.user.name, now: s.now))
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
        return [.openForm(f)]
    }
}
