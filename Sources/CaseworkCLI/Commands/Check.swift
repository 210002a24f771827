import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the store: integrity, the audit trail, record versions, and every case's flags recomputed under the store's policy. Exits non-zero on any problem.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let (store, me) = try options.session()
        let c = try attempt { try store.check(by: me) }
        write("Integrity: \(c.integrity == ["ok"] ? "ok" : c.integrity.prefix(5).joined(separator: "; "))\n")
        write("Foreign keys: \(c.foreignKeys == 0 ? "ok" : "\(c.foreignKeys) broken \(c.foreignKeys == 1 ? "reference" : "references")")\n")
        write("Audit trail: \(c.audit.problem ?? "intact, \(c.audit.events) events")\n")
        write("Record versions: \(c.versions.isEmpty ? "ok" : "\(c.versions.count) \(c.versions.count == 1 ? "does" : "do") not match the audit trail: " + Self.listed(c.versions, 5, "; "))\n")
        write("Flags: \(c.staleFlags.isEmpty ? "as the rules give them, \(c.cases) cases" : "\(c.staleFlags.count) \(c.staleFlags.count == 1 ? "case whose stored flags differ" : "cases whose stored flags differ") from the rules: " + Self.listed(c.staleFlags, 20, ", "))\n")
        if !c.isHealthy { throw fail("the store needs attention (see above)") }
    }

    /// The first `n` of `items`, and how many more there are.
    static func listed(_ items: [String], _ n: Int, _ separator: String) -> String {
        items.prefix(n).joined(separator: separator) + (items.count > n ? "\(separator)and \(items.count - n) more" : "")
    }
}
