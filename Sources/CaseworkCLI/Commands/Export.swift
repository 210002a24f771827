import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a case as a case file (JSON).")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("json (the case file) or markdown (a readable handover summary).", valueName: "format")) var format = ExportFormat.json

    func run() throws {
        let (store, me) = try options.session()
        let data = format == .markdown ? Data(try attempt { try store.handover(caseId, on: today(), by: me) }.utf8)
                                        : CaseFileCodec.encode(try attempt { try store.exportCase(caseId, by: me) })
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw fail("cannot write \(output)")
            }
        } else {
            write(String(decoding: data, as: UTF8.self))
        }
    }
}
