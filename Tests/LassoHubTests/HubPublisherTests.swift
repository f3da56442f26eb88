import Foundation
import LassoClient
import LassoCore
@testable import LassoHub
import LassoTestSupport
import Synchronization
import XCTest

/// What a hub does between requests (docs/performance.md, "A hub nobody reads").
final class HubPublisherTests: XCTestCase {
    /// A hub following a real monitor refreshes once per publish, not on a timer, and misses none.
    func testFollowsTheMonitorsPublishes() async throws {
        let hub = try await HubFixture.start()
        defer { Task { await hub.stop() } }
        try await hub.waitUntilWarm()
        let publishes = Mutex(0)
        hub.monitor.onPublish { publishes.withLock { $0 += 1 } }
        let refreshesBefore = hub.publisher.refreshes.load(ordering: .relaxed)
        let framesBefore = hub.publisher.framesBuilt
        try await eventually(30, "8 publishes") { publishes.withLock { $0 } >= 8 }
        // The publish that ended the wait may not have been followed yet.
        try await eventually(5, "the hub showing the latest publish") {
            hub.publisher.current()?.snapshot.generatedAtMs == hub.monitor.latestSnapshot().generatedAtMs
        }
        let published = publishes.withLock { $0 }
        let refreshes = hub.publisher.refreshes.load(ordering: .relaxed) - refreshesBefore
        let frames = hub.publisher.framesBuilt - framesBefore
        // One refresh per publish (one more for a publish between registering the count and reading the counters);
        // polling, as it did every 50 ms here, refreshed ten times as often. Two publishes in a row before the
        // refresh ran make one frame, hence the slack below.
        XCTAssertLessThanOrEqual(refreshes, published + 1, "\(refreshes) refreshes for \(published) publishes")
        XCTAssertGreaterThanOrEqual(frames, published - 2, "\(frames) frames for \(published) publishes")
    }

    /// A hub encodes a frame's documents only when someone reads them: none while nobody reads, one snapshot document
    /// per frame however many read it at once, each new frame ahead of time while viewers are reading, and the
    /// Prometheus text only when scraped.
    func testDocumentsAreEncodedOncePerFrameAndOnlyWhenRead() throws {
        let generation = Mutex<Int64>(1_000)
        let nowMs = Mutex<Int64>(50_000)
        let publisher = HubPublisher(source: { Self.snapshot(at: generation.withLock { $0 }) }, healthIntervalMs: { 2_000 },
                                     clock: { nowMs.withLock { $0 } })
        func nextFrame() {
            generation.withLock { $0 += 1_000 }
            XCTAssertTrue(publisher.refresh())
        }

        // Nobody reads: frames are built (and the feed numbered), nothing is encoded.
        for _ in 0..<5 { nextFrame() }
        XCTAssertEqual(publisher.framesBuilt, 5)
        XCTAssertEqual(publisher.documentsEncoded, 0)
        XCTAssertEqual(publisher.feed.lastSeq, 5, "the feed is numbered whether or not anyone reads")

        // 16 viewers at once on a frame nobody encoded: one encode, the document `snapshot --format json` prints.
        let documents = Mutex<[Data]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let document = publisher.snapshotDocument()
            documents.withLock { $0.append(document ?? Data()) }
        }
        XCTAssertEqual(publisher.documentsEncoded, 1)
        var expected = try SnapshotDocument(snapshot: Self.snapshot(at: generation.withLock { $0 })).json()
        expected.append(0x0A)
        XCTAssertEqual(Set(documents.withLock { $0 }), [expected])

        // Viewers are reading: the next frame is encoded as it is built, and reading it encodes nothing more.
        nextFrame()
        XCTAssertEqual(publisher.documentsEncoded, 2)
        _ = publisher.snapshotDocument()
        XCTAssertEqual(publisher.documentsEncoded, 2)

        // A scrape renders the exposition once per frame.
        let frame = try XCTUnwrap(publisher.current())
        XCTAssertEqual(frame.metricsText, frame.metricsText)
        XCTAssertEqual(publisher.documentsEncoded, 3)
        XCTAssertTrue(String(decoding: frame.metricsText, as: UTF8.self).contains("lassotop_nodes_responding 1"))

        // The viewers left: once their last read is older than the window, frames are not encoded ahead of time.
        nowMs.withLock { $0 += HubPublisher.viewersRecentMs + 1 }
        nextFrame()
        nextFrame()
        XCTAssertEqual(publisher.documentsEncoded, 3)
    }

    /// The feed log numbers exactly the events a set of the previous feed would call new, on feeds in display order
    /// (kept events, new ones appended, late ones inserted, the oldest dropped, equal stamps), out of order, and with
    /// more equal stamps than the walk compares one by one.
    func testUnseenEventsAreTheOnesNotInThePreviousFeed() {
        var random = SystemRandomNumberGenerator()
        var next = 0
        func event(_ ts: Int64) -> FeedEvent {
            next += 1
            return FeedEvent(ts: ts, requestID: "r\(next)", chain: "ethereum", method: "eth_call")
        }
        for round in 0..<400 {
            let sameTs = round % 50 == 0   // every event on one stamp: past the walk's limit
            var previous = (0..<Int.random(in: 0...120, using: &random)).map { _ in
                event(sameTs ? 7 : Int64.random(in: 0...60, using: &random))
            }
            previous.sort { $0.ts < $1.ts }
            var feed = Array(previous.dropFirst(Int.random(in: 0...min(20, previous.count), using: &random)))
            for _ in 0..<Int.random(in: 0...20, using: &random) {
                let late = event(sameTs ? 7 : Int64.random(in: 0...70, using: &random))
                let at = feed.firstIndex { $0.ts > late.ts } ?? feed.count
                feed.insert(late, at: at)
            }
            if round % 3 == 0, let copy = feed.randomElement(using: &random) {   // an equal event twice
                feed.insert(copy, at: feed.firstIndex { $0.ts > copy.ts } ?? feed.count)
            }
            if round % 7 == 0 { feed.shuffle(using: &random) }   // not in display order: the set path
            let expected = feed.filter { !Set(previous).contains($0) }
            let unseen = HubFeedLog.unseen(feed, previous: previous)
            XCTAssertTrue(unseen == expected, "round \(round): \(unseen.map(\.requestID)) against \(expected.map(\.requestID))")
        }
    }

    static func snapshot(at generatedAtMs: Int64) -> ClusterSnapshot {
        ClusterSnapshot(
            generatedAtMs: generatedAtMs,
            coverage: Coverage(responding: 1, total: 1, status: .healthy, quorum: true, partitionSuspected: false),
            nodes: [NodeStatus(name: "iad-1", url: "http://127.0.0.1:1", state: .up, latencyMs: 3)],
            chains: [ChainAggregate(chain: "ethereum", chainID: 1, responding: 1, total: 1, providers: [])],
            feed: [FeedEvent(ts: generatedAtMs, requestID: "r\(generatedAtMs)", chain: "ethereum", method: "eth_call")])
    }
}
