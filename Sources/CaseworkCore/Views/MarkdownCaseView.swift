import TerminalKit

/// The case as a readable Markdown document, for a transfer to another
/// authority, for supervision, or for the family's right of access: people,
/// chronology, decisions with rationale, consents, disclosures, open flags
/// and reviews. Record text is sanitised and Markdown-escaped.
public enum MarkdownCaseView {
    static func md(_ s: String?) -> String {
        var out = ""
        for ch in Sanitiser.clean(s ?? "", lines: .keep) {
            if "\\`*_[]#|<>".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out.replacingOccurrences(of: "\n", with: "  \n")
    }

    public static func render(_ c: Case, flags: [Flag], today: Day, preparedBy: String? = nil) -> String {
        var out: [String] = []
        out.append("# Case \(c.id): \(md(c.title))")
        out.append("")
        out.append("- **Child:** \(md(c.child.name))" + (c.child.dateOfBirth.map { ", born \($0) (age \($0.years(until: today)) on \(today))" } ?? "")
                   + (c.child.expectedBirth.map { ", expected \($0)" } ?? ""))
        out.append("- **Worker:** \(md(c.worker))" + (c.team.map { " (\(md($0)))" } ?? ""))
        out.append("- **Opened:** \(c.opened)" + (c.closed.map { "; **closed:** \($0)" } ?? ""))
        out.append("- **Care order:** \(c.careOrder ? "yes" : "no"); **retention review by:** \(c.retentionReviewBy?.description ?? "not set")")
        out.append("- **Prepared:** \(today)\(preparedBy.map { " by \(md($0))" } ?? ""), from the Casework workbook")
        out.append("")
        out.append("## People")
        out.append("")
        if c.people.isEmpty { out.append("None recorded.") }
        for p in c.people {
            out.append("- \(p.id): \(md(p.name)), \(md(p.relationship)); parental responsibility: \(p.parentalResponsibility == .yes ? "yes" : p.parentalResponsibility == .no ? "no" : "not known")"
                       + (p.livesWithChild ? "; lives with the child" : ""))
        }
        out.append("")
        out.append("## Episodes")
        out.append("")
        if c.episodes.isEmpty { out.append("None recorded.") }
        for e in c.episodes {
            out.append("- \(e.id): from \(e.started)" + (e.ended.map { " to \($0)" } ?? " (open)") + (e.reason.map { "; \(md($0))" } ?? ""))
        }
        out.append("")
        out.append("## Open flags")
        out.append("")
        let open = flags.filter(\.isOpen)
        if open.isEmpty { out.append("None.") }
        for f in open { out.append("- **\(f.severity.rawValue)** \(f.rule) on \(f.recordId): \(md(f.message)) _(Source: \(md(f.source)))_") }
        out.append("")
        out.append("## Chronology")
        out.append("")
        for entry in c.chronology {
            out.append("### \(entry.at?.short ?? "(no time)") · \(entry.recordId) · \(md(entry.title))")
            out.append("")
            for line in PlainCaseView.describe(entry.recordId, in: c).dropFirst() { out.append("- " + md(line)) }
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
