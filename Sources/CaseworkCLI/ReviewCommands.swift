import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The manager's review: the queue, and actions on flags, decisions and cases (managers only).",
        subcommands: [Queue.self, Act.Return.self, Act.Accept.self, Act.Escalate.self, Act.SignOff.self])

    struct Queue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open missing and check flags on your team's cases, worst first, then oldest; with counts per filter.")
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp("Only this practitioner's cases.", valueName: "name")) var worker: String?
        @Option(help: ArgumentHelp("Only this rule.", valueName: "id")) var rule: String?
        @Option(name: .customLong("case"), help: ArgumentHelp("Only this case.", valueName: "id")) var caseId: String?
        @Option(help: ArgumentHelp("Only this severity.", valueName: "severity")) var severity: Severity?
        @Option(help: ArgumentHelp("Evaluate on this date.", valueName: "YYYY-MM-DD")) var at: Day?
        @ArgumentParser.Flag(help: "Print JSON.") var json = false

        func run() throws {
            let day = at ?? today()
            let severities = severity.map { Set([$0]) }
            let (store, me) = try options.session()
            let items = try attempt {
                try store.reviewQueue(FlagQuery(caseId: caseId, severities: severities, rule: rule, worker: worker, on: day), by: me)
            }
            if json {
                write(FlagReport.json(items, includeStatus: false))
                return
            }
            let byWorker = Dictionary(grouping: items, by: \.worker).mapValues(\.count)
            let byRule = Dictionary(grouping: items, by: \.flag.rule).mapValues(\.count)
            write("\(items.count) items · " + Severity.counts(Severity.tally(items, \.flag.severity), zeros: false) + "\n")
            write("By practitioner: " + byWorker.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n")
            write("By rule: " + byRule.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n\n")
            let table = TextTable(headers: ["SEVERITY", "SINCE", "CASE", "RECORD", "WORKER", "RULE", "RETURNED"],
                                  rows: items.map { e in [e.flag.severity.rawValue, e.since.short, e.flag.caseId, e.flag.recordId, e.worker,
                                                          e.flag.rule, e.flag.returnedIn.map { "yes (\($0))" } ?? ""] })
            write(items.isEmpty ? "Nothing to review.\n" : table.render())
        }
    }

    /// The four actions share their shape: a target, a note, perhaps a rule.
    enum Act {
        struct Target: ParsableArguments {
            @OptionGroup var options: StoreOptions
            @Argument(help: ArgumentHelp("CASE/RECORD, or the case id for the whole case.", valueName: "target")) var target: String
            @Option(help: ArgumentHelp("Why (required; kept with the review).", valueName: "text")) var note: String

            func perform(_ action: ReviewAction, rule: String?, to: EscalationTarget? = nil, done: String) throws {
                let (caseId, recordId) = splitRecordRef(target, nil)
                let (store, me) = try options.session()
                let r = try attempt {
                    try store.review(ReviewRequest(caseId: caseId, action: action, recordId: recordId, rule: rule, note: note, escalateTo: to),
                                     by: me)
                }
                write("\(done) (review \(r.id) on \(caseId)).\n")
            }
        }

        struct Return: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "return", abstract: "Return a flag to the practitioner with a note; it stays open.")
            @OptionGroup var t: Target
            @Option(help: ArgumentHelp("The flag's rule id.", valueName: "id")) var rule: String
            func run() throws { try t.perform(.returned, rule: rule, done: "Returned \(rule) on \(t.target)") }
        }

        struct Accept: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Accept a check or advice flag with a note; a missing flag cannot be accepted.")
            @OptionGroup var t: Target
            @Option(help: ArgumentHelp("The flag's rule id.", valueName: "id")) var rule: String
            func run() throws { try t.perform(.accepted, rule: rule, done: "Accepted \(rule) on \(t.target)") }
        }

        struct Escalate: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Escalate to the designated safeguarding lead, the Caldicott Guardian or legal.")
            @OptionGroup var t: Target
            @Option(help: ArgumentHelp("Whom to escalate to.", valueName: "whom")) var to: EscalationTarget
            @Option(help: ArgumentHelp("The flag's rule id, if about a flag.", valueName: "id")) var rule: String?
            func run() throws {
                let whom = to
                try t.perform(.escalated, rule: rule, to: whom, done: "Escalated \(t.target) to \(whom.label)")
            }
        }

        struct SignOff: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "signoff", abstract: "Sign off a decision or a whole case; refused while it has open missing flags.")
            @OptionGroup var t: Target
            func run() throws { try t.perform(.signedOff, rule: nil, done: "Signed off \(t.target)") }
        }
    }
}

