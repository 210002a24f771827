import CaseworkCore
import TerminalKit

/// A manager's review action being written on the bottom line, with its note
/// (and for an escalation, to whom); or a flag being raised by hand with its
/// reason. Kept until the store says it was done, so a refusal keeps the note.
public struct ReviewPrompt: Sendable {
    public var action: ReviewAction
    public var caseId: String
    /// The record acted on (the case id for the whole case).
    public var recordId: String
    /// The flag's rule; nil for a sign-off, an escalation of the record, or a return of a record with no flag.
    public var rule: String?
    /// Raising a check flag by hand, the note its reason, rather than reviewing.
    public var raisesFlag = false
    public var note = TextBuffer()
    public var escalateTo: EscalationTarget = .designatedSafeguardingLead

    public init(action: ReviewAction, caseId: String, recordId: String, rule: String?, raisesFlag: Bool = false) {
        self.action = action; self.caseId = caseId; self.recordId = recordId; self.rule = rule; self.raisesFlag = raisesFlag
    }

    /// A key while a screen's prompt is open: Esc closes it, Enter sends it (the prompt stays until the store
    /// says it was done), any other key edits it.
    static func update(_ prompt: inout ReviewPrompt?, _ key: Key) -> [Effect] {
        guard var p = prompt else { return [] }
        switch p.handle(key) {
        case .cancelled: prompt = nil
        case .editing: prompt = p
        case .send(let effects): return effects
        }
        return []
    }

    /// What a key did to the prompt.
    enum Outcome { case editing, cancelled, send([Effect]) }

    mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape: return .cancelled
        case .tab where action == .escalated && !raisesFlag:
            let all = EscalationTarget.allCases
            escalateTo = all[((all.firstIndex(of: escalateTo) ?? 0) + 1) % all.count]
        case .enter:
            let text = note.text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else {
                return .send([.say(Message(raisesFlag ? "A flag raised by hand needs a reason" : "A review needs a note saying why", isError: true))])
            }
            if raisesFlag { return .send([.raiseFlag(caseId: caseId, recordId: recordId, reason: text)]) }
            return .send([.review(ReviewRequest(caseId: caseId, action: action, recordId: recordId, rule: rule, note: text,
                                                escalateTo: action == .escalated ? escalateTo : nil))])
        default:
            note.handle(key, width: 200)
        }
        return .editing
    }

    var label: String {
        if raisesFlag { return "Raise a check flag on \(recordId), reason: " }
        switch action {
        case .escalated: return "Escalate \(rule.map { "\($0) on " } ?? "")\(recordId) to \(escalateTo.label) (Tab changes to whom), note: "
        case .signedOff: return "Sign off \(recordId == caseId ? "case " : "")\(recordId), note: "
        case .returned: return "Return \(rule.map { "\($0) on " } ?? "")\(recordId) to the practitioner, note: "
        case .accepted: return "Accept \(rule ?? "flag") on \(recordId), note: "
        }
    }

    /// Draws the prompt on the two lines above the footer: what is being done, then the note with the cursor.
    func draw(_ f: inout Frame, _ s: AppState) {
        let y = s.size.height - 2, w = s.size.width
        Chrome.aboveKeys(&f, s, Array(Wrap.lines(label.trimmingCharacters(in: .whitespaces), width: max(1, w - 2)).prefix(3)))
        Chrome.keyLine(&f, s)
        let used = f.put("> ", x: 1, y: y, style: .bold)
        let room = max(1, w - 2 - used)
        // A long note scrolls so the cursor stays in view as it is typed.
        var first = 0, before = note.chars[..<note.cursor].reduce(0) { $0 + DisplayWidth.of($1) }
        while before >= room, first < note.cursor {
            before -= DisplayWidth.of(note.chars[first])
            first += 1
        }
        f.put(String(note.chars[first...]), x: 1 + used, y: y, width: room)
        f.cursor = Point(x: min(w - 1, 1 + used + before), y: y)
    }
}

/// A message from the core ("a missing flag cannot…") as the status line says it.
func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
