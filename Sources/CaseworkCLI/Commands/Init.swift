import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the store and make yourself its first manager.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let (store, me) = try options.session(create: true)
        let path = options.location.file.path
        if try attempt({ try store.initialise(by: me) }) {
            write("Created the store at \(path); \(me) is its manager.\n")
        } else {
            write("The store at \(path) is already set up; nothing changed.\n")
        }
    }
}
