import Foundation
import LassoCore

/// All mutable monitor state, behind one actor: node trackers, event cursors, the feed, alert state.
/// Pollers write here; `snapshot(...)` freezes it into a `ClusterSnapshot`.
actor MonitorState {
    private(set) var order: [String] = []
    private(set) var targets: [String: NodeTarget] = [:]
    private var trackers: [String: NodeTracker] = [:]
    private var cursors: [String: Int64] = [:]
    private(set) var chains: [String]
    private var chainIDs: [String: Int] = [:]
    private var feed: FeedBuffer
    private var alertEngine: AlertEngine
    private var alerts: [Alert] = []
    private var previousNodes: [NodeStatus] = []
    private var previousCoverage: Coverage?
    private var previousChains: [ChainAggregate] = []
    private var lastAlertEvaluationMs: Int64 = 0
    private var pollObservations: [PollObservation] = []
    /// Per node and chain, the `fetchedAtMs` of the cache entry whose metrics error was already noted for that node.
    private var notedMetricsRefresh: [String: [String: Int64]] = [:]
    private(set) var dirty = true
    let fixedChains: Bool

    init(config: MonitorConfig) {
        chains = config.chains
        fixedChains = !config.chains.isEmpty
        feed = FeedBuffer(options: config.feed)
        alertEngine = AlertEngine(config: config.alerts)
    }

    // MARK: node set

    /// Replaces the node set; returns the names added and removed.
    func setTargets(_ newTargets: [NodeTarget]) -> (added: [NodeTarget], removed: [String]) {
        let newNames = Set(newTargets.map(\.name))
        let removed = order.filter { !newNames.contains($0) }
        var added: [NodeTarget] = []
        for target in newTargets where targets[target.name] == nil {
            added.append(target)
            trackers[target.name] = NodeTracker(name: target.name, url: target.url)
        }
        for name in removed {
            notedMetricsRefresh[name] = nil
            trackers[name] = nil
            targets[name] = nil
            cursors[name] = nil
        }
        for target in newTargets { targets[target.name] = target }
        order = newTargets.map(\.name)
        if !added.isEmpty || !removed.isEmpty { dirty = true }
        return (added, removed)
    }

    func target(_ name: String) -> NodeTarget? { targets[name] }

    // MARK: health

    func recordHealth(node: String, result: Result<HealthResponse, NodeTracker.Failure>, latencyMs: Double, nowMs: Int64,
                      healthIntervalMs: Int64) -> Int64 {
        guard var tracker = trackers[node] else { return healthIntervalMs }
        switch result {
        case .success(let health):
            tracker.recordSuccess(health, latencyMs: latencyMs, nowMs: nowMs)
            pollObservations.append(PollObservation(atMs: nowMs, latencyMs: latencyMs, ok: true, node: node))
        case .failure(let failure):
            tracker.recordFailure(failure, latencyMs: latencyMs, nowMs: nowMs)
            pollObservations.append(PollObservation(atMs: nowMs, latencyMs: latencyMs, ok: false, node: node))
        }
        trackers[node] = tracker
        dirty = true
        return tracker.nextDelayMs(healthIntervalMs: healthIntervalMs)
    }

    func uptime(of node: String) -> Int? { trackers[node]?.status.uptimeSeconds }

    func respondingNodeNames() -> [String] {
        order.filter { trackers[$0]?.status.state == .up }
    }

    // MARK: chains

    func setChains(_ list: [ChainInfo]) {
        guard !fixedChains else { return }
        let names = list.map(\.chainName)
        for chain in list { chainIDs[chain.chainName] = Int(chain.chainID) }
        if names != chains {
            chains = names
            dirty = true
        }
    }

    // MARK: events

    func cursor(of node: String) -> Int64 { cursors[node] ?? 0 }

    func setCursor(_ value: Int64, of node: String) { cursors[node] = value }

    func ingest(_ events: [FeedEvent], malformed: Int, relay: String, nowMs: Int64) {
        for var event in events {
            event.relayNode = relay
            _ = feed.ingest(event, nowMs: nowMs)
        }
        if malformed > 0 { feed.recordMalformed(count: malformed) }
        if !events.isEmpty || malformed > 0 { dirty = true }
    }

    func ingestLocal(_ events: [FeedEvent], malformed: Int, nowMs: Int64) {
        for event in events { _ = feed.ingest(event, nowMs: nowMs) }
        if malformed > 0 { feed.recordMalformed(count: malformed) }
        dirty = true
    }

    func markDirty() { dirty = true }

    // MARK: freezing

    static func metricsNote(chain: String, _ message: String) -> String { "metrics \(chain): \(message)" }

    /// Logs each refresh's per-node metrics errors once in the node's error log (only for nodes whose health
    /// answers: a down node's health error already says why).
    private func noteMetricsErrors(_ cache: [String: MetricsCache.Entry], nowMs: Int64) {
        for (chain, entry) in cache {
            for (node, message) in entry.nodeErrors where notedMetricsRefresh[node]?[chain] != entry.fetchedAtMs {
                guard var tracker = trackers[node], tracker.status.state == .up || tracker.status.state == .stale else { continue }
                tracker.recordNote(Self.metricsNote(chain: chain, message), nowMs: nowMs)
                trackers[node] = tracker
                notedMetricsRefresh[node, default: [:]][chain] = entry.fetchedAtMs
            }
        }
    }

    /// Builds the snapshot; also derives cluster feed entries and evaluates alerts (at most once per health interval).
    func snapshot(config: MonitorConfig, healthIntervalMs: Int64, cache: [String: MetricsCache.Entry],
                  cacheStats: CacheStats, histories: (latency: [String: [Double]], rate: [String: [Double]]),
                  refreshingSinceMs: Int64?, nowMs: Int64, freshnessAtMs: Int64? = nil) -> ClusterSnapshot {
        dirty = false
        let freshnessNow = freshnessAtMs ?? nowMs
        for name in order { trackers[name]?.age(nowMs: freshnessNow, healthIntervalMs: healthIntervalMs) }
        noteMetricsErrors(cache, nowMs: nowMs)
        var metricsErrors: [String: String] = [:]
        for chain in chains {
            for (node, message) in cache[chain]?.nodeErrors ?? [:] where metricsErrors[node] == nil {
                metricsErrors[node] = Self.metricsNote(chain: chain, message)
            }
        }
        // A node whose health answers but whose metrics were rejected stays `up` (it responds), and says why its
        // figures are missing from the aggregates.
        let nodes = order.compactMap { name -> NodeStatus? in
            guard var status = trackers[name]?.status else { return nil }
            if status.lastError == nil, status.state == .up || status.state == .stale, let note = metricsErrors[name] {
                status.lastError = note
            }
            return status
        }
        let samples = order.compactMap { trackers[$0]?.healthSample }
        let coverage = CoverageRules.compute(nodes: samples, expected: config.expected, now: freshnessNow,
                                             healthIntervalMs: healthIntervalMs)
        let chainAggregates: [ChainAggregate] = chains.map { chain in
            cache[chain]?.aggregate ?? ChainAggregate(chain: chain, chainID: chainIDs[chain], responding: 0,
                                                      total: coverage.total, providers: [])
        }
        .map { aggregate in
            var copy = aggregate
            copy.total = max(copy.total, coverage.total)
            return copy
        }

        let derived = DerivedEvents.diff(previousNodes: previousNodes, nodes: nodes, previousCoverage: previousCoverage,
                                         coverage: coverage, previousChains: previousChains, chains: chainAggregates,
                                         nowMs: nowMs)
        for event in derived { _ = feed.ingest(event, nowMs: nowMs) }
        previousNodes = nodes
        previousCoverage = coverage
        previousChains = chainAggregates

        let rates = feed.rates(nowMs: nowMs)
        let stale = nodes.contains { $0.state == .stale }
        let slowRefresh = refreshingSinceMs.map { nowMs - $0 > 1_000 } ?? false
        var snapshot = ClusterSnapshot(
            generatedAtMs: nowMs, clusterName: config.clusterName, isDemo: config.isDemo, coverage: coverage,
            nodes: nodes, chains: chainAggregates, feed: [], feedStats: feed.stats,
            eventRate: rates.trueRate, shownEventRate: rates.shownRate, sampling: rates.sampling, alerts: alerts,
            cache: cacheStats, updating: stale || slowRefresh, latencyHistory: histories.latency,
            rateHistory: histories.rate, insecure: config.http.insecure)
        if nowMs - lastAlertEvaluationMs >= healthIntervalMs {
            lastAlertEvaluationMs = nowMs
            let update = alertEngine.evaluate(AlertSample(snapshot: snapshot, polls: pollObservations))
            pollObservations.removeAll(keepingCapacity: true)
            alerts = update.active
            for transition in update.transitions { _ = feed.ingest(transition.feedEvent(), nowMs: nowMs) }
            snapshot.alerts = alerts
        }
        snapshot.feed = feed.events
        snapshot.feedStats = feed.stats
        return snapshot
    }
}
