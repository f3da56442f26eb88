import Foundation
import XCTest

/// What a frame costs the terminal, checked on the real process: ncurses writes a frame in one go at the end of
/// `doupdate`, not a write per cursor jump (CursesScreen.open leaves and resumes the screen once for that). The
/// process's write system calls (/proc/PID/io `syscw`) over a few seconds of the embedded demo: the frames, the HTTP
/// requests and replies, the event loop's wake-ups — about 25 a second; with a write per jump it was about 90.
final class TerminalWritesE2ETests: XCTestCase {
    override func setUp() async throws {
        guard TmuxSession.tmuxAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TmuxSession.binary) else {
            throw XCTSkip("build the binary first: swift build (make test does)")
        }
    }

    func testAFrameIsWrittenInOneGo() throws {
        let tmux = try TmuxSession(width: 120, height: 40, command: TmuxSession.binary)
        _ = try tmux.waitFor("full coverage and the feed") { $0.contains("Coverage: 3/3") && $0.contains("eth_") }
        let pid = try XCTUnwrap(try tmux.commandPID(), "the lassotop process under the pane's shell")
        let start = (try Self.writeCalls(pid), Date())
        // Several frames: the clock and the feed change on every refresh (2 s).
        let firstScreen = tmux.capture()
        _ = try tmux.waitFor("five more seconds", timeout: 20) { _ in Date().timeIntervalSince(start.1) >= 5 }
        let end = (try Self.writeCalls(pid), Date())
        XCTAssertNotEqual(tmux.capture(), firstScreen, "no frame was drawn in the window")
        let perSecond = Double(end.0 - start.0) / end.1.timeIntervalSince(start.1)
        XCTAssertLessThan(perSecond, 50, "write system calls per second")
        try tmux.sendKeys("q")
        _ = try tmux.waitFor(text: "EXIT=0")
    }

    static func writeCalls(_ pid: Int32) throws -> Int {
        let io = try String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)
        let line = try XCTUnwrap(io.split(separator: "\n").first { $0.hasPrefix("syscw:") })
        return try XCTUnwrap(Int(line.dropFirst("syscw:".count).trimmingCharacters(in: .whitespaces)))
    }
}
