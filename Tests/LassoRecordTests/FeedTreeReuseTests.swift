import Foundation
import LassoCore
@testable import LassoRecord
import XCTest

/// A recorder encodes only the feed events and chains the previous snapshot did not hold, and the tree it stores is
/// the one encoding the whole snapshot gives (docs/performance.md, "A recorder's second").
final class FeedTreeReuseTests: XCTestCase {
    func testReusedFeedTreesGiveTheWholeSnapshotsTree() throws {
        var random = SystemRandomNumberGenerator()
        let codec = SnapshotCodec()
        var kept = SnapshotCodec.KeptTrees()
        var next = 0
        func event(_ ts: Int64) -> FeedEvent {
            next += 1
            let pick = Int.random(in: 0..<4, using: &random)
            return FeedEvent(kind: pick == 3 ? .cluster : .routing, ts: ts, requestID: pick == 0 ? nil : "r\(next)",
                             sourceNodeID: "fra-1", chainID: pick == 1 ? nil : 1, chain: "ethereum",
                             method: ["eth_call", "eth_getLogs", "ünïcode \"q\" \\ \u{1}"][pick % 3],
                             providerID: "p\(pick)", durationMs: pick == 2 ? nil : Int.random(in: 0...900, using: &random),
                             result: "success", failoverCount: pick, message: pick == 3 ? "line\nbreak" : nil,
                             relayNode: "iad-1")
        }
        // Chains that change now and then (a metrics refresh), come and go, and swap places.
        func chains(_ step: Int) -> [ChainAggregate] {
            var list = ["ethereum", "base", "arbitrum"].prefix(step % 23 == 5 ? 1 : 3).enumerated().map { index, name in
                ChainAggregate(chain: name, chainID: index + 1, responding: (step / 15 + index) % 3, total: 3, providers: [])
            }
            if step % 19 == 7 { list.reverse() }
            return list
        }
        var feed: [FeedEvent] = []
        var ts: Int64 = 1_000
        for step in 0..<150 {
            // A second of traffic: the oldest dropped past 300, new ones appended, a few late, now and then a
            // duplicate, a feed out of order (the table path) or every event on one stamp (past the walk's limit).
            ts += 1_000
            feed.append(contentsOf: (0..<Int.random(in: 0...25, using: &random)).map { _ in event(ts + Int64.random(in: 0...999, using: &random)) })
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let late = event(ts - Int64.random(in: 0...3_000, using: &random))
                feed.insert(late, at: feed.firstIndex { $0.ts > late.ts } ?? feed.count)
            }
            feed.sort { $0.ts < $1.ts }
            if feed.count > 300 { feed.removeFirst(feed.count - 300) }
            var shown = feed
            if step % 11 == 0, let copy = shown.randomElement(using: &random) { shown.append(copy); shown.sort { $0.ts < $1.ts } }
            if step % 13 == 0 { shown.shuffle(using: &random) }
            if step % 17 == 0 { shown = (0..<80).map { _ in event(7) } }
            let snapshot = ClusterSnapshot(
                generatedAtMs: ts, coverage: Coverage(responding: 1, total: 1, status: .healthy, quorum: true, partitionSuspected: false),
                nodes: [NodeStatus(name: "iad-1", url: "http://127.0.0.1:1", state: .up, latencyMs: Double(step) / 3)],
                chains: chains(step), feed: shown, eventRate: .nan)
            let reused = try codec.tree(snapshot, reusing: &kept)
            let whole = try codec.tree(snapshot)
            XCTAssertTrue(reused == whole, "step \(step): the trees differ")
            XCTAssertEqual(kept.eventTrees.count, shown.count)
        }
    }
}
