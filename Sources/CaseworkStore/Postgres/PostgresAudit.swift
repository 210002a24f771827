import CaseworkCore
import Crypto
import Foundation

/// Checks the team store's audit chain, written by the server, with the
/// client's own hashing: an event edited, deleted, inserted or reordered by
/// someone with more rights than any casework role (a superuser) is named.
enum PostgresAudit {
    static let guards = ["audit_append_only", "audit_no_truncate", "record_version_amend_only", "record_version_no_truncate", "audit_chain"]

    static func hash(_ fields: [String]) -> String {
        AuditChain.hex(SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8)))
    }

    static func verify(_ db: PGConnection, known: Set<Int64> = []) throws -> AuditReport {
        let enabled = Set(try db.query("""
            SELECT tgname FROM pg_trigger
            WHERE tgrelid IN ('casework.audit'::regclass, 'casework.record_version'::regclass, 'casework.audit_staged'::regclass)
              AND tgenabled <> 'D'
            """).rows.compactMap { $0[0] })
        // Events of committed transactions are chained at their commit; any left staged escaped the chain.
        let unchained = Int(try db.query("SELECT count(*) FROM casework.audit_staged WHERE tx <> txid_current()").scalar ?? "0") ?? 0
        var report = try walk(db, known: known).report
        guard report.isIntact else { return report }
        for name in guards where !enabled.contains(name) {
            report.problem = "the append-only guard \(name) was removed or disabled"
            return report
        }
        if unchained > 0 {
            report.problem = "\(unchained) events were written but never chained: the chaining trigger was bypassed"
        }
        return report
    }

    /// The chain walked in order with the client's own hashing, a page of events at a time
    /// (each after the last one read), so that a long trail needs the memory of one page.
    static func walk(_ db: PGConnection, known: Set<Int64>, page: Int = 20_000) throws -> ChainWalk {
        var walk = ChainWalk(known: known)
        var after: String?
        while true {
            let rows = try db.query("""
                SELECT seq, at, user_name, action, case_id, record_id, version, digest, prev_hash, hash FROM casework.audit
                WHERE $1::bigint IS NULL OR seq > $1::bigint ORDER BY seq LIMIT \(max(1, page))
                """, [after]).rows
            for r in rows {
                let fields = [r[0] ?? "", r[1] ?? "", r[2] ?? "", r[3] ?? "", r[4] ?? "", r[5] ?? "", r[6] ?? "", r[7] ?? "", r[8] ?? ""]
                walk.step(seq: Int64(r[0] ?? "") ?? 0, prevHash: r[8] ?? "", computed: hash(fields), stored: r[9] ?? "")
            }
            guard rows.count == max(1, page), let last = rows.last?[0] else { return walk }
            after = last
        }
    }

    /// Record versions whose text no longer matches the digest the audit trail
    /// recorded when they were written, or that no event accounts for. The server
    /// joins the two and returns only what disagrees, so a store of any size is
    /// checked in the client's memory of its problems.
    static func versionProblems(_ db: PGConnection) throws -> [String] {
        try db.query("""
            SELECT coalesce(v.case_id, a.case_id), coalesce(v.record_id, a.record_id), coalesce(v.version, a.version),
                   CASE WHEN a.digests IS NULL THEN 'unaudited' WHEN v.digest IS NULL THEN 'gone' ELSE 'changed' END
            FROM casework.version_digests() v
            FULL JOIN (SELECT case_id, record_id, version, array_agg(digest) AS digests FROM casework.audit
                       WHERE action IN ('create', 'amend', 'import-version') AND digest IS NOT NULL
                       GROUP BY case_id, record_id, version) a
              ON a.case_id = v.case_id AND a.record_id = v.record_id AND a.version = v.version
            WHERE (a.digests IS NULL OR v.digest IS NULL OR NOT v.digest = ANY (a.digests))
              AND NOT (v.case_id IS NULL AND a.case_id IN (SELECT case_id FROM casework.tombstone))
            ORDER BY v.case_id IS NULL, 1, 2, 3
            """).rows.map { r in
            let key = "\(r[0] ?? "")/\(r[1] ?? "") v\(r[2] ?? "")"
            switch r[3] {
            case "unaudited": return "\(key) has no audit event: it was written behind the store's back"
            case "gone": return "\(key) was written but is gone"
            default: return "\(key) was changed after it was written"
            }
        }
    }
}
