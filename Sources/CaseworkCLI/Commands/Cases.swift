import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import TerminalKit

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cases", abstract: "List the cases you can see.")
    @OptionGroup var options: StoreOptions
    @Option(help: ArgumentHelp("At most this many cases, in id order.", valueName: "n")) var limit: Int?
    @Option(help: ArgumentHelp("Pass over this many cases first (with --limit, a later page).", valueName: "n")) var offset = 0

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit takes a number of cases, 0 or more") }
        if offset < 0 { throw ValidationError("--offset takes a number of cases, 0 or more") }
    }

    func run() throws {
        let (store, me) = try options.session()
        if limit == nil && offset == 0 {
            // Every case, written a page at a time as it is read.
            var table = TextTable.Stream(headers: Self.headers)
            var after: String?
            while true {
                let page = try attempt { try store.cases(visibleTo: me, after: after, limit: Self.pageSize) }
                if page.isEmpty && after == nil {
                    write("No cases you can see. Import one with `casework import FILE`.\n")
                    return
                }
                write(table.page(page.map(Self.row)))
                guard page.count == Self.pageSize, let last = page.last else { return }
                after = last.id
            }
        }
        // One page from the store's own paging, as the workbook's list reads it.
        let list = try attempt { try store.caseList(CaseListQuery(on: today(), offset: offset, limit: limit ?? Int(Int32.max)), by: me) }
            .entries.map(\.summary)
        if list.isEmpty {
            write("No cases on this page.\n")
            return
        }
        write(TextTable(headers: Self.headers, rows: list.map(Self.row)).render())
    }

    static let pageSize = 1000
    static let headers = ["ID", "CHILD", "WORKER", "OPENED", "STATUS"]
    static func row(_ c: CaseSummary) -> [String] { [c.id, c.childName, c.worker, c.opened.description, c.status] }
}
