import TerminalKit

/// Checks that a case hangs together: ids well formed and unique, and every
/// reference (`episodeId`, `consentId`, `decisionId`, `givenBy`, ...) resolves.
public enum CaseValidation {
    /// Ids appear in logs and error messages, so they are kept to a plain
    /// alphabet that cannot carry personal text or terminal escapes.
    public static func isValidId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 95
        }
    }

    public static let idRule = "letters, digits, '.', '_' or '-', at most 64"

    /// Whether `name` can be a team's name: one line of visible text.
    public static func isValidTeam(_ name: String) -> Bool {
        !name.isBlank && !name.unicodeScalars.contains { c in
            switch c.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
    }

    /// Checks a whole case. With `today`, a date of birth may not be after it
    /// (an unborn child has `expectedBirth` instead).
    public static func validate(_ c: Case, today: Day? = nil) throws(CaseFileError) {
        guard isValidId(c.id) else { throw CaseFileError(path: "case.id", "\(Quoted(c.id)) is not a valid id (\(idRule))") }
        if c.title.isBlank { throw CaseFileError(path: "case.title", "must not be empty") }
        if c.worker.isBlank { throw CaseFileError(path: "case.worker", "must not be empty") }
        guard isValidId(c.worker) else {
            throw CaseFileError(path: "case.worker", "\(Quoted(c.worker)) is not a user name (\(idRule))")
        }
        if let team = c.team, !isValidTeam(team) {
            throw CaseFileError(path: "case.team", "\(Quoted(team)) is not a team name (one line of visible text)")
        }
        if c.child.name.isBlank { throw CaseFileError(path: "case.child.name", "must not be empty") }
        if let today, let born = c.child.dateOfBirth, born > today {
            throw CaseFileError(path: "case.child.dateOfBirth", "\(born) is in the future; for an unborn child use expectedBirth")
        }
        if let closed = c.closed, closed < c.opened {
            throw CaseFileError(path: "case.closed", "\(closed) is before the case was opened (\(c.opened))")
        }

        var seen: [String: String] = [c.id: "case.id"]
        func claim(_ id: String, _ path: String) throws(CaseFileError) {
            guard isValidId(id) else { throw CaseFileError(path: path, "\(Quoted(id)) is not a valid id (\(idRule))") }
            if let first = seen[id] { throw CaseFileError(path: path, "\(Quoted(id)) is already used by \(first)") }
            seen[id] = path
        }
        for (i, r) in c.people.enumerated() { try claim(r.id, "case.people[\(i)].id") }
        for (i, r) in c.episodes.enumerated() { try claim(r.id, "case.episodes[\(i)].id") }
        for (i, r) in c.notes.enumerated() { try claim(r.id, "case.notes[\(i)].id") }
        for (i, r) in c.concerns.enumerated() { try claim(r.id, "case.concerns[\(i)].id") }
        for (i, r) in c.consents.enumerated() { try claim(r.id, "case.consents[\(i)].id") }
        for (i, r) in c.decisions.enumerated() { try claim(r.id, "case.decisions[\(i)].id") }
        for (i, r) in c.disclosures.enumerated() { try claim(r.id, "case.disclosures[\(i)].id") }
        for (i, r) in c.reviews.enumerated() { try claim(r.id, "case.reviews[\(i)].id") }

        let people = Set(c.people.map(\.id)), episodes = Set(c.episodes.map(\.id))
        let concerns = Set(c.concerns.map(\.id)), consents = Set(c.consents.map(\.id))
        let decisions = Set(c.decisions.map(\.id))
        func ref(_ id: String?, in set: Set<String>, _ what: String, _ path: String) throws(CaseFileError) {
            guard let id else { return }
            if !set.contains(id) { throw CaseFileError(path: path, "no \(what) with id \(Quoted(id)) in this case") }
        }
        for (i, e) in c.episodes.enumerated() {
            if let ended = e.ended, ended < e.started {
                throw CaseFileError(path: "case.episodes[\(i)].ended", "\(ended) is before the episode started (\(e.started))")
            }
        }
        for (i, n) in c.notes.enumerated() {
            try ref(n.episodeId, in: episodes, "episode", "case.notes[\(i)].episodeId")
        }
        for (i, k) in c.consents.enumerated() {
            try ref(k.episodeId, in: episodes, "episode", "case.consents[\(i)].episodeId")
            try ref(k.givenBy.personId, in: people, "person", "case.consents[\(i)].givenBy")
        }
        for (i, d) in c.decisions.enumerated() {
            try ref(d.episodeId, in: episodes, "episode", "case.decisions[\(i)].episodeId")
            try ref(d.concernId, in: concerns, "concern", "case.decisions[\(i)].concernId")
            try ref(d.consentPosition?.consentId, in: consents, "consent", "case.decisions[\(i)].consentPosition.consentId")
        }
        for (i, x) in c.disclosures.enumerated() {
            try ref(x.decisionId, in: decisions, "decision", "case.disclosures[\(i)].decisionId")
            try ref(x.consentId, in: consents, "consent", "case.disclosures[\(i)].consentId")
        }
        for (i, r) in c.reviews.enumerated() where seen[r.target.record] == nil {
            throw CaseFileError(path: "case.reviews[\(i)].target.record", "no record with id \(Quoted(r.target.record)) in this case")
        }
    }
}
