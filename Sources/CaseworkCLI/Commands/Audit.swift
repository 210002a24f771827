import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the audit trail.", subcommands: [Verify.self, Incident.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
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
