import Foundation
import XCTest
@testable import LassoCore

final class ModelDecodingTests: XCTestCase {
    func testHealthDecodesRealShape() throws {
        let body = Data("""
        {"status":"healthy","timestamp":"2026-08-15T10:12:33.123456Z","uptime_seconds":86400,"version":"0.2.0",
         "cluster":{"enabled":true,"nodes_connected":3,"nodes_responding":2,"nodes_total":3,"regions":["eu","us"],"status":"degraded"},
         "extra_field":{"ignored":true}}
        """.utf8)
        let health = try HealthResponse.decode(body)
        XCTAssertEqual(health.uptimeSeconds, 86400)
        XCTAssertEqual(health.version, "0.2.0")
        XCTAssertEqual(health.cluster.nodesResponding, 2)
        XCTAssertEqual(health.cluster.regions, ["eu", "us"])
        XCTAssertFalse(health.cluster.isStandalone)
    }

    func testHealthStandaloneFallback() throws {
        let body = Data("""
        {"status":"healthy","timestamp":"x","uptime_seconds":5,"version":"0.2.0",
         "cluster":{"enabled":false,"nodes_connected":1,"nodes_responding":1,"nodes_total":1,"regions":[],"status":"standalone"}}
        """.utf8)
        let health = try HealthResponse.decode(body)
        XCTAssertTrue(health.cluster.isStandalone)
        XCTAssertEqual(health.cluster.nodesTotal, 1)
    }

