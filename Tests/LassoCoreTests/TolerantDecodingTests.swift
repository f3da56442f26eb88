import Foundation
import XCTest
@testable import LassoCore

/// Decoding per entry: one bad entry costs only itself, and is named; rounding overshoots and nulls are not errors.
final class TolerantDecodingTests: XCTestCase {
    static func body(providers: String, methods: String = "[]") -> Data {
        Data("""
        {"chain":"ethereum","chain_id":1,"timestamp":1,"chain_performance":{"total_calls":500},
         "providers":\(providers),
         "rpc_performance_by_provider":[{"provider_id":"ethereum_drpc","provider_name":"dRPC","methods":\(methods)}],
         "last_updated":5}
        """.utf8)
    }

    static let good = #"{"id":"ethereum_drpc","name":"dRPC","score":2,"success_rate":0.99,"total_calls":300,"avg_latency_ms":80}"#

    func testNullTotalCallsDropsOnlyThatProvider() throws {
        let bad = #"{"id":"ethereum_alchemy","name":"Alchemy","score":1,"success_rate":0.9,"total_calls":null,"avg_latency_ms":50}"#
        let metrics = try MetricsResponse.decode(Self.body(providers: "[\(Self.good),\(bad)]"))
        XCTAssertEqual(metrics.providers.map(\.id), ["ethereum_drpc"])
        XCTAssertEqual(metrics.droppedEntries.count, 1)
        XCTAssertTrue(metrics.droppedEntries[0].contains("providers[1] (ethereum_alchemy)"), metrics.droppedEntries[0])
        XCTAssertTrue(metrics.droppedEntries[0].contains("total_calls"), metrics.droppedEntries[0])
    }

    func testSuccessRateRoundingOvershootIsClampedNotRejected() throws {
        let over = #"{"id":"ethereum_drpc","name":"dRPC","score":2,"success_rate":1.0000001,"total_calls":300,"avg_latency_ms":80}"#
        let metrics = try MetricsResponse.decode(Self.body(providers: "[\(over)]"))
        XCTAssertEqual(metrics.providers.first?.successRate, 1)
        XCTAssertTrue(metrics.droppedEntries.isEmpty)
        // A real overshoot is still garbage: that entry goes, and is named.
        let garbage = over.replacingOccurrences(of: "1.0000001", with: "1.5")
        let rejected = try MetricsResponse.decode(Self.body(providers: "[\(garbage)]"))
        XCTAssertTrue(rejected.providers.isEmpty)
        XCTAssertEqual(rejected.droppedEntries.count, 1)
    }

    func testNullMethodAverageAndSuccessStayUnknown() throws {
        let methods = """
        [{"method":"eth_call@http","avg_latency_ms":null,"p50_latency_ms":10,"p90_latency_ms":20,"p95_latency_ms":30,
          "p99_latency_ms":40,"success_rate":null,"total_calls":12,"last_updated":1},
         {"method":"eth_bad@http","total_calls":"x"}]
        """
        let metrics = try MetricsResponse.decode(Self.body(providers: "[\(Self.good)]", methods: methods))
        let method = try XCTUnwrap(metrics.methodsByProvider.first?.methods.first)
        XCTAssertNil(method.avgLatencyMs)
        XCTAssertNil(method.successRate)
        XCTAssertEqual(metrics.methodsByProvider.first?.methods.count, 1)
        XCTAssertEqual(metrics.droppedEntries.count, 1)
        XCTAssertTrue(metrics.droppedEntries[0].contains("eth_bad@http"), metrics.droppedEntries[0])

        // Aggregated, a null stays nil (not 0) and does not drag a known node's average down.
        let known = MethodMetrics(method: "eth_call@http", avgLatencyMs: 90, p50: 1, p90: 2, p95: 3, p99: 4,
                                  successRate: 0.5, totalCalls: 12, lastUpdated: 1)
        let other = MetricsResponse(chain: "ethereum", chainID: 1, timestamp: 1, totalCalls: 12, providers: [],
                                    methodsByProvider: [ProviderMethods(providerID: "ethereum_drpc", providerName: nil, methods: [known])],
                                    lastUpdated: 1)
        let aggregate = Aggregation.aggregate(chain: "ethereum", reports: [
            NodeChainReport(node: "a", metrics: metrics), NodeChainReport(node: "b", metrics: other),
        ], totalNodes: 2)
        let row = try XCTUnwrap(aggregate.providers.first?.methods.first)
        XCTAssertEqual(row.avgLatencyMs, 90)
        XCTAssertEqual(row.successRate, 0.5)
        let alone = Aggregation.aggregate(chain: "ethereum", reports: [NodeChainReport(node: "a", metrics: metrics)], totalNodes: 1)
        XCTAssertNil(alone.providers.first?.methods.first?.avgLatencyMs)
        XCTAssertNil(alone.providers.first?.methods.first?.successRate)
    }

    func testDroppedEntriesReachTheNodesErrorNotesButTheRestIsAggregated() throws {
        let bad = #"{"id":"ethereum_alchemy","total_calls":null}"#
        let metrics = try MetricsResponse.decode(Self.body(providers: "[\(Self.good),\(bad)]"))
        var pipeline = MetricsPipeline(totalNodes: 1)
        let landed = pipeline.land(chain: "ethereum", fetches: [
            NodeMetricsFetch(node: "iad", result: .success(metrics), uptimeSeconds: 10, atMs: 1_000),
        ])
        XCTAssertEqual(landed.aggregate.responding, 1)
        XCTAssertEqual(landed.aggregate.providers.map(\.id), ["ethereum_drpc"])
        let note = try XCTUnwrap(landed.nodeErrors["iad"])
        XCTAssertTrue(note.hasPrefix("dropped 1 bad entry: providers[1] (ethereum_alchemy)"), note)
    }

    func testHealthWithoutUptimeIsAccepted() throws {
        let body = Data(#"{"status":"healthy","version":"0.2.0","cluster":{"enabled":true,"nodes_connected":2,"nodes_responding":2}}"#.utf8)
        let health = try HealthResponse.decode(body)
        XCTAssertNil(health.uptimeSeconds)
        var tracker = NodeTracker(name: "iad", url: "http://127.0.0.1:1")
        tracker.recordSuccess(health, latencyMs: 3, nowMs: 1_000)
        XCTAssertEqual(tracker.status.state, .up)
        XCTAssertNil(tracker.status.uptimeSeconds)
    }
}

final class TolerantDecodingBodiesTests: XCTestCase {
    func testStringCountInTheOnlyEntry() throws {
        let body = Data(#"{"chain":"ethereum","chain_id":1,"providers":[{"id":"p_alpha","total_calls":"many"}]}"#.utf8)
        do {
            let metrics = try MetricsResponse.decode(body)
            XCTAssertTrue(metrics.providers.isEmpty)
            XCTAssertEqual(metrics.droppedEntries.count, 1, "\(metrics.droppedEntries)")
        } catch {
            XCTFail("\(error)")
        }
    }
}
