import Foundation
import TerminalKit

/// A copy of what is held about a child for the child and family (the right of access; 004 "Access to
/// personal information"): plain words, in time order, with no record ids, rule ids, user names or codes.
/// Other people's names and what others told the service are left out unless the practitioner releases
/// them, each gap saying why. Pure: the store reads (and audits) the case, the screen or the command line
/// confirms what is left out.
public enum FamilyCopy {
    /// Why a passage is left out by default.
    public enum Reason: String, Hashable, Sendable {
        /// Someone on the case who does not hold parental responsibility.
        case otherPerson
        /// A worker's own name at another organisation.
        case workerName
        /// Recorded as given in confidence.
        case confidence
        /// Information another organisation gave.
        case fromOthers

        /// Why, in the words the copy and the review screen use.
        public var words: String {
            switch self {
            case .otherPerson: "someone other than the child or a parent with parental responsibility"
            case .workerName: "the name of someone working for another organisation"
            case .confidence: "information given in confidence"
            case .fromOthers: "what another organisation told us; they are asked first"
            }
        }
    }

    /// A passage left out unless released: a name wherever it appears, or a part of one record.
    public struct Passage: Hashable, Sendable, Identifiable {
        /// Stable while the case is unchanged: what `withholding` names.
        public var id: String
        /// The record it is in (or the first that names it), for the practitioner's review.
        public var recordId: String
        /// The passage as held, for the practitioner's review only.
        public var text: String
        public var reason: Reason
    }

    /// Every passage the copy leaves out by default, in the order of the record.
    public static func passages(_ c: Case) -> [Passage] {
        var out: [Passage] = []
        for p in c.people where p.parentalResponsibility != .yes && !p.name.isBlank {
            out.append(Passage(id: "name:\(p.id)", recordId: p.id, text: "\(p.name) (\(p.relationship))", reason: .otherPerson))
        }
        var seen = Set<String>()
        func worker(_ name: String?, in record: String) {
            guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, seen.insert(name).inserted else { return }
            out.append(Passage(id: "worker:\(name)", recordId: record, text: name, reason: .workerName))
        }
        for d in c.decisions {
            worker(d.proposedRecipient?.name, in: d.id)
            if d.confidential == true {
                let held = [d.purpose.why, d.purpose.outcomeSought, d.publicInterest].compactMap { $0 }.filter { !$0.isBlank }
                if !held.isEmpty { out.append(Passage(id: "confidence:\(d.id)", recordId: d.id, text: held.joined(separator: " / "), reason: .confidence)) }
            }
        }
        for x in c.disclosures {
            worker(x.to?.name, in: x.id)
            worker(x.from?.name, in: x.id)
            if x.direction == .incoming, !x.items.isEmpty {
                out.append(Passage(id: "received:\(x.id)", recordId: x.id, text: x.items.map(\.text).joined(separator: " / "), reason: .fromOthers))
            } else if let d = x.decisionId.flatMap(c.decision), d.confidential == true, !x.items.isEmpty {
                out.append(Passage(id: "confidence:\(x.id)", recordId: x.id, text: x.items.map(\.text).joined(separator: " / "), reason: .confidence))
            }
        }
        return out
    }

    /// The copy as Markdown, leaving out the passages in `withholding` (by default, every one).
    public static func markdown(_ c: Case, withholding: Set<String>? = nil, today: Day, zone: LocalTime = .london) -> String {
        var out = ""
        var previous: Block?
        for block in document(c, withholding: withholding, today: today, zone: zone) {
            if let previous { out += { if case .item = previous, case .item = block { "\n" } else { "\n\n" } }() }
            switch block {
            case .title(let t): out += "# \(MarkdownCaseView.md(t))"
            case .heading(let t): out += "## \(MarkdownCaseView.md(t))"
            case .paragraph(let t): out += MarkdownCaseView.md(t)
            case .item(let t): out += "- \(MarkdownCaseView.md(t))"
            case .quote(let t): out += "> " + MarkdownCaseView.md(t).replacingOccurrences(of: "  \n", with: "  \n> ")
            }
            previous = block
        }
        return out + "\n"
    }

    /// The copy as one self-contained, printable HTML page (nothing fetched), leaving out `withholding`.
    public static func html(_ c: Case, withholding: Set<String>? = nil, today: Day, zone: LocalTime = .london) -> String {
        let blocks = document(c, withholding: withholding, today: today, zone: zone)
        var body: [String] = []
        var inList = false
        for block in blocks {
            if case .item = block {} else if inList { body.append("</ul>"); inList = false }
            switch block {
            case .title(let t): body.append("<h1>\(ReportPage.text(t))</h1>")
            case .heading(let t): body.append("<h2>\(ReportPage.text(t))</h2>")
            case .paragraph(let t): body.append("<p>\(lines(t))</p>")
            case .quote(let t): body.append("<blockquote>\(lines(t))</blockquote>")
            case .item(let t):
                if !inList { body.append("<ul>"); inList = true }
                body.append("<li>\(lines(t))</li>")
            }
        }
        if inList { body.append("</ul>") }
        return ReportPage.page(title: title(c), style: style, body: body)
    }

