import Foundation
import LassoCore
import LassoDemo
import Synchronization
import XCTest
@testable import LassoClient
import LassoTestSupport

/// Polling over real HTTP: the demo cluster on 127.0.0.1, the real monitor, faults injected at runtime.
final class FetchIntegrationTests: XCTestCase {
    var cluster: DemoCluster!

    override func setUp() async throws {
        cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 7, eventRate: 400, slowDelay: .seconds(20)))
        try await cluster.start()
    }

    override func tearDown() async throws {
        await cluster.stop()
    }

    func targets() -> [NodeTarget] { cluster.targets }

    func config(healthMs: Int64 = 500, metricsMs: Int64 = 1_000, timeout: Duration = .seconds(1)) -> MonitorConfig {
        MonitorConfig(targets: targets(), healthIntervalMs: healthMs, metricsIntervalMs: metricsMs,
                      http: HTTPOptions(timeout: timeout))
    }

    func providersAggregated(_ s: ClusterSnapshot, from nodes: Int) -> Bool {
        guard let chain = s.chains.first(where: { $0.chain == "ethereum" }), chain.responding == nodes else { return false }
        return !chain.providers.isEmpty && chain.providers.allSatisfy { $0.nodesReporting == nodes }
    }

    /// The snapshot's history columns are kept between landings, not frozen: each metrics refresh that lands adds
    /// its point to a provider's latency column.
    func testHistoryColumnsGrowWithEachLanding() async throws {
        let monitor = try ClusterMonitor(config: config())
        await monitor.start()
        defer { Task { await monitor.stop() } }
        let first = try await waitFor(monitor, "a latency history") { !$0.latencyHistory.isEmpty }
        let key = try XCTUnwrap(first.latencyHistory.keys.sorted { "\($0)" < "\($1)" }.first)
        let points = first.latencyHistory[key]?.count ?? 0
        try await waitFor(monitor, "two more points for \(key)", timeout: 15) { ($0.latencyHistory[key]?.count ?? 0) >= points + 2 }
    }

    /// Every node's body is read with the monitor's one `NameTable`: the reports the aggregation gets hold one
    /// `String` per method name and provider id for all nodes (docs/performance.md, "Aggregation").
    func testReportsOfAllNodesShareTheirNames() async throws {
        let monitor = try ClusterMonitor(config: config())
        await monitor.start()
        defer { Task { await monitor.stop() } }
        _ = try await waitFor(monitor, "providers from 3 nodes") { self.providersAggregated($0, from: 3) }
        let entry = await monitor.cache.get("ethereum").entry
        let reports = try XCTUnwrap(entry?.value.round?.reports)
        XCTAssertEqual(reports.count, 3)
        func storage(_ text: String) -> UnsafeRawPointer? {
            text.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress!) }
        }
        func names(_ report: NodeChainReport) -> [String] {
            report.metrics.methodsByProvider.flatMap { [$0.providerID] + $0.methods.map(\.method) }.filter { $0.utf8.count > 15 }
        }
        // Each node lists its own methods per provider, so compare by name: every copy of a name is one String.
        var seen: [String: UnsafeRawPointer?] = [:]
        var compared = 0
        for report in reports {
            for name in names(report) {
                if let first = seen[name] {
                    XCTAssertEqual(storage(name), first, "\(name) on \(report.node)")
                    compared += 1
                } else {
                    seen[name] = storage(name)
                }
            }
        }
        XCTAssertGreaterThan(compared, 20, "names long enough to live on the heap, seen on more than one node")
    }

    func testStopOneNodeThenBringItBack() async throws {
        let monitor = try ClusterMonitor(config: config())
        await monitor.start()
        defer { Task { await monitor.stop() } }
        _ = try await waitFor(monitor, "3/3 with providers from 3 nodes") { s in
            s.coverage.responding == 3 && self.providersAggregated(s, from: 3)
        }
        try await cluster.setFault(.down, node: "fra-1")
        let degraded = try await waitFor(monitor, "2/3 degraded with providers from 2 nodes") { s in
            s.coverage.responding == 2 && self.providersAggregated(s, from: 2)
        }
        XCTAssertEqual(degraded.coverage.total, 3)
        XCTAssertEqual(degraded.coverage.status, .degraded)
        XCTAssertTrue(degraded.coverage.quorum)
        let fra = try XCTUnwrap(degraded.nodes.first { $0.name == "fra-1" })
        XCTAssertEqual(fra.state, .down)
        XCTAssertNotNil(fra.lastError)
        XCTAssertTrue(degraded.nodes.filter { $0.name != "fra-1" }.allSatisfy { $0.state == .up })

        try await cluster.setFault(.ok, node: "fra-1")
        let back = Date()
        let healthy = try await waitFor(monitor, "3/3 again", timeout: 5) { $0.coverage.responding == 3 }
        let elapsed = Date().timeIntervalSince(back)
        // Within 2 health intervals (1 s), plus one connect-timeout of slack for a poll already in flight.
        XCTAssertLessThanOrEqual(elapsed, 1.0 + 1.2, "node came back after \(elapsed)s")
        XCTAssertEqual(healthy.coverage.status, .healthy)
        XCTAssertGreaterThanOrEqual(healthy.nodes.first { $0.name == "fra-1" }?.flaps ?? 0, 2)
    }

    func testSlowNodeTimesOutWithoutDelayingOthers() async throws {
        try await cluster.setFault(.slow, node: "sin-1")
        let monitor = try ClusterMonitor(config: config(timeout: .milliseconds(800)))
        let started = Date()
        let snapshot = await monitor.collectOnce()
        let elapsed = Date().timeIntervalSince(started)
        await monitor.stop()
        // One round is health + chains + metrics + events; each step bounded by the timeout.
        XCTAssertLessThan(elapsed, 4 * 0.8 + 1.5, "a slow node must not hold the round past the timeouts")
        let sin = try XCTUnwrap(snapshot.nodes.first { $0.name == "sin-1" })
        XCTAssertEqual(sin.state, .down)
        XCTAssertTrue(sin.lastError?.contains("timeout") ?? false, "\(sin.lastError ?? "nil")")
        XCTAssertEqual(snapshot.coverage.responding, 2)
        let ethereum = try XCTUnwrap(snapshot.chains.first { $0.chain == "ethereum" })
        XCTAssertEqual(ethereum.responding, 2)
        XCTAssertFalse(ethereum.providers.isEmpty)
    }

    func testGarbageAndErrorPagesAreBadWithMessage() async throws {
        try await cluster.setFault(.garbage, node: "iad-1")
        try await cluster.setFault(.error500, node: "fra-1")
        let monitor = try ClusterMonitor(config: config())
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        let iad = try XCTUnwrap(snapshot.nodes.first { $0.name == "iad-1" })
        let fra = try XCTUnwrap(snapshot.nodes.first { $0.name == "fra-1" })
        XCTAssertEqual(iad.state, .bad)
        XCTAssertTrue(iad.lastError?.contains("/api/health") ?? false, "\(iad.lastError ?? "nil")")
        XCTAssertEqual(fra.state, .bad)
        XCTAssertEqual(fra.lastError, "HTTP 500 (HTML page)")
        XCTAssertEqual(snapshot.coverage.responding, 1)
        XCTAssertEqual(snapshot.coverage.status, .degraded)
        XCTAssertFalse(snapshot.coverage.quorum)
    }

    func testCacheSingleFlightUnderFiftyConcurrentCallers() async throws {
        let hits = Locked<[String: Int]>([:])
        let maxPending = Locked(0)
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        let nodes = targets()
        let pipeline = SharedMetricsPipeline(MetricsPipeline(totalNodes: nodes.count))
        let cache = ChainMetricsCache(ttlMs: 60_000, now: { Int64(Date().timeIntervalSince1970 * 1000) }, fetch: { chain in
            await withTaskGroup(of: NodeMetricsFetch.self) { group in
                for node in nodes {
                    group.addTask {
                        hits.withLock { $0[node.name, default: 0] += 1 }
                        let result = await http.get(node.url + "/api/metrics/" + chain)
                        guard case .ok(let body, _) = result, let metrics = try? MetricsResponse.decode(body) else {
                            return NodeMetricsFetch(node: node.name, result: .failure(NodeFetchError("failed")), uptimeSeconds: nil, atMs: 0)
                        }
                        return NodeMetricsFetch(node: node.name, result: .success(metrics), uptimeSeconds: nil, atMs: 0)
                    }
                }
                var all: [NodeMetricsFetch] = []
                for await fetch in group { all.append(fetch) }
                return all
            }
        }, land: { pipeline.land(chain: $0, fetches: $1) })
        let results = await withTaskGroup(of: ChainMetricsCache.Lookup.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let lookup = await cache.get("ethereum", wait: true)
                    let pending = await cache.stats().pendingRefreshes
                    maxPending.withLock { $0 = max($0, pending) }
                    return lookup
                }
            }
            var all: [ChainMetricsCache.Lookup] = []
            for await lookup in group { all.append(lookup) }
            return all
        }
        await http.shutdown()
        XCTAssertEqual(results.count, 50)
        XCTAssertTrue(results.allSatisfy { $0.entry?.value.aggregate.responding == 3 }, "every caller gets the aggregated result")
        XCTAssertEqual(hits.withLock { $0 }, ["iad-1": 1, "fra-1": 1, "sin-1": 1], "each node's metrics endpoint hit exactly once")
        XCTAssertLessThanOrEqual(maxPending.withLock { $0 }, 1)
        let stats = await cache.stats()
        XCTAssertEqual(stats.entries, 1)
        XCTAssertEqual(stats.pendingRefreshes, 0)
        XCTAssertEqual(stats.misses + stats.hits, 50)
        XCTAssertEqual(stats.waitingCallers, 0)
    }

    func testGenerationBumpDiscardsOlderResults() async throws {
        let release = Locked<CheckedContinuation<Void, Never>?>(nil)
        let pipeline = SharedMetricsPipeline(MetricsPipeline())
        let cache = ChainMetricsCache(ttlMs: 60_000, now: { 0 }, fetch: { _ in
            await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
            return [NodeMetricsFetch(node: "a", result: .success(MetricsResponse(chain: "x", chainID: 1, timestamp: 0, totalCalls: 0,
                                                                                 providers: [], lastUpdated: 1)),
                                     uptimeSeconds: nil, atMs: 0)]
        }, land: { pipeline.land(chain: $0, fetches: $1) })
        let task = await cache.refresh("x")
        while release.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        await cache.invalidateAll()
        release.withLock { $0?.resume() }
        let entry = await task.value
        XCTAssertNil(entry, "a result from before the node set changed must not land")
        XCTAssertTrue(pipeline.current().chains.isEmpty, "nor reach the aggregation and its history")
        let stats = await cache.stats()
        XCTAssertEqual(stats.entries, 0)
    }

    func testDiscoveryAddsAndRemovesNodes() async throws {
        let port = cluster.nodes[0].port
        let records = Locked<[String]>(["127.0.0.1"])
        struct FakeResolver: AddressResolver {
            let records: @Sendable () -> [String]
            func resolve(host: String) async throws -> [String] { records() }
        }
        let resolver = FakeResolver { records.withLock { $0 } }
        var config = MonitorConfig(discovery: DiscoverySpec(host: "lasso.internal", port: port), healthIntervalMs: 300,
                                   metricsIntervalMs: 1_000, http: HTTPOptions(timeout: .milliseconds(500)))
        config.expected = nil
        let monitor = try ClusterMonitor(config: config, resolver: resolver)
        await monitor.start()
        defer { Task { await monitor.stop() } }
        let first = try await waitFor(monitor, "one discovered node up") { $0.nodes.count == 1 && $0.coverage.responding == 1 }
        XCTAssertEqual(first.nodes[0].name, "127.0.0.1:\(port)")
        records.withLock { $0 = ["127.0.0.1", "127.0.0.2"] }
        _ = try await waitFor(monitor, "second address added") { $0.nodes.count == 2 }
        records.withLock { $0 = ["127.0.0.2"] }
        let after = try await waitFor(monitor, "first address removed") { $0.nodes.map(\.name) == ["127.0.0.2:\(port)"] }
        XCTAssertEqual(after.coverage.total, 1)
    }

    func testDiscoveryWithRealLookupOfLocalhost() async throws {
        let port = cluster.nodes[1].port
        let monitor = try ClusterMonitor(config: MonitorConfig(discovery: DiscoverySpec(host: "localhost", port: port),
                                                               http: HTTPOptions(timeout: .seconds(1))))
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        XCTAssertTrue(snapshot.nodes.contains { $0.name == "127.0.0.1:\(port)" && $0.state == .up },
                      "\(snapshot.nodes.map { "\($0.name)=\($0.state)" })")
    }

    func testSnapshotJSONValidatesAgainstDocumentedSchema() async throws {
        try await cluster.setFault(.down, node: "sin-1")
        // The round's events must have something to show: wait until the first node holds decisions (not a fixed time).
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        try await eventually(10, "iad-1 never held an event") {
            guard case .ok(let body, _) = await http.get(cluster.targets[0].url + "/api/events?since=0&limit=5"),
                  let page = try? EventsPage.decode(body) else { return false }
            return !page.events.isEmpty
        }
        await http.shutdown()
        let monitor = try ClusterMonitor(config: config())
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        let data = try SnapshotDocument(snapshot: snapshot).json()
        let value = try JSONDecoder().decode(JSONValue.self, from: data)
        let problems = SchemaValidator.validate(value, schema: try SchemaValidator.loadSchema())
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
        XCTAssertEqual(value["schema"]?.string, "lassotop.snapshot/2")
        XCTAssertEqual(value["coverage"]?["responding"]?.int, 2)
        XCTAssertEqual(value["nodes"]?.array?.count, 3)
        XCTAssertFalse(value["events"]?.array?.isEmpty ?? true, "one events page per node is part of the round")
        // The schema check must be able to fail: a document missing a required field is rejected.
        var broken = value
        if case .object(var object) = broken { object["coverage"] = .object([:]); broken = .object(object) }
        XCTAssertFalse(SchemaValidator.validate(broken, schema: try SchemaValidator.loadSchema()).isEmpty)
    }

    func testRestartGivesNoNegativeRates() async throws {
        let monitor = try ClusterMonitor(config: config(healthMs: 300, metricsMs: 600))
        await monitor.start()
        defer { Task { await monitor.stop() } }
        _ = try await waitFor(monitor, "rates known") { s in
            s.chains.first { $0.chain == "ethereum" }?.providers.contains { $0.callsPerSecond != nil } ?? false
        }
        try await cluster.setFault(.restart, node: "iad-1")
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline {
            let s = monitor.latestSnapshot()
            for chain in s.chains {
                for provider in chain.providers {
                    XCTAssertGreaterThanOrEqual(provider.callsPerSecond ?? 0, 0)
                    for node in provider.byNode { XCTAssertGreaterThanOrEqual(node.callsPerSecond ?? 0, 0) }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Alerts (docs/alerts.md) over real HTTP: a node down longer than a shortened duration fires the coverage alert, and recovery
/// resolves it; both transitions appear in the feed as cluster entries.
final class AlertIntegrationTests: XCTestCase {
    func testCoverageAlertFiresAndResolves() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 11, eventRate: 50))
        try await cluster.start()
        let alerts = try AlertConfig.applying(overrides: ["coverage.for_seconds": 1, "coverage.allowed_missing": 0,
                                                          "evaluation.period_seconds": 0.5])
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: cluster.targets, healthIntervalMs: 500, metricsIntervalMs: 2_000,
            http: HTTPOptions(timeout: .seconds(1)), alerts: alerts))
        await monitor.start()
        func waitFor(_ what: String, _ condition: (ClusterSnapshot) -> Bool) async throws -> ClusterSnapshot {
            let deadline = Date().addingTimeInterval(12)
            while Date() < deadline {
                let s = monitor.latestSnapshot()
                if condition(s) { return s }
                try await Task.sleep(for: .milliseconds(50))
            }
            XCTFail("timed out waiting for \(what): \(monitor.latestSnapshot().alerts)")
            return monitor.latestSnapshot()
        }
        // Before the first polls answer, 0/3 makes the rule pending; once 3/3 it is dropped without ever firing.
        _ = try await waitFor("3/3 and no coverage alert") { s in
            s.coverage.responding == 3 && !s.alerts.contains { $0.rule == "coverage" }
        }
        try await cluster.setFault(.down, node: "sin-1")
        let pending = try await waitFor("coverage pending") { $0.alerts.contains { $0.rule == "coverage" } }
        let firing = try await waitFor("coverage firing") { $0.alerts.contains { $0.rule == "coverage" && $0.state == .firing } }
        let alert = try XCTUnwrap(firing.alerts.first { $0.rule == "coverage" })
        XCTAssertEqual(alert.level, .critical)
        XCTAssertEqual(alert.value, 2)
        XCTAssertGreaterThanOrEqual(alert.firingSinceMs ?? 0, alert.startedAtMs + 1_000, "must hold for its whole duration")
        _ = pending
        XCTAssertTrue(firing.feed.contains { $0.kind == .cluster && ($0.message ?? "").contains("coverage") && $0.severity == .critical })
        try await cluster.setFault(.ok, node: "sin-1")
        let resolved = try await waitFor("coverage resolved") { s in
            !s.alerts.contains { $0.rule == "coverage" } && s.coverage.responding == 3
        }
        XCTAssertTrue(resolved.feed.contains { $0.kind == .cluster && ($0.message ?? "").lowercased().contains("resolved") },
                      "\(resolved.feed.filter { $0.kind == .cluster }.map { $0.message ?? "" })")
        await monitor.stop()
        await cluster.stop()
    }
}
