import AsyncHTTPClient
import Foundation
import LassoCore
@testable import LassoDemo
import NIOCore
import XCTest
import LassoTestSupport

/// The demo cluster over real HTTP on 127.0.0.1: shapes, quirks, relay, counters.
final class DemoClusterHTTPTests: XCTestCase {
    var cluster: DemoCluster!
    var http: TestHTTP!

    override func setUp() async throws {
        http = TestHTTP()
    }

    override func tearDown() async throws {
        await cluster?.stop()
        await http.shutdown()
    }

    func startCluster(_ config: DemoConfig = DemoConfig(eventRate: 2_000, lateChainStart: nil)) async throws -> [DemoNodeInfo] {
        cluster = DemoCluster(config: config)
        try await cluster.start()
        return cluster.nodes
    }

    func metrics(_ node: DemoNodeInfo, _ chain: String) async throws -> MetricsResponse {
        let reply = try await http.get("\(node.url)/api/metrics/\(chain)")
        XCTAssertEqual(reply.status, 200)
        return try MetricsResponse.decode(reply.body)
    }

    func waitForTraffic(_ node: DemoNodeInfo, calls: Int = 200) async throws {
        try await eventually(5, "no traffic on \(node.id)") {
            let ethereum = try await metrics(node, "ethereum")
            return ethereum.totalCalls >= calls
        }
    }

    func testNodesListenOnLoopbackWithDistinctPortsAndIDs() async throws {
        let nodes = try await startCluster()
        XCTAssertEqual(nodes.map(\.id), ["iad-1", "fra-1", "sin-1"])
        XCTAssertEqual(Set(nodes.map(\.port)).count, 3)
        for node in nodes {
            XCTAssertGreaterThan(node.port, 0)
            XCTAssertEqual(node.url, "http://127.0.0.1:\(node.port)")
        }
        XCTAssertTrue(cluster.isRunning)
        XCTAssertEqual(cluster.faults, ["iad-1": .ok, "fra-1": .ok, "sin-1": .ok])
    }

    func testHealthAndChainsDecodeWithLassoQuirks() async throws {
        let nodes = try await startCluster()
        let reply = try await http.get("\(nodes[1].url)/api/health")
        XCTAssertEqual(reply.status, 200)
        XCTAssertTrue(reply.contentType.hasPrefix("application/json"))
        XCTAssertEqual(reply.requestID?.count, 20, "Plug.RequestId-style header on every reply")
        let health = try HealthResponse.decode(reply.body)
        XCTAssertEqual(health.status, "healthy")
        XCTAssertEqual(health.version, "0.2.0")
        XCTAssertEqual(health.cluster, ClusterView(enabled: true, nodesConnected: 3, nodesResponding: 3, nodesTotal: 3,
                                                   regions: ["fra", "iad", "sin"], status: "healthy"))
        let timestamp = try XCTUnwrap(health.timestamp)
        XCTAssertNotNil(timestamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression), timestamp)

