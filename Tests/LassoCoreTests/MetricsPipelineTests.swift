import XCTest
@testable import LassoCore

/// The metrics path after decoding, step by step: per-node store → aggregate → history, then `ClusterFigures`.
final class MetricsPipelineTests: XCTestCase {
    func metrics(_ chain: String, _ providers: [(id: String, calls: Int, latency: Double)]) -> MetricsResponse {
        MetricsResponse(chain: chain, chainID: 1, timestamp: 0, totalCalls: 0,
                        providers: providers.map {
                            ProviderMetrics(id: $0.id, name: nil, score: 1, successRate: 1, totalCalls: $0.calls,
                                            avgLatencyMs: $0.latency)
                        },
                        lastUpdated: 1)
    }

    func ok(_ node: String, _ metrics: MetricsResponse, at: Int64, uptime: Int? = nil) -> NodeMetricsFetch {
        NodeMetricsFetch(node: node, result: .success(metrics), uptimeSeconds: uptime, atMs: at)
    }

    func failed(_ node: String, _ message: String, at: Int64) -> NodeMetricsFetch {
        NodeMetricsFetch(node: node, result: .failure(NodeFetchError(message)), uptimeSeconds: nil, atMs: at)
    }

    // MARK: ProviderKey and ProviderHistory

    func testProviderKeyTextAndOrder() {
        XCTAssertEqual(ProviderKey(chain: "eth", id: "a/b").description, "eth/a/b")
        XCTAssertNotEqual(ProviderKey(chain: "eth/a", id: "b"), ProviderKey(chain: "eth", id: "a/b"),
                          "typed keys keep chain and id apart where the text form would not")
        XCTAssertLessThan(ProviderKey(chain: "base", id: "z"), ProviderKey(chain: "eth", id: "a"))
        XCTAssertLessThan(ProviderKey(chain: "eth", id: "a"), ProviderKey(chain: "eth", id: "b"))
    }

    func testHistoryIsBoundedAndRatesOnlyWhenKnown() throws {
        var history = ProviderHistory()
        let aggregate = Aggregation.aggregate(chain: "eth", reports: [NodeChainReport(node: "A", metrics: metrics("eth", [("p", 100, 7)]))],
                                              totalNodes: 1)
        var provider = try XCTUnwrap(aggregate.providers.first)
        history.record(provider)
        XCTAssertEqual(history.latencyMs, [7])
        XCTAssertEqual(history.callsPerSecond, [], "no node rate known yet: no rate value")
        for index in 0..<(ProviderHistory.limit + 5) {
            provider.avgLatencyMs = Double(index)
            provider.callsPerSecond = Double(index) / 2
            history.record(provider)
        }
        XCTAssertEqual(history.latencyMs.count, ProviderHistory.limit)
        XCTAssertEqual(history.latencyMs.last, Double(ProviderHistory.limit + 4))
        XCTAssertEqual(history.latencyMs.first, 5, "oldest values drop first")
        XCTAssertEqual(history.callsPerSecond.count, ProviderHistory.limit)
        XCTAssertEqual(history.callsPerSecond.last, Double(ProviderHistory.limit + 4) / 2)
    }

    // MARK: NodeMetricsStore

