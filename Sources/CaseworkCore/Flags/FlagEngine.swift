import TerminalKit

/// Turns a case into its flags under a policy, with the guidance's words.
public struct FlagEngine: Sendable {
    public var policy: Policy { didSet { enabled = Self.enabled(policy, guidance) } }
    public var guidance: Guidance { didSet { enabled = Self.enabled(policy, guidance) } }
    /// The rules the policy turns on, in the spec's order, with their severity and words: looked up once,
    /// not twice per rule for every case of a recompute.
    private var enabled: [EnabledRule]

    /// A rule the policy turns on, with its severity and words.
    struct EnabledRule: Sendable {
        let id: String
        let check: Rules.Check
        let severity: Severity
        let text: RuleText
    }

    public init(policy: Policy, guidance: Guidance) {
        self.policy = policy
        self.guidance = guidance
        enabled = Self.enabled(policy, guidance)
    }

    static func enabled(_ policy: Policy, _ guidance: Guidance) -> [EnabledRule] {
        Rules.all.compactMap { id, check in
            guard let setting = policy.setting(id), setting.enabled, let text = guidance.rules[id] else { return nil }
            return EnabledRule(id: id, check: check, severity: setting.severity, text: text)
        }
    }

    /// Every flag the case can raise, each with the day it falls due (time-based
    /// rules) and whether a manager accepted it. This is what the store keeps.
    public func flags(for c: Case, manual: [ManualFlag] = []) -> [Flag] {
        var out: [Flag] = []
        let subject = Rules.Subject(c)
        for k in enabled.indices {
            let findings = enabled[k].check(subject, policy)
            guard !findings.isEmpty else { continue }
            let rule = enabled[k]
            var seen = Set<String>()
            for f in findings where seen.insert(f.recordId).inserted {
                let message = Self.fill(rule.text.message, record: f.recordId, detail: f.detail)
                var flag = Flag(rule: rule.id, severity: rule.severity, caseId: c.id, recordId: f.recordId, field: f.field?.rawValue,
                                message: message, source: rule.text.source, dueFrom: f.dueFrom)
                Self.applyReviews(&flag, c)
                out.append(flag)
            }
        }
        for flag in Self.manualFlags(manual, in: c) { out.append(flag) }
        return out
    }

    /// A rule's message with `{record}` and `{detail}` put in (each wherever it occurs). Read byte by
    /// byte, as every raised flag's message is filled in a recompute: walking the template by
    /// `Character` cost 1–4% of its CPU.
    static func fill(_ template: String, record: String, detail: String) -> String {
        let bytes = template.utf8
        guard bytes.contains(UInt8(ascii: "{")) else { return template }
        var out = ""
        var from = bytes.startIndex, i = from
        while let open = bytes[i...].firstIndex(of: UInt8(ascii: "{")) {
            let tail = bytes[open...]
            let value: String? = tail.starts(with: "{record}".utf8) ? record : tail.starts(with: "{detail}".utf8) ? detail : nil
            guard let value else { i = bytes.index(after: open); continue }
            out += template[from..<open]
            out += value
            from = bytes.index(open, offsetBy: 8)
            i = from
        }
        return out + template[from...]
    }

    /// Flags raised by hand: one per record, whoever raised it. Each author's
    /// flag is their own row, so a later raise adds to an earlier one and never
    /// replaces it; the flag takes the most severe of them, names every author
    /// and reason, and a review clears it only if it came after the last raise.
    static func manualFlags(_ manual: [ManualFlag], in c: Case) -> [Flag] {
        var order: [String] = []
        var byRecord: [String: [ManualFlag]] = [:]
        for m in manual {
            if byRecord[m.recordId] == nil { order.append(m.recordId) }
            byRecord[m.recordId, default: []].append(m)
        }
        return order.map { recordId in
            let raised = byRecord[recordId]!.sorted { ($0.raisedAt, $0.raisedBy) < ($1.raisedAt, $1.raisedBy) }
            var flag = Flag(rule: "manual", severity: raised.map(\.severity).min()!, caseId: c.id, recordId: recordId, field: nil,
                            message: raised.map { "Raised by \($0.raisedBy): \(Sanitiser.clean($0.reason))" }.joined(separator: "; "),
                            source: "Raised by hand by " + raised.map { "\($0.raisedBy) on \($0.raisedAt.localDay)" }.joined(separator: ", "))
            applyReviews(&flag, c)
            if let review = flag.reviewId.flatMap({ id in c.reviews.first { $0.id == id } }), review.at < raised.last!.raisedAt {
                flag.status = .open
                flag.reviewId = nil
            }
            return flag
        }
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
