import ArgumentParser
import CaseworkCore
import Foundation
import TerminalKit

// The domain's values as command-line arguments: argument-parser checks them,
// names what each takes in help and in its error, and exits 64 when one is wrong.

extension Severity: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
extension EscalationTarget: ExpressibleByArgument {}
extension RecordKind: ExpressibleByArgument {
    /// A record kind that can be added to a case (the case's own header cannot).
    public static var allValueStrings: [String] { allCases.filter { $0 != .case }.map(\.rawValue) }
    public init?(argument: String) {
        guard let k = RecordKind(rawValue: argument), k != .case else { return nil }
        self = k
    }
}

extension Day: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// How `casework export` writes a case.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case json, markdown
    /// The copy for the child and family (Markdown), and the same as one HTML page.
    case family, familyHTML = "family-html"
}

/// How `casework report` writes the team report.
enum ReportOutput: String, CaseIterable, ExpressibleByArgument {
    case text, markdown, csv, json, html
}

extension Casework {
    /// Parses and runs the command, printing argument-parser's own words (usage errors, help,
    /// the version) through the sanitiser: an argument holding escape sequences is shown as
    /// text, never acted on by the terminal. Exit codes are argument-parser's (64 for usage).
    public static func runMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let handle = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                handle.write(Data(Sanitiser.forTerminal(message + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
