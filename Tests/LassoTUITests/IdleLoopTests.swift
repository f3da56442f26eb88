import Foundation
import LassoCore
import XCTest
@testable import LassoTUI
@testable import LassoTerminal

/// A screen whose waits pass on a virtual clock: each `waitForInput` records its timeout and moves the clock by it
/// (nothing arrives), until the script says a key is ready; then `q`.
final class VirtualClockScreen: TerminalScreen {
    var nowMs: Int64
    var idleWaits: Int
    var timeouts: [Int] = []
    var frames: [CellGrid] = []
    var depth: ColorDepth { .palette256 }

    init(startMs: Int64, idleWaits: Int) {
        nowMs = startMs
        self.idleWaits = idleWaits
    }

    func size() -> GridSize { GridSize(width: 120, height: 40) }
    func apply(theme: Theme) {}
    func draw(_ grid: CellGrid) { frames.append(grid) }
    func forceFullRedraw() {}
    func waitForInput(timeoutMs: Int) -> Bool {
        if idleWaits == 0 { return true }
        idleWaits -= 1
        timeouts.append(timeoutMs)
        nowMs += Int64(timeoutMs)
        return false
    }
    func readKey() -> Key? { .char("q") }
}

/// A backend whose snapshot is chosen by the screen's clock.
final class ClockedBackend: DashboardBackend, @unchecked Sendable {
    let pick: (Int64) -> ClusterSnapshot
    let screen: VirtualClockScreen
    let refreshMs: Int64
    init(screen: VirtualClockScreen, refreshMs: Int64 = 1_000, pick: @escaping (Int64) -> ClusterSnapshot) {
        self.screen = screen
        self.refreshMs = refreshMs
        self.pick = pick
    }
    func latestSnapshot() -> ClusterSnapshot { pick(screen.nowMs) }
    func refreshNow() {}
    func changeHealthInterval(by deltaMs: Int64) {}
    func healthIntervalMs() -> Int64 { 2000 }
    func injectFault(node: String, mode: DemoFault) {}
}

final class IdleLoopTests: XCTestCase {
    func run(_ screen: VirtualClockScreen, _ backend: ClockedBackend) {
        var loop = DashboardLoop(screen: screen, backend: backend,
                                 interpreter: EffectInterpreter(backend: backend, themes: ThemeLoader(searchDirectories: []),
                                                                exportDirectory: NSTemporaryDirectory(), nowMs: { screen.nowMs }),
                                 caps: RenderCaps())
        loop.nowMs = { screen.nowMs }
        loop.utcOffsetSeconds = { 0 }
        XCTAssertEqual(loop.run(state: UIState()), 0)
    }

    /// With the 2 s refresh an idle screen wakes once per refresh, and the clock moves two seconds a frame; a
    /// snapshot published between two ticks still wakes it (the backend's wake-up, here the virtual clock's pick).
    func testIdleLoopWakesOncePerRefreshAndTheClockMovesByIt() {
        let start = Fixtures.nowMs - Fixtures.nowMs % 2000 + 250
        let screen = VirtualClockScreen(startMs: start, idleWaits: 4)
        let snapshot = Fixtures.snapshot(.healthy)
        run(screen, ClockedBackend(screen: screen, refreshMs: 2_000) { _ in snapshot })
        let grace = DashboardLoop.clockGraceMs
        XCTAssertEqual(screen.timeouts, [1750 + grace, 2000, 2000, 2000])
        XCTAssertEqual(screen.frames.count, 5)
        for (index, frame) in screen.frames.enumerated() {
            let shown = Format.clock(start + Int64(index) * 2000 + (index == 0 ? 0 : Int64(grace)), offsetSeconds: 0)
            XCTAssertTrue(frame.text.contains(shown), "frame \(index) shows \(shown)")
        }
    }

    /// Idle: the loop sleeps until just after the next second (the clock's grace), and each second the header clock
    /// moves (one frame each).
    func testIdleLoopWakesOncePerClockSecondAndTheClockMoves() {
        let start = Fixtures.nowMs - Fixtures.nowMs % 1000 + 250
        let screen = VirtualClockScreen(startMs: start, idleWaits: 5)
        let snapshot = Fixtures.snapshot(.healthy)
        run(screen, ClockedBackend(screen: screen) { _ in snapshot })
        let grace = DashboardLoop.clockGraceMs
        XCTAssertEqual(screen.timeouts, [750 + grace, 1000, 1000, 1000, 1000])
        XCTAssertEqual(screen.frames.count, 6)
        let clocks = screen.frames.map { frame in
            (0..<6).map { Format.clock(start + Int64($0) * 1000, offsetSeconds: 0) }.filter { frame.text.contains($0) }
        }
        for (second, shown) in clocks.enumerated() {
            XCTAssertEqual(shown, [Format.clock(start + Int64(second) * 1000, offsetSeconds: 0)])
        }
    }

    /// "(updating…)" appears and goes with the snapshot even though nothing else wakes the loop.
    func testUpdatingMarkFollowsTheSnapshot() {
        let start = Fixtures.nowMs - Fixtures.nowMs % 1000
        let screen = VirtualClockScreen(startMs: start, idleWaits: 3)
        var updating = Fixtures.snapshot(.healthy)
        updating.updating = true
        var idle = Fixtures.snapshot(.healthy)
        idle.updating = false
        run(screen, ClockedBackend(screen: screen) { now in (now - start) / 1000 == 1 ? updating : idle })
        let marks = screen.frames.map { $0.text.contains("(updating") }
        XCTAssertEqual(marks, [false, true, false, false])
    }
}