        let chainsReply = try await http.get("\(nodes[0].url)/api/chains")
        let chains = try ChainsResponse.decode(chainsReply.body)
        XCTAssertEqual(chains.chains.map(\.chainName), ["ethereum", "base", "arbitrum"])
        XCTAssertEqual(chains.chains.map(\.chainID), ["1", "8453", "42161"])
        XCTAssertTrue(chainsReply.text.contains(#""chain_id":"8453""#), "chain_id is a string in /api/chains")
    }

    func testMetricsShapeScoresPercentilesAndNullName() async throws {
        let nodes = try await startCluster()
        try await waitForTraffic(nodes[0], calls: 500)
        let reply = try await http.get("\(nodes[0].url)/api/metrics/ethereum")
        let text = reply.text
        let metrics = try MetricsResponse.decode(reply.body)
        XCTAssertEqual(metrics.chain, "ethereum")
        XCTAssertEqual(metrics.chainID, 1)
        XCTAssertTrue(text.contains(#""chain_id":1,"#), "chain_id is an int in /api/metrics")
        XCTAssertTrue(text.contains(#""success_rate":null,"p50_latency":null"#), "chain_performance placeholders")
        XCTAssertTrue(text.contains(#""name":null"#), "one provider has no name")
        XCTAssertNotNil(text.range(of: #""p95_latency_ms":\d+,"#, options: .regularExpression), "percentiles are ints")
        XCTAssertNotNil(text.range(of: #""avg_latency_ms":\d+\.\d+,"#, options: .regularExpression), "averages are floats")
        XCTAssertGreaterThan(metrics.lastUpdated, 0)
        XCTAssertNotNil(metrics.systemMetrics)

        XCTAssertGreaterThanOrEqual(metrics.providers.count, 4)
        XCTAssertEqual(metrics.providers.map(\.score), metrics.providers.map(\.score).sorted(by: >), "sorted by score")
        XCTAssertEqual(metrics.totalCalls, metrics.providers.reduce(0) { $0 + $1.totalCalls })
        for provider in metrics.providers {
            // Lasso's score from the rounded figures it sends: close to the exact one.
            let latencyFactor = provider.avgLatencyMs == 0 ? 1 : 1000 / (1000 + provider.avgLatencyMs)
            let expected = provider.successRate * latencyFactor * log10(Double(max(provider.totalCalls, 1)))
            XCTAssertEqual(provider.score, expected, accuracy: 0.01 * expected + 0.011, provider.id)
            let rows = try XCTUnwrap(metrics.methodsByProvider.first { $0.providerID == provider.id }).methods
            XCTAssertEqual(rows.reduce(0) { $0 + $1.totalCalls }, provider.totalCalls, "provider total is the sum of its methods")
            for row in rows {
                XCTAssertTrue(row.method.hasSuffix("@http") || row.method.hasSuffix("@ws"), row.method)
                XCTAssertTrue(row.p50 <= row.p90 && row.p90 <= row.p95 && row.p95 <= row.p99, "\(provider.id) \(row.method)")
                XCTAssertTrue((0...1).contains(row.successRate ?? -1))
            }
        }
        XCTAssertEqual(Set(metrics.rpcMethods), Set(metrics.methodsByProvider.flatMap { $0.methods.map(\.method) }))

        let byID = try await self.metrics(nodes[0], "8453")
        XCTAssertEqual(byID.chain, "base", "a decimal chain id resolves to the slug")
    }

    func testChainWithoutTrafficHasZeroLastUpdatedAndNoProviders() async throws {
        let nodes = try await startCluster(DemoConfig(eventRate: 2_000, lateChainStart: nil))
        try await waitForTraffic(nodes[0])
        let arbitrum = try await metrics(nodes[0], "arbitrum")
        XCTAssertEqual(arbitrum.lastUpdated, 0)
        XCTAssertFalse(arbitrum.hasData)
        XCTAssertTrue(arbitrum.providers.isEmpty)
        XCTAssertEqual(arbitrum.totalCalls, 0)
        XCTAssertEqual(arbitrum.chainID, 42161)
    }

    func testLateChainStartsReceivingTrafficAfterItsDelay() async throws {
        let nodes = try await startCluster(DemoConfig(eventRate: 3_000, lateChainStart: .milliseconds(300)))
        try await eventually(5, "arbitrum never got traffic") {
            try await metrics(nodes[0], "arbitrum").hasData
        }
    }

    func testUnknownChainIs404WithAvailableChains() async throws {
        let nodes = try await startCluster()
        let reply = try await http.get("\(nodes[0].url)/api/metrics/foo")
        XCTAssertEqual(reply.status, 404)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
        XCTAssertEqual(object["error"] as? String, "Chain not found")
        XCTAssertEqual(object["chain"] as? String, "foo")
        XCTAssertEqual(object["available_chains"] as? [String], ["ethereum", "base", "arbitrum"])

        let noRoute = try await http.get("\(nodes[0].url)/api/metrics")
        XCTAssertEqual(noRoute.status, 404)
        XCTAssertEqual(noRoute.text, #"{"errors":{"detail":"Not Found"}}"#)
    }

    func testEventsDecodeAndRelayPutsEachDecisionOnEveryNode() async throws {
        let nodes = try await startCluster()
        try await waitForTraffic(nodes[0])
        var pages: [String: EventsPage] = [:]
        for node in nodes {
            let reply = try await http.get("\(node.url)/api/events?since=0&limit=5000")
            XCTAssertEqual(reply.status, 200)
            let page = try EventsPage.decode(reply.body)
            XCTAssertEqual(page.nodeID, node.id)
            XCTAssertFalse(page.events.isEmpty)
            pages[node.id] = page
        }
        for (nodeID, page) in pages {
            let sources = Set(page.events.compactMap(\.sourceNodeID))
            XCTAssertEqual(sources, Set(nodes.map(\.id)), "\(nodeID) holds its own decisions and relayed ones")
            for event in page.events where event.kind == .routing {
                XCTAssertNotNil(event.requestID)
                XCTAssertNotNil(event.chainID)
                XCTAssertTrue(["http", "ws"].contains(event.transport ?? ""))
                XCTAssertTrue(["success", "error"].contains(event.result ?? ""))
                XCTAssertTrue(["client", "system"].contains(event.requestOrigin ?? ""))
            }
        }
        // The same decision (request id + source) appears on several nodes.
        func keys(_ page: EventsPage) -> Set<String> {
            Set(page.events.filter { $0.kind == .routing }.map { "\($0.requestID!)|\($0.sourceNodeID!)|\($0.ts)" })
        }
        let shared = keys(pages["iad-1"]!).intersection(keys(pages["fra-1"]!)).intersection(keys(pages["sin-1"]!))
        XCTAssertGreaterThan(shared.count, 10)
    }

    func testEventsCursorSinceIsExclusiveAndLimitBounds() async throws {
        let nodes = try await startCluster()
        try await waitForTraffic(nodes[0])
        let first = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=0&limit=10").body)
        XCTAssertEqual(first.events.count, 10)
        XCTAssertEqual(first.next, 10, "the buffer still holds seq 1…10, so next is the seq of the 10th")
        let second = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=5&limit=5").body)
        XCTAssertEqual(second.next, 10)
        XCTAssertEqual(second.events, Array(first.events.suffix(5)), "since is exclusive")

        let far = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=999999999").body)
        XCTAssertTrue(far.events.isEmpty)
        XCTAssertLessThan(far.next, 999_999_999, "a cursor beyond the node's sequence gets next below it")

        let bad = try await http.get("\(nodes[0].url)/api/events?since=-1")
        XCTAssertEqual(bad.status, 400)
    }

    func testEventBufferIsBoundedOldestFirst() async throws {
        let nodes = try await startCluster(DemoConfig(eventRate: 3_000, bufferCapacity: 50, lateChainStart: nil))
        try await eventually(5, "buffer never wrapped") {
            let page = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=0&limit=5000").body)
            return page.next > 100
        }
        let page = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=0&limit=5000").body)
        XCTAssertEqual(page.events.count, 50)
        XCTAssertEqual(page.events.map(\.ts), page.events.map(\.ts).sorted(), "oldest first")
    }

    func testCountersOnlyGrow() async throws {
        let nodes = try await startCluster()
        try await waitForTraffic(nodes[0], calls: 50)
        var previous = try await metrics(nodes[0], "ethereum")
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(150))
            let current = try await metrics(nodes[0], "ethereum")
            XCTAssertGreaterThanOrEqual(current.totalCalls, previous.totalCalls)
            for provider in previous.providers {
                let now = try XCTUnwrap(current.providers.first { $0.id == provider.id })
                XCTAssertGreaterThanOrEqual(now.totalCalls, provider.totalCalls, provider.id)
            }
            previous = current
        }
        let last = try await metrics(nodes[0], "ethereum")
        XCTAssertGreaterThan(last.totalCalls, 50)
    }

    func testCircuitOpensAndRecoversAsEvents() async throws {
        let nodes = try await startCluster(DemoConfig(eventRate: 500, lateChainStart: nil, circuitCycle: .milliseconds(800)))
        var transitions: [String] = []
        try await eventually(5, "no full circuit cycle") {
            let page = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=0&limit=5000").body)
            transitions = page.events.filter { $0.kind == .circuit && $0.sourceNodeID == nodes[0].id }
                .map { "\($0.from!)>\($0.to!)" }
            return transitions.contains("half_open>closed")
        }
        XCTAssertEqual(Array(transitions.prefix(3)), ["closed>open", "open>half_open", "half_open>closed"])
        let page = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=0&limit=5000").body)
        let circuit = try XCTUnwrap(page.events.first { $0.kind == .circuit })
        XCTAssertEqual(circuit.providerID, "ethereum_ankr")
        XCTAssertEqual(circuit.chainID, 1)
        XCTAssertEqual(circuit.transport, "http")
        XCTAssertNotNil(circuit.reason)
        XCTAssertTrue(page.events.contains { $0.kind == .routing && $0.providerID == "ethereum_ankr" && $0.result == "error" })
    }

    func testBasePortGivesConsecutivePorts() async throws {
        // Learn a free port from the OS, release it, then ask for it explicitly.
        let probe = DemoCluster(config: DemoConfig(nodeCount: 1, eventRate: 0))
        try await probe.start()
        let port = probe.nodes[0].port
        await probe.stop()
        let nodes = try await startCluster(DemoConfig(nodeCount: 1, basePort: port, eventRate: 10))
        XCTAssertEqual(nodes[0].port, port)
        let status = try await http.get("\(nodes[0].url)/api/health").status
        XCTAssertEqual(status, 200)
    }

    func testStopClosesEveryPortAndIsIdempotent() async throws {
        let nodes = try await startCluster()
        await cluster.stop()
        await cluster.stop()
        XCTAssertFalse(cluster.isRunning)
        for node in nodes {
            XCTAssertTrue(connectionRefused(port: node.port), "\(node.id) still listens after stop")
        }
        do {
            try await cluster.start()
            XCTFail("a stopped cluster must not start again")
        } catch let error as DemoClusterError {
            XCTAssertEqual(error, .stopped)
        }
    }
}
