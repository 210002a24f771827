import CaseworkCore

/// The record forms as bound questions (`FormSpec`): each field's label, hint, the flag it clears,
/// its conversion and where in the record it goes, in one line.
enum Forms {
    static func note(_ c: Case?) -> FormSpec<CaseNote> {
        FormSpec(fields: [
            FieldSpec(Field("kind", "Kind of note", .choice(NoteKind.allCases.map { Choice($0.rawValue, $0.label) })),
                      \.kind, .choice(NoteKind.self, or: .other), fillsNew: true),
            FieldSpec(Field("at", "When it happened", .time), \.at, .timeOrNow, fillsNew: true),
            FieldSpec(Field("text", "Note", .multiline(rows: 8), hint: "For the child's own words, write them as said (004)"),
                      \.text, .required("The note")),
            FieldSpec(Field.yesNo("opinion", "Is this your opinion rather than fact?", hint: "Mark opinion as opinion (principle: Accurate)"),
                      \.opinion, .yesNo, fillsNew: true),
            FieldSpec(Field("episodeId", "Episode", .choice(FormCatalog.episodeChoices(c))), \.episodeId, .text, fillsNew: true),
        ], blank: { ctx in
            CaseNote(id: nextId("N", in: ctx.case), at: ctx.now, by: ctx.user, kind: .visit, text: "",
                     episodeId: FormCatalog.latestEpisode(ctx.case), opinion: false)
        })
    }

    static func concern(_ c: Case?) -> FormSpec<Concern> {
        FormSpec(fields: [
            FieldSpec(Field("summary", "What worries you", .multiline(rows: 3)), \.summary, .required("What worries you")),
            FieldSpec(Field("category", "Category", .choice(ConcernCategory.allCases.map { Choice($0.rawValue, $0.label) })),
                      \.category, .requiredChoice(ConcernCategory.self, "choose a category")),
            FieldSpec(Field("riskLevel", "Level of risk", .choice(RiskLevel.allCases.map { Choice($0.rawValue, $0.label) }),
                            hint: "Established harm, suspected or potential harm, or a wellbeing need (000)"),
                      \.riskLevel, .requiredChoice(RiskLevel.self, "choose the level of risk")),
            FieldSpec(Field.yesNo("childProtection", "Is the child suffering, or likely to suffer, significant harm?",
                                  hint: "If yes, you do not need consent to share (golden rule 3, 000)"),
                      \.childProtection, .requiredYesNo("answer yes or no")),
            FieldSpec(Field("recorded", "Recorded at", .time), \.recorded, .timeOrNow, fillsNew: true),
        ], blank: { ctx in
            Concern(id: nextId("K", in: ctx.case), recorded: ctx.now, summary: "", category: ConcernCategory.allCases[0],
                    riskLevel: RiskLevel.allCases[0], childProtection: false)
        })
    }

    static func person(_ c: Case?) -> FormSpec<Person> {
        FormSpec(fields: [
            FieldSpec(Field("name", "Name"), \.name, .required("A name")),
            FieldSpec(Field("relationship", "Relationship to the child"), \.relationship, .required("The relationship")),
            FieldSpec(Field.options("parentalResponsibility", "Parental responsibility", ParentalResponsibility.self,
                                    hint: "One person with PR can consent; check who holds it (004)"),
                      \.parentalResponsibility, .choice(ParentalResponsibility.self, or: .unknown), fillsNew: true),
            FieldSpec(Field.yesNo("livesWithChild", "Lives with the child?"), \.livesWithChild, .yesNo(or: false)),
            // Capacity is decision-specific, never a general yes or no (001): it is assessed on the consent it concerns.
        ], blank: { ctx in
            Person(id: nextId("P", in: ctx.case), name: "", relationship: "", parentalResponsibility: .unknown, livesWithChild: false,
                   lacksCapacity: nil)
        })
    }

    static func episode(_ c: Case?) -> FormSpec<Episode> {
        FormSpec(fields: [
            FieldSpec(Field("started", "Started", .date), \.started, .requiredDay("give the start date"), fillsNew: true),
            FieldSpec(Field("ended", "Ended", .date), \.ended, .day),
            FieldSpec(Field("reason", "Reason"), \.reason, .text),
        ], blank: { ctx in Episode(id: nextId("E", in: ctx.case), started: ctx.now.localDay, ended: nil, reason: nil) })
    }
}

