import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show the policy flags are computed with, or store the organisation's policy.",
        subcommands: [Show.self, SetPolicy.self, Adopt.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the policy in force, as JSON.")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, _) = try options.session()
            let p = try attempt { try store.policy() }
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            write(String(decoding: try e.encode(p), as: UTF8.self) + "\n")
        }
    }

    struct SetPolicy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Store a policy file for everyone using this store (managers only); flags are recomputed.",
            discussion: "The file may set any of concernUndecidedDays, adviceInReviewQueue, draftKeepDays and, per rule id, enabled and severity; what it leaves out keeps the default.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The policy JSON file.", valueName: "file")) var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw fail("\(file): cannot read the file") }
            let (store, me) = try options.session()
            let r = try attempt { try store.setPolicy(data, by: me) }
            write("Policy stored; " + Flags.Recompute.describe(r) + "\n")
        }
    }

    struct Adopt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adopt",
            abstract: "Make this Casework's default policy and rule texts the store's (managers only, audited); flags are recomputed.",
            discussion: """
                A store keeps what its flags are computed from, so nobody's own copy of Casework (or CASEWORK_RESOURCES) \
                changes everyone's flags. After upgrading Casework, or editing the installed Resources, a manager adopts them.
                """)
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, me) = try options.session()
            let r = try attempt { try store.adoptFlagBasis(by: me) }
            write("The store now computes flags with this Casework's guidance and default policy; " + Flags.Recompute.describe(r) + "\n")
        }
    }
}
