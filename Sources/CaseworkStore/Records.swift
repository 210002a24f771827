import CaseworkCore
import GRDB

// The domain's values as database values: written as the text the case file uses; read back
// through `Stored`, so a value that does not parse is a damaged row, never a default.
extension Day: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Day? { String.fromDatabaseValue(dbValue).flatMap(Day.init) }
}

extension Timestamp: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { text.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Timestamp? { String.fromDatabaseValue(dbValue).flatMap(Timestamp.init) }
}

extension Severity: DatabaseValueConvertible {}
extension Role: DatabaseValueConvertible {}

/// One user's unfinished form, as the `draft` table holds it.
struct DraftRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "draft"
    enum Columns {
        static let user = Column("user"), id = Column("id"), caseId = Column("caseId"), kind = Column("kind"), title = Column("title")
        static let payload = Column("payload"), updatedAt = Column("updatedAt"), lastOfferedAt = Column("lastOfferedAt")
    }

    var user: String
    var draft: Draft

    init(user: String, draft: Draft) { self.user = user; self.draft = draft }

    init(row: Row) throws {
        user = row[Columns.user]
        draft = Draft(id: row[Columns.id], caseId: row[Columns.caseId], kind: row[Columns.kind], title: row[Columns.title],
                      payload: row[Columns.payload],
                      updatedAt: try Stored.time(row[Columns.updatedAt], Self.databaseTableName, "updatedAt"),
                      lastOfferedAt: try Stored.optional(row[Columns.lastOfferedAt], Timestamp.init, Self.databaseTableName, "lastOfferedAt"))
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.user] = user
        container[Columns.id] = draft.id
        container[Columns.caseId] = draft.caseId
        container[Columns.kind] = draft.kind
        container[Columns.title] = draft.title
        container[Columns.payload] = draft.payload
        container[Columns.updatedAt] = draft.updatedAt
        container[Columns.lastOfferedAt] = draft.lastOfferedAt
    }

    /// One user's drafts.
    static func of(_ user: String) -> QueryInterfaceRequest<DraftRecord> { filter(Columns.user == user) }
}

/// A person known to the store, as the `user` table holds them (their teams are in `userTeam`).
struct UserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "user"
    enum Columns { static let name = Column("name"), role = Column("role"), addedAt = Column("addedAt"), addedBy = Column("addedBy") }

    var name: String
    var role: Role
    var addedAt: Timestamp
    var addedBy: String

    init(name: String, role: Role, addedAt: Timestamp, addedBy: String) {
        self.name = name; self.role = role; self.addedAt = addedAt; self.addedBy = addedBy
    }

    init(row: Row) throws {
        name = row[Columns.name]
        role = try Stored.value(row[Columns.role], Role.init(rawValue:), Self.databaseTableName, "role")
        addedAt = try Stored.time(row[Columns.addedAt], Self.databaseTableName, "addedAt")
        addedBy = row[Columns.addedBy]
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.name] = name
        container[Columns.role] = role
        container[Columns.addedAt] = addedAt
        container[Columns.addedBy] = addedBy
    }

    /// The user with their teams.
    func user(_ db: Database) throws -> User {
        User(name: name, role: role, teams: try String.fetchAll(db, sql: "SELECT team FROM userTeam WHERE user = ? ORDER BY team", arguments: [name]))
    }
}

/// A flag raised by hand, as the `manualFlag` table holds it.
struct ManualFlagRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "manualFlag"
    enum Columns {
        static let caseId = Column("caseId"), recordId = Column("recordId"), severity = Column("severity"), reason = Column("reason")
        static let raisedBy = Column("raisedBy"), raisedAt = Column("raisedAt")
    }

    var caseId: String
    var flag: ManualFlag

    init(caseId: String, flag: ManualFlag) { self.caseId = caseId; self.flag = flag }

    init(row: Row) throws {
        caseId = row[Columns.caseId]
        flag = ManualFlag(recordId: row[Columns.recordId], severity: try Stored.severity(row[Columns.severity], Self.databaseTableName),
                          reason: row[Columns.reason], raisedBy: row[Columns.raisedBy],
                          raisedAt: try Stored.time(row[Columns.raisedAt], Self.databaseTableName, "raisedAt"))
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.caseId] = caseId
        container[Columns.recordId] = flag.recordId
        container[Columns.severity] = flag.severity
        container[Columns.reason] = flag.reason
        container[Columns.raisedBy] = flag.raisedBy
        container[Columns.raisedAt] = flag.raisedAt
    }
}

