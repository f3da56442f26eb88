import XCTest
@testable import LassoCore

/// Vectors from docs/lasso-compat.md §3 (Lasso's MetricsStore tests and derived values).
final class AggregationTests: XCTestCase {
    func provider(_ id: String, calls: Int, latency: Double = 100, success: Double = 1, score: Double = 1) -> ProviderMetrics {
        ProviderMetrics(id: id, name: nil, score: score, successRate: success, totalCalls: calls, avgLatencyMs: latency)
    }

    func report(_ node: String, _ providers: [ProviderMetrics], methods: [ProviderMethods] = []) -> NodeChainReport {
        NodeChainReport(node: node, metrics: MetricsResponse(chain: "ethereum", chainID: 1, timestamp: 0, totalCalls: 0,
                                                            providers: providers, methodsByProvider: methods, lastUpdated: 1))
    }

    func aggregate(_ reports: [NodeChainReport], total: Int = 3) -> ChainAggregate {
        Aggregation.aggregate(chain: "ethereum", reports: reports, totalNodes: total)
    }

    func testSeedWeightedLatency() throws {
        let result = aggregate([report("A", [provider("alchemy", calls: 1000, latency: 100)]),
                                report("B", [provider("alchemy", calls: 100, latency: 200)])])
        let alchemy = try XCTUnwrap(result.providers.first)
        XCTAssertEqual(alchemy.totalCalls, 1100)
        XCTAssertEqual(alchemy.avgLatencyMs, 109.0909, accuracy: 0.0001)
        XCTAssertEqual(alchemy.nodesReporting, 2)
        XCTAssertFalse(alchemy.coldStart)
    }

    func testNodeBelowMinCallsCountsInTotalButNotInAverage() throws {
        let result = aggregate([report("A", [provider("alchemy", calls: 1000, latency: 100)]),
                                report("B", [provider("alchemy", calls: 100, latency: 200)]),
                                report("C", [provider("alchemy", calls: 5, latency: 500)])])
        let alchemy = try XCTUnwrap(result.providers.first)
        XCTAssertEqual(alchemy.totalCalls, 1105)
        XCTAssertEqual(alchemy.avgLatencyMs, 109.0909, accuracy: 0.0001)
        XCTAssertEqual(alchemy.nodesReporting, 3)
        XCTAssertEqual(alchemy.byNode.map(\.node), ["A", "B", "C"])
        XCTAssertEqual(alchemy.byNode[2].avgLatencyMs, 500)
    }

    func testDerivedVectorWithFiveCallNode() throws {
        let result = aggregate([report("A", [provider("p", calls: 1000, latency: 100)]),
                                report("B", [provider("p", calls: 5, latency: 500)])])
        XCTAssertEqual(result.providers[0].avgLatencyMs, 100.0, accuracy: 1e-9)
        XCTAssertEqual(result.providers[0].nodesReporting, 2)
    }

    func testColdStartSingleNodeFiveCalls() throws {
        let result = aggregate([report("A", [provider("p", calls: 5, latency: 80, success: 0.8, score: 80)])])
        let p = try XCTUnwrap(result.providers.first)
        XCTAssertTrue(p.coldStart)
        XCTAssertEqual(p.score, 0)
        XCTAssertEqual(p.totalCalls, 5)
        XCTAssertEqual(p.avgLatencyMs, 80)
        XCTAssertEqual(p.successRate, 0.8)
    }

    func testColdStartWeightsOverAllReportingNodes() throws {
        let result = aggregate([report("A", [provider("p", calls: 3, latency: 100)]),
                                report("B", [provider("p", calls: 1, latency: 300)])])
        XCTAssertEqual(result.providers[0].avgLatencyMs, 150, accuracy: 1e-9)
        XCTAssertTrue(result.providers[0].coldStart)
    }

    func testSuccessRateWeighted() throws {
        let result = aggregate([report("A", [provider("p", calls: 100, success: 0.90)]),
                                report("B", [provider("p", calls: 200, success: 0.98)])])
        XCTAssertEqual(result.providers[0].successRate, 0.95333, accuracy: 0.00001)
        XCTAssertEqual(result.providers[0].totalCalls, 300)
    }

    func testScoreWeightedAndSorted() throws {
        let result = aggregate([report("us-east", [provider("a", calls: 100, score: 80), provider("b", calls: 100, score: 60)]),
                                report("eu-west", [provider("a", calls: 100, score: 90), provider("c", calls: 100, score: 70)])])
        XCTAssertEqual(result.providers.map(\.id), ["a", "c", "b"])
        XCTAssertEqual(result.providers[0].score, 85.0, accuracy: 1e-9)
        XCTAssertEqual(result.providers[0].nodesReporting, 2)
        XCTAssertEqual(result.providers[0].totalCalls, 200)
        XCTAssertEqual(result.providers[1].score, 70.0)
        XCTAssertEqual(result.providers[2].score, 60.0)
    }

    func testAggregateProviderEntriesVector() throws {
        let result = aggregate([report("A", [provider("p", calls: 100, latency: 50, success: 0.95, score: 90)]),
                                report("B", [provider("p", calls: 100, latency: 60, success: 0.85, score: 80)])])
        XCTAssertEqual(result.providers[0].score, 85.0, accuracy: 1e-9)
        XCTAssertEqual(result.providers[0].successRate, 0.90, accuracy: 1e-9)
        XCTAssertEqual(result.providers[0].avgLatencyMs, 55.0, accuracy: 1e-9)
    }

    func testEmptyInputs() {
        XCTAssertTrue(aggregate([]).providers.isEmpty)
        XCTAssertTrue(aggregate([report("A", []), report("B", [])]).providers.isEmpty)
        XCTAssertEqual(aggregate([report("A", [])], total: 3).responding, 1)
        XCTAssertEqual(aggregate([report("A", [])], total: 3).total, 3)
    }