struct RaiseFlag: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "raise", abstract: "Raise a flag by hand on a record (rule id manual).")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("CASE/RECORD, or the case id.", valueName: "target")) var target: String
    @Option(help: ArgumentHelp("How serious.", valueName: "severity")) var severity: Severity
    @Option(help: ArgumentHelp("Why (required).", valueName: "text")) var reason: String

    func run() throws {
        let s = severity
        let (caseId, recordId) = splitRecordRef(target, nil)
        let (store, me) = try options.session()
        try attempt { try store.raiseFlag(caseId: caseId, recordId: recordId, severity: s, reason: reason, by: me) }
        write("Raised \(s == .advice ? "an" : "a") \(s.rawValue) flag on \(caseId)/\(recordId).\n")
    }
}

struct Members: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a practitioner to a case they do not own.", subcommands: [AddMember.self])

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

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "The team's figures for supervision (managers only).")
    @OptionGroup var options: StoreOptions
    @Option(help: ArgumentHelp("Only this team's cases.", valueName: "team")) var team: String?
    @Option(help: ArgumentHelp("From this date (decisions, concerns, disclosures).", valueName: "YYYY-MM-DD")) var from: Day?
    @Option(help: ArgumentHelp("Up to and including this date.", valueName: "YYYY-MM-DD")) var to: Day?
    @Option(help: ArgumentHelp("How to write it.", valueName: "format")) var format = ReportOutput.text
    @Option(help: ArgumentHelp("Evaluate open flags on this date.", valueName: "YYYY-MM-DD")) var at: Day?

    func run() throws {
        let (store, me) = try options.session()
        let r = try attempt { try store.report(team: team, from: from, to: to, on: at ?? today(), by: me) }
        write(ReportFormat.render(r, format.rawValue))
    }
}

/// The report in each format.
enum ReportFormat {
    static func hours(_ h: Double?) -> String { h.map { String(format: "%.1f hours", $0) } ?? "none decided" }

