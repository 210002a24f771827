import CaseworkCore
import Foundation
import TerminalKit

/// An open form (or the walkthrough): its values, the focused field, the
/// text being typed, and, for an amendment, the reason being asked for.
/// The values are what a draft keeps, so a form survives a lost session.
public struct FormState: Sendable, Codable {
    public var kind: FormKind
    public var caseId: String?
    /// The record being edited, or the decision a walkthrough writes.
    public var recordId: String?
    public var isEditing: Bool
    public var values: FormValues
    public var focusId: String?
    /// The walkthrough's current step and the steps behind it.
    public var step: WalkthroughStep?
    public var visited: [WalkthroughStep] = []
    var editor: TextBuffer?
    /// Asking why, before an amendment is saved.
    var reason: TextBuffer?
    var showHelp = false
    var dirty = false
    /// A walkthrough waiting for the consent form it opened.
    var awaitingConsent = false
    /// The field a returned record was opened on, where the manager's note is shown.
    var returnedNoteField: String?

    enum CodingKeys: String, CodingKey { case kind, caseId, recordId, isEditing, values, focusId, step, visited }

    public init(kind: FormKind, caseId: String?, recordId: String?, isEditing: Bool, values: FormValues, step: WalkthroughStep? = nil) {
        self.kind = kind; self.caseId = caseId; self.recordId = recordId; self.isEditing = isEditing
        self.values = values; self.step = step
    }

    public var draftId: String { "\(caseId ?? "new")/\(kind.rawValue)/\(recordId ?? "new")" }

    /// The walkthrough's keys, or a record form's.
    var keys: KeyMap<FormAction> { kind == .walkthrough ? walkthroughKeys : formKeys }

    public var draftTitle: String {
        switch kind {
        case .walkthrough: "decision \(recordId ?? "") on \(caseId ?? "")"
        case .newCase: "new case"
        case .recordConcern where caseId == nil: "concern about a new child"
        default: "\(kind.title.lowercased())\(isEditing ? " \(recordId ?? "")" : "") on \(caseId ?? "")"
        }
    }

    func fields(_ c: Case?) -> [Field] {
        if kind == .walkthrough, let step, let c { return Walkthrough.fields(step: step, values, case: c) }
        return FormCatalog.fields(kind, values, case: c, isEditing: isEditing)
    }

    func focusable(_ c: Case?) -> [Field] {
        fields(c).filter { if case .info = $0.kind { false } else { true } }
    }

    func focusedField(_ c: Case?) -> Field? {
        let list = focusable(c)
        return list.first { $0.id == focusId } ?? list.first
    }

    /// Puts the cursor on field `id`, loading its text into the editor.
    mutating func focus(_ id: String?, _ c: Case?) {
        let list = focusable(c)
        let field = list.first { $0.id == id } ?? list.first
        focusId = field?.id
        switch field?.kind {
        case .text?, .date?, .time?: editor = TextBuffer(values[field!.id] ?? "", multiline: false)
        case .multiline?: editor = TextBuffer(values[field!.id] ?? "", multiline: true)
        default: editor = nil
        }
    }

    mutating func moveFocus(_ delta: Int, _ c: Case?) {
        let list = focusable(c)
        guard !list.isEmpty else { return }
        let i = list.firstIndex { $0.id == focusId } ?? 0
        focus(list[max(0, min(list.count - 1, i + delta))].id, c)
    }

    func isOnLastField(_ c: Case?) -> Bool { focusable(c).last?.id == focusId }

    /// Whether a question has an answer (a default counts; a choice of "none" does not).
    func isAnswered(_ field: Field) -> Bool { !(values[field.id] ?? "").isBlank }

    /// The next question after the focused one that has no answer yet, if any.
    func nextUnanswered(_ c: Case?) -> Field? {
        let list = focusable(c)
        let i = list.firstIndex { $0.id == focusId } ?? -1
        return list[(i + 1)...].first { !isAnswered($0) }
    }

    /// Puts the cursor on the next question still unanswered; false, and nothing moved, if there is none.
    mutating func focusNextUnanswered(_ c: Case?) -> Bool {
        guard let next = nextUnanswered(c) else { return false }
        focus(next.id, c)
        return true
    }

