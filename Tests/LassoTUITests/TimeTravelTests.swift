import LassoCore
import XCTest
@testable import LassoTUI
@testable import LassoTerminal

/// Live time travel: `[`/`]` move `travelBackMs` by a minute (up to 15), Esc returns to live first; the run loop
/// keeps one snapshot per 20 s for 15 minutes (SnapshotHistory); the header says LIVE or how far back it shows.
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

    func testHistoryKeepsOnePerTwentySecondsForFifteenMinutes() {
        var history = SnapshotHistory()
        let start: Int64 = 1_000_000_000
        // 20 minutes of snapshots every 200 ms.
        for t in stride(from: start, through: start + 20 * 60_000, by: 200) { history.add(snapshot(at: t)) }
        let now = start + 20 * 60_000
        XCTAssertLessThanOrEqual(history.entries.count, 15 * 3 + 2)
        XCTAssertGreaterThanOrEqual(history.depthMs(from: now), 15 * 60_000)
        XCTAssertLessThanOrEqual(history.depthMs(from: now), 15 * 60_000 + 20_000)
        // Two minutes back: the newest kept at or before, within one sampling step.
        let past = history.snapshot(atOrBefore: now - 120_000)!
        XCTAssertLessThanOrEqual(past.generatedAtMs, now - 120_000)
        XCTAssertGreaterThan(past.generatedAtMs, now - 140_000)
        // Further back than held: the oldest.
        XCTAssertEqual(history.snapshot(atOrBefore: start)?.generatedAtMs, history.entries.first?.generatedAtMs)
        var empty = SnapshotHistory()
        XCTAssertNil(empty.snapshot(atOrBefore: now))
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
        let kept = history.snapshot(atOrBefore: 5_000_000)!
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

/// `SnapshotHistory` with a packing: what it keeps goes through `pack`, what it shows through `unpack`, once per kept
/// snapshot while it stays shown; a snapshot the packing refuses is kept as it is.
final class SnapshotHistoryPackingTests: XCTestCase {
    /// Packs into an index of its own store and counts the unpacks (the real packing is LassoRecord's, tested there).
    final class CountingPacking: SnapshotPacking, @unchecked Sendable {
        var store: [ClusterSnapshot] = []
        var unpacks = 0
        var refuse: (ClusterSnapshot) -> Bool = { _ in false }

        func pack(_ snapshot: ClusterSnapshot) -> [UInt8]? {
            if refuse(snapshot) { return nil }
            store.append(snapshot)
            return [UInt8(store.count - 1)]
        }

        func unpack(_ bytes: [UInt8]) -> ClusterSnapshot? {
            unpacks += 1
            return bytes.count == 1 && Int(bytes[0]) < store.count ? store[Int(bytes[0])] : nil
        }
    }

    func snapshot(at ms: Int64) -> ClusterSnapshot {
        var s = Fixtures.snapshot(.healthy)
        s.generatedAtMs = ms
        return s
    }

    func testKeptSnapshotsArePackedAndUnpackedOncePerShownSnapshot() {
        let packing = CountingPacking()
        var history = SnapshotHistory(packing: packing)
        for t in stride(from: Int64(0), through: 100_000, by: 1_000) { history.add(snapshot(at: t)) }
        XCTAssertEqual(history.entries.count, 6)
        XCTAssertEqual(packing.store.map(\.generatedAtMs), [0, 20_000, 40_000, 60_000, 80_000, 100_000])
        XCTAssertTrue(history.entries.allSatisfy { $0.packedBytes == 1 })
        // Frames drawn a minute back: one unpack, however many frames.
        for _ in 0..<5 { XCTAssertEqual(history.snapshot(atOrBefore: 45_000)?.generatedAtMs, 40_000) }
        XCTAssertEqual(packing.unpacks, 1)
        XCTAssertEqual(history.snapshot(atOrBefore: 25_000)?.generatedAtMs, 20_000)
        XCTAssertEqual(packing.unpacks, 2)
        // Back to live lets the unpacked one go: the next visit unpacks again.
        history.forgetUnpacked()
        XCTAssertEqual(history.snapshot(atOrBefore: 25_000)?.generatedAtMs, 20_000)
        XCTAssertEqual(packing.unpacks, 3)
        // The feed kept is the newest `feedLimit` events, packed that way.
        var full = snapshot(at: 200_000)
        full.feed = (0..<1_000).map { i in
            var e = full.feed[0]
            e.ts = Int64(i)
            return e
        }
        history.add(full)
        XCTAssertEqual(packing.store.last?.feed.count, SnapshotHistory.feedLimit)
    }

    func testARefusedSnapshotIsKeptAsItIsAndBadBytesShowNothing() {
        let packing = CountingPacking()
        packing.refuse = { $0.generatedAtMs == 20_000 }
        var history = SnapshotHistory(packing: packing)
        for t: Int64 in [0, 20_000, 40_000] { history.add(snapshot(at: t)) }
        XCTAssertEqual(history.entries.map(\.packedBytes), [1, 0, 1])
        XCTAssertEqual(history.snapshot(atOrBefore: 30_000), snapshot(at: 20_000))
        XCTAssertEqual(packing.unpacks, 0)
        // Bytes that do not unpack: nothing to show (the loop then stays live), not a wrong snapshot.
        packing.store.removeAll()
        XCTAssertNil(history.snapshot(atOrBefore: 45_000))
    }
}
