import LassoCore
import XCTest
@testable import LassoTUI
@testable import LassoTerminal

/// Live time travel: `[`/`]` move `travelBackMs` by a minute (up to 15), Esc returns to live first; the run loop
/// keeps 15 minutes of snapshots, one per 20 s for the last 2 and one per minute beyond (SnapshotHistory); the header
/// says LIVE or how far back it shows.
final class TimeTravelTests: XCTestCase {
    let healthy = Fixtures.snapshot(.healthy)

    func testKeysStepAMinuteWithinFifteenAndEscReturnsToLive() {
        var state = UIState()
        XCTAssertEqual(Keymap.action(for: .char("["), state: state, isDemo: false), .travelBack)
        XCTAssertEqual(Keymap.action(for: .char("]"), state: state, isDemo: false), .travelForward)
        state = Reducer.reduce(state, .travelBack, healthy).0
        state = Reducer.reduce(state, .travelBack, healthy).0
        XCTAssertEqual(state.travelBackMs, 120_000)
        state = Reducer.reduce(state, .travelForward, healthy).0
        XCTAssertEqual(state.travelBackMs, 60_000)
        for _ in 0..<30 { state = Reducer.reduce(state, .travelBack, healthy).0 }
        XCTAssertEqual(state.travelBackMs, 15 * 60_000)
        // Esc: live first, even on a drill-down page (the page stays); a second Esc goes back as usual.
        state.pages.append(PageEntry(page: .node(name: "iad-1")))
        state = Reducer.reduce(state, .back, healthy).0
        XCTAssertEqual(state.travelBackMs, 0)
        XCTAssertEqual(state.pages.count, 2)
        state = Reducer.reduce(state, .back, healthy).0
        XCTAssertEqual(state.pages.count, 1)
        for _ in 0..<3 { state = Reducer.reduce(state, .travelForward, healthy).0 }
        XCTAssertEqual(state.travelBackMs, 0)
        // In replay, [ and ] are the player's.
        state.replayMode = true
        XCTAssertEqual(Keymap.action(for: .char("["), state: state, isDemo: false), .replay(.jumpBack))
    }

    func snapshot(at ms: Int64) -> ClusterSnapshot {
        var s = healthy
        s.generatedAtMs = ms
        return s
    }

    func testHistoryKeepsFifteenMinutesFineWhenRecentAndAMinuteApartBeyond() {
        var history = SnapshotHistory()
        let start: Int64 = 1_000_000_000
        // 20 minutes of snapshots every 200 ms, with a jitter of up to 150 ms (publications are not exactly regular).
        var random = SeededGenerator(seed: 7)
        var t = start
        while t <= start + 20 * 60_000 {
            history.add(snapshot(at: t))
            t += 200 + Int64.random(in: 0...150, using: &random)
        }
        let now = history.entries.last!.generatedAtMs
        // 2 minutes at one per 20 s, 13 more at one per minute, and the one at the edge of the span.
        XCTAssertLessThanOrEqual(history.entries.count, 7 + 13 + 2)
        XCTAssertGreaterThanOrEqual(history.entries.count, 18)
        XCTAssertGreaterThanOrEqual(history.depthMs(from: now), 15 * 60_000)
        XCTAssertLessThanOrEqual(history.depthMs(from: now), 15 * 60_000 + 80_000)
        let times = history.entries.map(\.generatedAtMs)
        for (older, newer) in zip(times, times.dropFirst()) {
            if newer < now - history.fineSpanMs {
                XCTAssertGreaterThanOrEqual(newer - older, 60_000)
                XCTAssertLessThan(newer - older, 80_000 + 1_000)
            } else {
                XCTAssertLessThan(newer - older, 60_000 + 20_000 + 1_000)
            }
        }
        // A minute back: the newest kept at or before, within one fine step; ten minutes back, within a coarse one.
        let recent = history.snapshot(atOrBefore: now - 60_000)!
        XCTAssertLessThanOrEqual(recent.generatedAtMs, now - 60_000)
        XCTAssertGreaterThan(recent.generatedAtMs, now - 60_000 - 21_000)
        let older = history.snapshot(atOrBefore: now - 600_000)!
        XCTAssertLessThanOrEqual(older.generatedAtMs, now - 600_000)
        XCTAssertGreaterThan(older.generatedAtMs, now - 600_000 - 81_000)
        // Further back than held: the oldest.
        XCTAssertEqual(history.snapshot(atOrBefore: start)?.generatedAtMs, history.entries.first?.generatedAtMs)
        XCTAssertNil(SnapshotHistory().snapshot(atOrBefore: now))
    }

    /// Memory stays small with a full feed: a kept snapshot holds its newest `feedLimit` events (the rest of it intact).
    func testKeptFeedsAreCappedToTheNewestEvents() {
        var full = snapshot(at: 5_000_000)
        let event = full.feed.first!
        full.feed = (0..<1_000).map { i in
            var e = event
            e.ts = Int64(i)
            return e
        }
        var history = SnapshotHistory()
        history.add(full)
        let kept = history.entries[0]
        XCTAssertEqual(kept.feed.count, SnapshotHistory.feedLimit)
        XCTAssertEqual(kept.feed.last?.ts, 999)
        XCTAssertEqual(kept.feed.first?.ts, Int64(1_000 - SnapshotHistory.feedLimit))
        var rest = kept
        rest.feed = full.feed
        XCTAssertEqual(rest, full)
    }

    func header(_ offset: Int64?) -> String {
        var state = UIState()
        state.screenWidth = 120
        state.screenHeight = 40
        return Renderer.render(state: state, snapshot: healthy, size: GridSize(width: 120, height: 40), caps: RenderCaps(),
                               nowMs: Fixtures.nowMs, runtime: RuntimeInfo(travelOffsetMs: offset)).line(0)
    }

    func testHeaderMarks() {
        XCTAssertTrue(header(0).contains("LIVE"), header(0))
        XCTAssertTrue(header(124_000).hasPrefix("lassotop  -2m04s  "), header(124_000))
        XCTAssertFalse(header(124_000).contains("LIVE"))
        XCTAssertTrue(header(120_000).hasPrefix("lassotop  -2m  "), header(120_000))
        XCTAssertTrue(header(45_000).hasPrefix("lassotop  -45s  "), header(45_000))
        XCTAssertFalse(header(nil).contains("LIVE"))
    }
}
