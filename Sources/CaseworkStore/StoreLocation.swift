import CaseworkCore
import Foundation

/// Where a store's file lives and where the user's own configuration is kept
/// (the audit anchor and its key, the organisation's policy). Chosen by
/// `--store PATH`, then `CASEWORK_STORE`, then
/// `$XDG_DATA_HOME/casework/casework.sqlite` (`~/.local/share/casework/` when unset).
public struct StoreLocation: Sendable, Hashable {
    public var file: URL
    public var configDirectory: URL

    public init(file: URL, configDirectory: URL) {
        self.file = file
        self.configDirectory = configDirectory
    }

    public static func resolve(explicit: String?, environment: [String: String]) -> StoreLocation {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func xdg(_ key: String, _ fallback: String) -> URL {
            if let v = environment[key], v.hasPrefix("/") { return URL(fileURLWithPath: v) }
            return URL(fileURLWithPath: home).appendingPathComponent(fallback)
        }
        let config = xdg("XDG_CONFIG_HOME", ".config").appendingPathComponent("casework")
        if let explicit, !explicit.isEmpty {
            return StoreLocation(file: URL(fileURLWithPath: explicit), configDirectory: config)
        }
        if let env = environment["CASEWORK_STORE"], !env.isEmpty {
            return StoreLocation(file: URL(fileURLWithPath: env), configDirectory: config)
        }
        let data = xdg("XDG_DATA_HOME", ".local/share").appendingPathComponent("casework")
        return StoreLocation(file: data.appendingPathComponent("casework.sqlite"), configDirectory: config)
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: file.path) }
}

/// File-system protection for special-category data: folders 0700, files 0600.
enum Protection {
    /// Makes `dir` (and missing parents) and sets the last one to 0700.
    /// Makes `dir` and any missing parents, each 0700; a folder that already
    /// exists keeps its mode (a shared 1777 or 2775 folder stays as it was).
    static func makePrivateDirectory(_ dir: URL) throws {
        var missing: [String] = []
        var path = dir.standardizedFileURL.path
        var st = stat()
        while !path.isEmpty, path != "/", stat(path, &st) != 0 {
            missing.append(path)
            path = (path as NSString).deletingLastPathComponent
        }
        for folder in missing.reversed() {
            if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw CocoaError(.fileWriteNoPermission) }
            chmod(folder, 0o700)
        }
    }

    /// Files this process creates from now on are readable by their owner only.
    static func restrictNewFiles() {
        umask(0o077)
    }

    /// A SQLite store is one person's: refuses a file (or its `-wal`/`-shm`)
    /// that belongs to another OS user, or a folder others may write to (where
    /// anyone could plant the journal files). A team shares a PostgreSQL store.
    static func requireSingleUser(_ file: URL) throws(StoreError) {
        let team = "a Casework store file is for one person; a team shares a store on a PostgreSQL server (see \"Team server\" in the README)"
        let me = geteuid()
        for suffix in ["", "-wal", "-shm"] {
            var st = stat()
            if lstat(file.path + suffix, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFLNK {
                    throw .invalid("\(file.path + suffix) is a symbolic link; open the store by its real path")
                }
                if st.st_uid != me {
                    throw .invalid("the store \(file.path + suffix) belongs to another user (uid \(st.st_uid)): \(team)")
                }
            }
        }
        let folder = file.deletingLastPathComponent().path
        var st = stat()
        if stat(folder, &st) == 0, st.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            throw .invalid("the folder \(folder) can be written by other users, who could tamper with the store's files: \(team); or keep the store in a folder only you can write")
        }
    }

    /// Whether this process can write the store: the file and its folder (for the -wal and -shm).
    static func canWrite(_ file: URL) -> Bool {
        access(file.path, W_OK) == 0 && access(file.deletingLastPathComponent().path, W_OK) == 0
    }

    /// Whether the file system holding `folder` is (all but) full: under 1 MiB free.
    static func isFull(_ folder: URL) -> Bool {
        var fs = statvfs()
        guard statvfs(folder.path, &fs) == 0 else { return false }
        return UInt64(fs.f_bavail) * UInt64(fs.f_frsize) < 1 << 20
    }

    static func makePrivate(_ file: URL) {
        for suffix in ["", "-wal", "-shm"] {
            let path = file.path + suffix
            if FileManager.default.fileExists(atPath: path) { chmod(path, 0o600) }
        }
    }
}

/// Which store a command opens: the single-user SQLite file, or the team's
/// PostgreSQL database. Chosen by `--store`, then `CASEWORK_STORE`, then a
/// `config.json` holding `{"store": "..."}` in `$XDG_CONFIG_HOME/casework/`,
/// each of `$XDG_CONFIG_DIRS` (`/etc/xdg`), or `/etc/casework/` (so that on a
/// team server practitioners need no set-up), then the default file.
public enum StoreAddress: Sendable, Hashable {
    case file(StoreLocation)
    /// A libpq connection string (`postgresql:///casework`, `postgresql://host/db?sslmode=verify-full`).
    case team(String)

    /// A `postgresql://` URI, or libpq's `keyword=value` form (`service=casework`, `host=... dbname=...`).
    public static func isTeam(_ text: String) -> Bool {
        if text.hasPrefix("postgresql:") || text.hasPrefix("postgres:") { return true }
        guard let eq = text.firstIndex(of: "=") else { return false }
        let keyword = text[..<eq]
        return !keyword.isEmpty && keyword.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_") }
    }

    public static func resolve(explicit: String?, environment: [String: String]) throws(StoreError) -> StoreAddress {
        let fallback = StoreLocation.resolve(explicit: explicit, environment: environment)
        func named(_ text: String) -> StoreAddress {
            isTeam(text) ? .team(text)
                : .file(StoreLocation(file: URL(fileURLWithPath: text), configDirectory: fallback.configDirectory))
        }
        if let explicit, !explicit.isEmpty { return named(explicit) }
        if let env = environment["CASEWORK_STORE"], !env.isEmpty { return named(env) }
        for file in configFiles(environment: environment, configDirectory: fallback.configDirectory) {
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let store = object["store"] as? String, !store.isEmpty else {
                throw .invalid("\(file.path) is not a Casework configuration: it must hold {\"store\": \"ADDRESS\"}")
            }
            return named(store)
        }
        return .file(fallback)
    }

    static func configFiles(environment: [String: String], configDirectory: URL) -> [URL] {
        let dirs = (environment["XDG_CONFIG_DIRS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/xdg")
            .split(separator: ":").filter { $0.hasPrefix("/") }
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("casework") }
        return ([configDirectory] + dirs + [URL(fileURLWithPath: "/etc/casework")]).map { $0.appendingPathComponent("config.json") }
    }
}
