import Foundation
import LassoCore
import XCTest

/// Reliability (docs/reliability.md), terminal faults, with the real binary in tmux (the approach of LassotopE2ETests/Tmux.swift): a resize
/// storm, SIGTERM/SIGHUP/SIGINT at seeded random moments, and a stdin pipe that closes. Every run must leave the
/// terminal exactly as it was (`stty -g` before == after). `LASSOTOP_SOAK=1` runs more signal rounds.
final class TerminalFaultTests: XCTestCase {
    /// One tmux pane running a shell that runs `command`, recording `stty -g` before and after and the exit status.
    final class Pane {
        let name = "lassotop-rel-\(UUID().uuidString.prefix(8))"
        let socket = "lassotop-rel-\(getpid())"
        let directory: String

        init(width: Int = 120, height: Int = 40, command: String) throws {
            guard (try? Self.tmux(["-V"]).status) == 0 else { throw XCTSkip("tmux not installed") }
            directory = try Binary.temporaryDirectory("tmux")
            let env = ["TERM": "tmux-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "XDG_CONFIG_HOME": directory + "/config",
                       "XDG_STATE_HOME": directory + "/state", "HOME": directory]
            let exports = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
            let result = try Self.tmux(["-L", socket, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                                        "env -i PATH=/usr/bin:/bin \(exports) bash --norc --noprofile"])
            guard result.status == 0 else { throw XCTSkip("tmux new-session failed: \(result.output)") }
            try tmux(["send-keys", "-t", name, "-l",
                      // The subshell: an interactive bash abandons the rest of a command list when its foreground
                      // job dies of SIGINT (as on Ctrl-C); the subshell turns that into a plain status 130.
                      // Each file is written under another name and renamed: the redirection creates it empty before `stty` writes,
                      // and a reader in between saw "" (a red run: "left the terminal changed", after = "").
                      "PS1='PROMPT$ '; stty -g > \(directory)/b; mv \(directory)/b \(directory)/before; (\(command); exit $?); "
                        + "echo EXIT=$?; stty -g > \(directory)/a; mv \(directory)/a \(directory)/after"])
            try tmux(["send-keys", "-t", name, "Enter"])
        }

        deinit {
            _ = try? tmux(["kill-session", "-t", name])
            try? FileManager.default.removeItem(atPath: directory)
        }

        @discardableResult
        func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try Self.tmux(["-L", socket] + arguments)
        }

        func capture() -> String { (try? tmux(["capture-pane", "-p", "-t", name]).output) ?? "" }

