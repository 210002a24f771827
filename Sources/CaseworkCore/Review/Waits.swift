/// The hours each decided concern waited for its decision, as a team report gathers them: the
/// median needs every one. Held in chunks, so that a tally grows and two tallies merge without
/// copying what they hold: as one array, the doubling and the merges of the report's two counting
/// threads held three copies at once (9 MB of a report's 13 MB of heap at 100,000 cases).
public struct Waits: Sendable {
    /// The most hours one chunk holds (512 KB).
    static let chunkSize = 65_536
    private var chunks: [[Double]] = []

    /// How many waits are held (a sum over the chunks: about sixty at a million cases).
    public var count: Int { chunks.reduce(0) { $0 + $1.count } }

    public init() {}

    public mutating func append(_ hours: Double) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize { chunks.append([]) }
        chunks[chunks.count - 1].append(hours)
    }

    /// Takes in another tally's hours, sharing its chunks.
    public mutating func append(contentsOf other: Waits) {
        chunks += other.chunks
    }

    /// The median and the longest wait, leaving these waits empty; nil when no concern was decided.
    /// Each chunk is sorted where it lies, then the chunks are walked together, smallest first, to
    /// the middle.
    public mutating func takeMedianAndWorst() -> (median: Double, worst: Double)? {
        var sorted: [[Double]] = []
        swap(&sorted, &chunks)
        sorted.removeAll { $0.isEmpty }
        guard !sorted.isEmpty else { return nil }
        let count = sorted.reduce(0) { $0 + $1.count }
        for k in sorted.indices { sorted[k].sort() }
        var heads = MinHeads(sorted)
        var previous = 0.0
        for _ in 0..<count / 2 { previous = heads.pop(from: sorted) }
        let middle = heads.pop(from: sorted)
        let median = count % 2 == 1 ? middle : (previous + middle) / 2
        return (median, sorted.map { $0[$0.count - 1] }.max()!)
    }

    /// The next unread hours of each sorted chunk, smallest on top (a binary heap).
    private struct MinHeads {
        var heap: [(hours: Double, chunk: Int, at: Int)]

        init(_ chunks: [[Double]]) {
            heap = []
            for (k, c) in chunks.enumerated() { push((c[0], k, 0)) }
        }

        /// The smallest unread hours; moves its chunk on.
        mutating func pop(from chunks: [[Double]]) -> Double {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty { heap[0] = last; down(0) }
            if top.at + 1 < chunks[top.chunk].count { push((chunks[top.chunk][top.at + 1], top.chunk, top.at + 1)) }
            return top.hours
        }

        private mutating func push(_ e: (hours: Double, chunk: Int, at: Int)) {
            heap.append(e)
            var i = heap.count - 1
            while i > 0, heap[(i - 1) / 2].hours > heap[i].hours {
                heap.swapAt(i, (i - 1) / 2)
                i = (i - 1) / 2
            }
        }

        private mutating func down(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, heap[l].hours < heap[m].hours { m = l }
                if r < heap.count, heap[r].hours < heap[m].hours { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
    }
}
