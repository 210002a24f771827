import Foundation

/// Invented cases for demonstrations and benchmarks: a realistic mix of
/// episodes, concerns, consents, decisions and disclosures, about a fifth of
/// them with gaps that raise flags. The same seed always gives the same cases.
/// Every name is made up from short lists; no real person is described.
public struct DemoGenerator: RandomNumberGenerator {
    var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }

    /// SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }

    static let first = ["Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hassan", "Isla", "Jay", "Kai", "Lena", "Milo", "Nia",
                        "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tia", "Umar", "Vera", "Wren", "Yusuf", "Zara"]
    static let last = ["Adeyemi", "Brooks", "Castillo", "Doyle", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones", "Kowalski",
                       "Lopez", "Murphy", "Nowak", "Okafor", "Patel", "Quinlan", "Reid", "Singh", "Taylor", "Usman", "Vance", "Walsh"]
    static let agencies = [("Duty social worker", "Social worker", "Children's Social Care"), ("Intake", "Clinician", "CAMHS"),
                           ("School nurse", "Nurse", "School health"), ("Officer", "Police officer", "Police"),
                           ("Housing officer", "Officer", "Housing")]

    /// Case `n` of a store made with this seed (ids C-000001 onwards).
    public mutating func makeCase(_ n: Int, workers: [String], teams: [String]) -> Case {
        func ts(_ d: Day, _ minutes: Int) -> Timestamp {
            Timestamp(String(format: "%@T%02d:%02d:00Z", d.description, 8 + minutes / 60 % 10, minutes % 60))!
        }
        let opened = Day(ordinal: Day("2024-01-01")!.ordinal + int(0...800))
        let dob = Day(ordinal: opened.ordinal - int(365 * 2...365 * 17))
        let gaps = chance(0.2)
        let w = int(0...(workers.count - 1))
        var c = Case(id: String(format: "C-%06d", n), title: pick(["School referral", "Health visitor concern", "Youth work disclosure",
                                                                   "Attendance and wellbeing", "Missing episode follow-up"]),
                     opened: opened, worker: workers[w], team: teams[w % teams.count],
                     child: Child(name: "\(pick(Self.first)) \(pick(Self.last))", dateOfBirth: dob))
        c.people = [Person(id: "P1", name: "\(pick(Self.first)) \(c.child.name.split(separator: " ").last ?? "")", relationship: "mother",
                           parentalResponsibility: .yes, livesWithChild: true)]
        if chance(0.5) {
            c.people.append(Person(id: "P2", name: "\(pick(Self.first)) \(pick(Self.last))", relationship: "father",
                                   parentalResponsibility: gaps && chance(0.5) ? .unknown : .yes, livesWithChild: chance(0.5)))
        }
        var day = opened
        for e in 1...int(1...4) {
            let ended = Day(ordinal: day.ordinal + int(30...200))
            c.episodes.append(Episode(id: "E\(e)", started: day, ended: e < 5 ? ended : nil, reason: "Episode \(e) of support"))
            day = Day(ordinal: ended.ordinal + int(1...60))
        }
        c.episodes[c.episodes.count - 1].ended = nil
        let episode = c.episodes[c.episodes.count - 1]
        for k in 1...int(1...10) {
            let at = Day(ordinal: episode.started.ordinal + int(0...90))
            let cp = chance(0.3)
            c.concerns.append(Concern(id: "K\(k)", recorded: ts(at, int(0...500)), summary: "Concern \(k) noted during a visit",
                                      category: pick(ConcernCategory.allCases), riskLevel: pick(RiskLevel.allCases), childProtection: cp))
            c.notes.append(CaseNote(id: "N\(k)", at: ts(at, int(0...500)), by: c.worker, kind: pick(NoteKind.allCases),
                                    text: "Visit notes for concern \(k).", episodeId: episode.id, opinion: false))
        }
        // A parent's consent only while the child is under 16 (then the young person decides).
        let consentCount = dob.years(until: episode.started.adding(days: 1)) < 15 ? int(0...2) : 0
        for k in 0..<consentCount {
            c.consents.append(Consent(
                id: "CN\(k + 1)", episodeId: episode.id, givenBy: .person("P1"), givenAt: ts(episode.started, 30 + k),
                decision: .given, form: gaps && chance(0.5) ? .verbal : .written, copyGivenToPerson: true, fileReference: "F-\(n)-\(k)",
                informed: ConsentInformed(whatShared: "Attendance and health", why: "To arrange support", withWhom: "School nurse",
                                          implications: "Support may be slower without it", understandingChecked: true),
                scope: ConsentScope(purposes: ["Support"], recipients: ["School nurse", "School health"], restrictions: [])))
        }
        var xid = 0
        for (i, k) in c.concerns.enumerated() where k.childProtection || chance(0.6) {
            let withConsent = !c.consents.isEmpty && !k.childProtection && chance(0.5)
            let outcome: Outcome? = gaps && chance(0.2) ? nil : pick(Outcome.allCases)
            let d = SharingDecision(
                id: "D\(i + 1)", concernId: k.id, episodeId: episode.id, decidedAt: ts(k.recorded.localDay.adding(days: int(0...2)), 600),
                decidedBy: c.worker, purpose: Purpose(why: "To get the child support", outcomeSought: "An assessment", achievableWithoutSharing: false),
                identifiesIndividual: true,
                consentPosition: withConsent ? ConsentPosition(kind: .have, consentId: "CN1") : ConsentPosition(kind: .notSought, reason: .riskToChild),
                lawfulBasis: .publicTask, specialCategory: false, outcome: outcome,
                rationale: gaps && chance(0.3) ? nil : "Recorded reasons for decision \(i + 1).", familyInformed: .yes,
                proposedRecipient: Party(role: Self.agencies[2].1, agency: Self.agencies[2].2), necessaryAndProportionate: true)
            c.decisions.append(d)
            guard let o = outcome, o.isShare else { continue }
            for _ in 0..<int(0...6) where xid < 20 {
                xid += 1
                let a = withConsent ? Self.agencies[2] : pick(Self.agencies)
                c.disclosures.append(Disclosure(
                    id: "X\(xid)", direction: .outgoing, decisionId: gaps && chance(0.2) ? nil : d.id, when: ts(d.decidedAt.localDay, 700 + xid),
                    by: c.worker, to: Party(name: a.0, role: a.1, agency: a.2),
                    method: gaps && chance(0.3) ? .unencryptedEmail : pick([.secureEmail, .securePortal, .meeting]),
                    items: [SharedItem(text: "Attendance summary", kind: gaps && chance(0.3) ? nil : .fact)], wholeFile: false,
                    consentStatus: withConsent ? .withConsent : .notSought, consentId: withConsent ? "CN1" : nil,
                    reasons: withConsent || (gaps && chance(0.3)) ? nil : "Seeking consent could increase the risk",
                    lawfulBasis: withConsent ? nil : .publicTask, recipientAdvisedNoConsent: withConsent ? nil : true,
                    restrictions: [], scheme: .none))
            }
        }
        return c
    }
}