extension Forms {
    /// Information shared (`outgoing`) or received.
    static func disclosure(_ outgoing: Bool, _ c: Case?) -> FormSpec<Disclosure> {
        let out = { (_: FormValues, _: Case?) in outgoing }
        let inward = { (_: FormValues, _: Case?) in !outgoing }
        let without = { (v: FormValues) in v["consentStatus"] == "refused" || v["consentStatus"] == "not-sought" }
        return FormSpec(fields: [
            FieldSpec(Field("decisionId", "The decision this carries out",
                            .choice([Choice("", "none")] + (c?.decisions ?? []).map { Choice($0.id, "\($0.id) \($0.outcome?.label ?? "unfinished")") }),
                            clears: .decisionId), \.decisionId, .text, when: out),
            FieldSpec(Field("when", "When", .time, clears: .when), \.when, .time, fillsNew: true),
            FieldSpec(Field("by", "By whom", clears: .by), \.by, .text, fillsNew: true, when: out),
            FieldSpec(Field("to.name", "To: name", clears: .to), \.toParty.name, .text, when: out),
            FieldSpec(Field("to.role", "To: role"), \.toParty.role, .text, when: out),
            FieldSpec(Field("to.agency", "To: agency"), \.toParty.agency, .text, when: out),
            FieldSpec(Field.options("method", "How", SharingMethod.self, hint: "Unencrypted email and voicemail are not secure; fax and letters need checks (001)",
                                    clears: .method),
                      \.method, .choice(SharingMethod.self), when: out),
            FieldSpec("recipientIdentityChecked", { v, _ in
                Field.yesNo("recipientIdentityChecked", "Did you confirm \(v.choice("method", SharingMethod.self)?.recipientCheck ?? "the recipient")?",
                            clears: .recipientIdentityChecked)
            }, \.recipientIdentityChecked, .yesNo, when: { v, _ in outgoing && v.choice("method", SharingMethod.self)?.recipientCheck != nil }),
            FieldSpec(Field("from.name", "From: name", clears: .from), \.fromParty.name, .text, when: inward),
            FieldSpec(Field("from.role", "From: role"), \.fromParty.role, .text, when: inward),
            FieldSpec(Field("from.agency", "From: agency"), \.fromParty.agency, .text, when: inward),
            FieldSpec(Field("items", outgoing ? "What was shared" : "What was received", .multiline(rows: 4),
                            hint: "One item per line, starting fact:, opinion: or historical:", clears: .items), \.items, .items),
            FieldSpec(Field.yesNo("wholeFile", "Was the whole case file shared?", clears: .wholeFile), \.wholeFile, .yesNo, fillsNew: true, when: out),
            FieldSpec(Field.options("consentStatus", outgoing ? "Consent" : "Did it come with consent?", DisclosureConsentStatus.self, clears: .consentStatus),
                      \.consentStatus, .choice(DisclosureConsentStatus.self)),
            FieldSpec(Field("consentId", "Which consent", .choice((c?.consents ?? []).map { Choice($0.id, "\($0.id) \($0.decision.label), \($0.status.rawValue)") }),
                            clears: .consentId), \.consentId, .text, when: { v, _ in outgoing && v["consentStatus"] == "with-consent" }),
            FieldSpec(Field("reasons", outgoing ? "Why it was shared without consent" : "Reasons given (if known)", .multiline(rows: 2), clears: .reasons),
                      \.reasons, .text, when: { v, _ in without(v) }),
            // Asked of every disclosure out, with consent too: a basis recorded is never dropped by an edit. Without
            // consent, consent and contract are not offered (kept, and flagged, if a saved record names one).
            FieldSpec("lawfulBasis", { v, _ in
                let offered = LawfulBasis.allCases.filter { b in !without(v) || (b != .consent && b != .contract) || v["lawfulBasis"] == b.rawValue }
                return Field("lawfulBasis", "Lawful basis (UK GDPR Art. 6)", .choice(offered.map { Choice($0.rawValue, $0.label) }), clears: .lawfulBasis)
            }, \.lawfulBasis, .choice(LawfulBasis.self), when: out),
            FieldSpec(Field.yesNo("recipientAdvisedNoConsent", "Did you tell the recipient consent was refused or not sought?", clears: .recipientAdvisedNoConsent),
                      \.recipientAdvisedNoConsent, .yesNo, when: { v, _ in outgoing && without(v) }),
            FieldSpec(Field("restrictions", outgoing ? "Restrictions on onward use (one per line)" : "Who it must not go to, or other restrictions (one per line)",
                            .multiline(rows: 2), hint: outgoing ? nil : "Name them as the case would, e.g. Housing; sharing with them is then flagged (002)"),
                      \.restrictions, .lines),
            FieldSpec(Field.yesNo("reasonExplainedToRecipient", "Did you tell the recipient why it was shared before the birth?", hint: "004 'pre-birth'"),
                      \.reasonExplainedToRecipient, .yesNo, when: { _, c in outgoing && c?.child.isUnborn == true }),
            FieldSpec(Field.options("scheme", "Disclosure scheme", DisclosureScheme.self), \.scheme, .choice(DisclosureScheme.self, or: .none), fillsNew: true),
            FieldSpec(Field.yesNo("undertakingSigned", "Was the undertaking signed?", clears: .undertakingSigned),
                      \.undertakingSigned, .yesNo, when: { v, _ in (v["scheme"] ?? "none") != "none" && !(v["scheme"] ?? "").isEmpty }),
        ], blank: { ctx in
            Disclosure(id: nextId("X", in: ctx.case), direction: outgoing ? .outgoing : .incoming, when: ctx.now,
                       by: outgoing ? ctx.user : nil, wholeFile: outgoing ? false : nil, scheme: .none)
        }, finish: { x, _, _ in
            // The other side is always recorded, if only as empty, for the direction the form is.
            if outgoing { x.from = nil; x.to = x.to ?? Party() } else { x.to = nil; x.from = x.from ?? Party() }
        })
    }
}

