import CaseworkCore
import TerminalKit

public struct AccessState: Sendable {
    public var caseId: String
    public var events: [AccessEvent]?
    public var scroll = 0
}

/// Who has seen a case: every view, export and change of it in the audit trail, newest first
/// (ISO 27789; the child's record of access). Opening it is itself recorded.
enum AccessScreen {
    static func update(_ s: AppState, _ a: inout AccessState, _ key: Key) -> [Effect] {
        ScrollAction.handle(key, offset: &a.scroll, lines: lines(s, a).count, height: s.size.height - 4)
    }

    static func lines(_ s: AppState, _ a: AccessState) -> [(String, Style)] {
        guard let events = a.events else { return [] }
        let readers = Set(events.filter(\.isReading).map(\.user)).sorted()
        var out: [(String, Style)] = []
        for l in Wrap.lines("\(events.count) \(events.count == 1 ? "event" : "events"). Read by: \(readers.isEmpty ? "no one" : readers.joined(separator: ", ")).",
                            width: s.size.width - 4) {
            out.append((l, .bold))
        }
        out.append(("Reports and recomputes that read many cases at once are recorded once for all of them and are not listed.", .dim))
        out.append(("", .plain))
        for e in events.reversed() { out.append(("\(s.localTime.spoken(e.at, now: s.now))  \(e.user)  \(e.words)", e.isReading ? .plain : .dim)) }
        return out
    }

    static func view(_ s: AppState, _ a: AccessState) -> Frame {
        Chrome.textScreen(s, title: "Who has seen \(a.caseId)", lines: a.events.map { _ in lines(s, a) }, scroll: a.scroll, x: 2,
                          waiting: "Loading…")
    }
}
