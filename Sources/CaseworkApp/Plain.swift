import CaseworkCore
import Foundation
import TerminalKit

/// Where the plain workbook reads answers and writes its questions:
/// standard input and output, or a test's script.
public protocol LineIO: AnyObject {
    /// The next line typed, without its newline; nil at the end of input.
    func readLine() -> String?
    func write(_ text: String)
}

/// Standard input and output, with everything written made safe for a terminal.
public final class StandardLineIO: LineIO {
    public init() {}
    public func readLine() -> String? { Swift.readLine(strippingNewline: true) }
    public func write(_ text: String) { FileHandle.standardOutput.write(Data(Sanitiser.forTerminal(text).utf8)) }
}

/// The workbook for a terminal that cannot place text on the screen
/// (`TERM=dumb`), for a screen reader, or for answers piped in: numbered
/// menus and one question at a time on standard input and output. It asks
/// the same questions as the workbook's forms and walkthrough (the same
/// `FormCatalog` and `Walkthrough`), prints each walkthrough step's guidance
/// and source before its questions, and saves through the same store.
public final class PlainWorkbook {
    let store: any CaseStore
    let user: User
    let guidance: Guidance
    let io: any LineIO
    let clock: () -> Date

    /// The input ended: stop where we are; what is not saved is not saved.
    struct EndOfInput: Error {}

    public init(store: any CaseStore, user: User, guidance: Guidance, io: any LineIO, clock: @escaping () -> Date = Date.init) {
        self.store = store; self.user = user; self.guidance = guidance; self.io = io; self.clock = clock
    }

    var now: Timestamp { Timestamp(clock()) }
    var today: Day { Day(clock()) }

    func say(_ text: String = "") { io.write(text + "\n") }

