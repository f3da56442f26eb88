import Foundation
import LassoCore

/// `lassotop snapshot --format json`: schema `lassotop.snapshot/1`, documented in docs/snapshot-schema.md.
/// Field names are part of the contract; nullable fields are always present (as `null`).
public struct SnapshotDocument: Encodable {
    public static let schema = "lassotop.snapshot/1"
    let snapshot: ClusterSnapshot
    let events: [FeedEvent]

    public init(snapshot: ClusterSnapshot, feedFilter: FeedFilter? = nil) {
        self.snapshot = snapshot
        let filter = feedFilter
        self.events = snapshot.feed.filter { filter?.matches($0) ?? true }.sorted { $0.ts < $1.ts }
    }

    enum Keys: String, CodingKey {
        case schema, coverage, nodes, chains, events, alerts
        case generatedAt = "generated_at", feedStats = "feed_stats", cacheStats = "cache_stats", clusterName = "cluster_name"
        case demo, eventRate = "event_rate", sampling
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.schema, forKey: .schema)
        try c.encode(Self.iso8601(snapshot.generatedAtMs), forKey: .generatedAt)
        try c.encodeNullable(snapshot.clusterName, forKey: .clusterName)
        try c.encode(snapshot.isDemo, forKey: .demo)
        try c.encode(snapshot.coverage, forKey: .coverage)
        try c.encode(snapshot.nodes.map(NodeDTO.init), forKey: .nodes)
        try c.encode(snapshot.chains.map(ChainDTO.init), forKey: .chains)
        try c.encode(events, forKey: .events)
        try c.encode(snapshot.feedStats, forKey: .feedStats)
        try c.encode(snapshot.eventRate, forKey: .eventRate)
        try c.encode(snapshot.sampling, forKey: .sampling)
        try c.encode(snapshot.cache, forKey: .cacheStats)
        try c.encode(snapshot.alerts, forKey: .alerts)
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func iso8601(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// Credentials in a URL (`user:pass@`) are secrets like headers: never printed.
    public static func redactedURL(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = components.user == nil ? nil : "redacted"
        components.password = nil
        return components.string ?? url
    }

    struct NodeDTO: Encodable {
        let node: NodeStatus
        enum Keys: String, CodingKey {
            case name, url, state, error, version, cluster, flaps, region
            case latencyMs = "latency_ms", uptimeSeconds = "uptime_seconds", lastSuccess = "last_success"
            case pollSuccessRate = "poll_success_rate"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(node.name, forKey: .name)
            try c.encode(SnapshotDocument.redactedURL(node.url), forKey: .url)
            try c.encode(node.state, forKey: .state)
            try c.encodeNullable(node.latencyMs.map { ($0 * 10).rounded() / 10 }, forKey: .latencyMs)
            try c.encodeNullable(node.lastError, forKey: .error)
            try c.encodeNullable(node.version, forKey: .version)
            try c.encodeNullable(node.uptimeSeconds, forKey: .uptimeSeconds)
            try c.encodeNullable(node.cluster, forKey: .cluster)
            try c.encodeNullable(node.lastSuccessMs.map(SnapshotDocument.iso8601), forKey: .lastSuccess)
            try c.encodeNullable(node.region, forKey: .region)
            try c.encode(node.flaps, forKey: .flaps)
            try c.encodeNullable(node.pollSuccessRate, forKey: .pollSuccessRate)
        }
    }

    struct ChainDTO: Encodable {
        let chain: ChainAggregate
        enum Keys: String, CodingKey { case chain, chainID = "chain_id", coverage, providers }
        enum CoverageKeys: String, CodingKey { case responding, total }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(chain.chain, forKey: .chain)
            try c.encodeNullable(chain.chainID, forKey: .chainID)
            var coverage = c.nestedContainer(keyedBy: CoverageKeys.self, forKey: .coverage)
            try coverage.encode(chain.responding, forKey: .responding)
            try coverage.encode(chain.total, forKey: .total)
            try c.encode(chain.providers.map(ProviderDTO.init), forKey: .providers)
        }
    }

    struct ProviderDTO: Encodable {
        let provider: ProviderAggregate
        enum Keys: String, CodingKey {
            case id, name, score
            case totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case nodesReporting = "nodes_reporting", coldStart = "cold_start", callsPerSecond = "calls_per_second"
            case p95Max = "p95_latency_ms_max", p95WorstNode = "p95_worst_node", byNode = "by_node", methods
        }
        enum NodeKeys: String, CodingKey {
            case node, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case score, callsPerSecond = "calls_per_second", p95 = "p95_latency_ms"
        }
        enum MethodKeys: String, CodingKey {
            case method, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case p50 = "p50_latency_ms", p95 = "p95_latency_ms", p99 = "p99_latency_ms", worstNode = "worst_node"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(provider.id, forKey: .id)
            try c.encodeNullable(provider.name, forKey: .name)
            try c.encode(provider.totalCalls, forKey: .totalCalls)
            try c.encode(round2(provider.avgLatencyMs), forKey: .avgLatencyMs)
            try c.encode(round4(provider.successRate), forKey: .successRate)
            try c.encode(round4(provider.score), forKey: .score)
            try c.encode(provider.nodesReporting, forKey: .nodesReporting)
            try c.encode(provider.coldStart, forKey: .coldStart)
            try c.encodeNullable(provider.callsPerSecond.map(round2), forKey: .callsPerSecond)
            try c.encode(provider.p95LatencyMsMax, forKey: .p95Max)
            try c.encodeNullable(provider.p95WorstNode, forKey: .p95WorstNode)
            var nodes = c.nestedUnkeyedContainer(forKey: .byNode)
            for figures in provider.byNode {
                var n = nodes.nestedContainer(keyedBy: NodeKeys.self)
                try n.encode(figures.node, forKey: .node)
                try n.encode(figures.totalCalls, forKey: .totalCalls)
                try n.encode(round2(figures.avgLatencyMs), forKey: .avgLatencyMs)
                try n.encode(round4(figures.successRate), forKey: .successRate)
                try n.encode(round4(figures.score), forKey: .score)
                try n.encodeNullable(figures.callsPerSecond.map(round2), forKey: .callsPerSecond)
                try n.encode(figures.p95, forKey: .p95)
            }
            var methods = c.nestedUnkeyedContainer(forKey: .methods)
            for method in provider.methods {
                var m = methods.nestedContainer(keyedBy: MethodKeys.self)
                try m.encode(method.method, forKey: .method)
                try m.encode(method.totalCalls, forKey: .totalCalls)
                try m.encode(round2(method.avgLatencyMs), forKey: .avgLatencyMs)
                try m.encode(round4(method.successRate), forKey: .successRate)
                try m.encode(method.p50, forKey: .p50)
                try m.encode(method.p95, forKey: .p95)
                try m.encode(method.p99, forKey: .p99)
                try m.encodeNullable(method.worstNode, forKey: .worstNode)
            }
        }
    }
}

func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
func round4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

extension KeyedEncodingContainer {
    /// Encodes `nil` as an explicit JSON null so every documented field is always present.
    mutating func encodeNullable<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