    func testWeightedAverageVectors() {
        XCTAssertEqual(Aggregation.weightedAverage([(90, 100), (80, 200), (70, 100)]), 80.0)
        XCTAssertEqual(Aggregation.weightedAverage([]), 0.0)
        XCTAssertEqual(Aggregation.weightedAverage([(120, 50)]), 120.0)
        XCTAssertEqual(Aggregation.weightedAverage([(0, 100), (80, 100)]), 40.0)
        XCTAssertEqual(Aggregation.weightedAverage([(50, 0), (60, 0)]), 0.0)
        XCTAssertFalse(Aggregation.weightedAverage([(50, 0)]).isNaN)
    }

    func testScoreFormulaVectors() {
        XCTAssertEqual(Aggregation.score(successRate: 0.95, avgLatencyMs: 50, calls: 100), 1.8095, accuracy: 0.0001)
        XCTAssertEqual(Aggregation.score(successRate: 1.0, avgLatencyMs: 100, calls: 1000), 2.7273, accuracy: 0.0001)
        XCTAssertEqual(Aggregation.score(successRate: 1.0, avgLatencyMs: 0, calls: 10), 1.0, accuracy: 1e-9)
        XCTAssertEqual(Aggregation.score(successRate: 1.0, avgLatencyMs: 10, calls: 1), 0.0)
    }

    func method(_ name: String, calls: Int, avg: Double = 50, success: Double = 1, p50: Double, p95: Double, p99: Double) -> MethodMetrics {
        MethodMetrics(method: name, avgLatencyMs: avg, p50: p50, p90: p95, p95: p95, p99: p99, successRate: success,
                      totalCalls: calls, lastUpdated: 1)
    }

    func testMethodPercentilesAreWorstNodeNotAveraged() throws {
        let a = report("A", [provider("p1", calls: 100)],
                       methods: [ProviderMethods(providerID: "p1", providerName: nil,
                                                 methods: [method("eth_call@http", calls: 100, avg: 50, success: 0.90, p50: 45, p95: 80, p99: 120)])])
        let b = report("B", [provider("p1", calls: 200)],
                       methods: [ProviderMethods(providerID: "p1", providerName: nil,
                                                 methods: [method("eth_call@http", calls: 200, avg: 60, success: 0.98, p50: 55, p95: 90, p99: 140)])])
        let result = aggregate([a, b])
        let m = try XCTUnwrap(result.providers.first?.methods.first)
        XCTAssertEqual(m.totalCalls, 300)
        XCTAssertEqual(try XCTUnwrap(m.avgLatencyMs), 56.667, accuracy: 0.001)
        XCTAssertEqual(try XCTUnwrap(m.successRate), 0.95333, accuracy: 0.00001)
        XCTAssertEqual(m.p50, 55)
        XCTAssertEqual(m.p95, 90)
        XCTAssertEqual(m.p99, 140)
        XCTAssertEqual(m.worstNode, "B")
        XCTAssertEqual(m.byNode.count, 2)
        XCTAssertEqual(result.providers[0].p95LatencyMsMax, 90)
        XCTAssertEqual(result.providers[0].p95WorstNode, "B")
        // The worst node by p95 wins even when it is the smaller one.
        let c = report("C", [provider("p1", calls: 50)],
                       methods: [ProviderMethods(providerID: "p1", providerName: nil,
                                                 methods: [method("eth_call@http", calls: 50, p50: 30, p95: 400, p99: 500)])])
        let worst = try XCTUnwrap(aggregate([a, b, c]).providers.first?.methods.first)
        XCTAssertEqual(worst.p95, 400)
        XCTAssertEqual(worst.worstNode, "C")
    }

    func testSeparateMethodRowsStaySeparate() throws {
        let a = report("A", [provider("p1", calls: 100)],
                       methods: [ProviderMethods(providerID: "p1", providerName: nil, methods: [
                        method("eth_call@http", calls: 60, p50: 1, p95: 2, p99: 3),
                        method("eth_call@ws", calls: 30, p50: 1, p95: 2, p99: 3),
                        method("eth_blockNumber@http", calls: 10, p50: 1, p95: 2, p99: 3)])])
        let methods = try XCTUnwrap(aggregate([a]).providers.first?.methods)
        XCTAssertEqual(methods.map(\.method), ["eth_call@http", "eth_call@ws", "eth_blockNumber@http"])
    }

    func testDuplicateProviderIDInOneResponseCountsOnce() throws {
        let result = aggregate([report("A", [provider("p", calls: 100, latency: 10), provider("p", calls: 999, latency: 999)])])
        XCTAssertEqual(result.providers.count, 1)
        XCTAssertEqual(result.providers[0].totalCalls, 100)
    }

    func testNameTakenFromAnyNode() throws {
        var named = provider("p", calls: 100)
        named.name = "Provider P"
        let result = aggregate([report("A", [provider("p", calls: 100)]), report("B", [named])])
        XCTAssertEqual(result.providers[0].displayName, "Provider P")
    }

    func testRatesSumPerProvider() throws {
        let result = Aggregation.aggregate(chain: "ethereum",
                                           reports: [report("A", [provider("p", calls: 100)]), report("B", [provider("p", calls: 100)])],
                                           totalNodes: 2, rates: ["A": ["p": 2.5], "B": ["p": 1.5]])
        XCTAssertEqual(result.providers[0].callsPerSecond, 4.0)
        XCTAssertEqual(result.providers[0].byNode[0].callsPerSecond, 2.5)
        let unknown = aggregate([report("A", [provider("p", calls: 100)])])
        XCTAssertNil(unknown.providers[0].callsPerSecond)
    }
}
