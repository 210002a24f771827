import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

/// The `casework` command: the workbook for recording information-sharing
/// decisions about children, and its subcommands.
public struct Casework: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "casework",
        abstract: "A workbook for recording decisions to share, or not share, information about a child.",
        discussion: """
            Casework walks a practitioner through each information-sharing decision, keeps consent \
            forms and disclosure logs, and flags every record whose rationale is missing. \
            Your identity is your operating-system user; roles live in the store.
            """,
        version: CaseworkCoreVersion.string,
        subcommands: [Init.self, Server.self, Import.self, Export.self, Cases.self, Show.self, History.self, Add.self,
                      Amend.self, Flags.self, ReviewCommand.self, ReportCommand.self, Retention.self, Members.self, PolicyCommand.self, Users.self, Audit.self, Drafts.self, Backup.self, Check.self, Demo.self]
    )

    @OptionGroup var options: StoreOptions
    @ArgumentParser.Flag(name: .customLong("no-color"), help: "Draw without colour (also NO_COLOR, TERM=dumb).") var noColor = false
    @ArgumentParser.Flag(name: .customLong("plain"), help: """
        Numbered menus and one question at a time on standard input and output, for a screen reader, \
        a terminal that cannot place text (chosen by itself there, e.g. TERM=dumb), or answers piped in.
        """) var plain = false

    public init() {}

    /// With no subcommand: open the workbook.
    public func run() throws {
        try Workbook.open(options: options, noColor: noColor, plain: plain)
    }
}
