import LassoCore
import XCTest

/// `FeedBuffer.following` turns the mapped display of an earlier mark into the mapped display of now by what changed
/// (oldest dropped, new appended, late ones inserted); it must equal mapping every displayed event, whatever arrived
/// in between: in order, late, duplicated, with equal stamps, past the display's capacity, or nothing at all.
final class FeedFollowingTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// A visible transform (what the monitor's naming does: fields set from the event).
    static func mark(_ event: FeedEvent) -> FeedEvent {
        var copy = event
        copy.node = "n-\(event.ts % 7)-\(event.requestID ?? "")"
        copy.providerName = event.providerID?.uppercased()
        return copy
    }

    func testFollowingEqualsMappingEveryEvent() {
        var random = Random(state: 5)
        var withInsertions = 0
        var inOrder = 0
        for round in 0..<60 {
            var feed = FeedBuffer(options: FeedOptions(displayCapacity: 1 + random.next(80), successBudgetPerSecond: 1_000))
            var mirror = feed.mapEvents(Self.mark)
            var mark = feed.displayMark
            var now: Int64 = 1_764_000_000_000
            // Some rounds never send a late event (only drops and appends), others many.
            let lateEvery = round % 3 == 0 ? 0 : 2 + random.next(20)
            for step in 0..<40 {
                now += Int64(random.next(1_500))
                for _ in 0..<random.next(round % 4 == 0 ? 200 : 30) {
                    let late = lateEvery > 0 && random.next(lateEvery) == 0
                    let ts = late ? now - Int64(1 + random.next(3_000)) : now + Int64(random.next(3))
                    let event = FeedEvent(kind: random.next(8) == 0 ? .circuit : .routing, ts: ts,
                                          requestID: "req-\(random.next(500))", sourceNodeID: "node-\(random.next(3))",
                                          chainID: 1, chain: "ethereum", method: "eth_call",
                                          providerID: ["alchemy", "drpc"][random.next(2)], transport: "http",
                                          durationMs: random.next(50), result: random.next(6) == 0 ? "error" : "success")
                    _ = feed.ingest(event, nowMs: now)
                }
                let expected = feed.mapEvents(Self.mark)
                let followed = feed.following(mirror, from: mark, Self.mark)
                XCTAssertEqual(followed, expected, "round \(round) step \(step)")
                if feed.displayMark.inserted > mark.inserted { withInsertions += 1 } else { inOrder += 1 }
                mirror = expected
                mark = feed.displayMark
            }
        }
        // Both kinds of change were followed (counts fixed by the seed).
        XCTAssertGreaterThan(withInsertions, 1_000)
        XCTAssertGreaterThan(inOrder, 200)
    }

    /// A mirror from another buffer, or one that does not fit the counts, is refused rather than patched.
    func testAMirrorThatDoesNotFitIsRefused() {
        var feed = FeedBuffer(options: FeedOptions(displayCapacity: 5, successBudgetPerSecond: 10_000))
        for i in 0..<3 { _ = feed.ingest(FeedEvent(ts: Int64(1_000 + i), requestID: "r\(i)"), nowMs: 1_000) }
        let mark = feed.displayMark
        let mirror = feed.mapEvents(Self.mark)
        XCTAssertEqual(feed.following(mirror, from: mark, Self.mark), mirror)
        XCTAssertNil(feed.following(Array(mirror.dropLast()), from: mark, Self.mark))
        // More insertions since the mark than the log keeps.
        var late = feed
        for i in 0..<1_100 { _ = late.ingest(FeedEvent(ts: 1_000, requestID: "late\(i)"), nowMs: 1_000) }
        XCTAssertNil(late.following(mirror, from: mark, Self.mark))
        var later = feed.displayMark
        later.appended += 1
        XCTAssertNil(feed.following(feed.mapEvents(Self.mark), from: later, Self.mark))
    }
}
