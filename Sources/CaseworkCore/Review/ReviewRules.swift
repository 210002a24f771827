/// Where an escalation goes (records.md "Review").
public enum EscalationTarget: String, CaseFileEnum {
    case designatedSafeguardingLead = "dsl"
    case caldicottGuardian = "caldicott-guardian"
    case legal

    public var label: String {
        switch self {
        case .designatedSafeguardingLead: "the designated safeguarding lead"
        case .caldicottGuardian: "the Caldicott Guardian"
        case .legal: "legal"
        }
    }
}

/// A manager's request to act on a flag, a decision or a case.
public struct ReviewRequest: Hashable, Sendable {
    public var caseId: String
    public var action: ReviewAction
    /// The record acted on (the case id for the whole case).
    public var recordId: String
    /// The flag's rule, when the action is on a flag.
    public var rule: String?
    public var note: String
    public var escalateTo: EscalationTarget?

    public init(caseId: String, action: ReviewAction, recordId: String, rule: String? = nil, note: String,
                escalateTo: EscalationTarget? = nil) {
        self.caseId = caseId; self.action = action; self.recordId = recordId; self.rule = rule; self.note = note
        self.escalateTo = escalateTo
    }

    /// A return that names no flag: the manager sends the record back with a note. The store raises a flag by hand
    /// (rule `manual`, the note its reason) and returns that flag, in the same transaction.
    public var returnsByHand: Bool { action == .returned && rule == nil }
}

/// What may be done in review, checked the same way whoever asks. Pure.
public enum ReviewRules {
    /// The id of a case's next review: R1, R2, ….
    public static func nextId(in c: Case) -> String {
        c.nextId("R")
    }

    /// Checks a request against the user, the case and its open flags; returns
    /// the Review to record, or the reason it is refused.
    public static func review(_ r: ReviewRequest, by user: User, ownership: CaseOwnership, case c: Case,
                              openFlags: [Flag], id: String, at: Timestamp) -> Result<Review, StoreError> {
        guard user.role == .manager else {
            return .failure(.forbidden("only a manager can \(verb(r.action)) (you are a worker)"))
        }
        guard Access.canReview(user, ownership) else { return .failure(.caseNotFound(r.caseId)) }
        guard !r.note.isBlank else { return .failure(.invalid("a review needs a note saying why")) }
        guard r.recordId == c.id || c.records.contains(where: { $0.id == r.recordId }) else {
            return .failure(.recordNotFound(caseId: c.id, recordId: r.recordId))
        }
        var note = r.note
        switch r.action {
        case .returned where r.returnsByHand:
            break
        case .returned, .accepted:
            guard let rule = r.rule else { return .failure(.invalid("name the flag's rule (--rule) to \(verb(r.action))")) }
            guard let flag = openFlags.first(where: { $0.rule == rule && $0.recordId == r.recordId }) else {
                return .failure(.invalid("no open \(rule) flag on \(r.recordId) in case \(c.id)"))
            }
            if r.action == .accepted, let refusal = acceptRefusal(flag) { return .failure(.forbidden(refusal)) }
        case .escalated:
            guard let to = r.escalateTo else { return .failure(.invalid("say to whom: dsl, caldicott-guardian or legal")) }
            note = "Escalated to \(to.label): \(r.note)"
        case .signedOff:
            if let refusal = signOffRefusal(r.recordId, caseId: c.id, openFlags: openFlags) { return .failure(.forbidden(refusal)) }
            if r.recordId != c.id, c.decision(r.recordId) == nil {
                return .failure(.invalid("sign off a decision or the whole case, not \(r.recordId)"))
            }
        }
        return .success(Review(id: id, by: user.name, at: at, target: ReviewTarget(rule: r.returnsByHand ? "manual" : r.rule, record: r.recordId),
                               action: r.action, note: note))
    }

    /// Why a decision, or the whole case (`recordId` the case id), cannot be signed off, if it cannot:
    /// a `missing` flag is open on it.
    public static func signOffRefusal(_ recordId: String, caseId: String, openFlags: [Flag]) -> String? {
        let missing = openFlags.filter { $0.severity == .missing && (recordId == caseId || $0.recordId == recordId) }
        guard let first = missing.first else { return nil }
        return "cannot sign off while \(missing.count) missing flag\(missing.count == 1 ? "" : "s") \(missing.count == 1 ? "is" : "are") open (first: \(first.rule) on \(first.recordId))"
    }

    /// Why a flag cannot be accepted, if it cannot: a `missing` flag clears only when the entry is written.
    public static func acceptRefusal(_ flag: Flag) -> String? {
        flag.severity == .missing && flag.rule != "manual"
            ? "a missing flag cannot be accepted: it clears only when the missing entry is written; return it to the practitioner instead"
            : nil
    }

    static func verb(_ a: ReviewAction) -> String {
        switch a {
        case .returned: "return a flag"
        case .accepted: "accept a flag"
        case .escalated: "escalate"
        case .signedOff: "sign off"
        }
    }
}

extension ReviewRules {
    /// Marks each entry whose latest review (of its record and rule) escalated it, from the reviews of their cases.
    public static func markEscalations(_ entries: inout [FlagEntry], reviews: [(caseId: String, review: Review)]) {
        var latest: [String: Review] = [:]
        for (caseId, r) in reviews {
            latest["\(caseId)\u{1F}\(r.target.record)\u{1F}\(r.target.rule ?? "")"] = r
        }
        // Most listed flags are on cases with no escalation: those are passed over without making a key.
        let reviewed = Set(reviews.map(\.caseId))
        guard !reviewed.isEmpty else { return }
        for i in entries.indices where reviewed.contains(entries[i].flag.caseId) {
            let key = "\(entries[i].flag.caseId)\u{1F}\(entries[i].flag.recordId)\u{1F}\(entries[i].flag.rule)"
            if let r = latest[key], r.action == .escalated { entries[i].escalated = r }
        }
    }
}
