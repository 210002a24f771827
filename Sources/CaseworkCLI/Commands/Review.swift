import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The manager's review: the queue, and actions on flags, decisions and cases (managers only).",
        subcommands: [Queue.self, Act.Return.self, Act.Accept.self, Act.Escalate.self, Act.SignOff.self])

    struct Queue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "queue",
            abstract: "Open missing and check flags on your team's cases, worst first, then oldest; with counts per filter.")
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp("Only this practitioner's cases.", valueName: "name")) var worker: String?
        @Option(help: ArgumentHelp("Only this rule.", valueName: "id")) var rule: String?
        @Option(name: .customLong("case"), help: ArgumentHelp("Only this case.", valueName: "id")) var caseId: String?
        @Option(help: ArgumentHelp("Only this severity.", valueName: "severity")) var severity: Severity?
        @Option(help: ArgumentHelp("Evaluate on this date.", valueName: "YYYY-MM-DD")) var at: Day?
        @ArgumentParser.Flag(help: "Print JSON.") var json = false
        @Option(help: ArgumentHelp("At most this many items, in the queue's order.", valueName: "n")) var limit: Int?
        @Option(help: ArgumentHelp("Pass over this many items first (with --limit, a later page).", valueName: "n")) var offset = 0

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit takes a number of items, 0 or more") }
            if offset < 0 { throw ValidationError("--offset takes a number of items, 0 or more") }
        }

        func run() throws {
            let day = at ?? today()
            let severities = severity.map { Set([$0]) }
            let (store, me) = try options.session()
            let query = FlagQuery(caseId: caseId, severities: severities, rule: rule, worker: worker, on: day, limit: limit, offset: offset)
            if json && limit == nil && offset == 0 {
                try FlagReport.streamJSON(includeStatus: false, queue: true) { batch, each in
                    try attempt { try store.eachFlagEntry(.reviewQueue, query, batch: batch, by: me, each) }
                }
                return
            }
            if !json && limit == nil && offset == 0 {
                try Self.streamText { batch, each in try attempt { try store.eachQueueLines(query, batch: batch, by: me, each) } }
                return
            }
            if json {
                write(FlagReport.json(try attempt { try store.reviewQueue(query, by: me) }, includeStatus: false, queue: true))
                return
            }
            let items = try attempt { try store.reviewQueueLines(query, by: me) }
            guard !items.isEmpty else { return write(offset > 0 ? "Nothing to review from item \(offset + 1).\n" : "Nothing to review.\n") }
            var totals = Totals()
            totals.add(items)
            write(totals.text(from: limit != nil || offset > 0 ? offset + 1 : nil))
            write(TextTable(headers: Self.headers, rows: items.map(Self.row)).render())
        }

        static let headers = ["SEVERITY", "SINCE", "CASE", "RECORD", "WORKER", "RULE", "RETURNED"]
        static func row(_ l: QueueLine) -> [String] {
            [l.severity.rawValue, l.since.short, l.caseId, l.recordId, l.worker,
             l.rule, l.returnedIn.map { "yes (\($0))" + (l.returnedRead.map { ", read \($0.short)" } ?? ", not read") } ?? ""]
        }

        /// What the queue's text starts with: how many items, of which severities, whose and under which rules.
        struct Totals {
            var count = 0
            var severities: [Severity: Int] = [:], byWorker: [String: Int] = [:], byRule: [String: Int] = [:]

            mutating func add(_ lines: [QueueLine]) {
                count += lines.count
                for l in lines {
                    severities[l.severity, default: 0] += 1
                    byWorker[l.worker, default: 0] += 1
                    byRule[l.rule, default: 0] += 1
                }
            }

            /// The header's three lines; `from`, the first item's number on a later page.
            func text(from: Int?) -> String {
                "\(count) \(count == 1 ? "item" : "items")\(from.map { " (from item \($0))" } ?? "") · " + Severity.counts(severities, zeros: false) + "\n"
                    + "By practitioner: " + byWorker.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
                    + "By rule: " + byRule.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    + "\n\n"
            }
        }

        /// Writes the same text as the whole queue read at once, in two passes a batch at a time, so
        /// a long queue needs the memory of one batch (the whole queue at 100,000 cases held 298 MB):
        /// the first counts the totals and measures the columns, the second writes the rows. A queue
        /// that changes between the passes shows the totals of the first.
        static func streamText(batch: Int = 1000, read: (_ batch: Int, _ each: ([QueueLine]) -> Void) throws -> Void) rethrows {
            var totals = Totals()
            var table = TextTable.Stream(headers: headers)
            try read(batch) { lines in
                totals.add(lines)
                table.measure(lines.map(row))
            }
            guard totals.count > 0 else { return write("Nothing to review.\n") }
            write(totals.text(from: nil))
            try read(batch) { lines in write(table.page(lines.map(row))) }
        }
    }

    /// The four actions share their shape: a target, a note, perhaps a rule.
    enum Act {
        struct Target: ParsableArguments {
            @OptionGroup var options: StoreOptions
            @Argument(help: ArgumentHelp("CASE/RECORD, or the case id for the whole case.", valueName: "target")) var target: String
            @Option(help: ArgumentHelp("Why (required; kept with the review).", valueName: "text")) var note: String

            func perform(_ action: ReviewAction, rule: String?, to: EscalationTarget? = nil, done: String) throws {
                let (caseId, recordId) = splitRecordRef(target, nil)
                let (store, me) = try options.session()
                let r = try attempt {
                    try store.review(ReviewRequest(caseId: caseId, action: action, recordId: recordId, rule: rule, note: note, escalateTo: to),
                                     by: me)
                }
                write("\(done) (review \(r.id) on \(caseId)).\n")
            }
        }

        struct Return: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "return",
                abstract: "Return a flag, or a record with no flag, to the practitioner with a note; it stays open.",
                discussion: "Without --rule the record itself is returned: a flag is raised on it by hand with the note as its reason.")
            @OptionGroup var t: Target
            @Option(help: ArgumentHelp("The flag's rule id; leave out to return the record itself.", valueName: "id")) var rule: String?
            func run() throws { try t.perform(.returned, rule: rule, done: "Returned \(rule ?? "the record") on \(t.target)") }
        }

        struct Accept: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "accept", abstract: "Accept a check or advice flag with a note; a missing flag cannot be accepted.")
            @OptionGroup var t: Target
            @Option(help: ArgumentHelp("The flag's rule id.", valueName: "id")) var rule: String
            func run() throws { try t.perform(.accepted, rule: rule, done: "Accepted \(rule) on \(t.target)") }
        }

        struct Escalate: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "escalate", abstract: "Escalate to the designated safeguarding lead, the Caldicott Guardian or legal.")
            @OptionGroup var t: Target
            @Option(help: ArgumentHelp("Whom to escalate to.", valueName: "whom")) var to: EscalationTarget
            @Option(help: ArgumentHelp("The flag's rule id, if about a flag.", valueName: "id")) var rule: String?
            func run() throws {
                let whom = to
                try t.perform(.escalated, rule: rule, to: whom, done: "Escalated \(t.target) to \(whom.label)")
            }
        }

        struct SignOff: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "signoff", abstract: "Sign off a decision or a whole case; refused while it has open missing flags.")
            @OptionGroup var t: Target
            func run() throws { try t.perform(.signedOff, rule: nil, done: "Signed off \(t.target)") }
        }
    }
}
