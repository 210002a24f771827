import CaseworkCore

/// The case the rule tests start from, raising nothing: each rule is raised
/// by a small change to it (`RuleTests`, `FlagJumpTests`).
public enum RuleCases {
    static func t(_ s: String) -> Timestamp { Timestamp(s)! }

    /// recorded-well (no flags) plus a written, informed consent from the mother
    /// and a second decision and disclosure that rely on it. Raises nothing.
    public static var clean: Case {
        var c = try! CaseFileCodec.decode(Repository.caseFile("recorded-well"))
        c.consents = [Consent(
            id: "CN1", episodeId: "E1", givenBy: .person("P1"), givenAt: t("2026-02-03T10:00:00Z"), decision: .given,
            form: .written, copyGivenToPerson: true, fileReference: "SCAN-17",
            informed: ConsentInformed(whatShared: "Attendance", why: "Support", withWhom: "School nurse", implications: "Slower help", understandingChecked: true),
            scope: ConsentScope(purposes: ["Support"], recipients: ["School nurse"], restrictions: ["Housing"]))]
        c.decisions.append(SharingDecision(
            id: "D2", concernId: "K1", episodeId: "E1", decidedAt: t("2026-02-04T09:00:00Z"), decidedBy: "ahmed.k",
            purpose: Purpose(why: "Health check", outcomeSought: "Nurse review", achievableWithoutSharing: false),
            identifiesIndividual: true, consentPosition: ConsentPosition(kind: .have, consentId: "CN1"),
            lawfulBasis: .publicTask, specialCategory: false, outcome: .share, rationale: "Mother agreed; nurse can help.",
            familyInformed: .yes))
        c.disclosures.append(Disclosure(
            id: "X2", direction: .outgoing, decisionId: "D2", when: t("2026-02-04T10:00:00Z"), by: "ahmed.k",
            to: Party(name: "Ms Lee", role: "School nurse", agency: "School health"), method: .secureEmail,
            items: [SharedItem(text: "Attendance 71%", kind: .fact)], wholeFile: false, consentStatus: .withConsent,
            consentId: "CN1", restrictions: [], scheme: .none))
        return c
    }
}
