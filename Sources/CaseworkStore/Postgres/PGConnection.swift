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

/// libpq, loaded by the first connection (`CLibPQ`): read only by a connection, so only once loaded.
private var pq: cw_libpq {
    var why: UnsafePointer<CChar>?
    return cw_libpq_load(&why)!.pointee
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
        var why: UnsafePointer<CChar>?
        guard let loaded = cw_libpq_load(&why) else {
            let said = why.map { String(cString: $0) } ?? ""
            throw .storage("cannot open a team store: the PostgreSQL client library did not load (\(Sanitiser.clean(said))); install libpq5")
        }
        let pq = loaded.pointee
        guard let c = pq.PQconnectdb(conninfo) else { throw .storage("cannot reach the team store (out of memory)") }
        guard pq.PQstatus(c) == CONNECTION_OK else {
            let why = Self.firstLine(Self.errorText(c))
            pq.PQfinish(c)
            throw .storage("cannot connect to the team store: \(Sanitiser.clean(why))")
        }
        cw_silence_notices(loaded, c)
        Self.configure(c)
        conn = c
    }

    /// Session settings every connection runs with. JIT compilation is off: the store's statements are
    /// short, and a page query steered onto its index (`walkingIndex`) carries a cost high enough to be
    /// compiled, which took 90–390 ms of a 1 ms query at a million cases.
    static let sessionSettings = "SET jit = off"

    private static func configure(_ c: OpaquePointer) {
        if let r = pq.PQexec(c, sessionSettings) { pq.PQclear(r) }
    }

    deinit { pq.PQfinish(conn) }

    /// After the server restarted or the network dropped, connects again with the same settings.
    func reconnectIfNeeded() {
        if pq.PQstatus(conn) != CONNECTION_OK {
            pq.PQreset(conn)
            if pq.PQstatus(conn) == CONNECTION_OK { Self.configure(conn) }
        }
    }

    /// What libpq last said of the connection.
    static func errorText(_ c: OpaquePointer) -> String { pq.PQerrorMessage(c).map { String(cString: $0) } ?? "" }

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
                pq.PQexecParams(conn, sql, Int32(params.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        return try Self.collect(result, conn)
    }

    /// Whether another session sent a notification on `channel` since the last call. The first call
    /// (and the first after a reconnection) starts listening and answers false.
    func notifiedByOthers(_ channel: String) throws(PGError) -> Bool {
        if listeningPid != pq.PQbackendPID(conn) {
            _ = try query("LISTEN \(channel)")
            listeningPid = pq.PQbackendPID(conn)
            while let n = pq.PQnotifies(conn) { pq.PQfreemem(n) }
            return false
        }
        guard pq.PQconsumeInput(conn) == 1 else {
            throw PGError(sqlState: "08006", message: Self.firstLine(Self.errorText(conn)))
        }
        var others = false
        while let n = pq.PQnotifies(conn) {
            if n.pointee.be_pid != listeningPid { others = true }
            pq.PQfreemem(n)
        }
        return others
    }

    /// Runs several statements with no parameters (a schema script).
    func execute(_ script: String) throws(PGError) {
        _ = try Self.collect(pq.PQexec(conn, script), conn)
    }

    private static func collect(_ result: OpaquePointer?, _ conn: OpaquePointer, expectCopy: Bool = false) throws(PGError) -> PGRows {
        guard let result else {
            throw PGError(sqlState: "08006", message: firstLine(Self.errorText(conn)))
        }
        defer { pq.PQclear(result) }
        switch pq.PQresultStatus(result) {
        case PGRES_COPY_IN where expectCopy:
            return PGRows(columns: [], rows: [])
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PGRows(columns: [], rows: [])
        case PGRES_TUPLES_OK:
            let lib = pq
            let n = lib.PQntuples(result), m = lib.PQnfields(result)
            let columns = (0..<m).map { j in lib.PQfname(result, j).map { String(cString: $0) } ?? "" }
            var rows: [[String?]] = []
            rows.reserveCapacity(Int(n))
            for i in 0..<n {
                var row: [String?] = []
                row.reserveCapacity(Int(m))
                for j in 0..<m {
                    row.append(lib.PQgetisnull(result, i, j) == 1 ? nil : lib.PQgetvalue(result, i, j).map { String(cString: $0) })
                }
                rows.append(row)
            }
            return PGRows(columns: columns, rows: rows)
        default:
            let state = pq.PQresultErrorField(result, cw_diag_sqlstate()).map { String(cString: $0) } ?? "XX000"
            let message = pq.PQresultErrorField(result, cw_diag_message()).map { String(cString: $0) }
                ?? firstLine(Self.errorText(conn))
            throw PGError(sqlState: state, message: message)
        }
    }

    /// Sends rows to `COPY table (columns) FROM STDIN` in the text format,
    /// far faster than one INSERT each; `produce` calls its argument once a row.
    func copy(_ table: String, _ columns: [String], _ produce: (_ row: ([String?]) throws -> Void) throws -> Void) throws {
        _ = try Self.collect(pq.PQexec(conn, "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"), conn, expectCopy: true)
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.utf8CString.withUnsafeBufferPointer { pq.PQputCopyData(conn, $0.baseAddress, Int32($0.count - 1)) }
            buffer.removeAll(keepingCapacity: true)
            guard sent == 1 else { throw PGError(sqlState: "08006", message: Self.firstLine(Self.errorText(conn))) }
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
            _ = pq.PQputCopyEnd(conn, "aborted")
            while let r = pq.PQgetResult(conn) { pq.PQclear(r) }
            throw error
        }
        guard pq.PQputCopyEnd(conn, nil) == 1 else { throw PGError(sqlState: "08006", message: Self.firstLine(Self.errorText(conn))) }
        var failure: PGError?
        while let r = pq.PQgetResult(conn) {
            do { _ = try Self.collect(r, conn) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// `value` as a string literal, for the few statements that cannot take
    /// parameters (CREATE ROLE and GRANT name roles, not values).
    func literal(_ value: String) -> String {
        guard let p = pq.PQescapeLiteral(conn, value, value.utf8.count) else { return "''" }
        defer { pq.PQfreemem(p) }
        return String(cString: p)
    }

    func identifier(_ value: String) -> String {
        guard let p = pq.PQescapeIdentifier(conn, value, value.utf8.count) else { return "\"\"" }
        defer { pq.PQfreemem(p) }
        return String(cString: p)
    }
}