extension Disclosure {
    /// Who it went to, as the form fills it in (none yet: an empty party).
    var toParty: Party {
        get { to ?? Party() }
        set { to = newValue }
    }

    /// Who it came from, likewise.
    var fromParty: Party {
        get { from ?? Party() }
        set { from = newValue }
    }
}

/// A consent as its form fills it in: the consent, the competence checklist and the capacity
/// assessment answered so far (each is recorded whole or not at all, so its answers wait here until then).
struct ConsentDraft: Equatable {
    var consent: Consent
    var checklist: Checklist
    var capacity: Capacity

    /// The six questions of the competence checklist (004), the conclusion, who assessed, and notes.
    struct Checklist: Equatable {
        var understandsQuestion, understandsImplications, weighsAlternatives, weighsAspects, ownView, consistent: Bool?
        var conclusion: CompetenceConclusion?
        var assessedBy: String?
        var note: String?
    }

    /// A young person's capacity for this one decision (Mental Capacity Act; 001, 004).
    struct Capacity: Equatable {
        var assessed: Bool?
        var decision: String?
        var lacksCapacity: Bool?
        var supportGiven: String?
        var assessedBy: String?
        var actingAs: CapacityActing?
        var bestInterests: String?
    }

    init(_ consent: Consent) {
        self.consent = consent
        let a = consent.competence
        checklist = Checklist(understandsQuestion: a?.understandsQuestion, understandsImplications: a?.understandsImplications,
                              weighsAlternatives: a?.weighsAlternatives, weighsAspects: a?.weighsAspects, ownView: a?.ownView,
                              consistent: a?.consistent, conclusion: a?.conclusion, assessedBy: a?.assessedBy, note: a?.note)
        let m = consent.capacity
        capacity = Capacity(assessed: m == nil ? nil : true, decision: m?.decision, lacksCapacity: m?.lacksCapacity,
                            supportGiven: m?.supportGiven, assessedBy: m?.assessedBy, actingAs: m?.actingAs, bestInterests: m?.bestInterests)
    }
}

