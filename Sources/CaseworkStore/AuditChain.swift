import CaseworkCore
import Crypto
import Foundation
import GRDB

/// What an audit event records having happened. Events hold ids, never record text.
public enum AuditAction: String, Sendable, CaseIterable {
    case initialise = "init"
    case userAdd = "user-add", userRemove = "user-remove", userRole = "user-role", userTeams = "user-teams"
    case create, amend, `import`, replace, export, view, history
    case policySet = "policy-set"
    case review, flagRaise = "flag-raise", memberAdd = "member-add", retain, dispose, incident
    case basisAdopt = "basis-adopt"
    case accessLog = "access-log"
    case returnedRead = "returned-read"
    /// A copy of the case written for the child and family (004 "Access to personal information").
    case familyCopy = "family-copy"
}

/// The tamper-evident audit trail: each event carries the SHA-256 of the one
/// before it, and the newest event this user wrote is anchored outside the
/// store file, sealed with an HMAC, so cutting the tail or rewriting the
/// whole chain is detected too.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    struct Event {
        var seq: Int64
        var at: String
        var user: String
        var action: String
        var caseId: String?
        var recordId: String?
        var version: Int?
        var prevHash: String

        var hash: String {
            let fields = [String(seq), at, user, action, caseId ?? "", recordId ?? "", version.map(String.init) ?? "", prevHash]
            return hex(SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8)))
        }
    }

    /// Appends one event inside the caller's transaction; returns its seq and hash.
    static func append(_ db: Database, at: String, user: String, action: AuditAction,
                       caseId: String? = nil, recordId: String? = nil, version: Int? = nil) throws -> (Int64, String) {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let event = Event(seq: seq, at: at, user: user, action: action.rawValue, caseId: caseId,
                          recordId: recordId, version: version, prevHash: last?["hash"] ?? genesis)
        let hash = event.hash
        try db.execute(
            sql: "INSERT INTO audit (seq, at, user, action, caseId, recordId, version, prevHash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
            arguments: [seq, at, user, action.rawValue, caseId, recordId, version, event.prevHash, hash])
        return (seq, hash)
    }

    /// Whether the events after the anchored one, up to `seq`, follow it: the
    /// anchored event is still there with its hash, and each later event links
    /// to the one before and hashes as written. Reads only those events.
    static func follows(_ db: Database, from anchored: (seq: Int64, hash: String)?, to seq: Int64) throws -> Bool {
        let start = anchored?.seq ?? 0
        var prev = anchored?.hash ?? genesis
        var expected = start + 1
        if let anchored {
            guard try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [anchored.seq]) == anchored.hash else {
                return false
            }
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq", arguments: [start, seq])
        while let row = try rows.next() {
            let event = Event(row)
            guard event.seq == expected, event.prevHash == prev, event.hash == row["hash"] as String else { return false }
            prev = row["hash"]
            expected += 1
        }
        return expected == seq + 1
    }

    /// Walks the whole chain in order with the client's own hashing.
    static func walk(_ db: Database, known: Set<Int64>) throws -> ChainWalk {
        var walk = ChainWalk(known: known)
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
        while let row = try rows.next() {
            let event = Event(row)
            walk.step(seq: event.seq, prevHash: event.prevHash, computed: event.hash, stored: row["hash"])
        }
        return walk
    }

    /// Walks the whole chain in order and checks it against the anchor,
    /// passing over the breaks that incident notes answered.
    static func verify(_ db: Database, anchor: AuditAnchor?, storeId: String, known: Set<Int64> = []) throws -> AuditReport {
        let triggers = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")
        let anchored = try anchor?.read(storeId: storeId)
        var report = try walk(db, known: known).report
        guard report.isIntact else { return report }
        if let anchored {
            guard let hash = try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [anchored.seq]) else {
                report.problem = "the trail ends at event \(report.events) but event \(anchored.seq) was recorded: events were cut from the end"
                return report
            }
            if hash != anchored.hash {
                report.problem = "event \(anchored.seq) is not the one anchored outside the store: the trail was rewritten"
                return report
            }
        }
        for name in Schema.appendOnlyTriggers where !triggers.contains(name) {
            report.problem = "the audit table's append-only guard \(name) was removed"
            return report
        }
        return report
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension AuditChain.Event {
    /// The event as stored in a row of `audit`.
    init(_ row: Row) {
        self.init(seq: row["seq"], at: row["at"], user: row["user"], action: row["action"], caseId: row["caseId"],
                  recordId: row["recordId"], version: row["version"], prevHash: row["prevHash"])
    }
}

/// One pass over the chain in order, naming every break: an event missing,
/// out of order, not following the one before, or altered. After a break the
/// walk takes up the chain again from the event as stored, so a break an
/// incident note answered (`known`) is passed over and a later one still found.
struct ChainWalk {
    let known: Set<Int64>
    private var expected: Int64 = 1
    private var prev = AuditChain.genesis
    private(set) var breaks: [(seq: Int64, problem: String)] = []

    init(known: Set<Int64>) { self.known = known }

    mutating func step(seq: Int64, prevHash: String, computed: String, stored: String) {
        var problem: String?
        if seq > expected {
            problem = "event \(expected) is missing (the next event is \(seq)): events were deleted"
        } else if seq < expected {
            problem = "event \(seq) is out of order after event \(expected - 1)"
        } else if prevHash != prev {
            problem = "event \(seq) does not follow event \(seq - 1): events were inserted, deleted or reordered"
        } else if computed != stored {
            problem = "event \(seq) was altered after it was written"
        }
        if let problem { breaks.append((seq, problem)) }
        prev = stored
        expected = max(expected, seq + 1)
    }

