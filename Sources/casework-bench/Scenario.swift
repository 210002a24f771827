import CaseworkApp
import CaseworkCore
import CaseworkStore
import Foundation
import Synchronization
import TerminalKit

/// One measured scenario, run in its own process so its peak memory is its own.
/// Prints one JSON `ScenarioResult` on standard output.
final class Scenario {
    let store: URL
    let config: URL
    let resources: URL
    let user: String
    let iterations: Int
    /// Where the statements of one iteration are written, for replay by `sqlite3`.
    let traceDirectory: URL

    let captured = Captured()
    let settings: FlagSettings

    init(store: URL, config: URL, resources: URL, user: String, iterations: Int, traceDirectory: URL) throws {
        self.store = store; self.config = config; self.resources = resources; self.user = user
        self.iterations = iterations; self.traceDirectory = traceDirectory
        settings = FlagSettings(resources: try CaseworkResources.load(from: resources))
    }

    /// The statements seen while capturing is on.
    final class Captured: Sendable {
        let statements = Mutex<[String]?>(nil)
        func withLock<T>(_ body: (inout [String]?) -> T) -> T { statements.withLock { body(&$0) } }
    }

    func open() throws -> SQLiteCaseStore {
        let captured = self.captured
        return try SQLiteCaseStore(StoreLocation(file: store, configDirectory: config), settings: settings,
                                   sqlTrace: { sql in captured.withLock { if $0 != nil { $0?.append(sql()) } } })
    }

    /// A value shared between threads.
    final class Box<T: Sendable>: Sendable {
        let value: Mutex<T>
        init(_ v: T) { value = Mutex(v) }
        func withLock<R>(_ body: (inout T) -> R) -> R { value.withLock { body(&$0) } }
    }

    func startCapture() { captured.withLock { $0 = [] } }

    /// Stops capturing and writes what was run to `NAME.sql`.
    func stopCapture(_ name: String) {
        let statements = captured.withLock { s -> [String] in defer { s = nil }; return s ?? [] }
        let text = statements.filter { !$0.hasPrefix("--") }.map { $0.hasSuffix(";") ? $0 : $0 + ";" }.joined(separator: "\n") + "\n"
        try? Data(text.utf8).write(to: traceDirectory.appendingPathComponent("\(name).sql"))
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        return (value, Self.ms(ContinuousClock.now - start))
    }

    var today: Day { Day(Date()) }

    // MARK: - Scenarios

    /// Opening the store and drawing the case list's first screen, as the workbook does.
    func firstFrame() throws -> [String: [Double]] {
        var samples: [Double] = []
        for i in 0..<iterations {
            if i == iterations - 1 { startCapture() }
            let (_, t) = try time { () throws -> Frame in
                _ = try CaseworkResources.load(from: resources)
                let store = try open()
                let me = try store.user(named: user)
                let state = AppState(user: me, today: today, now: Timestamp(Date()), size: Size(width: 120, height: 40),
                                     guidance: settings.guidance, samplesAvailable: false)
                let terminal = FrameOnce()
                let runner = AppRunner(state: state, store: store, terminal: terminal, samples: [])
                runner.start()
                return App.view(runner.state)
            }
            if i == iterations - 1 { stopCapture("first-frame") }
            samples.append(t)
        }
        return ["first-frame": samples]
    }

    /// The review queue's first page (50 items), worst first then oldest.
    func reviewQueue() throws -> [String: [Double]] {
        let store = try open()
        var samples: [Double] = []
        for i in 0..<iterations {
            if i == iterations - 1 { startCapture() }
            let (items, t) = try time { try store.reviewQueue(FlagQuery(on: today, limit: 50), by: user) }
            if i == iterations - 1 { stopCapture("review-queue") }
            precondition(!items.isEmpty, "the queue is empty")
            samples.append(t)
        }
        return ["review-queue": samples]
    }

    /// Opening one case as the workbook does: read it (an audited view), its flags, and draw it.
    func openCase() throws -> [String: [Double]] {
        let store = try open()
        let me = try store.user(named: user)
        let page = try store.caseList(CaseListQuery(on: today, offset: 0, limit: 1000), by: user)
        var samples: [Double] = []
        for i in 0..<iterations {
            let id = page.entries[(i * 37) % page.entries.count].summary.id
            if i == iterations - 1 { startCapture() }
            let (_, t) = try time { try Self.openCase(id, in: store, as: me, today: today, guidance: settings.guidance) }
            if i == iterations - 1 { stopCapture("open-case") }
            samples.append(t)
        }
        return ["open-case": samples]
    }

    /// What the workbook does to open a case: read it (an audited view) and its flags, and draw it.
    static func openCase(_ id: String, in store: any CaseStore, as me: User, today: Day, guidance: Guidance) throws -> Frame {
        let c = try store.viewCase(id, by: me.name)
        let flags = try store.flags(FlagQuery(caseId: id, on: today), by: me.name).map(\.flag)
        var state = AppState(user: me, today: today, now: Timestamp(Date()), size: Size(width: 120, height: 40),
                             guidance: guidance, samplesAvailable: false)
        state.stack.append(.caseView(CaseViewState(caseId: id)))
        _ = App.update(&state, .caseLoaded(c, flags))
        return App.view(state)
    }

