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

/// Case ids of the form `C-0001`, as the workbook suggests them for new cases.
public enum CaseNumbering {
    /// The id after the highest numbered one, at least four digits.
    public static func next(after highest: Int) -> String {
        let n = String(highest + 1)
        return "C-" + String(repeating: "0", count: max(0, 4 - n.count)) + n
    }

    /// The number in an id like `C-0042`, if it has one.
    public static func number(_ id: String) -> Int? {
        id.hasPrefix("C-") ? Int(id.dropFirst(2)) : nil
    }
}
