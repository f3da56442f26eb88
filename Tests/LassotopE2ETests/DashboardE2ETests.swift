import Foundation
import XCTest

/// End-to-end checks of the TUI (docs/tui.md): the real `lassotop` binary in a tmux pane, watching its embedded demo cluster,
/// driven with keys and read back with capture-pane.
final class DashboardE2ETests: XCTestCase {
    override func setUp() async throws {
        guard TmuxSession.tmuxAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TmuxSession.binary) else {
            throw XCTSkip("build the binary first: swift build (make test does)")
        }
    }

    func start(_ arguments: String = "", width: Int = 120, height: Int = 40) throws -> TmuxSession {
        try TmuxSession(width: width, height: height, command: "\(TmuxSession.binary) \(arguments)")
    }

    func testFirstFrameShowsFullCoverageAndQuitRestoresTheShell() throws {
        let tmux = try start()
        // The whole condition in one wait: a capture can land while a frame is being drawn.
        try tmux.waitFor("Coverage: 3/3, DEMO and the three nodes") { screen in
            screen.contains("Coverage: 3/3") && screen.contains("DEMO")
                && screen.contains("iad-1") && screen.contains("fra-1") && screen.contains("sin-1")
        }
        try tmux.sendKeys("q")
        // The typed command line contains "PROMPT$" and "EXIT=$?": only a real exit status and a fresh prompt on
        // the last line count.
        let after = try tmux.waitFor("EXIT=0 and a fresh shell prompt") { screen in
            let lastLine = screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            return screen.contains("EXIT=0") && lastLine.hasPrefix("PROMPT$")
        }
        XCTAssertFalse(after.contains("Coverage:"), "the alternate screen was left:\n\(after)")
        _ = try tmux.waitFor("stty saved after exit") { _ in tmux.stty("after") != nil }
        XCTAssertEqual(tmux.stty("before"), tmux.stty("after"), "terminal modes restored")
    }

    func testInjectedDownShowsTwoOfThreeWithinTwoHealthIntervals() throws {
        let tmux = try start()
        try tmux.waitFor(text: "Coverage: 3/3")
        // The demo panel: select the first node (sorted by name: fra-1) and take it down.
        try tmux.sendKeys("6")
        try tmux.waitFor(text: "fra-1")
        try tmux.sendKeys("g")
        try tmux.sendKeys("d")
        let injected = Date()
        // Default health interval 2 s: 2/3 within two intervals (plus the connect timeout of a poll in flight).
        let screen = try tmux.waitFor(text: "Coverage: 2/3", timeout: 10)
        let elapsed = Date().timeIntervalSince(injected)
        XCTAssertLessThanOrEqual(elapsed, 2 * 2.0 + 1.5, "2/3 shown after \(elapsed)s")
        try tmux.sendKeys("1")
        try tmux.waitFor("fra-1 down in the overview") { $0.contains("down") && $0.contains("fra-1") }
        _ = screen
        try tmux.sendKeys("q")
        try tmux.waitFor(text: "EXIT=0")
    }

    func testEnterOnProviderShowsPerNodeRows() throws {
        let tmux = try start("--metrics-interval 1")
        try tmux.waitFor(text: "Coverage: 3/3")
        // Wait until the selected provider row (›) is reported by every node, so the drill-down has three rows.
        try tmux.waitFor("the selected provider reported by 3/3 nodes", timeout: 20) { screen in
            screen.split(separator: "\n").contains { $0.contains("│›") && $0.contains(" 3/3 ") }
        }
        try tmux.sendKeys("Enter")
        try tmux.waitFor("the per-node rows of iad-1, fra-1 and sin-1 with P95") { detail in
            detail.contains("Per node") && ["iad-1", "fra-1", "sin-1"].allSatisfy { detail.contains($0) }
                && (detail.contains("P95") || detail.contains("p95"))
        }
        try tmux.sendKeys("Escape")
        try tmux.waitFor(text: "Nodes 3/3")
        try tmux.sendKeys("q")
        try tmux.waitFor(text: "EXIT=0")
    }

    func testSlashFilterNarrowsTheFeed() throws {
        let tmux = try start()
        try tmux.waitFor(text: "Coverage: 3/3")
        try tmux.sendKeys("3")
        try tmux.waitFor("feed showing base events") { $0.contains(" base ") }
        try tmux.send(text: "/")
        try tmux.send(text: "chain:ethereum")
        try tmux.sendKeys("Enter")
        // A capture can land while a frame is being drawn (the title already filtered, rows below not yet), so wait
        // for the whole condition; a feed that kept showing other chains fails at the deadline.
        try tmux.waitFor("only ethereum rows after the filter") { screen in
            let rows = screen.split(separator: "\n").filter {
                $0.range(of: #"^\│? ?\d\d:\d\d:\d\d"#, options: .regularExpression) != nil
            }
            return screen.contains("/chain:ethereum") && !rows.isEmpty && !rows.contains { $0.contains(" base ") }
        }
        try tmux.sendKeys("q")
        try tmux.waitFor(text: "EXIT=0")
    }

    func testRefusesWhenStdoutIsNotATerminal() throws {
        let result = try TmuxSession.run(["sh", "-c", "\(TmuxSession.binary) --node http://127.0.0.1:9 | cat; exit ${PIPESTATUS:-0}"])
        XCTAssertTrue(result.output.contains("lassotop snapshot"), result.output)
    }
}