    /// Puts the cursor on the first question without an answer, or, with every one answered by
    /// default, on the last, so that Enter moves on.
    mutating func focusFirstUnanswered(_ c: Case?) {
        let list = focusable(c)
        focus((list.first { !isAnswered($0) } ?? list.last)?.id, c)
    }

    /// The guidance lines shown among the questions now.
    func shownInfo(_ c: Case?) -> [Field] {
        fields(c).filter { if case .info(let text) = $0.kind { !text.isEmpty } else { false } }
    }

    func encodedDraft(now: Timestamp) -> Draft {
        let payload = (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return Draft(id: draftId, caseId: caseId, kind: kind.rawValue, title: draftTitle, payload: payload, updatedAt: now)
    }

    /// The form a draft kept, with the editor (not stored) rebuilt for its focused field, so that the
    /// cursor is in that field's text from the first frame, not only after a key.
    static func decode(_ draft: Draft) -> FormState? {
        guard var f = try? JSONDecoder().decode(FormState.self, from: Data(draft.payload.utf8)) else { return nil }
        if let id = f.focusId, f.focusable(nil).contains(where: { $0.id == id }) { f.focus(id, nil) }
        return f
    }
}

/// The form screen's keys; their help is the help screen.
enum FormAction: Hashable, Sendable { case next, previous, accept, save, back, help, nextStep, previousStep }

let formKeys = KeyMap<FormAction>([
    KeyBinding([.tab], .next, "Next field", hint: "next field"),
    KeyBinding([.backTab], .previous, "Previous field"),
    KeyBinding([.enter], .accept, "Accept the answer and go to the next question still unanswered (in a note, a new line); a choice's first letter answers it and moves on too",
               hint: "accept"),
    KeyBinding([.ctrl("s")], .save, "Save the form (asks why when changing a saved record)", hint: "save"),
    KeyBinding([.escape], .back, "Leave; what you typed is kept as a draft", hint: "leave (kept)"),
    KeyBinding([.function(1), .ctrl("g")], .help, "Help for this form or step", hint: "help"),
])

let walkthroughKeys = KeyMap<FormAction>([
    KeyBinding([.tab], .next, "Next question on this step"),
    KeyBinding([.backTab], .previous, "Previous question"),
    KeyBinding([.enter], .accept, "Accept and go to the next question still unanswered, or the next step; a choice's first letter answers it and moves on too", hint: "accept"),
    KeyBinding([.ctrl("n"), .pageDown], .nextStep, "Next step", hint: "next step"),
    KeyBinding([.ctrl("b"), .pageUp], .previousStep, "Back a step (changing an answer may clear later ones)", hint: "back"),
    KeyBinding([.ctrl("s")], .save, "Record the decision (on the last step)", hint: "record"),
    KeyBinding([.escape], .back, "Leave; the decision is kept as a draft and resumes here"),
    KeyBinding([.function(1), .ctrl("g")], .help, "The longer guidance for this step", hint: "guidance"),
])

/// A form, or the walkthrough, on top of the case it is about.
enum FormScreen {
    static func update(_ s: AppState, _ form: inout FormState, _ key: Key) -> [Effect] {
        let c = form.caseId.flatMap { App.loadedCase(s, $0) }
        var message = s.message
        var effects = FormUpdate(user: s.user, now: s.now, zone: s.localTime, guidance: s.guidance, width: s.size.width).handle(&form, key, c, message: &message)
        if form.showHelp {
            form.showHelp = false
            effects.insert(.showHelp, at: 0)
        }
        return message == s.message ? effects : [.say(message)] + effects
    }
}

/// What a key does to a form, given the case it is about.
struct FormUpdate {
    var user: User
    var now: Timestamp
    var zone: LocalTime
    var guidance: Guidance
    var width: Int

    /// Width of a text field's editing area for this screen width.
    static func fieldWidth(_ screenWidth: Int) -> Int { max(10, screenWidth - 8) }

    /// A key, then a time field just left written out whole ("yesterday 16:30" as "21/11/2026 16:30"),
    /// so that a draft resumed another day means the same moment.
    func handle(_ f: inout FormState, _ key: Key, _ c: Case?, message: inout Message?) -> [Effect] {
        let left = f.focusedField(c)
        var effects = handleKey(&f, key, c, message: &message)
        guard let left, left.kind == .time, f.focusId != left.id, let text = f.values[left.id],
              let t = zone.parse(text, now: now), zone.field(t) != text else { return effects }
        f.values[left.id] = zone.field(t)
        f.dirty = true
        if effects.contains(where: { if case .saveDraft = $0 { true } else { false } }) {
            f.dirty = false
            effects = effects.map { if case .saveDraft = $0 { .saveDraft(f.encodedDraft(now: now)) } else { $0 } }
        }
        return effects
    }

