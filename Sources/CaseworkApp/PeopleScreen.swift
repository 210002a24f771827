import CaseworkCore
import TerminalKit

/// Who may use the store, their roles and teams, as the person who manages them sees it.
public struct PeopleState: Sendable {
    public var people: [User]?
    public var selected = 0
    /// A change being typed on the bottom line, or a removal being confirmed.
    public var prompt: PeoplePrompt?
}

/// A change to the people being asked for on the bottom line.
public struct PeoplePrompt: Sendable {
    public enum Kind: Sendable, Equatable { case add, remove(String), role(String), teams(String) }
    public var kind: Kind
    public var text: TextBuffer

    var label: String {
        switch kind {
        case .add: "Add: name, role (worker, manager, admin), then teams after a comma, e.g. sam.t worker, Early Help North: "
        case .remove(let name): "Remove \(name)? They lose Casework; their records keep their name. y removes; any other key keeps them."
        case .role(let name): "New role for \(name) (worker, manager, admin): "
        case .teams(let name): "Teams for \(name), separated by commas (empty: no team): "
        }
    }
}

/// One change to a user, as the store is asked to make it.
public enum PeopleChange: Sendable, Equatable {
    case add(User), remove(String), role(String, Role), teams(String, [String])

    /// What the status line says once the store made it.
    var done: String {
        switch self {
        case .add(let u): "Added \(u.name) as \(u.role.inWords)"
        case .remove(let name): "Removed \(name)"
        case .role(let name, let role): "\(name) is now \(role.inWords)"
        case .teams(let name, let teams): "\(name) is now in \(teams.isEmpty ? "no team" : teams.joined(separator: ", "))"
        }
    }
}

enum PeopleAction: Hashable, Sendable { case move(Movement), add, remove, role, teams, back, help }

let peopleKeys = KeyMap<PeopleAction>(moving: PeopleAction.move, [
    KeyBinding([.char("a")], .add, "Add someone: name, role and teams", hint: "add"),
    KeyBinding([.char("x")], .remove, "Remove the selected person (asks first)", hint: "remove"),
    KeyBinding([.char("r")], .role, "Change the selected person's role", hint: "role"),
    KeyBinding([.char("t")], .teams, "Set the selected person's teams", hint: "teams"),
    KeyBinding([.escape, .char("q")], .back, "Back", hint: "back"),
    KeyBinding([.char("?")], .help, "Help", hint: "help"),
])

/// The people and teams screen (`U` on the case list): for a manager on the single-user store and the
/// administrator on the team store. The store decides; a refusal is said on the status line.
enum PeopleScreen {
    static func update(_ s: AppState, _ p: inout PeopleState, _ key: Key) -> [Effect] {
        if let prompt = p.prompt { return answer(&p, prompt, key) }
        guard let action = peopleKeys.action(for: key) else { return [] }
        let people = p.people ?? []
        let chosen = p.selected < people.count ? people[p.selected] : nil
        switch action {
        case .move(let m): p.selected = Selection.moved(p.selected, m, count: people.count, page: max(1, s.size.height - 7))
        case .add: p.prompt = PeoplePrompt(kind: .add, text: TextBuffer())
        case .remove:
            guard let chosen else { return [] }
            p.prompt = PeoplePrompt(kind: .remove(chosen.name), text: TextBuffer())
        case .role:
            guard let chosen else { return [] }
            p.prompt = PeoplePrompt(kind: .role(chosen.name), text: TextBuffer())
        case .teams:
            guard let chosen else { return [] }
            p.prompt = PeoplePrompt(kind: .teams(chosen.name), text: TextBuffer(chosen.teams.joined(separator: ", ")))
        case .back: return [.pop]
        case .help: return [.showHelp]
        }
        return []
    }

