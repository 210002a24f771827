import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import GRDB

/// The resources and flag settings the store's tests open stores with.
enum Fixtures {
    static let resources = try! CaseworkResources.load(from: Repository.resources)
    static let settings = FlagSettings(resources: resources)
}

/// A store in a fresh temporary folder, with its own config folder and a fixed clock.
struct TempStore {
    let dir: URL
    let location: StoreLocation
    let store: SQLiteCaseStore

    init(manager: String = "mia.manager", initialise: Bool = true) throws {
        dir = Scratch.path("casework-test")
        location = StoreLocation(file: dir.appendingPathComponent("data/casework/casework.sqlite"),
                                 configDirectory: dir.appendingPathComponent("config/casework"))
        store = try SQLiteCaseStore(location, settings: Fixtures.settings, create: true,
                                    clock: { Date(timeIntervalSince1970: 1_773_100_800) })
        if initialise { _ = try store.initialise(by: manager) }
    }

    func example(_ name: String) throws -> Case { try CaseFileCodec.decode(Repository.caseFile(name)) }

    /// A raw connection behind the program's back, as an intruder or a careless script would have.
    /// It waits for the store's own writers as they wait for each other, so a test that writes
    /// behind a running writer's back is not refused for arriving in the same millisecond.
    func raw() throws -> DatabaseQueue {
        var config = Configuration()
        config.foreignKeysEnabled = false
        config.busyMode = .timeout(5)
        return try DatabaseQueue(path: location.file.path, configuration: config)
    }

    /// Everything a user could notice changing: each table's rows, in order.
    func fingerprint() throws -> String {
        try raw().read { db in
            try ["meta", "user", "userTeam", "caseFile", "record", "recordVersion", "audit"].map { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").description
            }.joined(separator: "\n")
        }
    }
}
