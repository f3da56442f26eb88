import Foundation
import LassoCore

/// 6. Idle cost of the real `lassotop` binary in a 120×40 tmux pane, next to htop and btop (each at its default
/// refresh) in panes of the same size over the same window. CPU from each thread's /proc/PID/task/TID/schedstat
/// (nanoseconds on a CPU; /proc/PID/stat's 10 ms ticks made a 30 s window step by 0.033 %, a sixth of htop's cost),
/// read four times a second so threads that come and go inside the window are counted (`ThreadTimeWindow`),
/// peak RSS from VmHWM. Two runs: the embedded 3-node demo (no flags: demo and dashboard in one process), then the dashboard alone
/// watching a separate `lassotop demo --nodes 3` process.
public enum IdleBenchmark {
    public struct ProcessCost {
        public var cpuPercent: Double
        public var peakRSSBytes: Int
        public var threads: Int
        /// Threads started during the window (and perhaps ended): a process that starts and retires threads while
        /// idle pays for each one.
        public var threadsStarted: Int
    }

    /// - Parameter lassotopPath: the binary to measure (the bench passes the release build next to itself).
    /// - Parameter benchPath: this bench's own binary, run as the floor (`--poll-floor`); nil leaves the floor out.
    public static func run(lassotopPath: String, benchPath: String? = nil, seconds: Double = 30, width: Int = 120,
                           height: Int = 40) throws -> [Figure] {
        guard FileManager.default.isExecutableFile(atPath: lassotopPath) else {
            throw BenchError.setup("no lassotop binary at \(lassotopPath) (swift build -c release --product lassotop)")
        }
        guard let htop = which("htop") else { throw BenchError.setup("htop not installed (apt-get install -y htop)") }
        guard let btop = which("btop") else { throw BenchError.setup("btop not installed (apt-get install -y btop)") }
        guard which("tmux") != nil else { throw BenchError.setup("tmux not installed (apt-get install -y tmux)") }
        let home = NSTemporaryDirectory() + "lassotop-bench-home-\(getpid())"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        // A clean HOME/XDG dirs: no user config, htoprc or btop.conf changes what is measured.
        let environment = "TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=\(home) XDG_CONFIG_HOME=\(home)/config XDG_STATE_HOME=\(home)/state"
        let references = [("htop", "exec env \(environment) \(htop)"), ("btop", "exec env \(environment) \(btop)")]

        let embedded = try measure(dashboard: "exec env \(environment) \(lassotopPath)", references: references,
                                   seconds: seconds, width: width, height: height, suffix: "embedded")
        // The demo in a process of its own, on fixed free ports; the dashboard polls it like a real cluster.
        let port = freePortBlock(3)
        let nodes = (0..<3).map { "--node http://127.0.0.1:\(port + $0)" }.joined(separator: " ")
        // Beside it, the floor: the same requests on the same beat through the same client, and nothing else.
        var backgrounds = [("demo", "exec env \(environment) \(lassotopPath) demo --nodes 3 --port \(port)")]
        if let benchPath {
            let urls = (0..<3).map { "http://127.0.0.1:\(port + $0)" }.joined(separator: " ")
            backgrounds.append(("floor", "exec env \(environment) \(benchPath) --poll-floor \(urls)"))
        }
        // And a hub nobody reads (`lassotop serve`, left running all day like the dashboard).
        backgrounds.append(("serve", "exec env \(environment) \(lassotopPath) serve --listen 127.0.0.1:0 \(nodes)"))
        let separate = try measure(dashboard: "exec env \(environment) \(lassotopPath) \(nodes)", references: references,
                                   seconds: seconds, width: width, height: height, suffix: "separate",
                                   backgrounds: backgrounds)
        func ratio(_ a: ProcessCost, _ b: ProcessCost) -> Double { b.cpuPercent > 0 ? a.cpuPercent / b.cpuPercent : .infinity }
        func note(_ run: [String: ProcessCost]) -> String {
            let l = run["lassotop"]!, h = run["htop"]!, b = run["btop"]!
            return String(format: "lassotop %.2f%% CPU (%d threads, %d started in the window), htop %.2f%%, btop %.2f%%; peak RSS htop %.1f MB, btop %.1f MB",
                          l.cpuPercent, l.threads, l.threadsStarted, h.cpuPercent, b.cpuPercent, Double(h.peakRSSBytes) / 1e6,
                          Double(b.peakRSSBytes) / 1e6)
        }
        var separateNote = note(separate)
        if let demo = separate["demo"] {
            separateNote += String(format: "; the demo process %.2f%% CPU", demo.cpuPercent)
                + (separate["floor"] == nil ? " (serving the dashboard and the hub)" : " (serving the dashboard, the hub and the floor)")
        }
        let hub = separate["serve"]!
        let window = "\(width)×\(height) tmux, \(Int(seconds)) s"
        return [
            Measure.figure("idle CPU lassotop (embedded 3-node demo) / htop (\(window))", unit: "×",
                           values: [ratio(embedded["lassotop"]!, embedded["htop"]!)], budget: 1.0, .atMost, note: note(embedded)),
            Measure.figure("idle CPU lassotop (embedded 3-node demo) / btop, reference only", unit: "×",
                           values: [ratio(embedded["lassotop"]!, embedded["btop"]!)], budget: nil, .atMost),
            Measure.figure("idle CPU dashboard watching a separate 3-node demo / htop", unit: "×",
                           values: [ratio(separate["lassotop"]!, separate["htop"]!)], budget: 0.5, .atMost, note: separateNote),
            Measure.figure("idle CPU dashboard watching a separate 3-node demo / btop, reference only", unit: "×",
                           values: [ratio(separate["lassotop"]!, separate["btop"]!)], budget: nil, .atMost),
        ] + (separate["floor"].map { floor in [
            Measure.figure("idle CPU floor: the dashboard's requests alone, same client and beat / htop, reference only",
                           unit: "×", values: [ratio(floor, separate["htop"]!)], budget: nil, .atMost,
                           note: String(format: "the floor %.2f%% CPU (%d threads), the dashboard %.2f%%: the floor is %.0f%% of it",
                                        floor.cpuPercent, floor.threads, separate["lassotop"]!.cpuPercent,
                                        floor.cpuPercent / max(separate["lassotop"]!.cpuPercent, 1e-9) * 100)),
        ] } ?? []) + [
            Measure.figure("idle CPU lassotop serve, nobody reading / htop, reference only", unit: "×",
                           values: [ratio(hub, separate["htop"]!)], budget: nil, .atMost,
                           note: String(format: "the hub %.2f%% CPU (%d threads, %d started in the window), peak RSS %.1f MB",
                                        hub.cpuPercent, hub.threads, hub.threadsStarted, Double(hub.peakRSSBytes) / 1e6)),
            Measure.figure("idle peak RSS lassotop, embedded demo (VmHWM)", unit: "MB",
                           values: [Double(embedded["lassotop"]!.peakRSSBytes) / 1e6], budget: 40, .atMost),
            Measure.figure("idle peak RSS dashboard alone (VmHWM)", unit: "MB",
                           values: [Double(separate["lassotop"]!.peakRSSBytes) / 1e6], budget: 30, .atMost),
        ]
    }

