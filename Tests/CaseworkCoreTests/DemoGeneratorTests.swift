import Testing
import Foundation
@testable import CaseworkCore

@Suite("The demo generator")
struct DemoGeneratorTests {
    static let workers = ["w1", "w2", "w3"], teams = ["North", "South"]

    @Test("the same seed gives the same cases; another seed gives others; every case is valid")
    func deterministic() throws {
        var a = DemoGenerator(seed: 42), b = DemoGenerator(seed: 42), c = DemoGenerator(seed: 43)
        let xs = (1...50).map { a.makeCase($0, workers: Self.workers, teams: Self.teams) }
        let ys = (1...50).map { b.makeCase($0, workers: Self.workers, teams: Self.teams) }
        let zs = (1...50).map { c.makeCase($0, workers: Self.workers, teams: Self.teams) }
        #expect(xs == ys && xs != zs)
        for x in xs { try CaseValidation.validate(x) }
    }

    @Test("a realistic mix, about a fifth raising flags")
    func mix() {
        var g = DemoGenerator(seed: 7)
        let cases = (1...500).map { g.makeCase($0, workers: Self.workers, teams: Self.teams) }
        let engine = FlagEngine(policy: Fixtures.defaultPolicy, guidance: Fixtures.guidance)
        let flagged = cases.filter { !engine.flags(for: $0, on: Day("2027-01-01")!).isEmpty }.count
        #expect((60...140).contains(flagged), "\(flagged) of 500 flagged")
        #expect(cases.allSatisfy { (1...4).contains($0.episodes.count) && (1...10).contains($0.concerns.count) && $0.disclosures.count <= 20 })
        #expect(cases.contains { !$0.consents.isEmpty } && cases.contains { $0.disclosures.count >= 3 })
        // With one audit event each, about ten disclosure, consent and audit rows a case: 1M at 100,000 cases.
        let rows = Double(cases.map { $0.disclosures.count + $0.consents.count + 1 }.reduce(0, +)) / 500
        #expect((8.0...12.0).contains(rows), "\(rows) disclosure, consent and audit rows a case")
    }
}

@Suite("Stored records")
struct StoredRecordTests {
    static func cases() -> [Case] {
        var g = DemoGenerator(seed: 3)
        return [Fixtures.example("recorded-well"), Fixtures.example("gaps")]
            + (1...60).map { g.makeCase($0, workers: ["a"], teams: ["t"]) }
    }

