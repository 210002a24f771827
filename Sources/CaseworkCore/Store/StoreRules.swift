import Foundation
import TerminalKit

/// The checks every store makes of a request before it reaches the database,
/// so the single-user store and the team store answer bad input alike.
public enum StoreRules {
    /// A user's name and teams: names are OS user and database role names.
    public static func checkUser(_ user: User) throws(StoreError) {
        guard CaseValidation.isValidId(user.name) else {
            throw .invalid("\(Quoted(user.name)) is not a valid user name (\(CaseValidation.idRule))")
        }
        try checkTeams(user.teams)
    }

    public static func checkTeams(_ teams: [String]) throws(StoreError) {
        for team in teams where !CaseValidation.isValidTeam(team) {
            throw .invalid("a team name must be one line of visible text")
        }
    }

    /// At most this many records go in at once: an import holds the store's
    /// write lock while it writes, and others wait for it no longer than the
    /// busy timeout (5 s). Measured in BENCHMARKS.md ("Import and the write lock").
    public static let importLimit = 20_000

    /// Cases brought in together: each id once, and no more records than `importLimit`.
    public static func checkImport(_ cases: [Case]) throws(StoreError) {
        var seen = Set<String>()
        for c in cases where !seen.insert(c.id).inserted { throw .invalid("case \(c.id) appears in more than one file") }
        let records = cases.reduce(0) { $0 + $1.records.count }
        guard records <= importLimit else {
            throw .invalid("these files hold \(records) records; at most \(importLimit) go in at once, so that nobody else waits on the store while they are written. Split the file, or import fewer files at a time; nothing was imported")
        }
    }

    /// Records saved together: no second header, no review by this route, a reason for every amendment.
    public static func checkChanges(_ changes: [RecordChange]) throws(StoreError) {
        for change in changes {
            switch change {
            case .add(let r), .amend(let r, _): try checkText(r)
            }
            switch change {
            case .add(let r) where r.kind == .case: throw .invalid("a case has one header; amend it instead")
            case .add(let r) where r.kind == .review, .amend(let r, _) where r.kind == .review:
                throw .forbidden("reviews are recorded by review actions (`casework review ...`), not written directly")
            case .amend(_, let reason) where reason.isBlank: throw .invalid("an amendment needs a reason")
            case .amend(let r, let reason) where reason.count > CaseFileCodec.maxTextLength:
                throw .invalid("record \(r.id): the reason is \(reason.count) characters long; it holds at most 100,000; nothing was saved")
            default: break
            }
        }
    }

    /// Text typed or pasted, as a file's would be: no field longer than
    /// `CaseFileCodec.maxTextLength`, no NUL. Names the record and field, never the text.
    public static func checkText(_ record: CaseRecord) throws(StoreError) {
        guard let tree = try? JSONSerialization.jsonObject(with: Data(record.body().utf8)),
              let bad = CaseFileCodec.firstBadString(tree, path: "")
        else { return }
        throw .invalid("record \(record.id): \(bad.description); nothing was saved")
    }

    /// The case as a whole, after a change: what a case file must satisfy, on `today`.
    public static func validated(_ c: Case, today: Day) throws(StoreError) -> Case {
        do { try CaseValidation.validate(c, today: today) } catch { throw .invalid(error.description) }
        return c
    }
}

extension StoreRules {
    /// The people `me` is shown: a manager in teams sees those teams' people and anyone in no team;
    /// an administrator, and a manager in no team, sees everyone.
    public static func peopleSeen(by me: User, _ people: [User]) -> [User] {
        guard me.role == .manager, !me.teams.isEmpty else { return people }
        return people.filter { $0.name == me.name || $0.teams.isEmpty || !Set($0.teams).isDisjoint(with: me.teams) }
    }
}

extension CaseStore {
    /// Closes an open case on `day` with its retention review date, as a manager offered it at sign-off:
    /// an amendment of its header, with the reason.
    public func closeAtSignOff(caseId: String, on day: Day, reviewBy: Day, by actor: String) throws(StoreError) {
        let me = try identity(claimed: actor)
        let user = try self.user(named: me)
        guard user.role == .manager else { throw .forbidden("only a manager closes a case at sign-off (you are \(user.role.inWords))") }
        var h = CaseHeader(try viewCase(caseId, by: me))
        guard h.closed == nil else { throw .invalid("case \(caseId) is already closed") }
        h.closed = day
        h.retentionReviewBy = reviewBy
        try save([.amend(.header(h), reason: "closed at sign-off; retention review by \(reviewBy)")], inCase: caseId, by: me)
    }

    /// Keeps a closed case until a new review date, with the reason: an
    /// amendment of its header by a manager.
    public func retain(caseId: String, until: Day, reason: String, by actor: String) throws(StoreError) {
        guard !reason.isBlank else { throw .invalid("keeping a case needs a reason") }
        let me = try identity(claimed: actor)
        let user = try self.user(named: me)
        guard user.role == .manager else { throw .forbidden("only a manager can record a retention decision (you are \(user.role.inWords))") }
        var h = CaseHeader(try viewCase(caseId, by: me))
        guard h.closed != nil else { throw .invalid("case \(caseId) is open; retention applies to closed cases") }
        h.retentionReviewBy = until
        try save([.amend(.header(h), reason: "retention: keep until \(until): \(reason)")], inCase: caseId, by: me)
    }
}

extension Role {
    /// "a worker", "a manager", "an administrator".
    public var inWords: String { self == .admin ? "an administrator" : "a \(rawValue)" }
}