    /// A key while a prompt is open: Esc (or anything but y on a removal) closes it, Enter asks the store.
    static func answer(_ p: inout PeopleState, _ prompt: PeoplePrompt, _ key: Key) -> [Effect] {
        if case .remove(let name) = prompt.kind {
            p.prompt = nil
            return key == .char("y") ? [.changePeople(.remove(name))] : [.say(Message("Kept: nothing was changed."))]
        }
        switch key {
        case .escape: p.prompt = nil
        case .enter:
            switch change(prompt) {
            case .success(let c): return [.changePeople(c)]
            case .failure(let problem): return [.say(Message(problem.text, isError: true))]
            }
        default:
            var edited = prompt
            edited.text.handle(key, width: 200)
            p.prompt = edited
        }
        return []
    }

    /// Why typed text is not a change the store could make.
    struct Problem: Error { var text: String }

    static func change(_ prompt: PeoplePrompt) -> Result<PeopleChange, Problem> {
        let typed = prompt.text.text
        func teams(_ text: Substring) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func role(_ text: Substring) -> Result<Role, Problem> {
            Role(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()).map { .success($0) }
                ?? .failure(Problem(text: "The role is worker, manager or admin"))
        }
        switch prompt.kind {
        case .add:
            let parts = typed.split(separator: ",", maxSplits: 1)
            let head = (parts.first ?? "").split(separator: " ", omittingEmptySubsequences: true)
            guard head.count == 2 else { return .failure(Problem(text: "Type the name and the role, e.g. sam.t worker, then teams after a comma")) }
            return role(head[1]).map { .add(User(name: String(head[0]), role: $0, teams: parts.count > 1 ? teams(parts[1]) : [])) }
        case .role(let name): return role(Substring(typed)).map { .role(name, $0) }
        case .teams(let name): return .success(.teams(name, teams(Substring(typed))))
        case .remove(let name): return .success(.remove(name))
        }
    }

    static func view(_ s: AppState, _ p: PeopleState) -> Frame {
        var f = Chrome.frame(s, title: "People and teams", hints: peopleKeys.hintLine)
        guard let people = p.people else {
            f.put("Loading…", x: 2, y: 2)
            return f
        }
        let w = s.size.width
        let teams = Set(people.flatMap(\.teams)).count
        f.put("\(people.count) \(people.count == 1 ? "person" : "people") in \(teams) \(teams == 1 ? "team" : "teams")", x: 1, y: 1, width: w - 2, style: .bold)
        f.put(padded("USER", 20) + padded("ROLE", 10) + "TEAMS", x: 2, y: 2, width: w - 3, style: .dim)
        let rows = max(1, s.size.height - 7)
        let first = Selection.firstShown(p.selected, count: people.count, rows: rows)
        for (i, u) in people.enumerated().dropFirst(first).prefix(rows) {
            let y = 3 + i - first
            let line = padded(u.name, 19) + " " + padded(u.role.rawValue, 10) + (u.teams.isEmpty ? "(no team)" : u.teams.joined(separator: ", "))
            f.put(line, x: 2, y: y, width: w - 3, style: i == p.selected ? .selected : .plain)
            if i == p.selected { f.cursor = Point(x: 2, y: y) }
        }
        if let prompt = p.prompt { draw(&f, s, prompt) }
        return f
    }

    /// The prompt over the bottom lines: its question, then what is typed.
    static func draw(_ f: inout Frame, _ s: AppState, _ prompt: PeoplePrompt) {
        let y = s.size.height - 2, w = s.size.width
        let top = Chrome.aboveKeys(&f, s, Array(Wrap.lines(prompt.label.trimmingCharacters(in: .whitespaces), width: max(1, w - 2)).prefix(2)))
        // A refusal is said above the question, the typed text kept below it to correct.
        if let m = s.message, m.isError {
            f.fill(y: top - 1, style: .plain)
            f.put("! " + m.text, x: 1, y: top - 1, width: w - 2, style: Style(bold: true, tone: .missing))
        }
        Chrome.keyLine(&f, s)
        if case .remove = prompt.kind { return }
        let used = f.put("> ", x: 1, y: y, style: .bold)
        f.put(prompt.text.text, x: 1 + used, y: y, width: max(1, w - 2 - used))
        f.cursor = Point(x: min(w - 1, 1 + used + prompt.text.cursorPosition(width: 10_000).column), y: y)
    }
}
