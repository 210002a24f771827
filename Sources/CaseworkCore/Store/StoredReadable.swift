import Foundation

/// A record type that reads itself straight off a parsed stored body, without
/// going through `Decoder`, whose per-key generic calls were two fifths of a
/// recompute. Every record kind and the values inside them read this way.
/// Each reader takes exactly the keys its type's synthesized `Codable` writes; any other key, a missing required key or a
/// value of another type is refused, and the body is then read by
/// `JSONDecoder`, so a field added to a type and not here is slower, never lost.
protocol StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused)
}

extension StoredJSON {
    /// A member's name in a stored object, matched against the names a reader knows.
    struct Key {
        let bytes: UnsafeBufferPointer<UInt8>

        static func ~= (name: StaticString, key: Key) -> Bool {
            name.utf8CodeUnitCount == key.bytes.count
                && memcmp(name.utf8Start, key.bytes.baseAddress!, key.bytes.count) == 0
        }
    }

    /// One value on a parsed body's tape, as a `StoredReadable` type reads it:
    /// the tape and the text as plain buffers, alive while one `read` runs.
    struct Value {
        let tape: UnsafeBufferPointer<Node>
        let bytes: UnsafeBufferPointer<UInt8>
        let at: Int
        var node: Node { tape[at] }
        var isNull: Bool { node.kind == .null }

        func at(_ k: Int) -> Value { Value(tape: tape, bytes: bytes, at: k) }

        func string() throws(Refused) -> String { try StoredJSON.string(node, in: bytes) }

        func bool() throws(Refused) -> Bool {
            switch node.kind {
            case .true: true
            case .false: false
            default: throw Refused()
            }
        }

        func code<T: CaseFileEnum>(_: T.Type) throws(Refused) -> T {
            guard let v = T(rawValue: try string()) else { throw Refused() }
            return v
        }

        func timestamp() throws(Refused) -> Timestamp {
            guard let t = Timestamp(try string()) else { throw Refused() }
            return t
        }

        func day() throws(Refused) -> Day {
            guard let d = Day(try string()) else { throw Refused() }
            return d
        }

        func read<T: StoredReadable>(_: T.Type) throws(Refused) -> T { try T(stored: self) }

        // Optional members: nil for `null`, as `decodeIfPresent` gives.
        func optionalString() throws(Refused) -> String? { isNull ? nil : try string() }
        func optionalBool() throws(Refused) -> Bool? { isNull ? nil : try bool() }
        func optionalCode<T: CaseFileEnum>(_: T.Type) throws(Refused) -> T? { isNull ? nil : try code(T.self) }
        func optionalTimestamp() throws(Refused) -> Timestamp? { isNull ? nil : try timestamp() }
        func optionalDay() throws(Refused) -> Day? { isNull ? nil : try day() }
        func optionalRead<T: StoredReadable>(_: T.Type) throws(Refused) -> T? { isNull ? nil : try T(stored: self) }

        func strings() throws(Refused) -> [String] { try array { v throws(Refused) in try v.string() } }

        func array<T>(_ element: (Value) throws(Refused) -> T) throws(Refused) -> [T] {
            guard node.kind == .array else { throw Refused() }
            var out: [T] = []
            var k = at + 1
            let end = Int(node.next)
            while k < end {
                out.append(try element(self.at(k)))
                k = Int(tape[k].next)
            }
            return out
        }

        /// Calls `body` with each member of the object in turn; a name written
        /// with escapes is refused (this program never writes one).
        func members(_ body: (Key, Value) throws(Refused) -> Void) throws(Refused) {
            guard node.kind == .object else { throw Refused() }
            var k = at + 1
            let end = Int(node.next)
            while k < end {
                let name = tape[k]
                guard name.kind == .string else { throw Refused() }
                try body(Key(bytes: UnsafeBufferPointer(rebasing: bytes[Int(name.start)..<Int(name.end)])), self.at(k + 1))
                k = Int(tape[k + 1].next)
            }
        }
    }
}

/// A required member that was absent.
private func required<T>(_ v: T?) throws(StoredJSON.Refused) -> T {
    guard let v else { throw StoredJSON.Refused() }
    return v
}

