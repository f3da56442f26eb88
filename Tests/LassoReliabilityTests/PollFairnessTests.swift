import Foundation
import LassoClient
import LassoCore
import LassoDemo
import LassoTestSupport
import XCTest

/// Good nodes beside hostile ones must keep their own pace: a node that hangs until the timeout or sends a huge body
/// may cost its own poll, never the others'. Found while chasing good demo nodes reported `stale` beside hostile ones.
final class PollFairnessTests: XCTestCase {
    var cluster: DemoCluster!
    var hostile: [HostileNode] = []

    override func setUp() async throws {
        cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 21))
        try await cluster.start()
    }

    override func tearDown() async throws {
        for node in hostile { node.stop() }
        hostile = []
        await cluster.stop()
    }

    var demoTargets: [NodeTarget] { cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) } }

    func hostileTarget(_ name: String, _ reply: HostileNode.Reply) throws -> NodeTarget {
        let node = try HostileNode { _, _ in reply }
        hostile.append(node)
        return NodeTarget(name: name, url: node.url)
    }

    /// `snapshot`/`check` poll once. A node that answered in this round is current, however long the slowest node
    /// took: with a timeout longer than two health intervals, judging freshness at the end of the round used to mark
    /// every fast node `stale` (the flake seen in BadInputTests under load, here made certain by the settings).
    func testOneShotRoundKeepsFastNodesUpBesideANodeThatRunsIntoTheTimeout() async throws {
        let slow = try hostileTarget("trickle", .trickle(declared: 60, interval: .milliseconds(500)))
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: demoTargets + [slow], chains: ["ethereum"], healthIntervalMs: 500, metricsIntervalMs: 5_000,
            http: HTTPOptions(timeout: .milliseconds(1_500))))
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        for node in cluster.nodes {
            let status = snapshot.nodes.first { $0.name == node.id }
            XCTAssertEqual(status?.state, .up, "\(node.id) answered in this round: \(status?.lastError ?? "")")
        }
        XCTAssertEqual(snapshot.nodes.first { $0.name == "trickle" }?.state, .down)
        XCTAssertEqual(snapshot.coverage.responding, 3)
    }

    /// Continuous polling: while each hostile node spends a 3 s timeout per poll (or streams a body past the cap),
    /// every good node keeps being polled every 500 ms. Waits on counts, not on time: by the time the hanging nodes
    /// have each failed twice (6 s or more), a good node must have several successes (about 12 at its pace; at
    /// least 4 required, so a loaded machine has a wide margin).
    func testHostileNodesDoNotStarveGoodNodesPolls() async throws {
        var targets = demoTargets
        for index in 0..<8 { targets.append(try hostileTarget("hang-\(index)", .trickle(declared: 60, interval: .seconds(1)))) }
        targets.append(try hostileTarget("huge", .endless(bytes: 50 << 20)))
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: targets, chains: ["ethereum"], healthIntervalMs: 500, metricsIntervalMs: 5_000,
            http: HTTPOptions(timeout: .seconds(3))))
        await monitor.start()
        let good = Set(cluster.nodes.map(\.id))
        let snapshot = try await waitFor(monitor, "each hanging node to fail twice", timeout: 60) { snapshot in
            snapshot.nodes.filter { $0.name.hasPrefix("hang-") }.allSatisfy { $0.failureCount >= 2 }
        }
        await monitor.stop()
        for node in snapshot.nodes where good.contains(node.name) {
            XCTAssertGreaterThanOrEqual(node.successCount, 4, "\(node.name) was starved: \(node.successCount) polls")
            XCTAssertEqual(node.state, .up, node.name)
        }
    }
}
