import Foundation

/// The real `casework` binary running in a tmux pane of its own server:
/// send keys, read the screen, resize, kill. What a person at a terminal does.
final class Tmux {
    let socket = "cw-\(UUID().uuidString.prefix(8))"
    let cli: CLI

    struct Timeout: Error, CustomStringConvertible {
        var waitingFor: String
        var screen: String
        var description: String { "timed out waiting for \"\(waitingFor)\"; the screen was:\n\(screen)" }
    }

    /// Runs casework with `args`; as another OS user (through runuser) with `home` when `user` is given.
    /// `serverOptions` are set before the program starts (e.g. `["set-clipboard", "on"]`).
    /// With `underShell`, a shell waits for the program instead of becoming it: tmux resumes a pane's
    /// own process the moment it stops, but not the shell's child (see `programPid`).
    init(_ cli: CLI, width: Int = 80, height: Int = 24, args: [String] = [], user: String? = nil, home: URL? = nil,
         serverOptions: [[String]] = [], underShell: Bool = false) throws {
        self.cli = cli
        let h = home ?? cli.home
        let env = ["HOME": h.path, "XDG_DATA_HOME": h.appendingPathComponent("data").path,
                   "CASEWORK_STORE": h.appendingPathComponent("data/casework/casework.sqlite").path,
                   "XDG_CONFIG_HOME": h.appendingPathComponent("config").path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        var command = "exec \(CLI.binary.path) " + args.map { "'\($0)'" }.joined(separator: " ")
        if let user {
            command = "exec runuser -u \(user) -- env " + env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ") + " "
                + CLI.binary.path + " " + args.map { "'\($0)'" }.joined(separator: " ")
        }
        if underShell { command = String(command.dropFirst("exec ".count)) + "; exit $?" }
        var a = ["-u", "-f", "/dev/null", "start-server", ";"]
        for option in serverOptions { a += ["set-option", "-g"] + option + [";"] }
        a += ["new-session", "-d", "-s", "cw", "-x", "\(width)", "-y", "\(height)"]
        for (k, v) in env { a += ["-e", "\(k)=\(v)"] }
        a += [command, ";", "set-option", "-t", "cw", "remain-on-exit", "on"]
        try tmux(a, capture: false)
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Runs a tmux command with posix_spawn, closing every inherited
    /// descriptor: the tmux server daemonises, and would otherwise hold
    /// Foundation's process-exit socket (or an output pipe) open for ever.
    @discardableResult
    func tmux(_ args: [String], capture: Bool = true) throws -> String {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
        for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = (["tmux", "-L", socket] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env.removeValue(forKey: "TMUX")
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        // The test runner may block or ignore signals; tmux and the program must not inherit that.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "tmux", &actions, &attr, argv, envp)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); throw POSIXError(.ENOENT) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        close(fds[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// The keys sent with `keys`, beyond the words sent with `type`: what a workflow costs a person.
    private(set) var keysPressed = 0

    /// tmux key names: "Tab", "BTab", "Enter", "Escape", "C-s", "PageDown", "F1".
    func keys(_ names: String...) throws {
        for k in names { try send(k) }
        keysPressed += names.count
    }

    private func send(_ key: String) throws {
        try tmux(["send-keys", "-t", "cw", key])
        usleep(40_000)
    }

    func keys(_ name: String, times: Int) throws {
        for _ in 0..<times { try keys(name) }
    }

    /// Types text literally, a line at a time (Enter between lines).
    func type(_ text: String) throws {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { try send("Enter") }
            if !line.isEmpty { try tmux(["send-keys", "-t", "cw", "-l", String(line)]) }
        }
        usleep(60_000)
    }

    var screen: String { (try? tmux(["capture-pane", "-p", "-t", "cw"])) ?? "" }

    func value(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "cw", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func wait(for text: String, seconds: Double = 15) throws -> String {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let s = screen
            if s.contains(text) { return s }
            usleep(100_000)
        }
        throw Timeout(waitingFor: text, screen: screen)
    }

    func resize(_ width: Int, _ height: Int) throws {
        try tmux(["resize-window", "-t", "cw", "-x", "\(width)", "-y", "\(height)"])
        usleep(300_000)
    }

    var pid: Int32 { Int32((try? value("#{pane_pid}")) ?? "") ?? 0 }

    /// The program's own process when it runs under a shell (`underShell`).
    var programPid: Int32 {
        let shell = pid
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) } ?? 0
    }

    func waitUntilDead(seconds: Double = 10) throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if (try? value("#{pane_dead}")) == "1" { return }
            usleep(100_000)
        }
        throw Timeout(waitingFor: "the program to exit", screen: screen)
    }
}
