import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every version of a record: who wrote it, when and why.",
        discussion: "Name a record as CASE/RECORD (C-0002/D1) or CASE RECORD; the case id alone is the case's own header.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id.", valueName: "record")) var record: String
    @Argument(help: ArgumentHelp("The record id, if not given with the case.", valueName: "id")) var recordId: String?

    func run() throws {
        let (caseId, rid) = splitRecordRef(record, recordId)
        let (store, me) = try options.session()
        let versions = try attempt { try store.history(caseId: caseId, recordId: rid, by: me) }
        for v in versions {
            write("Version \(v.version) · \(v.at.short) · by \(v.author)" + (v.reason.map { " · why: \(Sanitiser.clean($0))" } ?? "") + "\n")
            let body = Sanitiser.clean(v.record.body(), lines: .keep)
            write("  \(body)\n")
        }
    }
}