    /// Starts the `backgrounds` (name, command), the dashboard and the references in panes of one private tmux server, waits
    /// until the dashboard shows Coverage: 3/3, then measures every pane over the same `seconds`.
    static func measure(dashboard: String, references: [(String, String)], seconds: Double, width: Int, height: Int,
                        suffix: String, backgrounds: [(String, String)] = []) throws -> [String: ProcessCost] {
        let tmux = Tmux(socket: "lassotop-bench-\(getpid())-\(suffix)")
        var started: [(String, Int32)] = []
        // Observed on this machine: after kill-server the tmux server lingered with its panes alive (htop ignoring
        // SIGTERM), so the bench ends what it started itself, by pid.
        defer { tmux.shutDown(panes: started.map(\.1)) }
        for (name, command) in backgrounds {
            started.append((name, try tmux.start(session: name, width: width, height: height, command: command)))
        }
        started.append(("lassotop", try tmux.start(session: "lassotop", width: width, height: height, command: dashboard)))
        for (name, command) in references {
            started.append((name, try tmux.start(session: name, width: width, height: height, command: command)))
        }
        // Measure steady state: the nodes must be up and drawn, not the start-up.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !tmux.capture(session: "lassotop").contains("Coverage: 3/3") { Thread.sleep(forTimeInterval: 0.25) }
        let screen = tmux.capture(session: "lassotop")
        guard screen.contains("Coverage: 3/3") else { throw BenchError.setup("lassotop did not show Coverage: 3/3; screen:\n\(screen)") }
        Thread.sleep(forTimeInterval: 2)

        let startTicks = started.map { cpuTicks(pid: $0.1) }
        var windows = try started.map { name, pid -> ThreadTimeWindow in
            guard let first = cpuTime(pid: pid) else { throw BenchError.setup("\(name) exited before the idle window") }
            return ThreadTimeWindow(first: first)
        }
        let start = ContinuousClock.now
        // Read every thread a few times a second, not only at the ends: a thread that starts and ends inside the
        // window (a Dispatch worker retires after a few idle seconds) keeps what it ran up to its last reading.
        let end = start + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < end {
            let left = end - ContinuousClock.now
            Thread.sleep(forTimeInterval: min(Self.readingIntervalSeconds, max(0, left.inSeconds)))
            for (index, (_, pid)) in started.enumerated() { if let reading = cpuTime(pid: pid) { windows[index].add(reading) } }
        }
        let endTicks = started.map { cpuTicks(pid: $0.1) }
        let elapsed = ContinuousClock.now - start
        let wall = elapsed.inSeconds
        var costs: [String: ProcessCost] = [:]
        for (index, (name, pid)) in started.enumerated() {
            guard startTicks[index] != nil, endTicks[index] != nil else {
                throw BenchError.setup("\(name) exited during the idle window")
            }
            let seconds = Double(windows[index].nanoseconds) / 1e9
            costs[name] = ProcessCost(cpuPercent: seconds / wall * 100, peakRSSBytes: peakRSS(pid: pid) ?? 0,
                                      threads: threadCount(pid: pid) ?? 0, threadsStarted: windows[index].threadsStarted)
        }
        return costs
    }