extension Party: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        self.init()
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "name": name = try v.optionalString()
            case "role": role = try v.optionalString()
            case "agency": agency = try v.optionalString()
            default: throw StoredJSON.Refused()
            }
        }
    }
}

extension SharedItem: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var text: String?, kind: ItemKind?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "text": text = try v.string()
            case "kind": kind = try v.optionalCode(ItemKind.self)
            default: throw StoredJSON.Refused()
            }
        }
        self.init(text: try required(text), kind: kind)
    }
}

extension Disclosure: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, direction: Direction?, items: [SharedItem]?, restrictions: [String]?, scheme: DisclosureScheme?
        var decisionId: String?, when: Timestamp?, by: String?, to: Party?, from: Party?, method: SharingMethod?
        var recipientIdentityChecked: Bool?, wholeFile: Bool?, consentStatus: DisclosureConsentStatus?, consentId: String?
        var reasons: String?, lawfulBasis: LawfulBasis?, recipientAdvisedNoConsent: Bool?, undertakingSigned: Bool?
        var reasonExplainedToRecipient: Bool?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "direction": direction = try v.code(Direction.self)
            case "items": items = try v.array { v throws(StoredJSON.Refused) in try v.read(SharedItem.self) }
            case "restrictions": restrictions = try v.strings()
            case "scheme": scheme = try v.code(DisclosureScheme.self)
            case "decisionId": decisionId = try v.optionalString()
            case "when": when = try v.optionalTimestamp()
            case "by": by = try v.optionalString()
            case "to": to = try v.optionalRead(Party.self)
            case "from": from = try v.optionalRead(Party.self)
            case "method": method = try v.optionalCode(SharingMethod.self)
            case "recipientIdentityChecked": recipientIdentityChecked = try v.optionalBool()
            case "wholeFile": wholeFile = try v.optionalBool()
            case "consentStatus": consentStatus = try v.optionalCode(DisclosureConsentStatus.self)
            case "consentId": consentId = try v.optionalString()
            case "reasons": reasons = try v.optionalString()
            case "lawfulBasis": lawfulBasis = try v.optionalCode(LawfulBasis.self)
            case "recipientAdvisedNoConsent": recipientAdvisedNoConsent = try v.optionalBool()
            case "undertakingSigned": undertakingSigned = try v.optionalBool()
            case "reasonExplainedToRecipient": reasonExplainedToRecipient = try v.optionalBool()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), direction: try required(direction), decisionId: decisionId, when: when, by: by,
                  to: to, from: from, method: method, recipientIdentityChecked: recipientIdentityChecked,
                  items: try required(items), wholeFile: wholeFile, consentStatus: consentStatus, consentId: consentId,
                  reasons: reasons, lawfulBasis: lawfulBasis, recipientAdvisedNoConsent: recipientAdvisedNoConsent,
                  restrictions: try required(restrictions), scheme: try required(scheme), undertakingSigned: undertakingSigned,
                  reasonExplainedToRecipient: reasonExplainedToRecipient)
    }
}

extension Purpose: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        self.init()
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "why": why = try v.optionalString()
            case "outcomeSought": outcomeSought = try v.optionalString()
            case "achievableWithoutSharing": achievableWithoutSharing = try v.optionalBool()
            default: throw StoredJSON.Refused()
            }
        }
    }
}

extension ConsentPosition: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var kind: ConsentPositionKind?, consentId: String?, reason: NotSoughtReason?, note: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "kind": kind = try v.code(ConsentPositionKind.self)
            case "consentId": consentId = try v.optionalString()
            case "reason": reason = try v.optionalCode(NotSoughtReason.self)
            case "note": note = try v.optionalString()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(kind: try required(kind), consentId: consentId, reason: reason, note: note)
    }
}

extension AdviceEntry: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var from: String?, at: Timestamp?, advice: String?, outcome: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "from": from = try v.string()
            case "at": at = try v.timestamp()
            case "advice": advice = try v.optionalString()
            case "outcome": outcome = try v.optionalString()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(from: try required(from), at: try required(at), advice: advice, outcome: outcome)
    }
}

