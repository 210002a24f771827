import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import TerminalKit
import Testing
@testable import CaseworkApp

/// Fixtures and a snapshot check for screen-model tests: state in, frame out, as text.
enum Screens {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let resources = try! CaseworkResources.load(from: Repository.resources)
    static let now = Timestamp("2026-03-10T09:30:00Z")!
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

    static func example(_ name: String) -> Case {
        try! CaseFileCodec.decode(Repository.caseFile(name))
    }

    static func flags(_ c: Case) -> [Flag] {
        FlagEngine(policy: resources.defaultPolicy, guidance: resources.guidance).flags(for: c, on: now.localDay)
            .sorted { ($0.severity.rank, $0.recordId) < ($1.severity.rank, $1.recordId) }
    }

    static func entry(_ c: Case) -> CaseListEntry {
        var counts: [Severity: Int] = [:]
        for f in flags(c) { counts[f.severity, default: 0] += 1 }
        return CaseListEntry(summary: CaseSummary(id: c.id, title: c.title, childName: c.child.name, worker: c.worker, team: c.team,
                                                  opened: c.opened, closed: c.closed, lastActivity: now), openFlags: counts)
    }

    /// A manager's workbook with both examples loaded.
    static func state(_ size: Size, cases: [Case]? = nil) -> AppState {
        var s = AppState(user: User(name: "mia.manager", role: .manager), today: now.localDay, now: now, size: size,
                         guidance: resources.guidance, samplesAvailable: true)
        let all = (cases ?? [example("recorded-well"), example("gaps")]).map(entry)
        _ = App.update(&s, .casesLoaded(CaseListPage.select(CaseListQuery(on: s.today), from: all, user: s.user.name)))
        return s
    }

    /// Opens case `c` as if the store had answered.
    static func open(_ s: inout AppState, _ c: Case) {
        s.stack.append(.caseView(CaseViewState(caseId: c.id)))
        _ = App.update(&s, .caseLoaded(c, flags(c)))
    }

    @discardableResult
    static func keys(_ s: inout AppState, _ keys: [Key]) -> [Effect] {
        var effects: [Effect] = []
        for k in keys { effects += apply(&s, App.update(&s, .key(k))) }
        return effects
    }

    static func type(_ s: inout AppState, _ text: String) {
        keys(&s, text.map { $0 == "\n" ? Key.enter : Key.char($0) })
    }

    /// The text of a frame from its cursor to the end of that line.
    static func underCursor(_ f: Frame) -> String? {
        guard let c = f.cursor else { return nil }
        return String(f.line(c.y).dropFirst(c.x))
    }

    /// Answers the changes of screen as the runner does (with the message `update` takes); returns the other effects.
    static func apply(_ s: inout AppState, _ effects: [Effect]) -> [Effect] {
        var rest: [Effect] = []
        for e in effects {
            switch e {
            case .openForm(let f): rest += apply(&s, App.update(&s, .navigated(.openForm(f))))
            case .closeForm: rest += apply(&s, App.update(&s, .navigated(.closeForm)))
            case .pop: rest += apply(&s, App.update(&s, .navigated(.pop)))
            case .push(let screen): rest += apply(&s, App.update(&s, .navigated(.push(screen))))
            case .startNewCase(let kind):
                rest += apply(&s, App.update(&s, .newCaseId("C-7KQ2MX", kind)))
            default: rest.append(e)
            }
        }
        return rest
    }

    /// Compares the frame (and the cursor) with `Snapshots/NAME-WxH.txt`.
    /// Set CASEWORK_RECORD_SNAPSHOTS=1 to write them; a missing one fails.
    static func check(_ frame: Frame, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = root.appendingPathComponent("Snapshots/\(name)-\(frame.size.width)x\(frame.size.height).txt")
        let cursor = frame.cursor.map { "cursor: \($0.x),\($0.y)" } ?? "cursor: hidden"
        let text = frame.text + "\n---\n" + cursor + "\n"
        if ProcessInfo.processInfo.environment["CASEWORK_RECORD_SNAPSHOTS"] == "1" {
            try? Data(text.utf8).write(to: file)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no snapshot \(file.lastPathComponent); run with CASEWORK_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        #expect(text == expected, "\(file.lastPathComponent)", sourceLocation: sourceLocation)
    }
}
