import CaseworkCore
import TerminalKit

public struct RecordState: Sendable {
    public var caseId: String
    public var recordId: String
    public var scroll = 0
    /// The flag this record was opened for from the queue, if any.
    public var rule: String?
    public var versions: [RecordVersion]?
    public var prompt: ReviewPrompt?

    public init(caseId: String, recordId: String, rule: String? = nil) {
        self.caseId = caseId; self.recordId = recordId; self.rule = rule
    }
}

enum RecordAction: Hashable, Sendable { case move(Movement), edit, history, withdraw, back, help, returnFlag, accept, escalate, signOff, raise }

let recordKeys = KeyMap<RecordAction>(moving: RecordAction.move, hint: "scroll", [
    KeyBinding([.char("e")], .edit, "Change this record (you will be asked why)", hint: "change"),
    KeyBinding([.char("h")], .history, "Every version of this record", hint: "history"),
    KeyBinding([.char("W")], .withdraw, "Record that this consent was withdrawn"),
    KeyBinding([.char("R")], .returnFlag, "Return the flag, or the record if it has none, to the practitioner with a note (managers)", hint: "return"),
    KeyBinding([.char("A")], .accept, "Accept a check or advice flag with a note (managers)", hint: "accept"),
    KeyBinding([.char("X")], .escalate, "Escalate, with a note (managers; Tab chooses to whom)"),
    KeyBinding([.char("S")], .signOff, "Sign off this decision (managers)"),
    KeyBinding([.char("F")], .raise, "Raise a flag by hand on this record, with a reason"),
    KeyBinding([.escape], .back, "Back", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// One record with its open flags and history; a manager reviews from here.
enum RecordScreen {
    /// Why a key cannot act on this record now, for the status line and the help.
    static func disabled(_ s: AppState, _ r: RecordState, _ action: RecordAction) -> String? {
        let c = App.loadedCase(s, r.caseId)
        if [.returnFlag, .accept, .escalate, .signOff].contains(action), s.user.role != .manager { return "Only a manager reviews" }
        switch action {
        case .accept:
            guard let rule = flagRule(s, r) else { return "No open flag on this record" }
            return App.loadedFlags(s, r.caseId).first { $0.recordId == r.recordId && $0.rule == rule }.flatMap(ReviewRules.acceptRefusal).map(sentence)
        case .withdraw:
            guard let k = c?.consent(r.recordId) else { return "Only a consent can be withdrawn" }
            return k.status == .withdrawn ? "This consent is already withdrawn" : nil
        case .edit:
            if case .review? = c?.records.first(where: { $0.id == r.recordId }) { return "A review is changed by a manager's review actions" }
            return nil
        default: return nil
        }
    }

    /// The flag a review of this record is about: the one it was opened for from the queue, or its first open flag.
    static func flagRule(_ s: AppState, _ r: RecordState) -> String? {
        r.rule ?? App.loadedFlags(s, r.caseId).first { $0.recordId == r.recordId }?.rule
    }

    static func update(_ s: AppState, _ r: inout RecordState, _ key: Key) -> [Effect] {
        if r.prompt != nil { return ReviewPrompt.update(&r.prompt, key) }
        let state = r
        return recordKeys.effects(for: key, disabled: { disabled(s, state, $0) }) { act(s, &r, $0) }
    }

    static func act(_ s: AppState, _ r: inout RecordState, _ action: RecordAction) -> [Effect] {
        switch action {
        case .move(let m):
            r.scroll = Scrolling.moved(r.scroll, m, lines: lines(s, r).count, height: s.size.height - 4)
        case .edit:
            guard let c = App.loadedCase(s, r.caseId) else { return [] }
            return App.editRecord(s, c, r.recordId, focus: nil)
        case .history:
            return [.push(.history(HistoryState(caseId: r.caseId, recordId: r.recordId))), .loadHistory(caseId: r.caseId, recordId: r.recordId)]
        case .withdraw:
            guard let c = App.loadedCase(s, r.caseId), let k = c.consent(r.recordId) else { return [] }
            var f = FormState(kind: .withdrawConsent, caseId: c.id, recordId: k.id, isEditing: true,
                              values: FormCatalog.values(.withdrawConsent, editing: .consent(k), case: c, user: s.user.name, now: s.now, zone: s.localTime))
            f.focus(nil, c)
            return [.openForm(f)]
        case .back: return [.pop]
        case .help: return [.showHelp]
        case .returnFlag, .accept, .escalate, .signOff:
            let a: ReviewAction = action == .returnFlag ? .returned : action == .accept ? .accepted : action == .escalate ? .escalated : .signedOff
            r.prompt = ReviewPrompt(action: a, caseId: r.caseId, recordId: r.recordId, rule: a == .signedOff ? nil : flagRule(s, r))
        case .raise:
            r.prompt = ReviewPrompt(action: .escalated, caseId: r.caseId, recordId: r.recordId, rule: nil, raisesFlag: true)
        }
        return []
    }

    /// What the record screen shows, line by line, at this width.
    static func lines(_ s: AppState, _ r: RecordState) -> [(String, Style)] {
        guard let c = App.loadedCase(s, r.caseId) else { return [] }
        let w = s.size.width - 4
        var lines: [(String, Style)] = []
        for (i, l) in PlainCaseView.describe(r.recordId, in: c).enumerated() {
            for part in Wrap.lines(l, width: w) { lines.append((part, i == 0 ? .bold : .plain)) }
        }
        let flags = App.loadedFlags(s, r.caseId).filter { $0.recordId == r.recordId }
        lines.append(("", .plain))
        lines.append((flags.isEmpty ? "No open flags on this record." : "Open flags on this record:", .bold))
        for flag in flags {
            for (i, l) in Wrap.lines("[\(flag.severity.rawValue)] \(flag.rule): \(flag.message)", width: w).enumerated() {
                lines.append((l, Style(bold: i == 0, tone: Chrome.tone(flag.severity))))
            }
            lines.append(("  Source: \(flag.source)", .dim))
        }
        if let versions = r.versions {
            lines.append(("", .plain))
            lines.append(("History:", .bold))
            for v in versions.reversed() {
                lines.append(("  Version \(v.version) · \(s.localTime.spoken(v.at, now: s.now)) · by \(v.author)" + (v.reason.map { " · why: \($0)" } ?? ""), .dim))
            }
        }
        return lines
    }

    static func view(_ s: AppState, _ r: RecordState) -> Frame {
        var f = Chrome.frame(s, title: "\(r.caseId) · \(r.recordId)", hints: recordKeys.hintLine { disabled(s, r, $0) })
        guard App.loadedCase(s, r.caseId) != nil else { return f }
        Chrome.body(&f, lines(s, r), scroll: r.scroll, x: 2)
        r.prompt?.draw(&f, s)
        return f
    }
}