    func handleKey(_ f: inout FormState, _ key: Key, _ c: Case?, message: inout Message?) -> [Effect] {
        if f.reason != nil { return handleReason(&f, key, c, message: &message) }
        let keys = f.keys
        let field = f.focusedField(c)
        if f.focusId == nil { f.focus(field?.id, c) }
        var effects: [Effect] = []
        let multiline = { if case .multiline? = field?.kind { true } else { false } }()
        if let action = keys.action(for: key) ?? (field.map(\.kind.isText) == false && key == .char("?") ? .help : nil),
           action != .accept || !multiline {
            switch action {
            case .accept:
                return accept(&f, c, message: &message)
            case .next:
                f.moveFocus(1, c)
                return draftIfChanged(&f)
            case .previous:
                f.moveFocus(-1, c)
                return draftIfChanged(&f)
            case .help:
                f.showHelp = true
                return []
            case .back:
                return leave(&f, c, message: &message)
            case .nextStep:
                return nextStep(&f, c, message: &message) + draftIfChanged(&f)
            case .previousStep:
                if let prev = f.visited.popLast() {
                    f.step = prev
                    f.focus(nil, c)
                }
                return draftIfChanged(&f)
            case .save:
                if f.kind == .walkthrough && f.step?.records != true {
                    return nextStep(&f, c, message: &message) + draftIfChanged(&f)
                }
                return save(&f, c, message: &message)
            }
        }
        guard let field else { return effects }
        switch field.kind {
        case .choice(let options):
            // As a radio group: an unanswered choice has the cursor on its first option, none chosen;
            // Right and Left move from the option under the cursor and choose where they land; Space
            // chooses the option under the cursor, then the next.
            let values = options.map(\.value)
            let current = values.firstIndex(of: f.values[field.id] ?? "")
            let under = current ?? 0
            switch key {
            case .char(" "), .right, .left:
                guard !values.isEmpty else { break }
                let step = key == .left ? -1 : (key == .right || current != nil ? 1 : 0)
                f.values[field.id] = values[(under + step + values.count) % values.count]
                f.dirty = true
            case .char(let ch):
                // The option starting with the letter answers the question and moves on; where several
                // start with it, the first is chosen and pressing it again chooses the next.
                let matches = options.indices.filter { options[$0].label.lowercased().hasPrefix(String(ch).lowercased()) }
                if let i = matches.first(where: { $0 > (current ?? -1) && matches.contains(current ?? -1) }) ?? matches.first {
                    let guidance = f.shownInfo(c)
                    f.values[field.id] = values[i]
                    f.dirty = true
                    if matches.count == 1 { effects += answered(&f, c, guidanceBefore: guidance, message: &message) }
                }
            case .down:
                effects += advance(&f, c, message: &message)
            case .up:
                f.moveFocus(-1, c)
            default: break
            }
        case .text, .date, .time, .multiline:
            if case .multiline = field.kind {} else {
                if key == .down { return advance(&f, c, message: &message) }
                if key == .up { f.moveFocus(-1, c); return draftIfChanged(&f) }
            }
            if f.editor == nil { f.focus(field.id, c) }
            if f.editor?.handle(key, width: Self.fieldWidth(width) - 1) == true {
                f.values[field.id] = f.editor?.text
                f.dirty = true
            }
        case .info:
            f.moveFocus(1, c)
        }
        return effects
    }

    /// Enter: the next question still unanswered (defaults count as answers); with none left, on
    /// a walkthrough step the next step (on the last, the decision is recorded), on a form the next field.
    func accept(_ f: inout FormState, _ c: Case?, message: inout Message?) -> [Effect] {
        if f.focusNextUnanswered(c) { return draftIfChanged(&f) }
        return advance(&f, c, message: &message, stepDone: true)
    }

