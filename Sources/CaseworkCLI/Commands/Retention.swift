import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Retention: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retention", abstract: "Closed cases due a retention review, and the decisions on them (managers).",
                                                    subcommands: [Due.self, Keep.self, Dispose.self])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "due", abstract: "List closed cases whose retention review date has passed or is missing.")
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp("As on this date.", valueName: "YYYY-MM-DD")) var at: Day?

        func run() throws {
            let day = at ?? today()
            let (store, me) = try options.session()
            let due = try attempt { try store.retentionDue(on: day, by: me) }
            write(due.isEmpty ? "No closed case is due a retention review on \(day).\n"
                  : TextTable(headers: ["ID", "CHILD", "WORKER", "CLOSED"], rows: due.map { [$0.id, $0.childName, $0.worker, $0.closed?.description ?? ""] }).render())
        }
    }

    struct Keep: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "keep", abstract: "Keep a closed case until a new review date, with the reason.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
        @Option(help: ArgumentHelp("The next review date.", valueName: "YYYY-MM-DD")) var until: Day
        @Option(help: ArgumentHelp("Why it is kept.", valueName: "text")) var reason: String

        func run() throws {
            let day = until
            let (store, me) = try options.session()
            try attempt { try store.retain(caseId: caseId, until: day, reason: reason, by: me) }
            write("Keeping \(caseId) until \(day).\n")
        }
    }

    struct Dispose: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dispose", abstract: "Dispose of a closed case: its content goes, a tombstone (id, dates, who, why) stays.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
        @Option(help: ArgumentHelp("Why it is disposed of.", valueName: "text")) var reason: String

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try store.dispose(caseId: caseId, reason: reason, by: me) }
            write("Disposed of \(caseId); a tombstone and an audit event remain.\n")
        }
    }
}
