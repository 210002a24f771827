import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a case as a case file (JSON), a handover summary, or a copy for the child and family.",
        discussion: """
            --format family (Markdown) or family-html writes the record in plain words for the child and family \
            (their right of access, 004 "Access to personal information"): no record ids, rule ids, user names or codes. \
            Other people's names and what others told the service are left out by default. Run it first without \
            --confirm to list each passage left out and why (nothing is written); then with --confirm, naming any \
            passage to include with --release. Writing the copy is recorded in the case's audit trail.
            """)
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("json (the case file), markdown (a readable handover summary), family or family-html (a copy for the child and family).",
                               valueName: "format")) var format = ExportFormat.json
    @ArgumentParser.Flag(help: "With --format family or family-html: what is left out has been reviewed; write the copy.") var confirm = false
    @Option(help: ArgumentHelp("With --format family or family-html: include this passage (an id from the list) after all. Repeatable.",
                               valueName: "passage")) var release: [String] = []

    func run() throws {
        let (store, me) = try options.session()
        let data: Data
        switch format {
        case .json: data = CaseFileCodec.encode(try attempt { try store.exportCase(caseId, by: me) })
        case .markdown: data = Data(try attempt { try store.handover(caseId, on: today(), by: me) }.utf8)
        case .family, .familyHTML:
            guard confirm else {
                // The practitioner's review: each passage left out, as held, and why. Reading it is a view of the case.
                let c = try attempt { try store.viewCase(caseId, by: me) }
                let passages = FamilyCopy.passages(c)
                var lines = ["Left out of the copy for the family unless released (\(passages.count)):"]
                for p in passages { lines.append("  \(p.id)  in \(p.recordId): \(p.text)\n      why: \(p.reason.words)") }
                if passages.isEmpty { lines.append("  nothing") }
                write(lines.joined(separator: "\n") + "\n")
                throw fail("nothing written: review what is left out, then run again with --confirm (and --release PASSAGE to include one)")
            }
            let c = try attempt { try store.familyCopyCase(caseId, by: me) }
            let ids = Set(FamilyCopy.passages(c).map(\.id))
            if let unknown = release.first(where: { !ids.contains($0) }) {
                throw fail("no passage \(Quoted(unknown)) is left out of \(caseId)'s copy; run without --confirm to list them")
            }
            let withholding = ids.subtracting(release)
            data = Data((format == .family ? FamilyCopy.markdown(c, withholding: withholding, today: today())
                                           : FamilyCopy.html(c, withholding: withholding, today: today())).utf8)
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw fail("cannot write \(output)")
            }
        } else {
            write(String(decoding: data, as: UTF8.self))
        }
    }
}
