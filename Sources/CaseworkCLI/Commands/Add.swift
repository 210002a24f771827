import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a record to a case from a JSON file holding one record in case-file form.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
    @Option(help: ArgumentHelp("What the record is.", valueName: "kind"))
    var kind: RecordKind
    @Option(name: .shortAndLong, help: ArgumentHelp("The record's JSON (\"-\" for standard input).", valueName: "file"))
    var file: String

    func run() throws {
        let record = try attempt { try CaseRecord.decodeStrict(kind: kind, json: try readRecordFile(file)) }
        let (store, me) = try options.session()
        try attempt { try store.add(record, toCase: caseId, by: me) }
        write("Added \(record.id) to \(caseId).\n")
    }
}
