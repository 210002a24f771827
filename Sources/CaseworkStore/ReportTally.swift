import CaseworkCore
import Foundation
import Synchronization

/// Stored cases, as read for the team report: each case's id and its records' kinds and bodies, in order.
typealias StoredCases = [(id: String, records: [(kind: String, body: String)])]

extension TeamReport.Tally {
    /// How many cases a report reads, decodes and counts at once; only these are held in memory.
    static let batch = 200

    /// The tally of `cases`: each decoded from its stored records and counted, the cases split
    /// across the machine's cores. Throws the first record that does not decode.
    static func counting(_ cases: StoredCases, from: Day?, to: Day?, today: Day) throws -> Self {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, cases.count))
        let tallies = Mutex<[Self?]>(Array(repeating: nil, count: parts))
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var tally = Self(from: from, to: to, today: today)
            do {
                for k in stride(from: part, to: cases.count, by: parts) {
                    guard let c = try Case(rows: cases[k].records, storedAs: cases[k].id) else {
                        throw StoreError.caseNotFound(cases[k].id)
                    }
                    tally.add(c)
                }
                tallies.withLock { $0[part] = tally }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var whole = Self(from: from, to: to, today: today)
        for tally in tallies.withLock({ $0 }) { if let tally { whole.merge(cases: tally) } }
        return whole
    }

    /// Cases grouped from rows of (case id, kind, body) ordered by case and position; every case
    /// of `ids` (in the same order) must have its records there.
    static func grouped<Rows: Sequence>(_ rows: Rows, expecting ids: ArraySlice<String>,
                                        _ fields: (Rows.Element) -> (String, String, String)) throws(StoreError) -> StoredCases {
        var out: StoredCases = []
        for row in rows {
            let (id, kind, body) = fields(row)
            if out.last?.id != id { out.append((id, [])) }
            out[out.count - 1].records.append((kind, body))
        }
        if let missing = zip(ids, out.map(\.id) + Array(repeating: "", count: max(0, ids.count - out.count))).first(where: { $0.0 != $0.1 }) {
            throw .caseNotFound(missing.0)
        }
        return out
    }
}
