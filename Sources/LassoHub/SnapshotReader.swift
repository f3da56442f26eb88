import Foundation
import LassoClient
import LassoCore

/// Reads a `lassotop.snapshot/2` document (from `lassotop serve` or `snapshot --format json`) back into the
/// `ClusterSnapshot` the TUI, `snapshot` and `check` work on. With the `detail` block every drill-down has its data;
/// without it (an older writer) per-method per-node rows, node histories and sparklines are empty.
/// Figures come back as the document rounds them (latency to 0.01 ms, ratios to 1e-4).
public enum SnapshotReader {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static func read(_ data: Data) throws -> ClusterSnapshot {
        let doc: Document
        do { doc = try JSONDecoder().decode(Document.self, from: data) } catch {
            throw Failure(description: "not a lassotop snapshot document: \(error)")
        }
        guard doc.schema == SnapshotDocument.schema else {
            throw Failure(description: "unsupported schema \(doc.schema) (expected \(SnapshotDocument.schema))")
        }
        let detail = doc.detail
        let nodeDetail = Dictionary(detail?.nodes.map { ($0.name, $0) } ?? [], uniquingKeysWith: { first, _ in first })
        let nodes = doc.nodes.map { node -> NodeStatus in
            let extra = nodeDetail[node.name]
            let lastSuccess = extra?.lastSuccessMs ?? node.lastSuccess.flatMap(milliseconds)
            var status = NodeStatus(name: node.name, url: node.url, state: node.state, latencyMs: node.latencyMs,
                                    lastError: node.error, lastSuccessMs: lastSuccess, version: node.version,
                                    uptimeSeconds: node.uptimeSeconds, cluster: node.cluster, flaps: node.flaps)
            if let extra {
                status.successCount = extra.successCount
                status.failureCount = extra.failureCount
                status.latencyHistory = extra.latencyHistoryMs
                status.errorLog = extra.errorLog
            } else if let rate = node.pollSuccessRate {
                // Without the detail block only the ratio is known: keep it exact over 10 000 polls.
                status.successCount = Int((rate * 10_000).rounded())
                status.failureCount = 10_000 - status.successCount
            }
            return status
        }
        var providerDetail: [ProviderKey: SnapshotDetail.Provider] = [:]
        for provider in detail?.providers ?? [] where providerDetail[ProviderKey(chain: provider.chain, id: provider.id)] == nil {
            providerDetail[ProviderKey(chain: provider.chain, id: provider.id)] = provider
        }
        var latencyHistory: [ProviderKey: [Double]] = [:]
        var rateHistory: [ProviderKey: [Double]] = [:]
        let chains = try doc.chains.map { chain -> ChainAggregate in
            let providers = try chain.providers.map { provider -> ProviderAggregate in
                let key = ProviderKey(chain: chain.chain, id: provider.id)
                let extra = providerDetail[key]
                if let extra {
                    if !extra.latencyHistoryMs.isEmpty { latencyHistory[key] = extra.latencyHistoryMs }
                    if !extra.callsPerSecondHistory.isEmpty { rateHistory[key] = extra.callsPerSecondHistory }
                }
                return try provider.aggregate(detail: extra)
            }
            return ChainAggregate(chain: chain.chain, chainID: chain.chainID, responding: chain.coverage.responding,
                                  total: chain.coverage.total, providers: providers)
        }
        return ClusterSnapshot(
            generatedAtMs: milliseconds(doc.generatedAt) ?? 0, clusterName: doc.clusterName, isDemo: doc.demo,
            coverage: doc.coverage, nodes: nodes, chains: chains, feed: doc.events.sorted { $0.ts < $1.ts },
            feedStats: doc.feedStats, eventRate: doc.eventRate, shownEventRate: detail?.shownEventRate ?? doc.eventRate,
            sampling: doc.sampling, alerts: doc.alerts, cache: doc.cacheStats, updating: detail?.updating ?? false,
            latencyHistory: latencyHistory, rateHistory: rateHistory, insecure: detail?.insecure ?? false)
    }