        func resize(width: Int, height: Int) throws { try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"]) }

        func stty(_ phase: String) -> String? {
            (try? String(contentsOfFile: directory + "/" + phase, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The pid of the `lassotop` process the pane's shell started (directly or in a pipeline), if running.
        func lassotopPID() -> Int32? {
            guard let shell = Int32((try? tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "") else { return nil }
            func children(_ pid: Int32) -> [Int32] {
                ((try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? "")
                    .split(separator: " ").compactMap { Int32($0) }
            }
            // Children and grandchildren (the command runs in a subshell, possibly in a pipeline).
            let candidates = children(shell) + children(shell).flatMap(children)
            return candidates.first { pid in
                ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").hasPrefix("lassotop")
            }
        }

        @discardableResult
        func waitFor(_ what: String, timeout: TimeInterval = 20, _ predicate: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var screen = capture()
            while Date() < deadline {
                if predicate(screen) { return screen }
                Thread.sleep(forTimeInterval: 0.1)
                screen = capture()
            }
            XCTFail("timed out waiting for \(what); screen:\n\(screen)")
            throw XCTSkip("aborting after timeout")
        }

        /// Waits for the command to end; returns its exit status.
        func waitForExit(timeout: TimeInterval = 20) throws -> Int {
            // The typed command line itself contains "EXIT=$?": wait for the echoed number.
            let screen = try waitFor("EXIT=<status>", timeout: timeout) { $0.range(of: #"EXIT=[0-9]+"#, options: .regularExpression) != nil }
            let match = screen.range(of: #"EXIT=[0-9]+"#, options: .regularExpression).map { String(screen[$0]) } ?? ""
            let digits = match.dropFirst(5)
            // The after-file is written right after EXIT= is echoed.
            let deadline = Date().addingTimeInterval(3)
            while stty("after") == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if digits.isEmpty { XCTFail("no exit status on screen:\n\(screen)") }
            return Int(digits) ?? -1
        }

        /// Runs tmux with posix_spawn + waitpid. Not Foundation's `Process`: on Linux it detects exit through a
        /// socket the child inherits, and the tmux server daemon forked by the first command keeps that socket open,
        /// so `waitUntilExit` would never return.
        static func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let path = NSTemporaryDirectory() + "lassotop-rel-tmux-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: path) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            let argv = (["/usr/bin/env", "tmux"] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
            guard spawned == 0 else { throw POSIXError(errno: spawned, what: "posix_spawn tmux") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let data = FileManager.default.contents(atPath: path) ?? Data()
            let exited = (status & 0x7F) == 0
            return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), String(decoding: data, as: UTF8.self))
        }
    }


    static var lassotop: String { "'\(Binary.path)'" }

    func testFiftyResizesInFiveSecondsThenQuitRestoresTerminal() throws {
        try Binary.requireBinary()
        let pane = try Pane(command: "\(Self.lassotop) --demo-seed 3")
        try pane.waitFor("the dashboard") { $0.contains("Coverage:") }
        var rng = SeededGenerator(seed: 50)
        let started = Date()
        for index in 0..<50 {
            // Include sizes below the 80×24 minimum: the "too small" screen must come and go as well.
            try pane.resize(width: Int.random(in: 30...220, using: &rng), height: Int.random(in: 8...70, using: &rng))
            let due = started.addingTimeInterval(Double(index + 1) * 0.1)
            if due > Date() { Thread.sleep(until: due) }
        }
        try pane.resize(width: 120, height: 40)
        XCTAssertNotNil(pane.lassotopPID(), "lassotop must survive the resize storm")
        let screen = try pane.waitFor("a full redraw at 120×40") { s in
            s.contains("Coverage:") && s.split(separator: "\n", omittingEmptySubsequences: false).count >= 40
        }
        XCTAssertFalse(screen.contains("terminal too small"), screen)
        try pane.tmux(["send-keys", "-t", pane.name, "q"])
        XCTAssertEqual(try pane.waitForExit(), 0)
        XCTAssertEqual(pane.stty("before"), pane.stty("after"), "terminal settings restored")
    }

    func testSignalsAtRandomMomentsAlwaysRestoreTerminal() throws {
        try Binary.requireBinary()
        var rng = SeededGenerator(seed: 0x5167)
        let rounds = FaultsOverTimeTests.soak ? 6 : 2
        var tried: [String] = []
        for _ in 0..<rounds {
            for (signal, name) in [(SIGTERM, "TERM"), (SIGHUP, "HUP"), (SIGINT, "INT")] {
                // From "just started" (before ncurses is up) to "running for a while".
                let delay = Double.random(in: 0.0...2.5, using: &rng)
                let pane = try Pane(command: "\(Self.lassotop) --demo-seed 4")
                var pid: Int32?
                let deadline = Date().addingTimeInterval(10)
                while pid == nil && Date() < deadline {
                    pid = pane.lassotopPID()
                    if pid == nil { Thread.sleep(forTimeInterval: 0.01) }
                }
                guard let pid else { XCTFail("lassotop did not start"); continue }
                Thread.sleep(forTimeInterval: delay)
                kill(pid, signal)
                let status = try pane.waitForExit()
                tried.append(String(format: "SIG%@ after %.2fs → %d", name, delay, status))
                XCTAssertEqual(status, 128 + Int(signal), "SIG\(name) after \(delay) s")
                XCTAssertEqual(pane.stty("before"), pane.stty("after"), "SIG\(name) after \(delay) s left the terminal changed")
                XCTAssertNotNil(pane.stty("before"))
            }
        }
        print("signals: " + tried.joined(separator: ", "))
    }

    static func probeLine(_ id: String) -> String {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return #"{"kind":"routing","ts":\#(now),"request_id":"\#(id)","source_node_id":"pipe","chain":"ethereum","method":"eth_pipeProbe","provider_id":"ethereum_drpc","result":"error"}"#
    }

    /// `producer | lassotop --events-from -`: the producer exits (EOF); the dashboard keeps running, keys come from
    /// /dev/tty, and the piped event is in the feed.
    func testClosingStdinPipeKeepsDashboardRunning() throws {
        try Binary.requireBinary()
        // The producer marks its exit in a file once the pipe's write end is closed: wait for that, not for time.
        let pane = try Pane(command: "(printf '%s\\n' '\(Self.probeLine("pipe-probe-tui"))'; exec 1>&-; touch \"$HOME/producer-done\") | \(Self.lassotop) --demo-seed 5 --events-from -")
        try pane.waitFor("the dashboard") { $0.contains("Coverage:") }
        let closed = pane.directory + "/producer-done"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: closed) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: closed), "the producer never closed the pipe")
        XCTAssertNotNil(pane.lassotopPID(), "EOF on stdin must not end the dashboard")
        try pane.tmux(["send-keys", "-t", pane.name, "3"])
        try pane.tmux(["send-keys", "-t", pane.name, "-l", "/method:eth_pipeProbe"])
        try pane.tmux(["send-keys", "-t", pane.name, "Enter"])
        try pane.waitFor("the piped event in the filtered feed", timeout: 10) { $0.contains("eth_pipeProbe") && $0.contains("pipe") }
        try pane.tmux(["send-keys", "-t", pane.name, "q"])
        XCTAssertEqual(try pane.waitForExit(), 0)
        XCTAssertEqual(pane.stty("before"), pane.stty("after"))
    }

    /// `producer | lassotop snapshot --events-from -` with a producer that closes at once: a normal snapshot.
    func testSnapshotWithClosingStdinPipe() throws {
        try Binary.requireBinary()
        let home = try Binary.temporaryDirectory("pipe")
        let result = try Binary.run(["snapshot", "--format", "json", "--events-from", "-", "--demo-seed", "6"],
                                    environment: ["XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home, "HOME": home],
                                    stdin: Data((Self.probeLine("pipe-probe-snapshot") + "\nnot json\n").utf8))
        XCTAssertTrue([0, 1].contains(result.status), "exit \(result.status): \(result.stderr)")
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let events = document["events"] as? [[String: Any]] ?? []
        XCTAssertTrue(events.contains { $0["request_id"] as? String == "pipe-probe-snapshot" }, "the piped event is in the snapshot")
    }
}