extension SharingDecision: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, episodeId: String?, decidedAt: Timestamp?, decidedBy: String?, purpose: Purpose?, advice: [AdviceEntry]?
        var concernId: String?, identifiesIndividual: Bool?, consentPosition: ConsentPosition?, lawfulBasis: LawfulBasis?
        var specialCategory: Bool?, specialCategoryCondition: String?, publicInterest: String?, outcome: Outcome?
        var rationale: String?, familyInformed: FamilyInformed?, notInformedReason: String?, proposedRecipient: Party?
        var requesterTold: Bool?, confidential: Bool?, statutoryGateway: StatutoryGateway?, necessaryAndProportionate: Bool?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "episodeId": episodeId = try v.string()
            case "decidedAt": decidedAt = try v.timestamp()
            case "decidedBy": decidedBy = try v.string()
            case "purpose": purpose = try v.read(Purpose.self)
            case "advice": advice = try v.array { v throws(StoredJSON.Refused) in try v.read(AdviceEntry.self) }
            case "concernId": concernId = try v.optionalString()
            case "identifiesIndividual": identifiesIndividual = try v.optionalBool()
            case "consentPosition": consentPosition = try v.optionalRead(ConsentPosition.self)
            case "lawfulBasis": lawfulBasis = try v.optionalCode(LawfulBasis.self)
            case "specialCategory": specialCategory = try v.optionalBool()
            case "specialCategoryCondition": specialCategoryCondition = try v.optionalString()
            case "publicInterest": publicInterest = try v.optionalString()
            case "outcome": outcome = try v.optionalCode(Outcome.self)
            case "rationale": rationale = try v.optionalString()
            case "familyInformed": familyInformed = try v.optionalCode(FamilyInformed.self)
            case "notInformedReason": notInformedReason = try v.optionalString()
            case "proposedRecipient": proposedRecipient = try v.optionalRead(Party.self)
            case "requesterTold": requesterTold = try v.optionalBool()
            case "confidential": confidential = try v.optionalBool()
            case "statutoryGateway": statutoryGateway = try v.optionalCode(StatutoryGateway.self)
            case "necessaryAndProportionate": necessaryAndProportionate = try v.optionalBool()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), concernId: concernId, episodeId: try required(episodeId), decidedAt: try required(decidedAt),
                  decidedBy: try required(decidedBy), purpose: try required(purpose), identifiesIndividual: identifiesIndividual,
                  consentPosition: consentPosition, lawfulBasis: lawfulBasis, specialCategory: specialCategory,
                  specialCategoryCondition: specialCategoryCondition, publicInterest: publicInterest, outcome: outcome,
                  rationale: rationale, familyInformed: familyInformed, notInformedReason: notInformedReason,
                  advice: try required(advice), proposedRecipient: proposedRecipient, requesterTold: requesterTold,
                  confidential: confidential, statutoryGateway: statutoryGateway, necessaryAndProportionate: necessaryAndProportionate)
    }
}

extension CaseNote: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, at: Timestamp?, by: String?, kind: NoteKind?, text: String?, episodeId: String?, opinion: Bool?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "at": at = try v.timestamp()
            case "by": by = try v.string()
            case "kind": kind = try v.code(NoteKind.self)
            case "text": text = try v.string()
            case "episodeId": episodeId = try v.optionalString()
            case "opinion": opinion = try v.optionalBool()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), at: try required(at), by: try required(by), kind: try required(kind),
                  text: try required(text), episodeId: episodeId, opinion: opinion)
    }
}

extension Concern: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, recorded: Timestamp?, summary: String?, category: ConcernCategory?, riskLevel: RiskLevel?
        var childProtection: Bool?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "recorded": recorded = try v.timestamp()
            case "summary": summary = try v.string()
            case "category": category = try v.code(ConcernCategory.self)
            case "riskLevel": riskLevel = try v.code(RiskLevel.self)
            case "childProtection": childProtection = try v.bool()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), recorded: try required(recorded), summary: try required(summary),
                  category: try required(category), riskLevel: try required(riskLevel), childProtection: try required(childProtection))
    }
}

