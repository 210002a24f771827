import CaseworkCore

/// What building a record from a form knows besides the answers.
struct FormContext {
    var `case`: Case?
    /// Who is filling it in, and their first team (a new case's, unless the form says another).
    var user: String
    var team: String? = nil
    var now: Timestamp
    /// The zone times are shown and typed in.
    var zone: LocalTime
}

/// How a field's text becomes a value of the record and back: the one place a field's
/// conversion, and what its problem says, is written.
struct Converter<V> {
    let read: (V, FormContext) -> String
    let write: (FormValues, String, FormContext) throws(FormProblem) -> V
    /// Text left as the record's value reads keeps that value exactly: a time shown to the minute
    /// in local time keeps its seconds and the offset it was written with.
    var keepsUnchanged = false

    init(read: @escaping (V, FormContext) -> String, write: @escaping (FormValues, String, FormContext) throws(FormProblem) -> V,
         keepsUnchanged: Bool = false) {
        self.read = read; self.write = write; self.keepsUnchanged = keepsUnchanged
    }

    /// A conversion whose text does not depend on the time zone.
    init(read: @escaping (V) -> String, write: @escaping (FormValues, String, FormContext) throws(FormProblem) -> V) {
        self.read = { v, _ in read(v) }; self.write = write
    }
}

extension Converter where V == String? {
    static var text: Self { Self(read: { $0 ?? "" }, write: { v, id, _ in v.text(id) }) }

    /// A new case's id, required and in the form case files allow.
    static var caseId: Self {
        Self(read: { $0 ?? "" }, write: { v, id, _ throws(FormProblem) in
            let given = try v.required(id, "A case id")
            guard CaseValidation.isValidId(given) else { throw FormProblem(id, "use \(CaseValidation.idRule)") }
            return given
        })
    }
}

extension Converter where V == String {
    static func required(_ what: String) -> Self { Self(read: { $0 }, write: { v, id, _ throws(FormProblem) in try v.required(id, what) }) }
    /// A choice that must be made, held as its value's text.
    static func requiredChoice(_ problem: String) -> Self {
        Self(read: { $0 }, write: { v, id, _ throws(FormProblem) in
            guard let t = v.text(id) else { throw FormProblem(id, problem) }
            return t
        })
    }
}

extension Converter where V == Day? {
    static var day: Self { Self(read: { $0?.description ?? "" }, write: { v, id, _ throws(FormProblem) in try v.day(id) }) }
}

extension Converter where V == Day {
    static func requiredDay(_ problem: String) -> Self {
        Self(read: { $0.description }, write: { v, id, _ throws(FormProblem) in
            guard let d = try v.day(id) else { throw FormProblem(id, problem) }
            return d
        })
    }
}

extension Converter where V == Timestamp {
    /// A time, or now when left empty.
    static var timeOrNow: Self {
        Self(read: { t, ctx in ctx.zone.field(t) }, write: { v, id, ctx throws(FormProblem) in try v.time(id, ctx) ?? ctx.now },
             keepsUnchanged: true)
    }
}

extension Converter where V == Timestamp? {
    static var time: Self {
        Self(read: { t, ctx in t.map(ctx.zone.field) ?? "" }, write: { v, id, ctx throws(FormProblem) in try v.time(id, ctx) },
             keepsUnchanged: true)
    }
}

extension Converter where V == Bool? {
    static var yesNo: Self { Self(read: { CaseworkApp.yesNo($0) }, write: { v, id, _ in v.bool(id) }) }
}

extension Converter where V == Bool {
    static func yesNo(or fallback: Bool) -> Self { Self(read: { CaseworkApp.yesNo($0) }, write: { v, id, _ in v.bool(id) ?? fallback }) }
    static func requiredYesNo(_ problem: String) -> Self {
        Self(read: { CaseworkApp.yesNo($0) }, write: { v, id, _ throws(FormProblem) in
            guard let b = v.bool(id) else { throw FormProblem(id, problem) }
            return b
        })
    }
}

extension Converter where V == [SharedItem] {
    /// One item per line, each starting fact:, opinion: or historical:.
    static var items: Self { Self(read: { ItemsText.format($0) }, write: { v, id, _ in ItemsText.parse(v[id] ?? "") }) }
}

extension Converter where V == [String] {
    /// One item per line.
    static var lines: Self { Self(read: { joined($0) }, write: { v, id, _ in v.lines(id) }) }
}

extension Converter {
    static func choice<E: CaseFileEnum>(_ type: E.Type) -> Converter<E?> {
        Converter<E?>(read: { $0?.rawValue ?? "" }, write: { v, id, _ in v.choice(id, E.self) })
    }

    static func choice<E: CaseFileEnum>(_ type: E.Type, or fallback: E) -> Converter<E> {
        Converter<E>(read: { $0.rawValue }, write: { v, id, _ in v.choice(id, E.self) ?? fallback })
    }

    static func requiredChoice<E: CaseFileEnum>(_ type: E.Type, _ problem: String) -> Converter<E> {
        Converter<E>(read: { $0.rawValue }, write: { v, id, _ throws(FormProblem) in
            guard let e = v.choice(id, E.self) else { throw FormProblem(id, problem) }
            return e
        })
    }
}

