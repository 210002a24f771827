import CLibPQ
import CaseworkCore
import Foundation
import TerminalKit

/// What the server said when it refused a statement: its SQLSTATE and first line.
struct PGError: Error, CustomStringConvertible {
    var sqlState: String
    var message: String
    var description: String { "\(sqlState): \(message)" }
}

/// The rows a statement returned, as text (libpq's text format), by position.
struct PGRows: Sequence {
    var columns: [String]
    var rows: [[String?]]

    var count: Int { rows.count }
    var first: [String?]? { rows.first }
    func makeIterator() -> IndexingIterator<[[String?]]> { rows.makeIterator() }

    /// The first column of the first row, if any.
    var scalar: String? { rows.first?.first ?? nil }
}

/// One libpq connection, synchronous, used by one thread at a time. libpq
/// reads the address the usual way: URIs, `PGHOST`/`PGSERVICE`,
/// `pg_service.conf`, `.pgpass`, `sslmode`.
final class PGConnection {
    private let conn: OpaquePointer
    /// Given every statement with its parameters inlined as literals, only when
    /// set: for benchmarks that replay the same SQL in psql, never for logs.
    var trace: ((String) -> Void)?
    /// The server process that LISTENs for other sessions' writes (0: not listening).
    private var listeningPid: Int32 = 0

    init(_ conninfo: String) throws(StoreError) {
        guard let c = PQconnectdb(conninfo) else { throw .storage("cannot reach the team store (out of memory)") }
        guard PQstatus(c) == CONNECTION_OK else {
            let why = Self.firstLine(String(cString: PQerrorMessage(c)))
            PQfinish(c)
            throw .storage("cannot connect to the team store: \(Sanitiser.clean(why))")
        }
        cw_silence_notices(c)
        Self.configure(c)
        conn = c
    }

    /// Session settings every connection runs with. JIT compilation is off: the store's statements are
    /// short, and a page query steered onto its index (`walkingIndex`) carries a cost high enough to be
    /// compiled, which took 90–390 ms of a 1 ms query at a million cases.
    static let sessionSettings = "SET jit = off"

    private static func configure(_ c: OpaquePointer) {
        if let r = PQexec(c, sessionSettings) { PQclear(r) }
    }

    deinit { PQfinish(conn) }

    /// After the server restarted or the network dropped, connects again with the same settings.
    func reconnectIfNeeded() {
        if PQstatus(conn) != CONNECTION_OK {
            PQreset(conn)
            if PQstatus(conn) == CONNECTION_OK { Self.configure(conn) }
        }
    }

    static func firstLine(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return String(trimmed.split(separator: "\n", omittingEmptySubsequences: true).first ?? Substring(trimmed))
    }

    /// The role this connection was authenticated as, by the server.
    func sessionUser() throws(PGError) -> String {
        try query("SELECT session_user").scalar ?? ""
    }

