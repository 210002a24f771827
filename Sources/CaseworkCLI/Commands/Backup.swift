import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the whole store to a new file with SQLite's online backup (safe while others write; managers only).")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The new backup file.", valueName: "dest")) var destination: String

    func run() throws {
        let store = try options.fileStore(for: "casework backup")
        try attempt { try store.backup(to: URL(fileURLWithPath: destination), by: Identity.current()) }
        write("Backed up to \(destination).\n")
    }
}