    /// A choice answered by its letter: on to the next unanswered question, or to the next step, except
    /// where the answer brought up guidance (it stays to be read) or only recording is left (Ctrl-S).
    func answered(_ f: inout FormState, _ c: Case?, guidanceBefore: [Field], message: inout Message?) -> [Effect] {
        if f.focusNextUnanswered(c) { return draftIfChanged(&f) }
        guard f.kind == .walkthrough, let step = f.step else {
            f.moveFocus(1, c)
            return draftIfChanged(&f)
        }
        let lastStep = step.records && Walkthrough.next(after: step, f.values) == nil
        if lastStep || f.shownInfo(c) != guidanceBefore { return draftIfChanged(&f) }
        return nextStep(&f, c, message: &message) + draftIfChanged(&f)
    }

    func draftIfChanged(_ f: inout FormState) -> [Effect] {
        guard f.dirty else { return [] }
        f.dirty = false
        return [.saveDraft(f.encodedDraft(now: now))]
    }

    /// Down on a field: the next field, or on a walkthrough step's last field (or with `stepDone`,
    /// anywhere on it), the next step.
    func advance(_ f: inout FormState, _ c: Case?, message: inout Message?, stepDone: Bool = false) -> [Effect] {
        if f.kind == .walkthrough && (stepDone || f.isOnLastField(c)) {
            if f.step?.records == true {
                if Walkthrough.next(after: f.step!, f.values) == nil { return save(&f, c, message: &message) }
            }
            return nextStep(&f, c, message: &message)
        }
        f.moveFocus(1, c)
        return draftIfChanged(&f)
    }

    func nextStep(_ f: inout FormState, _ c: Case?, message: inout Message?) -> [Effect] {
        guard f.kind == .walkthrough, let step = f.step, let c else { return [] }
        if step == .consent, f.values["consent.kind"] == "seek-now", !Walkthrough.offersSeekNow(f.values) {
            message = Message("You would share anyway, so asking would not be a real choice (004): choose not sought, and why", isError: true)
            f.focus("consent.kind", c)
            return []
        }
        if step == .consent, f.values["consent.kind"] == "seek-now" {
            f.awaitingConsent = true
            var form = FormState(kind: .consent, caseId: c.id, recordId: nil, isEditing: false,
                                 values: FormCatalog.values(.consent, editing: nil, case: c, user: user.name, now: now, zone: zone))
            form.focus(nil, c)
            return [.saveDraft(f.encodedDraft(now: now)), .openForm(form)]
        }
        guard let next = Walkthrough.next(after: step, f.values) else {
            return save(&f, c, message: &message)
        }
        let cleared = Walkthrough.discardUnused(&f.values, guidance: guidance)
        if !cleared.isEmpty { message = Message("Answers that no longer apply were cleared: \(cleared.joined(separator: ", "))") }
        f.visited.append(step)
        f.step = next
        Walkthrough.prepare(next, &f.values, now: now, zone: zone, case: c)
        f.focusFirstUnanswered(c)
        f.dirty = true
        return []
    }

    /// Esc: keep what was typed. A walkthrough also saves its decision as a draft record (flagged until finished).
    func leave(_ f: inout FormState, _ c: Case?, message: inout Message?) -> [Effect] {
        // A walkthrough left before anything was answered leaves nothing behind: no decision, no flag, no draft.
        if f.kind == .walkthrough, let c, let id = f.recordId, c.decision(id) == nil, f.visited.isEmpty,
           f.values == Walkthrough.starting(c, concern: f.values["concernId"],
                                            sector: f.values["sector"].flatMap(OrganisationSector.init(rawValue:)) ?? .public) {
            message = Message("Nothing was answered, so no decision was kept")
            return [.closeForm, .deleteDraft(f.draftId)]
        }
        var effects: [Effect] = [.saveDraft(f.encodedDraft(now: now)), .closeForm]
        if f.kind == .walkthrough, let c, let id = f.recordId {
            let existing = c.decision(id)
            if existing?.outcome == nil, let records = try? Walkthrough.build(f.values, case: c, decisionId: id, user: user, now: now, zone: zone, complete: false) {
                let changes = records.compactMap { r -> RecordChange? in
                    guard case .decision = r else { return nil }
                    return existing == nil ? .add(r) : (existing.map { CaseRecord.decision($0) } == r ? nil : .amend(r, reason: "walkthrough answers saved as a draft"))
                }
                if !changes.isEmpty {
                    effects.insert(.save(caseId: c.id, changes: changes, draftId: nil, message: "Decision \(id) kept as a draft; resume it from the case"), at: 1)
                }
            }
            message = Message("Decision \(id) kept as a draft; open it from the case to resume")
        } else if !f.values.isEmpty {
            message = Message("What you typed is kept as a draft; it will be offered when you return")
        }
        return effects
    }