/// One question of a form, bound to the part of the record it fills: its label, hint and the flag
/// it clears (`Field`), when it is asked, how its answer is read from and written to the record,
/// and what the record holds when it is not asked.
struct FieldSpec<R> {
    let id: String
    /// The question as shown for the answers so far.
    let make: (FormValues, Case?) -> Field
    /// Whether a new form starts with the new record's value here (a time of now, a usual kind);
    /// otherwise it starts unanswered.
    let fillsNew: Bool
    let asked: (FormValues, Case?) -> Bool
    let read: (R, FormContext) -> String
    let write: (inout R, FormValues, FormContext) throws(FormProblem) -> Void
    let unasked: (inout R) -> Void

    /// A question always asked.
    init<V>(_ field: Field, _ path: WritableKeyPath<R, V>, _ converter: Converter<V>, fillsNew: Bool = false) {
        id = field.id
        make = { _, _ in field }
        self.fillsNew = fillsNew
        asked = { _, _ in true }
        read = { r, ctx in converter.read(r[keyPath: path], ctx) }
        write = { r, v, ctx throws(FormProblem) in
            if converter.keepsUnchanged, (v[field.id] ?? "") == converter.read(r[keyPath: path], ctx) { return }
            r[keyPath: path] = try converter.write(v, field.id, ctx)
        }
        unasked = { _ in }
    }

    /// A question asked only `when` the answers so far call for it; when it is not, the record holds nothing there,
    /// or, with `keepsUnasked`, what it held (a file reference kept when written consent is recorded as verbal).
    init<W>(_ field: Field, _ path: WritableKeyPath<R, W?>, _ converter: Converter<W?>, fillsNew: Bool = false,
            keepsUnasked: Bool = false, when asked: @escaping (FormValues, Case?) -> Bool) {
        id = field.id
        make = { _, _ in field }
        self.fillsNew = fillsNew
        self.asked = asked
        read = { r, ctx in converter.read(r[keyPath: path], ctx) }
        write = { r, v, ctx throws(FormProblem) in
            if converter.keepsUnchanged, (v[field.id] ?? "") == converter.read(r[keyPath: path], ctx) { return }
            r[keyPath: path] = try converter.write(v, field.id, ctx)
        }
        unasked = { r in if !keepsUnasked { r[keyPath: path] = nil } }
    }

    /// A question whose wording or choices follow the answers so far (the consents offered once a
    /// recipient is known), asked only `when` they call for it.
    init<W>(_ id: String, _ make: @escaping (FormValues, Case?) -> Field, _ path: WritableKeyPath<R, W?>, _ converter: Converter<W?>,
            when asked: @escaping (FormValues, Case?) -> Bool = { _, _ in true }) {
        self.id = id
        self.make = make
        fillsNew = false
        self.asked = asked
        read = { r, ctx in converter.read(r[keyPath: path], ctx) }
        write = { r, v, ctx throws(FormProblem) in
            if converter.keepsUnchanged, (v[id] ?? "") == converter.read(r[keyPath: path], ctx) { return }
            r[keyPath: path] = try converter.write(v, id, ctx)
        }
        unasked = { r in r[keyPath: path] = nil }
    }

    /// A question of one part of the record (`path`), as a question of the whole: a form made of others.
    init<Part>(lifting inner: FieldSpec<Part>, at path: WritableKeyPath<R, Part>) {
        id = inner.id
        make = inner.make
        fillsNew = inner.fillsNew
        asked = inner.asked
        read = { r, ctx in inner.read(r[keyPath: path], ctx) }
        write = { r, v, ctx throws(FormProblem) in try inner.write(&r[keyPath: path], v, ctx) }
        unasked = { r in inner.unasked(&r[keyPath: path]) }
    }

    /// Text shown among the questions, worked out from the answers (a child's age); nil shows nothing.
    init(info id: String, _ label: String, _ text: @escaping (FormValues, Case?) -> String?) {
        self.id = id
        make = { v, c in Field(id, label, .info(text(v, c) ?? "")) }
        fillsNew = false
        asked = { v, c in text(v, c) != nil }
        read = { _, _ in "" }
        write = { _, _, _ in }
        unasked = { _ in }
    }
}

/// A form as a list of bound questions: the fields shown, the starting answers and the record built
/// are all derived from it, so adding a question is one line here.
struct FormSpec<R> {
    var fields: [FieldSpec<R>]
    /// A new record before any answer: its id and what a new form starts from.
    var blank: (FormContext) -> R
    /// Checks and settles what spans fields, once each is written.
    var finish: (inout R, FormValues, FormContext) throws(FormProblem) -> Void = { _, _, _ in }

    func shown(_ v: FormValues, _ c: Case?) -> [Field] { fields.filter { $0.asked(v, c) }.map { $0.make(v, c) } }

    /// The answers a form starts with: the record's, or a new record's defaults.
    func values(_ record: R?, _ ctx: FormContext) -> FormValues {
        let r = record ?? blank(ctx)
        let read = fields.filter { record != nil || $0.fillsNew }.map { ($0.id, $0.read(r, ctx)) }
        return Dictionary(read, uniquingKeysWith: { a, _ in a }).filter { !$0.value.isEmpty }
    }

    /// The record the answers make, from the one edited (its other parts kept) or a new one.
    func build(_ v: FormValues, editing record: R?, _ ctx: FormContext) throws(FormProblem) -> R {
        var r = record ?? blank(ctx)
        for f in fields {
            if f.asked(v, ctx.case) { try f.write(&r, v, ctx) } else { f.unasked(&r) }
        }
        try finish(&r, v, ctx)
        return r
    }
}
