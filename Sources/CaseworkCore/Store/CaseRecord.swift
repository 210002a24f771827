import Foundation

/// The kinds of record a case holds; each is versioned on its own.
public enum RecordKind: String, CaseFileEnum {
    case `case`, person, episode, note, concern, consent, decision, disclosure, review
}

/// The case's own fields, without the records: what the `case` record holds.
public struct CaseHeader: Codable, Hashable, Sendable {
    public var id: String
    public var title: String
    public var opened: Day
    public var closed: Day?
    public var worker: String
    public var team: String?
    public var retentionReviewBy: Day?
    public var careOrder: Bool
    public var careOrderFrom: Day?
    public var child: Child

    public init(_ c: Case) {
        id = c.id; title = c.title; opened = c.opened; closed = c.closed; worker = c.worker
        team = c.team; retentionReviewBy = c.retentionReviewBy; careOrder = c.careOrder; careOrderFrom = c.careOrderFrom; child = c.child
    }
}

/// One amend-only unit of a case: the header or a single record.
public enum CaseRecord: Hashable, Sendable {
    case header(CaseHeader)
    case person(Person)
    case episode(Episode)
    case note(CaseNote)
    case concern(Concern)
    case consent(Consent)
    case decision(SharingDecision)
    case disclosure(Disclosure)
    case review(Review)

    public var kind: RecordKind {
        switch self {
        case .header: .case
        case .person: .person
        case .episode: .episode
        case .note: .note
        case .concern: .concern
        case .consent: .consent
        case .decision: .decision
        case .disclosure: .disclosure
        case .review: .review
        }
    }

    public var id: String {
        switch self {
        case .header(let r): r.id
        case .person(let r): r.id
        case .episode(let r): r.id
        case .note(let r): r.id
        case .concern(let r): r.id
        case .consent(let r): r.id
        case .decision(let r): r.id
        case .disclosure(let r): r.id
        case .review(let r): r.id
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// The record as stored: canonical JSON (sorted keys), so equal records have equal bodies.
    public func body() -> String {
        let data: Data?
        switch self {
        case .header(let r): data = try? Self.encoder.encode(r)
        case .person(let r): data = try? Self.encoder.encode(r)
        case .episode(let r): data = try? Self.encoder.encode(r)
        case .note(let r): data = try? Self.encoder.encode(r)
        case .concern(let r): data = try? Self.encoder.encode(r)
        case .consent(let r): data = try? Self.encoder.encode(r)
        case .decision(let r): data = try? Self.encoder.encode(r)
        case .disclosure(let r): data = try? Self.encoder.encode(r)
        case .review(let r): data = try? Self.encoder.encode(r)
        }
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    /// Reads a stored body of `kind` (trusted: written by this program):
    /// with `StoredJSON`, and with Foundation's `JSONDecoder` whenever that refuses it.
    public static func decode(kind: RecordKind, body: String) throws -> CaseRecord {
        var body = body
        return try body.withUTF8 { bytes in try decode(kind: kind, utf8: bytes) }
    }

    /// The same, from the body's UTF-8 where the database holds it: no `String` is made of the body
    /// unless `StoredJSON` refuses it and `JSONDecoder` takes over.
    public static func decode(kind: RecordKind, utf8 body: UnsafeBufferPointer<UInt8>) throws -> CaseRecord {
        struct Stored: BodyDecoder {
            let body: UnsafeBufferPointer<UInt8>
            func decode<T: Decodable>(_ type: T.Type) throws -> T {
                if let value = try? StoredJSON.decode(T.self, utf8: body) { return value }
                return try JSONDecoder().decode(T.self, from: Data(String(decoding: body, as: UTF8.self).utf8))
            }
        }
        return try record(kind, from: Stored(body: body))
    }

    /// Reads one stored row (its kind as stored, and body); a kind this program does not know is refused.
    static func decode(_ row: (kind: String, body: String)) throws -> CaseRecord {
        guard let kind = RecordKind(rawValue: row.kind) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "kind"))
        }
        return try decode(kind: kind, body: row.body)
    }

    /// Decodes a case's stored records (kind and body, in order).
    public static func decodeAll(_ rows: [(kind: String, body: String)]) throws -> [CaseRecord] {
        try rows.map(decode)
    }

    /// A case straight from its stored records (kind and body, in order), as
    /// `Case(records: decodeAll(rows))` gives it but without the list of records
    /// between; nil without a header.
    public static func decodeCase(_ rows: [(kind: String, body: String)]) throws -> Case? {
        var built = StoredCase()
        for row in rows { built.add(try decode(row)) }
        return built.finished
    }

