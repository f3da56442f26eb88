/// The frozen picture the UI renders and `snapshot` prints (bottom's "collectors → frozen data → widgets").
/// Pollers publish a new value; readers never wait on the network.
public struct ClusterSnapshot: Sendable, Equatable {
    public var generatedAtMs: Int64
    /// Cluster name from the config, or nil.
    public var clusterName: String?
    public var isDemo: Bool
    public var coverage: Coverage
    public var nodes: [NodeStatus]
    public var chains: [ChainAggregate]
    /// Newest events, oldest first (ts order), bounded.
    public var feed: [FeedEvent]
    public var feedStats: FeedStats
    /// True event rate before sampling (events/s) and the rate shown after sampling.
    public var eventRate: Double
    public var shownEventRate: Double
    public var sampling: Bool
    public var alerts: [Alert]
    public var cache: CacheStats
    /// A refresh has run longer than 1 s, or data is stale.
    public var updating: Bool
    /// Per provider of a chain: average latency history (ms) and calls/s history, oldest first (`ProviderHistory`).
    public var latencyHistory: [ProviderKey: [Double]]
    public var rateHistory: [ProviderKey: [Double]]
    /// TLS verification disabled by --insecure.
    public var insecure: Bool
    /// `--discover`: why the last lookup failed (nil when it worked or there is no discovery), so a name that does
    /// not resolve is shown, not just `Coverage: 0/0`.
    public var discoveryError: String? = nil

    public init(generatedAtMs: Int64, clusterName: String? = nil, isDemo: Bool = false, coverage: Coverage,
                nodes: [NodeStatus], chains: [ChainAggregate], feed: [FeedEvent] = [], feedStats: FeedStats = FeedStats(),
                eventRate: Double = 0, shownEventRate: Double = 0, sampling: Bool = false, alerts: [Alert] = [],
                cache: CacheStats = CacheStats(), updating: Bool = false, latencyHistory: [ProviderKey: [Double]] = [:],
                rateHistory: [ProviderKey: [Double]] = [:], insecure: Bool = false) {
        self.generatedAtMs = generatedAtMs
        self.clusterName = clusterName
        self.isDemo = isDemo
        self.coverage = coverage
        self.nodes = nodes
        self.chains = chains
        self.feed = feed
        self.feedStats = feedStats
        self.eventRate = eventRate
        self.shownEventRate = shownEventRate
        self.sampling = sampling
        self.alerts = alerts
        self.cache = cache
        self.updating = updating
        self.latencyHistory = latencyHistory
        self.rateHistory = rateHistory
        self.insecure = insecure
    }

    public static func historyKey(chain: String, provider: String) -> ProviderKey { ProviderKey(chain: chain, id: provider) }

    /// Splits per-provider histories into the snapshot's two columns. A provider without any known rate has no
    /// `rateHistory` entry (readers treat a missing entry as empty).
    public static func historyColumns<Histories: Sequence>(_ histories: Histories)
        -> (latency: [ProviderKey: [Double]], rate: [ProviderKey: [Double]])
        where Histories.Element == (key: ProviderKey, value: ProviderHistory) {
        var latency: [ProviderKey: [Double]] = [:]
        var rate: [ProviderKey: [Double]] = [:]
        for (key, history) in histories {
            latency[key] = history.latencyMs
            if !history.callsPerSecond.isEmpty { rate[key] = history.callsPerSecond }
        }
        return (latency, rate)
    }
}

/// The metrics cache's counters.
public struct CacheStats: Codable, Equatable, Sendable {
    public var entries: Int = 0
    public var pendingRefreshes: Int = 0
    public var waitingCallers: Int = 0
    public var hits: Int = 0
    public var misses: Int = 0
    public var staleHits: Int = 0

    public init(entries: Int = 0, pendingRefreshes: Int = 0, waitingCallers: Int = 0, hits: Int = 0, misses: Int = 0, staleHits: Int = 0) {
        self.entries = entries
        self.pendingRefreshes = pendingRefreshes
        self.waitingCallers = waitingCallers
        self.hits = hits
        self.misses = misses
        self.staleHits = staleHits
    }

    /// (hits + stale hits) / all lookups; nil before the first lookup.
    public var hitRate: Double? {
        let lookups = hits + staleHits + misses
        return lookups == 0 ? nil : Double(hits + staleHits) / Double(lookups)
    }

    enum CodingKeys: String, CodingKey {
        case entries, hits, misses
        case pendingRefreshes = "pending_refreshes", waitingCallers = "waiting_callers", staleHits = "stale_hits"
    }
}