    /// Saving a new note to a case: the record, its version, its audit event and the case's flags, in one transaction.
    func saveRecord() throws -> [String: [Double]] {
        let store = try open()
        let page = try store.caseList(CaseListQuery(on: today, offset: 0, limit: 1000), by: user)
        var samples: [Double] = []
        startCapture()
        for i in 0..<iterations {
            let id = page.entries[(i * 53) % page.entries.count].summary.id
            let note = CaseNote(id: "BENCH-\(UUID().uuidString.prefix(8))", at: Timestamp(Date()), by: user, kind: .other,
                                text: "Invented benchmark note \(i).")
            let (_, t) = try time { try store.add(.note(note), toCase: id, by: user) }
            samples.append(t)
        }
        stopCapture("save-record")
        return ["save-record": samples]
    }

    /// Importing one case file (a new id each time).
    func importCase() throws -> [String: [Double]] {
        let store = try open()
        var g = DemoGenerator(seed: 99)
        var samples: [Double] = []
        startCapture()
        for i in 0..<iterations {
            let c = g.makeCase(900_000 + i, workers: [user], teams: ["Bench"])
            let (_, t) = try time { try store.importCases([c], replace: false, by: user) }
            samples.append(t)
        }
        stopCapture("import-case")
        return ["import-case": samples]
    }

    /// Every case's flags recomputed, in batches; reports the longest write lock too.
    func recompute() throws -> [String: [Double]] {
        let store = try open()
        startCapture()
        let (r, t) = try time { try store.recomputeFlags(by: user) }
        stopCapture("recompute")
        // A manager's policy change that moves the commonest check flag to missing: most flagged cases change.
        let (p, pt) = try time { try store.setPolicy(Data(#"{"rules": {"insecure-method": {"severity": "missing"}}}"#.utf8), by: user) }
        return ["recompute": [t], "recompute-changed": [Double(r.changed)],
                "recompute-after-policy-change": [pt], "recompute-after-policy-change-changed": [Double(p.changed)],
                "recompute-after-policy-change-longest-lock": [Self.ms(p.longestWriteLock)]]
    }

    /// A practitioner's browsing through the real runner: the list paged to its end and back,
    /// cases opened, the review queue opened. Measured for its peak memory.
    func browse() throws -> [String: [Double]] {
        let store = try open()
        let me = try store.user(named: user)
        let state = AppState(user: me, today: today, now: Timestamp(Date()), size: Size(width: 120, height: 40),
                             guidance: settings.guidance, samplesAvailable: false)
        var keys: [Key] = []
        for _ in 0..<30 { keys += [.pageDown] }
        keys += [.enter, .escape, .char("G"), .enter, .escape, .char("g")]
        for _ in 0..<20 { keys += [.down, .down, .down, .enter, .escape] }
        keys += [.char("r"), .escape, .char("f"), .pageDown, .char("f"), .char("q")]
        let terminal = Scripted(keys)
        let runner = AppRunner(state: state, store: store, terminal: terminal, samples: [])
        let (_, t) = time { runner.loop() }
        if ProcessInfo.processInfo.environment["CASEWORK_BENCH_VERBOSE"] != nil {
            for (k, ms) in terminal.latencies.sorted(by: { $0.1 > $1.1 }).prefix(10) { FileHandle.standardError.write(Data("\(k): \(ms) ms\n".utf8)) }
        }
        return ["browse": [t], "browse-key-median": [Stats.median(terminal.latencies.map(\.1))],
                "browse-key-slowest": [terminal.latencies.map(\.1).max() ?? 0]]
    }
}

/// A terminal that is never read: the first frame is all that is wanted.
final class FrameOnce: Terminal {
    var size: Size { Size(width: 120, height: 40) }
    func present(_ frame: Frame) {}
    func nextEvent() -> TerminalEvent { .stop }
}

/// A terminal that types a fixed list of keys, then stops.
final class Scripted: Terminal {
    var keys: [Key]
    var frames = 0
    /// Each key with the time from its press to the next frame drawn.
    var latencies: [(Key, Double)] = []
    var pressed: (Key, ContinuousClock.Instant)?
    init(_ keys: [Key]) { self.keys = keys.reversed() }
    var size: Size { Size(width: 120, height: 40) }
    func present(_ frame: Frame) {
        frames += 1
        if let (key, at) = pressed { latencies.append((key, Scenario.ms(ContinuousClock.now - at))) }
        pressed = nil
    }
    func nextEvent() -> TerminalEvent {
        guard let key = keys.popLast() else { return .stop }
        pressed = (key, ContinuousClock.now)
        return .key(key)
    }
}
