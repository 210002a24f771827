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
            Casework walks a practitioner through each information-sharing decision, keeps consent
            forms and disclosure logs, and flags every record whose rationale is missing.
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

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the store and make yourself its first manager.")
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

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import case files (format casework-case/1). All files go in, or none.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("Case files to import.", valueName: "file")) var files: [String]
    @ArgumentParser.Flag(help: "Amend cases that already exist from the files (recorded as amendments).") var replace = false

    func run() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one case file to import") }
        var cases: [Case] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw fail("\(file): cannot read the file") }
            do {
                cases.append(try CaseFileCodec.decode(data))
            } catch {
                throw fail("\(file): \(error); nothing was imported")
            }
        }
        let (store, me) = try options.session()
        let outcomes = try attempt { try store.importCases(cases, replace: replace, by: me) }
        for o in outcomes {
            switch o {
            case .created(let id, let n): write("Imported \(id) (\(n) records).\n")
            case .createdAs(let fileId, let id, let n): write("Imported \(fileId) as \(id) (\(n) records): the file's id is not free.\n")
            case .replaced(let id, let amended, let added): write("Replaced \(id): \(amended) records amended, \(added) added.\n")
            }
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a case as a case file (JSON).")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("json (the case file) or markdown (a readable handover summary).", valueName: "format")) var format = ExportFormat.json

    func run() throws {
        let (store, me) = try options.session()
        let data = format == .markdown ? Data(try attempt { try store.handover(caseId, on: today(), by: me) }.utf8)
                                        : CaseFileCodec.encode(try attempt { try store.exportCase(caseId, by: me) })
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw fail("cannot write \(output)")
            }
        } else {
            write(String(decoding: data, as: UTF8.self))
        }
    }
}

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the cases you can see.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let (store, me) = try options.session()
        let list = try attempt { try store.cases(visibleTo: me) }
        if list.isEmpty {
            write("No cases you can see. Import one with `casework import FILE`.\n")
            return
        }
        let table = TextTable(headers: ["ID", "CHILD", "WORKER", "OPENED", "STATUS"],
                              rows: list.map { [$0.id, $0.childName, $0.worker, $0.opened.description, $0.status] })
        write(table.render())
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a whole case as readable text.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String

    func run() throws {
        let (store, me) = try options.session()
        let c = try attempt { try store.viewCase(caseId, by: me) }
        let open = try attempt { try store.flags(FlagQuery(caseId: caseId, on: today()), by: me) }
        var notes: [String: [String]] = [:]
        for e in open {
            notes[e.flag.recordId, default: []].append("[\(e.flag.severity.rawValue)] \(e.flag.rule): \(e.flag.message) (Source: \(e.flag.source))")
        }
        let summary = open.isEmpty ? "Open flags: none\n" : "Open flags: " + Severity.counts(Severity.tally(open, \.flag.severity)) + "\n"
        write(summary + PlainCaseView.render(c, today: today(), notes: notes))
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every version of a record: who wrote it, when and why.",
        discussion: "Name a record as CASE/RECORD (C-0002/D1) or CASE RECORD; the case id alone is the case's own header.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id.", valueName: "record")) var record: String
    @Argument(help: ArgumentHelp("The record id, if not given with the case.", valueName: "id")) var recordId: String?

    func run() throws {
        let (caseId, rid) = splitRecordRef(record, recordId)
        let (store, me) = try options.session()
        let versions = try attempt { try store.history(caseId: caseId, recordId: rid, by: me) }
        for v in versions {
            write("Version \(v.version) · \(v.at.short) · by \(v.author)" + (v.reason.map { " · why: \(Sanitiser.clean($0))" } ?? "") + "\n")
            let body = Sanitiser.clean(v.record.body(), lines: .keep)
            write("  \(body)\n")
        }
    }
}

/// Reads one record as case-file JSON from a file, or standard input for "-".
func readRecordFile(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: path) else { throw fail("\(path): cannot read the file") }
    return data
}

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a record to a case from a JSON file holding one record in case-file form.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
    @Option(help: ArgumentHelp("What the record is.", valueName: "kind"))
    var kind: RecordKind
    @Option(name: .shortAndLong, help: ArgumentHelp("The record's JSON (\"-\" for standard input).", valueName: "file"))
    var file: String

    func run() throws {
        let record = try attempt { try CaseRecord.decodeStrict(kind: kind, json: try readRecordFile(file)) }
        let (store, me) = try options.session()
        try attempt { try store.add(record, toCase: caseId, by: me) }
        write("Added \(record.id) to \(caseId).\n")
    }
}

struct Amend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Amend a record: write a new version from a JSON file, with the reason. Earlier versions stay.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id for the case's own header.", valueName: "record")) var record: String
    @Option(name: .shortAndLong, help: ArgumentHelp("The record's new JSON (\"-\" for standard input).", valueName: "file"))
    var file: String
    @Option(help: ArgumentHelp("Why the record is being changed (required).", valueName: "text")) var reason: String

    func run() throws {
        let (caseId, rid) = splitRecordRef(record, nil)
        let (store, me) = try options.session()
        let current = try attempt { try store.history(caseId: caseId, recordId: rid, by: me) }
        guard let kind = current.last?.record.kind else { throw fail("no record \(rid) in case \(caseId)") }
        let updated = try attempt { try CaseRecord.decodeStrict(kind: kind, json: try readRecordFile(file)) }
        guard updated.id == rid else { throw fail("the file holds record \(updated.id), not \(rid)") }
        let version = try attempt { try store.amend(updated, inCase: caseId, reason: reason, by: me) }
        write("Amended \(caseId)/\(rid): now version \(version).\n")
    }
}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
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
            abstract: "Remove a user from the team store: their database role loses Casework (their past records keep their name).")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "name")) var name: String

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try teamStore(store).removeUser(name, by: me) }
            write("Removed \(name).\n")
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role on the team store.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "name")) var name: String
        @Argument(help: ArgumentHelp("Their new role.", valueName: "role")) var role: Role

        func run() throws {
            let r = role
            let (store, me) = try options.session()
            try attempt { try teamStore(store).setRole(name, r, by: me) }
            write("\(name) is now a \(r.rawValue).\n")
        }
    }

    struct SetTeam: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-team", abstract: "Set the teams a user belongs to on the team store.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "name")) var name: String
        @Argument(help: ArgumentHelp("Their teams (none: no team).", valueName: "team")) var teams: [String] = []

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try teamStore(store).setTeams(name, teams, by: me) }
            write("\(name) is now in \(teams.isEmpty ? "no team" : teams.joined(separator: ", ")).\n")
        }
    }
}

/// The team store, for what only it does (roles are database roles there).
func teamStore(_ store: any CaseStore) throws(StoreError) -> PostgresCaseStore {
    guard let team = store as? PostgresCaseStore else {
        throw .invalid("removing users and changing roles or teams is for the team store; the single-user store has one owner")
    }
    return team
}

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

/// Unfinished work kept from the workbook: listed, and discarded by hand.
struct Drafts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List your unfinished drafts, or discard them.",
        discussion: """
            Text typed in the workbook and not yet saved is kept as a draft. A draft untouched for longer \
            than the policy's draftKeepDays (30 by default) is offered once more, then removed.
            """,
        subcommands: [List.self, Discard.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your drafts, newest first (ids and dates only).")
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
        static let configuration = CommandConfiguration(abstract: "Discard drafts by id, or all of yours.")
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
