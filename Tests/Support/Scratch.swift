import Foundation

/// Folders a test run writes in, under the system's temporary folder, each
/// removed when the test process exits (so a run leaves nothing in /tmp, and
/// a test that fails keeps its folder for as long as the run lasts).
public enum Scratch {
    nonisolated(unsafe) private static var made: [URL] = []
    private static let lock = NSLock()
    private static let registered: Void = { atexit { Scratch.removeAll() } }()

    /// A new, not yet created, path named `prefix-<uuid><suffix>`.
    public static func path(_ prefix: String, suffix: String = "") -> URL {
        _ = registered
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)\(suffix)")
        lock.lock()
        made.append(url)
        lock.unlock()
        return url
    }

    private static func removeAll() {
        lock.lock()
        let all = made
        made = []
        lock.unlock()
        for url in all { try? FileManager.default.removeItem(at: url) }
    }
}
