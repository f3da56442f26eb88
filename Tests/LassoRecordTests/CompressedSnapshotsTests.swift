import Foundation
import LassoClient
import LassoCore
import LassoDemo
@testable import LassoRecord
import XCTest

/// Live time travel's packing: a snapshot of the demo read over real HTTP comes back equal, much smaller than its
/// JSON, and bytes it did not write unpack to nil instead of trapping.
final class CompressedSnapshotsTests: XCTestCase {
    func liveSnapshot() async throws -> ClusterSnapshot {
        let demo = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 5, lateChainStart: nil))
        try await demo.start()
        let config = MonitorConfig(targets: demo.nodes.map { NodeTarget(name: $0.id, url: $0.url) },
                                   healthIntervalMs: 500, metricsIntervalMs: 2_000, isDemo: true)
        let monitor = try ClusterMonitor(config: config)
        await monitor.start()
        var filled: ClusterSnapshot?
        let deadline = ContinuousClock.now + .seconds(30)
        while filled == nil, ContinuousClock.now < deadline {
            let snapshot = monitor.latestSnapshot()
            if snapshot.coverage.responding == 3, snapshot.chains.contains(where: { !$0.providers.isEmpty }),
               snapshot.feed.count > 20, !snapshot.latencyHistory.isEmpty {
                filled = snapshot
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        await monitor.stop()
        await demo.stop()
        return try XCTUnwrap(filled, "the demo did not fill a snapshot in 30 s")
    }

    func testALiveSnapshotComesBackEqualAndSmall() async throws {
        var snapshot = try await liveSnapshot()
        // What JSON alone cannot carry, and what the recording did not keep before.
        snapshot.discoveryError = "lookup of lasso.internal failed \u{1B}[31m"
        snapshot.nodes[0].latencyMs = .infinity
        let packing = CompressedSnapshots()
        let packed = try XCTUnwrap(packing.pack(snapshot))
        XCTAssertEqual(packing.unpack(packed), snapshot)
        let json = try SnapshotCodec().encoder.encode(RecordedSnapshot(snapshot))
        XCTAssertLessThan(packed.count * 4, json.count, "packed \(packed.count) B, JSON \(json.count) B")
    }

    func testBytesItDidNotWriteUnpackToNil() async throws {
        let packing = CompressedSnapshots()
        var generator = SyntheticCluster(nodes: 3, seed: 9)
        let packed = try XCTUnwrap(packing.pack(generator.next(atMs: 1_000_000)))
        XCTAssertNil(packing.unpack([]))
        XCTAssertNil(packing.unpack(Array(packed.prefix(4))))
        XCTAssertNil(packing.unpack(Array(packed.dropLast(7))))                 // cut
        XCTAssertNil(packing.unpack([0xFF, 0xFF, 0xFF, 0x7F] + packed.dropFirst(4)))   // a length it did not write
        var flipped = packed
        flipped[packed.count / 2] ^= 0x5A
        XCTAssertNil(packing.unpack(flipped))                                 // the deflate checksum fails
        var random = SeededGenerator(seed: 4)
        for _ in 0..<200 {
            let noise = (0..<Int.random(in: 0..<600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            XCTAssertNil(packing.unpack(noise))
        }
    }
}
