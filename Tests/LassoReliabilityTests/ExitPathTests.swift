import Foundation
import LassoTestSupport
import XCTest

/// The real binary's exit paths that do not need a running dashboard: usage errors (found before anything starts),
/// a start-up error after the servers started, and `lassotop demo` stopped by each signal. The dashboard's own exits
/// (q, Ctrl-C, SIGTERM/SIGHUP/SIGINT, closed stdin) are in TerminalFaultTests. docs/reliability.md lists them all.
final class ExitPathTests: XCTestCase {
    var home = ""

    override func setUpWithError() throws {
        try Binary.requireBinary()
        home = try Binary.temporaryDirectory("exit")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": home,
                   "XDG_CONFIG_HOME": home + "/config", "XDG_STATE_HOME": home + "/state"]
        env.merge(extra) { $1 }
        return env
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = home + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    func assertNoCrash(_ output: PTYRunner.Output, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(output.timedOut, "\(what): did not finish", file: file, line: line)
        for marker in ["Fatal error", "Backtracing", "Program crashed", "NIOAsyncWriter"] {
            XCTAssertFalse(output.stderr.contains(marker), "\(what): \(marker) in stderr:\n\(output.stderr)", file: file, line: line)
        }
    }

    // MARK: usage errors

    /// On a real terminal (stdout a pty) the unknown theme used to start the demo cluster and the monitor first, and
    /// about half the runs then died in NIO on the way out. Now it is a usage error found before anything starts.
    /// The bench's own options follow the same rule: a window too short to measure is refused, not lengthened.
    func testBenchRefusesAnIdleWindowTooShortToMeasure() throws {
        let bench = BuiltBinary.lassotopBench
        guard FileManager.default.isExecutableFile(atPath: bench) else { throw XCTSkip("no lassotop-bench at \(bench)") }
        for (arguments, message) in [(["--only", "idle", "--idle-seconds", "3"], "--idle-seconds must be at least 5 (got 3)"),
                                     (["--soak", "--soak-seconds", "0"], "--soak-seconds must be at least 1 (got 0)")] {
            let output = try Binary.run(arguments, timeout: 30, executable: bench)
            XCTAssertEqual(output.status, 64, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(message), output.stderr)
            XCTAssertEqual(output.stdout, "")
        }
    }

    func testUnknownThemeTwentyTimesOnAPtyExits64WithOneLine() throws {
        for run in 1...20 {
            let output = try PTYRunner.run(Binary.path, ["--theme", "no-such-theme", "--demo-seed", "\(run)"], environment: environment())
            assertNoCrash(output, "run \(run)")
            XCTAssertEqual(output.status, 64, "run \(run): \(output.stderr)")
            XCTAssertEqual(Self.lines(output.stderr).count, 1, "run \(run): one line:\n\(output.stderr)")
            XCTAssertTrue(output.stderr.contains("no-such-theme"), output.stderr)
            XCTAssertEqual(output.terminal, "", "run \(run): nothing may be drawn")
            XCTAssertFalse(output.termiosChanged, "run \(run): terminal mode changed")
        }
    }

    struct UsageCase {
        var name: String
        var arguments: [String]
        var mentions: String
    }

    func usageCases() throws -> [UsageCase] {
        let badConfig = try file("bad.toml", "this is = = not toml\n")
        let badTheme = try file("broken-theme.toml", "[colors\nheader = 12\n")
        let badNodes = try file("nodes.txt", "iad=http://127.0.0.1:1\nnot a url at all\n")
        let badHeaders = try file("headers.txt", "Authorization Bearer-without-colon\n")
        let badPEM = try file("ca.pem", "not a certificate\n")
        let node = ["--node", "http://127.0.0.1:9"]
        return [
            UsageCase(name: "unknown flag", arguments: ["--bogus"], mentions: "--bogus"),
            UsageCase(name: "interval out of range", arguments: ["--health-interval", "0.1"], mentions: "--health-interval"),
            UsageCase(name: "refresh out of range", arguments: ["--refresh", "0.5"], mentions: "--refresh"),
            UsageCase(name: "bad config file", arguments: ["--config", badConfig], mentions: "bad.toml"),
            UsageCase(name: "missing config file", arguments: ["--config", home + "/missing.toml"], mentions: "missing.toml"),
            UsageCase(name: "unknown theme", arguments: ["--theme", "no-such-theme"], mentions: "no-such-theme"),
            UsageCase(name: "broken theme file", arguments: ["--theme", badTheme], mentions: "broken-theme.toml"),
            UsageCase(name: "missing nodes file", arguments: ["--nodes-file", home + "/missing-nodes.txt"], mentions: "missing-nodes.txt"),
            UsageCase(name: "bad nodes file", arguments: ["--nodes-file", badNodes], mentions: "nodes.txt"),
            UsageCase(name: "missing headers file", arguments: node + ["--headers-file", home + "/missing-headers.txt"], mentions: "missing-headers.txt"),
            UsageCase(name: "bad headers file", arguments: node + ["--headers-file", badHeaders], mentions: "header"),
            UsageCase(name: "bad CA file", arguments: node + ["--cacert", badPEM], mentions: "--cacert"),
            UsageCase(name: "missing events file", arguments: ["--events-from", home + "/missing.jsonl"], mentions: "missing.jsonl"),
            UsageCase(name: "demo nodes out of range", arguments: ["--demo-nodes", "0"], mentions: "--demo-nodes"),
            UsageCase(name: "unknown cluster", arguments: ["--cluster", "nope"], mentions: "nope"),
            UsageCase(name: "snapshot timeout", arguments: ["snapshot", "--timeout", "0"], mentions: "--timeout"),
            UsageCase(name: "snapshot theme-less bad nodes file", arguments: ["snapshot", "--nodes-file", badNodes], mentions: "nodes.txt"),
            UsageCase(name: "check without nodes", arguments: ["check"], mentions: "no nodes configured"),
            UsageCase(name: "demo nodes", arguments: ["demo", "--nodes", "0"], mentions: "--nodes"),
        ]
    }

