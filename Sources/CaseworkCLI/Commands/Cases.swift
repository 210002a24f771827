import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the cases you can see.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let (store, me) = try options.session()
        let list = try attempt { try store.cases(visibleTo: me) }
        if list.isEmpty {
            write("No cases you can see. Import one with `casework import FILE`.\n")
            return
        }
        let table = TextTable(headers: ["ID", "CHILD", "WORKER", "OPENED", "STATUS"],
                              rows: list.map { [$0.id, $0.childName, $0.worker, $0.opened.description, $0.status] })
        write(table.render())
    }
}