extension Forms {
    static func childAge(_ v: FormValues, _ c: Case?) -> Int? {
        // The field holds a whole date once left ("yesterday 9:00" is written out then); the day is the UK one.
        v["givenAt"].flatMap(LocalTime.london.parseWhole).flatMap { c?.childAge(on: $0.localDay) }
    }

    static func childUnder16(_ v: FormValues, _ c: Case?) -> Bool { v["givenBy"] == "child" && childAge(v, c).map { $0 < 16 } ?? false }

    /// A young person of 16 or 17, whose capacity for this decision may be assessed (Mental Capacity Act; 001, 004).
    static func youngPerson(_ v: FormValues, _ c: Case?) -> Bool { childAge(v, c).map { (16...17).contains($0) } ?? false }

    /// Who may give consent, for the person chosen and the case (004): one person with parental
    /// responsibility suffices, separated parents included; a care order shares it with the local authority.
    static func whoMayConsent(_ v: FormValues, _ c: Case?) -> String? {
        guard let c, let pid = v["givenBy"], pid != "child", let p = c.person(pid) else { return nil }
        var parts: [String] = []
        switch p.parentalResponsibility {
        case .yes: parts.append("\(p.relationship) has parental responsibility: one person with it can consent, even where parents are separated (004).")
        case .no: parts.append("\(p.relationship) has no parental responsibility, so cannot consent for the child (004).")
        case .unknown: parts.append("Check whether \(p.relationship.lowercased()) has parental responsibility before relying on their consent (004).")
        }
        if c.careOrder {
            parts.append("There is a care order: the local authority shares parental responsibility; liaise with it on consent (004).")
        }
        if let age = childAge(v, c), age >= 16 {
            parts.append("At \(age) the young person decides for themselves unless they lack capacity for this decision (002, 004).")
        }
        return parts.joined(separator: " ")
    }