    func testStoreTurnsCountersIntoRatesPerNode() {
        var store = NodeMetricsStore()
        let first = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 100, 10)]), at: 0),
                                                         failed("B", "HTTP 500", at: 0)])
        XCTAssertEqual(first.reports.map(\.node), ["A"])
        XCTAssertEqual(first.rates, [:], "a first answer has no rate")
        XCTAssertEqual(first.errors, ["B": "HTTP 500"])
        XCTAssertEqual(first.asked, 2)
        let second = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 400, 10)]), at: 10_000)])
        XCTAssertEqual(second.rates, ["A": ["p": 30]])
        XCTAssertEqual(store.entry(chain: "eth", node: "A")?.atMs, 10_000)
        XCTAssertEqual(store.entry(chain: "eth", node: "A")?.rates, ["p": 30])
    }

    func testFailedNodeKeepsItsLastAnswerButLeavesTheRound() {
        var store = NodeMetricsStore()
        _ = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 1, 10)]), at: 0),
                                                 ok("B", metrics("eth", [("p", 2, 20)]), at: 0)])
        let round = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 3, 10)]), at: 5_000),
                                                         failed("B", "timeout", at: 5_000)])
        XCTAssertEqual(round.reports.map(\.node), ["A"], "only this refresh's answers are aggregated")
        XCTAssertEqual(store.entry(chain: "eth", node: "B")?.atMs, 0, "B's last figures stay, with their time")
        XCTAssertEqual(store.entry(chain: "eth", node: "B")?.metrics.providers.first?.totalCalls, 2)
    }

    func testDuplicateProviderIdUsesTheFirstEntryForTheRate() {
        var store = NodeMetricsStore()
        _ = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 100, 1), ("p", 9_999, 1)]), at: 0)])
        let round = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 200, 1), ("p", 0, 1)]), at: 10_000)])
        XCTAssertEqual(round.rates["A"]?["p"], 10)
    }

    func testUptimeDropSeenOnOneChainResetsTheNodesOtherChains() {
        var store = NodeMetricsStore()
        _ = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 100, 1)]), at: 0, uptime: 500)])
        _ = store.record(chain: "base", fetches: [ok("A", metrics("base", [("q", 100, 1)]), at: 0, uptime: 500)])
        // A restarts; its eth poll sees the lower uptime first.
        let eth = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 5, 1)]), at: 10_000, uptime: 3)])
        XCTAssertEqual(eth.rates, [:])
        // base's counter has already climbed past the old value, and the uptime it sees is no lower than eth's:
        // only the shared baseline reset keeps a spiked rate out.
        let base = store.record(chain: "base", fetches: [ok("A", metrics("base", [("q", 400, 1)]), at: 10_000, uptime: 3)])
        XCTAssertEqual(base.rates, [:])
        let later = store.record(chain: "base", fetches: [ok("A", metrics("base", [("q", 500, 1)]), at: 20_000, uptime: 13)])
        XCTAssertEqual(later.rates, ["A": ["q": 10]])
    }

    func testForgetDropsEntriesAndBaselines() {
        var store = NodeMetricsStore()
        _ = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 100, 1)]), at: 0)])
        store.forget(node: "A")
        XCTAssertNil(store.entry(chain: "eth", node: "A"))
        let round = store.record(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 200, 1)]), at: 10_000)])
        XCTAssertEqual(round.rates, [:], "a re-added node starts a new baseline")
    }

    // MARK: MetricsPipeline and ChainMetrics

    func testPipelineLandsAggregateWithRatesAndHistory() throws {
        var pipeline = MetricsPipeline(totalNodes: 3)
        let first = pipeline.land(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 100, 10)]), at: 0),
                                                          ok("B", metrics("eth", [("p", 100, 30)]), at: 0)])
        XCTAssertEqual(first.aggregate.responding, 2)
        XCTAssertEqual(first.aggregate.total, 3)
        let key = ProviderKey(chain: "eth", id: "p")
        XCTAssertEqual(first.history[key]?.latencyMs, [20])
        XCTAssertEqual(first.history[key]?.callsPerSecond, [])

        let second = pipeline.land(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 200, 10)]), at: 10_000),
                                                           failed("B", "HTTP 502", at: 10_000)])
        let provider = try XCTUnwrap(second.aggregate.providers.first)
        XCTAssertEqual(provider.callsPerSecond, 10)
        XCTAssertEqual(provider.byNode.map(\.node), ["A"])
        XCTAssertEqual(second.nodeErrors, ["B": "HTTP 502"])
        XCTAssertEqual(second.history[key]?.latencyMs, [20, 10])
        XCTAssertEqual(second.history[key]?.callsPerSecond, [10])
        XCTAssertEqual(pipeline.chains["eth"], second)
    }

    func testPipelineTotalIsAtLeastTheNodesAsked() {
        var pipeline = MetricsPipeline(totalNodes: 0)
        let landed = pipeline.land(chain: "eth", fetches: [ok("A", metrics("eth", [("p", 1, 1)]), at: 0),
                                                           failed("B", "x", at: 0)])
        XCTAssertEqual(landed.aggregate.total, 2)
    }

    func testHistoryKeepsProvidersThatLeftTheChain() {
        let one = Aggregation.aggregate(chain: "eth", reports: [NodeChainReport(node: "A", metrics: metrics("eth", [("p", 10, 5), ("q", 10, 6)]))],
                                        totalNodes: 1)
        let two = Aggregation.aggregate(chain: "eth", reports: [NodeChainReport(node: "A", metrics: metrics("eth", [("p", 20, 7)]))],
                                        totalNodes: 1)
        let first = ChainMetrics.next(after: nil, aggregate: one, nodeErrors: [:])
        let second = ChainMetrics.next(after: first, aggregate: two, nodeErrors: [:])
        XCTAssertEqual(second.history[ProviderKey(chain: "eth", id: "p")]?.latencyMs, [5, 7])
        XCTAssertEqual(second.history[ProviderKey(chain: "eth", id: "q")]?.latencyMs, [6], "resumes if q comes back")
    }

    func testSnapshotHistoryColumns() {
        var withRate = ProviderHistory()
        var provider = ProviderAggregate(id: "p", name: nil, totalCalls: 1, avgLatencyMs: 4, successRate: 1, score: 0,
                                         nodesReporting: 1, coldStart: true, callsPerSecond: 2, p95LatencyMsMax: 0,
                                         p95WorstNode: nil, byNode: [], methods: [])
        withRate.record(provider)
        provider.callsPerSecond = nil
        var withoutRate = ProviderHistory()
        withoutRate.record(provider)
        let p = ProviderKey(chain: "eth", id: "p"), q = ProviderKey(chain: "eth", id: "q")
        let columns = ClusterSnapshot.historyColumns([(key: p, value: withRate), (key: q, value: withoutRate)])
        XCTAssertEqual(columns.latency, [p: [4], q: [4]])
        XCTAssertEqual(columns.rate, [p: [2]], "no rate ever known: no entry")
    }

    // MARK: ClusterFigures

    func status(_ name: String, _ state: NodeState, error: String? = nil, lastSuccess: Int64? = 1_000) -> NodeStatus {
        NodeStatus(name: name, url: "http://" + name, state: state, lastError: error,
                   lastSuccessMs: state == .pending ? nil : lastSuccess)
    }

    func testFiguresNoteMetricsErrorsOnAnsweringNodesOnly() {
        let eth = ChainMetrics(aggregate: ChainAggregate(chain: "eth", chainID: 1, responding: 1, total: 3, providers: []),
                               nodeErrors: ["A": "bad json", "B": "HTTP 500", "C": "refused"])
        let base = ChainMetrics(aggregate: ChainAggregate(chain: "base", chainID: 8453, responding: 2, total: 3, providers: []),
                                nodeErrors: ["A": "other"])
        let figures = ClusterFigures.build(
            statuses: [status("A", .up), status("B", .up, error: "own error"), status("C", .down, error: "refused")],
            chainNames: ["base", "eth"], metrics: ["eth": eth, "base": base], chainIDs: [:], expected: nil,
            nowMs: 2_000, healthIntervalMs: 2_000)
        XCTAssertEqual(figures.nodes.map(\.lastError), ["metrics base: other", "own error", "refused"],
                       "first chain in display order; a node's own error wins; a down node keeps its health error")
        XCTAssertEqual(figures.nodes.map(\.state), [.up, .up, .down])
        XCTAssertEqual(figures.coverage.responding, 2)
        XCTAssertEqual(figures.coverage.total, 3)
    }

    func testFiguresChainsInDisplayOrderWithTotalsRaisedToCoverage() {
        let eth = ChainMetrics(aggregate: ChainAggregate(chain: "eth", chainID: 1, responding: 1, total: 1, providers: []))
        let figures = ClusterFigures.build(statuses: [status("A", .up), status("B", .pending)], chainNames: ["eth", "base"],
                                           metrics: ["eth": eth], chainIDs: ["base": 8453], expected: 4,
                                           nowMs: 2_000, healthIntervalMs: 2_000)
        XCTAssertEqual(figures.chains.map(\.chain), ["eth", "base"])
        XCTAssertEqual(figures.chains.map(\.total), [4, 4])
        XCTAssertEqual(figures.chains[0].responding, 1)
        XCTAssertEqual(figures.chains[1], ChainAggregate(chain: "base", chainID: 8453, responding: 0, total: 4, providers: []),
                       "a chain without metrics yet is an empty aggregate")
    }

    func testAlertSampleReadsTheFigures() {
        let figures = ClusterFigures.build(statuses: [status("A", .up), status("B", .down, error: "x")], chainNames: [],
                                           metrics: [:], chainIDs: [:], expected: 3, nowMs: 2_000, healthIntervalMs: 2_000)
        let sample = figures.alertSample(nowMs: 5_000, cache: CacheStats(hits: 3, misses: 1), eventRate: 12, polls: [])
        XCTAssertEqual(sample.nowMs, 5_000)
        XCTAssertEqual(sample.respondingNodes, 1)
        XCTAssertEqual(sample.expectedNodes, 3)
        XCTAssertEqual(sample.cacheHitRate, 0.75)
        XCTAssertEqual(sample.eventRate, 12)
    }
}
