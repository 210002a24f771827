import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "List records that fall short of the guidance, or recompute every case's flags.",
        subcommands: [List.self, Recompute.self, RaiseFlag.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List open flags on the cases you can see, grouped by case (the default).")
        @OptionGroup var options: StoreOptions
        @Option(name: .customLong("case"), help: ArgumentHelp("Only this case.", valueName: "id")) var caseId: String?
        @Option(help: ArgumentHelp("Only this severity.", valueName: "severity")) var severity: Severity?
        @Option(help: ArgumentHelp("Only this rule id.", valueName: "id")) var rule: String?
        @Option(help: ArgumentHelp("Only cases owned by this practitioner.", valueName: "name")) var worker: String?
        @Option(help: ArgumentHelp("Evaluate on this date instead of today (time-based rules).", valueName: "YYYY-MM-DD")) var at: Day?
        @ArgumentParser.Flag(help: "Include flags a manager accepted, with the review that closed them.") var all = false
        @ArgumentParser.Flag(help: "Print a JSON array instead of a table.") var json = false
        @Option(help: ArgumentHelp("At most this many flags, in the queue's order (worst, then oldest).", valueName: "n")) var limit: Int?
        @Option(help: ArgumentHelp("Pass over this many flags first (with --limit, a later page).", valueName: "n")) var offset = 0

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit takes a number of flags, 0 or more") }
            if offset < 0 { throw ValidationError("--offset takes a number of flags, 0 or more") }
        }

        func run() throws {
            let day = at ?? today()
            let severities = severity.map { Set([$0]) }
            if let rule, !Rules.ids.contains(rule), rule != "manual" {
                throw ValidationError("--rule: no rule \(Quoted(rule)); the rules are listed in shared/spec/flags.md")
            }
            let (store, me) = try options.session()
            let query = FlagQuery(caseId: caseId, severities: severities, rule: rule, worker: worker, on: day, includeAccepted: all,
                                  limit: limit, offset: offset)
            if json && limit == nil && offset == 0 {
                try FlagReport.streamJSON(includeStatus: all) { batch, each in try attempt { try store.eachFlagEntry(.flags, query, batch: batch, by: me, each) } }
                return
            }
            if !json && caseId == nil && limit == nil && offset == 0 {
                try FlagReport.streamTable(query, on: day, cases: { after, n in try attempt { try store.cases(visibleTo: me, after: after, limit: n) } },
                                           flags: { q in try attempt { try store.flags(q, by: me) } })
                return
            }
            let entries = try attempt { try store.flags(query, by: me) }
            if json {
                write(FlagReport.json(entries, includeStatus: all))
                return
            }
            let names = Dictionary(try attempt { try store.cases(visibleTo: me) }.map { ($0.id, $0.childName) }) { a, _ in a }
            write(FlagReport.table(entries, childNames: names, on: day))
        }
    }

    struct Recompute: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recompute",
            abstract: "Rebuild every case's flags under the policy in force (managers only).")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, me) = try options.session()
            let r = try attempt { try store.recomputeFlags(by: me) }
            let said = Self.describe(r)
            write(said.prefix(1).uppercased() + said.dropFirst() + "\n")
        }

        static func describe(_ r: RecomputeSummary) -> String {
            func ms(_ d: Duration) -> Int { Int(d / .milliseconds(1)) }
            return "recomputed the flags of \(r.cases) \(r.cases == 1 ? "case" : "cases") (\(r.changed) changed) in \(ms(r.elapsed)) ms;"
                + " \(r.batches) \(r.batches == 1 ? "batch" : "batches"), "
                + (r.locksWholeStore ? "the longest held the write lock \(ms(r.longestWriteLock)) ms."
                    : "the longest took \(ms(r.longestWriteLock)) ms, locking only the cases whose flags it changed.")
        }
    }
}
