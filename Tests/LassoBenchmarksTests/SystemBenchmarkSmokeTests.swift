import Foundation
import XCTest
@testable import LassoBenchmarks
import LassoCore
import LassoTUI
import LassoTerminal

/// Runs the render, poll, idle and soak bodies once on tiny inputs so the bench cannot rot. No timing is asserted.
final class RenderBenchmarkSmokeTests: XCTestCase {
    func testDashboardSnapshotRendersAFullOverview() {
        let snapshot = Workloads.dashboardSnapshot(feedEvents: 20)
        let state = Workloads.overviewState(width: 200, height: 60, snapshot: snapshot)
        let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: 200, height: 60), caps: RenderCaps(),
                                   nowMs: Workloads.dashboardNowMs)
        XCTAssertTrue(grid.text.contains("Coverage: 7/8"))
        XCTAssertTrue(grid.text.contains("Provider 12"), "providers table filled")
        XCTAssertTrue(grid.text.contains("ECONNREFUSED"), "the down node shows its error")
    }

    func testSteadyFramePairDiffersInExactlyOneRow() {
        let (old, new) = RenderBenchmarks.steadyFramePair(width: 120, height: 40)
        XCTAssertEqual(GridDiff.between(old, new).changedRows.count, 1)
    }

    func testRenderBodiesRunTiny() throws {
        XCTAssertNotNil(RenderBenchmarks.render(width: 80, height: 24, callsPerRun: 2, runs: 1).pass)
        XCTAssertNotNil(RenderBenchmarks.diff(width: 80, height: 24, callsPerRun: 2, runs: 1).pass)
        let bytes = try RenderBenchmarks.steadyFrameBytes(width: 80, height: 24)
        XCTAssertGreaterThan(bytes.median, 0, "a changed row must write something")
    }

    func testFrameByteCounterCountsOnlyWhatChanged() throws {
        var grid = CellGrid(width: 40, height: 10)
        grid.put("hello", x: 0, y: 0)
        let counter = try FrameByteCounter(width: 40, height: 10, terminalType: "xterm-256color")
        defer { counter.close() }
        let first = counter.draw(grid)
        let markers = 16   // ESC[?2026h + ESC[?2026l
        XCTAssertEqual(counter.draw(grid), markers, "an identical frame writes only the synchronized-output markers")
        var changed = grid
        changed.put("world", x: 10, y: 5)
        let second = counter.draw(changed)
        XCTAssertGreaterThan(second, markers + 4)
        XCTAssertGreaterThan(first, second)
    }
}

final class SystemBenchmarkSmokeTests: XCTestCase {
    func testPollFanOutAgainstTwoDemoNodes() async throws {
        let figures = try await PollBenchmarks.fanOut(nodes: 2, rounds: 1, eventRate: 5)
        XCTAssertEqual(figures.count, 3)
        XCTAssertFalse(figures[0].note?.contains("FAILED") ?? false, figures[0].note ?? "")
        XCTAssertTrue(figures[2].note?.contains("coverage 2/2") ?? false, figures[2].note ?? "")
    }

    func testSoakRunsBriefly() async throws {
        let figures = try await SoakBenchmark.run(seconds: 1.5, nodes: 2, eventsPerSecond: 2_000)
        XCTAssertEqual(figures.count, 1)
        XCTAssertTrue(figures[0].note?.contains("unique") ?? false)
    }

    func testProcReadersSeeThisProcess() throws {
        XCTAssertNotNil(IdleBenchmark.cpuTicks(pid: getpid()))
        XCTAssertGreaterThan(IdleBenchmark.peakRSS(pid: getpid()) ?? 0, 1 << 20)
        // Thread times in nanoseconds: burning ~50 ms of CPU on this thread shows up, between ticks.
        let before = try XCTUnwrap(IdleBenchmark.cpuTime(pid: getpid()))
        let burnStart = ContinuousClock.now
        var x: UInt64 = 1
        while ContinuousClock.now - burnStart < .milliseconds(50) { for _ in 0..<1_000 { x = x &* 6364136223846793005 &+ 1 } }
        let after = try XCTUnwrap(IdleBenchmark.cpuTime(pid: getpid()))
        XCTAssertNotEqual(x, 0)
        var window = IdleBenchmark.ThreadTimeWindow(first: before)
        window.add(after)
        XCTAssertGreaterThan(window.nanoseconds, 10_000_000, "the burn ran at least a fifth of its 50 ms on a CPU")
    }

