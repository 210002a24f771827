/// How much a flag matters. `missing` clears only when the entry is written;
/// `check` can also be accepted by a manager with a note; `advice` is a reminder.
public enum Severity: String, CaseFileEnum, Comparable {
    case missing, check, advice

    public var rank: Int {
        switch self {
        case .missing: 0
        case .check: 1
        case .advice: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    /// Flag counts in words, worst first: "missing 2, check 0, advice 1". With `zeros` false the
    /// severities with none are left out; with `bracketed` each reads "[missing 2]".
    public static func counts(_ counts: [Severity: Int], separator: String = ", ", zeros: Bool = true, bracketed: Bool = false) -> String {
        allCases.compactMap { s -> String? in
            let n = counts[s] ?? 0
            guard zeros || n > 0 else { return nil }
            return bracketed ? "[\(s.rawValue) \(n)]" : "\(s.rawValue) \(n)"
        }.joined(separator: separator)
    }

    /// The counts of `items` by severity.
    public static func tally<T>(_ items: some Sequence<T>, _ severity: (T) -> Severity) -> [Severity: Int] {
        items.reduce(into: [:]) { $0[severity($1), default: 0] += 1 }
    }
}

/// Where a flag stands after review.
public enum FlagStatus: String, CaseFileEnum {
    case open, accepted
}

/// The workbook telling a practitioner (and their manager) that a record
/// falls short of the guidance: which rule, on which record, what is missing
/// in plain words, and the guidance it comes from.
public struct Flag: Hashable, Sendable, Codable {
    public var rule: String
    public var severity: Severity
    public var caseId: String
    public var recordId: String
    /// The field whose entry would clear the flag, for jumping to it (a `RecordField`'s key).
    public var field: String?
    public var message: String
    public var source: String
    /// For time-based rules: the first day the flag is raised. `nil`: raised now.
    public var dueFrom: Day?
    public var status: FlagStatus
    /// The review that accepted it, when accepted.
    public var reviewId: String?
    /// The review that returned it to the practitioner, while that is the latest word on it.
    public var returnedIn: String?

    public init(rule: String, severity: Severity, caseId: String, recordId: String, field: String?, message: String,
                source: String, dueFrom: Day? = nil, status: FlagStatus = .open, reviewId: String? = nil, returnedIn: String? = nil) {
        self.rule = rule; self.severity = severity; self.caseId = caseId; self.recordId = recordId; self.field = field
        self.message = message; self.source = source; self.dueFrom = dueFrom; self.status = status; self.reviewId = reviewId
        self.returnedIn = returnedIn
    }

    /// Raised on `day` (time-based rules fall due; others always are).
    public func isRaised(on day: Day) -> Bool { dueFrom.map { $0 <= day } ?? true }

    public var isOpen: Bool { status == .open }

    /// The field that would clear it, typed; nil for none, or for a key no rule of this version names.
    public var recordField: RecordField? { field.flatMap(RecordField.init(rawValue:)) }
}

/// The part of a record whose entry would clear a flag, named by its case-file
/// key (`records.md`): what a rule's finding points at and what the workbook's
/// forms bind their fields to, so a jump from a flag lands where it should.
public enum RecordField: String, CaseIterable, Hashable, Sendable {
    // A decision
    case outcome, rationale, specialCategoryCondition, notInformedReason, advice, lawfulBasis
    case proposedRecipient, specialCategory, publicInterest
    // A disclosure
    case decisionId, when, by, to, from, method, items, wholeFile, consentStatus, consentId, reasons
    case recipientAdvisedNoConsent, recipientIdentityChecked, undertakingSigned
    // A consent
    case givenBy, competence, informed, form, whyNotWritten, capacity
    // A concern: the decision it is waiting for
    case decision
    // The case
    case retentionReviewBy
}

/// What a rule found: the record, the field that would clear it, and a short
/// detail for the message (ids, field names, dates; never record text).
public struct Finding: Hashable, Sendable {
    public var recordId: String
    public var field: RecordField?
    public var detail: String
    public var dueFrom: Day?

    public init(_ recordId: String, field: RecordField? = nil, detail: String = "", dueFrom: Day? = nil) {
        self.recordId = recordId; self.field = field; self.detail = detail; self.dueFrom = dueFrom
    }
}

/// A flag raised by hand on a record, with its reason (rule id `manual`).
public struct ManualFlag: Hashable, Sendable, Codable {
    public var recordId: String
    public var severity: Severity
    public var reason: String
    public var raisedBy: String
    public var raisedAt: Timestamp

    public init(recordId: String, severity: Severity, reason: String, raisedBy: String, raisedAt: Timestamp) {
        self.recordId = recordId; self.severity = severity; self.reason = reason; self.raisedBy = raisedBy; self.raisedAt = raisedAt
    }
}
