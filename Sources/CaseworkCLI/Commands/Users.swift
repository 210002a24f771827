import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage who may use this store (on the team store: the administrator; each user is a database role).",
        subcommands: [AddUser.self, ListUsers.self, RemoveUser.self, SetRole.self, SetTeam.self])

    struct AddUser: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("Their operating-system user name.", valueName: "name")) var name: String
        @Option(help: "Their role (admin: the team store only).") var role: Role
        @Option(help: ArgumentHelp("A team they belong to (repeat for several).", valueName: "team")) var team: [String] = []

        func run() throws {
            let r = role
            let (store, me) = try options.session()
            try attempt { try store.addUser(User(name: name, role: r, teams: team), by: me) }
            write("Added \(name) as a \(r.rawValue)\(team.isEmpty ? "" : " in " + team.joined(separator: ", ")).\n")
        }
    }

    struct ListUsers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users, their roles and teams.")
        @OptionGroup var options: StoreOptions

        func run() throws {
            let (store, me) = try options.session()
            let users = try attempt { try store.users(by: me) }
            write(TextTable(headers: ["USER", "ROLE", "TEAMS"], rows: users.map { [$0.name, $0.role.rawValue, $0.teams.joined(separator: ", ")] }).render())
        }
    }

    struct RemoveUser: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove",
            abstract: "Remove a user: they lose Casework (on the team store, their database role loses it); their past records keep their name.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "name")) var name: String

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try store.removeUser(name, by: me) }
            write("Removed \(name).\n")
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role (admin: the team store only).")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "name")) var name: String
        @Argument(help: ArgumentHelp("Their new role.", valueName: "role")) var role: Role

        func run() throws {
            let r = role
            let (store, me) = try options.session()
            try attempt { try store.setRole(name, r, by: me) }
            write("\(name) is now a \(r.rawValue).\n")
        }
    }

    struct SetTeam: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-team", abstract: "Set the teams a user belongs to.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "name")) var name: String
        @Argument(help: ArgumentHelp("Their teams (none: no team).", valueName: "team")) var teams: [String] = []

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try store.setTeams(name, teams, by: me) }
            write("\(name) is now in \(teams.isEmpty ? "no team" : teams.joined(separator: ", ")).\n")
        }
    }
}
