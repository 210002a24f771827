import CaseworkCore
import Foundation

/// Reading a stored value that must parse, on either back end. One that does
/// not is a damaged row, said as such (`StoreError.damaged`, never quoting the
/// value), instead of quietly becoming the epoch, `check` or a worker.
enum Stored {
    static func value<T>(_ text: String?, _ parse: (String) -> T?, _ table: String, _ column: String) throws(StoreError) -> T {
        guard let text, let v = parse(text) else { throw StoreError.damaged(table: table, column: column) }
        return v
    }

    /// As `value`, where the column may be NULL.
    static func optional<T>(_ text: String?, _ parse: (String) -> T?, _ table: String, _ column: String) throws(StoreError) -> T? {
        guard let text else { return nil }
        return try value(text, parse, table, column)
    }

    static func day(_ text: String?, _ table: String, _ column: String) throws(StoreError) -> Day { try value(text, Day.init, table, column) }
    static func time(_ text: String?, _ table: String, _ column: String) throws(StoreError) -> Timestamp {
        try value(text, Timestamp.init, table, column)
    }
    static func severity(_ text: String?, _ table: String) throws(StoreError) -> Severity {
        try value(text, Severity.init(rawValue:), table, "severity")
    }
}

extension Array {
    /// The elements in runs of at most `size`, in order: the batches a long list of ids is read or written in.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Case {
    /// A case rebuilt from the records stored under `id`: the row's id is the case's, whatever an
    /// older import left in the header's body (one that kept a hidden case's id there).
    init?(records: [CaseRecord], storedAs id: String) {
        self.init(records: records)
        self.id = id
    }

    /// The same, read straight from the stored rows (kind and body, in order).
    init?(rows: [(kind: String, body: String)], storedAs id: String) throws {
        guard let c = try CaseRecord.decodeCase(rows) else { return nil }
        self = c
        self.id = id
    }
}

/// Stored cases, as read for a recompute or the team report: each case's id and its records' kinds and bodies, in order.
typealias StoredCases = [(id: String, records: [(kind: String, body: String)])]

/// Rows of (case id, kind, body) ordered by case and position, gathered case by case.
func storedCases<Rows: Sequence>(_ rows: Rows, _ fields: (Rows.Element) -> (String, String, String)) -> StoredCases {
    var out: StoredCases = []
    for row in rows {
        let (id, kind, body) = fields(row)
        if out.last?.id != id { out.append((id, [])) }
        out[out.count - 1].records.append((kind, body))
    }
    return out
}
