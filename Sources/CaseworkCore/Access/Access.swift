/// What a user does in the workbook: a practitioner keeps cases, a manager
/// reviews them; on the team store an administrator (e.g. the information
/// governance lead) manages people, roles and policy and sees no case.
public enum Role: String, CaseFileEnum { case worker, manager, admin }

/// A person known to the store, identified by their operating-system user name.
public struct User: Hashable, Sendable, Codable {
    public var name: String
    public var role: Role
    public var teams: [String]

    public init(name: String, role: Role, teams: [String] = []) {
        self.name = name; self.role = role; self.teams = teams
    }
}

/// The few facts about a case that decide who may see it.
public struct CaseOwnership: Hashable, Sendable {
    public var worker: String
    public var team: String?
    /// Practitioners added to the case besides its owner.
    public var members: Set<String>

    public init(worker: String, team: String?, members: Set<String> = []) {
        self.worker = worker; self.team = team; self.members = members
    }
}

/// Who may do what. Pure rules, applied by the store to every request so the
/// answer is the same whether it comes from the terminal UI or the command line.
public enum Access {
    /// A worker sees the cases they own or were added to. A manager sees the
    /// cases of their teams as well; a manager in no team oversees every case.
    public static func canSee(_ user: User, _ c: CaseOwnership) -> Bool {
        if c.worker == user.name || c.members.contains(user.name) { return true }
        guard user.role == .manager else { return false }
        if user.teams.isEmpty { return true }
        return c.team.map { user.teams.contains($0) } ?? false
    }

    /// Writing to a case (notes, decisions, amendments) needs sight of it.
    public static func canWrite(_ user: User, _ c: CaseOwnership) -> Bool { canSee(user, c) }

    /// A case may be brought in by its own worker or by a manager who would see it.
    public static func canImport(_ user: User, _ c: CaseOwnership) -> Bool { canSee(user, c) }

    /// On the single-user store its manager adds people; on the team store only an administrator.
    public static func canManageUsers(_ user: User) -> Bool { user.role == .manager || user.role == .admin }

    public static func canReview(_ user: User, _ c: CaseOwnership) -> Bool {
        user.role == .manager && canSee(user, c)
    }

    /// What oversees the whole store rather than one case: a manager's, and checking the team store
    /// an administrator's too. Each says what it is for in the refusal.
    public enum Oversight: CaseIterable, Sendable {
        case reviewQueue, teamReport, recomputeAll, setPolicy, adoptBasis, incidentNote, backup, checkTeamStore, addMember, dispose

        /// The refusal, for someone in `role`.
        func refusal(_ role: Role) -> String {
            switch self {
            case .reviewQueue: "only a manager has a review queue (you are \(role.inWords)); see your returned items in the workbook"
            case .teamReport: "only a manager can run the team report (you are \(role.inWords))"
            case .recomputeAll: "only a manager can recompute every case's flags (you are \(role.inWords)); yours are kept current as you write"
            case .setPolicy: "only a manager can set the organisation's policy (you are \(role.inWords))"
            case .adoptBasis: "only a manager can change what the store's flags are computed from (you are \(role.inWords))"
            case .incidentNote: "only a manager can record an incident note (you are \(role.inWords))"
            case .backup: "only a manager can back up the whole store (you are \(role.inWords))"
            case .checkTeamStore: "only an administrator or a manager can check the team store (you are \(role.inWords))"
            case .addMember: "only a manager can add someone to a case (you are \(role.inWords))"
            case .dispose: "only a manager can dispose of a case (you are \(role.inWords))"
            }
        }
    }

    public static func may(_ user: User, _ what: Oversight) -> Bool {
        user.role == .manager || (what == .checkTeamStore && user.role == .admin)
    }

    /// Throws the refusal unless `user` may do `what`.
    public static func require(_ user: User, _ what: Oversight) throws(StoreError) {
        guard may(user, what) else { throw .forbidden(what.refusal(user.role)) }
    }
}
