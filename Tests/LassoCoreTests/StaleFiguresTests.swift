import Foundation
import XCTest
@testable import LassoCore

/// The stale rule: once a node stops answering its health poll, its metrics leave the aggregate at the next
/// publish (not at the next metrics refresh, up to 15 s later), its last rows stay visible marked stale, and the
/// nodes-reporting count says so.
final class StaleFiguresTests: XCTestCase {
    func metrics(calls: Int, latency: Double) -> MetricsResponse {
        MetricsResponse(chain: "ethereum", chainID: 1, timestamp: 1, totalCalls: calls,
                        providers: [ProviderMetrics(id: "alchemy", name: "Alchemy", score: 2, successRate: 1,
                                                    totalCalls: calls, avgLatencyMs: latency)],
                        lastUpdated: 1)
    }

    func status(_ name: String, _ state: NodeState) -> NodeStatus {
        NodeStatus(name: name, url: "http://" + name, state: state, lastSuccessMs: 1_000)
    }

    func figures(_ states: [NodeState]) -> ClusterFigures {
        var pipeline = MetricsPipeline(totalNodes: 3)
        let chain = pipeline.land(chain: "ethereum", fetches: [
            NodeMetricsFetch(node: "iad", result: .success(metrics(calls: 100, latency: 50)), uptimeSeconds: 10, atMs: 1_000),
            NodeMetricsFetch(node: "fra", result: .success(metrics(calls: 100, latency: 50)), uptimeSeconds: 10, atMs: 1_000),
            NodeMetricsFetch(node: "sin", result: .success(metrics(calls: 300, latency: 950)), uptimeSeconds: 10, atMs: 1_000),
        ])
        let statuses = zip(["iad", "fra", "sin"], states).map { status($0, $1) }
        return ClusterFigures.build(statuses: statuses, chainNames: ["ethereum"], metrics: ["ethereum": chain], chainIDs: [:],
                                    expected: nil, nowMs: 3_000, healthIntervalMs: 2_000)
    }

    func testDownNodesFiguresLeaveTheAggregateAtTheNextHealthRound() throws {
        let before = try XCTUnwrap(figures([.up, .up, .up]).chains.first)
        XCTAssertEqual(before.responding, 3)
        XCTAssertEqual(before.providers.first?.totalCalls, 500)

        for state in [NodeState.down, .bad, .stale] {
            let chain = try XCTUnwrap(figures([.up, .up, state]).chains.first)
            XCTAssertEqual(chain.responding, 2, "\(state): nodes reporting says the down node is out")
            XCTAssertEqual(chain.total, 3)
            let provider = try XCTUnwrap(chain.providers.first)
            XCTAssertEqual(provider.totalCalls, 200, "\(state)")
            XCTAssertEqual(provider.avgLatencyMs, 50, accuracy: 1e-9, "\(state): the down node's 950 ms is not averaged in")
            XCTAssertEqual(provider.nodesReporting, 2)
            let sin = try XCTUnwrap(provider.byNode.first { $0.node == "sin" })
            XCTAssertTrue(sin.stale, "the last figures stay visible, marked")
            XCTAssertEqual(sin.totalCalls, 300)
            XCTAssertFalse(provider.byNode.filter { $0.node != "sin" }.contains { $0.stale })
        }
    }

    func testSnapshotJSONMarksStaleRows() throws {
        let chain = try XCTUnwrap(figures([.up, .up, .down]).chains.first)
        let data = try JSONEncoder().encode(AggregateJSON.Chain(chain))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let rows = try XCTUnwrap(((object["providers"] as? [[String: Any]])?.first?["by_node"]) as? [[String: Any]])
        XCTAssertEqual(rows.first { $0["node"] as? String == "sin" }?["stale"] as? Bool, true)
        XCTAssertEqual(rows.first { $0["node"] as? String == "iad" }?["stale"] as? Bool, false)
        XCTAssertEqual((object["coverage"] as? [String: Any])?["responding"] as? Int, 2)
    }

    func testProviderOnlyTheDownNodeReportedLeavesTheList() throws {
        var pipeline = MetricsPipeline(totalNodes: 2)
        var only = metrics(calls: 50, latency: 10)
        only.providers.append(ProviderMetrics(id: "solo", name: "Solo", score: 1, successRate: 1, totalCalls: 50, avgLatencyMs: 10))
        let chain = pipeline.land(chain: "ethereum", fetches: [
            NodeMetricsFetch(node: "iad", result: .success(metrics(calls: 100, latency: 50)), uptimeSeconds: 10, atMs: 1_000),
            NodeMetricsFetch(node: "sin", result: .success(only), uptimeSeconds: 10, atMs: 1_000),
        ])
        XCTAssertEqual(chain.aggregate.providers.map(\.id).sorted(), ["alchemy", "solo"])
        let figures = ClusterFigures.build(statuses: [status("iad", .up), status("sin", .down)], chainNames: ["ethereum"],
                                           metrics: ["ethereum": chain], chainIDs: [:], expected: nil, nowMs: 3_000,
                                           healthIntervalMs: 2_000)
        XCTAssertEqual(figures.chains.first?.providers.map(\.id), ["alchemy"])
    }
}
