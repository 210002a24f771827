import Foundation

/// What a full flag recompute did, and how long it held the write lock at most.
public struct RecomputeSummary: Hashable, Sendable {
    public var cases: Int
    /// Cases whose stored flags changed.
    public var changed = 0
    public var batches = 0
    /// The longest a batch held its write: the whole store's lock on the single-user store (every
    /// other writer waits meanwhile); on the team store, its transaction, which locks only the cases
    /// whose flags it changes (`locksWholeStore` false).
    public var longestWriteLock: Duration = .zero
    public var locksWholeStore = true
    public var elapsed: Duration = .zero

    public init(cases: Int) { self.cases = cases }
}

/// A line of the case list: enough to find a case without opening it.
public struct CaseSummary: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var childName: String
    public var worker: String
    public var team: String?
    public var opened: Day
    public var closed: Day?
    public var lastActivity: Timestamp

    public init(id: String, title: String, childName: String, worker: String, team: String?, opened: Day,
                closed: Day?, lastActivity: Timestamp) {
        self.id = id; self.title = title; self.childName = childName; self.worker = worker; self.team = team
        self.opened = opened; self.closed = closed; self.lastActivity = lastActivity
    }

    public var status: String { closed == nil ? "open" : "closed" }
    public var ownership: CaseOwnership { CaseOwnership(worker: worker, team: team) }
}

/// One saved version of a record: who wrote it, when, and (for an amendment) why.
public struct RecordVersion: Hashable, Sendable {
    public var caseId: String
    public var recordId: String
    public var version: Int
    public var record: CaseRecord
    public var author: String
    public var at: Timestamp
    public var reason: String?

    public init(caseId: String, recordId: String, version: Int, record: CaseRecord, author: String, at: Timestamp, reason: String?) {
        self.caseId = caseId; self.recordId = recordId; self.version = version; self.record = record
        self.author = author; self.at = at; self.reason = reason
    }
}

/// What an import did with one case file.
public enum ImportOutcome: Hashable, Sendable {
    case created(caseId: String, records: Int)
    /// The file's id is taken by a case the user cannot see: the case came in
    /// under a fresh id, answered as for any free id, without saying whose.
    case createdAs(fileId: String, caseId: String, records: Int)
    case replaced(caseId: String, amended: Int, added: Int)
}

/// One event of a case's audit trail: who did what to it, when. Ids only, never record text.
public struct AccessEvent: Hashable, Sendable {
    public var seq: Int64
    public var at: Timestamp
    public var user: String
    /// The audit action as stored: view, export, history, create, amend, review, ….
    public var action: String
    public var recordId: String?
    public var version: Int?

    public init(seq: Int64, at: Timestamp, user: String, action: String, recordId: String?, version: Int?) {
        self.seq = seq; self.at = at; self.user = user; self.action = action; self.recordId = recordId; self.version = version
    }

    /// Whether the case's content was read (shown or copied out), as against changed.
    public var isReading: Bool { ["view", "export", "family-copy", "history", "access-log"].contains(action) }

    /// What happened, in words: "viewed the case", "amended N1 (version 2)".
    public var words: String {
        let record = recordId.map { " \($0)" } ?? ""
        switch action {
        case "view": return "viewed the case"
        case "export": return "exported the case"
        case "family-copy": return "wrote a copy for the family"
        case "history": return "read the history of\(record.isEmpty ? " a record" : record)"
        case "access-log": return "read who has seen the case"
        case "returned-read": return "read the returned note\(record)"
        case "create": return recordId == nil ? "created the case" : "added\(record)"
        case "amend": return "amended\(record)" + (version.map { " (version \($0))" } ?? "")
        case "import": return "imported the case"
        case "replace": return "replaced the case by an import"
        case "review": return "wrote review\(record)"
        case "flag-raise": return "raised a flag on\(record.isEmpty ? " the case" : record)"
        case "member-add": return "added\(record) as a member of the case"
        case "retain": return "kept the case past its retention review"
        case "dispose": return "disposed of the case"
        case "flags": return "flags recomputed"
        case "handover": return "wrote a handover summary"
        default: return action + record
        }
    }
}

