import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a whole case as readable text.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String

    func run() throws {
        let (store, me) = try options.session()
        let c = try attempt { try store.viewCase(caseId, by: me) }
        let open = try attempt { try store.flags(FlagQuery(caseId: caseId, on: today()), by: me) }
        var notes: [String: [String]] = [:]
        for e in open {
            notes[e.flag.recordId, default: []].append("[\(e.flag.severity.rawValue)] \(e.flag.rule): \(e.flag.message) (Source: \(e.flag.source))")
        }
        let summary = open.isEmpty ? "Open flags: none\n" : "Open flags: " + Severity.counts(Severity.tally(open, \.flag.severity)) + "\n"
        write(summary + PlainCaseView.render(c, today: today(), notes: notes))
    }
}
