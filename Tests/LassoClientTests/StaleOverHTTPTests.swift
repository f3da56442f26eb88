import Foundation
import LassoCore
import LassoDemo
import XCTest
@testable import LassoClient
import LassoTestSupport

/// The stale rule over real HTTP: with metrics polled only every 60 s, a node taken down leaves the provider figures
/// as soon as a health round sees it down, not at the next metrics poll.
final class StaleOverHTTPTests: XCTestCase {
    func testDownNodeLeavesTheFiguresAtTheNextHealthRound() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 21))
        try await cluster.start()
        // Traffic on every node first (waited for as a state), so the monitor's first metrics poll has providers.
        let probe = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        for node in cluster.nodes {
            try await eventually(15, "\(node.id) never reported ethereum providers") {
                guard case .ok(let body, _) = await probe.get(node.url + "/api/metrics/ethereum"),
                      let metrics = try? MetricsResponse.decode(body) else { return false }
                return !metrics.providers.isEmpty
            }
        }
        await probe.shutdown()
        let monitor = try ClusterMonitor(config: MonitorConfig(targets: cluster.targets, chains: ["ethereum"], healthIntervalMs: 300,
                                                               metricsIntervalMs: 60_000, http: HTTPOptions(timeout: .seconds(1))))
        await monitor.start()
        let ready = try await waitFor(monitor, "3/3 with providers from 3 nodes", timeout: 15,
                                      detail: { s in "\(s.chains.map { "\($0.chain) \($0.responding)/\($0.total) \($0.providers.map { "\($0.id):\($0.nodesReporting)" })" })" }) { s in
            guard let chain = s.chains.first(where: { $0.chain == "ethereum" }) else { return false }
            return s.coverage.responding == 3 && chain.responding == 3 && !chain.providers.isEmpty
                && chain.providers.contains { $0.nodesReporting == 3 }
        }
        let down = "fra-1"
        let before = try XCTUnwrap(ready.chains.first { $0.chain == "ethereum" }?.providers.first { $0.nodesReporting == 3 })
        let downCalls = before.byNode.first { $0.node == down }?.totalCalls ?? 0
        try await cluster.setFault(.down, node: down)
        let started = Date()
        // Well inside the 60 s metrics interval: only a health round can have caused this.
        let after = try await waitFor(monitor, "the down node's figures out of the aggregate", timeout: 10) { s in
            guard s.nodes.first(where: { $0.name == down })?.state == .down,
                  let chain = s.chains.first(where: { $0.chain == "ethereum" }) else { return false }
            return chain.responding == 2
        }
        let elapsed = Date().timeIntervalSince(started)
        await monitor.stop()
        await cluster.stop()
        XCTAssertLessThan(elapsed, 10)
        let chain = try XCTUnwrap(after.chains.first { $0.chain == "ethereum" })
        let provider = try XCTUnwrap(chain.providers.first { $0.id == before.id })
        XCTAssertEqual(provider.nodesReporting, 2)
        XCTAssertEqual(provider.totalCalls, before.totalCalls - downCalls, "the down node's calls left the total")
        let staleRow = try XCTUnwrap(provider.byNode.first { $0.node == down })
        XCTAssertTrue(staleRow.stale)
        XCTAssertTrue(provider.byNode.filter { $0.node != down }.allSatisfy { !$0.stale })
    }
}
