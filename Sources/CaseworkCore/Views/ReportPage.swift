import TerminalKit

/// The team report as one self-contained, printable HTML page for supervision: its figures, a table per
/// practitioner and bar charts drawn as inline SVG. Nothing is fetched: no script, font, image or link.
public enum ReportPage {
    public static func html(_ r: TeamReport, zone: LocalTime = .london) -> String {
        let period = [r.from.map { "from \($0)" }, r.to.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
        let title = "Team report" + (r.team.map { " · \($0)" } ?? "") + (period.isEmpty ? "" : " · \(period)")
        let made = [r.madeAt.flatMap(Timestamp.init).map { "Made \(zone.absolute($0))" }, r.madeBy.map { "by \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        var body: [String] = []
        body.append("<h1>\(text(title))</h1>")
        if !made.isEmpty { body.append("<p class=\"made\">\(text(made)). Figures from the cases its maker may see.</p>") }
        body.append("<table class=\"figures\"><tbody>")
        for (label, value) in summary(r) { body.append("<tr><th scope=\"row\">\(text(label))</th><td>\(text(value))</td></tr>") }
        body.append("</tbody></table>")
        body.append("<h2>Practitioners</h2>")
        if r.practitioners.isEmpty {
            body.append("<p>None.</p>")
        } else {
            body.append("<table class=\"people\"><thead><tr><th scope=\"col\">Practitioner</th><th scope=\"col\">Cases</th>"
                        + "<th scope=\"col\">Unfinished decisions</th><th scope=\"col\">Open flags</th></tr></thead><tbody>")
            for p in r.practitioners {
                body.append("<tr><td>\(text(p.name))</td><td>\(p.cases)</td><td>\(p.unfinishedDecisions)</td><td>\(p.openFlags)</td></tr>")
            }
            body.append("</tbody></table>")
        }
        for (heading, counts) in [("Open flags by rule", r.openFlagsByRule), ("Open flags by practitioner", r.openFlagsByPractitioner),
                                  ("Reviews in the period", r.reviewsByAction), ("Decisions by outcome", r.decisionsByOutcome)] {
            body.append("<h2>\(text(heading))</h2>")
            body.append(counts.isEmpty ? "<p>None.</p>" : chart(counts, label: heading))
        }
        return page(title: title, style: style, body: body)
    }

    /// One self-contained page: its title, its own style and its body, nothing fetched.
    static func page(title: String, style: String, body: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(text(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    /// The headline figures, as label and value, in the order supervision reads them.
    static func summary(_ r: TeamReport) -> [(String, String)] {
        var rows: [(String, String)] = [("Cases", "\(r.cases)"), ("Open flags", "\(r.openFlags)")]
        let reviews = Dictionary(uniqueKeysWithValues: r.reviewsByAction.map { ($0.key, $0.count) })
        rows.append(("Reviews: returned · accepted · escalated", "\(reviews["returned"] ?? 0) · \(reviews["accepted"] ?? 0) · \(reviews["escalated"] ?? 0)"))
        rows.append(("Returned items still open after \(TeamReport.returnedOverdueDays) days", "\(r.returnedOverdue)"))
        rows.append(("Unfinished decisions", "\(r.practitioners.reduce(0) { $0 + $1.unfinishedDecisions })"))
        if let o = r.oldestOpenFlag { rows.append(("Oldest open flag", "\(o.rule) on \(o.caseId)/\(o.recordId), \(o.days) days")) }
        rows.append(("Concern to decision", r.concernToDecisionInWords))
        rows.append(("Disclosures without consent", "\(r.disclosuresWithoutConsent), with their reasons recorded: \(r.disclosuresWithoutConsentWithReasons)"))
        return rows
    }

    /// Horizontal bars, longest first as given, each with its label and its number; readable without colour.
    static func chart(_ counts: [TeamReport.Count], label: String) -> String {
        let row = 24, labelWidth = 260, barMax = 340, width = 680
        let top = max(1, counts.map(\.count).max() ?? 1)
        var svg = ["<svg class=\"chart\" role=\"img\" aria-label=\"\(text(label))\" xmlns=\"http://www.w3.org/2000/svg\" "
                   + "width=\"\(width)\" height=\"\(counts.count * row + 4)\" viewBox=\"0 0 \(width) \(counts.count * row + 4)\">"]
        for (i, c) in counts.enumerated() {
            let y = i * row + 2
            let bar = c.count == 0 ? 0 : max(2, c.count * barMax / top)
            svg.append("<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(text(c.key))</text>")
            svg.append("<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(bar)\" height=\"16\"></rect>")
            svg.append("<text x=\"\(labelWidth + bar + 6)\" y=\"\(y + 16)\">\(c.count)</text>")
        }
        return (svg + ["</svg>"]).joined(separator: "\n")
    }

    /// Text for HTML: control characters removed, markup characters escaped.
    static func text(_ s: String) -> String {
        var out = ""
        for ch in Sanitiser.clean(s) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static let style = """
        body { font-family: sans-serif; color: #111; margin: 2em; max-width: 48em; }
        h1 { font-size: 1.5em; margin-bottom: 0.2em; }
        h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
        .made { color: #444; margin-top: 0; }
        table { border-collapse: collapse; }
        th, td { text-align: left; padding: 0.2em 0.8em 0.2em 0; vertical-align: top; }
        table.people td:not(:first-child), table.people th:not(:first-child) { text-align: right; }
        .chart text { font-family: sans-serif; font-size: 13px; fill: #111; }
        .chart rect { fill: #1f5f8b; }
        @media print { body { margin: 0; } h2 { break-after: avoid; } .chart, table { break-inside: avoid; } }
        """
}
