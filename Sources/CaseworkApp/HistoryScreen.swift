import CaseworkCore
import TerminalKit

public struct HistoryState: Sendable {
    public var caseId: String
    public var recordId: String
    public var versions: [RecordVersion]?
    public var scroll = 0
}

/// Every version of one record, newest first, with who changed it and why.
enum HistoryScreen {
    static func update(_ s: AppState, _ h: inout HistoryState, _ key: Key) -> [Effect] {
        ScrollAction.handle(key, offset: &h.scroll, lines: lines(s, h).count, height: s.size.height - 4)
    }

    /// Every version, newest first, line by line at this width.
    static func lines(_ s: AppState, _ h: HistoryState) -> [(String, Style)] {
        let w = s.size.width - 4
        var lines: [(String, Style)] = []
        for v in (h.versions ?? []).reversed() {
            lines.append(("Version \(v.version) · \(s.localTime.spoken(v.at, now: s.now)) · by \(v.author)", .bold))
            if let why = v.reason { lines += Wrap.lines("Why: \(why)", width: w).map { ($0, Style.plain) } }
            let c = App.loadedCase(s, h.caseId).map { $0.replacing(v.record) }
            for l in (c.map { PlainCaseView.describe(v.recordId, in: $0) } ?? [v.record.body()]).dropFirst() {
                lines += Wrap.lines(l, width: w - 2).map { ("  " + $0, Style.dim) }
            }
            lines.append(("", .plain))
        }
        return lines
    }

    static func view(_ s: AppState, _ h: HistoryState) -> Frame {
        Chrome.textScreen(s, title: "History of \(h.caseId)/\(h.recordId)", lines: h.versions.map { _ in lines(s, h) }, scroll: h.scroll, x: 2,
                          waiting: "Loading…")
    }
}
