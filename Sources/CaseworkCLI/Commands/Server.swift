import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

/// `casework server`: what an IT person does to the team's PostgreSQL store,
/// as a database superuser (`sudo -u postgres casework server ...`).
struct Server: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Set up and maintain the team store on a PostgreSQL server (run as a database superuser).",
        subcommands: [Setup.self, Migrate.self, ImportStore.self])

    /// The team store's address, from `--store`, `CASEWORK_STORE` or the system configuration.
    static func address(_ options: StoreOptions) throws -> String {
        guard case .team(let address) = try options.address else {
            throw ValidationError("name the team store, e.g. --store postgresql:///casework")
        }
        return address
    }

    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "setup",
            abstract: "Create the team store once: its database (if missing), roles, schema, grants, row-level policies and the first administrator.",
            discussion: "Example: sudo -u postgres casework server setup --store postgresql:///casework --admin ada.lovelace")
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp("The first administrator's operating-system user name.", valueName: "user")) var admin: String

        func run() throws {
            let address = try Server.address(options)
            if try attempt({ try PostgresServer.setup(address: address, admin: admin, basis: try StoreOptions.settings(options.location).basis) }) {
                let everyone = PostgresCaseStore.describe(address, withUser: false)
                write("""
                    Set up the team store; \(admin) is its administrator.
                    Next, as \(admin): casework users add NAME --role worker|manager --team TEAM
                    Each person then types `casework` (put {"store": "\(everyone)"} in /etc/casework/config.json so they need no option).

                    """)
            } else {
                write("The team store is already set up; nothing changed. To bring its schema up to date: casework server migrate\n")
            }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Bring the team store's schema up to date (each migration once, in one transaction).")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let done = try attempt { try PostgresServer.migrate(address: try Server.address(options), basis: try StoreOptions.settings(options.location).basis) }
            write(done.applied.isEmpty ? "The team store's schema is up to date.\n" : "Applied \(done.applied.joined(separator: ", ")).\n")
            if done.basisUpgraded {
                write("The flag rules are now version \(Rules.version): a manager runs `casework flags recompute` so every case's stored flags follow them (each case's flags also follow on its next change).\n")
            }
        }
    }

    struct ImportStore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-store",
            abstract: "Copy a single-user store into the team store: every case, version, review, flag and audit event, all or nothing.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The single-user store file.", valueName: "file")) var file: String

        func run() throws {
            let address = try Server.address(options)
            let r = try attempt { try PostgresServer.importStore(file: URL(fileURLWithPath: file), into: address) }
            write("Imported \(r.cases) cases, \(r.versions) record versions, \(r.events) audit events and \(r.users) users; the trail records the source's last hash \(r.sourceHead.prefix(12))….\n")
        }
    }
}
