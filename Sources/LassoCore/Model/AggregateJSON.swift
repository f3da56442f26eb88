import Foundation

/// The one JSON shape of the aggregated figures for people and scripts: `snapshot --format json` (schema
/// `lassotop.snapshot/2`, docs/snapshot-schema.md) and the TUI's `e` export both encode through these views, so the
/// two outputs cannot drift apart. Keys are snake_case; nullable fields are always present (as null); figures are
/// rounded for people (latencies and rates to 0.01, fractions and scores to 0.0001). Fields outside the schema
/// (per-node p50/p99, calls in the last minute and per-node method rows) are left out: adding one is
/// a schema change. The types' own synthesized `Codable` is the lossless in-memory form (for storage), not an output.
public enum AggregateJSON {
    public struct Chain: Encodable {
        public let value: ChainAggregate
        public init(_ value: ChainAggregate) { self.value = value }

        enum JSONKeys: String, CodingKey { case chain, chainID = "chain_id", coverage, providers }
        enum CoverageKeys: String, CodingKey { case responding, total }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: JSONKeys.self)
            try c.encode(value.chain, forKey: .chain)
            try c.encodeNullable(value.chainID, forKey: .chainID)
            var coverage = c.nestedContainer(keyedBy: CoverageKeys.self, forKey: .coverage)
            try coverage.encode(value.responding, forKey: .responding)
            try coverage.encode(value.total, forKey: .total)
            try c.encode(value.providers.map(Provider.init), forKey: .providers)
        }
    }

    public struct Provider: Encodable {
        public let value: ProviderAggregate
        public init(_ value: ProviderAggregate) { self.value = value }

        enum JSONKeys: String, CodingKey {
            case id, name, score, methods
            case totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case nodesReporting = "nodes_reporting", coldStart = "cold_start", callsPerSecond = "calls_per_second"
            case p95Max = "p95_latency_ms_max", p95WorstNode = "p95_worst_node", p95LowSample = "p95_low_sample"
            case byNode = "by_node"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: JSONKeys.self)
            try c.encode(value.id, forKey: .id)
            try c.encodeNullable(value.name, forKey: .name)
            try c.encode(value.totalCalls, forKey: .totalCalls)
            try c.encode(JSONRounding.hundredths(value.avgLatencyMs), forKey: .avgLatencyMs)
            try c.encode(JSONRounding.tenThousandths(value.successRate), forKey: .successRate)
            try c.encode(JSONRounding.tenThousandths(value.score), forKey: .score)
            try c.encode(value.nodesReporting, forKey: .nodesReporting)
            try c.encode(value.coldStart, forKey: .coldStart)
            try c.encodeNullable(value.callsPerSecond.map(JSONRounding.hundredths), forKey: .callsPerSecond)
            try c.encode(value.p95LatencyMsMax, forKey: .p95Max)
            try c.encodeNullable(value.p95WorstNode, forKey: .p95WorstNode)
            try c.encode(value.p95LowSample, forKey: .p95LowSample)
            try c.encode(value.byNode.map(ProviderNode.init), forKey: .byNode)
            try c.encode(value.methods.map(Method.init), forKey: .methods)
        }
    }

    public struct ProviderNode: Encodable {
        public let value: ProviderNodeFigures
        public init(_ value: ProviderNodeFigures) { self.value = value }

        enum JSONKeys: String, CodingKey {
            case node, score, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case callsPerSecond = "calls_per_second", p95 = "p95_latency_ms", stale
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: JSONKeys.self)
            try c.encode(value.node, forKey: .node)
            try c.encode(value.totalCalls, forKey: .totalCalls)
            try c.encode(JSONRounding.hundredths(value.avgLatencyMs), forKey: .avgLatencyMs)
            try c.encode(JSONRounding.tenThousandths(value.successRate), forKey: .successRate)
            try c.encode(JSONRounding.tenThousandths(value.score), forKey: .score)
            try c.encodeNullable(value.callsPerSecond.map(JSONRounding.hundredths), forKey: .callsPerSecond)
            try c.encode(value.p95, forKey: .p95)
            try c.encode(value.stale, forKey: .stale)
        }
    }

    public struct Method: Encodable {
        public let value: MethodAggregate
        public init(_ value: MethodAggregate) { self.value = value }

        enum JSONKeys: String, CodingKey {
            case method, totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", successRate = "success_rate"
            case p50 = "p50_latency_ms", p90 = "p90_latency_ms", p95 = "p95_latency_ms", p99 = "p99_latency_ms"
            case worstNode = "worst_node", lowSample = "low_sample"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: JSONKeys.self)
            try c.encode(value.method, forKey: .method)
            try c.encode(value.totalCalls, forKey: .totalCalls)
            try c.encodeNullable(value.avgLatencyMs.map(JSONRounding.hundredths), forKey: .avgLatencyMs)
            try c.encodeNullable(value.successRate.map(JSONRounding.tenThousandths), forKey: .successRate)
            try c.encode(value.p50, forKey: .p50)
            try c.encode(value.p90, forKey: .p90)
            try c.encode(value.p95, forKey: .p95)
            try c.encode(value.p99, forKey: .p99)
            try c.encodeNullable(value.worstNode, forKey: .worstNode)
            try c.encode(value.lowSample, forKey: .lowSample)
        }
    }
}

enum JSONRounding {
    static func hundredths(_ value: Double) -> Double { (value * 100).rounded() / 100 }
    static func tenThousandths(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}

extension KeyedEncodingContainer {
    /// Encodes `nil` as an explicit JSON null so every documented field is always present.
    public mutating func encodeNullable<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