    static func consent(_ c: Case?) -> FormSpec<ConsentDraft> {
        let giver = Converter<GivenBy>(read: { $0.description }, write: { v, id, _ throws(FormProblem) in
            guard let t = v.text(id) else { throw FormProblem(id, "choose who gave or refused consent") }
            return t == "child" ? .child : .person(t)
        })
        let checklist = { (v: FormValues, c: Case?) in childUnder16(v, c) }
        let capacity = { (v: FormValues, c: Case?) in youngPerson(v, c) && v["capacity.assessed"] == "yes" }
        let lacks = { (v: FormValues, c: Case?) in capacity(v, c) && v["capacity.lacksCapacity"] == "yes" }
        let written = { (v: FormValues, _: Case?) in v["form"] == "written" }
        return FormSpec(fields: [
            FieldSpec(Field("givenBy", "Who gives or refuses consent", .choice([Choice("child", "the child or young person")] + FormCatalog.personChoices(c)),
                            clears: .givenBy), \.consent.givenBy, giver),
            FieldSpec(Field("givenAt", "When", .time), \.consent.givenAt, .timeOrNow, fillsNew: true),
            FieldSpec(info: "age", "Child's age on that date") { v, c in
                childAge(v, c).map { age in
                    guard v["givenBy"] == "child" || v["givenBy"] == nil else { return "\(age)" }
                    return age < 16 ? "\(age): under 16, so a child's own consent needs the competence checklist (004)"
                                    : "\(age): 16 or over, presumed able to decide (002, 004)"
                }
            },
            FieldSpec(info: "who.info", "Who may consent") { v, c in whoMayConsent(v, c) },
            FieldSpec(Field("episodeId", "Episode", .choice(FormCatalog.episodeChoices(c)), hint: "Consent is sought afresh for each episode (002)"),
                      \.consent.episodeId, .requiredChoice("choose the episode; add one first if there is none"), fillsNew: true),
            FieldSpec(Field.options("decision", "Decision", ConsentDecision.self), \.consent.decision,
                      .requiredChoice(ConsentDecision.self, "choose the decision"), fillsNew: true),
            FieldSpec(info: "competence.info", "Competence checklist") { v, c in
                childUnder16(v, c) ? "The six questions of the Pan Bedfordshire guide (004), then your conclusion" : nil
            },
            FieldSpec(Field.yesNo("competence.understandsQuestion", "Understands the question being asked?", clears: .competence),
                      \.checklist.understandsQuestion, .yesNo, when: checklist),
            FieldSpec(Field.yesNo("competence.understandsImplications", "Understands what would be shared, why, and what follows from sharing or not?"),
                      \.checklist.understandsImplications, .yesNo, when: checklist),
            FieldSpec(Field.yesNo("competence.weighsAlternatives", "Can appreciate and consider the alternatives?"), \.checklist.weighsAlternatives, .yesNo, when: checklist),
            FieldSpec(Field.yesNo("competence.weighsAspects", "Can weigh up one aspect of the situation against another?"),
                      \.checklist.weighsAspects, .yesNo, when: checklist),
            FieldSpec(Field.yesNo("competence.ownView", "Can express their own view?"), \.checklist.ownView, .yesNo, when: checklist),
            FieldSpec(Field.yesNo("competence.consistent", "Is consistent in that view?"), \.checklist.consistent, .yesNo, when: checklist),
            FieldSpec(Field("competence.conclusion", "Your conclusion", .choice([Choice("competent"), Choice("not-competent", "not competent")])),
                      \.checklist.conclusion, .choice(CompetenceConclusion.self), when: checklist),
            FieldSpec(info: "competence.notCompetent", "") { v, c in
                checklist(v, c) && v["competence.conclusion"] == "not-competent"
                    ? "Not competent for this decision: ask a person with parental responsibility for consent, and still seek the child's views and record them (004)."
                    : nil
            },
            FieldSpec(Field("competence.assessedBy", "Assessed by"), \.checklist.assessedBy, .text, fillsNew: true, when: checklist),
            FieldSpec(Field("competence.note", "Competence notes"), \.checklist.note, .text, when: checklist),
            FieldSpec(Field.yesNo("capacity.assessed", "Assess the young person's capacity for this decision (Mental Capacity Act)?",
                                  hint: "At 16 or 17 capacity is presumed; assess it for this one decision, never in general (001, 004)"),
                      \.capacity.assessed, .yesNo, when: { v, c in youngPerson(v, c) }),
            FieldSpec(Field("capacity.decision", "The specific decision assessed"), \.capacity.decision, .text, when: capacity),
            FieldSpec(Field("capacity.supportGiven", "Support given to help them decide"), \.capacity.supportGiven, .text, when: capacity),
            FieldSpec(Field.yesNo("capacity.lacksCapacity", "Conclusion: do they lack capacity for this decision?"), \.capacity.lacksCapacity, .yesNo,
                      when: capacity),
            FieldSpec(Field("capacity.assessedBy", "Assessed by"), \.capacity.assessedBy, .text, when: capacity),
            FieldSpec(Field("capacity.actingAs", "Who acts for them", .choice(CapacityActing.allCases.map { Choice($0.rawValue, $0.label) })),
                      \.capacity.actingAs, .choice(CapacityActing.self), when: lacks),
            FieldSpec(Field("capacity.bestInterests", "The best-interests reasoning", .multiline(rows: 3), clears: .capacity),
                      \.capacity.bestInterests, .text, when: lacks),
            FieldSpec(Field("informed.whatShared", "Explained: what would be shared", clears: .informed), \.consent.informed.whatShared, .text),
            FieldSpec(Field("informed.why", "Explained: why"), \.consent.informed.why, .text),
            FieldSpec(Field("informed.withWhom", "Explained: with whom", hint: "Name the agencies or people (002)"), \.consent.informed.withWhom, .text),
            FieldSpec(Field("informed.implications", "Explained: what follows from sharing, or not"), \.consent.informed.implications, .text),
            FieldSpec(Field.yesNo("informed.understandingChecked", "Did you check they understood?"), \.consent.informed.understandingChecked, .yesNo),
            FieldSpec(Field("scope.purposes", "Purposes (one per line)", .multiline(rows: 2)), \.consent.scope.purposes, .lines),
            FieldSpec(Field("scope.recipients", "Who may receive it (one per line)", .multiline(rows: 2)), \.consent.scope.recipients, .lines),
            FieldSpec(Field("scope.restrictions", "Who must not receive it (one per line)", .multiline(rows: 2), hint: "e.g. Father, Housing"),
                      \.consent.scope.restrictions, .lines),
            FieldSpec(Field.options("form", "Form of consent", ConsentForm.self, hint: "Written is preferred; implied consent is not enough (004)", clears: .form),
                      \.consent.form, .requiredChoice(ConsentForm.self, "choose the form of consent"), fillsNew: true),
            FieldSpec(Field.yesNo("copyGivenToPerson", "Copy given to the person?"), \.consent.copyGivenToPerson, .yesNo,
                      keepsUnasked: true, when: written),
            FieldSpec(Field("fileReference", "File reference"), \.consent.fileReference, .text, keepsUnasked: true, when: written),
            FieldSpec(Field("whyNotWritten", "Why it was not in writing", clears: .whyNotWritten), \.consent.whyNotWritten, .text,
                      keepsUnasked: true, when: { v, _ in v["form"] == "verbal" }),
            FieldSpec(Field("reviewBy", "Review by", .date, hint: "Consent is time limited (001)"), \.consent.reviewBy, .day),
            // Only a saved consent has a status to change (a new one is active).
            FieldSpec(Field.options("status", "Status", ConsentStatus.self), \.consent.optionalStatus, .choice(ConsentStatus.self),
                      when: { v, _ in v["status"] != nil }),
        ], blank: { ctx in
            var d = ConsentDraft(Consent(id: nextId("CN", in: ctx.case), episodeId: FormCatalog.latestEpisode(ctx.case), givenBy: .child,
                                         givenAt: ctx.now, decision: .given, form: .written))
            d.checklist.assessedBy = ctx.user
            return d
        }, finish: { d, v, ctx throws(FormProblem) in
            try settleCompetence(&d, v, ctx)
            try settleCapacity(&d, v, ctx)
        })
    }

