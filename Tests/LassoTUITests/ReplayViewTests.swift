import Foundation
import LassoCore
import XCTest
@testable import LassoTUI

/// `lassotop replay`: the REPLAY mark and the timeline bar; `--record`: the REC mark. Pure frames, some against
/// reviewed goldens in Golden/ (`LASSOTOP_UPDATE_GOLDEN=1` rewrites them).
final class ReplayViewTests: XCTestCase {
    let start = Fixtures.nowMs - 120_000
    var playing: ReplayStatus { ReplayStatus(positionMs: start + 65_000, startMs: start, endMs: start + 300_000, speed: 4, paused: false) }

    func render(_ runtime: RuntimeInfo, size: GridSize = GridSize(width: 120, height: 40), caps: RenderCaps = RenderCaps(),
                state: UIState = UIState()) -> CellGrid {
        var state = state
        state.screenWidth = size.width
        state.screenHeight = size.height
        state.replayMode = runtime.replay != nil
        return Renderer.render(state: state, snapshot: Fixtures.snapshot(.healthy), size: size, caps: caps,
                               nowMs: runtime.replay?.positionMs ?? Fixtures.nowMs, runtime: runtime)
    }

    func assertGolden(_ name: String, _ grid: CellGrid, file: StaticString = #filePath, line: UInt = #line) {
        let text = "# \(name) \(grid.width)x\(grid.height)\n" + grid.text + "\n"
        let url = GoldenTests.goldenDirectory.appendingPathComponent("\(name)-\(grid.width)x\(grid.height).txt")
        if ProcessInfo.processInfo.environment["LASSOTOP_UPDATE_GOLDEN"] == "1" {
            XCTAssertNoThrow(try text.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return XCTFail("missing golden \(url.lastPathComponent); run with LASSOTOP_UPDATE_GOLDEN=1 and review it", file: file, line: line)
        }
        XCTAssertEqual(text, expected, url.lastPathComponent, file: file, line: line)
    }

    func testReplayFrameGoldens() {
        assertGolden("replay", render(RuntimeInfo(healthIntervalMs: 2000, source: "incident.lrec", replay: playing)))
        var paused = playing
        paused.paused = true
        paused.speed = 0.25
        assertGolden("replay-paused-ascii", render(RuntimeInfo(healthIntervalMs: 2000, source: "incident.lrec", replay: paused),
                                                   size: GridSize(width: 80, height: 24), caps: RenderCaps(unicode: false)))
    }

    func testTimelineSaysPositionLengthSpeedAndState() {
        let grid = render(RuntimeInfo(replay: playing))
        let bar = grid.line(38)
        XCTAssertTrue(bar.hasPrefix("▶ playing 4×  +1:05 / 5:00  ━"), bar)
        XCTAssertTrue(bar.contains("●"), bar)
        XCTAssertTrue(bar.hasSuffix("Space play/pause · ←→ step · <> speed · [] ±1m · g G start/end"), bar)
        // The playhead sits at 65/300 of the bar.
        let barStart = bar.range(of: "━")!.lowerBound
        let done = bar[barStart...].prefix { $0 == "━" }.count
        let rest = bar[bar.range(of: "●")!.upperBound...].prefix { $0 == "─" }.count
        XCTAssertEqual(Double(done) / Double(done + rest), 65.0 / 300.0, accuracy: 0.02)
        // The footer keeps the last line, without the keys the player took (Space, ←/→); the header clock shows the
        // playhead's time, not the wall clock.
        XCTAssertTrue(grid.line(39).hasPrefix("? help  q quit  hl pane  Enter open"), grid.line(39))
        XCTAssertFalse(grid.line(39).contains("Space"), grid.line(39))
        XCTAssertTrue(render(RuntimeInfo()).line(39).contains("←→ pane"))
        XCTAssertTrue(grid.line(0).hasSuffix(Format.clock(playing.positionMs, offsetSeconds: 0)), grid.line(0))

        var paused = playing
        paused.paused = true
        paused.speed = 0.25
        paused.positionMs = paused.endMs
        paused.endMs += 3_600_000
        paused.positionMs = paused.startMs + 3_725_000
        XCTAssertTrue(render(RuntimeInfo(replay: paused)).line(38).hasPrefix("❚❚ paused ¼×  +1:02:05 / 1:05:00  "))
    }

    func testReplayMarkIsNeverDroppedAndSaysNothingWhenLive() {
        let narrow = render(RuntimeInfo(source: "a-very-long-recording-file-name-from-an-incident.lrec", replay: playing),
                            size: GridSize(width: 80, height: 24))
        XCTAssertTrue(narrow.line(0).hasPrefix("lassotop  REPLAY  "), narrow.line(0))
        XCTAssertTrue(narrow.line(0).contains("Coverage: 3/3 nodes"), narrow.line(0))
        let live = render(RuntimeInfo())
        XCTAssertFalse(live.text.contains("REPLAY"))
        XCTAssertFalse(live.text.contains("playing"))
    }

    func testAReplayedDemoFooterOffersNoFaultKeys() {
        var state = UIState()
        state.pages = [PageEntry(page: .view(.demo))]
        var demo = Fixtures.snapshot(.healthy)
        demo.isDemo = true
        state.screenWidth = 120
        state.screenHeight = 40
        func footer(_ runtime: RuntimeInfo) -> String {
            var s = state
            s.replayMode = runtime.replay != nil
            return Renderer.render(state: s, snapshot: demo, size: GridSize(width: 120, height: 40), caps: RenderCaps(),
                                   nowMs: Fixtures.nowMs, runtime: runtime).line(39)
        }
        XCTAssertTrue(footer(RuntimeInfo()).contains("down"), footer(RuntimeInfo()))
        XCTAssertFalse(footer(RuntimeInfo(replay: playing)).contains("down"), footer(RuntimeInfo(replay: playing)))
    }

    func testRecordingMark() {
        XCTAssertTrue(render(RuntimeInfo(recording: true)).line(0).hasPrefix("lassotop  REC  "))
        XCTAssertTrue(render(RuntimeInfo(recording: true), size: GridSize(width: 80, height: 24)).line(0).hasPrefix("lassotop  REC  "))
        XCTAssertFalse(render(RuntimeInfo()).line(0).contains("REC"))
    }

    func testDamageIsShownSanitizedInsteadOfTheHints() {
        var damaged = playing
        damaged.problem = "damaged at byte 48213 (checksum mismatch)\u{1B}[31m"
        let bar = render(RuntimeInfo(replay: damaged)).line(38)
        XCTAssertTrue(bar.contains("damaged at byte 48213"), bar)
        XCTAssertFalse(bar.contains("\u{1B}"))
        XCTAssertFalse(bar.contains("play/pause"))
    }
}

/// Clicks map by the replay frame's own layout (the timeline bar takes a line; MouseInput gets the same runtime).
final class ReplayMouseTests: XCTestCase {
    func testClicksFollowTheReplayLayout() {
        let snapshot = Fixtures.snapshot(.healthy)
        let size = GridSize(width: 120, height: 40)
        var state = UIState()
        state.screenWidth = size.width
        state.screenHeight = size.height
        state.replayMode = true
        let status = ReplayStatus(positionMs: Fixtures.nowMs, startMs: Fixtures.nowMs - 60_000, endMs: Fixtures.nowMs, speed: 1, paused: true)
        let runtime = RuntimeInfo(replay: status)
        let lines = Renderer.render(state: state, snapshot: snapshot, size: size, caps: RenderCaps(), nowMs: Fixtures.nowMs, runtime: runtime)
            .text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func click(_ y: Int) -> [Action] {
            MouseInput.actions(for: MouseEvent(x: 10, y: y, kind: .click), state: state, snapshot: snapshot, size: size, caps: RenderCaps(),
                               nowMs: Fixtures.nowMs, runtime: runtime)
        }
        XCTAssertEqual(click(38), [], "the timeline bar is not a pane: \(lines[38])")
        // The last drawn feed row (just above the pane's bottom border, which sits above the timeline) is selectable.
        let border = lines[37]
        XCTAssertTrue(border.hasPrefix("└"), border)
        guard case .select(.feed, _)? = click(36).first else { return XCTFail("no feed row at y 36: \(click(36)) \(lines[36])") }
    }
}
