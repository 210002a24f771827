import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Members: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "members", abstract: "Add a practitioner to a case they do not own.", subcommands: [AddMember.self])

    struct AddMember: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add USER to CASE (managers only).")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
        @Argument(help: ArgumentHelp("The user.", valueName: "user")) var user: String

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try store.addMember(caseId: caseId, user: user, by: me) }
            write("Added \(user) to \(caseId).\n")
        }
    }
}
