import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the audit trail, or list who has seen a case.",
                                                    subcommands: [Verify.self, Incident.self, CaseAccess.self])

    struct CaseAccess: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "case",
            abstract: "List every view, export and change of one case: who, when and what (the child's record of access).",
            discussion: """
                Anyone who may see the case may list it; the listing is itself recorded. Reports and recomputes that read \
                many cases at once are recorded once for all of them, without case ids, and are not listed here.
                """)
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
        @ArgumentParser.Flag(help: "Print JSON: one object per event.") var json = false

        func run() throws {
            let (store, me) = try options.session()
            let events = try attempt { try store.caseAccess(caseId, by: me) }
            if json {
                let objects = events.map { e -> String in
                    let fields: [(String, String)] = [
                        ("seq", String(e.seq)), ("at", FlagReport.jsonString(e.at.text)), ("user", FlagReport.jsonString(e.user)),
                        ("action", FlagReport.jsonString(e.action)), ("record", e.recordId.map(FlagReport.jsonString) ?? "null"),
                        ("version", e.version.map(String.init) ?? "null"),
                    ]
                    return "  {" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
                }
                write(objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n")
                return
            }
            let readers = Set(events.filter(\.isReading).map(\.user)).sorted()
            write("\(caseId): \(events.count) \(events.count == 1 ? "event" : "events"); read by \(readers.isEmpty ? "no one" : readers.joined(separator: ", "))\n")
            let table = TextTable(headers: ["WHEN", "WHO", "WHAT"], rows: events.map { [$0.at.short, $0.user, $0.words] })
            write(table.render())
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Walk the audit chain; exit non-zero naming the first bad event if anything was edited, deleted, inserted, reordered or cut.",
            discussion: "A failure is remembered, even if the trail is later put back, until a manager records an incident note (casework audit incident).")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, _) = try options.session()
            let report = try attempt { try store.verifyAudit() }
            if let problem = report.problem {
                throw fail("audit trail broken: \(problem)")
            }
            let answered = report.acknowledged.isEmpty ? ""
                : " (breaks at events \(report.acknowledged.map(String.init).joined(separator: ", ")) were answered by incident notes)"
            write("Audit trail intact: \(report.events) events\(answered).\n")
        }
    }

    struct Incident: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "incident",
            abstract: "Record, as a manager, that a failed verification of the audit trail was looked into.",
            discussion: """
                The note (what was found, who was told, what was done) is kept with an audit event. It answers the alarm, \
                and verification passes over the breaks found now; any later break is still reported.
                """)
        @OptionGroup var options: StoreOptions
        @Option(help: "What was found and what was done.") var note: String

        func run() throws {
            let (store, me) = try options.session()
            let incident = try attempt { try store.recordIncident(note: note, by: me) }
            let breaks = incident.breaks.isEmpty ? "no break in the chain itself"
                : "breaks at events \(incident.breaks.map(String.init).joined(separator: ", "))"
            write("Incident note recorded as audit event \(incident.event) (\(breaks)); the audit alarm is answered.\n")
        }
    }
}