    /// A child under 16's assessment is recorded whole, or not at all.
    private static func settleCompetence(_ d: inout ConsentDraft, _ v: FormValues, _ ctx: FormContext) throws(FormProblem) {
        let answers = [d.checklist.understandsQuestion, d.checklist.understandsImplications, d.checklist.weighsAlternatives,
                       d.checklist.weighsAspects, d.checklist.ownView, d.checklist.consistent]
        guard childUnder16(v, ctx.case), answers.contains(where: { $0 != nil }) || d.checklist.conclusion != nil else {
            d.consent.competence = nil
            return
        }
        let criteria = ["understandsQuestion", "understandsImplications", "weighsAlternatives", "weighsAspects", "ownView", "consistent"]
        if let i = answers.firstIndex(where: { $0 == nil }) {
            throw FormProblem("competence.\(criteria[i])", "answer each of the six questions, or none")
        }
        guard let conclusion = d.checklist.conclusion else {
            throw FormProblem("competence.conclusion", "give your conclusion: competent or not competent for this decision")
        }
        let a = answers.map { $0! }
        d.consent.competence = CompetenceAssessment(
            understandsQuestion: a[0], understandsImplications: a[1], weighsAlternatives: a[2], ownView: a[4], consistent: a[5],
            assessedBy: d.checklist.assessedBy ?? ctx.user, assessedAt: d.consent.competence?.assessedAt ?? d.consent.givenAt,
            note: d.checklist.note, weighsAspects: a[3], conclusion: conclusion)
    }

    /// A young person's capacity assessment is recorded with its decision and conclusion, or not at all.
    private static func settleCapacity(_ d: inout ConsentDraft, _ v: FormValues, _ ctx: FormContext) throws(FormProblem) {
        let m = d.capacity
        guard youngPerson(v, ctx.case), m.assessed == true else {
            d.consent.capacity = nil
            return
        }
        guard let decision = m.decision, !decision.isBlank else {
            throw FormProblem("capacity.decision", "name the specific decision whose capacity was assessed (001)")
        }
        guard let lacks = m.lacksCapacity else {
            throw FormProblem("capacity.lacksCapacity", "give the conclusion: yes or no")
        }
        d.consent.capacity = CapacityAssessment(
            decision: decision, lacksCapacity: lacks, supportGiven: m.supportGiven, assessedBy: m.assessedBy ?? ctx.user,
            assessedAt: d.consent.capacity?.assessedAt ?? d.consent.givenAt, actingAs: lacks ? m.actingAs : nil,
            bestInterests: lacks ? m.bestInterests : nil)
    }
}

