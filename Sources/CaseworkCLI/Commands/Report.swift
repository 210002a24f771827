import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

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
    static func render(_ r: TeamReport, _ format: String) -> String {
        switch format {
        case "html":
            return ReportPage.html(r)
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
            rows += r.reviewsByAction.map { ["reviews by action", $0.key, "\($0.count)"] }
            rows.append(["returned items open after \(TeamReport.returnedOverdueDays) days", "", "\(r.returnedOverdue)"])
            for p in r.practitioners {
                rows += [["practitioner cases", p.name, "\(p.cases)"], ["practitioner unfinished decisions", p.name, "\(p.unfinishedDecisions)"],
                         ["practitioner open flags", p.name, "\(p.openFlags)"]]
            }
            rows.append(["made", r.madeBy ?? "", r.madeAt ?? ""])
            return rows.map { $0.map(csv).joined(separator: ",") }.joined(separator: "\n") + "\n"
        default:
            let md = format == "markdown"
            var out: [String] = []
            let period = [r.from.map { "from \($0)" }, r.to.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
            out.append((md ? "# " : "") + "Team report" + (r.team.map { " · \($0)" } ?? "") + (period.isEmpty ? "" : " · \(period)"))
            out.append("")
            out.append((md ? "- " : "") + "Cases: \(r.cases); open flags: \(r.openFlags)")
            if let o = r.oldestOpenFlag { out.append((md ? "- " : "") + "Oldest open flag: \(o.rule) on \(o.caseId)/\(o.recordId), \(o.days) days") }
            out.append((md ? "- " : "") + "Concern to decision: \(r.concernToDecisionInWords)")
            out.append((md ? "- " : "") + "Decisions: " + r.decisionsByOutcome.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
            out.append((md ? "- " : "") + "Disclosures without consent: \(r.disclosuresWithoutConsent), with their reasons recorded: \(r.disclosuresWithoutConsentWithReasons)")
            out.append((md ? "- " : "") + "Reviews: " + r.reviewsByAction.map { "\($0.key) \($0.count)" }.joined(separator: ", ")
                       + "; returned items still open after \(TeamReport.returnedOverdueDays) days: \(r.returnedOverdue)")
            if let by = r.madeBy, let at = r.madeAt.flatMap(Timestamp.init) { out.append((md ? "- " : "") + "Made \(at.short) by \(by)") }
            out.append("")
            out.append((md ? "## " : "") + "Practitioners")
            let people = TextTable(headers: ["PRACTITIONER", "CASES", "UNFINISHED DECISIONS", "OPEN FLAGS"],
                                   rows: r.practitioners.map { [$0.name, "\($0.cases)", "\($0.unfinishedDecisions)", "\($0.openFlags)"] })
            if md {
                out += ["| practitioner | cases | unfinished decisions | open flags |", "|---|---|---|---|"]
                    + r.practitioners.map { "| \($0.name) | \($0.cases) | \($0.unfinishedDecisions) | \($0.openFlags) |" }
            } else {
                out.append(r.practitioners.isEmpty ? "  none" : people.render().trimmingCharacters(in: .newlines))
            }
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
