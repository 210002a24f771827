/// Which flags to list: filters, the day to evaluate time-based rules on,
/// and whether accepted flags are included.
public struct FlagQuery: Hashable, Sendable {
    public var caseId: String?
    public var severities: Set<Severity>?
    public var rule: String?
    public var worker: String?
    public var on: Day
    public var includeAccepted: Bool
    public var limit: Int?
    /// Items passed over first, in the list's order (a later page).
    public var offset: Int
    /// Only flags a manager returned and not yet reviewed again.
    public var returnedOnly: Bool
    /// Only items after this one in the list's order: the next page of a long list, read
    /// from where the last stopped rather than counted past (`offset`) from the start.
    public var after: Position?
    /// Only flags on cases whose ids fall in this range, ends included: the flags of a page of
    /// the case list, for a listing grouped by case that is written a page of cases at a time.
    public var caseIds: ClosedRange<String>?

    /// Where an item stands in the list's order: severity, since when, case, record, rule.
    public struct Position: Hashable, Sendable {
        public var severityRank: Int
        public var since: String
        public var caseId: String
        public var recordId: String
        public var rule: String

        public init(_ e: FlagEntry) { self.init(QueueLine(e)) }

        public init(_ l: QueueLine) {
            severityRank = l.severity.rank; since = l.since.text; caseId = l.caseId; recordId = l.recordId; rule = l.rule
        }
    }

    /// The query narrowed to the severities `policy` puts in the review queue: missing and
    /// check, and advice where the policy says.
    public func inReviewQueue(of policy: Policy) -> FlagQuery {
        let allowed: Set<Severity> = policy.adviceInReviewQueue ? [.missing, .check, .advice] : [.missing, .check]
        var q = self
        q.severities = q.severities.map { $0.intersection(allowed) } ?? allowed
        return q
    }

    public init(caseId: String? = nil, severities: Set<Severity>? = nil, rule: String? = nil, worker: String? = nil,
                on: Day, includeAccepted: Bool = false, limit: Int? = nil, offset: Int = 0, returnedOnly: Bool = false) {
        self.caseId = caseId; self.severities = severities; self.rule = rule; self.worker = worker
        self.on = on; self.includeAccepted = includeAccepted; self.limit = limit; self.offset = offset; self.returnedOnly = returnedOnly
    }
}

/// A flag as kept in the store: with the case's worker and the moment it was
/// first raised (or fell due), for ordering by age.
public struct FlagEntry: Hashable, Sendable {
    public var flag: Flag
    public var worker: String
    public var team: String?
    public var since: Timestamp
    /// The manager's review that returned it, with its note.
    public var returned: Review?
    /// When the practitioner first opened the returned item, if they have.
    public var returnedRead: Timestamp?
    /// The manager's escalation, when it is the latest review of this flag: where it went and why.
    public var escalated: Review?

    public init(flag: Flag, worker: String, team: String?, since: Timestamp, returned: Review? = nil, returnedRead: Timestamp? = nil) {
        self.flag = flag; self.worker = worker; self.team = team; self.since = since; self.returned = returned
        self.returnedRead = returnedRead
    }
}

/// Which list of flags a listing reads whole: every open flag the user may see (`flags`), or
/// the manager's review queue (`reviewQueue`).
public enum FlagList: Sendable {
    case flags, reviewQueue
}

/// A review queue item as the command line lists it: its place in the queue and whether it
/// was returned, without the flag's message or the reviews behind it (read as whole entries,
/// those were most of the time of the queue's text at 100,000 cases).
public struct QueueLine: Hashable, Sendable {
    public var severity: Severity
    public var since: Timestamp
    public var caseId: String
    public var recordId: String
    public var worker: String
    public var rule: String
    /// The review that returned it, if one did and it is not yet reviewed again.
    public var returnedIn: String?
    /// When the practitioner first opened the returned item, if they have.
    public var returnedRead: Timestamp?

    public init(severity: Severity, since: Timestamp, caseId: String, recordId: String, worker: String, rule: String,
                returnedIn: String? = nil, returnedRead: Timestamp? = nil) {
        self.severity = severity; self.since = since; self.caseId = caseId; self.recordId = recordId; self.worker = worker
        self.rule = rule; self.returnedIn = returnedIn; self.returnedRead = returnedRead
    }

    public init(_ e: FlagEntry) {
        self.init(severity: e.flag.severity, since: e.since, caseId: e.flag.caseId, recordId: e.flag.recordId, worker: e.worker,
                  rule: e.flag.rule, returnedIn: e.flag.returnedIn, returnedRead: e.returnedRead)
    }
}

/// A line of the workbook's case list: the case and its open flags by severity.
public struct CaseListEntry: Hashable, Sendable {
    public var summary: CaseSummary
    public var openFlags: [Severity: Int]

    public init(summary: CaseSummary, openFlags: [Severity: Int]) {
        self.summary = summary
        self.openFlags = openFlags
    }
}

/// One change in a batch saved in a single transaction.
public enum RecordChange: Hashable, Sendable {
    case add(CaseRecord)
    case amend(CaseRecord, reason: String)
}

/// Form input kept while it is typed, so nothing is lost if the session ends.
public struct Draft: Hashable, Sendable, Codable {
    /// Stable for one form on one record, e.g. "C-0001/new-note" or "C-0001/D3".
    public var id: String
    public var caseId: String?
    public var kind: String
    /// A short, id-only description for the resume prompt, e.g. "note on C-0001".
    public var title: String
    /// The form's state, as the UI encodes it.
    public var payload: String
    public var updatedAt: Timestamp
    /// When it was offered, past the policy's keeping period, for the last
    /// time: it is removed the next time drafts are tidied, unless resumed.
    public var lastOfferedAt: Timestamp?

    public init(id: String, caseId: String?, kind: String, title: String, payload: String, updatedAt: Timestamp,
                lastOfferedAt: Timestamp? = nil) {
        self.id = id; self.caseId = caseId; self.kind = kind; self.title = title; self.payload = payload; self.updatedAt = updatedAt
        self.lastOfferedAt = lastOfferedAt
    }
}
