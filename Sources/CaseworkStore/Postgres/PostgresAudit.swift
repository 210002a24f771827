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

    static func verify(_ db: PGConnection) throws -> AuditReport {
        let enabled = Set(try db.query("""
            SELECT tgname FROM pg_trigger
            WHERE tgrelid IN ('casework.audit'::regclass, 'casework.record_version'::regclass, 'casework.audit_staged'::regclass)
              AND tgenabled <> 'D'
            """).rows.compactMap { $0[0] })
        // Events of committed transactions are chained at their commit; any left staged escaped the chain.
        let unchained = Int(try db.query("SELECT count(*) FROM casework.audit_staged WHERE tx <> txid_current()").scalar ?? "0") ?? 0
        var expected: Int64 = 1
        var prev = AuditChain.genesis
        let rows = try db.query("""
            SELECT seq, at, user_name, action, case_id, record_id, version, digest, prev_hash, hash FROM casework.audit ORDER BY seq
            """)
        for r in rows {
            let seq = Int64(r[0] ?? "") ?? 0
            if seq != expected {
                return AuditReport(events: Int(expected - 1), problem: seq > expected
                    ? "event \(expected) is missing (the next event is \(seq)): events were deleted"
                    : "event \(seq) is out of order after event \(expected - 1)")
            }
            if r[8] != prev {
                return AuditReport(events: Int(expected - 1),
                                   problem: "event \(seq) does not follow event \(seq - 1): events were inserted, deleted or reordered")
            }
            let fields = [r[0] ?? "", r[1] ?? "", r[2] ?? "", r[3] ?? "", r[4] ?? "", r[5] ?? "", r[6] ?? "", r[7] ?? "", prev]
            if hash(fields) != r[9] {
                return AuditReport(events: Int(expected - 1), problem: "event \(seq) was altered after it was written")
            }
            prev = r[9] ?? ""
            expected += 1
        }
        let count = Int(expected - 1)
        for name in guards where !enabled.contains(name) {
            return AuditReport(events: count, problem: "the append-only guard \(name) was removed or disabled")
        }
        if unchained > 0 {
            return AuditReport(events: count, problem: "\(unchained) events were written but never chained: the chaining trigger was bypassed")
        }
        return AuditReport(events: count, problem: nil)
    }

    /// Record versions whose text no longer matches the digest the audit trail
    /// recorded when they were written, or that no event accounts for.
    static func versionProblems(_ db: PGConnection) throws -> [String] {
        var written: [String: Set<String>] = [:]
        for r in try db.query("""
            SELECT case_id, record_id, version, digest FROM casework.audit
            WHERE action IN ('create', 'amend', 'import-version') AND digest IS NOT NULL
            """) {
            written["\(r[0] ?? "")/\(r[1] ?? "") v\(r[2] ?? "")", default: []].insert(r[3] ?? "")
        }
        var problems: [String] = []
        var seen = Set<String>()
        for r in try db.query("SELECT case_id, record_id, version, digest FROM casework.version_digests() ORDER BY 1, 2, 3") {
            let key = "\(r[0] ?? "")/\(r[1] ?? "") v\(r[2] ?? "")"
            seen.insert(key)
            guard let digests = written[key] else { problems.append("\(key) has no audit event: it was written behind the store's back"); continue }
            if !digests.contains(r[3] ?? "") { problems.append("\(key) was changed after it was written") }
        }
        let disposed = Set(try db.query("SELECT case_id FROM casework.tombstone").rows.compactMap { $0[0] })
        for key in written.keys.sorted() where !seen.contains(key) && !disposed.contains(String(key.prefix { $0 != "/" })) {
            problems.append("\(key) was written but is gone")
        }
        return problems
    }
}
