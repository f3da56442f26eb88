import Foundation
import XCTest

/// Drives the real `lassotop` binary in a detached tmux session, as a user would: send-keys in, capture-pane out.
final class TmuxSession {
    let name: String
    let socket: String

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The debug binary `swift build` produced (override with LASSOTOP_BIN).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["LASSOTOP_BIN"] { return path }
        let candidates = [".build/debug/lassotop", ".build/x86_64-unknown-linux-gnu/debug/lassotop",
                          ".build/aarch64-unknown-linux-gnu/debug/lassotop"]
        for candidate in candidates {
            let path = repositoryRoot.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/lassotop").path
    }

    static var tmuxAvailable: Bool { (try? run(["tmux", "-V"]).status) == 0 }

    init(width: Int = 120, height: Int = 40, command: String, environment: [String: String] = [:]) throws {
        name = "lassotop-e2e-\(UUID().uuidString.prefix(8))"
        socket = "lassotop-e2e-\(getpid())"
        var env = ["TERM": "tmux-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                   "XDG_CONFIG_HOME": NSTemporaryDirectory() + "lassotop-e2e-config",
                   "XDG_STATE_HOME": NSTemporaryDirectory() + "lassotop-e2e-state"]
        env.merge(environment) { $1 }
        let exports = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        // A shell runs the command so the pane returns to a prompt afterwards (and we can read $?).
        let result = try Self.run(["tmux", "-L", socket, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                                   "env \(exports) bash --norc --noprofile"])
        guard result.status == 0 else { throw XCTSkip("tmux new-session failed: \(result.output)") }
        try send(text: "PS1='PROMPT$ '; stty -g > \(Self.sttyFile(name, "before")); \(command); echo EXIT=$?; stty -g > \(Self.sttyFile(name, "after"))")
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
        _ = try? Self.run(["tmux", "-L", socket, "kill-session", "-t", name])
    }

    deinit { kill() }

    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
