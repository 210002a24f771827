/// Which cases the case list shows, and which slice of them to fetch: a
/// store of 100,000 cases is read a page at a time, never whole.
public struct CaseListQuery: Hashable, Sendable {
    public var mineOnly: Bool
    public var flaggedOnly: Bool
    /// Matched, ignoring case, against the case id and the child's name.
    public var search: String
    /// The day time-based flags are counted on.
    public var on: Day
    public var offset: Int
    public var limit: Int

    public init(mineOnly: Bool = false, flaggedOnly: Bool = false, search: String = "", on: Day, offset: Int = 0, limit: Int = 200) {
        self.mineOnly = mineOnly; self.flaggedOnly = flaggedOnly; self.search = search
        self.on = on; self.offset = max(0, offset); self.limit = max(1, limit)
    }

    public var isFiltered: Bool { mineOnly || flaggedOnly || !search.isEmpty }

    /// Whether `entry` passes the filters, for `user`. The store applies the
    /// same test in SQL; a test holds the two to the same answers.
    public func matches(_ entry: CaseListEntry, user: String) -> Bool {
        (!mineOnly || entry.summary.worker == user)
            && (!flaggedOnly || entry.openFlags.values.contains { $0 > 0 })
            && (search.isEmpty || Self.contains(entry.summary.id, search) || Self.contains(entry.summary.childName, search))
    }

    /// Case-insensitive containment, the same for any script.
    public static func contains(_ text: String, _ part: String) -> Bool {
        part.isEmpty || text.lowercased().contains(part.lowercased())
    }
}

/// One page of the case list: its entries from `query.offset`, how many cases
/// match in all, and the open flags across every case the user can see.
public struct CaseListPage: Hashable, Sendable {
    public var query: CaseListQuery
    public var entries: [CaseListEntry]
    public var total: Int
    public var openFlags: [Severity: Int]

    public init(query: CaseListQuery, entries: [CaseListEntry], total: Int, openFlags: [Severity: Int]) {
        self.query = query; self.entries = entries; self.total = total; self.openFlags = openFlags
    }

    /// A page that holds every case the user can see, so filtering needs no store.
    public var isComplete: Bool { !query.isFiltered && query.offset == 0 && entries.count == total }
    /// The user can see no case at all.
    public var isEmptyStore: Bool { !query.isFiltered && total == 0 }

    /// The page a store would give for `query` over `all` (every case the user
    /// can see, in id order). Used where the cases are already in memory.
    public static func select(_ query: CaseListQuery, from all: [CaseListEntry], user: String) -> CaseListPage {
        let matching = all.filter { query.matches($0, user: user) }
        var totals: [Severity: Int] = [:]
        for e in all { for (k, v) in e.openFlags { totals[k, default: 0] += v } }
        return CaseListPage(query: query, entries: Array(matching.dropFirst(query.offset).prefix(query.limit)),
                            total: matching.count, openFlags: totals)
    }
}

/// Ids for new cases: "C-" and six characters chosen at random from
/// letters and digits that cannot be misread (no 0/O, 1/I/L, U), so an id
/// says nothing about how many cases the store holds or whose they are.
public enum CaseNumbering {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> String {
        "C-" + String((0..<6).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    public static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        return random(using: &rng)
    }
}
