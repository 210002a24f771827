import Foundation

/// Where the tests find the project's own files: the repository, its
/// committed fixtures (the spec's example case files, copied from
/// `shared/spec/examples/`, and stores kept from older schema versions) and
/// `Resources/`.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    public static let resources = root.appendingPathComponent("Resources")

    /// The path of the example case file `name` (e.g. "gaps").
    public static func casePath(_ name: String) -> String { fixtures.appendingPathComponent("cases/\(name).json").path }

    public static func caseFile(_ name: String) -> Data {
        // A missing fixture is a broken checkout; failing loudly is right here.
        try! Data(contentsOf: URL(fileURLWithPath: casePath(name)))
    }
}

/// Runs `command` with /bin/sh, its output discarded; returns its exit status.
@discardableResult
public func sh(_ command: String) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command + " >/dev/null 2>&1"]
    try? p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

/// The tables of an EXPECTED-FLAGS.md (the spec's examples README, copied) read as data: each
/// example's name (without `.json`) to its flags as "rule@record".
public enum ExpectedFlags {
    public static func read(_ dir: String) throws -> [String: Set<String>] {
        let text = String(decoding: try Data(contentsOf: Repository.fixtures.appendingPathComponent("\(dir)/EXPECTED-FLAGS.md")), as: UTF8.self)
        var out: [String: Set<String>] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## ") { current = String(line.dropFirst(3)).replacingOccurrences(of: ".json", with: ""); out[current!] = [] }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if let current, cells.count == 2, cells[0] != "rule", !cells[0].hasPrefix("-") {
                out[current]!.insert("\(cells[0])@\(cells[1])")
            }
        }
        return out
    }
}
