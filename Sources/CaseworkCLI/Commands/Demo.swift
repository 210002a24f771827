import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Invented data for demonstrations and benchmarks.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write N invented cases (deterministic for a seed), in batches of one transaction each. Managers only.")
        @OptionGroup var options: StoreOptions
        @Option(help: "How many cases.") var cases: Int
        @Option(help: "The seed; the same seed gives the same cases.") var seed: UInt64 = 1
        @Option(help: "Cases per transaction.") var batch = 500

        func validate() throws {
            guard (1...1_000_000).contains(cases) else { throw ValidationError("--cases takes 1 to 1000000") }
            guard (1...1_000).contains(batch) else { throw ValidationError("--batch takes 1 to 1000 cases a transaction (an import holds at most \(StoreRules.importLimit) records)") }
        }

        func run() throws {
            let (store, me) = try options.session(create: true)
            _ = try attempt { try store.initialise(by: me) }
            let existing = try attempt { try store.users(by: me) }.map(\.name)
            let workers = (1...20).map { String(format: "worker%02d", $0) }
            let teams = ["Early Help North", "Early Help South", "Schools Team", "Health Visiting"]
            for (i, w) in workers.enumerated() where !existing.contains(w) {
                try attempt { try store.addUser(User(name: w, role: .worker, teams: [teams[i % teams.count]]), by: me) }
            }
            let start = (try attempt { try store.cases(visibleTo: me) }.compactMap { Int($0.id.dropFirst(2)) }.max() ?? 0) + 1
            var generator = DemoGenerator(seed: seed)
            var made = 0
            let began = Date()
            while made < cases {
                let n = min(batch, cases - made)
                let chunk = (0..<n).map { generator.makeCase(start + made + $0, workers: workers, teams: teams) }
                _ = try attempt { try store.importCases(chunk, replace: false, by: me) }
                made += n
                FileHandle.standardError.write(Data("\r\(made)/\(cases) cases".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            write(String(format: "Generated %d cases in %.1f s.\n", made, Date().timeIntervalSince(began)))
        }
    }
}
