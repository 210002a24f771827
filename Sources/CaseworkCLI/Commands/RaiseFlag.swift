import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct RaiseFlag: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "raise", abstract: "Raise a flag by hand on a record (rule id manual).")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id.", valueName: "target")) var target: String
    @Option(help: ArgumentHelp("How serious.", valueName: "severity")) var severity: Severity
    @Option(help: ArgumentHelp("Why (required).", valueName: "text")) var reason: String

    func run() throws {
        let s = severity
        let (caseId, recordId) = splitRecordRef(target, nil)
        let (store, me) = try options.session()
        try attempt { try store.raiseFlag(caseId: caseId, recordId: recordId, severity: s, reason: reason, by: me) }
        write("Raised \(s == .advice ? "an" : "a") \(s.rawValue) flag on \(caseId)/\(recordId).\n")
    }
}
