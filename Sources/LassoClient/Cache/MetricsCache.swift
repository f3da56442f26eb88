import LassoCore

/// One node's answer to `/api/metrics/:chain` within a refresh.
public struct NodeMetricsFetch: Sendable {
    public var node: String
    public var result: Result<MetricsResponse, NodeFetchError>
    /// The node's uptime from its latest health poll, to detect restarts between metrics polls.
    public var uptimeSeconds: Int?
    public var atMs: Int64

    public init(node: String, result: Result<MetricsResponse, NodeFetchError>, uptimeSeconds: Int?, atMs: Int64) {
        self.node = node
        self.result = result
        self.uptimeSeconds = uptimeSeconds
        self.atMs = atMs
    }
}

public struct NodeFetchError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The client-side ClusterMetricsCache of the seed (lasso-api.md §3.3): stale-while-revalidate, single flight per
/// key, and a generation counter so results fetched for an older node set never land.
public actor MetricsCache {
    public enum Freshness: String, Sendable { case fresh, stale, loading }

    public struct Entry: Sendable {
        public var aggregate: ChainAggregate
        /// Per-node fetch errors of the refresh that produced this entry.
        public var nodeErrors: [String: String]
        public var fetchedAtMs: Int64
        public var generation: Int
    }

    public struct Lookup: Sendable {
        public var entry: Entry?
        public var freshness: Freshness
    }

    public typealias Fetcher = @Sendable (_ chain: String) async -> [NodeMetricsFetch]

    private let fetcher: Fetcher
    private let now: @Sendable () -> Int64
    public var ttlMs: Int64
    private let options: AggregationOptions
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: (generation: Int, task: Task<Entry?, Never>, startedMs: Int64)] = [:]
    private var generation = 0
    private var totalNodes = 0
    private var counters = CacheStats()
    private var rates = RateTracker()
    private var latencyHistory: [String: [Double]] = [:]
    private var rateHistory: [String: [Double]] = [:]
    public static let historyLimit = 60

    public init(ttlMs: Int64, options: AggregationOptions = AggregationOptions(), now: @escaping @Sendable () -> Int64,
                fetcher: @escaping Fetcher) {
        self.ttlMs = ttlMs
        self.options = options
        self.now = now
        self.fetcher = fetcher
    }

    /// Returns immediately with what is cached. A stale or missing entry starts a refresh (unless one is running).
    /// With `wait`, a caller that finds no entry waits for that single refresh instead of getting `loading`.
    public func get(_ chain: String, wait: Bool = false) async -> Lookup {
        let nowMs = now()
        if let entry = entries[chain] {
            if nowMs - entry.fetchedAtMs < ttlMs {
                counters.hits += 1
                return Lookup(entry: entry, freshness: .fresh)
            }
            counters.staleHits += 1
            startRefresh(chain)
            return Lookup(entry: entry, freshness: .stale)
        }
        counters.misses += 1
        let task = startRefresh(chain)
        guard wait else { return Lookup(entry: nil, freshness: .loading) }
        counters.waitingCallers += 1
        let entry = await task.value
        counters.waitingCallers -= 1
        return Lookup(entry: entry ?? entries[chain], freshness: entry == nil && entries[chain] == nil ? .loading : .fresh)
    }

    /// Forces a refresh now (Ctrl-R) unless one is already running for that key.
    @discardableResult
    public func refresh(_ chain: String) -> Task<Entry?, Never> { startRefresh(chain) }

    /// The node set changed (discovery, config): wipe, and discard results of refreshes started before.
    public func setNodeCount(_ count: Int, nodeSetChanged: Bool) {
        totalNodes = count
        guard nodeSetChanged else { return }
        generation += 1
        entries.removeAll()
        inFlight.removeAll()
    }

    public func forget(node: String) { rates.forget(node: node) }

    public func setTTL(_ ms: Int64) { ttlMs = ms }

    public func stats() -> CacheStats {
        var stats = counters
        stats.entries = entries.count
        stats.pendingRefreshes = inFlight.count
        return stats
    }

    public func cachedEntries() -> [String: Entry] { entries }

    public func histories() -> (latency: [String: [Double]], rate: [String: [Double]]) { (latencyHistory, rateHistory) }

    /// When the oldest running refresh started (for the UI's "updating…" mark).
    public func oldestRefreshStartMs() -> Int64? { inFlight.values.map(\.startedMs).min() }

    @discardableResult
    private func startRefresh(_ chain: String) -> Task<Entry?, Never> {
        if let running = inFlight[chain], running.generation == generation { return running.task }
        let startGeneration = generation
        let fetcher = self.fetcher
        let task = Task<Entry?, Never> {
            let fetches = await fetcher(chain)
            return self.complete(chain: chain, fetches: fetches, generation: startGeneration)
        }
        inFlight[chain] = (startGeneration, task, now())
        return task
    }

    private func complete(chain: String, fetches: [NodeMetricsFetch], generation started: Int) -> Entry? {
        guard started == generation else { return nil }   // node set changed meanwhile: discard
        inFlight[chain] = nil
        var reports: [NodeChainReport] = []
        var errors: [String: String] = [:]
        var nodeRates: [String: [String: Double]] = [:]
        for fetch in fetches {
            switch fetch.result {
            case .success(let metrics):
                reports.append(NodeChainReport(node: fetch.node, metrics: metrics))
                var counters: [String: Int] = [:]
                // First entry wins on a duplicate provider id, as in the aggregation, so rate and figures agree.
                for provider in metrics.providers where counters[chain + "/" + provider.id] == nil {
                    counters[chain + "/" + provider.id] = provider.totalCalls
                }
                let observed = rates.observe(node: fetch.node, counters: counters, atMs: fetch.atMs, uptimeSeconds: fetch.uptimeSeconds)
                for (key, rate) in observed.rates {
                    if let rate { nodeRates[fetch.node, default: [:]][String(key.dropFirst(chain.count + 1))] = rate }
                }
            case .failure(let error):
                errors[fetch.node] = error.message
            }
        }
        let aggregate = Aggregation.aggregate(chain: chain, reports: reports, totalNodes: max(totalNodes, fetches.count),
                                              rates: nodeRates, options: options)
        for provider in aggregate.providers {
            let key = ClusterSnapshot.historyKey(chain: chain, provider: provider.id)
            append(&latencyHistory[key, default: []], provider.avgLatencyMs)
            if let rate = provider.callsPerSecond { append(&rateHistory[key, default: []], rate) }
        }
        let entry = Entry(aggregate: aggregate, nodeErrors: errors, fetchedAtMs: now(), generation: generation)
        entries[chain] = entry
        return entry
    }

    private func append(_ history: inout [Double], _ value: Double) {
        history.append(value)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    }
}
