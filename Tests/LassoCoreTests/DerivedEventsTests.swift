import XCTest
@testable import LassoCore

final class DerivedEventsTests: XCTestCase {
    private let now: Int64 = 1_764_000_000_000
    private let healthy = Coverage(responding: 3, total: 3, status: .healthy, quorum: true, partitionSuspected: false)

    private func node(_ name: String, _ state: NodeState, uptime: Int? = 100, error: String? = nil) -> NodeStatus {
        NodeStatus(name: name, url: "http://127.0.0.1/\(name)", state: state, lastError: error, uptimeSeconds: uptime)
    }

    private func provider(_ id: String, success: Double = 0.99, latency: Double = 40, coldStart: Bool = false) -> ProviderAggregate {
        ProviderAggregate(id: id, name: nil, totalCalls: 5_000, avgLatencyMs: latency, successRate: success, score: 1,
                          nodesReporting: 3, coldStart: coldStart, callsPerSecond: nil, p95LatencyMsMax: latency * 2,
                          p95WorstNode: nil, byNode: [], methods: [])
    }

    private func chain(_ name: String, _ providers: [ProviderAggregate]) -> ChainAggregate {
        ChainAggregate(chain: name, chainID: 1, responding: 3, total: 3, providers: providers)
    }

    private func nodeDiff(_ before: [NodeStatus], _ after: [NodeStatus]) -> [FeedEvent] {
        DerivedEvents.diff(previousNodes: before, nodes: after, previousCoverage: healthy, coverage: healthy,
                           previousChains: [], chains: [], nowMs: now)
    }

    private func providerDiff(_ before: [ProviderAggregate], _ after: [ProviderAggregate]) -> [FeedEvent] {
        let nodes = [node("a", .up)]
        return DerivedEvents.diff(previousNodes: nodes, nodes: nodes, previousCoverage: healthy, coverage: healthy,
                                  previousChains: [chain("ethereum", before)], chains: [chain("ethereum", after)], nowMs: now)
    }

    func testNothingChangedNothingDerived() {
        let nodes = [node("a", .up), node("b", .up)]
        let chains = [chain("ethereum", [provider("p")])]
        XCTAssertEqual(DerivedEvents.diff(previousNodes: nodes, nodes: nodes, previousCoverage: healthy, coverage: healthy,
                                          previousChains: chains, chains: chains, nowMs: now), [])
    }

    func testNodeDownBadStaleAndBackUp() {
        let down = nodeDiff([node("a", .up)], [node("a", .down, error: "connection refused")])
        XCTAssertEqual(down, [.cluster(ts: now, severity: .critical, message: "node a down: connection refused", node: "a", reason: "down")])
        let bad = nodeDiff([node("a", .up)], [node("a", .bad, error: "HTTP 500")])
        XCTAssertEqual(bad.map(\.severity), [.warning])
        XCTAssertEqual(bad.first?.message, "node a bad: HTTP 500")
        let stale = nodeDiff([node("a", .up)], [node("a", .stale)])
        XCTAssertEqual(stale.map(\.reason), ["stale"])
        let back = nodeDiff([node("a", .down)], [node("a", .up)])
        XCTAssertEqual(back, [.cluster(ts: now, severity: .info, message: "node a back up", node: "a", reason: "up")])
        XCTAssertEqual(nodeDiff([node("a", .pending)], [node("a", .up)]), [], "a first answer is not a recovery")
        XCTAssertEqual(nodeDiff([node("a", .pending)], [node("a", .down)]).map(\.severity), [.critical], "down from the start is news")
        XCTAssertEqual(nodeDiff([node("a", .down)], [node("a", .down)]), [])
    }

    func testNodeRestartWhenUptimeGoesDown() {
        let events = nodeDiff([node("a", .up, uptime: 3_600)], [node("a", .up, uptime: 4)])
        XCTAssertEqual(events, [.cluster(ts: now, severity: .warning, message: "node a restarted (uptime 4s, was 3600s)",
                                         node: "a", reason: "restart")])
        XCTAssertEqual(nodeDiff([node("a", .up, uptime: 10)], [node("a", .up, uptime: 11)]), [])
        XCTAssertEqual(nodeDiff([node("a", .up, uptime: nil)], [node("a", .up, uptime: 1)]), [])
    }

    func testNodesAddedAndRemoved() {
        let events = nodeDiff([node("a", .up), node("b", .up)], [node("a", .up), node("c", .pending)])
        XCTAssertEqual(events.map(\.message), ["node c added", "node b removed"])
        XCTAssertEqual(nodeDiff([], [node("a", .pending)]), [], "the first poll round is the baseline")
    }

