/// A key press or terminal event, decoded from whatever the terminal sent.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case wordLeft, wordRight
    case function(Int)

    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .wordLeft: "Ctrl-←"
        case .wordRight: "Ctrl-→"
        case .function(let n): "F\(n)"
        }
    }
}

/// What a terminal reports: a key, a new size, or a quiet moment (for saving drafts).
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    case resize(Size)
    case idle
    /// The session is ending (SIGTERM, SIGHUP, ...): keep what was typed and leave.
    case stop
}

/// A key binding that carries its own help, so the help screen is built
/// from the bindings and cannot drift from them.
public struct KeyBinding<Action: Hashable & Sendable>: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String
    /// A word or two for the footer hint line; nil keeps it out of the footer.
    public var hint: String?
    /// How the footer names the keys, when not by the first of them ("↑/↓").
    public var hintKeys: String?

    public init(_ keys: [Key], _ action: Action, _ help: String, hint: String? = nil, hintKeys: String? = nil) {
        self.keys = keys; self.action = action; self.help = help; self.hint = hint; self.hintKeys = hintKeys
    }

    public var label: String { keys.map(\.description).joined(separator: "/") }
}

/// The keys of one screen.
public struct KeyMap<Action: Hashable & Sendable>: Sendable {
    public var bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// The shared movements (`Movement.keys`), as `wrap` names them, then the screen's own bindings;
    /// `hint` names the movements in the footer ("↑/↓ scroll").
    public init(moving wrap: (Movement) -> Action, hint: String? = nil, _ bindings: [KeyBinding<Action>]) {
        self.init(Movement.keys.bindings.map {
            KeyBinding($0.keys, wrap($0.action), $0.help, hint: $0.action == .up ? hint : nil, hintKeys: "↑/↓")
        } + bindings)
    }

    public func action(for key: Key) -> Action? { bindings.first { $0.keys.contains(key) }?.action }

    /// What `key` does now: its action, or, when `disabled` gives a reason the action cannot be
    /// taken (for this user, on this item), that reason to show instead.
    public func press(_ key: Key, disabled: (Action) -> String? = { _ in nil }) -> KeyPress<Action> {
        guard let action = action(for: key) else { return .unbound }
        if let reason = disabled(action) { return .refused(reason) }
        return .act(action)
    }

    /// "label  help" lines for the help overlay; a binding not usable now says why.
    public func helpLines(disabled: (Action) -> String? = { _ in nil }) -> [String] {
        let width = bindings.map { DisplayWidth.of($0.label) }.max() ?? 0
        return bindings.map { b in
            b.label + String(repeating: " ", count: max(1, width - DisplayWidth.of(b.label) + 2)) + b.help
                + (disabled(b.action).map { " (not now: \($0.prefix(1).lowercased() + $0.dropFirst()))" } ?? "")
        }
    }

    public var helpLines: [String] { helpLines() }

    /// The short footer line, e.g. "Enter open  / search  ? help", of the bindings usable now.
    public func hintLine(disabled: (Action) -> String? = { _ in nil }) -> String {
        bindings.compactMap { b in disabled(b.action) != nil ? nil : b.hint.map { "\(b.hintKeys ?? b.keys.first.map(\.description) ?? "") \($0)" } }
            .joined(separator: "  ")
    }

    public var hintLine: String { hintLine() }
}

/// What a key press comes to on a screen.
public enum KeyPress<Action: Sendable>: Sendable {
    case act(Action)
    /// Bound, but not usable now; the reason is for the status line.
    case refused(String)
    case unbound
}


/// Where frames go and keys come from: curses in the product, a fake in tests.
public protocol Terminal: AnyObject {
    var size: Size { get }
    func present(_ frame: Frame)
    /// The next event, or `.idle` after a quiet moment.
    func nextEvent() -> TerminalEvent
}
