import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

/// How `casework flags` prints: a table grouped by case, or the spec's JSON array.
enum FlagReport {
    /// `s` as a JSON string, escaped as Foundation's encoder escapes it (a quote, a backslash, a slash).
    static func jsonString(_ s: String) -> String {
        var out = ""
        appendJSON(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string to `out`.
    static func appendJSON(_ s: String, to out: inout String) {
        // Printable ASCII, nearly every message and id, without an encoder per string (a third of a long queue's time),
        // told apart in one pass over its bytes: printable (space to tilde), and whether any needs a backslash.
        func escaped(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b == 0x2F }
        var needsEscape = false
        let printable = s.everyByte { b in
            if escaped(b) { needsEscape = true }
            return b >= 0x20 && b < 0x7F
        }
        if printable {
            out.append("\"")
            if needsEscape {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(s.utf8.count + 8)
                for b in s.utf8 {
                    if escaped(b) { bytes.append(0x5C) }  // before a quote, a backslash or a slash
                    bytes.append(b)
                }
                out.append(String(decoding: bytes, as: UTF8.self))
            } else {
                out.append(s)
            }
            out.append("\"")
            return
        }
        out.append(String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self))
    }

    /// One object per flag with the keys of flags.md, in its order; for the review queue, also whose case it is,
    /// since when it has been open, the review that returned it and when the practitioner read it, as the queue screen shows.
    static func json(_ entries: [FlagEntry], includeStatus: Bool, queue: Bool = false) -> String {
        guard !entries.isEmpty else { return "[]\n" }
        var out = "[\n"
        for (i, e) in entries.enumerated() {
            if i > 0 { out.append(",\n") }
            appendObject(e, includeStatus: includeStatus, queue: queue, to: &out)
        }
        out.append("\n]\n")
        return out
    }

    /// Appends one flag's object, written straight into `out` (a long queue is a hundred thousand of them).
    static func appendObject(_ e: FlagEntry, includeStatus: Bool, queue: Bool, to out: inout String) {
        // Each key with its quotes, colon and the comma before it as one literal: one append, not three.
        func field(_ key: String, _ value: String?) {
            out.append(key)
            if let value { appendJSON(value, to: &out) } else { out.append("null") }
        }
        field("  {\"rule\": ", e.flag.rule)
        field(", \"severity\": ", e.flag.severity.rawValue)
        field(", \"case\": ", e.flag.caseId)
        field(", \"record\": ", e.flag.recordId)
        field(", \"message\": ", e.flag.message)
        field(", \"source\": ", e.flag.source)
        if includeStatus {
            field(", \"status\": ", e.flag.status.rawValue)
            field(", \"review\": ", e.flag.reviewId)
        }
        if queue {
            field(", \"practitioner\": ", e.worker)
            field(", \"since\": ", e.since.description)
            field(", \"returned\": ", e.flag.returnedIn)
            field(", \"returnedRead\": ", e.returnedRead?.description)
            field(", \"escalated\": ", e.escalated?.id)
        }
        out.append("}")
    }

    /// Writes the same array as `json`, a batch at a time as the store reads it (`read` hands
    /// every batch of the whole list to the function it is given), so a long list needs the
    /// memory of one batch.
    static func streamJSON(includeStatus: Bool, queue: Bool = false, batch: Int = 1000,
                           read: (_ batch: Int, _ each: ([FlagEntry]) -> Void) throws -> Void) rethrows {
        var first = true
        // One buffer for every batch: a fresh one each time was new memory to fault in and copy as it grew.
        var text = ""
        try read(batch) { entries in
            text.removeAll(keepingCapacity: true)
            // By index: each entry is lent to `appendObject`, where a loop variable was a copy of it (every string retained).
            for i in entries.indices {
                text.append(first ? "[\n" : ",\n")
                appendObject(entries[i], includeStatus: includeStatus, queue: queue, to: &text)
                first = false
            }
            write(text)
        }
        write(first ? "[]\n" : "\n]\n")
    }

    static func table(_ entries: [FlagEntry], childNames: [String: String], on day: Day) -> String {
        entries.isEmpty ? "No open flags on \(day).\n" : groups(entries, childNames: childNames)
    }

    /// Writes the same text as `table` over every case the user can see, a page of the case
    /// list at a time with the flags of that page's cases, so a long list needs the memory of
    /// one page (the whole list at 100,000 cases held 446 MB).
    static func streamTable(_ query: FlagQuery, on day: Day, pageSize: Int = 1000,
                            cases: (_ after: String?, _ limit: Int) throws -> [CaseSummary],
                            flags: (FlagQuery) throws -> [FlagEntry]) rethrows {
        var after: String?, wrote = false
        while true {
            let page = try cases(after, pageSize)
            guard let first = page.first, let last = page.last else { break }
            var q = query
            q.caseIds = first.id...last.id
            let entries = try flags(q)
            if !entries.isEmpty {
                write(groups(entries, childNames: Dictionary(page.map { ($0.id, $0.childName) }) { a, _ in a }))
                wrote = true
            }
            guard page.count == pageSize else { break }
            after = last.id
        }
        if !wrote { write("No open flags on \(day).\n") }
    }

    /// Each severity as the table shows it, by rank: upper case, seven columns.
    static let severityLabels = Severity.allCases.sorted().map { DisplayWidth.pad($0.rawValue.uppercased(), to: 7) }

    /// Each case's flags under a line naming the case, its child, its practitioner and its counts; cases in id order.
    static func groups(_ entries: [FlagEntry], childNames: [String: String]) -> String {
        var out = ""
        var order: [String] = []
        var byCase: [String: [FlagEntry]] = [:]
        for e in entries {
            if byCase[e.flag.caseId] == nil { order.append(e.flag.caseId) }
            byCase[e.flag.caseId, default: []].append(e)
        }
        for id in order.sorted() {
            let list = byCase[id]!
            let summary = Severity.counts(Severity.tally(list, \.flag.severity), zeros: false)
            out += "\(id) · \(Sanitiser.clean(childNames[id] ?? "")) · \(list[0].worker) · \(summary)\n"
            // Appended piece by piece: a list at 100,000 cases is 180,000 flags.
            for e in list {
                let f = e.flag
                out += "  "
                out += severityLabels[f.severity.rank]
                out += " "
                out += DisplayWidth.pad(f.recordId, to: 6)
                out += " "
                out += f.rule
                if f.status == .accepted { out += " (accepted in \(f.reviewId ?? "a review"))" }
                out += "\n          "
                out += Sanitiser.clean(f.message)
                out += "\n          Source: "
                out += Sanitiser.clean(f.source)
                out += "\n"
            }
            out += "\n"
        }
        return out
    }
}