    /// The first of `count` consecutive 127.0.0.1 ports that are free now (bound and released).
    static func freePortBlock(_ count: Int) -> Int {
        for base in stride(from: 41_000 + Int(getpid() % 500) * 10, to: 60_000, by: 10) {
            if (0..<count).allSatisfy({ portIsFree(base + $0) }) { return base }
        }
        return 47_000
    }

    static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Nanoseconds each thread of a process has run (first field of /proc/PID/task/TID/schedstat), by thread id.
    public struct ThreadTimes: Equatable {
        public var byThread: [Int32: UInt64]
    }

    /// How often the window reads every thread's time.
    static let readingIntervalSeconds = 0.25

    /// A process's thread times over a window, from readings a few times a second. A thread gone by the end keeps
    /// the time of its last reading; one started inside the window counts from zero.
    public struct ThreadTimeWindow {
        public let first: ThreadTimes
        public private(set) var latest: [Int32: UInt64]

        public init(first: ThreadTimes) {
            self.first = first
            latest = first.byThread
        }

        public mutating func add(_ reading: ThreadTimes) {
            for (thread, nanoseconds) in reading.byThread { latest[thread] = max(latest[thread] ?? 0, nanoseconds) }
        }

        /// CPU time run inside the window, by every thread seen.
        public var nanoseconds: UInt64 {
            latest.reduce(0) { total, entry in total + (entry.value - min(entry.value, first.byThread[entry.key] ?? 0)) }
        }

        /// Threads that started inside the window.
        public var threadsStarted: Int { latest.keys.filter { first.byThread[$0] == nil }.count }
    }

    public static func cpuTime(pid: Int32) -> ThreadTimes? {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
        var byThread: [Int32: UInt64] = [:]
        for name in threads {
            guard let thread = Int32(name),
                  let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(name)/schedstat", encoding: .utf8),
                  let first = text.split(separator: " ").first, let nanoseconds = UInt64(first) else { continue }
            byThread[thread] = nanoseconds
        }
        return byThread.isEmpty ? nil : ThreadTimes(byThread: byThread)
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
