import CaseworkCore
import CaseworkStore
import Foundation

/// The throwaway PostgreSQL cluster `make test` starts (Tests/postgres-cluster.sh):
/// the harness reaches it as its superuser on 127.0.0.1, and as any role it
/// names; OS users reach it over its socket with peer authentication.
public enum TeamServer {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String {
            "no PostgreSQL cluster for the team store's tests: run them with `make test`, which starts one (or set CASEWORK_TEST_PG)"
        }
    }

    /// The superuser's connection string.
    public static func superuser() throws -> String {
        guard let c = ProcessInfo.processInfo.environment["CASEWORK_TEST_PG"], !c.isEmpty else { throw Unavailable() }
        return c
    }

    /// The folder holding the cluster's socket.
    public static func socketDirectory() throws -> String {
        guard let d = ProcessInfo.processInfo.environment["CASEWORK_TEST_PG_SOCKET"], !d.isEmpty else { throw Unavailable() }
        return d
    }

    /// `database` as `user`, over 127.0.0.1.
    public static func address(_ database: String, user: String) throws -> String {
        try superuser() + " dbname=\(database) user=\(user)"
    }

    /// `database` over the socket, as whichever OS user connects (peer authentication).
    public static func socketAddress(_ database: String) throws -> String {
        let port = try superuser().split(separator: " ").first { $0.hasPrefix("port=") }?.dropFirst(5) ?? "5432"
        return "postgresql:///\(database)?host=\(try socketDirectory())&port=\(port)"
    }

    /// A new, set-up team store with `admin` as its administrator; returns its database name.
    /// `basis` defaults to the repository's Resources, as `casework server setup` takes the installed ones.
    public static func newStore(admin: String = "cw.admin", basis: FlagBasis? = nil) throws -> String {
        let name = "cwt_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let basis = try basis ?? FlagSettings(resources: CaseworkResources.load(from: Repository.resources)).basis
        _ = try PostgresServer.setup(address: try address(name, user: "postgres"), admin: admin, basis: basis)
        return name
    }

    /// Runs `sql` with psql as `user`; returns its exit status and what it printed (both streams).
    public static func psql(_ database: String, user: String, _ sql: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = ["-X", "-v", "ON_ERROR_STOP=1", "-At", try address(database, user: user), "-c", sql]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Which store a contract test runs against.
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// One store of either kind with a manager who sees every case ("mia.manager")
/// and a way to act as any user. On the SQLite store everyone shares one
/// store object and says who they are; on the team store each user has their
/// own connection, authenticated as their own role, and what they say is ignored.
public final class StoreHarness: @unchecked Sendable {
    public let backend: Backend
    public let manager = "mia.manager"
    /// The SQLite store's file, or the team store's database name.
    public let place: String
    public let settings: FlagSettings
    private let lock = NSLock()
    private var stores: [String: any CaseStore] = [:]
    private let admin: String

    public init(_ backend: Backend, settings: FlagSettings) throws {
        self.backend = backend
        self.settings = settings
        switch backend {
        case .sqlite:
            let dir = Scratch.path("casework-contract")
            let location = StoreLocation(file: dir.appendingPathComponent("data/casework.sqlite"),
                                         configDirectory: dir.appendingPathComponent("config/casework"))
            let store = try SQLiteCaseStore(location, settings: settings, create: true)
            _ = try store.initialise(by: manager)
            place = location.file.path
            admin = manager
            stores[manager] = store
        case .postgres:
            admin = "cw.admin"
            place = try TeamServer.newStore(admin: admin, basis: settings.basis)
            try store(as: admin).addUser(User(name: manager, role: .manager), by: admin)
        }
    }

    /// The store as `user` sees it.
    public func store(as user: String) throws -> any CaseStore {
        lock.lock()
        defer { lock.unlock() }
        switch backend {
        case .sqlite:
            return stores[manager]!
        case .postgres:
            if let s = stores[user] { return s }
            let s = try PostgresCaseStore(address: try TeamServer.address(place, user: user), settings: settings)
            stores[user] = s
            return s
        }
    }

    /// The store as `user` opens it with their own copy of Casework's resources (`settings`).
    public func store(as user: String, with settings: FlagSettings) throws -> any CaseStore {
        switch backend {
        case .sqlite:
            let file = URL(fileURLWithPath: place)
            return try SQLiteCaseStore(StoreLocation(file: file, configDirectory: file.deletingLastPathComponent().appendingPathComponent("other-config")),
                                       settings: settings)
        case .postgres:
            return try PostgresCaseStore(address: try TeamServer.address(place, user: user), settings: settings)
        }
    }

    /// Adds a user as whoever may: the SQLite store's manager, the team store's administrator.
    public func addUser(_ name: String, role: Role, teams: [String] = []) throws {
        try store(as: admin).addUser(User(name: name, role: role, teams: teams), by: admin)
    }
}