    /// The events walked, the first break no incident answered, and those answered.
    var report: AuditReport {
        AuditReport(events: Int(expected - 1), problem: breaks.first { !known.contains($0.seq) }?.problem,
                    acknowledged: breaks.map(\.seq).filter(known.contains))
    }
}

/// The chain's head as last written by this user, kept in the user's config
/// folder (0600) beside a secret key, and sealed with HMAC-SHA256 under it;
/// and beside it, a failed verification not yet answered by an incident note.
struct AuditAnchor: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case tampered(String)
        case keyMissing(String)
        var description: String {
            switch self {
            case .tampered(let path): "the audit anchor \(path) was altered"
            case .keyMissing(let path):
                "the audit key \(path) is missing, so the anchor cannot be checked; it was not replaced. Restore it from a backup of your configuration, or a manager records an incident note (casework audit incident --note TEXT), which starts a new key"
            }
        }
    }

    let directory: URL

    var keyFile: URL { directory.appendingPathComponent("audit.key") }
    var anchorsFolder: URL { directory.appendingPathComponent("anchors") }
    func anchorFile(_ storeId: String) -> URL { anchorsFolder.appendingPathComponent(storeId) }
    func alarmFile(_ storeId: String) -> URL { anchorsFolder.appendingPathComponent("\(storeId).alarm") }

    /// The key; made only for a user who has no anchor yet (or, `replacing`,
    /// after a manager's incident note). A key gone while anchors remain is
    /// reported, never silently replaced: a new key would vouch for a forged head.
    func key(create: Bool, replacing: Bool = false) throws -> SymmetricKey? {
        if let text = try? String(contentsOf: keyFile, encoding: .utf8), let data = Data(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return SymmetricKey(data: data)
        }
        guard create else { return nil }
        if !replacing, hasAnchors { throw Failure.keyMissing(keyFile.path) }
        try Protection.makePrivateDirectory(directory)
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { AuditChain.hex($0) } + "\n"
        guard FileManager.default.createFile(atPath: keyFile.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return key
    }

    var hasAnchors: Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: anchorsFolder.path)) ?? []).contains { !$0.hasSuffix(".alarm") }
    }

    func seal(_ key: SymmetricKey, storeId: String, seq: Int64, hash: String) -> String {
        AuditChain.hex(HMAC<SHA256>.authenticationCode(for: Data("\(storeId)|\(seq)|\(hash)".utf8), using: key))
    }

    /// The anchored head, or nil when this user has never written to the store.
    func read(storeId: String) throws -> (seq: Int64, hash: String)? {
        guard let text = try? String(contentsOf: anchorFile(storeId), encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let key = try key(create: false) else { throw Failure.keyMissing(keyFile.path) }
        guard parts.count == 3, let seq = Int64(parts[0]), seal(key, storeId: storeId, seq: seq, hash: parts[1]) == parts[2]
        else { throw Failure.tampered(anchorFile(storeId).path) }
        return (seq, parts[1])
    }

    /// Moves the anchor forward to (seq, hash); never back.
    func advance(storeId: String, seq: Int64, hash: String) throws {
        if let current = try? read(storeId: storeId), current.seq >= seq { return }
        guard let key = try key(create: true) else { return }
        try write(key, storeId: storeId, seq: seq, hash: hash)
    }

    /// After a manager's incident note: the anchor is set to the chain's head
    /// as it now stands (a new key if the old one was lost) and the alarm cleared.
    func reset(storeId: String, seq: Int64, hash: String) throws {
        guard let key = try key(create: true, replacing: true) else { return }
        try write(key, storeId: storeId, seq: seq, hash: hash)
        try? FileManager.default.removeItem(at: alarmFile(storeId))
    }

    private func write(_ key: SymmetricKey, storeId: String, seq: Int64, hash: String) throws {
        let file = anchorFile(storeId)
        try Protection.makePrivateDirectory(file.deletingLastPathComponent())
        let text = "\(seq) \(hash) \(seal(key, storeId: storeId, seq: seq, hash: hash))\n"
        try Data(text.utf8).write(to: file, options: .atomic)
        chmod(file.path, 0o600)
    }

    /// The remembered failure, if one was raised for this store and not yet answered.
    func alarm(storeId: String) -> AuditAlarm? {
        guard let text = try? String(contentsOf: alarmFile(storeId), encoding: .utf8),
              let space = text.firstIndex(of: " "), let at = Timestamp(String(text[..<space])) else { return nil }
        return AuditAlarm(at: at, problem: text[text.index(after: space)...].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Remembers a failed verification; the first failure stands until answered.
    func raise(storeId: String, problem: String, at: Timestamp) {
        guard alarm(storeId: storeId) == nil else { return }
        try? Protection.makePrivateDirectory(anchorsFolder)
        let file = alarmFile(storeId)
        try? Data("\(at.text) \(problem)\n".utf8).write(to: file, options: .atomic)
        chmod(file.path, 0o600)
    }
}

extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            bytes.append(b)
            i = j
        }
        self.init(bytes)
    }
}