    func testHealthMissingFieldNamesIt() {
        let body = Data(#"{"status":"healthy","uptime_seconds":5,"cluster":{"enabled":true,"nodes_responding":1}}"#.utf8)
        XCTAssertThrowsError(try HealthResponse.decode(body)) { error in
            let decodeError = error as? LassoDecodeError
            XCTAssertEqual(decodeError?.field, "cluster.nodes_connected")
            XCTAssertEqual(decodeError?.reason, "missing")
        }
    }

    func testTruncatedJSONIsInvalidJSONError() {
        XCTAssertThrowsError(try HealthResponse.decode(Data(#"{"status":"heal"#.utf8))) { error in
            XCTAssertEqual((error as? LassoDecodeError)?.reason, "invalid JSON")
        }
    }

    func testChainsAcceptStringAndIntChainID() throws {
        let body = Data("""
        {"chains":[{"chain_id":"1","name":"Ethereum Mainnet","chain_name":"ethereum","supported":true},
                   {"chain_id":8453,"chain_name":"base"}]}
        """.utf8)
        let chains = try ChainsResponse.decode(body)
        XCTAssertEqual(chains.chains.map(\.chainID), ["1", "8453"])
        XCTAssertEqual(chains.chains[1].name, "base")
    }

    static let metricsBody = """
    {"chain":"ethereum","chain_id":1,"timestamp":1786788753123,
     "system_metrics":{"memory_mb":412.7,"cpu_percent":3.4,"process_count":2211,"run_queue":0},
     "chain_performance":{"total_calls":15230,"success_rate":null,"p50_latency":null,"p95_latency":null,
       "failovers_last_minute":0,"connected_providers":0,"total_providers":0,"recent_activity":0,
       "rpc_calls_per_second":0.0,"error_rate_percent":0.0},
     "providers":[{"id":"ethereum_drpc","name":"dRPC Ethereum","score":2.61,"success_rate":0.99,"total_calls":1200,
                   "avg_latency_ms":84.31,"calls_last_minute":42},
                  {"id":"ethereum_llama","name":null,"score":1,"success_rate":1,"total_calls":30,"avg_latency_ms":120,
                   "calls_last_minute":0}],
     "rpc_methods":["eth_blockNumber@http","eth_call@http"],
     "rpc_performance_by_provider":[{"provider_id":"ethereum_drpc","provider_name":"dRPC Ethereum","methods":[
        {"method":"eth_blockNumber@http","avg_latency_ms":80.12,"p50_latency_ms":75,"p90_latency_ms":120,
         "p95_latency_ms":140.5,"p99_latency_ms":210,"success_rate":0.9983,"total_calls":600,"last_updated":1786788752001}]}],
     "rpc_performance_by_method":[],
     "last_updated":1786788753120}
    """

    func testMetricsDecodesQuirks() throws {
        let metrics = try MetricsResponse.decode(Data(Self.metricsBody.utf8))
        XCTAssertEqual(metrics.chainID, 1)
        XCTAssertEqual(metrics.totalCalls, 15230)
        XCTAssertEqual(metrics.providers.count, 2)
        XCTAssertNil(metrics.providers[1].name)
        XCTAssertEqual(metrics.providers[1].avgLatencyMs, 120)
        XCTAssertEqual(metrics.methodsByProvider[0].methods[0].p50, 75)
        XCTAssertEqual(metrics.methodsByProvider[0].methods[0].p95, 140.5)
        XCTAssertTrue(metrics.hasData)
    }

    func testMetricsNoTrafficYet() throws {
        let body = Data("""
        {"chain":"base","chain_id":8453,"timestamp":1,"system_metrics":{"memory_mb":1,"cpu_percent":0,"process_count":1,"run_queue":0},
         "chain_performance":{"total_calls":0},"providers":[],"rpc_methods":[],"rpc_performance_by_provider":[],
         "rpc_performance_by_method":[],"last_updated":0}
        """.utf8)
        let metrics = try MetricsResponse.decode(body)
        XCTAssertFalse(metrics.hasData)
        XCTAssertTrue(metrics.providers.isEmpty)
    }

    // A bad provider entry is dropped alone and named; the rest of the body is kept.
    func testMetricsWrongTypeDropsOnlyThatEntryAndNamesIt() throws {
        let body = Self.metricsBody.replacingOccurrences(of: #""total_calls":1200"#, with: #""total_calls":"many""#)
        let metrics = try MetricsResponse.decode(Data(body.utf8))
        XCTAssertEqual(metrics.providers.map(\.id), ["ethereum_llama"])
        XCTAssertEqual(metrics.droppedEntries.count, 1)
        XCTAssertTrue(metrics.droppedEntries[0].hasPrefix("providers[0] (ethereum_drpc): total_calls"), metrics.droppedEntries[0])
    }

    func testMetricsNegativeCounterDropsOnlyThatEntry() throws {
        let body = Self.metricsBody.replacingOccurrences(of: #""total_calls":1200"#, with: #""total_calls":-3"#)
        let metrics = try MetricsResponse.decode(Data(body.utf8))
        XCTAssertEqual(metrics.providers.map(\.id), ["ethereum_llama"])
        XCTAssertEqual(metrics.droppedEntries.count, 1)
    }

    func testRoutingEventDecodesAndNeedsMethod() throws {
        let good = Data("""
        {"ts":1786788753123,"request_id":"r1","profile":"public","source_node_id":"iad-1","chain_id":1,"chain":"ethereum",
         "method":"eth_call","strategy":"fastest","provider_id":"ethereum_drpc","transport":"http","duration_ms":45,
         "result":"success","request_origin":"client","failover_count":0}
        """.utf8)
        let event = try JSONDecoder().decode(FeedEvent.self, from: good)
        XCTAssertEqual(event.kind, .routing)
        XCTAssertEqual(event.durationMs, 45)
        XCTAssertFalse(event.isError)
        let bad = Data(#"{"ts":1,"provider_id":"p"}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(FeedEvent.self, from: bad))
    }

    func testCircuitEventAndEventsPage() throws {
        let body = Data("""
        {"node_id":"fra-1","next":7,"events":[
          {"kind":"circuit","ts":5,"provider_id":"p","chain_id":1,"transport":"http","from":"closed","to":"open",
           "reason":"failure_threshold_exceeded","source_node_id":"fra-1"}]}
        """.utf8)
        let page = try EventsPage.decode(body)
        XCTAssertEqual(page.next, 7)
        XCTAssertEqual(page.events[0].kind, .circuit)
        XCTAssertTrue(page.events[0].isError)
    }

    func testRegionRule() {
        XCTAssertEqual(ClusterView.region(ofNodeID: "us-east-1"), "us")
        XCTAssertEqual(ClusterView.region(ofNodeID: "iad-1"), "iad")
        XCTAssertEqual(ClusterView.region(ofNodeID: "test-node"), "test")
        XCTAssertNil(ClusterView.region(ofNodeID: "local"))
        XCTAssertNil(ClusterView.region(ofNodeID: "local-dev"))
        XCTAssertNil(ClusterView.region(ofNodeID: "docker-local"))
    }

    func testLassoAPIStatusRuleTable() {
        let table: [(Int, Int, String)] = [(3, 3, "healthy"), (1, 2, "degraded"), (2, 3, "degraded"), (1, 3, "degraded"),
                                          (2, 4, "degraded"), (1, 4, "critical"), (1, 5, "critical"), (0, 3, "critical"), (0, 0, "healthy")]
        for (r, c, expected) in table {
            XCTAssertEqual(ClusterView.apiStatus(enabled: true, responding: r, connected: c), expected, "\(r)/\(c)")
        }
        XCTAssertEqual(ClusterView.apiStatus(enabled: false, responding: 1, connected: 1), "standalone")
    }
}
