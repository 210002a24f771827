import CaseworkCore
import Foundation
import GRDB

/// What `casework check` found.
public struct StoreCheck: Hashable, Sendable {
    public var integrity: [String]
    public var foreignKeys: Int
    public var audit: AuditReport

    public var isHealthy: Bool { integrity == ["ok"] && foreignKeys == 0 && audit.isIntact }
}

/// Backups and health checks of the SQLite store.
extension SQLiteCaseStore {
    /// Copies the store to `destination` with SQLite's online backup: safe
    /// while others write. The copy is a complete store, 0600. Managers only.
    public func backup(to destination: URL, by actor: String) throws(StoreError) {
        let user = try self.user(named: actor)
        guard user.role == .manager else { throw .forbidden("only a manager can back up the whole store (you are a worker)") }
        guard !FileManager.default.fileExists(atPath: destination.path) else {
            throw .invalid("\(destination.path) already exists; choose a new file for the backup")
        }
        try run {
            try Protection.makePrivateDirectory(destination.deletingLastPathComponent())
            let target = try DatabaseQueue(path: destination.path)
            try pool.backup(to: target, pagesPerStep: 256)
            try target.close()
        }
        Protection.makePrivate(destination)
    }

    /// `PRAGMA integrity_check`, `PRAGMA foreign_key_check` and the audit chain.
    public func check() throws(StoreError) -> StoreCheck {
        let (integrity, fk) = try read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
        }
        return StoreCheck(integrity: integrity, foreignKeys: fk, audit: try verifyAudit())
    }
}