    /// A thread that ended inside the window keeps the time of its last reading; one that started inside it counts
    /// from zero; a reading lower than an earlier one (a thread id reused) never takes time back.
    func testThreadTimeWindowKeepsThreadsThatCameAndWent() {
        var window = IdleBenchmark.ThreadTimeWindow(first: IdleBenchmark.ThreadTimes(byThread: [1: 100, 2: 50]))
        window.add(IdleBenchmark.ThreadTimes(byThread: [1: 130, 2: 70, 3: 5]))   // thread 3 starts
        window.add(IdleBenchmark.ThreadTimes(byThread: [1: 160, 3: 40]))         // thread 2 has ended
        window.add(IdleBenchmark.ThreadTimes(byThread: [1: 170, 3: 1]))          // a new thread under id 3
        XCTAssertEqual(window.nanoseconds, 70 + 20 + 40)
        XCTAssertEqual(window.threadsStarted, 1)
    }

    /// The idle body against the debug binary for a few seconds (skipped without tmux, htop or a built lassotop).
    func testIdleRunsBriefly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/lassotop").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("no debug lassotop built") }
        guard IdleBenchmark.which("htop") != nil, IdleBenchmark.which("btop") != nil, IdleBenchmark.which("tmux") != nil else {
            throw XCTSkip("needs tmux, htop and btop")
        }
        // The floor runs when the bench binary is there (`swift build` makes it beside lassotop).
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("lassotop-bench").path
        let withFloor = FileManager.default.isExecutableFile(atPath: bench)
        let figures = try IdleBenchmark.run(lassotopPath: binary, benchPath: withFloor ? bench : nil, seconds: 2)
        func figure(_ prefix: String) -> Figure? { figures.first { $0.name.hasPrefix(prefix) } }
        XCTAssertEqual(figures.count, withFloor ? 8 : 7, "\(figures.map(\.name))")
        XCTAssertGreaterThan(figure("idle peak RSS lassotop, embedded")?.median ?? 0, 1, "peak RSS in MB, embedded")
        XCTAssertGreaterThan(figure("idle peak RSS dashboard alone")?.median ?? 0, 1, "peak RSS in MB, dashboard alone")
        XCTAssertGreaterThan(figure("idle CPU lassotop serve")?.median ?? 0, 0, "the hub ran and was measured")
        if withFloor { XCTAssertGreaterThan(figure("idle CPU floor")?.median ?? 0, 0, "the floor ran and was measured") }
    }

    /// The start-up figures read the providers table off the screen: rows, and the CALL/S cell once it is a number.
    func testStartupReadsProviderRowsAndRates() {
        let screen = """
        ┌─ Providers · ethereum · 3/3 nodes reporting ──────────────────────────────────────┐
        │ PROVIDER                    CALLS CALL/S     AVG   SUCC SCORE▼ P95 WORST    NODES │
        │›Alchemy Ethereum                3      —    39ms   100%   cold 46ms* sin-1    2/3 │
        │ dRPC Ethereum                  10   0.80   106ms   100%   cold 187ms* sin-1   3/3 │
        └───────────────────────────────────────────────────────────────────────────────────┘
        """
        let rows = StartupBenchmark.providerRows(screen)
        XCTAssertEqual(rows.count, 2)
        XCTAssertNil(rows[0].rate)
        XCTAssertEqual(rows[1].rate, 0.80)
        XCTAssertTrue(StartupBenchmark.providerRows(screen.replacingOccurrences(of: "0.80", with: "   —")).allSatisfy { $0.rate == nil })
        XCTAssertTrue(StartupBenchmark.providerRows("""
        │ PROVIDER                    CALLS CALL/S     AVG │
        │ no providers reported for this chain             │
        """).isEmpty)
    }

    /// The start-up body against the debug binary, one run (skipped without tmux or a built lassotop).
    func testStartupRunsOnce() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/lassotop").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("no debug lassotop built") }
        guard IdleBenchmark.which("tmux") != nil else { throw XCTSkip("needs tmux") }
        let figures = try StartupBenchmark.run(lassotopPath: binary, runs: 1)
        XCTAssertEqual(figures.count, 2)
        XCTAssertGreaterThan(figures[0].median, 0)
        XCTAssertGreaterThanOrEqual(figures[1].median * 1000, figures[0].median, "calls/s never before the first frame")
    }
}