extension Consent {
    /// The status as a question: only ever answered for a saved consent.
    var optionalStatus: ConsentStatus? {
        get { status }
        set { if let newValue { status = newValue } }
    }
}

/// A case's details as their form fills them in; a new case also says why work with the family starts.
struct CaseDetailsDraft: Equatable {
    var header: CaseHeader
    var firstEpisodeReason: String?
}

extension Forms {
    /// The case's own details; with no case yet (`c` nil), a new case, which also asks its id and first episode.
    static func caseDetails(_ c: Case?) -> FormSpec<CaseDetailsDraft> {
        let isNew = { (_: FormValues, c: Case?) in c == nil }
        let isSaved = { (_: FormValues, c: Case?) in c != nil }
        return FormSpec(fields: [
            FieldSpec(Field("title", "Case title", hint: "A short description, e.g. \"Year 9 pupil, attendance\""), \.header.title, .required("A title")),
            FieldSpec(Field("id", "Case id", hint: "Letters, digits, '-', e.g. C-0042"), \.newId, .caseId, keepsUnasked: true, when: isNew),
            FieldSpec(Field("child.name", "Child's name"), \.header.child.name, .required("The child's name")),
            FieldSpec(Field("child.dateOfBirth", "Date of birth", .date, hint: "YYYY-MM-DD; leave empty for a pre-birth case"), \.header.child.dateOfBirth, .day),
            FieldSpec(Field("child.expectedBirth", "Expected birth (pre-birth cases)", .date), \.header.child.expectedBirth, .day),
            FieldSpec(Field("child.preferredCommunication", "How the child prefers to communicate"), \.header.child.preferredCommunication, .text),
            FieldSpec(Field("team", "Team"), \.header.team, .text),
            FieldSpec(Field.yesNo("careOrder", "Is there a care order?", hint: "Then liaise with the local authority holding it on questions of consent (004)"),
                      \.header.careOrder, .yesNo(or: false), fillsNew: true),
            FieldSpec(Field("careOrderFrom", "The care order's start", .date, hint: "Consent a parent gave before it is not questioned (004)"),
                      \.header.careOrderFrom, .day, when: { v, _ in v["careOrder"] == "yes" }),
            FieldSpec(Field("episode.reason", "Why work with the family starts (first episode)"), \.firstEpisodeReason, .text, when: isNew),
            FieldSpec(Field("closed", "Closed on", .date), \.header.closed, .day, when: isSaved),
            FieldSpec(Field("retentionReviewBy", "Review retention by", .date,
                            hint: "A closed case needs a date to review whether it is still kept (001, 004 'Record')", clears: .retentionReviewBy),
                      \.header.retentionReviewBy, .day, when: isSaved),
        ], blank: { ctx in
            CaseDetailsDraft(header: CaseHeader(Case(id: "", title: "", opened: ctx.now.localDay, worker: ctx.user, team: ctx.team, careOrder: false,
                                                     child: Child(name: ""), episodes: [])))
        }, finish: { d, _, ctx throws(FormProblem) in
            guard ctx.case == nil else { return }
            if d.header.child.dateOfBirth == nil && d.header.child.expectedBirth == nil {
                throw FormProblem("child.dateOfBirth", "give a date of birth, or an expected birth date for a pre-birth case")
            }
            d.header.team = d.header.team ?? ctx.team
        })
    }
}

extension CaseDetailsDraft {
    /// The id a new case asks for (a saved case's id cannot change).
    var newId: String? {
        get { header.id.isEmpty ? nil : header.id }
        set { header.id = newValue ?? "" }
    }

    init(_ c: Case) { self.init(header: CaseHeader(c), firstEpisodeReason: nil) }

    /// The new case these details start.
    func newCase(on day: Day) -> Case {
        Case(id: header.id, title: header.title, opened: day, worker: header.worker, team: header.team, careOrder: header.careOrder,
             child: header.child, episodes: [Episode(id: "E1", started: day, reason: firstEpisodeReason)])
    }
}