    /// Reads one record of `kind` in case-file JSON (as `casework amend` takes it), strictly.
    public static func decodeStrict(kind: RecordKind, json data: Data) throws(CaseFileError) -> CaseRecord {
        struct Strict: BodyDecoder {
            let data: Data
            func decode<T: Decodable>(_ type: T.Type) throws(CaseFileError) -> T { try CaseFileCodec.strict(T.self, data) }
        }
        return try record(kind, from: Strict(data: data))
    }

    /// Reads a record's body as the type its kind names, in whatever way `body` reads JSON.
    /// The one place a kind is tied to its type.
    static func record<D: BodyDecoder>(_ kind: RecordKind, from body: D) throws(D.Failure) -> CaseRecord {
        switch kind {
        case .case: .header(try body.decode(CaseHeader.self))
        case .person: .person(try body.decode(Person.self))
        case .episode: .episode(try body.decode(Episode.self))
        case .note: .note(try body.decode(CaseNote.self))
        case .concern: .concern(try body.decode(Concern.self))
        case .consent: .consent(try body.decode(Consent.self))
        case .decision: .decision(try body.decode(SharingDecision.self))
        case .disclosure: .disclosure(try body.decode(Disclosure.self))
        case .review: .review(try body.decode(Review.self))
        }
    }
}

/// Reads one record body as a given type: from stored JSON, strictly from a
/// case file, or from inside a larger document.
protocol BodyDecoder {
    associatedtype Failure: Error
    func decode<T: Decodable>(_ type: T.Type) throws(Failure) -> T
}

extension Case {
    /// Every record of the case, header first, each list in its order.
    public var records: [CaseRecord] {
        [.header(CaseHeader(self))] + people.map(CaseRecord.person) + episodes.map(CaseRecord.episode)
            + notes.map(CaseRecord.note) + concerns.map(CaseRecord.concern) + consents.map(CaseRecord.consent)
            + decisions.map(CaseRecord.decision) + disclosures.map(CaseRecord.disclosure) + reviews.map(CaseRecord.review)
    }

    /// Rebuilds a case from its records (header required), keeping their order.
    public init?(records: [CaseRecord]) {
        guard case .header(let h)? = records.first(where: { $0.kind == .case }) else { return nil }
        self.init(id: h.id, title: h.title, opened: h.opened, worker: h.worker, child: h.child)
        header = h
        for r in records { append(r) }
    }

    /// The case's own fields, as its `case` record holds them.
    var header: CaseHeader {
        get { CaseHeader(self) }
        set {
            id = newValue.id; title = newValue.title; opened = newValue.opened; closed = newValue.closed; worker = newValue.worker
            team = newValue.team; retentionReviewBy = newValue.retentionReviewBy; careOrder = newValue.careOrder
            careOrderFrom = newValue.careOrderFrom; child = newValue.child
        }
    }

    /// Puts a record at the end of its kind's list (a header is not a list's, and is left alone).
    mutating func append(_ r: consuming CaseRecord) {
        switch consume r {
        case .header: break
        case .person(let x): people.append(x)
        case .episode(let x): episodes.append(x)
        case .note(let x): notes.append(x)
        case .concern(let x): concerns.append(x)
        case .consent(let x): consents.append(x)
        case .decision(let x): decisions.append(x)
        case .disclosure(let x): disclosures.append(x)
        case .review(let x): reviews.append(x)
        }
    }

    /// The case with `record` put in place of the one with the same id, or added.
    public func replacing(_ record: CaseRecord) -> Case {
        var list = records
        if let i = list.firstIndex(where: { $0.id == record.id }) { list[i] = record } else { list.append(record) }
        return Case(records: list) ?? self
    }
}

/// A case put together from its stored records one at a time, in their order (the first header
/// is the case's own), each moved straight into its kind's list: for readers that decode each
/// record where the database holds it and keep no list of records between.
public struct StoredCase {
    var header: CaseHeader?
    var c = Case(id: "", title: "", opened: Day(ordinal: 0), worker: "", child: Child(name: ""))

    public init() {}

    /// Decodes a stored body of `kind` and adds it.
    public mutating func add(kind: RecordKind, utf8 body: UnsafeBufferPointer<UInt8>) throws {
        add(try CaseRecord.decode(kind: kind, utf8: body))
    }

    mutating func add(_ record: consuming CaseRecord) {
        if case .header(let h) = record { header = header ?? h } else { c.append(record) }
    }

    /// The case, or nil if no header was added.
    public var finished: Case? {
        guard let header else { return nil }
        var c = c
        c.header = header
        return c
    }
}