    /// Every usage error: exit 64, one line on stderr, nothing on the terminal, terminal mode untouched, and (traced
    /// with strace when installed) no socket listening or connecting: nothing started.
    func testEveryUsageErrorExits64BeforeAnythingStarts() throws {
        let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
        for usage in try usageCases() {
            let trace = home + "/trace-\(UUID().uuidString.prefix(6))"
            let output: PTYRunner.Output
            if let strace {
                output = try PTYRunner.run(strace, ["-f", "-qq", "-e", "trace=listen,connect", "-o", trace, Binary.path] + usage.arguments,
                                           environment: environment())
            } else {
                output = try PTYRunner.run(Binary.path, usage.arguments, environment: environment())
            }
            assertNoCrash(output, usage.name)
            XCTAssertEqual(output.status, 64, "\(usage.name): \(output.stderr)")
            let lines = Self.lines(output.stderr)
            XCTAssertEqual(lines.count, 1, "\(usage.name): one line:\n\(output.stderr)")
            XCTAssertTrue(lines.first?.hasPrefix("lassotop: ") ?? false, "\(usage.name): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(usage.mentions), "\(usage.name): should mention \(usage.mentions): \(output.stderr)")
            XCTAssertEqual(output.terminal, "", "\(usage.name): nothing may be drawn")
            XCTAssertFalse(output.termiosChanged, "\(usage.name): terminal mode changed")
            if strace != nil {
                let calls = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
                let network = Self.lines(calls).filter { $0.contains("listen(") || ($0.contains("connect(") && $0.contains("AF_INET")) }
                XCTAssertEqual(network, [], "\(usage.name): a socket was opened before the usage error")
            }
        }
    }

    /// The dashboard on a pipe: a usage error, one line pointing at `snapshot`, before anything starts.
    func testDashboardOnAPipeExits64WithOneLine() throws {
        let output = try Binary.run(["--demo-seed", "3"], environment: ["HOME": home, "XDG_CONFIG_HOME": home, "XDG_STATE_HOME": home])
        XCTAssertEqual(output.status, 64, output.stderr)
        XCTAssertEqual(Self.lines(output.stderr).count, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("lassotop snapshot"), output.stderr)
        XCTAssertEqual(output.stdout, "")
    }

    /// Help and version still go to stdout with status 0 (the entry point only changes how usage errors print).
    func testHelpAndVersionExitZero() throws {
        let help = try Binary.run(["--help"], environment: ["HOME": home, "XDG_CONFIG_HOME": home, "XDG_STATE_HOME": home])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE"), help.stdout)
        let version = try Binary.run(["--version"], environment: ["HOME": home, "XDG_CONFIG_HOME": home, "XDG_STATE_HOME": home])
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.stdout.isEmpty)
    }

    // MARK: an error after start-up

    /// TERM names no terminal: the demo cluster and the monitor are running, with polls in flight, when the terminal
    /// fails to open. The session must stop both in order and exit 1 with one line, every time.
    func testTerminalFailureAfterStartUpStopsEverythingTwentyTimes() throws {
        for run in 1...20 {
            let output = try PTYRunner.run(Binary.path, ["--demo-seed", "\(run)"], environment: environment(["TERM": "no-such-terminal-xyz"]))
            assertNoCrash(output, "run \(run)")
            XCTAssertEqual(output.status, 1, "run \(run): \(output.stderr)")
            let lines = Self.lines(output.stderr)
            XCTAssertEqual(lines.count, 1, "run \(run): one line:\n\(output.stderr)")
            XCTAssertTrue(output.stderr.contains("cannot initialise the terminal"), output.stderr)
            XCTAssertFalse(output.termiosChanged, "run \(run): terminal mode changed")
        }
    }

    // MARK: lassotop demo and signals

    func testDemoCommandStopsGracefullyOnSIGTERMAndSIGHUP() throws {
        for (signal, name) in [(SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = ["demo", "--nodes", "2", "--seed", "9", "--rate", "500"]
            process.environment = ["PATH": "/usr/bin:/bin", "XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home, "HOME": home]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(15)
            while !text.contains("demo cluster running"), Date() < deadline, process.isRunning {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            XCTAssertTrue(text.contains("demo cluster running"), "\(name): \(text)")
            // Requests in flight at the signal: a client reading events from each node.
            let ports = text.split(separator: "\n").compactMap { line -> Int? in
                line.split(separator: ":").last.flatMap { Int($0) }
            }
            var clients: [Int32] = []
            for port in ports {
                let fd = LifecycleTests.connect(port: port)
                if fd >= 0 {
                    LifecycleTests.send(fd, "GET /api/events?since=0&limit=5000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    clients.append(fd)
                }
            }
            kill(process.processIdentifier, signal)
            let exitDeadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < exitDeadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            for fd in clients { close(fd) }
            let stdout = text + String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(process.terminationReason, .exit, "\(name): \(stderr)")
            XCTAssertEqual(process.terminationStatus, 0, "\(name) stops the demo cleanly: \(stderr)")
            XCTAssertTrue(stdout.contains("stopped"), "\(name): \(stdout)")
            XCTAssertFalse(stderr.contains("Fatal error"), stderr)
            XCTAssertEqual(ports.count, 2, stdout)
            for port in ports { XCTAssertEqual(LifecycleTests.connect(port: port), -1, "\(name): port \(port) still open") }
        }
    }
}
