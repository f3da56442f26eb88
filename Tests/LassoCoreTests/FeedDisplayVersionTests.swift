import XCTest
@testable import LassoCore

/// `displayVersion` lets the monitor keep the named feed between publishes: it must move on every change of what is
/// displayed and on nothing else, and `mapEvents` must see the same events as `events`.
final class FeedDisplayVersionTests: XCTestCase {
    private let t0: Int64 = 1_764_000_000_000

    private func routing(_ id: String, ts: Int64, result: String = "success") -> FeedEvent {
        FeedEvent(kind: .routing, ts: ts, requestID: id, sourceNodeID: "iad-1", chainID: 1, chain: "ethereum",
                  method: "eth_call", providerID: "alchemy", transport: "http", durationMs: 12, result: result)
    }

    func testVersionMovesOnlyWhenTheDisplayChanges() {
        var options = FeedOptions(displayCapacity: 3, successBudgetPerSecond: 2)
        options.maxFieldLength = 256
        var feed = FeedBuffer(options: options)
        var version = feed.displayVersion

        func expect(_ outcome: FeedIngestOutcome, moved: Bool, _ event: FeedEvent, line: UInt = #line) {
            XCTAssertEqual(feed.ingest(event, nowMs: t0 + 10), outcome, line: line)
            XCTAssertEqual(feed.displayVersion != version, moved, line: line)
            version = feed.displayVersion
            XCTAssertEqual(feed.mapEvents { $0 }, feed.events, line: line)
        }
        expect(.added, moved: true, routing("a", ts: t0))
        expect(.duplicate, moved: false, routing("a", ts: t0))
        expect(.added, moved: true, routing("b", ts: t0 + 2))
        expect(.sampledOut, moved: false, routing("c", ts: t0 + 3))          // over the success budget
        expect(.added, moved: true, routing("d", ts: t0 + 1, result: "error"))   // late: inserted in the middle
        expect(.added, moved: true, routing("e", ts: t0 + 4, result: "error"))   // full: the oldest leaves
        XCTAssertEqual(feed.events.compactMap(\.requestID), ["d", "b", "e"])
        // Older than everything in a full display: counted as added, but nothing shown changes.
        expect(.added, moved: false, routing("f", ts: t0 - 5, result: "error"))
        feed.recordMalformed(count: 2)
        XCTAssertEqual(feed.displayVersion, version)
    }
}
