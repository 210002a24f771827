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
            FieldSpec(Field.yesNo("lacksCapacity", "Lacks capacity (Mental Capacity Act, 16 and over)?"), \.lacksCapacity, .yesNo),
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
            FieldSpec(Field.options("method", "How", SharingMethod.self, hint: "Unencrypted email, fax and voicemail are not secure (001)", clears: .method),
                      \.method, .choice(SharingMethod.self), when: out),
            FieldSpec(Field.yesNo("recipientIdentityChecked", "Did you check the recipient's identity and entitlement?", clears: .recipientIdentityChecked),
                      \.recipientIdentityChecked, .yesNo, when: { v, _ in outgoing && v["method"] == "phone" }),
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
            // Asked of every disclosure out, with consent too: a basis recorded is never dropped by an edit.
            FieldSpec(Field.options("lawfulBasis", "Lawful basis", LawfulBasis.self, clears: .lawfulBasis),
                      \.lawfulBasis, .choice(LawfulBasis.self), when: out),
            FieldSpec(Field.yesNo("recipientAdvisedNoConsent", "Did you tell the recipient consent was refused or not sought?", clears: .recipientAdvisedNoConsent),
                      \.recipientAdvisedNoConsent, .yesNo, when: { v, _ in outgoing && without(v) }),
            FieldSpec(Field("restrictions", "Restrictions on onward use (one per line)", .multiline(rows: 2)), \.restrictions, .lines),
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
