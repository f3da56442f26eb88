import Foundation
import XCTest
import LassoTestSupport

/// Drives the real `lassotop` binary in a detached tmux session, as a user would: send-keys in, capture-pane out.
final class TmuxSession {
    let name: String
    let socket: String

    static var repositoryRoot: URL { BuiltBinary.repositoryRoot }

    /// The debug binary `swift build` produced (override with LASSOTOP_BIN).
    static var binary: String { BuiltBinary.lassotop }

    static var tmuxAvailable: Bool { (try? run(["tmux", "-V"], capture: false).status) == 0 }

    init(width: Int = 120, height: Int = 40, command: String, environment: [String: String] = [:]) throws {
        name = "lassotop-e2e-\(UUID().uuidString.prefix(8))"
        socket = "lassotop-e2e-\(getpid())"
        var env = ["TERM": "tmux-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                   // A fresh config and state home per session: a theme chosen with `t` in one test (remembered in
                   // the state home) must not change what the next test, or the next run, starts with.
                   "XDG_CONFIG_HOME": NSTemporaryDirectory() + "lassotop-e2e-config-" + UUID().uuidString,
                   "XDG_STATE_HOME": NSTemporaryDirectory() + "lassotop-e2e-state-" + UUID().uuidString]
        env.merge(environment) { $1 }
        for key in ["XDG_CONFIG_HOME", "XDG_STATE_HOME"] { Scratch.removeAtExit(env[key]!) }
        let exports = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        // A shell runs the command so the pane returns to a prompt afterwards (and we can read $?).
        // new-session may fork the tmux server, which would hold a captured pipe open forever: no capture here.
        let result = try Self.run(["tmux", "-L", socket, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                                   "env \(exports) bash --norc --noprofile"], capture: false)
        guard result.status == 0 else { throw XCTSkip("tmux new-session failed: \(result.output)") }
        // Each stty file is written under another name and renamed: the redirection creates it empty before `stty`
        // writes, and a reader in between would compare "" (TerminalFaultTests had a red run from it).
        let before = Self.sttyFile(name, "before"), after = Self.sttyFile(name, "after")
        // The `.w` names too: a session killed between the redirection and the rename leaves one behind.
        for path in [before, after, before + ".w", after + ".w"] { Scratch.removeAtExit(path) }
        try send(text: "PS1='PROMPT$ '; stty -g > \(before).w; mv \(before).w \(before); \(command); echo EXIT=$?; "
                    + "stty -g > \(after).w; mv \(after).w \(after)")
        try sendKeys("Enter")
    }

    static func sttyFile(_ name: String, _ phase: String) -> String { NSTemporaryDirectory() + "\(name)-stty-\(phase)" }

    func stty(_ phase: String) -> String? {
        (try? String(contentsOfFile: Self.sttyFile(name, phase), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func send(text: String) throws {
        _ = try Self.run(["tmux", "-L", socket, "send-keys", "-t", name, "-l", text])
    }

    func sendKeys(_ keys: String...) throws {
        _ = try Self.run(["tmux", "-L", socket, "send-keys", "-t", name] + keys)
    }

    /// The pane runs a shell that runs the command: its child's process id.
    func commandPID() throws -> Int32? {
        let shell = try TmuxSession.run(["tmux", "-L", socket, "display-message", "-p", "-t", name, "#{pane_pid}"])
        guard let shellPID = Int32(shell.output.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shellPID)/task/\(shellPID)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0) }.first
    }

    func capture() -> String {
        (try? Self.run(["tmux", "-L", socket, "capture-pane", "-p", "-t", name]).output) ?? ""
    }

    /// Polls the pane until `predicate` holds or `timeout` passes; returns the last capture.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 15, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = capture()
        while Date() < deadline {
            if predicate(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.2)
            screen = capture()
        }
        XCTFail("timed out waiting for \(what); screen:\n\(screen)")
        throw XCTSkip("aborting after timeout")
    }

    @discardableResult
    func waitFor(text: String, timeout: TimeInterval = 15) throws -> String {
        try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    func kill() {
        _ = try? Self.run(["tmux", "-L", socket, "kill-session", "-t", name], capture: false)
    }

    deinit { kill() }

    /// posix_spawn + waitpid, output through a temp file: Foundation's Process can wait forever when a child
    /// (the tmux server) outlives the command and inherits its pipe.
    @discardableResult
    static func run(_ arguments: [String], capture: Bool = true) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "lassotop-e2e-run-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw XCTSkip("cannot run \(arguments[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = capture ? ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "") : ""
        return (exitCode, output)
    }
}