/// The result of walking the audit chain.
public struct AuditReport: Hashable, Sendable {
    public var events: Int
    /// The first event found wrong and what is wrong with it, or a failed
    /// verification no manager has answered yet; `nil` when the chain holds.
    public var problem: String?
    /// Breaks a manager's incident note answered, by the event where each was found.
    public var acknowledged: [Int64]

    public init(events: Int, problem: String?, acknowledged: [Int64] = []) {
        self.events = events; self.problem = problem; self.acknowledged = acknowledged
    }
    public var isIntact: Bool { problem == nil }
}

/// A failed verification of the audit trail, remembered (outside the chain it
/// doubts) until a manager records an incident note, so that evidence of
/// tampering is not erased by the trail being put back or rewritten again.
public struct AuditAlarm: Hashable, Sendable {
    public var at: Timestamp
    /// What the verification found: event numbers and what was wrong, never record text.
    public var problem: String

    public init(at: Timestamp, problem: String) { self.at = at; self.problem = problem }

    /// How the alarm reads wherever it is reported.
    public var inWords: String {
        "the audit trail failed verification on \(at.localDay) (\(problem)); this stays reported until a manager records an incident note: casework audit incident --note TEXT"
    }
}

/// A manager's note that a break in the audit trail was looked into: it
/// answers the alarm, and the breaks found then are passed over from now on.
public struct AuditIncident: Hashable, Sendable {
    /// The audit event that records the note.
    public var event: Int64
    public var at: Timestamp
    public var by: String
    public var note: String
    /// The events where the breaks it answers were found.
    public var breaks: [Int64]

    public init(event: Int64, at: Timestamp, by: String, note: String, breaks: [Int64]) {
        self.event = event; self.at = at; self.by = by; self.note = note; self.breaks = breaks
    }
}

/// What `casework check` found: the database's own integrity checks, the
/// audit chain, record versions against the digests the trail recorded, and
/// cases whose stored flags differ from the rules recomputed with the
/// store's policy (a forged or stale flag is found, not trusted).
public struct StoreCheck: Hashable, Sendable {
    public var integrity: [String]
    public var foreignKeys: Int
    public var audit: AuditReport
    public var versions: [String]
    public var staleFlags: [String]
    public var cases: Int

    public init(integrity: [String] = ["ok"], foreignKeys: Int = 0, audit: AuditReport, versions: [String] = [],
                staleFlags: [String] = [], cases: Int = 0) {
        self.integrity = integrity; self.foreignKeys = foreignKeys; self.audit = audit
        self.versions = versions; self.staleFlags = staleFlags; self.cases = cases
    }

    public var isHealthy: Bool { integrity == ["ok"] && foreignKeys == 0 && audit.isIntact && versions.isEmpty && staleFlags.isEmpty }
}

/// Where cases are kept. Every read and write names the user acting, and the
/// store applies `Access` to it: role checks cannot be skipped by a caller.
/// Two back ends: the single-user SQLite file, and the team's PostgreSQL
/// database, where the database itself enforces roles and the user is the
/// database session's own role.
public protocol CaseStore: Sendable {
    /// Who the store will act as for someone who claims to be `claimed` (the
    /// OS user): the same on the single-user store; on the team store the
    /// role the database authenticated, whatever is claimed.
    func identity(claimed: String) throws(StoreError) -> String
    /// Integrity, the audit trail, record versions and every case's flags (managers and administrators).
    func check(by actor: String) throws(StoreError) -> StoreCheck

    /// Creates the store's bookkeeping and makes `user` its first manager.
    /// Returns false when the store was already initialised (nothing changes).
    func initialise(by user: String) throws(StoreError) -> Bool