    static let style = "body{font:16px/1.5 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;color:#111}h1{font-size:1.6em}"
        + "h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #999}"
        + "blockquote{margin:.5em 0 .5em 1em;padding-left:.8em;border-left:3px solid #999}@media print{body{margin:0}}"

    private static func lines(_ t: String) -> String { ReportPage.text(t).replacingOccurrences(of: "\n", with: "<br>") }

    static func title(_ c: Case) -> String { "What we hold about \(c.child.name)" }

    enum Block: Equatable {
        case title(String), heading(String), paragraph(String), item(String), quote(String)
    }

    /// The copy's content, in order, with what is withheld already replaced by a gap that says why.
    static func document(_ c: Case, withholding given: Set<String>?, today: Day, zone: LocalTime) -> [Block] {
        let all = passages(c)
        let withholding = given ?? Set(all.map(\.id))
        let withheld = all.filter { withholding.contains($0.id) }
        let gap = { (r: Reason) in "[left out: \(r.words)]" }
        // Each withheld name becomes who they are, wherever the record's words mention it.
        var names: [(name: String, instead: String)] = []
        for p in c.people where withholding.contains("name:\(p.id)") { names.append((p.name, "[\(article(p.relationship)) \(p.relationship); name left out]")) }
        for w in withheld where w.reason == .workerName { names.append((w.text, "[name left out]")) }
        names.sort { $0.name.count > $1.name.count }
        func words(_ s: String?) -> String {
            var t = Sanitiser.clean(s ?? "", lines: .keep).trimmingCharacters(in: .whitespacesAndNewlines)
            for n in names where !n.name.isBlank {
                // The whole name as words: "Al" is left out, "also" is not.
                let pattern = "(?<![[:alnum:]])" + NSRegularExpression.escapedPattern(for: n.name) + "(?![[:alnum:]])"
                t = t.replacingOccurrences(of: pattern, with: NSRegularExpression.escapedTemplate(for: n.instead),
                                           options: [.regularExpression, .caseInsensitive])
            }
            return t
        }
        func when(_ t: Timestamp) -> String {
            let w = zone.wall(t)
            return "\(day(w.day)), \(String(format: "%02d:%02d", w.hour, w.minute))"
        }
        func party(_ p: Party?) -> String {
            guard let p, !p.isEmpty else { return "someone not recorded" }
            let role = p.role.map(words), agency = p.agency.map(words)
            let name = p.name.flatMap { $0.isBlank ? nil : words($0) }
            return [name, role, agency.map { "at \($0)" }].compactMap { $0 }.joined(separator: ", ")
        }
        let confidentialDecisions = Set(c.decisions.filter { withholding.contains("confidence:\($0.id)") }.map(\.id))

        var out: [Block] = [.title(title(c))]
        let born = c.child.dateOfBirth.map { ", born \(day($0))" } ?? c.child.expectedBirth.map { ", expected \(day($0))" } ?? ""
        out.append(.paragraph("This is a copy of the record we keep about \(words(c.child.name))\(born). You have a right to see it. "
                              + "It is written in plain words and in the order things happened. Made on \(day(today))."))
        if !withheld.isEmpty {
            out.append(.paragraph("A few parts are left out: other people's names, and what others told us, unless they agree or the law allows it. "
                                  + "Each place where something is left out says why. You can ask us about them."))
        }

        out.append(.heading("Why we are working with you"))
        if c.episodes.isEmpty { out.append(.paragraph("Nothing recorded.")) }
        for e in c.episodes {
            let span = "From \(day(e.started))" + (e.ended.map { " to \(day($0))" } ?? " (still open)")
            out.append(.item(span + (e.reason.map { ": \(words($0))" } ?? "")))
        }

        out.append(.heading("People in the record"))
        out.append(.item("\(words(c.child.name)), the child"))
        for p in c.people {
            let name = withholding.contains("name:\(p.id)") ? "Name left out" : words(p.name)
            let pr = p.parentalResponsibility == .yes ? ", with parental responsibility" : ""
            out.append(.item("\(name): \(words(p.relationship))\(pr)\(p.livesWithChild ? ", lives with the child" : "")"))
        }

        out.append(.heading("What happened, in order"))
        let entries = c.chronology.filter { $0.kind != .review }
        if entries.isEmpty { out.append(.paragraph("Nothing recorded yet.")) }
        for entry in entries {
            guard let record = c.records.first(where: { $0.id == entry.recordId }) else { continue }
            let at = entry.at.map(when) ?? "Undated"
            switch record {
            case .note(let n):
                let what = n.kind == .childsWords ? "What you told us" : "A note (\(n.kind.label))"
                out.append(.paragraph("\(at): \(what)\(n.opinion == true ? ", the worker's opinion rather than fact" : "")"))
                out.append(.quote(words(n.text)))
            case .concern(let k):
                out.append(.paragraph("\(at): A worry was written down: \(words(k.summary)). It is about \(k.category.label), "
                                      + "and the level of risk was judged as \(k.riskLevel.label)"
                                      + (k.childProtection ? "; it was thought the child might be suffering, or likely to suffer, significant harm." : ".")))
            case .consent(let k):
                let who = k.givenBy == .child ? "You" : (k.givenBy.personId.map { pid in
                    withholding.contains("name:\(pid)") ? "Someone in the record (name left out)" : c.person(pid).map { words($0.name) } ?? "Someone" } ?? "Someone")
                let verb = k.decision == .refused ? "did not agree" : "agreed"
                let what = [k.informed.whatShared.map { "what: \(words($0))" }, k.informed.why.map { "why: \(words($0))" },
                            k.scope.recipients.isEmpty ? nil : "with: \(k.scope.recipients.map { words($0) }.joined(separator: ", "))"]
                    .compactMap { $0 }.joined(separator: "; ")
                let form = k.form == .written ? "in writing" : k.form == .verbal ? "by word of mouth" : "without saying so (implied)"
                out.append(.paragraph("\(at): \(who) \(verb), \(form), to information being shared" + (what.isEmpty ? "." : ": \(what).")
                                      + (k.status == .active ? "" : " This agreement is no longer in use (\(k.status.rawValue)).")))
            case .decision(let d):
                guard let outcome = d.outcome else { continue }
                let with = d.proposedRecipient.map { " with \(party($0))" } ?? ""
                let decided: String = switch outcome {
                case .share: "The worker decided to share information\(with)."
                case .shareLimited: "The worker decided to share some of the information\(with)."
                case .doNotShare: "The worker decided not to share information\(with)."
                }
                out.append(.paragraph("\(at): \(decided)"))
                if confidentialDecisions.contains(d.id) {
                    out.append(.quote(gap(.confidence)))
                } else if let why = d.purpose.why {
                    out.append(.quote("The purpose: \(words(why))"))
                }
                if let r = d.rationale, !r.isBlank { out.append(.quote("Why: \(words(r))")) }
                if let p = d.consentPosition, p.kind == .notSought || p.kind == .refused {
                    out.append(.quote("Agreement was " + (p.kind == .refused ? "refused" : "not asked for")
                                      + (p.reason.map { ": \($0.label)" } ?? "") + "."))
                }
                switch d.familyInformed {
                case .no?: out.append(.quote("The family was not to be told at the time" + (d.notInformedReason.map { ": \(words($0))" } ?? ".")))
                case .later?: out.append(.quote("The family was to be told later" + (d.notInformedReason.map { ": \(words($0))" } ?? ".")))
                default: break
                }
            case .disclosure(let x):
                if x.direction == .incoming {
                    out.append(.paragraph("\(at): We were given information by \(party(x.from))."))
                    out.append(.quote(withholding.contains("received:\(x.id)") ? gap(.fromOthers) : items(x.items, words)))
                } else {
                    let how = x.method.map { " by \($0.label)" } ?? ""
                    out.append(.paragraph("\(at): Information was shared with \(party(x.to))\(how)."))
                    let secret = withholding.contains("confidence:\(x.id)")
                    out.append(.quote(secret ? gap(.confidence) : items(x.items, words)))
                }
            default:
                continue
            }
        }
        out.append(.heading("About this copy"))
        out.append(.paragraph("It holds what the record says, without the workbook's own codes, reference numbers or the names of our staff. "
                              + "If something in it is wrong, tell us: we will correct it or add your view to the record."))
        return out
    }

    private static func items(_ list: [SharedItem], _ words: (String?) -> String) -> String {
        if list.isEmpty { return "What was shared is not listed." }
        return list.map { i in
            (i.kind == .opinion ? "An opinion: " : i.kind == .historical ? "From the past: " : "") + words(i.text)
        }.joined(separator: "\n")
    }

    private static func article(_ word: String) -> String {
        "aeiou".contains(word.lowercased().first ?? "x") ? "an" : "a"
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// "5 January 2026".
    static func day(_ d: Day) -> String { "\(d.day) \(months[d.month - 1]) \(d.year)" }
}