    static func render(_ r: TeamReport, _ format: String) -> String {
        switch format {
        case "json":
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: (try? e.encode(r)) ?? Data(), as: UTF8.self) + "\n"
        case "csv":
            var rows = [["figure", "key", "value"]]
            rows.append(["cases", "", "\(r.cases)"])
            rows.append(["open flags", "", "\(r.openFlags)"])
            rows += r.openFlagsByRule.map { ["open flags by rule", $0.key, "\($0.count)"] }
            rows += r.openFlagsByPractitioner.map { ["open flags by practitioner", $0.key, "\($0.count)"] }
            if let o = r.oldestOpenFlag { rows.append(["oldest open flag", "\(o.caseId)/\(o.recordId) \(o.rule)", "\(o.days)"]) }
            rows.append(["concern to decision median hours", "", r.concernToDecisionMedianHours.map { String(format: "%.1f", $0) } ?? ""])
            rows.append(["concern to decision worst hours", "", r.concernToDecisionWorstHours.map { String(format: "%.1f", $0) } ?? ""])
            rows += r.decisionsByOutcome.map { ["decisions by outcome", $0.key, "\($0.count)"] }
            rows.append(["disclosures without consent", "", "\(r.disclosuresWithoutConsent)"])
            rows.append(["disclosures without consent with reasons", "", "\(r.disclosuresWithoutConsentWithReasons)"])
            return rows.map { $0.map(csv).joined(separator: ",") }.joined(separator: "\n") + "\n"
        default:
            let md = format == "markdown"
            var out: [String] = []
            let period = [r.from.map { "from \($0)" }, r.to.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
            out.append((md ? "# " : "") + "Team report" + (r.team.map { " · \($0)" } ?? "") + (period.isEmpty ? "" : " · \(period)"))
            out.append("")
            out.append((md ? "- " : "") + "Cases: \(r.cases); open flags: \(r.openFlags)")
            if let o = r.oldestOpenFlag { out.append((md ? "- " : "") + "Oldest open flag: \(o.rule) on \(o.caseId)/\(o.recordId), \(o.days) days") }
            out.append((md ? "- " : "") + "Concern to decision: median \(hours(r.concernToDecisionMedianHours)), worst \(hours(r.concernToDecisionWorstHours)) (\(r.concernsDecided) concerns)")
            out.append((md ? "- " : "") + "Decisions: " + r.decisionsByOutcome.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
            out.append((md ? "- " : "") + "Disclosures without consent: \(r.disclosuresWithoutConsent), with their reasons recorded: \(r.disclosuresWithoutConsentWithReasons)")
            out.append("")
            out.append((md ? "## " : "") + "Open flags by rule")
            out += bars(r.openFlagsByRule, md: md)
            out.append("")
            out.append((md ? "## " : "") + "Open flags by practitioner")
            out += bars(r.openFlagsByPractitioner, md: md)
            return out.joined(separator: "\n") + "\n"
        }
    }

    static func bars(_ counts: [TeamReport.Count], md: Bool) -> [String] {
        if counts.isEmpty { return [md ? "None." : "  none"] }
        if md { return ["| key | count |", "|---|---|"] + counts.map { "| \($0.key) | \($0.count) |" } }
        return TeamReport.Count.bars(counts, barWidth: 30, glyph: "#", labelWidth: .max)
    }

    /// One CSV cell. A cell that a spreadsheet would read as a formula (it
    /// begins `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
    /// apostrophe, as OWASP advises against CSV injection.
    static func csv(_ s: String) -> String {
        var clean = Sanitiser.clean(s)
        if let first = clean.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { clean = "'" + clean }
        return clean.contains(where: { ",\"".contains($0) }) ? "\"" + clean.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : clean
    }
}

struct Retention: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Closed cases due a retention review, and the decisions on them (managers).",
                                                    subcommands: [Due.self, Keep.self, Dispose.self])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List closed cases whose retention review date has passed or is missing.")
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp("As on this date.", valueName: "YYYY-MM-DD")) var at: Day?

        func run() throws {
            let day = at ?? today()
            let (store, me) = try options.session()
            let due = try attempt { try store.retentionDue(on: day, by: me) }
            write(due.isEmpty ? "No closed case is due a retention review on \(day).\n"
                  : TextTable(headers: ["ID", "CHILD", "WORKER", "CLOSED"], rows: due.map { [$0.id, $0.childName, $0.worker, $0.closed?.description ?? ""] }).render())
        }
    }

    struct Keep: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep a closed case until a new review date, with the reason.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
        @Option(help: ArgumentHelp("The next review date.", valueName: "YYYY-MM-DD")) var until: Day
        @Option(help: ArgumentHelp("Why it is kept.", valueName: "text")) var reason: String

        func run() throws {
            let day = until
            let (store, me) = try options.session()
            try attempt { try store.retain(caseId: caseId, until: day, reason: reason, by: me) }
            write("Keeping \(caseId) until \(day).\n")
        }
    }

    struct Dispose: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dispose of a closed case: its content goes, a tombstone (id, dates, who, why) stays.")
        @OptionGroup var options: StoreOptions
        @Argument(help: ArgumentHelp("The case id.", valueName: "case")) var caseId: String
        @Option(help: ArgumentHelp("Why it is disposed of.", valueName: "text")) var reason: String

        func run() throws {
            let (store, me) = try options.session()
            try attempt { try store.dispose(caseId: caseId, reason: reason, by: me) }
            write("Disposed of \(caseId); a tombstone and an audit event remain.\n")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the whole store to a new file with SQLite's online backup (safe while others write; managers only).")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("The new backup file.", valueName: "dest")) var destination: String

    func run() throws {
        let store = try options.fileStore(for: "casework backup")
        try attempt { try store.backup(to: URL(fileURLWithPath: destination), by: Identity.current()) }
        write("Backed up to \(destination).\n")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the store: integrity, the audit trail, record versions, and every case's flags recomputed under the store's policy. Exits non-zero on any problem.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let (store, me) = try options.session()
        let c = try attempt { try store.check(by: me) }
        write("Integrity: \(c.integrity == ["ok"] ? "ok" : c.integrity.prefix(5).joined(separator: "; "))\n")
        write("Foreign keys: \(c.foreignKeys == 0 ? "ok" : "\(c.foreignKeys) broken references")\n")
        write("Audit trail: \(c.audit.problem ?? "intact, \(c.audit.events) events")\n")
        write("Record versions: \(c.versions.isEmpty ? "ok" : "\(c.versions.count) do not match the audit trail: " + c.versions.prefix(5).joined(separator: "; "))\n")
        write("Flags: \(c.staleFlags.isEmpty ? "as the rules give them, \(c.cases) cases" : "\(c.staleFlags.count) cases whose stored flags differ from the rules: " + c.staleFlags.prefix(20).joined(separator: ", "))\n")
        if !c.isHealthy { throw fail("the store needs attention (see above)") }
    }
}
