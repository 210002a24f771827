import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the store: integrity, the audit trail, record versions, and every case's flags recomputed under the store's policy. Exits non-zero on any problem.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let (store, me) = try options.session()
        let c = try attempt { try store.check(by: me) }
        write("Integrity: \(c.integrity == ["ok"] ? "ok" : c.integrity.prefix(5).joined(separator: "; "))\n")
        write("Foreign keys: \(c.foreignKeys == 0 ? "ok" : "\(c.foreignKeys) broken references")\n")
        write("Audit trail: \(c.audit.problem ?? "intact, \(c.audit.events) events")\n")
        write("Record versions: \(c.versions.isEmpty ? "ok" : "\(c.versions.count) do not match the audit trail: " + c.versions.prefix(5).joined(separator: "; "))\n")
        write("Flags: \(c.staleFlags.isEmpty ? "as the rules give them, \(c.cases) cases" : "\(c.staleFlags.count) cases whose stored flags differ from the rules: " + c.staleFlags.prefix(20).joined(separator: ", "))\n")
        if !c.isHealthy { throw fail("the store needs attention (see above)") }
    }
}