    /// Runs one statement with `$1…` parameters (text), returning its rows.
    @discardableResult
    func query(_ sql: String, _ params: [String?] = []) throws(PGError) -> PGRows {
        if let trace {
            var text = sql
            for (i, p) in params.enumerated().reversed() { text = text.replacingOccurrences(of: "$\(i + 1)", with: p.map(literal) ?? "NULL") }
            trace(text)
        }
        let copies = params.map { $0.map { strdup($0) } ?? nil }
        defer { for p in copies { free(p) } }
        let result: OpaquePointer? = copies.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                PQexecParams(conn, sql, Int32(params.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        return try Self.collect(result, conn)
    }

    /// Whether another session sent a notification on `channel` since the last call. The first call
    /// (and the first after a reconnection) starts listening and answers false.
    func notifiedByOthers(_ channel: String) throws(PGError) -> Bool {
        if listeningPid != PQbackendPID(conn) {
            _ = try query("LISTEN \(channel)")
            listeningPid = PQbackendPID(conn)
            while let n = PQnotifies(conn) { PQfreemem(n) }
            return false
        }
        guard PQconsumeInput(conn) == 1 else {
            throw PGError(sqlState: "08006", message: Self.firstLine(String(cString: PQerrorMessage(conn))))
        }
        var others = false
        while let n = PQnotifies(conn) {
            if n.pointee.be_pid != listeningPid { others = true }
            PQfreemem(n)
        }
        return others
    }

    /// Runs several statements with no parameters (a schema script).
    func execute(_ script: String) throws(PGError) {
        _ = try Self.collect(PQexec(conn, script), conn)
    }

    private static func collect(_ result: OpaquePointer?, _ conn: OpaquePointer, expectCopy: Bool = false) throws(PGError) -> PGRows {
        guard let result else {
            throw PGError(sqlState: "08006", message: firstLine(String(cString: PQerrorMessage(conn))))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COPY_IN where expectCopy:
            return PGRows(columns: [], rows: [])
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PGRows(columns: [], rows: [])
        case PGRES_TUPLES_OK:
            let n = PQntuples(result), m = PQnfields(result)
            let columns = (0..<m).map { String(cString: PQfname(result, $0)) }
            var rows: [[String?]] = []
            rows.reserveCapacity(Int(n))
            for i in 0..<n {
                var row: [String?] = []
                row.reserveCapacity(Int(m))
                for j in 0..<m {
                    row.append(PQgetisnull(result, i, j) == 1 ? nil : String(cString: PQgetvalue(result, i, j)))
                }
                rows.append(row)
            }
            return PGRows(columns: columns, rows: rows)
        default:
            let state = PQresultErrorField(result, cw_diag_sqlstate()).map { String(cString: $0) } ?? "XX000"
            let message = PQresultErrorField(result, cw_diag_message()).map { String(cString: $0) }
                ?? firstLine(String(cString: PQerrorMessage(conn)))
            throw PGError(sqlState: state, message: message)
        }
    }

    /// Sends rows to `COPY table (columns) FROM STDIN` in the text format,
    /// far faster than one INSERT each; `produce` calls its argument once a row.
    func copy(_ table: String, _ columns: [String], _ produce: (_ row: ([String?]) throws -> Void) throws -> Void) throws {
        _ = try Self.collect(PQexec(conn, "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"), conn, expectCopy: true)
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.utf8CString.withUnsafeBufferPointer { PQputCopyData(conn, $0.baseAddress, Int32($0.count - 1)) }
            buffer.removeAll(keepingCapacity: true)
            guard sent == 1 else { throw PGError(sqlState: "08006", message: Self.firstLine(String(cString: PQerrorMessage(conn)))) }
        }
        do {
            try produce { row in
                for (i, v) in row.enumerated() {
                    if i > 0 { buffer += "\t" }
                    guard let v else { buffer += "\\N"; continue }
                    if !v.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { buffer += v; continue }
                    for ch in v.unicodeScalars {
                        switch ch {
                        case "\\": buffer += "\\\\"
                        case "\t": buffer += "\\t"
                        case "\n": buffer += "\\n"
                        case "\r": buffer += "\\r"
                        default: buffer.unicodeScalars.append(ch)
                        }
                    }
                }
                buffer += "\n"
                if buffer.utf8.count > 1 << 20 { try flush() }
            }
            try flush()
        } catch {
            _ = PQputCopyEnd(conn, "aborted")
            while let r = PQgetResult(conn) { PQclear(r) }
            throw error
        }
        guard PQputCopyEnd(conn, nil) == 1 else { throw PGError(sqlState: "08006", message: Self.firstLine(String(cString: PQerrorMessage(conn)))) }
        var failure: PGError?
        while let r = PQgetResult(conn) {
            do { _ = try Self.collect(r, conn) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// `value` as a string literal, for the few statements that cannot take
    /// parameters (CREATE ROLE and GRANT name roles, not values).
    func literal(_ value: String) -> String {
        guard let p = PQescapeLiteral(conn, value, value.utf8.count) else { return "''" }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    func identifier(_ value: String) -> String {
        guard let p = PQescapeIdentifier(conn, value, value.utf8.count) else { return "\"\"" }
        defer { PQfreemem(p) }
        return String(cString: p)
    }
}
