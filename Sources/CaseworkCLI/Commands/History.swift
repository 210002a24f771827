import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show every version of a record: who wrote it, when and why.",
        discussion: "Name a record as CASE/RECORD (C-0002/D1) or CASE RECORD; the case id alone is the case's own header.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id.", valueName: "record")) var record: String
    @Argument(help: ArgumentHelp("The record id, if not given with the case.", valueName: "id")) var recordId: String?
    @ArgumentParser.Flag(help: "Each version as its stored JSON instead of in words.") var json = false

    func run() throws {
        let (caseId, rid) = splitRecordRef(record, recordId)
        let (store, me) = try options.session()
        let versions = try attempt { try store.history(caseId: caseId, recordId: rid, by: me) }
        // Each version read in words against the case as it is now, as the workbook's history screen shows it.
        let current = json ? nil : try? store.viewCase(caseId, by: me)
        for v in versions {
            write("Version \(v.version) · \(v.at.short) · by \(v.author)" + (v.reason.map { " · why: \(Sanitiser.clean($0))" } ?? "") + "\n")
            if let c = current?.replacing(v.record) {
                for line in PlainCaseView.describe(v.recordId, in: c) { write("  \(Sanitiser.clean(line, lines: .keep))\n") }
            } else {
                write("  \(Sanitiser.clean(v.record.body(), lines: .keep))\n")
            }
        }
    }
}
