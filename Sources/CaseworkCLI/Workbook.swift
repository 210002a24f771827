import CaseworkApp
import CaseworkCore
import CaseworkStore
import CursesTerminal
import ArgumentParser
import Foundation
import TerminalKit

/// Plain `casework`: the terminal workbook, or a pointer to the subcommands
/// when there is no terminal to draw on.
enum Workbook {
    /// The workbook for `user` on `store`, drawing on `terminal`: the one way it is put together,
    /// for the program and for the tests that replay its keys.
    static func runner(store: any CaseStore, user: User, resources: CaseworkResources, terminal: any Terminal, exports: URL) -> AppRunner {
        let samples = ((try? FileManager.default.contentsOfDirectory(at: resources.samplesDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
            .compactMap { FileManager.default.contents(atPath: $0.path) }.compactMap { try? CaseFileCodec.decode($0) }
        let now = Date()
        var state = AppState(user: user, today: Day(now), now: Timestamp(now), size: terminal.size, guidance: resources.guidance,
                             samplesAvailable: !samples.isEmpty)
        let policy = try? store.policy()
        state.sector = policy?.organisationSector ?? .public
        state.localTime = policy?.localTime ?? .london
        state.retentionReviewYears = policy?.retentionReviewYears ?? Policy.defaultRetentionReviewYears
        switch (store as? SQLiteCaseStore)?.limitation {
        case .readOnly?:
            state.message = Message("The store is read-only: cases are listed, but opening one cannot be recorded, so it is refused.", isError: true)
        case .diskFull?:
            state.message = Message("The disk is full: cases are listed, but nothing can be opened or saved until there is space.", isError: true)
        case nil: break
        }
        return AppRunner(state: state, store: store, terminal: terminal, samples: samples, exports: exports)
    }

    static func open(options: StoreOptions, noColor: Bool, plain: Bool) throws {
        let env = ProcessInfo.processInfo.environment
        let onTerminal = isatty(0) == 1 && isatty(1) == 1
        // TERM=dumb, or a terminal that terminfo says cannot place text at a row and column.
        let cannotAddress = env["TERM"] == "dumb" || (onTerminal && !CursesTerminal.canAddressCursor)
        guard plain || cannotAddress || onTerminal else {
            throw fail("the workbook needs a terminal (standard input and output are not one); use `casework --plain` for its questions on standard input and output, or the subcommands, e.g. `casework cases`, `casework show CASE`, `casework flags` (see `casework --help`)")
        }
        let location = options.location
        let settings = try attempt { try StoreOptions.settings(location) }
        let (store, me) = try options.session(settings: settings)
        let user = try attempt { try store.user(named: me) }
        if plain || cannotAddress {
            if !plain {
                write("This terminal (TERM=\(env["TERM"] ?? "unset")) cannot place text on the screen, so the workbook is shown as plain questions instead (casework --plain).\n")
            }
            PlainWorkbook(store: store, user: user, guidance: settings.resources.guidance, io: StandardLineIO()).run()
            return
        }
        let color = !noColor && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
        let terminal: CursesTerminal
        do { terminal = try CursesTerminal(color: color) } catch { throw fail("cannot start the terminal (TERM=\(env["TERM"] ?? "unset"))") }
        let exports: URL
        switch try options.address {
        case .file(let file): exports = file.file.deletingLastPathComponent().appendingPathComponent("exports")
        case .team:
            // The user's own data folder: exports never go to a shared place.
            exports = StoreLocation.resolve(explicit: nil, environment: env.filter { $0.key != "CASEWORK_STORE" }).file
                .deletingLastPathComponent().appendingPathComponent("exports")
        }
        let runner = runner(store: store, user: user, resources: settings.resources, terminal: terminal, exports: exports)
        runner.loop()
        let signal = terminal.stopSignal
        terminal.stop()
        if signal != 0 { throw ExitCode(128 + signal) }
    }
}
