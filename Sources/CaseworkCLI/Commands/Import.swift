import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import case files (format casework-case/2, or /1). All files go in, or none.")
    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp("Case files to import.", valueName: "file")) var files: [String]
    @ArgumentParser.Flag(help: "Amend cases that already exist from the files (recorded as amendments).") var replace = false

    func run() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one case file to import") }
        var cases: [Case] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw fail("\(file): cannot read the file") }
            do {
                cases.append(try CaseFileCodec.decode(data))
            } catch {
                throw fail("\(file): \(error); nothing was imported")
            }
        }
        let (store, me) = try options.session()
        let outcomes = try attempt { try store.importCases(cases, replace: replace, by: me) }
        for o in outcomes {
            switch o {
            case .created(let id, let n): write("Imported \(id) (\(n) records).\n")
            case .createdAs(let fileId, let id, let n): write("Imported \(fileId) as \(id) (\(n) records): the file's id is not free.\n")
            case .replaced(let id, let amended, let added): write("Replaced \(id): \(amended) records amended, \(added) added.\n")
            }
        }
    }
}
