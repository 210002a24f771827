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
    /// "2026-03-02 10:15" in UK local time, for the command line, exports and handovers.
    public var short: String { LocalTime.london.absolute(self) }
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

extension NotSoughtReason {
    /// The reason in words (002, 004, 000), as the walkthrough offers it and a summary says it;
    /// each starts with a word its first letter picks.
    public var label: String {
        switch self {
        case .riskToChild: "risk to the child: asking would put them at greater risk of significant harm"
        case .riskToAdult: "risk to an adult of serious harm"
        case .prejudiceCrimeInvestigation: "prejudice to preventing, detecting or prosecuting a crime"
        case .unjustifiedDelay: "unjustified delay"
        case .cannotGive: "cannot give it: the person is unable to consent"
        case .statutoryDutyOrOrder: "statutory duty or court order"
        case .notIdentifying: "nothing shared identifies anyone"
        case .noRealChoice: "no real choice: you would share anyway"
        case .notPracticable: "not practicable: no one with parental responsibility can be reached in time"
        }
    }
}

extension LawfulBasis {
    /// The UK GDPR Art. 6 basis in words.
    public var label: String {
        switch self {
        case .publicTask: "public task"
        case .legalObligation: "legal obligation"
        case .legitimateInterests: "legitimate interests"
        case .vitalInterests: "vital interests"
        case .consent: "consent"
        case .contract: "contract"
        }
    }
}

extension StatutoryGateway {
    /// The Act and section (001 "Legislation").
    public var label: String {
        switch self {
        case .ca1989s47: "Children Act 1989 s.47"
        case .ca2004s10: "Children Act 2004 s.10"
        case .ca2004s11: "Children Act 2004 s.11"
        case .cda1998s115: "Crime and Disorder Act 1998 s.115"
        case .ea2002s175: "Education Act 2002 s.175 / s.157"
        case .courtOrder: "a court order"
        case .other: "other"
        }
    }
}

/// The Art. 9 conditions the workbook offers for special category data (case-file-v2.md;
/// 001 "The GDPR and Data Protection Act 2018"), by the code stored and in words.
public enum SpecialCategoryConditions {
    public static let offered: [(code: String, label: String)] = [
        ("dpa2018-sch1-safeguarding", "safeguarding of children and individuals at risk (DPA 2018 Sch. 1)"),
        ("explicit-consent", "explicit consent"),
        ("vital-interests", "vital interests"),
        ("legal-claims", "legal claims"),
        ("health-social-care", "health or social care"),
    ]

    /// A stored condition in words: an offered code's label, or the text written.
    public static func label(_ condition: String) -> String {
        offered.first { $0.code == condition }?.label ?? condition
    }
}

extension CapacityActing {
    /// Who acts for a young person lacking capacity, in words.
    public var label: String {
        switch self {
        case .bestInterests: "a best-interests decision"
        case .attorney: "an attorney"
        case .deputy: "a deputy"
        }
    }
}

extension OrganisationSector {
    /// The sector in words, as the lawful-basis step names it.
    public var label: String { self == .public ? "public body" : "\(rawValue) sector" }
}
