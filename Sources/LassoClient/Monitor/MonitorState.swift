import Foundation
import LassoCore

/// All mutable monitor state, behind one actor: node trackers, event cursors, the feed, alert state.
/// Pollers write here; `snapshot(...)` freezes it into a `ClusterSnapshot`.
actor MonitorState {
    private(set) var order: [String] = []
    private(set) var targets: [String: NodeTarget] = [:]
    private var trackers: [String: NodeTracker] = [:]
    private var cursors: [String: Int64] = [:]
    /// A node's own id (its events page's `node_id`) → its configured name, to show one name per node (FeedNaming).
    private var nodeIDs: [String: String] = [:]
    private(set) var chains: [String]
    private var chainIDs: [String: Int] = [:]
    /// Chains `/api/chains` listed beyond `MonitorConfig.maxChains` (not watched).
    private var chainsCut = 0
    private var feed: FeedBuffer
    /// The feed as the last snapshot showed it (named), kept while neither the displayed events nor the naming
    /// changed: up to 1,000 events were copied and named on every publish, about a third of building a snapshot.
    private var namedFeed: (version: Int, mark: FeedBuffer.DisplayMark, naming: FeedNaming, events: [FeedEvent])?
    private var alertEngine: AlertEngine
    private var alerts: [Alert] = []
    /// The figures of the previous snapshot, to derive cluster events from what changed.
    private var previousFigures: ClusterFigures?
    /// The history columns and the cache landings they were built from (chain → when and in which generation):
    /// they change only when metrics land, not on every publish.
    private var historyMemo: (landings: [String: MetricsLanding], columns: (latency: [ProviderKey: [Double]], rate: [ProviderKey: [Double]]))?
    struct MetricsLanding: Equatable {
        var fetchedAtMs: Int64
        var generation: Int
    }
    private var lastAlertEvaluationMs: Int64 = 0
    private var pollObservations: [PollObservation] = []
    /// Raises partition suspicion only once responding nodes' views have disagreed for the hold (docs/alerts.md).
    private var partitionHold = PartitionHold()
    /// Per node, when its health poll now in flight started (the header says "updating" while one takes > 1 s).
    private var healthInFlightSinceMs: [String: Int64] = [:]
    /// Per node and chain, the `fetchedAtMs` of the cache entry whose metrics error was already noted for that node.
    private var notedMetricsRefresh: [String: [String: Int64]] = [:]
    private(set) var dirty = true
    /// The last `--discover` lookup's error (nil: it worked).
    private(set) var discoveryError: String?

    func setDiscoveryError(_ text: String?) {
        guard text != discoveryError else { return }
        discoveryError = text
        dirty = true
    }
    let fixedChains: Bool
    let config: MonitorConfig

    init(config: MonitorConfig) {
        self.config = config
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
            nodeIDs = nodeIDs.filter { $0.value != name }
            notedMetricsRefresh[name] = nil
            healthInFlightSinceMs[name] = nil
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

    func healthPollStarted(node: String, atMs: Int64) {
        guard trackers[node] != nil else { return }
        healthInFlightSinceMs[node] = atMs
    }

    func recordHealth(node: String, result: Result<HealthResponse, NodeTracker.Failure>, latencyMs: Double, nowMs: Int64,
                      healthIntervalMs: Int64) -> Int64 {
        healthInFlightSinceMs[node] = nil
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

    func isDown(_ node: String) -> Bool { trackers[node]?.status.state == .down }

    func respondingNodeNames() -> [String] {
        order.filter { trackers[$0]?.status.state == .up }
    }

    // MARK: chains

    func setChains(_ list: [ChainInfo], nowMs: Int64) {
        guard !fixedChains else { return }
        // Each chain costs a metrics request per node per interval: a node listing thousands would starve the polls.
        // The first `maxChains` are watched; the cut is said once per change, in the feed (screen and snapshot).
        var seen = Set<String>()
        let unique = list.filter { seen.insert($0.chainName).inserted }
        // A name that long is no chain name; it would go into every URL and row.
        let usable = unique.filter { !$0.chainName.isEmpty && $0.chainName.utf8.count <= 200 }
        let kept = Array(usable.prefix(MonitorConfig.maxChains))
        if unique.count - kept.count != chainsCut {
            chainsCut = unique.count - kept.count
            if chainsCut > 0 {
                _ = feed.ingest(.cluster(ts: nowMs, severity: .warning,
                                         message: "/api/chains lists \(unique.count) chains: watching the first \(kept.count), \(chainsCut) cut"),
                                nowMs: nowMs)
            }
        }
        let names = kept.map(\.chainName)
        // Rebuilt each time, so chain ids that change on every poll do not pile up.
        chainIDs = Dictionary(kept.map { ($0.chainName, Int($0.chainID)) }, uniquingKeysWith: { first, _ in first })
            .compactMapValues { $0 }
        if names != chains {
            chains = names
            dirty = true
        }
    }

    // MARK: events

    func cursor(of node: String) -> Int64 { cursors[node] ?? 0 }

    func setCursor(_ value: Int64, of node: String) { cursors[node] = value }

    func ingest(_ events: [FeedEvent], malformed: Int, relay: String, relayNodeID: String? = nil, nowMs: Int64) {
        if let relayNodeID, !relayNodeID.isEmpty, nodeIDs[relayNodeID] != relay {
            nodeIDs[relayNodeID] = relay
            dirty = true
        }
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

    /// Logs each refresh's per-node metrics errors once in the node's error log (only for nodes whose health
    /// answers: a down node's health error already says why).
    private func noteMetricsErrors(_ entries: [String: ChainMetricsCache.Entry], nowMs: Int64) {
        for (chain, entry) in entries {
            for (node, message) in entry.value.nodeErrors where notedMetricsRefresh[node]?[chain] != entry.fetchedAtMs {
                guard var tracker = trackers[node], tracker.status.state == .up || tracker.status.state == .stale else { continue }
                tracker.recordNote(ClusterFigures.metricsNote(chain: chain, message), nowMs: nowMs)
                trackers[node] = tracker
                notedMetricsRefresh[node, default: [:]][chain] = entry.fetchedAtMs
            }
        }
    }

    /// `feed`'s events named by `naming`, taking each from `previous` (named by the same `naming`) when it is there:
    /// naming looks up a node and a provider by their string keys, ~5,000 instructions per event, and a publish saw
    /// up to 1,000 events of which a handful were new. Both lists are in `ts` order (ties in arrival order), so one
    /// walk finds the kept ones; an entry is reused only when it equals the event in everything naming does not set,
    /// which makes it exactly what naming the event would give.
    static func named(_ feed: FeedBuffer, naming: FeedNaming, reusing previous: [FeedEvent]) -> [FeedEvent] {
        var next = 0
        return feed.mapEvents { event in
            while next < previous.count && previous[next].ts < event.ts { next += 1 }
            // Kept events keep their order, so a match moves `next` past it; events between that did not match
            // left the display. Among many equal stamps only a few candidates are tried (a miss just names it).
            var candidate = next
            while candidate < min(previous.count, next + 64) && previous[candidate].ts == event.ts {
                if Self.sameBeyondNaming(previous[candidate], event) {
                    next = candidate + 1
                    return previous[candidate]
                }
                candidate += 1
            }
            return naming.named(event)
        }
    }

    /// `a == b` but for the two fields naming sets (`node`, `providerName`), field by field: copying an event to
    /// compare it cost more than the naming it saves. `IncrementalFeedNamingTests` checks this covers every field.
    static func sameBeyondNaming(_ a: FeedEvent, _ b: FeedEvent) -> Bool {
        a.ts == b.ts && a.kind == b.kind && a.requestID == b.requestID && a.method == b.method
            && a.providerID == b.providerID && a.sourceNodeID == b.sourceNodeID && a.relayNode == b.relayNode
            && a.chain == b.chain && a.chainID == b.chainID && a.durationMs == b.durationMs && a.result == b.result
            && a.profile == b.profile && a.strategy == b.strategy && a.transport == b.transport
            && a.requestOrigin == b.requestOrigin && a.failoverCount == b.failoverCount && a.from == b.from
            && a.to == b.to && a.reason == b.reason && a.severity == b.severity && a.message == b.message
    }

    /// Freezes the state and the cache's reading into a snapshot, one way: node trackers (aged, metrics errors
    /// noted) → `ClusterFigures` → derived cluster events → alerts (at most once per health interval) → snapshot.
    func snapshot(metrics: ChainMetricsCache.Reading, healthIntervalMs: Int64, nowMs: Int64,
                  freshnessAtMs: Int64? = nil) -> ClusterSnapshot {
        dirty = false
        let freshnessNow = freshnessAtMs ?? nowMs
        let freshIntervalMs = MonitorConfig.freshnessIntervalMs(healthIntervalMs: healthIntervalMs,
                                                                healthTimeoutMs: config.effectiveHealthTimeoutMs)
        for name in order { trackers[name]?.age(nowMs: freshnessNow, healthIntervalMs: freshIntervalMs) }
        noteMetricsErrors(metrics.entries, nowMs: nowMs)

        let chainMetrics = metrics.entries.mapValues(\.value)
        var figures = ClusterFigures.build(statuses: order.compactMap { trackers[$0]?.status }, chainNames: chains,
                                           metrics: chainMetrics, chainIDs: chainIDs, expected: config.expected,
                                           nowMs: freshnessNow, healthIntervalMs: freshIntervalMs)

        // Views change one after the other when a node leaves or joins: suspect a partition only once the
        // disagreement has held (PartitionHold), so the banner, feed entry, alert and `check` never flash on it.
        let verdicts = ClusterVerdicts.judge(figures.nodes)
        figures.coverage.partitionSuspected = partitionHold.update(
            disagree: PartitionHold.disagreement(nodes: figures.nodes, verdicts: verdicts),
            responding: Set(figures.nodes.filter { $0.state == .up }.map(\.name)), nowMs: nowMs,
            holdMs: config.alerts.partitionHold(healthIntervalMs: healthIntervalMs))

        let derived = DerivedEvents.diff(previousNodes: previousFigures?.nodes ?? [], nodes: figures.nodes,
                                         previousCoverage: previousFigures?.coverage, coverage: figures.coverage,
                                         previousChains: previousFigures?.chains ?? [], chains: figures.chains,
                                         nowMs: nowMs)
        for event in derived { _ = feed.ingest(event, nowMs: nowMs) }
        for event in VersionChanges.events(previousNodes: previousFigures?.nodes ?? [], nodes: figures.nodes, nowMs: nowMs) {
            _ = feed.ingest(event, nowMs: nowMs)
        }
        previousFigures = figures
        // Event rates are read before alert transitions enter the feed: the alert sample sees the same rate the
        // snapshot shows.
        let eventRates = feed.rates(nowMs: nowMs)

        if nowMs - lastAlertEvaluationMs >= healthIntervalMs {
            lastAlertEvaluationMs = nowMs
            let sample = figures.alertSample(nowMs: nowMs, cache: metrics.stats, eventRate: eventRates.trueRate,
                                             polls: pollObservations)
            let update = alertEngine.evaluate(sample)
            pollObservations.removeAll(keepingCapacity: true)
            alerts = update.active
            for transition in update.transitions { _ = feed.ingest(transition.feedEvent(), nowMs: nowMs) }
        }

        let landings = metrics.entries.mapValues { MetricsLanding(fetchedAtMs: $0.fetchedAtMs, generation: $0.generation) }
        let history: (latency: [ProviderKey: [Double]], rate: [ProviderKey: [Double]])
        if let memo = historyMemo, memo.landings == landings {
            history = memo.columns
        } else {
            history = ClusterSnapshot.historyColumns(chainMetrics.values.lazy.flatMap(\.history))
            historyMemo = (landings, history)
        }
        let stale = figures.nodes.contains { $0.state == .stale }
        let slowRefresh = metrics.oldestRefreshStartMs.map { nowMs - $0 > 1_000 } ?? false
            // A node already shown down is its own row's trouble: its slow polls do not mark the whole screen.
            || healthInFlightSinceMs.contains { name, since in nowMs - since > 1_000 && trackers[name]?.status.state != .down }
        let naming = FeedNaming(nodeIDs: nodeIDs, configured: Set(order), chains: figures.chains)
        if namedFeed?.version != feed.displayVersion || namedFeed?.naming != naming {
            // Mostly the display lost its oldest events and gained new ones at the end: keep the named ones and
            // name only the new (`FeedBuffer.following`); walking and comparing all 1,000 was most of a publish.
            if let kept = namedFeed, kept.naming == naming,
               let next = feed.following(kept.events, from: kept.mark, naming.named) {
                namedFeed = (feed.displayVersion, feed.displayMark, naming, next)
            } else {
                let previous = namedFeed?.naming == naming ? namedFeed?.events ?? [] : []
                namedFeed = (feed.displayVersion, feed.displayMark, naming, Self.named(feed, naming: naming, reusing: previous))
            }
        }
        var snapshot = ClusterSnapshot(
            generatedAtMs: nowMs, clusterName: config.clusterName, isDemo: config.isDemo, coverage: figures.coverage,
            nodes: figures.nodes, chains: figures.chains, feed: namedFeed?.events ?? [], feedStats: feed.stats,
            eventRate: eventRates.trueRate, shownEventRate: eventRates.shownRate, sampling: eventRates.sampling,
            alerts: alerts, cache: metrics.stats, updating: stale || slowRefresh, latencyHistory: history.latency,
            rateHistory: history.rate, insecure: config.http.insecure)
        snapshot.discoveryError = discoveryError
        return snapshot
    }
}
