import Foundation

/// Operating-system users the tests run commands as. Several suites run at
/// once and may want the same user: creating one is serialised with a lock
/// file, so two `useradd`s never race (the second one used to fail).
public enum OSUsers {
    /// Creates `name` (no home, no login shell) unless it exists; true when it exists after.
    @discardableResult
    public static func ensure(_ name: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        p.arguments = ["/tmp/casework-tests-useradd.lock", "sh", "-c",
                       "id -u '\(name)' >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin '\(name)'"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
