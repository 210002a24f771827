import CaseworkCore
import Foundation
import Crypto
import GRDB
import TerminalKit

/// What an IT person does to the team server, as a database superuser:
/// set it up once, bring its schema up to date, and bring in a single-user store.
public enum PostgresServer {
    /// Connects as a superuser, or says how to.
    static func superuser(_ address: String, doing what: String) throws(StoreError) -> PGConnection {
        let db: PGConnection
        do { db = try PGConnection(address) } catch {
            if case .storage(let why) = error, why.contains("does not exist"), what == "set up the team store",
               let admin = adminAddress(address) {
                let server = try PGConnection(admin.address)
                do {
                    try server.query("CREATE DATABASE \(server.identifier(admin.database))")
                } catch {
                    throw PostgresCaseStore.map(error)
                }
                return try superuser(address, doing: what)
            }
            throw error
        }
        do {
            guard try db.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar == "t" else {
                throw StoreError.forbidden("to \(what), connect as a database superuser, e.g. `sudo -u postgres casework server ...`")
            }
        } catch { throw PostgresCaseStore.map(error) }
        return db
    }

    /// The same server's `postgres` database, and the database `address` names.
    static func adminAddress(_ address: String) -> (address: String, database: String)? {
        if address.contains("://"), var parts = URLComponents(string: address) {
            let name = parts.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !name.isEmpty else { return nil }
            parts.path = "/postgres"
            return parts.string.map { ($0, name.removingPercentEncoding ?? name) }
        }
        let pairs = address.split(separator: " ").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        guard let name = pairs.last(where: { $0.first == "dbname" && $0.count == 2 })?[1] else { return nil }
        return (address + " dbname=postgres", name)
    }

    /// Creates the roles, the schema, its grants and policies, and the first
    /// administrator. Returns false when the store was already set up (nothing changes).
    /// `basis`: what the store's flags are computed from (the installed Casework's), kept in the store.
    public static func setup(address: String, admin: String, basis: FlagBasis) throws(StoreError) -> Bool {
        guard CaseValidation.isValidId(admin) else { throw .invalid("\(Quoted(admin)) cannot be a user name (\(CaseValidation.idRule))") }
        let db = try superuser(address, doing: "set up the team store")
        // Roles are the cluster's: a setup of another store at the same moment can win a race for them.
        for attempt in 0..<5 {
            do { return try setup(db, admin: admin, basis: basis) } catch let e as PGError where ["XX000", "23505", "40P01"].contains(e.sqlState) && attempt < 4 {
                usleep(UInt32.random(in: 20_000...200_000))
            } catch { throw PostgresCaseStore.map(error) }
        }
        throw .busy
    }

    static func setup(_ db: PGConnection, admin: String, basis: FlagBasis) throws -> Bool {
        do {
            if try db.query("SELECT to_regnamespace('casework') IS NOT NULL").scalar == "t" { return false }
            try db.query("BEGIN")
            try db.execute(PostgresSchema.roles)
            let database = try db.query("SELECT current_database()").scalar ?? ""
            try db.execute("""
                CREATE SCHEMA casework AUTHORIZATION casework_owner;
                REVOKE ALL ON DATABASE \(db.identifier(database)) FROM PUBLIC;
                GRANT CONNECT ON DATABASE \(db.identifier(database)) TO casework_user, casework_owner;
                SET LOCAL ROLE casework_owner;
                """)
            try apply(db, PostgresSchema.migrations)
            try db.query("INSERT INTO casework.meta (key, value) VALUES ('storeId', gen_random_uuid()::text), ('created', casework.now_text()), ('flagBasis', $1)",
                         [basis.text])
            try db.query("SELECT casework.grant_role($1, 'admin')", [admin])
            try db.query("INSERT INTO casework.app_user (name, added_at, added_by) VALUES ($1, casework.now_text(), session_user)", [admin])
            try db.query("SELECT casework.audit_append('init', NULL, $1, NULL, NULL)", [admin])
            try db.query("COMMIT")
            return true
        } catch {
            _ = try? db.query("ROLLBACK")
            throw error
        }
    }

    static func apply(_ db: PGConnection, _ migrations: [(id: String, sql: String)]) throws {
        for m in migrations {
            try db.execute(m.sql)
            try db.query("INSERT INTO casework.schema_migration (id) VALUES ($1)", [m.id])
        }
    }

    /// What `migrate` did: the schema migrations applied, and whether the
    /// store's flag basis was replaced because it was kept for older rules.
    public struct Migration: Sendable {
        public var applied: [String] = []
        public var basisUpgraded = false
    }

