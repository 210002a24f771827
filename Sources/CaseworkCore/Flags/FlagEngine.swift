/// Turns a case into its flags under a policy, with the guidance's words.
public struct FlagEngine: Sendable {
    public var policy: Policy
    public var guidance: Guidance

    public init(policy: Policy, guidance: Guidance) {
        self.policy = policy
        self.guidance = guidance
    }

    /// Every flag the case can raise, each with the day it falls due (time-based
    /// rules) and whether a manager accepted it. This is what the store keeps.
    public func flags(for c: Case, manual: [ManualFlag] = []) -> [Flag] {
        var out: [Flag] = []
        for (id, check) in Rules.all {
            guard let setting = policy.setting(id), setting.enabled, let text = guidance.rules[id] else { continue }
            var seen = Set<String>()
            for f in check(c, policy) where seen.insert(f.recordId).inserted {
                let message = text.message.replacingOccurrences(of: "{record}", with: f.recordId)
                    .replacingOccurrences(of: "{detail}", with: f.detail)
                var flag = Flag(rule: id, severity: setting.severity, caseId: c.id, recordId: f.recordId, field: f.field,
                                message: message, source: text.source, dueFrom: f.dueFrom)
                Self.applyReviews(&flag, c)
                out.append(flag)
            }
        }
        for m in manual {
            var flag = Flag(rule: "manual", severity: m.severity, caseId: c.id, recordId: m.recordId, field: nil,
                            message: "Raised by \(m.raisedBy): \(Sanitiser.clean(m.reason))",
                            source: "Raised by hand by \(m.raisedBy) on \(m.raisedAt.localDay)")
            Self.applyReviews(&flag, c)
            out.append(flag)
        }
        return out
    }

    /// Accepted flags close; a return marks the flag for the practitioner until a later review.
    static func applyReviews(_ flag: inout Flag, _ c: Case) {
        if let review = acceptance(of: flag, in: c) {
            flag.status = .accepted
            flag.reviewId = review.id
        }
        if let last = c.reviews.last(where: { $0.target.record == flag.recordId && $0.target.rule == flag.rule }), last.action == .returned {
            flag.returnedIn = last.id
        }
    }

    /// The flags raised on `day`: open ones, or with `includeAccepted` the accepted ones too.
    public func flags(for c: Case, on day: Day, includeAccepted: Bool = false) -> [Flag] {
        flags(for: c).filter { $0.isRaised(on: day) && (includeAccepted || $0.isOpen) }
    }

    /// A manager's acceptance closes a `check` or `advice` flag; a `missing`
    /// flag clears only when the entry is written, so no review closes it.
    static func acceptance(of flag: Flag, in c: Case) -> Review? {
        guard flag.severity != .missing || flag.rule == "manual" else { return nil }
        return c.reviews.last { $0.action == .accepted && $0.target.record == flag.recordId && $0.target.rule == flag.rule }
    }
}