    func user(named name: String) throws(StoreError) -> User
    func addUser(_ user: User, by actor: String) throws(StoreError)
    /// The people the user may administer or oversee: everyone for an administrator (and for a
    /// manager in no team); for a manager in teams, the people of those teams and anyone in none.
    func users(by actor: String) throws(StoreError) -> [User]
    /// Takes Casework away from a user (never oneself); their past records keep their name.
    func removeUser(_ name: String, by actor: String) throws(StoreError)
    func setRole(_ name: String, _ role: Role, by actor: String) throws(StoreError)
    func setTeams(_ name: String, _ teams: [String], by actor: String) throws(StoreError)

    /// Imports every case or none.
    func importCases(_ cases: [Case], replace: Bool, by actor: String) throws(StoreError) -> [ImportOutcome]
    /// The whole case for a file; recorded as an export in the audit trail.
    func exportCase(_ id: String, by actor: String) throws(StoreError) -> Case
    /// The whole case for the copy given to the child and family; recorded as such in the audit trail.
    func familyCopyCase(_ id: String, by actor: String) throws(StoreError) -> Case
    /// The whole case for reading; recorded as a view in the audit trail.
    func viewCase(_ id: String, by actor: String) throws(StoreError) -> Case
    /// The cases the user may see, in id order: those after `after`, at most `limit` (every one when nil).
    func cases(visibleTo actor: String, after: String?, limit: Int?) throws(StoreError) -> [CaseSummary]

    /// Adds a new record to a case.
    func add(_ record: CaseRecord, toCase caseId: String, by actor: String) throws(StoreError)
    /// Writes a new version of an existing record, with the reason. Returns the new version number.
    func amend(_ record: CaseRecord, inCase caseId: String, reason: String, by actor: String) throws(StoreError) -> Int
    func history(caseId: String, recordId: String, by actor: String) throws(StoreError) -> [RecordVersion]
    /// Every view, export and change of one case in the audit trail, oldest first, for anyone who may see the case
    /// (the child's record of access, ISO 27789). The reading is itself recorded.
    func caseAccess(_ caseId: String, by actor: String) throws(StoreError) -> [AccessEvent]
    /// The practitioner a flag was returned to opened it: recorded once in the audit trail (`returned-read`),
    /// so the manager's queue can say it was read. Anyone else opening it records nothing.
    func markReturnedRead(caseId: String, reviewId: String, by actor: String) throws(StoreError)
    /// Records whose text (notes, reasons, names, ids: every word a record holds) has every word of
    /// `text`, the last also as a prefix, in cases the user may see; best first, at most `limit`. Only ids
    /// come back: opening a result is a view of its case, and audited as one.
    func search(_ text: String, limit: Int, by actor: String) throws(StoreError) -> [SearchHit]
    /// Whether someone else wrote to the store since the last call (the first call starts watching and
    /// answers false): SQLite's `PRAGMA data_version`, PostgreSQL's `LISTEN`. Cheap enough to ask every 200 ms.
    func othersWrote() throws(StoreError) -> Bool
    /// For each of `caseIds` the user has reviewed: the records someone else added or amended after the
    /// user's latest review of that case. Cases the user never reviewed, or may not see, are left out.
    func changedSinceReview(_ caseIds: [String], by actor: String) throws(StoreError) -> [String: Set<String>]

    /// Walks the audit chain; a failure is remembered as an alarm until a manager's incident note.
    func verifyAudit() throws(StoreError) -> AuditReport
    /// The failed verification not yet answered by an incident note, if any.
    func auditAlarm() throws(StoreError) -> AuditAlarm?
    /// A manager records that the trail's breaks were looked into: answers the
    /// alarm, and verification passes over the breaks found now (not later ones).
    func recordIncident(note: String, by actor: String) throws(StoreError) -> AuditIncident