    static func milliseconds(_ iso: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: iso) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: iso).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    // MARK: the document's shape (docs/snapshot-schema.md)

    struct Document: Decodable {
        var schema: String
        var generatedAt: String
        var clusterName: String?
        var demo: Bool
        var coverage: Coverage
        var nodes: [NodeDoc]
        var chains: [ChainDoc]
        var events: [FeedEvent]
        var feedStats: FeedStats
        var eventRate: Double
        var sampling: Bool
        var cacheStats: CacheStats
        var alerts: [Alert]
        var detail: SnapshotDetail?

        enum CodingKeys: String, CodingKey {
            case schema, demo, coverage, nodes, chains, events, sampling, alerts, detail
            case generatedAt = "generated_at", clusterName = "cluster_name", feedStats = "feed_stats"
            case eventRate = "event_rate", cacheStats = "cache_stats"
        }
    }

    struct NodeDoc: Decodable {
        var name: String
        var url: String
        var state: NodeState
        var latencyMs: Double?
        var error: String?
        var version: String?
        var uptimeSeconds: Int?
        var cluster: ClusterView?
        var lastSuccess: String?
        var flaps: Int
        var pollSuccessRate: Double?

        enum CodingKeys: String, CodingKey {
            case name, url, state, error, version, cluster, flaps
            case latencyMs = "latency_ms", uptimeSeconds = "uptime_seconds", lastSuccess = "last_success"
            case pollSuccessRate = "poll_success_rate"
        }
    }

    struct ChainDoc: Decodable {
        struct ChainCoverage: Decodable {
            var responding: Int
            var total: Int
        }
        var chain: String
        var chainID: Int?
        var coverage: ChainCoverage
        var providers: [ProviderDoc]

        enum CodingKeys: String, CodingKey { case chain, coverage, providers, chainID = "chain_id" }
    }

    struct ProviderNodeDoc: Decodable {
        var node: String
        var totalCalls: Int
        var avgLatencyMs: Double
        var successRate: Double
        var score: Double
        var callsPerSecond: Double?
        var p95: Double
        var stale: Bool?

        enum CodingKeys: String, CodingKey {
            case node, score, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case callsPerSecond = "calls_per_second", p95 = "p95_latency_ms", stale
        }
    }

    struct MethodDoc: Decodable {
        var method: String
        var totalCalls: Int
        var avgLatencyMs: Double?
        var successRate: Double?
        var p50: Double
        var p95: Double
        var p99: Double
        var worstNode: String?
        var lowSample: Bool?

        enum CodingKeys: String, CodingKey {
            case method, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case p50 = "p50_latency_ms", p95 = "p95_latency_ms", p99 = "p99_latency_ms", worstNode = "worst_node"
            case lowSample = "low_sample"
        }
    }

    struct ProviderDoc: Decodable {
        var id: String
        var name: String?
        var totalCalls: Int
        var avgLatencyMs: Double
        var successRate: Double
        var score: Double
        var nodesReporting: Int
        var coldStart: Bool
        var callsPerSecond: Double?
        var p95Max: Double
        var p95WorstNode: String?
        var p95LowSample: Bool?
        var byNode: [ProviderNodeDoc]
        var methods: [MethodDoc]

        enum CodingKeys: String, CodingKey {
            case id, name, score, methods
            case totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case nodesReporting = "nodes_reporting", coldStart = "cold_start", callsPerSecond = "calls_per_second"
            case p95Max = "p95_latency_ms_max", p95WorstNode = "p95_worst_node", byNode = "by_node"
            case p95LowSample = "p95_low_sample"
        }

        /// `ProviderAggregate` has no public memberwise initializer; it is `Codable` with its property names as keys,
        /// so the reader builds that form and decodes it.
        func aggregate(detail: SnapshotDetail.Provider?) throws -> ProviderAggregate {
            let nodeExtra = Dictionary(detail?.byNode.map { ($0.node, $0) } ?? [], uniquingKeysWith: { first, _ in first })
            let methodExtra = Dictionary(detail?.methods.map { ($0.method, $0) } ?? [], uniquingKeysWith: { first, _ in first })
            var object: [String: Any] = [
                "id": id, "totalCalls": totalCalls, "avgLatencyMs": avgLatencyMs, "successRate": successRate, "score": score,
                "nodesReporting": nodesReporting, "coldStart": coldStart, "p95LatencyMsMax": p95Max,
                "p95LowSample": p95LowSample ?? false,
            ]
            object["name"] = name
            object["callsPerSecond"] = callsPerSecond
            object["p95WorstNode"] = p95WorstNode
            object["byNode"] = byNode.map { node -> [String: Any] in
                let extra = nodeExtra[node.node]
                var entry: [String: Any] = [
                    "node": node.node, "totalCalls": node.totalCalls, "avgLatencyMs": node.avgLatencyMs,
                    "successRate": node.successRate, "score": node.score, "callsLastMinute": extra?.callsLastMinute ?? 0,
                    "p50": extra?.p50 ?? 0, "p95": node.p95, "p99": extra?.p99 ?? 0, "stale": node.stale ?? false,
                ]
                entry["callsPerSecond"] = node.callsPerSecond
                return entry
            }
            object["methods"] = methods.map { method -> [String: Any] in
                let extra = methodExtra[method.method]
                var entry: [String: Any] = [
                    "method": method.method, "totalCalls": method.totalCalls, "p50": method.p50, "p90": extra?.p90 ?? method.p50,
                    "p95": method.p95, "p99": method.p99,
                    "byNode": (extra?.byNode ?? []).map { node -> [String: Any] in
                        var row: [String: Any] = ["node": node.node, "totalCalls": node.totalCalls, "p50": node.p50,
                                                  "p90": node.p90, "p95": node.p95, "p99": node.p99]
                        // Null averages and success rates stay unknown (absent), never 0.
                        row["avgLatencyMs"] = node.avgLatencyMs
                        row["successRate"] = node.successRate
                        return row
                    },
                ]
                entry["avgLatencyMs"] = method.avgLatencyMs
                entry["successRate"] = method.successRate
                entry["worstNode"] = method.worstNode
                entry["lowSample"] = method.lowSample ?? false
                return entry
            }
            let data = try JSONSerialization.data(withJSONObject: object)
            return try JSONDecoder().decode(ProviderAggregate.self, from: data)
        }
    }
}