/// What is kept of a disposed case: its id (never reused), dates, and who disposed of it, when and why.
struct TombstoneRecord: PersistableRecord {
    static let databaseTableName = "tombstone"
    enum Columns {
        static let caseId = Column("caseId"), opened = Column("opened"), closed = Column("closed"), retentionReviewBy = Column("retentionReviewBy")
        static let disposedAt = Column("disposedAt"), disposedBy = Column("disposedBy"), reason = Column("reason")
    }

    var caseId: String
    var opened: Day
    var closed: Day
    var retentionReviewBy: Day?
    var disposedAt: Timestamp
    var disposedBy: String
    var reason: String

    func encode(to container: inout PersistenceContainer) {
        container[Columns.caseId] = caseId
        container[Columns.opened] = opened
        container[Columns.closed] = closed
        container[Columns.retentionReviewBy] = retentionReviewBy
        container[Columns.disposedAt] = disposedAt
        container[Columns.disposedBy] = disposedBy
        container[Columns.reason] = reason
    }
}

extension FlagStatus: DatabaseValueConvertible {}

/// One open or accepted flag as the `flag` table holds it: the flag, the case's owner and team
/// (so the queue filters without a join), when it was first raised and since when it has been due.
struct FlagRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "flag"
    enum Columns {
        static let caseId = Column("caseId"), recordId = Column("recordId"), rule = Column("rule"), severity = Column("severity")
        static let severityRank = Column("severityRank"), field = Column("field"), message = Column("message"), source = Column("source")
        static let dueFrom = Column("dueFrom"), raisedAt = Column("raisedAt"), since = Column("since"), worker = Column("worker")
        static let team = Column("team"), status = Column("status"), reviewId = Column("reviewId"), returnedIn = Column("returnedIn")
    }

    var flag: Flag
    var worker: String
    var team: String?
    /// Kept as stored: a flag raised again keeps the time it was first raised.
    var raisedAt: String
    var since: Timestamp

    init(_ flag: Flag, worker: String, team: String?, raisedAt: String, since: Timestamp) {
        self.flag = flag; self.worker = worker; self.team = team; self.raisedAt = raisedAt; self.since = since
    }

    init(row: Row) throws {
        let table = Self.databaseTableName
        flag = Flag(rule: row[Columns.rule], severity: try Stored.severity(row[Columns.severity], table), caseId: row[Columns.caseId],
                    recordId: row[Columns.recordId], field: row[Columns.field], message: row[Columns.message], source: row[Columns.source],
                    dueFrom: try Stored.optional(row[Columns.dueFrom], Day.init, table, "dueFrom"),
                    status: try Stored.value(row[Columns.status], FlagStatus.init(rawValue:), table, "status"),
                    reviewId: row[Columns.reviewId], returnedIn: row[Columns.returnedIn])
        worker = row[Columns.worker]
        team = row[Columns.team]
        raisedAt = row[Columns.raisedAt]
        since = try Stored.time(row[Columns.since], table, "since")
    }

    /// The entry a row of `SQLiteCaseStore.entryColumns` holds, read by position (looking each column
    /// up by name, GRDB comparing names ignoring case, was a quarter of writing out a long queue) and
    /// built in one go: made as a record and copied into an entry, each of its strings was retained
    /// and released once more per flag.
    static func entry(_ row: Row, returned: Review?, returnedRead: Timestamp?) throws -> FlagEntry {
        let table = databaseTableName
        return FlagEntry(
            flag: Flag(rule: row[2], severity: try Stored.severity(row[3], table), caseId: row[0], recordId: row[1], field: row[4],
                       message: row[5], source: row[6], dueFrom: try Stored.optional(row[7], Day.init, table, "dueFrom"),
                       status: try Stored.value(row[8], FlagStatus.init(rawValue:), table, "status"), reviewId: row[9],
                       returnedIn: row[10]),
            worker: row[11], team: row[12], since: try Stored.time(row[14], table, "since"), returned: returned, returnedRead: returnedRead)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.caseId] = flag.caseId
        container[Columns.recordId] = flag.recordId
        container[Columns.rule] = flag.rule
        container[Columns.severity] = flag.severity
        container[Columns.severityRank] = flag.severity.rank
        container[Columns.field] = flag.field
        container[Columns.message] = flag.message
        container[Columns.source] = flag.source
        container[Columns.dueFrom] = flag.dueFrom
        container[Columns.raisedAt] = raisedAt
        container[Columns.since] = since
        container[Columns.worker] = worker
        container[Columns.team] = team
        container[Columns.status] = flag.status
        container[Columns.reviewId] = flag.reviewId
        container[Columns.returnedIn] = flag.returnedIn
    }

    var entry: FlagEntry { FlagEntry(flag: flag, worker: worker, team: team, since: since) }
}