    /// Applies the migrations the store has not had, in one transaction.
    /// A store from before flag bases were kept, or holding one kept for older
    /// rules than this Casework's, takes the migrating Casework's.
    public static func migrate(address: String, basis: FlagBasis) throws(StoreError) -> Migration {
        let db = try superuser(address, doing: "migrate the team store")
        do {
            guard try db.query("SELECT to_regnamespace('casework') IS NOT NULL").scalar == "t" else {
                throw StoreError.notInitialised(path: "\(PostgresCaseStore.describe(address)) (run `casework server setup` first)")
            }
            try db.query("BEGIN")
            try db.execute("SET LOCAL ROLE casework_owner")
            let applied = Set(try db.query("SELECT id FROM casework.schema_migration").rows.compactMap { $0[0] })
            if !applied.subtracting(PostgresSchema.migrations.map(\.id)).isEmpty {
                throw StoreError.invalid("the team store was made by a newer casework; upgrade casework first")
            }
            let pending = PostgresSchema.migrations.filter { !applied.contains($0.id) }
            try apply(db, pending)
            var done = Migration(applied: pending.map(\.id))
            let stored = try db.query("SELECT value FROM casework.meta WHERE key = 'flagBasis'").scalar
            if stored == nil || stored.flatMap(FlagBasis.decode)?.predatesRules == true {
                try db.query("INSERT INTO casework.meta (key, value) VALUES ('flagBasis', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [basis.text])
                done.basisUpgraded = stored != nil
            }
            try db.query("COMMIT")
            return done
        } catch {
            _ = try? db.query("ROLLBACK")
            throw PostgresCaseStore.map(error)
        }
    }
}

extension PostgresServer {
    /// What `importStore` brought in.
    public struct ImportSummary: Sendable {
        public var cases = 0, versions = 0, events = 0, users = 0
        public var sourceHead = AuditChain.genesis
    }

