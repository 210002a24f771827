import CaseworkCore
import TerminalKit

/// One option of a choice field.
public struct Choice: Hashable, Sendable {
    public var value: String
    public var label: String
    public init(_ value: String, _ label: String? = nil) { self.value = value; self.label = label ?? value }
}

/// What a field holds and how it is edited.
public enum FieldKind: Hashable, Sendable {
    case text
    /// Several lines; `rows` is the height shown.
    case multiline(rows: Int)
    case choice([Choice])
    /// YYYY-MM-DD
    case date
    /// A moment as people type it: "10:05", "yesterday 16:30", "14/3 9:00" (`LocalTime`).
    case time
    /// Text shown, not edited (the child's age, a summary).
    case info(String)

    public var isText: Bool {
        switch self {
        case .text, .multiline, .date, .time: true
        default: false
        }
    }
}

/// One question on a form.
public struct Field: Hashable, Sendable {
    public var id: String
    public var label: String
    public var kind: FieldKind
    public var hint: String?
    /// The part of the record this field fills: a flag naming it jumps here.
    public var clears: RecordField?

    public init(_ id: String, _ label: String, _ kind: FieldKind = .text, hint: String? = nil, clears: RecordField? = nil) {
        self.id = id; self.label = label; self.kind = kind; self.hint = hint; self.clears = clears
    }

    static func yesNo(_ id: String, _ label: String, hint: String? = nil, clears: RecordField? = nil) -> Field {
        Field(id, label, .choice([Choice("yes"), Choice("no")]), hint: hint, clears: clears)
    }

    static func options<E: CaseFileEnum>(_ id: String, _ label: String, _ type: E.Type, hint: String? = nil, clears: RecordField? = nil) -> Field {
        Field(id, label, .choice(E.allCases.map { Choice($0.rawValue, $0.rawValue.replacingOccurrences(of: "-", with: " ")) }), hint: hint, clears: clears)
    }
}

/// Why a form could not be saved: the field at fault and what to do.
public struct FormProblem: Error, Hashable, Sendable {
    public var field: String
    public var message: String
    public init(_ field: String, _ message: String) { self.field = field; self.message = message }
}

/// The typed values of a form, by field id. Everything is text; lists are one item per line.
public typealias FormValues = [String: String]

extension FormValues {
    func text(_ id: String) -> String? {
        guard let v = self[id], !v.isBlank else { return nil }
        return v.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func bool(_ id: String) -> Bool? {
        switch self[id] {
        case "yes": true
        case "no": false
        default: nil
        }
    }

    func lines(_ id: String) -> [String] {
        (self[id] ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func required(_ id: String, _ what: String) throws(FormProblem) -> String {
        guard let v = text(id) else { throw FormProblem(id, "\(what) is needed") }
        return v
    }

    func day(_ id: String) throws(FormProblem) -> Day? {
        guard let t = text(id) else { return nil }
        guard let d = Day(t) else { throw FormProblem(id, "write the date as YYYY-MM-DD, e.g. 2026-03-02") }
        return d
    }

    /// A time as typed ("10:05", "yesterday 16:30", "14/3 9:00", …) in the form's zone.
    func time(_ id: String, _ ctx: FormContext) throws(FormProblem) -> Timestamp? {
        guard let t = text(id) else { return nil }
        if let ts = ctx.zone.parse(t, now: ctx.now) { return ts }
        throw FormProblem(id, Self.timeHelp)
    }

    static let timeHelp = "write the time as people say it: 10:05, yesterday 16:30, 14/3 9:00 or 14/3/2026 9:00 (empty for now)"

    func choice<E: CaseFileEnum>(_ id: String, _ type: E.Type) -> E? { self[id].flatMap { E(rawValue: $0) } }
}

func yesNo(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "" }
func joined(_ list: [String]) -> String { list.joined(separator: "\n") }

/// The next free id with `prefix` in the case (N3 after N1, N2).
func nextId(_ prefix: String, in c: Case?) -> String { c?.nextId(prefix) ?? "\(prefix)1" }

/// Shared items format: one per line, "fact:", "opinion:" or "historical:" in front (or f:, o:, h:).
enum ItemsText {
    static func parse(_ text: String) -> [SharedItem] {
        text.split(separator: "\n").compactMap { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { return nil }
            for (prefixes, kind) in [(["fact:", "f:"], ItemKind.fact), (["opinion:", "o:"], .opinion), (["historical:", "h:"], .historical)] {
                for p in prefixes where line.lowercased().hasPrefix(p) {
                    return SharedItem(text: line.dropFirst(p.count).trimmingCharacters(in: .whitespaces), kind: kind)
                }
            }
            return SharedItem(text: line, kind: nil)
        }
    }

    static func format(_ items: [SharedItem]) -> String {
        items.map { ($0.kind.map { "\($0.rawValue): " } ?? "") + $0.text }.joined(separator: "\n")
    }
}