    /// A line of input, trimmed; the end of input ends the session.
    func ask(_ prompt: String) throws -> String {
        io.write(prompt + "\n> ")
        guard let line = io.readLine() else { throw EndOfInput() }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// Runs until `q` or the end of input.
    public func run() {
        say("Casework, plain mode: numbered menus and one question at a time. Signed in as \(user.name) (\(user.role.inWords)).")
        do {
            try casesMenu()
        } catch is EndOfInput {
            say("\nInput ended. Everything saved above is kept; an unfinished form was not saved.")
        } catch {
            say("Stopped: \(error)")
        }
    }

    // MARK: Menus

    func casesMenu() throws {
        var search = ""
        while true {
            let page = try store.caseList(CaseListQuery(search: search, on: today, limit: 50), by: user.name)
            say()
            say(search.isEmpty ? "Cases you can see: \(page.total)" : "Cases matching \"\(Sanitiser.clean(search))\": \(page.total)")
            for (i, e) in page.entries.enumerated() {
                let s = e.summary
                say("  \(i + 1)  \(s.id)  \(Sanitiser.clean(s.childName))  \(s.worker)  \(s.closed == nil ? "open" : "closed")  flags: \(Severity.counts(e.openFlags))")
            }
            if page.total > page.entries.count { say("  (the first \(page.entries.count); search to find others)") }
            var choices = "a number or a case id to open it, c to record a concern about a new child, n for a new case, / to search"
            if user.role == .manager { choices += ", r for the review queue" }
            let answer = try ask("Choose: \(choices), q to quit.")
            switch answer.lowercased() {
            case "q": return
            case "n":
                if let id = try runForm(.newCase, in: nil, editing: nil) { try caseMenu(id) }
            case "c":
                if let id = try runForm(.recordConcern, in: nil, editing: nil) {
                    try decideAfterConcern(id)
                    try caseMenu(id)
                }
            case "r" where user.role == .manager:
                try reviewMenu()
            case let a where a.hasPrefix("/"):
                search = String(answer.dropFirst()).trimmingCharacters(in: .whitespaces)
            default:
                if let n = Int(answer), n >= 1, n <= page.entries.count {
                    try caseMenu(page.entries[n - 1].summary.id)
                } else if !answer.isEmpty {
                    try caseMenu(answer)
                }
            }
        }
    }

    func caseMenu(_ id: String) throws {
        var showWhole = true
        while true {
            let c: Case, open: [FlagEntry]
            do {
                c = try store.viewCase(id, by: user.name)
                open = try store.flags(FlagQuery(caseId: id, on: today), by: user.name)
            } catch {
                say("Not opened: \(error)")
                return
            }
            say()
            if showWhole {
                var notes: [String: [String]] = [:]
                for e in open { notes[e.flag.recordId, default: []].append("[\(e.flag.severity.rawValue)] \(e.flag.rule): \(e.flag.message)") }
                say(PlainCaseView.render(c, today: today, notes: notes))
                showWhole = false
            }
            say("Case \(c.id), \(Sanitiser.clean(c.child.name)). " + (open.isEmpty ? "Open flags: none." : "Open flags (\(open.count)):"))
            for (i, e) in open.enumerated() {
                say("  f\(i + 1)  [\(e.flag.severity.rawValue)] \(e.flag.recordId) \(e.flag.rule): \(e.flag.message) (Source: \(e.flag.source))")
            }
            let answer = try ask("""
                Choose: w should I share? (the walkthrough), r record a concern with the child's words, n note, k concern, c consent,
                o information shared, i information received,
                p person, e episode, d case details, m change a record, f and a number to put right what a flag asks, s show the case, b back.
                """)
            let kinds: [String: FormKind] = ["n": .note, "k": .concern, "c": .consent, "o": .disclosureOut, "i": .disclosureIn,
                                             "p": .person, "e": .episode]
            switch answer.lowercased() {
            case "b", "q": return
            case "s": showWhole = true
            case "w": try runWalkthrough(c, decision: nil, concern: nil)
            case "r": if try runForm(.recordConcern, in: c, editing: nil) != nil { try decideAfterConcern(c.id) }
            case "d": _ = try runForm(.caseDetails, in: c, editing: c.records.first { $0.id == c.id })
            case "m":
                let rid = try ask("Which record (its id, e.g. N1, D2)?")
                guard let record = c.records.first(where: { $0.id == rid }), let kind = FormKind.editing(record) else {
                    say("There is no record \(Sanitiser.clean(rid)) that can be changed here.")
                    continue
                }
                if case .decision(let d) = record { try runWalkthrough(c, decision: d, concern: nil) } else { _ = try runForm(kind, in: c, editing: record) }
            case let a where a.hasPrefix("f"):
                guard let n = Int(a.dropFirst()), n >= 1, n <= open.count else { say("Give f and the flag's number, e.g. f1."); continue }
                try putRight(open[n - 1].flag, in: c)
            default:
                if let kind = kinds[answer.lowercased()] { _ = try runForm(kind, in: c, editing: nil) } else if !answer.isEmpty {
                    say("Not one of the choices.")
                }
            }
        }
    }

    /// Asks again the field a flag names, on its record, and saves the change with a reason.
    func putRight(_ flag: Flag, in c: Case) throws {
        guard let record = c.records.first(where: { $0.id == flag.recordId }), let kind = FormKind.editing(record) else {
            say("This flag is put right by a manager's review.")
            return
        }
        if case .concern(let k) = record, flag.recordField == .decision {
            try runWalkthrough(c, decision: nil, concern: k.id)
            return
        }
        if case .decision(let d) = record {
            try runWalkthrough(c, decision: d, concern: nil, only: flag.recordField)
            return
        }
        _ = try runForm(kind, in: c, editing: record, only: flag.recordField)
    }

    // MARK: Questions

    /// Asks `field`; returns its new value (nil: unanswered). Enter keeps the value shown.
    func answer(_ field: Field, current: String?) throws -> String? {
        let hint = field.hint.map { " (\($0))" } ?? ""
        switch field.kind {
        case .info(let text):
            say(text)
            return current
        case .choice(let options):
            if options.isEmpty {
                say("\(field.label): nothing to choose from yet.")
                return nil
            }
            say("\(field.label)\(hint)")
            for (i, o) in options.enumerated() { say("  \(i + 1)) \(Sanitiser.clean(o.label))\(o.value == current ? "  (chosen)" : "")") }
            while true {
                let a = try ask("Choose 1-\(options.count)\(current == nil ? ", or Enter to leave it unanswered" : ", or Enter to keep it").")
                if a.isEmpty { return current }
                if let n = Int(a), n >= 1, n <= options.count { return options[n - 1].value }
                if let o = options.first(where: { $0.value.lowercased() == a.lowercased() || $0.label.lowercased().hasPrefix(a.lowercased()) }) {
                    return o.value
                }
                say("Not one of the choices: give a number from 1 to \(options.count).")
            }
        case .multiline:
            say("\(field.label)\(hint)")
            if let current, !current.isEmpty { say("Now: \(Sanitiser.clean(current, lines: .keep))") }
            var lines: [String] = []
            io.write("Type it, several lines if you like; a line with only a full stop ends it\(current == nil ? "" : ", Enter alone keeps it, - clears it").\n> ")
            while true {
                guard let line = io.readLine() else { throw EndOfInput() }
                if line.trimmingCharacters(in: .whitespaces) == "." { break }
                if lines.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty { return current }
                if lines.isEmpty && line.trimmingCharacters(in: .whitespaces) == "-" { return nil }
                lines.append(line)
                io.write("> ")
            }
            return lines.joined(separator: "\n")
        case .text, .date, .time:
            let format = field.kind == .date ? " (YYYY-MM-DD)" : field.kind == .time ? " (e.g. 10:05, yesterday 16:30, 14/3 9:00; empty for now)" : ""
            let shown = current.flatMap { $0.isEmpty ? nil : " [now: \(Sanitiser.clean($0))]" } ?? ""
            let a = try ask("\(field.label)\(format)\(hint)\(shown)\(current == nil ? "" : "; Enter keeps it, - clears it")")
            if a.isEmpty { return current }
            return a == "-" ? nil : a
        }
    }

    /// Asks each field `fields` gives, in order, as the answers change which fields there are.
    func fill(_ fields: (FormValues) -> [Field], _ values: inout FormValues) throws {
        var asked: Set<String> = []
        while let next = fields(values).first(where: { !asked.contains($0.id) }) {
            asked.insert(next.id)
            values[next.id] = try answer(next, current: values[next.id])
        }
    }

    func reason() throws -> String {
        while true {
            let why = try ask("Why are you changing this record? (kept with the new version)")
            if !why.isEmpty { return why }
            say("A reason is needed to change a saved record.")
        }
    }

    /// A concern just recorded goes on to the decision about it, as in the workbook.
    func decideAfterConcern(_ caseId: String) throws {
        let c = try store.viewCase(caseId, by: user.name)
        say("Should you share it? The walkthrough follows, one question at a time.")
        try runWalkthrough(c, decision: nil, concern: c.concerns.last?.id)
    }

    /// Fills in and saves one form; returns the case id it saved to. With `only`, asks just the field that fills it.
    @discardableResult
    func runForm(_ kind: FormKind, in c: Case?, editing record: CaseRecord?, only target: RecordField? = nil) throws -> String? {
        var values = FormCatalog.values(kind, editing: record, case: c, user: user.name, now: now)
        if c == nil, kind == .newCase || kind == .recordConcern {
            values["id"] = (try? store.suggestedCaseId(by: user.name)) ?? ""
            if kind == .newCase { values["team"] = user.teams.first ?? "" }
        }
        let fields = { (v: FormValues) in FormCatalog.fields(kind, v, case: c, isEditing: record != nil) }
        say()
        say(record.map { "\(kind.title): changing \($0.id)" } ?? kind.title)
        if let target, let field = fields(values).first(where: { $0.clears == target }) {
            values[field.id] = try answer(field, current: values[field.id])
        } else {
            try fill(fields, &values)
        }
        while true {
            do {
                switch try FormCatalog.build(kind, values, case: c, editing: record?.id, user: user, now: now) {
                case .newCase(let newCase):
                    let id = try store.createCase(newCase, by: user.name)
                    say("Case \(id) created.")
                    return id
                case .changes(let records):
                    guard let caseId = c?.id else { return nil }
                    if record != nil {
                        let why = try reason()
                        try store.save(records.map { .amend($0, reason: why) }, inCase: caseId, by: user.name)
                        say("\(records.first?.id ?? "Record") amended.")
                    } else {
                        try store.save(records.map { .add($0) }, inCase: caseId, by: user.name)
                        say("\(kind.title) \(records.first?.id ?? "") saved.")
                    }
                    return caseId
                }
            } catch let problem as FormProblem {
                guard let field = fields(values).first(where: { $0.id == problem.field }) else {
                    say("Not saved: \(problem.message).")
                    return nil
                }
                say("Not saved yet: \(field.label): \(problem.message).")
                values[field.id] = try answer(field, current: values[field.id])
            } catch let e as StoreError {
                say("Not saved: \(e.description)")
                return nil
            }
        }
    }

    // MARK: The walkthrough

    /// The walkthrough, one step at a time with its guidance: a new decision (on `concern`, or the latest), or
    /// a saved one changed (with `only`, just the step and field that fill it).
    func runWalkthrough(_ given: Case, decision existing: SharingDecision?, concern: String?, only target: RecordField? = nil) throws {
        var c = given
        var v: FormValues
        let id: String
        if let existing {
            v = Walkthrough.values(from: existing, in: c)
            id = existing.id
        } else {
            v = Walkthrough.starting(c, concern: concern, sector: (try? store.policy())?.organisationSector ?? .public)
            id = nextId("D", in: c)
        }
        say()
        say("Should I share this? Decision \(id). Seven golden rules stand behind every step (000).")
        if let target, let (step, fieldId) = Walkthrough.locate(target, v, c),
           let field = Walkthrough.fields(step: step, v, case: c).first(where: { $0.id == fieldId }) {
            guide(step)
            v[fieldId] = try answer(field, current: v[fieldId])
        } else {
            var step: WalkthroughStep? = .concern
            while let s = step {
                guide(s)
                try fill({ Walkthrough.fields(step: s, $0, case: c) }, &v)
                if s == .consent, v["consent.kind"] == "seek-now" {
                    say("Record the consent now; the walkthrough then goes on.")
                    _ = try runForm(.consent, in: c, editing: nil)
                    c = try store.viewCase(c.id, by: user.name)
                    Walkthrough.consentRecorded(c, &v)
                }
                let cleared = Walkthrough.discardUnused(&v, guidance: guidance)
                if !cleared.isEmpty { say("Answers that no longer apply were cleared: \(cleared.joined(separator: ", "))") }
                step = Walkthrough.next(after: s, v)
                if let next = step { Walkthrough.prepare(next, &v, now: now, case: c) }
            }
        }
        while true {
            do {
                let records = try Walkthrough.build(v, case: c, decisionId: id, user: user, now: now, complete: true)
                let amending = existing?.outcome != nil
                let why = amending ? try reason() : "walkthrough completed"
                let changes = records.map { r -> RecordChange in c.records.contains { $0.id == r.id } ? .amend(r, reason: why) : .add(r) }
                try store.save(changes, inCase: c.id, by: user.name)
                say(v.text("rationale") == nil ? "Decision \(id) saved without a rationale: flagged until you write why (golden rule 7)."
                                                 : "Decision \(id) recorded.")
                return
            } catch let problem as FormProblem {
                let asked = Walkthrough.steps.lazy.compactMap { s in Walkthrough.fields(step: s, v, case: c).first { $0.id == problem.field } }
                guard let field = asked.first else {
                    say("Not saved: \(problem.message).")
                    return
                }
                say("Not saved yet: \(field.label): \(problem.message).")
                v[field.id] = try answer(field, current: v[field.id])
            } catch let e as StoreError {
                say("Not saved: \(e.description)")
                return
            }
        }
    }

    /// A step's title, its reminder and where the guidance says so, before its questions.
    func guide(_ step: WalkthroughStep) {
        say()
        guard let text = guidance.step(step.rawValue) else { return }
        say("Step \(text.number) of \(Walkthrough.steps.count) · \(text.title)")
        say("\(text.reminder) (Source: \(text.source))")
    }

    // MARK: The manager's review

    func reviewMenu() throws {
        while true {
            let items = try store.reviewQueue(FlagQuery(on: today), by: user.name)
            say()
            say("Review queue: \(items.count)")
            for (i, e) in items.prefix(50).enumerated() {
                say("  \(i + 1)  [\(e.flag.severity.rawValue)] \(e.flag.caseId)/\(e.flag.recordId) \(e.flag.rule): \(e.flag.message)")
            }
            let a = try ask("Choose: a number to accept or return that flag, b back.")
            if a.lowercased() == "b" || a.lowercased() == "q" { return }
            guard let n = Int(a), n >= 1, n <= min(50, items.count) else { continue }
            let flag = items[n - 1].flag
            let act = try ask("a accept it (the record is right as it is), r return it to the practitioner, Enter to leave it.")
            let action: ReviewAction
            switch act.lowercased() {
            case "a": action = .accepted
            case "r": action = .returned
            default: continue
            }
            let note = try ask("Your note (kept with the review; the practitioner sees it)")
            do {
                _ = try store.review(ReviewRequest(caseId: flag.caseId, action: action, recordId: flag.recordId, rule: flag.rule, note: note),
                                     by: user.name)
                say(action == .accepted ? "Accepted." : "Returned to the practitioner.")
            } catch {
                say("Not recorded: \(error.description)")
            }
        }
    }
}
