import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
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

        func run() throws {
            let day = at ?? today()
            let severities = severity.map { Set([$0]) }
            if let rule, !Rules.ids.contains(rule), rule != "manual" {
                throw ValidationError("--rule: no rule \(Quoted(rule)); the rules are listed in shared/spec/flags.md")
            }
            let (store, me) = try options.session()
            let entries = try attempt {
                try store.flags(FlagQuery(caseId: caseId, severities: severities, rule: rule, worker: worker, on: day, includeAccepted: all), by: me)
            }
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
            return "recomputed the flags of \(r.cases) cases (\(r.changed) changed) in \(ms(r.elapsed)) ms;"
                + " \(r.batches) batches, the longest held the write lock \(ms(r.longestWriteLock)) ms."
        }
    }
}

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show the policy flags are computed with, or store the organisation's policy.",
        subcommands: [Show.self, SetPolicy.self, Adopt.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the policy in force, as JSON.")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, me) = try options.session()
            let p = try attempt { try store.policy() }
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            write(String(decoding: try e.encode(p), as: UTF8.self) + "\n")
        }
    }

    struct SetPolicy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Store a policy file for everyone using this store (managers only); flags are recomputed.",
            discussion: "The file may set any of concernUndecidedDays, adviceInReviewQueue, draftKeepDays and, per rule id, enabled and severity; what it leaves out keeps the default.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The policy JSON file.", valueName: "file")) var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw fail("\(file): cannot read the file") }
            let (store, me) = try options.session()
            let r = try attempt { try store.setPolicy(data, by: me) }
            write("Policy stored; " + Flags.Recompute.describe(r) + "\n")
        }
    }

    struct Adopt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make this Casework's default policy and rule texts the store's (managers only, audited); flags are recomputed.",
            discussion: """
                A store keeps what its flags are computed from, so nobody's own copy of Casework (or CASEWORK_RESOURCES) \
                changes everyone's flags. After upgrading Casework, or editing the installed Resources, a manager adopts them.
                """)
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, me) = try options.session()
            let r = try attempt { try store.adoptFlagBasis(by: me) }
            write("The store now computes flags with this Casework's guidance and default policy; " + Flags.Recompute.describe(r) + "\n")
        }
    }
}

/// How `casework flags` prints: a table grouped by case, or the spec's JSON array.
enum FlagReport {
    static func jsonString(_ s: String) -> String {
        String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// One object per flag with the keys of flags.md, in its order.
    static func json(_ entries: [FlagEntry], includeStatus: Bool) -> String {
        let objects = entries.map { e -> String in
            let f = e.flag
            var fields = [("rule", f.rule), ("severity", f.severity.rawValue), ("case", f.caseId), ("record", f.recordId),
                          ("message", f.message), ("source", f.source)].map { "\(jsonString($0.0)): \(jsonString($0.1))" }
            if includeStatus {
                fields.append("\"status\": \(jsonString(f.status.rawValue))")
                fields.append("\"review\": \(f.reviewId.map(jsonString) ?? "null")")
            }
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    static func table(_ entries: [FlagEntry], childNames: [String: String], on day: Day) -> String {
        guard !entries.isEmpty else { return "No open flags on \(day).\n" }
        var out = ""
        var order: [String] = []
        var byCase: [String: [FlagEntry]] = [:]
        for e in entries {
            if byCase[e.flag.caseId] == nil { order.append(e.flag.caseId) }
            byCase[e.flag.caseId, default: []].append(e)
        }
        for id in order.sorted() {
            let list = byCase[id]!
            let summary = Severity.counts(Severity.tally(list, \.flag.severity), zeros: false)
            out += "\(id) · \(Sanitiser.clean(childNames[id] ?? "")) · \(list[0].worker) · \(summary)\n"
            for e in list {
                let f = e.flag
                let status = f.status == .accepted ? " (accepted in \(f.reviewId ?? "a review"))" : ""
                out += "  \(DisplayWidth.pad(f.severity.rawValue.uppercased(), to: 7)) \(DisplayWidth.pad(f.recordId, to: 6)) \(f.rule)\(status)\n"
                out += "          \(Sanitiser.clean(f.message))\n"
                out += "          Source: \(Sanitiser.clean(f.source))\n"
            }
            out += "\n"
        }
        return out
    }
}
