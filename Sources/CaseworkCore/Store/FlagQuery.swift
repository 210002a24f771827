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

    public init(caseId: String? = nil, severities: Set<Severity>? = nil, rule: String? = nil, worker: String? = nil,
                on: Day, includeAccepted: Bool = false, limit: Int? = nil) {
        self.caseId = caseId; self.severities = severities; self.rule = rule; self.worker = worker
        self.on = on; self.includeAccepted = includeAccepted; self.limit = limit
    }
}

/// A flag as kept in the store: with the case's worker and the moment it was
/// first raised (or fell due), for ordering by age.
public struct FlagEntry: Hashable, Sendable {
    public var flag: Flag
    public var worker: String
    public var team: String?
    public var since: Timestamp

    public init(flag: Flag, worker: String, team: String?, since: Timestamp) {
        self.flag = flag; self.worker = worker; self.team = team; self.since = since
    }
}