    /// Reads a body with `StoredJSON` alone, never falling back to Foundation.
    struct FastOnly: BodyDecoder {
        let body: String
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try StoredJSON.decode(T.self, from: body) }
    }

    /// Reads a body with Foundation's `JSONDecoder` alone.
    struct FoundationOnly: BodyDecoder {
        let body: String
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: Data(body.utf8)) }
    }

    @Test("every stored body the store's own decoder reads equals what Foundation's JSONDecoder reads, and the record written")
    func storedDecoderAgrees() throws {
        var records = 0
        for c in Self.cases() {
            for r in c.records {
                let body = r.body()
                let fast = try CaseRecord.record(r.kind, from: FastOnly(body: body))
                #expect(fast == (try CaseRecord.record(r.kind, from: FoundationOnly(body: body))))
                #expect(fast == r)
                records += 1
            }
            let rows = c.records.map { (kind: $0.kind.rawValue, body: $0.body()) }
            #expect(try CaseRecord.decodeAll(rows) == c.records)
        }
        #expect(records > 1000)
    }

    /// Reads a body with the kind's own `StoredReadable` reader alone: never through `Decoder`, never falling back.
    struct OwnReaderOnly: BodyDecoder {
        struct NoReader: Error {}
        let body: String
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard let readable = T.self as? any StoredReadable.Type else { throw NoReader() }
            return try StoredJSON.read(readable, from: body) as! T
        }
    }

    /// A case with every optional field of every record kind filled in (invented people), so that each
    /// kind's own reader meets every key its type writes.
    static func everyField() -> Case {
        let t = Timestamp("2026-03-02T10:15:00Z")!, later = Timestamp("2026-04-01T09:00:00+01:00")!
        let party = Party(name: "Ana Reyes", role: "School nurse", agency: "School health")
        var c = Case(id: "C-900001", title: "Every field", opened: Day("2026-01-05")!, closed: Day("2026-06-30")!, worker: "w",
                     team: "North", retentionReviewBy: Day("2032-06-30")!, careOrder: true, careOrderFrom: Day("2026-02-01")!,
                     child: Child(name: "Kit Moss", dateOfBirth: Day("2014-05-06")!, expectedBirth: Day("2014-05-01")!,
                                  preferredCommunication: "Text first"))
        c.people = [Person(id: "P1", name: "Lee Moss", relationship: "mother", parentalResponsibility: .yes, livesWithChild: true,
                           lacksCapacity: false)]
        c.episodes = [Episode(id: "E1", started: Day("2026-01-05")!, ended: Day("2026-06-30")!, reason: "Referral from school")]
        c.notes = [CaseNote(id: "N1", at: t, by: "w", kind: .childsWords, text: "Said she was scared", episodeId: "E1", opinion: true)]
        c.concerns = [Concern(id: "K1", recorded: t, summary: "Bruising", category: .abuse, riskLevel: .suspected, childProtection: true)]
        c.consents = [Consent(id: "CN1", episodeId: "E1", givenBy: .person("P1"), givenAt: t, decision: .givenWithRestrictions,
                              form: .written, copyGivenToPerson: true, fileReference: "F-1", whyNotWritten: "n/a",
                              informed: ConsentInformed(whatShared: "Attendance", why: "Support", withWhom: "School nurse",
                                                        implications: "Explained", understandingChecked: true),
                              scope: ConsentScope(purposes: ["support"], recipients: ["School health"], restrictions: ["Police"]),
                              competence: CompetenceAssessment(understandsQuestion: true, understandsImplications: true,
                                                               weighsAlternatives: false, ownView: true, consistent: true, assessedBy: "w",
                                                               assessedAt: t, note: "Seen alone", weighsAspects: true, conclusion: .competent),
                              reviewBy: Day("2026-09-01")!, status: .withdrawn, withdrawnAt: later,
                              capacity: CapacityAssessment(decision: "Sharing with the nurse", lacksCapacity: true, supportGiven: "Easy read",
                                                           assessedBy: "w", assessedAt: t, actingAs: .bestInterests, bestInterests: "Safer"),
                              statusChangedAt: later),
                      Consent(id: "CN2", episodeId: "E1", givenBy: .child, givenAt: t, decision: .given, form: .verbal)]
        c.decisions = [SharingDecision(id: "D1", concernId: "K1", episodeId: "E1", decidedAt: t, decidedBy: "w",
                                       purpose: Purpose(why: "Protect", outcomeSought: "Assessment", achievableWithoutSharing: false),
                                       identifiesIndividual: true,
                                       consentPosition: ConsentPosition(kind: .notSought, consentId: "CN1", reason: .riskToChild, note: "Risk"),
                                       lawfulBasis: .publicTask, specialCategory: true, specialCategoryCondition: "Safeguarding",
                                       publicInterest: "Child at risk", outcome: .doNotShare, rationale: "Reasons", familyInformed: .no,
                                       notInformedReason: "Risk", advice: [AdviceEntry(from: "DSL", at: t, advice: "Share", outcome: "Shared")],
                                       proposedRecipient: party, requesterTold: true, confidential: true, statutoryGateway: .ca1989s47,
                                       necessaryAndProportionate: true)]
        c.disclosures = [Disclosure(id: "X1", direction: .outgoing, decisionId: "D1", when: later, by: "w", to: party, from: party,
                                    method: .secureEmail, recipientIdentityChecked: true,
                                    items: [SharedItem(text: "Attendance", kind: .fact), SharedItem(text: "View", kind: .opinion)], wholeFile: false,
                                    consentStatus: .notSought, consentId: "CN1", reasons: "Risk", lawfulBasis: .publicTask,
                                    recipientAdvisedNoConsent: true, restrictions: ["Not to the family"], scheme: .dvdsRightToAsk,
                                    undertakingSigned: true, reasonExplainedToRecipient: true)]
        c.reviews = [Review(id: "R1", by: "m", at: later, target: ReviewTarget(rule: "rationale-missing", record: "D1"),
                            action: .returned, note: "Please add"),
                     Review(id: "R2", by: "m", at: later, target: ReviewTarget(record: "X1"), action: .signedOff, note: "")]
        return c
    }

    /// Where a value leaves an optional empty, as paths of property names.
    static func emptyOptionals(_ value: Any, _ path: String = "") -> [String] {
        let m = Mirror(reflecting: value)
        if m.displayStyle == .optional { return m.children.first.map { emptyOptionals($0.value, path) } ?? [path] }
        return m.children.flatMap { emptyOptionals($0.value, path + "." + ($0.label ?? "")) }
    }

    @Test("every record kind has its own reader, which reads every field its type writes as Foundation's JSONDecoder does")
    func ownReaders() throws {
        var records = 0
        for c in Self.cases() + [Self.everyField()] {
            for r in c.records {
                let body = r.body()
                let own = try CaseRecord.record(r.kind, from: OwnReaderOnly(body: body))
                #expect(own == r, "\(r.kind.rawValue) \(r.id)")
                #expect(own == (try CaseRecord.record(r.kind, from: FoundationOnly(body: body))))
                records += 1
            }
            #expect(try CaseRecord.decodeCase(c.records.map { (kind: $0.kind.rawValue, body: $0.body()) }) == c)
        }
        #expect(records > 1000)
        // The filled-in case really fills every field: for each kind, its first record leaves no optional empty.
        for kind in RecordKind.allCases {
            let first = try #require(Self.everyField().records.first { $0.kind == kind })
            #expect(Self.emptyOptionals(first).isEmpty, "\(kind.rawValue): \(Self.emptyOptionals(first))")
        }
    }

    /// Every body one change away from `body`: each member, at any depth of objects, left out,
    /// made null, or given a value of each other JSON type.
    static func mutations(of body: String) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [] }
        let values: [Any] = [NSNull(), 5, "x", true, [Any](), [String: Any](), ["x"], 1.5]
        func variants(_ object: [String: Any]) -> [[String: Any]] {
            var out: [[String: Any]] = []
            for (key, value) in object {
                var gone = object
                gone[key] = nil
                out.append(gone)
                for v in values {
                    var changed = object
                    changed[key] = v
                    out.append(changed)
                }
                if let inner = value as? [String: Any] {
                    for m in variants(inner) {
                        var changed = object
                        changed[key] = m
                        out.append(changed)
                    }
                }
            }
            var extra = object
            extra["later"] = "x"
            return out + [extra]
        }
        return variants(root).compactMap { m in
            (try? JSONSerialization.data(withJSONObject: m, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    @Test("a body one change away from a stored one (a member left out, made null, of another type, or one more) reads as JSONDecoder reads it, or not at all with both")
    func ownReadersAgreeOnEveryChange() throws {
        var bodies = 0, read = 0, readOwn = 0
        for r in Self.everyField().records + Self.cases()[0].records {
            for body in Self.mutations(of: r.body()) {
                let ours = try? CaseRecord.decode(kind: r.kind, body: body)
                let foundation = try? CaseRecord.record(r.kind, from: FoundationOnly(body: body))
                #expect(ours == foundation, "\(r.kind.rawValue) \(r.id): \(body.count) bytes")
                bodies += 1
                if ours != nil { read += 1 }
                if (try? CaseRecord.record(r.kind, from: OwnReaderOnly(body: body))) != nil { readOwn += 1 }
            }
        }
        // Many of the changed bodies are still records (an optional left out or null), most of those read by the own readers.
        #expect(bodies > 2000 && read > 400 && readOwn > 350, "\(bodies) bodies, \(read) read, \(readOwn) by the own readers")
    }

    @Test("what a record's own reader does not take is read by JSONDecoder as before: an unknown key, an escaped key; a null is an absent field")
    func ownReadersRefuse() throws {
        let note = #"{"at":"2026-03-02T10:15:00Z","by":"w","id":"N1","kind":"other","text":"Seen"%@}"#
        func body(_ extra: String) -> String { note.replacingOccurrences(of: "%@", with: extra) }
        // A key from a later version: refused by the own reader, ignored by JSONDecoder, so the record still reads.
        for extra in [#","mood":"calm""#, #","episodeId":"E1","later":{"a":[1,2]}"#] {
            #expect(throws: (any Error).self) { try StoredJSON.read(CaseNote.self, from: body(extra)) }
            #expect(try CaseRecord.decode(kind: .note, body: body(extra)) == (try CaseRecord.record(.note, from: FoundationOnly(body: body(extra)))))
        }
        // A name written with escapes is refused by the own reader and read the same by Foundation.
        let escaped = #"{"at":"2026-03-02T10:15:00Z","by":"w","\u0069d":"N1","kind":"other","text":"Seen"}"#
        #expect(throws: (any Error).self) { try StoredJSON.read(CaseNote.self, from: escaped) }
        #expect(try CaseRecord.decode(kind: .note, body: escaped).id == "N1")
        // null for an optional field is the field left out; for a required one, the body is refused by both.
        #expect(try StoredJSON.read(CaseNote.self, from: body(#","episodeId":null,"opinion":null"#)).episodeId == nil)
        #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: note.replacingOccurrences(of: #""by":"w""#, with: #""by":null"#)) }
        // A code outside the vocabulary, a time without an offset, a string for a flag: refused by both.
        for bad in [#""kind":"chat""#, #""at":"2026-03-02T10:15:00""#] {
            let key = String(bad.prefix { $0 != ":" })
            let text = note.replacingOccurrences(of: #"\#(key):"[^"]*""#, with: bad, options: .regularExpression).replacingOccurrences(of: "%@", with: "")
            #expect(throws: (any Error).self) { try StoredJSON.read(CaseNote.self, from: text) }
            #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: text) }
        }
        #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: body(#","opinion":"yes""#)) }
    }

    @Test("hostile text survives the store's decoder: quotes, backslashes, escape sequences, controls, emoji, other scripts")
    func hostileText() throws {
        let texts = ["He said \"no\" \\ then left", "\u{1B}[31mred\u{1B}[0m and \u{07}", "tab\tnew\nline\r\u{0}",
                     "😀 family 👨‍👩‍👧 and e\u{301}", "Zoë Ødegård — ✓ «quoted»", "/slashes/ and </script>", "\u{2028}\u{2029}\u{FEFF}", ""]
        for text in texts {
            let note = CaseRecord.note(CaseNote(id: "N1", at: Timestamp("2026-03-02T10:15:00Z")!, by: "w", kind: .other, text: text))
            #expect(try CaseRecord.record(.note, from: FastOnly(body: note.body())) == note)
        }
        // Strings are scanned eight bytes at a time: a quote, a backslash or a raw control character at every
        // place in the first words of a string is still seen there.
        for k in 0..<20 {
            for special in ["\"", "\\", "\n", "\u{1}", "é"] {
                let text = String(repeating: "a", count: k) + special + String(repeating: "b", count: 20 - k)
                let note = CaseRecord.note(CaseNote(id: "N1", at: Timestamp("2026-03-02T10:15:00Z")!, by: "w", kind: .other, text: text))
                #expect(try CaseRecord.record(.note, from: FastOnly(body: note.body())) == note, "\(k)")
            }
            let raw = #"{"at":"2026-03-02T10:15:00Z","by":"w","id":"N1","kind":"other","text":""# + String(repeating: "a", count: k) + "\u{1}\"}"
            #expect(throws: (any Error).self, "\(k)") { try StoredJSON.decode(CaseNote.self, from: raw) }
            let cut = #"{"id":"N1","text":""# + String(repeating: "a", count: k)
            #expect(throws: (any Error).self, "\(k)") { try StoredJSON.decode(CaseNote.self, from: cut) }
        }
        // Escapes Foundation never writes but JSON allows: a surrogate pair, \/ and spaces between tokens.
        let hand = #" { "at" : "2026-03-02T10:15:00Z", "by":"w", "id":"N1", "kind":"other", "text":"\ud83d\ude00 a\/b \u00e9" } "#
        guard case .note(let n) = try CaseRecord.record(.note, from: FastOnly(body: hand)) else { Issue.record("not a note"); return }
        #expect(n.text == "😀 a/b é")
    }

    @Test("a body the store's decoder refuses is read by Foundation's, whose errors stand")
    func refusedFallsBack() throws {
        for bad in ["{\"id\":", "{\"id\":\"N1\"} x", "[1,2", "{\"a\":tru}", "\"\\ud800\"", "{\"id\":1e999}"] {
            #expect(throws: (any Error).self) { try StoredJSON.decode(CaseNote.self, from: bad) }
            #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: bad) }
        }
        // A number where a string belongs, or a missing key: refused by both.
        #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: #"{"at":"2026-03-02T10:15:00Z","by":"w","id":5,"kind":"other","text":""}"#) }
        #expect(throws: (any Error).self) { try CaseRecord.decode(kind: .note, body: #"{"at":"2026-03-02T10:15:00Z","by":"w","kind":"other","text":""}"#) }
        #expect(throws: (any Error).self) { try CaseRecord.decodeAll([(kind: "nonsense", body: "{}")]) }
    }
}
