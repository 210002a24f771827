import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

/// How `casework flags` prints: a table grouped by case, or the spec's JSON array.
enum FlagReport {
    /// `s` as a JSON string, escaped as Foundation's encoder escapes it (a quote, a backslash, a slash).
    static func jsonString(_ s: String) -> String {
        // Printable ASCII, nearly every message and id, without an encoder per string (a third of a long queue's time).
        if DisplayWidth.isPrintableASCII(s) {
            var out: [UInt8] = [0x22]
            out.reserveCapacity(s.utf8.count + 8)
            for b in s.utf8 {
                if b == 0x22 || b == 0x5C || b == 0x2F { out.append(0x5C) }  // before a quote, a backslash or a slash
                out.append(b)
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// One object per flag with the keys of flags.md, in its order; for the review queue, also whose case it is,
    /// since when it has been open, the review that returned it and when the practitioner read it, as the queue screen shows.
    static func json(_ entries: [FlagEntry], includeStatus: Bool, queue: Bool = false) -> String {
        let objects = entries.map { object($0, includeStatus: includeStatus, queue: queue) }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    static func object(_ e: FlagEntry, includeStatus: Bool, queue: Bool) -> String {
        let f = e.flag
        var fields = [("rule", f.rule), ("severity", f.severity.rawValue), ("case", f.caseId), ("record", f.recordId),
                      ("message", f.message), ("source", f.source)].map { "\(jsonString($0.0)): \(jsonString($0.1))" }
        if includeStatus {
            fields.append("\"status\": \(jsonString(f.status.rawValue))")
            fields.append("\"review\": \(f.reviewId.map(jsonString) ?? "null")")
        }
        if queue {
            fields.append("\"practitioner\": \(jsonString(e.worker))")
            fields.append("\"since\": \(jsonString(e.since.description))")
            fields.append("\"returned\": \(f.returnedIn.map(jsonString) ?? "null")")
            fields.append("\"returnedRead\": \(e.returnedRead.map { jsonString($0.description) } ?? "null")")
            fields.append("\"escalated\": \(e.escalated.map { jsonString($0.id) } ?? "null")")
        }
        return "  {" + fields.joined(separator: ", ") + "}"
    }

    /// Writes the same array as `json`, a page at a time as the store reads it (each page starting
    /// after the last item of the one before), so a long list needs the memory of one page.
    static func streamJSON(_ query: FlagQuery, includeStatus: Bool, queue: Bool = false, pageSize: Int = 1000,
                           read: (FlagQuery) throws -> [FlagEntry]) rethrows {
        var q = query
        q.limit = pageSize
        var first = true
        while true {
            let entries = try read(q)
            var text = ""
            for e in entries {
                text += first ? "[\n" : ",\n"
                text += object(e, includeStatus: includeStatus, queue: queue)
                first = false
            }
            write(text)
            guard entries.count == pageSize, let last = entries.last else { break }
            q.after = FlagQuery.Position(last)
        }
        write(first ? "[]\n" : "\n]\n")
    }

    static func table(_ entries: [FlagEntry], childNames: [String: String], on day: Day) -> String {
        guard !entries.isEmpty else { return "No open flags on \(day).\n" }
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
            for e in list {
                let f = e.flag
                let status = f.status == .accepted ? " (accepted in \(f.reviewId ?? "a review"))" : ""
                out += "  \(DisplayWidth.pad(f.severity.rawValue.uppercased(), to: 7)) \(DisplayWidth.pad(f.recordId, to: 6)) \(f.rule)\(status)\n"
                out += "          \(Sanitiser.clean(f.message))\n"
                out += "          Source: \(Sanitiser.clean(f.source))\n"
            }
            out += "\n"
        }
        return out
    }
}
