import Foundation
import XCTest
@testable import LassoCore

/// Percentiles are labelled for what they are: a per-node provider percentile is a call-weighted estimate (never the
/// largest method's), p90 is carried to the outputs, and a slow node with few calls is shown, flagged low-sample.
final class PercentileLabelTests: XCTestCase {
    func method(_ name: String, calls: Int, p50: Double, p90: Double, p95: Double) -> MethodMetrics {
        MethodMetrics(method: name, avgLatencyMs: p50, p50: p50, p90: p90, p95: p95, p99: p95 * 1.5, successRate: 1,
                      totalCalls: calls, lastUpdated: 1)
    }

    func report(_ node: String, calls: Int, _ methods: [MethodMetrics]) -> NodeChainReport {
        NodeChainReport(node: node, metrics: MetricsResponse(
            chain: "ethereum", chainID: 1, timestamp: 1, totalCalls: calls,
            providers: [ProviderMetrics(id: "p", name: "P", score: 1, successRate: 1, totalCalls: calls, avgLatencyMs: 84)],
            methodsByProvider: [ProviderMethods(providerID: "p", providerName: "P", methods: methods)], lastUpdated: 1))
    }

    func testNodePercentileIsCallWeightedNotTheLargestMethods() throws {
        // 900 fast calls at p50 60 ms, 100 slow ones at p50 159 ms: the node's p50 is not 159 ms.
        let a = report("a", calls: 1000, [method("eth_blockNumber@http", calls: 900, p50: 60, p90: 80, p95: 90),
                                          method("eth_call@http", calls: 100, p50: 159, p90: 300, p95: 400),
                                          method("eth_unused@http", calls: 5, p50: 0, p90: 0, p95: 0)])
        let aggregate = Aggregation.aggregate(chain: "ethereum", reports: [a], totalNodes: 1)
        let node = try XCTUnwrap(aggregate.providers.first?.byNode.first)
        XCTAssertEqual(node.p50, (60 * 900 + 159 * 100) / 1000, accuracy: 1e-9)
        XCTAssertEqual(node.p95, (90 * 900 + 400 * 100) / 1000, accuracy: 1e-9)
        XCTAssertLessThan(node.p50, 159)
    }

    func testWorstNodePercentileUnderMinCallsIsShownAndFlagged() throws {
        let busy = report("a", calls: 500, [method("eth_call@http", calls: 500, p50: 40, p90: 60, p95: 70)])
        let quiet = report("b", calls: 4, [method("eth_call@http", calls: 4, p50: 600, p90: 900, p95: 950)])
        let aggregate = Aggregation.aggregate(chain: "ethereum", reports: [busy, quiet], totalNodes: 2)
        let provider = try XCTUnwrap(aggregate.providers.first)
        let row = try XCTUnwrap(provider.methods.first)
        XCTAssertEqual(row.p95, 950)
        XCTAssertEqual(row.p90, 900)
        XCTAssertEqual(row.worstNode, "b")
        XCTAssertTrue(row.lowSample)
        XCTAssertEqual(provider.p95LatencyMsMax, 950)
        XCTAssertTrue(provider.p95LowSample)
        // Averages still weigh only nodes with enough calls.
        XCTAssertEqual(row.avgLatencyMs, 40)

        let enough = Aggregation.aggregate(chain: "ethereum", reports: [busy], totalNodes: 1)
        XCTAssertFalse(try XCTUnwrap(enough.providers.first?.methods.first).lowSample)
    }

    func testSnapshotJSONCarriesP90AndLowSample() throws {
        let busy = report("a", calls: 500, [method("eth_call@http", calls: 500, p50: 40, p90: 60, p95: 70)])
        let quiet = report("b", calls: 4, [method("eth_call@http", calls: 4, p50: 600, p90: 900, p95: 950)])
        let aggregate = Aggregation.aggregate(chain: "ethereum", reports: [busy, quiet], totalNodes: 2)
        let data = try JSONEncoder().encode(AggregateJSON.Chain(aggregate))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let provider = try XCTUnwrap((object["providers"] as? [[String: Any]])?.first)
        XCTAssertEqual(provider["p95_low_sample"] as? Bool, true)
        let row = try XCTUnwrap((provider["methods"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["p90_latency_ms"] as? Double, 900)
        XCTAssertEqual(row["low_sample"] as? Bool, true)
    }
}