    func testCoverageChanges() {
        let nodes = [node("a", .up)]
        func coverage(_ previous: Coverage?, _ current: Coverage, previousNodes: [NodeStatus]? = nil) -> [FeedEvent] {
            DerivedEvents.diff(previousNodes: previousNodes ?? nodes, nodes: nodes, previousCoverage: previous, coverage: current,
                               previousChains: [], chains: [], nowMs: now)
        }
        let degraded = Coverage(responding: 2, total: 3, status: .degraded, quorum: true, partitionSuspected: false)
        let lonely = Coverage(responding: 1, total: 3, status: .degraded, quorum: false, partitionSuspected: false)
        let offline = Coverage(responding: 0, total: 3, status: .offline, quorum: false, partitionSuspected: false)
        XCTAssertEqual(coverage(healthy, degraded), [.cluster(ts: now, severity: .warning, message: "coverage 2/3 degraded", reason: "coverage")])
        XCTAssertEqual(coverage(degraded, lonely).map(\.message), ["coverage 1/3 degraded, no quorum"])
        XCTAssertEqual(coverage(lonely, offline).map(\.severity), [.critical])
        XCTAssertEqual(coverage(offline, healthy).map(\.message), ["coverage 3/3 healthy, quorum regained"])
        XCTAssertEqual(coverage(offline, healthy).map(\.severity), [.info])
        XCTAssertEqual(coverage(nil, degraded), [], "no baseline yet")
        XCTAssertEqual(coverage(offline, degraded, previousNodes: [node("a", .pending)]), [], "nodes still answering their first poll")
    }

    func testPartitionSuspectedAndCleared() {
        let nodes = [node("a", .up)]
        var split = healthy
        split.partitionSuspected = true
        let suspected = DerivedEvents.diff(previousNodes: nodes, nodes: nodes, previousCoverage: healthy, coverage: split,
                                           previousChains: [], chains: [], nowMs: now)
        XCTAssertEqual(suspected.map(\.severity), [.critical])
        XCTAssertEqual(suspected.map(\.reason), ["partition"])
        XCTAssertEqual(suspected.first?.message.map { $0.hasPrefix("partition suspected") }, true)
        let cleared = DerivedEvents.diff(previousNodes: nodes, nodes: nodes, previousCoverage: split, coverage: healthy,
                                         previousChains: [], chains: [], nowMs: now)
        XCTAssertEqual(cleared, [.cluster(ts: now, severity: .info, message: "partition cleared", reason: "partition")])
        let fromStart = DerivedEvents.diff(previousNodes: nodes, nodes: nodes, previousCoverage: nil, coverage: split,
                                           previousChains: [], chains: [], nowMs: now)
        XCTAssertEqual(fromStart.map(\.reason), ["partition"], "a partition is reported even without a baseline")
    }

    func testProviderSuccessRateCrossing95Percent() {
        let dropped = providerDiff([provider("p", success: 0.97)], [provider("p", success: 0.912)])
        XCTAssertEqual(dropped, [.cluster(ts: now, severity: .warning, message: "provider p on ethereum: success 91.2% (was 97.0%)",
                                          chain: "ethereum", providerID: "p", reason: "success_rate")])
        XCTAssertEqual(providerDiff([provider("p", success: 0.95)], [provider("p", success: 0.949)]).count, 1, "0.95 itself is fine")
        XCTAssertEqual(providerDiff([provider("p", success: 0.95)], [provider("p", success: 0.95)]), [])
        XCTAssertEqual(providerDiff([provider("p", success: 0.9)], [provider("p", success: 0.8)]), [], "already below: reported once")
        let recovered = providerDiff([provider("p", success: 0.9)], [provider("p", success: 0.99)])
        XCTAssertEqual(recovered.map(\.severity), [.info])
        XCTAssertEqual(recovered.first?.message, "provider p on ethereum: success back to 99.0%")
    }

    func testProviderLatencyDoubling() {
        let doubled = providerDiff([provider("p", latency: 40)], [provider("p", latency: 80)])
        XCTAssertEqual(doubled, [.cluster(ts: now, severity: .warning, message: "provider p on ethereum: latency 40ms → 80ms",
                                          chain: "ethereum", providerID: "p", reason: "latency")])
        XCTAssertEqual(providerDiff([provider("p", latency: 40)], [provider("p", latency: 79)]), [])
        XCTAssertEqual(providerDiff([provider("p", latency: 3)], [provider("p", latency: 30)]), [], "tiny latencies are noise")
        XCTAssertEqual(providerDiff([provider("p", latency: 5)], [provider("p", latency: 10)]).count, 1)
    }

    func testColdStartAndNewProvidersAreIgnored() {
        XCTAssertEqual(providerDiff([provider("p", success: 0.99, coldStart: true)], [provider("p", success: 0.5)]), [])
        XCTAssertEqual(providerDiff([provider("p", latency: 10)], [provider("p", latency: 100, coldStart: true)]), [])
        XCTAssertEqual(providerDiff([], [provider("p", success: 0.1)]), [])
        // Same provider id on another chain is another provider.
        let nodes = [node("a", .up)]
        let events = DerivedEvents.diff(previousNodes: nodes, nodes: nodes, previousCoverage: healthy, coverage: healthy,
                                        previousChains: [chain("ethereum", [provider("p", success: 0.99)])],
                                        chains: [chain("base", [provider("p", success: 0.5)])], nowMs: now)
        XCTAssertEqual(events, [])
    }

    func testDerivedEventsDeduplicateOnlyWhenIdentical() {
        var feed = FeedBuffer()
        let first = nodeDiff([node("a", .up)], [node("a", .down)])
        let again = nodeDiff([node("a", .up)], [node("a", .down)])
        for event in first + again { _ = feed.ingest(event, nowMs: now) }
        XCTAssertEqual(feed.stats.unique, 1)
        XCTAssertEqual(feed.stats.duplicatesDropped, 1)
    }
}
