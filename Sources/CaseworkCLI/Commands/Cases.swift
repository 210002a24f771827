import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the cases you can see.")
    @OptionGroup var options: StoreOptions
    @Option(help: ArgumentHelp("At most this many cases, in id order.", valueName: "n")) var limit: Int?
    @Option(help: ArgumentHelp("Pass over this many cases first (with --limit, a later page).", valueName: "n")) var offset = 0

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit takes a number of cases, 0 or more") }
        if offset < 0 { throw ValidationError("--offset takes a number of cases, 0 or more") }
    }

    func run() throws {
        let (store, me) = try options.session()
        let list: [CaseSummary]
        if limit != nil || offset > 0 {
            // One page from the store's own paging, as the workbook's list reads it.
            let page = try attempt { try store.caseList(CaseListQuery(on: today(), offset: offset, limit: limit ?? Int(Int32.max)), by: me) }
            list = page.entries.map(\.summary)
        } else {
            list = try attempt { try store.cases(visibleTo: me) }
        }
        if list.isEmpty, offset > 0 || limit != nil {
            write("No cases on this page.\n")
            return
        }
        if list.isEmpty {
            write("No cases you can see. Import one with `casework import FILE`.\n")
            return
        }
        let table = TextTable(headers: ["ID", "CHILD", "WORKER", "OPENED", "STATUS"],
                              rows: list.map { [$0.id, $0.childName, $0.worker, $0.opened.description, $0.status] })
        write(table.render())
    }
}
