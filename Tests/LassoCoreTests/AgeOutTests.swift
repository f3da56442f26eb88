import XCTest
@testable import LassoCore

/// Provider ids that change on every poll once grew memory without bound (48 → 115 MB in 15 minutes): each new id
/// left a rate baseline and a history behind for good. What is no longer reported now ages out.
final class AgeOutTests: XCTestCase {
    private func fetch(_ node: String, chain: String, ids: [String], calls: Int, at: Int64) -> NodeMetricsFetch {
        let metrics = MetricsResponse(chain: chain, chainID: 1, timestamp: 0, totalCalls: 0,
                                      providers: ids.map {
                                          ProviderMetrics(id: $0, name: nil, score: 1, successRate: 1, totalCalls: calls,
                                                          avgLatencyMs: 50)
                                      }, lastUpdated: 1)
        return NodeMetricsFetch(node: node, result: .success(metrics), uptimeSeconds: 100, atMs: at)
    }

    func testProviderIDsChangingEveryPollStayBounded() {
        var pipeline = MetricsPipeline(totalNodes: 2)
        var latest: ChainMetrics?
        for round in 0..<1_000 {
            let ids = (0..<10).map { "p\(round)-\($0)" }   // ten new ids every refresh, none ever seen again
            latest = pipeline.land(chain: "ethereum", fetches: [
                fetch("a", chain: "ethereum", ids: ids, calls: round * 10, at: Int64(round) * 15_000),
                fetch("b", chain: "ethereum", ids: ids, calls: round * 10, at: Int64(round) * 15_000),
            ])
        }
        // Baselines: only the ids of the latest poll, per node.
        XCTAssertEqual(pipeline.store.baselineCount, 2 * 10)
        // History: the current ids plus those missed for fewer than ProviderHistory.limit refreshes.
        XCTAssertLessThanOrEqual(latest?.history.count ?? .max, 10 * ProviderHistory.limit)
        XCTAssertEqual(latest?.aggregate.providers.count, 10)
    }

    func testStableProvidersKeepTheirHistoryAndOtherChainsKeepTheirBaselines() {
        var pipeline = MetricsPipeline(totalNodes: 1)
        var ethereum: ChainMetrics?
        for round in 0..<100 {
            ethereum = pipeline.land(chain: "ethereum", fetches: [
                fetch("a", chain: "ethereum", ids: ["stable", "other\(round)"], calls: round * 10, at: Int64(round) * 15_000)])
            _ = pipeline.land(chain: "base", fetches: [
                fetch("a", chain: "base", ids: ["b1", "b2"], calls: round * 10, at: Int64(round) * 15_000)])
        }
        let stable = ethereum?.history[ProviderKey(chain: "ethereum", id: "stable")]
        XCTAssertEqual(stable?.latencyMs.count, ProviderHistory.limit, "a provider listed every time keeps a full history")
        XCTAssertEqual(stable?.callsPerSecond.last, 10.0 / 15, "its rate baseline survived the other chain's polls")
        XCTAssertEqual(pipeline.store.baselineCount, 2 + 2, "ethereum's two current ids and base's two")
    }

    /// Chain names that change on every list: each refresh lands a new chain, and the monitor retains only the
    /// listed ones (`ClusterMonitor.refreshChainList`), so figures, answers and baselines stay at one chain's worth.
    func testChainsNoLongerListedAreForgotten() {
        var pipeline = MetricsPipeline(totalNodes: 1)
        for round in 0..<500 {
            let chain = "chain-\(round)"
            _ = pipeline.land(chain: chain, fetches: [fetch("a", chain: chain, ids: ["p1", "p2"], calls: round, at: Int64(round) * 1_000)])
            pipeline.retain(chains: [chain])
        }
        XCTAssertEqual(Array(pipeline.chains.keys), ["chain-499"])
        XCTAssertEqual(pipeline.store.baselineCount, 2)
        XCTAssertNotNil(pipeline.store.entry(chain: "chain-499", node: "a"))
        XCTAssertNil(pipeline.store.entry(chain: "chain-498", node: "a"))
    }

    func testAnOutageAgesNothing() {
        var pipeline = MetricsPipeline(totalNodes: 1)
        _ = pipeline.land(chain: "ethereum", fetches: [fetch("a", chain: "ethereum", ids: ["p"], calls: 1, at: 0)])
        var metrics: ChainMetrics?
        for round in 1...(2 * ProviderHistory.limit) {
            metrics = pipeline.land(chain: "ethereum", fetches: [
                NodeMetricsFetch(node: "a", result: .failure(NodeFetchError("down")), uptimeSeconds: nil, atMs: Int64(round) * 15_000)])
        }
        XCTAssertNotNil(metrics?.history[ProviderKey(chain: "ethereum", id: "p")], "no node answered: the sparkline stays")
    }
}
