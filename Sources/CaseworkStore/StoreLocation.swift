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
    static func makePrivateDirectory(_ dir: URL) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: dir.path) {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        chmod(dir.path, 0o700)
    }

    /// Files this process creates from now on are readable by their owner only.
    static func restrictNewFiles() {
        umask(0o077)
    }

    static func makePrivate(_ file: URL) {
        for suffix in ["", "-wal", "-shm"] {
            let path = file.path + suffix
            if FileManager.default.fileExists(atPath: path) { chmod(path, 0o600) }
        }
    }
}