/// A concern as the practitioner first meets it (issue 15): the child's own words and the worry in one
/// form, about the case it is opened on, or about a new child, whose case it starts.
struct ConcernRecording: Equatable {
    var details: CaseDetailsDraft
    var words: String?
    var said: Timestamp
    var concern: Concern

    /// The new child's name, as the form fills it in.
    var childName: String? {
        get { details.header.child.name.isBlank ? nil : details.header.child.name }
        set { details.header.child.name = newValue ?? "" }
    }

    /// The new case's title, as its form fills it in (none yet: empty).
    var title: String? {
        get { details.header.title.isBlank ? nil : details.header.title }
        set { details.header.title = newValue ?? "" }
    }

    /// The records it makes on `c` (or a new case): the child's words as a note, if any, then the concern.
    func records(in c: Case?, by user: String) -> [CaseRecord] {
        let note = words.map { text in
            CaseRecord.note(CaseNote(id: nextId("N", in: c), at: said, by: user, kind: .childsWords, text: text,
                                     episodeId: c.map(FormCatalog.latestEpisode) ?? "E1", opinion: false))
        }
        return [note, .concern(concern)].compactMap { $0 }
    }

    /// The new case it starts, holding its records; its title, unless given, is the concern's first words.
    func newCase(on day: Day, by user: String) -> Case {
        var d = details
        if d.header.title.isBlank { d.header.title = Self.title(from: concern.summary) }
        return records(in: nil, by: user).reduce(d.newCase(on: day)) { $0.replacing($1) }
    }

    /// The first line of a summary, cut after a word to fit a case title.
    static func title(from summary: String) -> String {
        let line = summary.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard line.count > 48 else { return line }
        let cut = line.prefix(48)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }
}

extension Forms {
    /// Record a concern: about a new child (`c` nil: their name and date of birth start a case), then
    /// the child's words and the concern; the less often changed answers (when, the title, the id) last.
    static func recordConcern(_ c: Case?) -> FormSpec<ConcernRecording> {
        let isNew = { (_: FormValues, c: Case?) in c == nil }
        let concern = Forms.concern(c).fields.filter { $0.id != "recorded" }.map { FieldSpec(lifting: $0, at: \ConcernRecording.concern) }
        return FormSpec(fields: [
            FieldSpec(Field("child.name", "Child's name"), \.childName,
                      Converter(read: { $0 ?? "" }, write: { v, id, _ throws(FormProblem) in try v.required(id, "The child's name") }), when: isNew),
            FieldSpec(Field("child.dateOfBirth", "Date of birth", .date, hint: "YYYY-MM-DD; for a pre-birth case, start it with n (New case)"),
                      \.details.header.child.dateOfBirth, .day, when: isNew),
            FieldSpec(Field("words", "What the child said, in their own words", .multiline(rows: 3),
                            hint: "Write them as said; never promise a child to keep a secret (004)"), \.words, .text),
        ] + concern + [
            FieldSpec(Field("said", "When it was said or seen", .time), \.said, .timeOrNow, fillsNew: true),
            FieldSpec(Field("title", "Case title", hint: "Left empty, the concern's first words"), \.title, .text, when: isNew),
            FieldSpec(Field("id", "Case id", hint: "Letters, digits, '-', e.g. C-0042"), \.details.newId, .caseId, keepsUnasked: true, when: isNew),
        ], blank: { ctx in
            let header = CaseHeader(Case(id: "", title: "", opened: ctx.now.localDay, worker: ctx.user, team: ctx.team, careOrder: false,
                                         child: Child(name: ""), episodes: []))
            return ConcernRecording(details: CaseDetailsDraft(header: header), words: nil, said: ctx.now,
                                    concern: Forms.concern(ctx.case).blank(ctx))
        }, finish: { r, _, ctx throws(FormProblem) in
            r.concern.recorded = ctx.now
            guard ctx.case == nil else { return }
            if r.details.header.child.dateOfBirth == nil {
                throw FormProblem("child.dateOfBirth", "give the child's date of birth (for a pre-birth case, start it with n, New case)")
            }
            r.details.header.team = r.details.header.team ?? ctx.team
        })
    }
}