extension Person: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, name: String?, relationship: String?, parentalResponsibility: ParentalResponsibility?
        var livesWithChild: Bool?, lacksCapacity: Bool?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "name": name = try v.string()
            case "relationship": relationship = try v.string()
            case "parentalResponsibility": parentalResponsibility = try v.code(ParentalResponsibility.self)
            case "livesWithChild": livesWithChild = try v.bool()
            case "lacksCapacity": lacksCapacity = try v.optionalBool()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), name: try required(name), relationship: try required(relationship),
                  parentalResponsibility: try required(parentalResponsibility), livesWithChild: try required(livesWithChild),
                  lacksCapacity: lacksCapacity)
    }
}

extension Episode: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, started: Day?, ended: Day?, reason: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "started": started = try v.day()
            case "ended": ended = try v.optionalDay()
            case "reason": reason = try v.optionalString()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), started: try required(started), ended: ended, reason: reason)
    }
}

extension Child: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var name: String?, dateOfBirth: Day?, expectedBirth: Day?, preferredCommunication: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "name": name = try v.string()
            case "dateOfBirth": dateOfBirth = try v.optionalDay()
            case "expectedBirth": expectedBirth = try v.optionalDay()
            case "preferredCommunication": preferredCommunication = try v.optionalString()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(name: try required(name), dateOfBirth: dateOfBirth, expectedBirth: expectedBirth,
                  preferredCommunication: preferredCommunication)
    }
}

extension CaseHeader: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, title: String?, opened: Day?, closed: Day?, worker: String?, team: String?
        var retentionReviewBy: Day?, careOrder: Bool?, careOrderFrom: Day?, child: Child?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "title": title = try v.string()
            case "opened": opened = try v.day()
            case "closed": closed = try v.optionalDay()
            case "worker": worker = try v.string()
            case "team": team = try v.optionalString()
            case "retentionReviewBy": retentionReviewBy = try v.optionalDay()
            case "careOrder": careOrder = try v.bool()
            case "careOrderFrom": careOrderFrom = try v.optionalDay()
            case "child": child = try v.read(Child.self)
            default: throw StoredJSON.Refused()
            }
        }
        self.init(Case(id: try required(id), title: try required(title), opened: try required(opened), closed: closed,
                       worker: try required(worker), team: team, retentionReviewBy: retentionReviewBy,
                       careOrder: try required(careOrder), careOrderFrom: careOrderFrom, child: try required(child)))
    }
}

extension ReviewTarget: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var rule: String?, record: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "rule": rule = try v.optionalString()
            case "record": record = try v.string()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(rule: rule, record: try required(record))
    }
}

extension Review: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, by: String?, at: Timestamp?, target: ReviewTarget?, action: ReviewAction?, note: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "by": by = try v.string()
            case "at": at = try v.timestamp()
            case "target": target = try v.read(ReviewTarget.self)
            case "action": action = try v.code(ReviewAction.self)
            case "note": note = try v.string()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), by: try required(by), at: try required(at), target: try required(target),
                  action: try required(action), note: try required(note))
    }
}

extension ConsentInformed: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        self.init()
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "whatShared": whatShared = try v.optionalString()
            case "why": why = try v.optionalString()
            case "withWhom": withWhom = try v.optionalString()
            case "implications": implications = try v.optionalString()
            case "understandingChecked": understandingChecked = try v.optionalBool()
            default: throw StoredJSON.Refused()
            }
        }
    }
}

extension ConsentScope: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var purposes: [String]?, recipients: [String]?, restrictions: [String]?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "purposes": purposes = try v.strings()
            case "recipients": recipients = try v.strings()
            case "restrictions": restrictions = try v.strings()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(purposes: try required(purposes), recipients: try required(recipients), restrictions: try required(restrictions))
    }
}