    func save(_ f: inout FormState, _ c: Case?, message: inout Message?) -> [Effect] {
        do {
            if f.kind == .walkthrough {
                guard let c, let id = f.recordId else { return [] }
                if c.decision(id)?.outcome != nil {
                    // Check the answers build before asking why.
                    _ = try Walkthrough.build(f.values, case: c, decisionId: id, user: user, now: now, zone: zone, complete: true)
                    f.reason = TextBuffer()
                    return []
                }
                return try walkthroughSave(&f, c, reason: "walkthrough completed", message: &message)
            }
            let result = try FormCatalog.build(f.kind, f.values, case: c, editing: f.isEditing ? f.recordId : nil, user: user, now: now, zone: zone)
            switch result {
            case .newCase(let newCase):
                return [.createCase(newCase, draftId: f.draftId)]
            case .changes(let records):
                guard let caseId = f.caseId ?? c?.id else { return [] }
                if f.isEditing || f.kind == .withdrawConsent {
                    if f.kind == .withdrawConsent {
                        let how = f.values.text("how") ?? ""
                        return [.save(caseId: caseId, changes: records.map { .amend($0, reason: "withdrawn: \(how)") }, draftId: f.draftId,
                                      message: "Consent withdrawn"), .closeForm]
                    }
                    f.reason = TextBuffer()
                    return []
                }
                if f.kind == .recordConcern, let k = records.last?.id {
                    // The decision follows at once: share or not, recorded either way.
                    return [.save(caseId: caseId, changes: records.map { .add($0) }, draftId: f.draftId,
                                  message: "Concern \(k) recorded. Should you share it? Esc leaves with nothing kept"),
                            .closeForm, .editAfterLoad(caseId: caseId, recordId: k, field: .decision)]
                }
                return [.save(caseId: caseId, changes: records.map { .add($0) }, draftId: f.draftId,
                              message: "\(f.kind.title) \(records.first?.id ?? "") saved"), .closeForm]
            }
        } catch {
            message = Message(error.message, isError: true)
            if f.focusable(c).contains(where: { $0.id == error.field }) { f.focus(error.field, c) }
            return []
        }
    }

    func walkthroughSave(_ f: inout FormState, _ c: Case, reason: String, message: inout Message?) throws(FormProblem) -> [Effect] {
        guard let id = f.recordId else { return [] }
        if f.values.text("rationale") == nil {
            message = Message("A rationale is required to complete the decision; it is saved and flagged until you write it (golden rule 7)", isError: true)
        }
        let records = try Walkthrough.build(f.values, case: c, decisionId: id, user: user, now: now, zone: zone, complete: true)
        let changes = records.map { r -> RecordChange in c.records.contains { $0.id == r.id } ? .amend(r, reason: reason) : .add(r) }
        let note = f.values.text("rationale") == nil ? "Decision \(id) saved without a rationale: flagged" : "Decision \(id) recorded"
        return [.save(caseId: c.id, changes: changes, draftId: f.draftId, message: note), .closeForm]
    }

    func handleReason(_ f: inout FormState, _ key: Key, _ c: Case?, message: inout Message?) -> [Effect] {
        switch key {
        case .escape:
            f.reason = nil
        case .enter:
            let why = f.reason?.text.trimmingCharacters(in: .whitespaces) ?? ""
            guard !why.isEmpty else {
                message = Message("Say why you are changing this record; the reason is kept with the new version", isError: true)
                return []
            }
            f.reason = nil
            if f.kind == .walkthrough, let c {
                do { return try walkthroughSave(&f, c, reason: why, message: &message) } catch {
                    message = Message(error.message, isError: true)
                    return []
                }
            }
            guard case .changes(let records)? = try? FormCatalog.build(f.kind, f.values, case: c, editing: f.recordId, user: user, now: now, zone: zone),
                  let caseId = f.caseId else { return [] }
            return [.save(caseId: caseId, changes: records.map { .amend($0, reason: why) }, draftId: f.draftId,
                          message: "\(records.first?.id ?? "Record") amended"), .closeForm]
        default:
            f.reason?.handle(key, width: 60)
        }
        return []
    }
}