    /// Copies a single-user store into the team store in one transaction:
    /// users (as database roles), cases, every record version with its author,
    /// time and reason, members, flags, tombstones, and the audit trail
    /// re-chained on the server, followed by an event naming the source's last
    /// hash and, per version, an event with its digest. Refuses a source whose
    /// chain does not verify, and any case the team store already holds.
    public static func importStore(file: URL, into address: String) throws(StoreError) -> ImportSummary {
        var config = Configuration()
        config.readonly = true
        let source: DatabaseQueue
        do { source = try DatabaseQueue(path: file.path, configuration: config) } catch {
            throw .storage("cannot open \(file.path) as a Casework store")
        }
        let db = try superuser(address, doing: "import a store into the team store")
        var summary = ImportSummary()
        do {
            try source.read { src in
                guard let storeId = try String.fetchOne(src, sql: "SELECT value FROM meta WHERE key = 'storeId'") else {
                    throw StoreError.invalid("\(file.path) is not an initialised Casework store")
                }
                let report = try AuditChain.verify(src, anchor: nil, storeId: storeId)
                if let problem = report.problem {
                    throw StoreError.invalid("the audit trail of \(file.path) does not verify (\(problem)); nothing was imported")
                }
                summary.sourceHead = try String.fetchOne(src, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") ?? AuditChain.genesis
                try db.query("BEGIN")
                try db.execute("SET LOCAL ROLE casework_owner")
                for row in try Row.fetchAll(src, sql: "SELECT name, role, addedAt, addedBy FROM user ORDER BY name") {
                    let name: String = row["name"]
                    if try db.query("SELECT 1 FROM casework.app_user WHERE name = $1", [name]).count > 0 { continue }
                    try db.query("SELECT casework.grant_role($1, $2)", [name, row["role"] as String])
                    try db.query("INSERT INTO casework.app_user (name, added_at, added_by) VALUES ($1, $2, $3)",
                                 [name, row["addedAt"] as String, row["addedBy"] as String])
                    for team in try String.fetchAll(src, sql: "SELECT team FROM userTeam WHERE user = ?", arguments: [name]) {
                        try db.query("INSERT INTO casework.user_team (user_name, team) VALUES ($1, $2)", [name, team])
                    }
                    summary.users += 1
                }
                func copy(_ select: String, into table: String, _ columns: [String]) throws {
                    let rows = try Row.fetchCursor(src, sql: select)
                    try db.copy("casework.\(table)", columns) { put in
                        while let row = try rows.next() { try put((0..<columns.count).map { (row[$0] as DatabaseValue).storage.text }) }
                    }
                }
                for id in try String.fetchAll(src, sql: "SELECT id FROM caseFile") {
                    if try db.query("SELECT 1 FROM casework.case_file WHERE id = $1", [id]).count > 0 {
                        throw StoreError.invalid("case \(id) is already in the team store; nothing was imported")
                    }
                }
                summary.cases = try Int.fetchOne(src, sql: "SELECT COUNT(*) FROM caseFile") ?? 0
                try copy("SELECT id, title, childName, worker, team, opened, closed, lastActivity, lastActivityAt FROM caseFile",
                         into: "case_file", ["id", "title", "child_name", "worker", "team", "opened", "closed", "last_activity", "last_activity_at"])
                try copy("SELECT caseId, recordId, kind, position, version, body FROM record",
                         into: "record", ["case_id", "record_id", "kind", "position", "version", "body"])
                // The single-user store keeps the review date only in the header.
                try db.query("""
                    UPDATE casework.case_file c SET retention_review_by = r.body::jsonb->>'retentionReviewBy'
                    FROM casework.record r WHERE r.case_id = c.id AND r.record_id = c.id AND r.kind = 'case'
                    """)
                try copy("SELECT caseId, recordId, version, kind, body, author, at, reason FROM recordVersion",
                         into: "record_version", ["case_id", "record_id", "version", "kind", "body", "author", "at", "reason"])
                try copy("SELECT caseId, user FROM caseMember", into: "case_member", ["case_id", "user_name"])
                try copy("SELECT caseId, recordId, severity, reason, raisedBy, raisedAt FROM manualFlag",
                         into: "manual_flag", ["case_id", "record_id", "severity", "reason", "raised_by", "raised_at"])
                try copy("""
                    SELECT caseId, recordId, rule, severity, severityRank, field, message, source, dueFrom, raisedAt, since,
                           worker, team, status, reviewId, returnedIn FROM flag
                    """, into: "flag", ["case_id", "record_id", "rule", "severity", "severity_rank", "field", "message", "source",
                                        "due_from", "raised_at", "since", "worker", "team", "status", "review_id", "returned_in"])
                try copy("SELECT caseId, opened, closed, retentionReviewBy, disposedAt, disposedBy, reason FROM tombstone",
                         into: "tombstone", ["case_id", "opened", "closed", "retention_review_by", "disposed_at", "disposed_by", "reason"])
                // The chain: the source's events re-chained in order, then this import, then each version's digest.
                try db.query("SELECT pg_advisory_xact_lock(7262001)")
                let head = try db.query("SELECT seq, hash FROM casework.audit ORDER BY seq DESC LIMIT 1").first
                var seq = Int64(head?[0] ?? "0") ?? 0
                var prev = head?[1] ?? AuditChain.genesis
                let importer = try db.query("SELECT session_user").scalar ?? "postgres"
                let now = Timestamp(Date()).text
                try db.copy("casework.audit", ["seq", "at", "user_name", "action", "case_id", "record_id", "version", "digest", "prev_hash", "hash"]) { put in
                    func append(_ at: String, _ user: String, _ action: String, _ caseId: String?, _ recordId: String?,
                                _ version: Int?, _ digest: String?) throws {
                        seq += 1
                        let fields = [String(seq), at, user, action, caseId ?? "", recordId ?? "", version.map(String.init) ?? "", digest ?? "", prev]
                        let hash = PostgresAudit.hash(fields)
                        try put([String(seq), at, user, action, caseId, recordId, version.map(String.init), digest, prev, hash])
                        prev = hash
                        summary.events += 1
                    }
                    let events = try Row.fetchCursor(src, sql: "SELECT at, user, action, caseId, recordId, version FROM audit ORDER BY seq")
                    while let row = try events.next() {
                        try append(row["at"], row["user"], row["action"], row["caseId"], row["recordId"], row["version"], nil)
                    }
                    try append(now, importer, "import-store", nil, storeId, nil, summary.sourceHead)
                    let versions = try Row.fetchCursor(src, sql: "SELECT caseId, recordId, version, body FROM recordVersion ORDER BY caseId, recordId, version")
                    while let row = try versions.next() {
                        let body: String = row["body"]
                        try append(now, importer, "import-version", row["caseId"], row["recordId"], row["version"],
                                   AuditChain.hex(SHA256.hash(data: Data(body.utf8))))
                        summary.versions += 1
                    }
                }
                try db.query("COMMIT")
            }
        } catch {
            _ = try? db.query("ROLLBACK")
            if let e = error as? StoreError { throw e }
            if error is PGError { throw PostgresCaseStore.map(error) }
            throw SQLiteCaseStore.map(error, path: file.path)
        }
        return summary
    }
}

extension DatabaseValue.Storage {
    /// The value as libpq's text format takes it.
    var text: String? {
        switch self {
        case .null: nil
        case .int64(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): s
        case .blob(let b): String(decoding: b, as: UTF8.self)
        }
    }
}
