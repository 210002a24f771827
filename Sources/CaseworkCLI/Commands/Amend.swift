import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Amend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Amend a record: write a new version from a JSON file, with the reason. Earlier versions stay.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id for the case's own header.", valueName: "record")) var record: String
    @Option(name: .shortAndLong, help: ArgumentHelp("The record's new JSON (\"-\" for standard input).", valueName: "file"))
    var file: String
    @Option(help: ArgumentHelp("Why the record is being changed (required).", valueName: "text")) var reason: String

    func run() throws {
        let (caseId, rid) = splitRecordRef(record, nil)
        let (store, me) = try options.session()
        let current = try attempt { try store.history(caseId: caseId, recordId: rid, by: me) }
        guard let kind = current.last?.record.kind else { throw fail("no record \(rid) in case \(caseId)") }
        let updated = try attempt { try CaseRecord.decodeStrict(kind: kind, json: try readRecordFile(file)) }
        guard updated.id == rid else { throw fail("the file holds record \(updated.id), not \(rid)") }
        let version = try attempt { try store.amend(updated, inCase: caseId, reason: reason, by: me) }
        write("Amended \(caseId)/\(rid): now version \(version).\n")
    }
}
