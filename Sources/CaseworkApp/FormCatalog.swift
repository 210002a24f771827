import CaseworkCore
import TerminalKit

/// Which form is open.
public enum FormKind: String, Hashable, Sendable, Codable {
    case newCase, caseDetails, note, concern, person, episode, consent, withdrawConsent, disclosureOut, disclosureIn, walkthrough

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
        case .newCase, .caseDetails:
            var f = [Field("title", "Case title", hint: "A short description, e.g. \"Year 9 pupil, attendance\"")]
            if kind == .newCase { f.append(Field("id", "Case id", hint: "Letters, digits, '-', e.g. C-0042")) }
            f += [Field("child.name", "Child's name"), Field("child.dateOfBirth", "Date of birth", .date, hint: "YYYY-MM-DD; leave empty for a pre-birth case"),
                  Field("child.expectedBirth", "Expected birth (pre-birth cases)", .date),
                  Field("child.preferredCommunication", "How the child prefers to communicate"),
                  Field("team", "Team"), Field.yesNo("careOrder", "Is there a care order?", hint: "Then questions of consent go to the local authority holding it (004)")]
            if kind == .newCase {
                f.append(Field("episode.reason", "Why work with the family starts (first episode)"))
            } else {
                f += [Field("closed", "Closed on", .date), Field("retentionReviewBy", "Review retention by", .date,
                                                                  hint: "A closed case needs a date to review whether it is still kept (001, 004 'Record')",
                                                                  clears: .retentionReviewBy)]
            }
            return f
        case .note: return Forms.note(c).shown(v, c)
        case .concern: return Forms.concern(c).shown(v, c)
        case .person: return Forms.person(c).shown(v, c)
        case .episode: return Forms.episode(c).shown(v, c)
        case .consent:
            return consentFields(v, c, isEditing: isEditing)
        case .withdrawConsent:
            return [Field("withdrawnAt", "Withdrawn at", .time), Field("how", "How it was withdrawn",
                                                                       hint: "e.g. \"told me by phone\"; kept as the reason of the amendment")]
        case .disclosureOut, .disclosureIn:
            return Forms.disclosure(kind == .disclosureOut, c).shown(v, c)
        case .walkthrough:
            return []
        }
    }

    static func consentFields(_ v: FormValues, _ c: Case?, isEditing: Bool) -> [Field] {
        var f = [Field("givenBy", "Who gives or refuses consent", .choice([Choice("child", "the child or young person")] + personChoices(c)), clears: .givenBy),
                 Field("givenAt", "When", .time)]
        let age: Int? = (try? v.time("givenAt")).flatMap { $0 }.flatMap { c?.childAge(on: $0.localDay) }
        if let age {
            f.append(Field("age", "Child's age on that date", .info(age < 16 ? "\(age): under 16, so a child's own consent needs the competence checklist (004)" : "\(age): 16 or over, presumed able to decide (002, 004)")))
        }
        f += [Field("episodeId", "Episode", .choice(episodeChoices(c)), hint: "Consent is sought afresh for each episode (002)"),
              Field.options("decision", "Decision", ConsentDecision.self)]
        if v["givenBy"] == "child", age.map({ $0 < 16 }) ?? false {
            f += [Field("competence.info", "Competence checklist", .info("The five criteria of the Pan Bedfordshire guide (004)")),
                  Field.yesNo("competence.understandsQuestion", "Understands the question asked?", clears: .competence),
                  Field.yesNo("competence.understandsImplications", "Understands what would be shared, why, and what follows from sharing or not?"),
                  Field.yesNo("competence.weighsAlternatives", "Can weigh up the alternatives?"),
                  Field.yesNo("competence.ownView", "Expresses their own view?"),
                  Field.yesNo("competence.consistent", "Is consistent in that view?"),
                  Field("competence.assessedBy", "Assessed by"), Field("competence.note", "Competence notes")]
        }
        f += [Field("informed.whatShared", "Explained: what would be shared", clears: .informed), Field("informed.why", "Explained: why"),
              Field("informed.withWhom", "Explained: with whom", hint: "Name the agencies or people (002)"),
              Field("informed.implications", "Explained: what follows from sharing, or not"),
              Field.yesNo("informed.understandingChecked", "Did you check they understood?"),
              Field("scope.purposes", "Purposes (one per line)", .multiline(rows: 2)),
              Field("scope.recipients", "Who may receive it (one per line)", .multiline(rows: 2)),
              Field("scope.restrictions", "Who must not receive it (one per line)", .multiline(rows: 2), hint: "e.g. Father, Housing"),
              Field.options("form", "Form of consent", ConsentForm.self, hint: "Written is preferred; implied consent is not enough (004)", clears: .form)]
        switch v["form"] {
        case "written":
            f += [Field.yesNo("copyGivenToPerson", "Copy given to the person?"), Field("fileReference", "File reference")]
        case "verbal":
            f.append(Field("whyNotWritten", "Why it was not in writing", clears: .whyNotWritten))
        default: break
        }
        f.append(Field("reviewBy", "Review by", .date, hint: "Consent is time limited (001)"))
        if isEditing { f.append(Field.options("status", "Status", ConsentStatus.self)) }
        return f
    }

    // MARK: Starting values

    public static func values(_ kind: FormKind, editing record: CaseRecord?, case c: Case?, user: String, now: Timestamp) -> FormValues {
        let ctx = FormContext(case: c, user: user, now: now)
        switch record {
        case .header(let h)?:
            return ["title": h.title, "child.name": h.child.name, "child.dateOfBirth": h.child.dateOfBirth?.description ?? "",
                    "child.expectedBirth": h.child.expectedBirth?.description ?? "", "child.preferredCommunication": h.child.preferredCommunication ?? "",
                    "team": h.team ?? "", "careOrder": yesNo(h.careOrder), "closed": h.closed?.description ?? "",
                    "retentionReviewBy": h.retentionReviewBy?.description ?? ""]
        case .note(let n)?: return Forms.note(c).values(n, ctx)
        case .concern(let k)?: return Forms.concern(c).values(k, ctx)
        case .person(let p)?: return Forms.person(c).values(p, ctx)
        case .episode(let e)?: return Forms.episode(c).values(e, ctx)
        case .consent(let k)? where kind == .withdrawConsent:
            return ["withdrawnAt": now.text, "how": "", "consentId": k.id]
        case .consent(let k)?:
            var v: FormValues = ["givenBy": k.givenBy.description, "givenAt": k.givenAt.text, "episodeId": k.episodeId,
                                 "decision": k.decision.rawValue, "form": k.form.rawValue, "copyGivenToPerson": yesNo(k.copyGivenToPerson),
                                 "fileReference": k.fileReference ?? "", "whyNotWritten": k.whyNotWritten ?? "",
                                 "informed.whatShared": k.informed.whatShared ?? "", "informed.why": k.informed.why ?? "",
                                 "informed.withWhom": k.informed.withWhom ?? "", "informed.implications": k.informed.implications ?? "",
                                 "informed.understandingChecked": yesNo(k.informed.understandingChecked),
                                 "scope.purposes": joined(k.scope.purposes), "scope.recipients": joined(k.scope.recipients),
                                 "scope.restrictions": joined(k.scope.restrictions), "reviewBy": k.reviewBy?.description ?? "",
                                 "status": k.status.rawValue, "withdrawnAt": k.withdrawnAt?.text ?? ""]
            if let a = k.competence {
                v["competence.understandsQuestion"] = yesNo(a.understandsQuestion)
                v["competence.understandsImplications"] = yesNo(a.understandsImplications)
                v["competence.weighsAlternatives"] = yesNo(a.weighsAlternatives)
                v["competence.ownView"] = yesNo(a.ownView)
                v["competence.consistent"] = yesNo(a.consistent)
                v["competence.assessedBy"] = a.assessedBy
                v["competence.assessedAt"] = a.assessedAt.text
                v["competence.note"] = a.note ?? ""
            }
            return v
        case .disclosure(let x)?: return Forms.disclosure(x.direction == .outgoing, c).values(x, ctx)
        default:
            break
        }
        switch kind {
        case .newCase: return ["careOrder": "no"]
        case .note: return Forms.note(c).values(nil, ctx)
        case .concern: return Forms.concern(c).values(nil, ctx)
        case .person: return Forms.person(c).values(nil, ctx)
        case .episode: return Forms.episode(c).values(nil, ctx)
        case .consent: return ["givenAt": now.text, "episodeId": latestEpisode(c), "decision": "given", "form": "written",
                               "competence.assessedBy": user]
        case .disclosureOut, .disclosureIn: return Forms.disclosure(kind == .disclosureOut, c).values(nil, ctx)
        default: return [:]
        }
    }

    // MARK: Building records

    public static func build(_ kind: FormKind, _ v: FormValues, case c: Case?, editing recordId: String?, user: User,
                             now: Timestamp) throws(FormProblem) -> FormResult {
        let ctx = FormContext(case: c, user: user.name, now: now)
        let editing = recordId.flatMap { id in c?.records.first { $0.id == id } }
        switch kind {
        case .newCase:
            let id = try v.required("id", "A case id")
            guard CaseValidation.isValidId(id) else { throw FormProblem("id", "use \(CaseValidation.idRule)") }
            let child = Child(name: try v.required("child.name", "The child's name"), dateOfBirth: try v.day("child.dateOfBirth"),
                              expectedBirth: try v.day("child.expectedBirth"), preferredCommunication: v.text("child.preferredCommunication"))
            if child.dateOfBirth == nil && child.expectedBirth == nil {
                throw FormProblem("child.dateOfBirth", "give a date of birth, or an expected birth date for a pre-birth case")
            }
            return .newCase(Case(id: id, title: try v.required("title", "A title"), opened: now.localDay, worker: user.name,
                                 team: v.text("team") ?? user.teams.first, careOrder: v.bool("careOrder") ?? false, child: child,
                                 episodes: [Episode(id: "E1", started: now.localDay, reason: v.text("episode.reason"))]))
        case .caseDetails:
            guard let c else { throw FormProblem("title", "the case is not loaded") }
            var h = CaseHeader(c)
            h.title = try v.required("title", "A title")
            h.child = Child(name: try v.required("child.name", "The child's name"), dateOfBirth: try v.day("child.dateOfBirth"),
                            expectedBirth: try v.day("child.expectedBirth"), preferredCommunication: v.text("child.preferredCommunication"))
            h.team = v.text("team")
            h.careOrder = v.bool("careOrder") ?? false
            h.closed = try v.day("closed")
            h.retentionReviewBy = try v.day("retentionReviewBy")
            return .changes([.header(h)])
        case .note:
            return .changes([.note(try Forms.note(c).build(v, editing: editing.flatMap { if case .note(let n) = $0 { n } else { nil } }, ctx))])
        case .concern:
            return .changes([.concern(try Forms.concern(c).build(v, editing: editing.flatMap { if case .concern(let k) = $0 { k } else { nil } }, ctx))])
        case .person:
            return .changes([.person(try Forms.person(c).build(v, editing: editing.flatMap { if case .person(let p) = $0 { p } else { nil } }, ctx))])
        case .episode:
            return .changes([.episode(try Forms.episode(c).build(v, editing: editing.flatMap { if case .episode(let e) = $0 { e } else { nil } }, ctx))])
        case .consent:
            return .changes([.consent(try consent(v, c, recordId: recordId, user: user, now: now))])
        case .withdrawConsent:
            guard let id = recordId, var k = c?.consent(id) else { throw FormProblem("withdrawnAt", "no such consent") }
            _ = try v.required("how", "How it was withdrawn")
            k.status = .withdrawn
            k.withdrawnAt = try v.time("withdrawnAt") ?? now
            return .changes([.consent(k)])
        case .disclosureOut, .disclosureIn:
            let x = editing.flatMap { if case .disclosure(let x) = $0 { x } else { nil } }
            return .changes([.disclosure(try Forms.disclosure(kind == .disclosureOut, c).build(v, editing: x, ctx))])
        case .walkthrough:
            throw FormProblem("", "the walkthrough saves itself")
        }
    }

    static func consent(_ v: FormValues, _ c: Case?, recordId: String?, user: User, now: Timestamp) throws(FormProblem) -> Consent {
        guard let givenByText = v.text("givenBy") else { throw FormProblem("givenBy", "choose who gave or refused consent") }
        guard let episode = v.text("episodeId") else { throw FormProblem("episodeId", "choose the episode; add one first if there is none") }
        guard let decision = v.choice("decision", ConsentDecision.self) else { throw FormProblem("decision", "choose the decision") }
        guard let form = v.choice("form", ConsentForm.self) else { throw FormProblem("form", "choose the form of consent") }
        let givenAt = try v.time("givenAt") ?? now
        var competence: CompetenceAssessment?
        let criteria = ["understandsQuestion", "understandsImplications", "weighsAlternatives", "ownView", "consistent"]
        let answers = criteria.map { v.bool("competence.\($0)") }
        let isChildUnder16 = givenByText == "child" && (c?.childAge(on: givenAt.localDay)).map { $0 < 16 } ?? false
        if isChildUnder16, answers.contains(where: { $0 != nil }) {
            if let i = answers.firstIndex(where: { $0 == nil }) {
                throw FormProblem("competence.\(criteria[i])", "answer each of the five criteria, or none")
            }
            competence = CompetenceAssessment(
                understandsQuestion: answers[0]!, understandsImplications: answers[1]!, weighsAlternatives: answers[2]!,
                ownView: answers[3]!, consistent: answers[4]!, assessedBy: v.text("competence.assessedBy") ?? user.name,
                assessedAt: (try? v.time("competence.assessedAt")).flatMap { $0 } ?? givenAt, note: v.text("competence.note"))
        }
        let existing = recordId.flatMap { c?.consent($0) }
        return Consent(
            id: recordId ?? nextId("CN", in: c), episodeId: episode, givenBy: givenByText == "child" ? .child : .person(givenByText),
            givenAt: givenAt, decision: decision, form: form,
            copyGivenToPerson: form == .written ? v.bool("copyGivenToPerson") : nil,
            fileReference: form == .written ? v.text("fileReference") : nil,
            whyNotWritten: form == .verbal ? v.text("whyNotWritten") : nil,
            informed: ConsentInformed(whatShared: v.text("informed.whatShared"), why: v.text("informed.why"),
                                      withWhom: v.text("informed.withWhom"), implications: v.text("informed.implications"),
                                      understandingChecked: v.bool("informed.understandingChecked")),
            scope: ConsentScope(purposes: v.lines("scope.purposes"), recipients: v.lines("scope.recipients"),
                                restrictions: v.lines("scope.restrictions")),
            competence: competence, reviewBy: try v.day("reviewBy"),
            status: v.choice("status", ConsentStatus.self) ?? existing?.status ?? .active, withdrawnAt: existing?.withdrawnAt)
    }
}
