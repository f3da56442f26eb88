import LassoCore
import Synchronization

/// Caches one value per key (the monitor: one `ChainMetrics` per chain) and nothing else: a TTL,
/// stale-while-revalidate, a single refresh in flight per key, and a generation counter so results fetched for an
/// older node set never land. What a value is made of is the caller's: `fetch` does the slow part off the cache,
/// `land` turns a fetched result into the cached value, on the cache and only while that result is still current.
public actor MetricsCache<Fetched: Sendable, Value: Sendable> {
    public enum Freshness: String, Sendable { case fresh, stale, loading }

    public struct Entry: Sendable {
        public var value: Value
        public var fetchedAtMs: Int64
        public var generation: Int
    }

    public struct Lookup: Sendable {
        public var entry: Entry?
        public var freshness: Freshness
    }

    /// Everything a reader needs in one call, so entries, counters and refresh state agree with each other.
    public struct Reading: Sendable {
        public var entries: [String: Entry]
        public var stats: CacheStats
        /// When the oldest running refresh started (for the UI's "updating…" mark).
        public var oldestRefreshStartMs: Int64?
    }

    public typealias Fetch = @Sendable (_ key: String) async -> Fetched
    public typealias Land = @Sendable (_ key: String, _ fetched: Fetched) -> Value

    private let fetch: Fetch
    private let land: Land
    private let now: @Sendable () -> Int64
    /// Where refreshes run (`nil`: the global pool). An unstructured task does not inherit its creator's executor
    /// preference, so the cache must be told.
    nonisolated let executor: (any TaskExecutor)?
    public var ttlMs: Int64
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: (generation: Int, task: Task<Entry?, Never>, startedMs: Int64)] = [:]
    private var generation = 0
    private var counters = CacheStats()

    public init(ttlMs: Int64, now: @escaping @Sendable () -> Int64, executor: (any TaskExecutor)? = nil,
                fetch: @escaping Fetch, land: @escaping Land) {
        self.ttlMs = ttlMs
        self.now = now
        self.executor = executor
        self.fetch = fetch
        self.land = land
    }

    /// Returns immediately with what is cached. A stale or missing entry starts a refresh (unless one is running).
    /// With `wait`, a caller that finds no entry waits for that single refresh instead of getting `loading`.
    public func get(_ key: String, wait: Bool = false) async -> Lookup {
        let nowMs = now()
        if let entry = entries[key] {
            if nowMs - entry.fetchedAtMs < ttlMs {
                counters.hits += 1
                return Lookup(entry: entry, freshness: .fresh)
            }
            counters.staleHits += 1
            startRefresh(key)
            return Lookup(entry: entry, freshness: .stale)
        }
        counters.misses += 1
        let task = startRefresh(key)
        guard wait else { return Lookup(entry: nil, freshness: .loading) }
        counters.waitingCallers += 1
        let entry = await task.value
        counters.waitingCallers -= 1
        return Lookup(entry: entry ?? entries[key], freshness: entry == nil && entries[key] == nil ? .loading : .fresh)
    }

    /// Forces a refresh now (Ctrl-R) unless one is already running for that key.
    @discardableResult
    public func refresh(_ key: String) -> Task<Entry?, Never> { startRefresh(key) }

    /// The node set changed (discovery, config): wipe, and discard results of refreshes started before.
    public func invalidateAll() {
        generation += 1
        entries.removeAll()
        inFlight.removeAll()
    }

    /// Drops the entries of keys no longer wanted (chains a node stopped listing), so names that change on every
    /// poll do not pile up. A refresh still running for such a key lands and is dropped at the next call.
    public func retain(only keys: Set<String>) {
        entries = entries.filter { keys.contains($0.key) }
    }

    public func setTTL(_ ms: Int64) { ttlMs = ms }

    public func stats() -> CacheStats {
        var stats = counters
        stats.entries = entries.count
        stats.pendingRefreshes = inFlight.count
        return stats
    }

    /// A refresh is running (started, not landed or discarded yet).
    public var isRefreshing: Bool { !inFlight.isEmpty }

    public func reading() -> Reading {
        Reading(entries: entries, stats: stats(), oldestRefreshStartMs: inFlight.values.map(\.startedMs).min())
    }

    @discardableResult
    private func startRefresh(_ key: String) -> Task<Entry?, Never> {
        if let running = inFlight[key], running.generation == generation { return running.task }
        let startGeneration = generation
        let fetch = self.fetch
        let task = Task<Entry?, Never>(executorPreference: executor) {
            let fetched = await fetch(key)
            return await self.complete(key: key, fetched: fetched, generation: startGeneration)
        }
        inFlight[key] = (startGeneration, task, now())
        return task
    }

    private func complete(key: String, fetched: Fetched, generation started: Int) -> Entry? {
        guard started == generation else { return nil }   // node set changed meanwhile: discard
        inFlight[key] = nil
        let entry = Entry(value: land(key, fetched), fetchedAtMs: now(), generation: generation)
        entries[key] = entry
        return entry
    }
}

/// The monitor's cache: per chain, the metrics every node sent in one refresh, landed through a `MetricsPipeline`.
public typealias ChainMetricsCache = MetricsCache<[NodeMetricsFetch], ChainMetrics>

/// A `MetricsPipeline` shared between the cache (which lands refreshes) and the monitor (which forgets nodes and
/// sets the node count). Landing is synchronous, so a refresh lands whole or not at all.
public final class SharedMetricsPipeline: Sendable {
    private let pipeline: Mutex<MetricsPipeline>

    public init(_ pipeline: MetricsPipeline) { self.pipeline = Mutex(pipeline) }

    public func land(chain: String, fetches: [NodeMetricsFetch]) -> ChainMetrics {
        pipeline.withLock { $0.land(chain: chain, fetches: fetches) }
    }

    public func setTotalNodes(_ count: Int) { pipeline.withLock { $0.totalNodes = count } }

    public func forget(node: String) { pipeline.withLock { $0.forget(node: node) } }

    public func retain(chains: Set<String>) { pipeline.withLock { $0.retain(chains: chains) } }

    /// A copy of the pipeline as it is now.
    public func current() -> MetricsPipeline { pipeline.withLock { $0 } }
}
