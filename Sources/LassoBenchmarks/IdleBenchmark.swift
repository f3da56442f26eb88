import Foundation

/// 6. Idle cost: the real `lassotop` binary watching its embedded 3-node demo (no flags) in a 120×40 tmux pane, and
/// htop at its default refresh in another pane of the same size over the same window. CPU from /proc/PID/stat
/// (utime + stime), peak RSS from VmHWM.
public enum IdleBenchmark {
    public struct ProcessCost {
        public var cpuPercent: Double
        public var peakRSSBytes: Int
    }

    /// - Parameter lassotopPath: the binary to measure (the bench passes the release build next to itself).
    public static func run(lassotopPath: String, seconds: Double = 30, width: Int = 120, height: Int = 40) throws -> [Figure] {
        guard FileManager.default.isExecutableFile(atPath: lassotopPath) else {
            throw BenchError.setup("no lassotop binary at \(lassotopPath) (swift build -c release --product lassotop)")
        }
        guard let htop = which("htop") else { throw BenchError.setup("htop not installed (apt-get install -y htop)") }
        guard which("tmux") != nil else { throw BenchError.setup("tmux not installed (apt-get install -y tmux)") }
        let tmux = Tmux(socket: "lassotop-bench-\(getpid())")
        var started: [Int32] = []
        // Observed on this machine: after kill-server the tmux server lingered with its panes alive (htop ignoring
        // SIGTERM), so the bench ends what it started itself, by pid.
        defer { tmux.shutDown(panes: started) }
        let home = NSTemporaryDirectory() + "lassotop-bench-home-\(getpid())"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        // A clean HOME/XDG dirs: no user config or htoprc changes what is measured.
        let environment = "TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=\(home) XDG_CONFIG_HOME=\(home)/config XDG_STATE_HOME=\(home)/state"
        let lassotopPID = try tmux.start(session: "lassotop", width: width, height: height,
                                         command: "exec env \(environment) \(lassotopPath)")
        started.append(lassotopPID)
        let htopPID = try tmux.start(session: "htop", width: width, height: height, command: "exec env \(environment) \(htop)")
        started.append(htopPID)
        // Measure steady state: lassotop's demo must be up and drawn, not its start-up.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !tmux.capture(session: "lassotop").contains("Coverage: 3/3") { Thread.sleep(forTimeInterval: 0.25) }
        let screen = tmux.capture(session: "lassotop")
        guard screen.contains("Coverage: 3/3") else { throw BenchError.setup("lassotop did not show Coverage: 3/3; screen:\n\(screen)") }
        Thread.sleep(forTimeInterval: 2)

        let startTicks = (cpuTicks(pid: lassotopPID), cpuTicks(pid: htopPID))
        let start = ContinuousClock.now
        Thread.sleep(forTimeInterval: seconds)
        let endTicks = (cpuTicks(pid: lassotopPID), cpuTicks(pid: htopPID))
        let elapsed = ContinuousClock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard let l0 = startTicks.0, let l1 = endTicks.0, let h0 = startTicks.1, let h1 = endTicks.1 else {
            throw BenchError.setup("lassotop or htop exited during the idle window")
        }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        let lassotop = ProcessCost(cpuPercent: Double(l1 - l0) / hz / wall * 100, peakRSSBytes: peakRSS(pid: lassotopPID) ?? 0)
        let reference = ProcessCost(cpuPercent: Double(h1 - h0) / hz / wall * 100, peakRSSBytes: peakRSS(pid: htopPID) ?? 0)
        let threads = threadCount(pid: lassotopPID) ?? 0
        let ratio = reference.cpuPercent > 0 ? lassotop.cpuPercent / reference.cpuPercent : .infinity
        return [
            Measure.figure("idle CPU lassotop / htop (\(width)×\(height) tmux, \(Int(seconds)) s)", unit: "×", values: [ratio],
                           budget: 0.5, .atMost,
                           note: String(format: "lassotop %.2f%% CPU (embedded 3-node demo in the same process, %d threads), htop %.2f%% CPU, peak RSS htop %.1f MB",
                                        lassotop.cpuPercent, threads, reference.cpuPercent, Double(reference.peakRSSBytes) / 1e6)),
            Measure.figure("idle peak RSS lassotop (VmHWM)", unit: "MB", values: [Double(lassotop.peakRSSBytes) / 1e6],
                           budget: 40, .atMost),
        ]
    }

    /// utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the parenthesised name).
    public static func cpuTicks(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is state (field 3), so utime (14) is fields[11] and stime (15) fields[12].
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// VmHWM (peak resident set) in bytes.
    public static func peakRSS(pid: Int32) -> Int? { statusField("VmHWM:", pid: pid).map { $0 * 1024 } }

    static func threadCount(pid: Int32) -> Int? { statusField("Threads:", pid: pid) }

    static func statusField(_ name: String, pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    static func which(_ program: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// A private tmux server (its own socket), so the bench never touches anyone else's sessions.
struct Tmux {
    let socket: String

    /// Starts a detached session running `command` (which should `exec` the program, so the pane's pid is it).
    func start(session: String, width: Int, height: Int, command: String) throws -> Int32 {
        let result = run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command])
        guard result.status == 0 else { throw BenchError.setup("tmux new-session failed: \(result.output)") }
        let pid = run(["display-message", "-p", "-t", session, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = Int32(pid) else { throw BenchError.setup("no pane pid for \(session): \(pid)") }
        return value
    }

    func capture(session: String) -> String { run(["capture-pane", "-p", "-t", session]).output }

    func killServer() { _ = run(["kill-server"]) }

    /// Ends the pane processes (SIGTERM, then SIGKILL after 1 s), then the server, then the server by pid if it lingers.
    func shutDown(panes: [Int32]) {
        let serverPID = Int32(run(["display-message", "-p", "#{pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines))
        for pid in panes { kill(pid, SIGTERM) }
        Thread.sleep(forTimeInterval: 1)
        for pid in panes where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        killServer()
        Thread.sleep(forTimeInterval: 0.5)
        if let serverPID, serverPID > 0, kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }
    }

    /// posix_spawn + waitpid with output through a temp file: with Foundation's Process and a pipe, the tmux server
    /// that `new-session` forks inherits the pipe and `readDataToEndOfFile` never returns.
    @discardableResult
    func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let argumentsWithSocket = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        let outputPath = NSTemporaryDirectory() + "lassotop-bench-tmux-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = argumentsWithSocket.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        guard spawned == 0 else { return (-1, "cannot run tmux: errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