    /// Open (or with `includeAccepted`, all) flags on cases the user may see,
    /// worst first, then oldest first.
    func flags(_ query: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry]
    /// Recomputes every case's flags in short batches (managers only).
    func recomputeFlags(by actor: String) throws(StoreError) -> RecomputeSummary
    /// The policy flags are computed with now.
    func policy() throws(StoreError) -> Policy
    /// Stores an organisation's policy for everyone using the store (managers only), then recomputes;
    /// returns what the recompute did.
    func setPolicy(_ override: Data, by actor: String) throws(StoreError) -> RecomputeSummary
    /// Makes this copy of Casework's default policy and rule texts the store's
    /// (managers only, audited, e.g. after an upgrade), then recomputes.
    func adoptFlagBasis(by actor: String) throws(StoreError) -> RecomputeSummary

    /// One page of the case list, with open flag counts on `query.on`.
    func caseList(_ query: CaseListQuery, by actor: String) throws(StoreError) -> CaseListPage
    /// A fresh id for a new case, random, so it discloses nothing about other cases.
    func suggestedCaseId(by actor: String) throws(StoreError) -> String
    /// Creates a new case (header and any records) as `actor`; returns its id,
    /// a fresh one when the id given is taken by a case the user cannot see.
    /// The draft it was typed in, if any, is removed in the same transaction.
    @discardableResult
    func createCase(_ c: Case, by actor: String, discardingDraft draftId: String?) throws(StoreError) -> String
    /// Adds and amends several records of one case in one transaction, which
    /// also removes the draft they were typed in: a saved form is never offered again.
    func save(_ changes: [RecordChange], inCase caseId: String, by actor: String, discardingDraft draftId: String?) throws(StoreError)

    /// A manager's review action on a flag, a decision or a case; returns the Review recorded.
    func review(_ request: ReviewRequest, by actor: String) throws(StoreError) -> Review
    /// The manager's queue: open missing and check flags (advice too where the policy says) on their cases.
    func reviewQueue(_ query: FlagQuery, by actor: String) throws(StoreError) -> [FlagEntry]
    /// The same items as `reviewQueue`, as the lines the command line lists.
    func reviewQueueLines(_ query: FlagQuery, by actor: String) throws(StoreError) -> [QueueLine]
    /// Every line of the queue `query` selects (its limit and offset aside), in order, handed to
    /// `each` a batch of at most `batch` at a time: a listing of the whole queue that holds one batch.
    func eachQueueLines(_ query: FlagQuery, batch: Int, by actor: String, _ each: ([QueueLine]) -> Void) throws(StoreError)
    /// Every entry of `list` that `query` selects (its limit and offset aside), in order, handed to
    /// `each` a batch of at most `batch` at a time, as `flags` or `reviewQueue` would give them.
    func eachFlagEntry(_ list: FlagList, _ query: FlagQuery, batch: Int, by actor: String, _ each: ([FlagEntry]) -> Void) throws(StoreError)
    /// Raises a flag by hand on a record.
    func raiseFlag(caseId: String, recordId: String, severity: Severity, reason: String, by actor: String) throws(StoreError)
    /// Adds a practitioner to a case they do not own (managers only).
    func addMember(caseId: String, user: String, by actor: String) throws(StoreError)
    /// The supervision figures over the cases the manager can see.
    func report(team: String?, from: Day?, to: Day?, on day: Day, by actor: String) throws(StoreError) -> TeamReport
    /// Closed cases whose retention review date has passed.
    func retentionDue(on day: Day, by actor: String) throws(StoreError) -> [CaseSummary]
    /// Removes a case's content, keeping a tombstone (id, dates, who, why) and an audit event.
    func dispose(caseId: String, reason: String, by actor: String) throws(StoreError)

    func saveDraft(_ draft: Draft, by actor: String) throws(StoreError)
    func drafts(by actor: String) throws(StoreError) -> [Draft]
    func deleteDraft(_ id: String, by actor: String) throws(StoreError)
    /// The user's drafts last changed before `cutoff`: those already offered
    /// once more are removed, the rest marked as offered now. Returns how many were removed.
    func tidyDrafts(before cutoff: Timestamp, now: Timestamp, by actor: String) throws(StoreError) -> Int
}

