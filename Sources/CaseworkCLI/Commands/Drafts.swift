import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

/// Unfinished work kept from the workbook: listed, and discarded by hand.
struct Drafts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "List your unfinished drafts, or discard them.",
        discussion: """
            Text typed in the workbook and not yet saved is kept as a draft. A draft untouched for longer \
            than the policy's draftKeepDays (30 by default) is offered once more, then removed.
            """,
        subcommands: [List.self, Discard.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List your drafts, newest first (ids and dates only).")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, me) = try options.session()
            let drafts = try attempt { try store.drafts(by: me) }
            let days = try attempt { try store.policy().draftKeepDays }
            guard !drafts.isEmpty else { return write("No drafts.\n") }
            for d in drafts {
                let note = d.lastOfferedAt == nil ? "" : "  (older than \(days) days: removed next time the workbook opens unless resumed)"
                write("\(d.id)  \(d.updatedAt.localDay)  \(d.title)\(note)\n")
            }
        }
    }

    struct Discard: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "discard", abstract: "Discard drafts by id, or all of yours.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("Draft ids, as `casework drafts` lists them.", valueName: "id")) var ids: [String] = []
        @ArgumentParser.Flag(help: "Discard every draft of yours.") var all = false

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("name the drafts to discard, or give --all") }
        }

        func run() throws {
            let (store, me) = try options.session()
            let mine = try attempt { try store.drafts(by: me) }
            let chosen = all ? mine.map(\.id) : ids
            for id in chosen where !mine.contains(where: { $0.id == id }) {
                throw fail("you have no draft \(Quoted(id)); nothing was discarded")
            }
            for id in chosen { try attempt { try store.deleteDraft(id, by: me) } }
            write("Discarded \(chosen.count) \(chosen.count == 1 ? "draft" : "drafts").\n")
        }
    }
}
