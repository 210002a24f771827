import TerminalKit

/// The whole case as readable plain text, for `casework show` and for anyone
/// reading a case away from the workbook. Every piece of record text is
/// sanitised, so nothing from a record can drive the terminal.
public enum PlainCaseView {
    public static func render(_ c: Case, today: Day, notes: [String: [String]] = [:]) -> String {
        var out: [String] = []
        func add(_ s: String) { out.append(s) }
        func text(_ s: String?) -> String { Sanitiser.clean(s ?? "") }
        func block(_ label: String, _ s: String?, indent: String = "      ") {
            guard let s, !s.isBlank else { return }
            let lines = Sanitiser.clean(s, lines: .keep).split(separator: "\n", omittingEmptySubsequences: false)
            add(indent + (label.isEmpty ? "" : label + ": ") + (lines.first.map(String.init) ?? ""))
            for line in lines.dropFirst() { add(indent + "  " + line) }
        }
        func flagLines(_ id: String, indent: String = "      ") {
            for line in notes[id] ?? [] { add(indent + "! " + text(line)) }
        }

        add("Case \(c.id): \(text(c.title))")
        add("Worker \(text(c.worker))\(c.team.map { " · team \(text($0))" } ?? "") · opened \(c.opened) · "
            + (c.closed.map { "closed \($0)" } ?? "open"))
        var child = "Child: \(text(c.child.name))"
        if let dob = c.child.dateOfBirth {
            child += ", born \(dob) (age \(dob.years(until: today)) on \(today))"
        } else if let due = c.child.expectedBirth {
            child += ", expected \(due) (pre-birth)"
        }
        add(child)
        if let pref = c.child.preferredCommunication, !pref.isBlank { add("Communication: \(text(pref))") }
        add("Care order: \(c.careOrder ? "yes" : "no") · retention review by: \(c.retentionReviewBy?.description ?? "not set")")
        flagLines(c.id, indent: "")

        add("")
        add("People")
        if c.people.isEmpty { add("  (none recorded)") }
        for p in c.people {
            add("  \(p.id)  \(text(p.name)), \(text(p.relationship)) · parental responsibility: \(p.parentalResponsibility.rawValue)"
                + (p.livesWithChild ? " · lives with the child" : "") + (p.lacksCapacity == true ? " · lacks capacity" : ""))
        }
        add("")
        add("Episodes")
        if c.episodes.isEmpty { add("  (none recorded)") }
        for e in c.episodes {
            add("  \(e.id)  \(e.started) to \(e.ended?.description ?? "now")" + (e.reason.map { " · \(text($0))" } ?? ""))
        }

        add("")
        add("Chronology")
        if c.chronology.isEmpty { add("  (nothing recorded yet)") }
        for entry in c.chronology {
            add("  \(entry.at?.short ?? "(no time)")  \(entry.recordId)  \(text(entry.title))")
            flagLines(entry.recordId)
            switch entry.kind {
            case .note:
                if let n = c.notes.first(where: { $0.id == entry.recordId }) { block("", n.text) }
            case .concern:
                if let k = c.concern(entry.recordId) { block("", k.summary) }
            case .consent:
                if let k = c.consent(entry.recordId) { consentLines(k) { block($0, $1) } }
            case .decision:
                if let d = c.decision(entry.recordId) { decisionLines(d) { block($0, $1) } }
            case .disclosure:
                if let x = c.disclosure(entry.recordId) { disclosureLines(x) { block($0, $1) } }
            case .review:
                if let r = c.reviews.first(where: { $0.id == entry.recordId }) { block("Note", r.note) }
            default: break
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// One record as readable lines: its heading, then its fields (sanitised).
    public static func describe(_ recordId: String, in c: Case) -> [String] {
        var out: [String] = []
        let block = { (label: String, value: String?) in
            guard let value, !value.isBlank else { return }
            let lines = Sanitiser.clean(value, lines: .keep).split(separator: "\n", omittingEmptySubsequences: false)
            out.append((label.isEmpty ? "" : label + ": ") + (lines.first.map(String.init) ?? ""))
            for line in lines.dropFirst() { out.append("  " + line) }
        }
        if recordId == c.id {
            out.append("Case \(c.id): \(Sanitiser.clean(c.title))")
            block("Child", c.child.name)
            block("Born", c.child.dateOfBirth?.description)
            block("Expected birth", c.child.expectedBirth?.description)
            block("Communication", c.child.preferredCommunication)
            block("Team", c.team)
            block("Care order", c.careOrder ? "yes" : "no")
            block("Closed", c.closed?.description)
            block("Retention review by", c.retentionReviewBy?.description)
            return out
        }
        if let p = c.person(recordId) {
            out.append("Person \(p.id): \(Sanitiser.clean(p.name))")
            block("Relationship", p.relationship)
            block("Parental responsibility", p.parentalResponsibility.rawValue)
            block("Lives with the child", p.livesWithChild ? "yes" : "no")
            block("Lacks capacity", yesNo(p.lacksCapacity))
            return out
        }
        if let e = c.episode(recordId) {
            out.append("Episode \(e.id): \(e.started) to \(e.ended?.description ?? "now")")
            block("Reason", e.reason)
            return out
        }
        guard let entry = c.chronology.first(where: { $0.recordId == recordId }) else { return ["No record \(recordId)"] }
        out.append("\(entry.at?.short ?? "(no time)")  \(entry.recordId)  \(Sanitiser.clean(entry.title))")
        switch entry.kind {
        case .note: block("", c.notes.first { $0.id == recordId }?.text)
        case .concern: block("", c.concern(recordId)?.summary)
        case .consent: if let k = c.consent(recordId) { consentLines(k, block) }
        case .decision: if let d = c.decision(recordId) { decisionLines(d, block) }
        case .disclosure: if let x = c.disclosure(recordId) { disclosureLines(x, block) }
        case .review: block("Note", c.reviews.first { $0.id == recordId }?.note)
        default: break
        }
        return out
    }

    static func yesNo(_ b: Bool?) -> String? { b.map { $0 ? "yes" : "no" } }

    static func consentLines(_ k: Consent, _ b: (String, String?) -> Void) {
        b("Episode", k.episodeId)
        b("Explained", [k.informed.whatShared.map { "what: \($0)" }, k.informed.why.map { "why: \($0)" },
                        k.informed.withWhom.map { "with whom: \($0)" }, k.informed.implications.map { "implications: \($0)" }]
            .compactMap { $0 }.joined(separator: "; "))
        b("Understanding checked", yesNo(k.informed.understandingChecked))
        b("Purposes", k.scope.purposes.joined(separator: "; "))
        b("Recipients allowed", k.scope.recipients.joined(separator: "; "))
        b("Must not receive", k.scope.restrictions.joined(separator: "; "))
        if let c = k.competence {
            let asked = c.criteria.filter { $0.answer != nil }
            let met = asked.filter { $0.answer == true }.count
            let conclusion = c.conclusion.map { $0 == .competent ? "; concluded competent" : "; concluded not competent" } ?? ""
            b("Competence", "\(met) of \(asked.count) questions answered yes\(conclusion), assessed by \(c.assessedBy) at \(c.assessedAt.short)"
              + (c.note.map { "; \($0)" } ?? ""))
        }
        if let m = k.capacity {
            b("Capacity", "for \"\(m.decision)\": \(m.lacksCapacity ? "lacks capacity" : "has capacity"), assessed by \(m.assessedBy) at \(m.assessedAt.short)"
              + (m.supportGiven.map { "; support given: \($0)" } ?? ""))
            if m.lacksCapacity {
                b("Acting for them", m.actingAs?.label ?? "not recorded")
                b("Best interests", m.bestInterests ?? "not recorded")
            }
        }
        if k.form == .written {
            b("Written", "copy given: \(yesNo(k.copyGivenToPerson) ?? "not recorded")" + (k.fileReference.map { "; file ref \($0)" } ?? ""))
        }
        b("Why not in writing", k.whyNotWritten)
        b("Review by", k.reviewBy?.description)
        b("Withdrawn at", k.withdrawnAt?.short)
    }

    static func decisionLines(_ d: SharingDecision, _ b: (String, String?) -> Void) {
        b("Concern", d.concernId)
        b("Purpose", d.purpose.why)
        b("Outcome sought", d.purpose.outcomeSought)
        b("Achievable without sharing", yesNo(d.purpose.achievableWithoutSharing))
        b("Identifies someone", yesNo(d.identifiesIndividual))
        if let p = d.consentPosition {
            var s: String = switch p.kind {
            case .have: "given"
            case .refused: "refused"
            case .notSought: "not sought"
            case .notNeeded: "not needed"
            }
            if let id = p.consentId { s += " (\(id))" }
            if let r = p.reason { s += ": \(r.label)" }
            if let n = p.note, !n.isBlank { s += "; \(n)" }
            b("Consent", s)
        }
        b("Lawful basis", d.lawfulBasis?.label)
        switch d.specialCategory {
        case true?: b("Special category", "yes; condition: \(d.specialCategoryCondition.map(SpecialCategoryConditions.label) ?? "not recorded")")
        case false?: b("Special category", "no")
        case nil: break
        }
        b("Statutory gateway", d.statutoryGateway?.label)
        b("Given in confidence", yesNo(d.confidential))
        b("Public interest", d.publicInterest)
        b("Necessary and proportionate", yesNo(d.necessaryAndProportionate))
        if let r = d.proposedRecipient, !r.isEmpty {
            b(d.outcome == .doNotShare ? "Not shared with" : "Shared with", r.names.reversed().joined(separator: ", "))
        }
        if d.outcome == .doNotShare { b("Told why", yesNo(d.requesterTold)) }
        b("Rationale", d.rationale.isBlank ? "NOT RECORDED" : d.rationale)
        b("Family informed", d.familyInformed.map { $0 == .yes ? "yes" : $0 == .no ? "no" : "later" })
        b("Why not informed", d.notInformedReason)
        for a in d.advice {
            b("Advice", "from \(a.from) at \(a.at.short)" + (a.advice.map { ": \($0)" } ?? "") + "; outcome: \(a.outcome ?? "not recorded")")
        }
    }

    static func disclosureLines(_ x: Disclosure, _ b: (String, String?) -> Void) {
        b("Decision", x.decisionId)
        b("By", x.by)
        if let check = x.method?.recipientCheck { b("Confirmed \(check)", yesNo(x.recipientIdentityChecked) ?? "not recorded") }
        for item in x.items { b("Item", "[\(item.kind?.rawValue ?? "unmarked")] \(item.text)") }
        if x.wholeFile == true { b("Whole file", "yes") }
        var consent = x.consentStatus?.rawValue.replacingOccurrences(of: "-", with: " ") ?? "not recorded"
        if let id = x.consentId { consent += " (\(id))" }
        b("Consent", consent)
        b("Reasons", x.reasons)
        b("Lawful basis", x.lawfulBasis?.label)
        if x.consentStatus?.isWithoutConsent == true { b("Recipient told no consent", yesNo(x.recipientAdvisedNoConsent) ?? "not recorded") }
        b("Restrictions", x.restrictions.joined(separator: "; "))
        b("Reason explained to the recipient (pre-birth)", yesNo(x.reasonExplainedToRecipient))
        if x.scheme != .none { b("Scheme", "\(x.scheme.rawValue), undertaking signed: \(yesNo(x.undertakingSigned) ?? "not recorded")") }
    }
}
