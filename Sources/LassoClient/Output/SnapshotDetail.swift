import Foundation
import LassoCore

/// The `detail` block of `lassotop.snapshot/2`: what the dashboard's drill-downs show beyond the summary fields —
/// each node's poll counts, latency history and error log; per provider the per-node percentiles and calls in the last
/// minute, per method the per-node figures, and the sparkline histories. A viewer reading a hub (`lassotop --hub`)
/// rebuilds the same `ClusterSnapshot` from the document with it (Sources/LassoHub/SnapshotReader.swift). Added to
/// `/1` without renaming anything; documented in docs/snapshot-schema.md.
public struct SnapshotDetail: Codable, Equatable, Sendable {
    public struct Node: Codable, Equatable, Sendable {
        public var name: String
        public var successCount: Int
        public var failureCount: Int
        public var lastSuccessMs: Int64?
        public var latencyHistoryMs: [Double]
        public var errorLog: [NodeErrorEntry]

        enum CodingKeys: String, CodingKey {
            case name, successCount = "success_count", failureCount = "failure_count", lastSuccessMs = "last_success_ms"
            case latencyHistoryMs = "latency_history_ms", errorLog = "error_log"
        }
    }

    public struct ProviderNode: Codable, Equatable, Sendable {
        public var node: String
        public var callsLastMinute: Int
        public var p50: Double
        public var p99: Double

        enum CodingKeys: String, CodingKey {
            case node, callsLastMinute = "calls_last_minute", p50 = "p50_latency_ms", p99 = "p99_latency_ms"
        }
    }

    public struct MethodNode: Codable, Equatable, Sendable {
        public var node: String
        public var totalCalls: Int
        public var avgLatencyMs: Double?
        public var successRate: Double?
        public var p50: Double
        public var p90: Double
        public var p95: Double
        public var p99: Double

        enum CodingKeys: String, CodingKey {
            case node, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case p50 = "p50_latency_ms", p90 = "p90_latency_ms", p95 = "p95_latency_ms", p99 = "p99_latency_ms"
        }
    }

    public struct Method: Codable, Equatable, Sendable {
        public var method: String
        public var p90: Double
        public var byNode: [MethodNode]

        enum CodingKeys: String, CodingKey { case method, p90 = "p90_latency_ms", byNode = "by_node" }
    }

    public struct Provider: Codable, Equatable, Sendable {
        public var chain: String
        public var id: String
        public var byNode: [ProviderNode]
        public var methods: [Method]
        public var latencyHistoryMs: [Double]
        public var callsPerSecondHistory: [Double]

        enum CodingKeys: String, CodingKey {
            case chain, id, methods, byNode = "by_node", latencyHistoryMs = "latency_history_ms"
            case callsPerSecondHistory = "calls_per_second_history"
        }
    }

    public var shownEventRate: Double
    public var updating: Bool
    public var insecure: Bool
    public var nodes: [Node]
    public var providers: [Provider]

    enum CodingKeys: String, CodingKey {
        case nodes, providers, updating, insecure, shownEventRate = "shown_event_rate"
    }

    public init(_ snapshot: ClusterSnapshot) {
        shownEventRate = snapshot.shownEventRate.isFinite ? snapshot.shownEventRate : 0
        updating = snapshot.updating
        insecure = snapshot.insecure
        nodes = snapshot.nodes.map { node in
            Node(name: node.name, successCount: node.successCount, failureCount: node.failureCount,
                 lastSuccessMs: node.lastSuccessMs, latencyHistoryMs: node.latencyHistory, errorLog: node.errorLog)
        }
        providers = snapshot.chains.flatMap { chain in
            chain.providers.map { provider in
                let key = ClusterSnapshot.historyKey(chain: chain.chain, provider: provider.id)
                return Provider(
                    chain: chain.chain, id: provider.id,
                    byNode: provider.byNode.map { ProviderNode(node: $0.node, callsLastMinute: $0.callsLastMinute, p50: $0.p50, p99: $0.p99) },
                    methods: provider.methods.map { method in
                        Method(method: method.method, p90: method.p90, byNode: method.byNode.map {
                            MethodNode(node: $0.node, totalCalls: $0.totalCalls, avgLatencyMs: $0.avgLatencyMs,
                                       successRate: $0.successRate, p50: $0.p50, p90: $0.p90, p95: $0.p95, p99: $0.p99)
                        })
                    },
                    latencyHistoryMs: snapshot.latencyHistory[key] ?? [], callsPerSecondHistory: snapshot.rateHistory[key] ?? [])
            }
        }
    }
}