extension CompetenceAssessment: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var understandsQuestion: Bool?, understandsImplications: Bool?, weighsAlternatives: Bool?, ownView: Bool?
        var consistent: Bool?, assessedBy: String?, assessedAt: Timestamp?, note: String?, weighsAspects: Bool?
        var conclusion: CompetenceConclusion?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "understandsQuestion": understandsQuestion = try v.bool()
            case "understandsImplications": understandsImplications = try v.bool()
            case "weighsAlternatives": weighsAlternatives = try v.bool()
            case "ownView": ownView = try v.bool()
            case "consistent": consistent = try v.bool()
            case "assessedBy": assessedBy = try v.string()
            case "assessedAt": assessedAt = try v.timestamp()
            case "note": note = try v.optionalString()
            case "weighsAspects": weighsAspects = try v.optionalBool()
            case "conclusion": conclusion = try v.optionalCode(CompetenceConclusion.self)
            default: throw StoredJSON.Refused()
            }
        }
        self.init(understandsQuestion: try required(understandsQuestion), understandsImplications: try required(understandsImplications),
                  weighsAlternatives: try required(weighsAlternatives), ownView: try required(ownView),
                  consistent: try required(consistent), assessedBy: try required(assessedBy), assessedAt: try required(assessedAt),
                  note: note, weighsAspects: weighsAspects, conclusion: conclusion)
    }
}

extension CapacityAssessment: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var decision: String?, lacksCapacity: Bool?, supportGiven: String?, assessedBy: String?, assessedAt: Timestamp?
        var actingAs: CapacityActing?, bestInterests: String?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "decision": decision = try v.string()
            case "lacksCapacity": lacksCapacity = try v.bool()
            case "supportGiven": supportGiven = try v.optionalString()
            case "assessedBy": assessedBy = try v.string()
            case "assessedAt": assessedAt = try v.timestamp()
            case "actingAs": actingAs = try v.optionalCode(CapacityActing.self)
            case "bestInterests": bestInterests = try v.optionalString()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(decision: try required(decision), lacksCapacity: try required(lacksCapacity), supportGiven: supportGiven,
                  assessedBy: try required(assessedBy), assessedAt: try required(assessedAt), actingAs: actingAs,
                  bestInterests: bestInterests)
    }
}

extension Consent: StoredReadable {
    init(stored value: StoredJSON.Value) throws(StoredJSON.Refused) {
        var id: String?, episodeId: String?, givenBy: GivenBy?, givenAt: Timestamp?, decision: ConsentDecision?
        var form: ConsentForm?, copyGivenToPerson: Bool?, fileReference: String?, whyNotWritten: String?
        var informed: ConsentInformed?, scope: ConsentScope?, competence: CompetenceAssessment?, reviewBy: Day?
        var status: ConsentStatus?, withdrawnAt: Timestamp?, capacity: CapacityAssessment?, statusChangedAt: Timestamp?
        try value.members { key, v throws(StoredJSON.Refused) in
            switch key {
            case "id": id = try v.string()
            case "episodeId": episodeId = try v.string()
            case "givenBy":
                let raw = try v.string()
                givenBy = raw == "child" ? .child : .person(raw)
            case "givenAt": givenAt = try v.timestamp()
            case "decision": decision = try v.code(ConsentDecision.self)
            case "form": form = try v.code(ConsentForm.self)
            case "copyGivenToPerson": copyGivenToPerson = try v.optionalBool()
            case "fileReference": fileReference = try v.optionalString()
            case "whyNotWritten": whyNotWritten = try v.optionalString()
            case "informed": informed = try v.read(ConsentInformed.self)
            case "scope": scope = try v.read(ConsentScope.self)
            case "competence": competence = try v.optionalRead(CompetenceAssessment.self)
            case "reviewBy": reviewBy = try v.optionalDay()
            case "status": status = try v.code(ConsentStatus.self)
            case "withdrawnAt": withdrawnAt = try v.optionalTimestamp()
            case "capacity": capacity = try v.optionalRead(CapacityAssessment.self)
            case "statusChangedAt": statusChangedAt = try v.optionalTimestamp()
            default: throw StoredJSON.Refused()
            }
        }
        self.init(id: try required(id), episodeId: try required(episodeId), givenBy: try required(givenBy),
                  givenAt: try required(givenAt), decision: try required(decision), form: try required(form),
                  copyGivenToPerson: copyGivenToPerson, fileReference: fileReference, whyNotWritten: whyNotWritten,
                  informed: try required(informed), scope: try required(scope), competence: competence, reviewBy: reviewBy,
                  status: try required(status), withdrawnAt: withdrawnAt, capacity: capacity, statusChangedAt: statusChangedAt)
    }
}