extension CaseStore {
    /// The queue's entries made lines: a store with nothing quicker reads them whole.
    public func reviewQueueLines(_ query: FlagQuery, by actor: String) throws(StoreError) -> [QueueLine] {
        try reviewQueue(query, by: actor).map(QueueLine.init)
    }

    /// A batch at a time, each read after the last line of the one before (never counted past).
    public func eachQueueLines(_ query: FlagQuery, batch: Int, by actor: String, _ each: ([QueueLine]) -> Void) throws(StoreError) {
        try Self.inBatches(query, batch: batch, read: { q throws(StoreError) in try reviewQueueLines(q, by: actor) }, at: FlagQuery.Position.init, each)
    }

    /// A batch at a time, each read after the last entry of the one before (never counted past).
    public func eachFlagEntry(_ list: FlagList, _ query: FlagQuery, batch: Int, by actor: String, _ each: ([FlagEntry]) -> Void) throws(StoreError) {
        try Self.inBatches(query, batch: batch, read: { q throws(StoreError) in
            switch list {
            case .flags: try flags(q, by: actor)
            case .reviewQueue: try reviewQueue(q, by: actor)
            }
        }, at: FlagQuery.Position.init, each)
    }

    /// `query`'s whole list read a page of `batch` at a time, each page after the last item of the one before.
    static func inBatches<Item>(_ query: FlagQuery, batch: Int, read: (FlagQuery) throws(StoreError) -> [Item],
                                at position: (Item) -> FlagQuery.Position, _ each: ([Item]) -> Void) throws(StoreError) {
        var q = query
        q.limit = max(1, batch)
        q.offset = 0
        while true {
            let items = try read(q)
            each(items)
            guard items.count == q.limit, let last = items.last else { return }
            q.after = position(last)
        }
    }

    /// The readable handover summary of a case (Markdown) with its open flags on `day`: what
    /// `casework export --format markdown` and the workbook's `x` write. Audited as an export.
    public func handover(_ caseId: String, on day: Day, by actor: String) throws(StoreError) -> String {
        let c = try exportCase(caseId, by: actor)
        let flags = try self.flags(FlagQuery(caseId: caseId, on: day), by: actor).map(\.flag)
        return MarkdownCaseView.render(c, flags: flags, today: day, preparedBy: actor)
    }

    @discardableResult
    public func createCase(_ c: Case, by actor: String) throws(StoreError) -> String {
        try createCase(c, by: actor, discardingDraft: nil)
    }

    public func save(_ changes: [RecordChange], inCase caseId: String, by actor: String) throws(StoreError) {
        try save(changes, inCase: caseId, by: actor, discardingDraft: nil)
    }

    /// Tidies the user's drafts under the store's policy as of `now`.
    public func tidyDrafts(now: Timestamp, by actor: String) throws(StoreError) -> Int {
        let days = try policy().draftKeepDays
        return try tidyDrafts(before: Timestamp(now.date.addingTimeInterval(-Double(days) * 86_400)), now: now, by: actor)
    }
}

/// A record that matched a search: where it is, never its text.
public struct SearchHit: Hashable, Sendable {
    public var caseId: String
    public var recordId: String
    public var kind: RecordKind
    public var childName: String

    public init(caseId: String, recordId: String, kind: RecordKind, childName: String) {
        self.caseId = caseId; self.recordId = recordId; self.kind = kind; self.childName = childName
    }

    /// The words of a search, letters and digits only (so nothing typed is query syntax), at most 12.
    public static func words(_ text: String) -> [String] {
        Array(text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init).prefix(12))
    }
}

extension CaseStore {
    /// Every case the user may see, in id order.
    public func cases(visibleTo actor: String) throws(StoreError) -> [CaseSummary] {
        try cases(visibleTo: actor, after: nil, limit: nil)
    }
}
