import CaseworkCore
import Foundation
import GRDB

/// Backups and health checks of the SQLite store.
extension SQLiteCaseStore {
    /// Copies the store to `destination` with SQLite's online backup: safe
    /// while others write. The copy is a complete store, 0600. Managers only.
    public func backup(to destination: URL, by actor: String) throws(StoreError) {
        let user = try self.user(named: actor)
        try Access.require(user, .backup)
        var st = stat()
        guard lstat(destination.path, &st) != 0 else {
            throw .invalid("\(destination.path) already exists (or is a link); choose a new file for the backup")
        }
        try run {
            try Protection.makePrivateDirectory(destination.deletingLastPathComponent())
            // Made here, new and not through a link, before SQLite writes into it.
            let fd = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw StoreError.invalid("cannot create \(destination.path) as a new file; choose another") }
            close(fd)
            let target = try DatabaseQueue(path: destination.path)
            try pool.backup(to: target, pagesPerStep: 256)
            // The copy is a store of its own: opening it never moves the live store's anchor.
            try target.write { db in
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'storeId'", arguments: [UUID().uuidString.lowercased()])
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('backupOf', ?)", arguments: [storeId ?? ""])
            }
            try target.close()
        }
        Protection.makePrivate(destination)
    }

    /// `PRAGMA integrity_check`, `PRAGMA foreign_key_check`, the audit chain,
    /// and every case's stored flags against the rules under the stored policy.
    /// Reads only: nothing is written, so it works on a read-only store.
    public func check(by actor: String) throws(StoreError) -> StoreCheck {
        let (integrity, fk) = try read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
        }
        let audit = try verifyAudit()
        guard integrity == ["ok"] else { return StoreCheck(integrity: integrity, foreignKeys: fk, audit: audit) }
        try read { db in try followStoredPolicy(db) }
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM caseFile ORDER BY id") }
        var stale: [String] = []
        let now = Timestamp(clock())
        for slice in ids.chunks(of: 500) {
            let chunk = Array(slice)
            let (_, results) = try computeInParallel(chunk, engine: engine, now: now)
            for (id, r) in zip(chunk, results) {
                if case .same? = r { continue }
                stale.append(id)
            }
        }
        return StoreCheck(integrity: integrity, foreignKeys: fk, audit: audit, staleFlags: stale, cases: ids.count)
    }
}
