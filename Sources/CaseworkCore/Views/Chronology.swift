/// One line of a case's chronology: a record placed at the moment it happened.
public struct ChronologyEntry: Hashable, Sendable {
    public var at: Timestamp?
    public var recordId: String
    public var kind: RecordKind
    /// A one-line heading, e.g. "Decision: share".
    public var title: String

    public init(at: Timestamp?, recordId: String, kind: RecordKind, title: String) {
        self.at = at; self.recordId = recordId; self.kind = kind; self.title = title
    }
}

extension Case {
    /// Notes, concerns, consents, decisions, disclosures and reviews in time
    /// order; records with no time (a disclosure still being written) come last.
    public var chronology: [ChronologyEntry] {
        var out: [ChronologyEntry] = []
        for n in notes { out.append(.init(at: n.at, recordId: n.id, kind: .note, title: "Note (\(n.kind.label))\(n.opinion == true ? " [opinion]" : "") by \(n.by)")) }
        for k in concerns {
            out.append(.init(at: k.recorded, recordId: k.id, kind: .concern,
                             title: "Concern: \(k.category.label), \(k.riskLevel.label)\(k.childProtection ? ", child protection" : "")"))
        }
        for c in consents {
            let who = c.givenBy.personId.flatMap { person($0)?.name } ?? "the child"
            out.append(.init(at: c.givenAt, recordId: c.id, kind: .consent, title: "Consent \(c.decision.label) by \(who) (\(c.form.rawValue), \(c.status.rawValue))"))
        }
        for d in decisions {
            out.append(.init(at: d.decidedAt, recordId: d.id, kind: .decision,
                             title: "Decision: \(d.outcome?.label ?? "not finished") by \(d.decidedBy)"))
        }
        for x in disclosures {
            let party = x.direction == .outgoing ? x.to : x.from
            let whom = party.map { $0.names.reversed().joined(separator: ", ") } ?? ""
            let title = x.direction == .outgoing
                ? "Disclosure out to \(whom.isEmpty ? "(recipient not recorded)" : whom)\(x.method.map { " by \($0.label)" } ?? "")"
                : "Information in from \(whom.isEmpty ? "(source not recorded)" : whom)"
            out.append(.init(at: x.when, recordId: x.id, kind: .disclosure, title: title))
        }
        for r in reviews {
            out.append(.init(at: r.at, recordId: r.id, kind: .review, title: "Review: \(r.action.rawValue) by \(r.by) on \(r.target.record)"))
        }
        return out.enumerated().sorted { a, b in
            switch (a.element.at, b.element.at) {
            case let (x?, y?): return x.instant != y.instant ? x.instant < y.instant : a.offset < b.offset
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return false
            case (_, nil): return true
            }
        }.map(\.element)
    }
}

extension Timestamp {
    /// "2026-03-02 10:15", with the offset when it is not UTC.
    public var short: String {
        let t = text.replacingOccurrences(of: "T", with: " ")
        let head = String(t.prefix(16))
        if text.hasSuffix("Z") || text.hasSuffix("z") { return head }
        return head + " " + String(text.suffix(6))
    }
}

extension NoteKind {
    public var label: String { self == .childsWords ? "child's words" : rawValue }
}

extension ConcernCategory {
    public var label: String { self == .domesticAbuse ? "domestic abuse" : rawValue }
}

extension RiskLevel {
    public var label: String {
        switch self {
        case .established: "established harm"
        case .suspected: "suspected or potential harm"
        case .wellbeing: "wellbeing need"
        }
    }
}

extension ConsentDecision {
    public var label: String { self == .givenWithRestrictions ? "given with restrictions" : rawValue }
}

extension Outcome {
    public var label: String {
        switch self {
        case .share: "share"
        case .shareLimited: "share limited"
        case .doNotShare: "do not share"
        }
    }
}

extension SharingMethod {
    public var label: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}
