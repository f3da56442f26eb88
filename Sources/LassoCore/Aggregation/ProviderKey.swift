/// Names one provider of one chain: the key of its history and of its per-node rate baselines.
public struct ProviderKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var chain: String
    public var id: String

    public init(chain: String, id: String) {
        self.chain = chain
        self.id = id
    }

    /// "chain/id", the text form alert subjects use. Never parsed back: a provider id may itself contain "/".
    public var description: String { chain + "/" + id }

    public static func < (lhs: ProviderKey, rhs: ProviderKey) -> Bool { (lhs.chain, lhs.id) < (rhs.chain, rhs.id) }
}

/// A provider's cluster figures over its chain's recent refreshes, oldest first, bounded to `limit` values each.
public struct ProviderHistory: Sendable, Equatable {
    public static let limit = 60

    /// Call-weighted average latency (ms), one value per refresh that listed the provider.
    public private(set) var latencyMs: [Double]
    /// Cluster calls/s, one value per refresh in which at least one node's rate was known.
    public private(set) var callsPerSecond: [Double]

    public init(latencyMs: [Double] = [], callsPerSecond: [Double] = []) {
        self.latencyMs = latencyMs
        self.callsPerSecond = callsPerSecond
    }

    /// Refreshes in a row that did not list the provider (see `ChainMetrics.next`).
    public internal(set) var missedRefreshes = 0

    public mutating func record(_ provider: ProviderAggregate) {
        missedRefreshes = 0
        Self.append(&latencyMs, provider.avgLatencyMs)
        if let rate = provider.callsPerSecond { Self.append(&callsPerSecond, rate) }
    }

    private static func append(_ values: inout [Double], _ value: Double) {
        values.append(value)
        if values.count > limit { values.removeFirst(values.count - limit) }
    }
}
