import CaseworkCore
import Foundation
import Synchronization

extension TeamReport.Tally {
    /// How many cases a report reads, decodes and counts at once; only these are held in memory.
    /// The team store's batch: each is one audited `read_cases` call and a round trip.
    static let batch = 200
    /// The single-user store's batch: smaller, as a batch costs it no round trip and no audited
    /// call. At 100,000 cases 50 took 3.5–4.2 s and 55 MB against 200's 4.4–6.6 s and 58–60 MB.
    static let localBatch = 50

    /// Counts cases as a report reads them. A helper thread decodes and counts
    /// whatever has been read; the reading thread, handing over each batch,
    /// counts too until no more than a batch is waiting, then reads the next.
    /// So both cores work while one of them reads (counting each batch on both
    /// cores and then reading the next kept 1.2 of 2 busy). Memory: at most two
    /// batches of stored cases. Whoever makes one closes it on every path
    /// (`finish` does), or its helper thread waits for ever.
    final class Counter: Sendable {
        private struct Queue {
            var cases: StoredCases = []
            var next = 0
            var error: (any Error)?
        }
        private let queue = Mutex(Queue())
        /// One signal for each case handed over, and one when no more will come.
        private let ready = DispatchSemaphore(value: 0)
        private let helper = DispatchGroup()
        private let helped: Mutex<TeamReport.Tally>
        private let closed = Mutex(false)
        private let own: Mutex<TeamReport.Tally>

        init(from: Day?, to: Day?, today: Day) {
            helped = Mutex(TeamReport.Tally(from: from, to: to, today: today))
            own = Mutex(TeamReport.Tally(from: from, to: to, today: today))
            DispatchQueue.global().async(group: helper) { [self] in
                var tally = TeamReport.Tally(from: from, to: to, today: today)
                while countNext(into: &tally, waiting: true) {}
                helped.withLock { $0.merge(cases: tally) }
            }
        }

        /// Hands over a batch read, then counts on this thread until at most `keep` cases wait.
        func add(_ cases: StoredCases, keep: Int) throws {
            queue.withLock { q in
                q.cases.removeFirst(q.next)
                q.next = 0
                q.cases += cases
            }
            for _ in cases { ready.signal() }
            try own.withLock { tally in
                while queue.withLock({ $0.cases.count - $0.next }) > keep, countNext(into: &tally, waiting: false) {}
                if let error = queue.withLock({ $0.error }) { throw error }
            }
        }

        /// Counts what is left, waits for the helper and gives the whole tally; throws the first
        /// case that did not decode.
        func finish() throws -> TeamReport.Tally {
            var whole = own.withLock { tally in
                while countNext(into: &tally, waiting: false) {}
                return tally.take()
            }
            close()
            helper.wait()
            if let error = queue.withLock({ $0.error }) { throw error }
            whole.merge(cases: helped.withLock { $0.take() })
            return whole
        }

        /// Lets the helper end once it has counted what it took.
        func close() {
            let first = closed.withLock { c in defer { c = true }; return !c }
            if first { ready.signal() }
        }

        /// Takes one waiting case, decodes and counts it; false when there is none to take
        /// (with `waiting`, once the counter is closed and nothing waits) or a case failed.
        private func countNext(into tally: inout TeamReport.Tally, waiting: Bool) -> Bool {
            if waiting { ready.wait() } else if ready.wait(timeout: .now()) == .timedOut { return false }
            let taken = queue.withLock { q -> (id: String, records: [(kind: String, body: String)])? in
                guard q.error == nil, q.next < q.cases.count else { return nil }
                defer { q.next += 1 }
                return q.cases[q.next]
            }
            guard let taken else { return false }
            do {
                guard let c = try Case(rows: taken.records, storedAs: taken.id) else { throw StoreError.caseNotFound(taken.id) }
                tally.add(c)
            } catch {
                queue.withLock { $0.error = $0.error ?? error }
                return false
            }
            return true
        }
    }

    /// Cases grouped from rows of (case id, kind, body) ordered by case and position; every case
    /// of `ids` (in the same order) must have its records there.
    static func grouped<Rows: Sequence>(_ rows: Rows, expecting ids: ArraySlice<String>,
                                        _ fields: (Rows.Element) -> (String, String, String)) throws(StoreError) -> StoredCases {
        let out = storedCases(rows, fields)
        if let missing = zip(ids, out.map(\.id) + Array(repeating: "", count: max(0, ids.count - out.count))).first(where: { $0.0 != $0.1 }) {
            throw .caseNotFound(missing.0)
        }
        return out
    }
}
