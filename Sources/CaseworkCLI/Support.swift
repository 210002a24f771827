import ArgumentParser
import CaseworkCore
import CaseworkStore
import Foundation
import Glibc
import TerminalKit

/// The person at the keyboard: the operating-system user running this
/// process. Not an option, so nobody can act as someone else by typing a flag.
public enum Identity {
    public static func current() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return String(geteuid())
    }
}

/// `--store`, shared by every subcommand: a file for the single-user store,
/// or a `postgresql://` address for the team store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a file, or a team store's postgresql:// address (default: $CASEWORK_STORE, then config.json in $XDG_CONFIG_HOME/casework, $XDG_CONFIG_DIRS or /etc/casework, then $XDG_DATA_HOME/casework/casework.sqlite).", valueName: "store"))
    var store: String?

    var address: StoreAddress {
        get throws { try attempt { () throws(StoreError) -> StoreAddress in
            try StoreAddress.resolve(explicit: store, environment: ProcessInfo.processInfo.environment) } }
    }

    /// Where this user's own configuration lives (the SQLite store's audit anchor and its key).
    var location: StoreLocation {
        StoreLocation.resolve(explicit: store, environment: ProcessInfo.processInfo.environment)
    }

    /// Opens the store, and says who the person at the keyboard is to it: their
    /// OS user on the single-user store, their database role on the team store.
    func session(create: Bool = false, settings given: FlagSettings? = nil) throws -> (store: any CaseStore, me: String) {
        let store: any CaseStore
        switch try address {
        case .file(let location):
            store = try attempt { try SQLiteCaseStore(location, settings: try given ?? Self.settings(location), create: create) }
        case .team(let address):
            store = try attempt { try PostgresCaseStore(address: address, settings: try given ?? Self.settings(location)) }
        }
        return (store, try attempt { try store.identity(claimed: Identity.current()) })
    }

    /// The single-user store, for what only a file can do (backup, the workbook's exports folder).
    func fileStore(for what: String) throws -> SQLiteCaseStore {
        guard case .file(let location) = try address else {
            throw fail("\(what) is for the single-user store; on the team store use the server's own tools (pg_dump for backups)")
        }
        return try attempt { try SQLiteCaseStore(location, settings: try Self.settings(location)) }
    }

    /// Guidance and default policy from Resources/. A personal policy file is
    /// not read (it once rewrote every case's stored flags with no audit event);
    /// if one is left, the user is told what to do instead.
    static func settings(_ location: StoreLocation) throws(StoreError) -> FlagSettings {
        let env = ProcessInfo.processInfo.environment
        let exe = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let resources = try CaseworkResources.load(from: CaseworkResources.locate(environment: env, executable: exe))
        let personal = location.configDirectory.appendingPathComponent("policy.json")
        if FileManager.default.fileExists(atPath: personal.path) {
            FileHandle.standardError.write(Data("casework: \(personal.path) is not read: the store's policy applies to everyone's flags; a manager changes it with `casework policy set FILE` (audited)\n".utf8))
        }
        return FlagSettings(resources: resources)
    }
}

/// Prints `casework: message` on stderr and exits non-zero.
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("casework: \(message)\n".utf8))
    return ExitCode(code)
}

/// Runs `work`, turning the store's refusals into a one-line message and exit 1.
func attempt<T>(_ work: () throws -> T) throws -> T {
    do {
        return try work()
    } catch let e as StoreError {
        throw fail(e.description)
    } catch let e as CaseFileError {
        throw fail(e.description)
    }
}

/// Writes to standard output, with every control and hidden character shown
/// as `\uXXXX`, so nothing in it can act on a terminal or a pager, whether
/// printed directly or piped. In JSON those are JSON's own escapes (only
/// strings can hold such characters), so the data reads back intact.
func write(_ text: String) {
    var clean = Sanitiser.forTerminal(text)
    // Straight from the string's bytes: a copy into `Data` per page was a fifth of a long list's time.
    clean.withUTF8 { bytes in
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + done, bytes.count - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { exit(fail("the output could not be written (\(String(cString: strerror(errno))))").rawValue) }
            done += n
        }
    }
}

/// Today's date where the user is, for ages in `show`.
func today() -> Day {
    let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
    return Day(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? Day(Date())
}

/// `CASE/RECORD` or `CASE RECORD`.
func splitRecordRef(_ first: String, _ second: String?) -> (String, String) {
    if let second { return (first, second) }
    if let slash = first.firstIndex(of: "/") {
        return (String(first[..<slash]), String(first[first.index(after: slash)...]))
    }
    return (first, first)
}

/// Reads one record as case-file JSON from a file, or standard input for "-".
func readRecordFile(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: path) else { throw fail("\(path): cannot read the file") }
    return data
}

