import CaseworkCore
import TerminalKit

/// Which form is open.
public enum FormKind: String, Hashable, Sendable, Codable {
    case newCase, caseDetails, note, concern, person, episode, consent, withdrawConsent, disclosureOut, disclosureIn, walkthrough
    /// The child's words and a concern in one form, on a new child's case or the one open.
    case recordConcern

    public var title: String {
        switch self {
        case .newCase: "New case"
        case .caseDetails: "Case details"
        case .note: "Case note"
        case .concern: "Concern"
        case .person: "Person"
        case .episode: "Episode"
        case .consent: "Consent form"
        case .withdrawConsent: "Withdraw consent"
        case .disclosureOut: "Disclosure log: information shared"
        case .disclosureIn: "Disclosure log: information received"
        case .walkthrough: "Should I share this?"
        case .recordConcern: "Record a concern"
        }
    }

    /// The form that edits a saved record of `kind`.
    static func editing(_ record: CaseRecord) -> FormKind? {
        switch record {
        case .header: .caseDetails
        case .note: .note
        case .concern: .concern
        case .person: .person
        case .episode: .episode
        case .consent: .consent
        case .disclosure(let x): x.direction == .outgoing ? .disclosureOut : .disclosureIn
        case .decision: .walkthrough
        case .review: nil
        }
    }
}

/// What a saved form produces.
public enum FormResult: Hashable, Sendable {
    case newCase(Case)
    case changes([CaseRecord])
}

/// The fields of every form, their starting values, and the records they make.
public enum FormCatalog {
    static let safeguardingCondition = "DPA 2018 Sch. 1 para 18: safeguarding of children and individuals at risk"

    static func episodeChoices(_ c: Case?) -> [Choice] {
        (c?.episodes ?? []).map { Choice($0.id, "\($0.id) from \($0.started)\($0.ended == nil ? " (open)" : "")") }
    }

    static func personChoices(_ c: Case?) -> [Choice] {
        (c?.people ?? []).map { Choice($0.id, "\($0.id) \($0.name), \($0.relationship), PR \($0.parentalResponsibility.rawValue)") }
    }

    static func latestEpisode(_ c: Case?) -> String {
        c?.episodes.last { $0.ended == nil }?.id ?? c?.episodes.last?.id ?? ""
    }

    public static func fields(_ kind: FormKind, _ v: FormValues, case c: Case?, isEditing: Bool) -> [Field] {
        switch kind {
        case .newCase, .caseDetails: return Forms.caseDetails(c).shown(v, c)
        case .note: return Forms.note(c).shown(v, c)
        case .concern: return Forms.concern(c).shown(v, c)
        case .person: return Forms.person(c).shown(v, c)
        case .episode: return Forms.episode(c).shown(v, c)
        case .consent:
            return Forms.consent(c).shown(v, c)
        case .withdrawConsent:
            return [Field("withdrawnAt", "Withdrawn at", .time), Field("how", "How it was withdrawn",
                                                                       hint: "e.g. \"told me by phone\"; kept as the reason of the amendment")]
        case .disclosureOut, .disclosureIn:
            return Forms.disclosure(kind == .disclosureOut, c).shown(v, c)
        case .walkthrough:
            return []
        case .recordConcern: return Forms.recordConcern(c).shown(v, c)
        }
    }

    // MARK: Starting values

    public static func values(_ kind: FormKind, editing record: CaseRecord?, case c: Case?, user: String, now: Timestamp,
                              zone: LocalTime = .london) -> FormValues {
        let ctx = FormContext(case: c, user: user, now: now, zone: zone)
        switch record {
        case .header?: return c.map { Forms.caseDetails($0).values(CaseDetailsDraft($0), ctx) } ?? [:]
        case .note(let n)?: return Forms.note(c).values(n, ctx)
        case .concern(let k)?: return Forms.concern(c).values(k, ctx)
        case .person(let p)?: return Forms.person(c).values(p, ctx)
        case .episode(let e)?: return Forms.episode(c).values(e, ctx)
        case .consent(let k)? where kind == .withdrawConsent:
            return ["withdrawnAt": now.text, "how": "", "consentId": k.id]
        case .consent(let k)?: return Forms.consent(c).values(ConsentDraft(k), ctx)
        case .disclosure(let x)?: return Forms.disclosure(x.direction == .outgoing, c).values(x, ctx)
        default:
            break
        }
        switch kind {
        case .newCase: return Forms.caseDetails(nil).values(nil, ctx)
        case .note: return Forms.note(c).values(nil, ctx)
        case .concern: return Forms.concern(c).values(nil, ctx)
        case .recordConcern: return Forms.recordConcern(c).values(nil, ctx)
        case .person: return Forms.person(c).values(nil, ctx)
        case .episode: return Forms.episode(c).values(nil, ctx)
        case .consent: return Forms.consent(c).values(nil, ctx)
        case .disclosureOut, .disclosureIn: return Forms.disclosure(kind == .disclosureOut, c).values(nil, ctx)
        default: return [:]
        }
    }

    // MARK: Building records

    public static func build(_ kind: FormKind, _ v: FormValues, case c: Case?, editing recordId: String?, user: User,
                             now: Timestamp, zone: LocalTime = .london) throws(FormProblem) -> FormResult {
        let ctx = FormContext(case: c, user: user.name, team: user.teams.first, now: now, zone: zone)
        let editing = recordId.flatMap { id in c?.records.first { $0.id == id } }
        switch kind {
        case .newCase:
            return .newCase(try Forms.caseDetails(nil).build(v, editing: nil, ctx).newCase(on: now.localDay))
        case .caseDetails:
            guard let c else { throw FormProblem("title", "the case is not loaded") }
            return .changes([.header(try Forms.caseDetails(c).build(v, editing: CaseDetailsDraft(c), ctx).header)])
        case .note:
            return .changes([.note(try Forms.note(c).build(v, editing: editing.flatMap { if case .note(let n) = $0 { n } else { nil } }, ctx))])
        case .concern:
            return .changes([.concern(try Forms.concern(c).build(v, editing: editing.flatMap { if case .concern(let k) = $0 { k } else { nil } }, ctx))])
        case .person:
            return .changes([.person(try Forms.person(c).build(v, editing: editing.flatMap { if case .person(let p) = $0 { p } else { nil } }, ctx))])
        case .episode:
            return .changes([.episode(try Forms.episode(c).build(v, editing: editing.flatMap { if case .episode(let e) = $0 { e } else { nil } }, ctx))])
        case .consent:
            let k = editing.flatMap { if case .consent(let k) = $0 { ConsentDraft(k) } else { nil } }
            return .changes([.consent(try Forms.consent(c).build(v, editing: k, ctx).consent)])
        case .withdrawConsent:
            guard let id = recordId, var k = c?.consent(id) else { throw FormProblem("withdrawnAt", "no such consent") }
            _ = try v.required("how", "How it was withdrawn")
            k.status = .withdrawn
            k.withdrawnAt = try v.time("withdrawnAt", ctx) ?? now
            return .changes([.consent(k)])
        case .disclosureOut, .disclosureIn:
            let x = editing.flatMap { if case .disclosure(let x) = $0 { x } else { nil } }
            return .changes([.disclosure(try Forms.disclosure(kind == .disclosureOut, c).build(v, editing: x, ctx))])
        case .walkthrough:
            throw FormProblem("", "the walkthrough saves itself")
        case .recordConcern:
            let r = try Forms.recordConcern(c).build(v, editing: nil, ctx)
            if let c { return .changes(r.records(in: c, by: user.name)) }
            return .newCase(r.newCase(on: now.localDay, by: user.name))
        }
    }
}
