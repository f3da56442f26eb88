import Foundation
import LassoCore
import Logging
import Synchronization

/// Polls every node (health, metrics through the cache, events), and publishes frozen `ClusterSnapshot`s.
/// Per node and endpoint exactly one request is in flight: poll, wait for it, sleep, repeat — never a fixed-rate timer.
/// Readers (`latestSnapshot`) never wait on the network.
public final class ClusterMonitor: Sendable {
    public let config: MonitorConfig
    let http: NodeHTTPClient
    /// Health polls have their own, longer timeout (`MonitorConfig.healthTimeoutMs`).
    let healthHTTP: NodeHTTPClient
    let state: MonitorState
    let cache: ChainMetricsCache
    let pipeline: SharedMetricsPipeline
    let resolver: any AddressResolver
    let logger: Logger
    let clock: @Sendable () -> Int64

    private let published: Mutex<ClusterSnapshot>
    private let tasks = Mutex<[String: [Task<Void, Never>]]>([:])
    private let healthInterval: Atomic<Int64>
    /// Woken by `refreshNow` and interval changes: sleeping pollers poll at once.
    private let pollerWake = WakeSignal()
    /// Woken when a poll recorded something: the publisher builds a snapshot (coalesced, see `publishLoop`).
    private let publisherWake: WakeSignal
    /// Set when a metrics refresh landed in the cache: the next publish must not wait for the 1 s beat.
    private let metricsLanded: RaisedFlag
    /// Woken by health replies while no chain list is known: the metrics loop asks for it as soon as a node answers.
    private let metricsWake = WakeSignal()
    private let awaitingChainList = Atomic<Bool>(true)
    /// Health and events polls in flight, and pollers due on a beat that have not started yet: with the metrics
    /// refreshes the cache has running, what the publisher waits for (at most `settleMs`), so one snapshot and one
    /// frame hold a whole beat (`beatUnderWay`).
    private let pollsInFlight = PollCount()
    private let duePollers = DuePollers()
    /// Called after a publish whose snapshot differs from the previous one (the TUI's wake-up).
    private let changeHandlers = Mutex<[@Sendable () -> Void]>([])
    private let publishHandlers = Mutex<[@Sendable () -> Void]>([])
    private let running = Atomic<Bool>(false)
    /// The events read from the last poll rounds: each node relays every event, and a copy is read only once.
    let relayCopies: Mutex<RelayCopies>

    public init(config: MonitorConfig, resolver: any AddressResolver = SystemResolver(), logger: Logger = Logger(label: "lassotop"),
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) throws {
        self.config = config
        self.http = try NodeHTTPClient(options: config.http)
        var healthOptions = config.http
        healthOptions.timeout = .milliseconds(config.effectiveHealthTimeoutMs)
        self.healthHTTP = try NodeHTTPClient(options: healthOptions)
        self.state = MonitorState(config: config)
        self.resolver = resolver
        self.logger = logger
        self.clock = clock
        self.healthInterval = Atomic(config.healthIntervalMs)
        self.relayCopies = Mutex(RelayCopies(keepMs: config.eventsIntervalMs))
        let http = self.http
        let state = self.state
        let timeoutMs = config.http.timeout
        let pipeline = SharedMetricsPipeline(MetricsPipeline(options: config.aggregation))
        self.pipeline = pipeline
        let publisherWake = WakeSignal()
        self.publisherWake = publisherWake
        let metricsLanded = RaisedFlag()
        self.metricsLanded = metricsLanded
        let metricsNames = NameTable()
        self.cache = ChainMetricsCache(ttlMs: config.metricsIntervalMs, now: clock, executor: LoopExecutor.refreshes, fetch: { chain in
            await Self.fetchMetrics(chain: chain, http: http, state: state, nameTable: metricsNames, clock: clock, timeout: timeoutMs)
        }, land: { chain, fetches in
            defer {
                metricsLanded.raise()
                publisherWake.wakeAll()
            }
            return pipeline.land(chain: chain, fetches: fetches)
        })
        self.published = Mutex(ClusterSnapshot(
            generatedAtMs: clock(), clusterName: config.clusterName, isDemo: config.isDemo,
            coverage: Coverage(responding: 0, total: max(config.targets.count, config.expected ?? 0), status: .offline,
                               quorum: false, partitionSuspected: false),
            nodes: config.targets.map { NodeStatus(name: $0.name, url: $0.url) }, chains: [], updating: true,
            insecure: config.http.insecure))
    }

    // MARK: reading

    public func latestSnapshot() -> ClusterSnapshot { published.withLock { $0 } }

    public func healthIntervalMs() -> Int64 { healthInterval.load(ordering: .relaxed) }

    /// `handler` runs (on the publisher's task; keep it short) after every publish that changed the snapshot beyond
    /// its timestamp.
    public func onSnapshotChange(_ handler: @escaping @Sendable () -> Void) {
        changeHandlers.withLock { $0.append(handler) }
    }

    /// `handler` runs (on the publisher's task; keep it short) after every publish, also one that changed only the
    /// timestamp: a recorder stores each published snapshot (LassoRecord/MonitorRecorder.swift).
    public func onPublish(_ handler: @escaping @Sendable () -> Void) {
        publishHandlers.withLock { $0.append(handler) }
    }

    // MARK: control

    public func refreshNow() {
        pollerWake.wakeAll()
        Task(executorPreference: LoopExecutor.shared) {
            for chain in await self.state.chains { await self.cache.refresh(chain) }
        }
    }

    public func changeHealthInterval(by deltaMs: Int64) {
        let range = MonitorConfig.healthIntervalRange
        var current = healthInterval.load(ordering: .relaxed)
        while true {
            let next = min(max(current + deltaMs, range.lowerBound), range.upperBound)
            let (exchanged, original) = healthInterval.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        pollerWake.wakeAll()
    }

    /// Feeds events from another source (JSON lines) into the same deduplicating feed.
    public func ingestExternal(_ events: [FeedEvent], malformed: Int) async {
        await state.ingestLocal(events, malformed: malformed, nowMs: clock())
    }

    // MARK: lifecycle

    /// Starts every poller and the publisher. Returns at once.
    public func start() async {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        await applyTargets(config.targets)
        spawn("metrics") { [self] in await metricsLoop() }
        spawn("publisher") { [self] in await publishLoop() }
        if let discovery = config.discovery {
            spawn("discovery") { [self] in await discoveryLoop(discovery) }
        }
    }

    public func stop() async {
        running.store(false, ordering: .relaxed)
        let all = tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks.values.flatMap { $0 }
        }
        for task in all { task.cancel() }
        for task in all { await task.value }
        await http.shutdown()
        await healthHTTP.shutdown()
    }

    /// One full round for `snapshot`/`check`: health of every node, the chain list, metrics of every chain (waiting
    /// for the single refresh), one events page per node. Finishes within about the timeout.
    public func collectOnce() async -> ClusterSnapshot {
        var targets = config.targets
        if let discovery = config.discovery {
            do {
                let addresses = try await resolver.resolve(host: discovery.host)
                targets = NodeTarget.uniqued(targets + discovery.targets(for: addresses))
                await state.setDiscoveryError(nil)
            } catch {
                await state.setDiscoveryError("--discover \(discovery.host): \(error)")
            }
        }
        _ = await state.setTargets(targets)
        await setNodeCount(targets.count, nodeSetChanged: true)
        // Freshness is judged at the start of this round: every node was polled in it, so a node that answered is
        // current however long the slowest node (or a later metrics step) took. Judged at the end, a node that ran
        // into a timeout longer than two health intervals made every fast node look stale.
        let healthRoundStarted = clock()
        await withTaskGroup(of: Void.self) { group in
            for target in targets { group.addTask { _ = await self.pollHealth(target) } }
        }
        await refreshChainList()
        let chains = await state.chains
        await withTaskGroup(of: Void.self) { group in
            for chain in chains { group.addTask { _ = await self.cache.get(chain, wait: true) } }
            for target in targets { group.addTask { _ = await self.pollEvents(target) } }
        }
        return await publish(freshnessAtMs: healthRoundStarted)
    }

    // MARK: loops

    private func spawn(_ key: String, _ body: @escaping @Sendable () async -> Void) {
        let task = Task(executorPreference: LoopExecutor.shared) { await body() }
        tasks.withLock { $0[key, default: []].append(task) }
    }

    private func cancelTasks(_ key: String) {
        let removed = tasks.withLock { $0.removeValue(forKey: key) } ?? []
        for task in removed { task.cancel() }
    }

    func applyTargets(_ targets: [NodeTarget]) async {
        let (added, removed) = await state.setTargets(NodeTarget.uniqued(targets))
        for name in removed {
            cancelTasks("health:" + name)
            cancelTasks("events:" + name)
            pipeline.forget(node: name)
        }
        await setNodeCount(await state.order.count, nodeSetChanged: !added.isEmpty || !removed.isEmpty)
        // Every watched node without pollers gets them, not only the newly added: `collectOnce` registers the
        // targets without polling them on, so `check --watch` (one round, then `start`) would otherwise poll nothing
        // after its first round and judge a healthy node stale.
        let unpolled = NodeTarget.uniqued(targets).filter { target in
            tasks.withLock { $0["health:" + target.name]?.isEmpty ?? true }
        }
        for target in unpolled {
            spawn("health:" + target.name) { [self] in await healthLoop(target) }
            spawn("events:" + target.name) { [self] in await eventsLoop(target) }
        }
    }

    /// Chains count every node watched; a changed node set wipes the cache and discards refreshes already running.
    private func setNodeCount(_ count: Int, nodeSetChanged: Bool) async {
        pipeline.setTotalNodes(count)
        if nodeSetChanged {
            await cache.invalidateAll()
        }
    }

    /// Sleeps up to `ms`, waking early on `refreshNow` or an interval change. Returns false when cancelled.
    private func pause(ms: Int64) async -> Bool {
        await pollerWake.sleep(ms: ms)
    }

    /// Polls now, then on every beat of the period `poll` returns (the next multiple of it on the clock), so every
    /// node's pollers of one kind wake together and the publisher and the TUI wake once for all of them instead of
    /// once per node. Asleep, the poller is due on its beat (`duePollers`); polling, it is in flight.
    private func pollOnBeats(_ poll: () async -> Int64) async {
        var dueAt: Int64?
        while !Task.isCancelled {
            pollsInFlight.increment()
            duePollers.move(&dueAt, to: nil)
            let period = await poll()
            pollsInFlight.decrement()
            publisherWake.wakeAll()
            let now = clock()
            let wakeAt = now + Beat.msToNext(after: now, period: period)
            duePollers.move(&dueAt, to: wakeAt)
            guard await pause(ms: wakeAt - now) else { break }
        }
        duePollers.move(&dueAt, to: nil)
    }

    private func healthLoop(_ target: NodeTarget) async {
        await pollOnBeats {
            let delay = await pollHealth(target)
            // Only the first chain list waits on a health reply; later, the metrics loop keeps its own schedule.
            if awaitingChainList.load(ordering: .relaxed) { metricsWake.wakeAll() }
            return delay
        }
    }

    /// One health poll; returns the delay before the next one (backoff for unreachable nodes).
    func pollHealth(_ target: NodeTarget) async -> Int64 {
        await state.healthPollStarted(node: target.name, atMs: clock())
        let fetched = await healthHTTP.get(target.url + "/api/health", authorization: target.authorization)
        let result: Result<HealthResponse, NodeTracker.Failure>
        let latency: Double
        switch fetched {
        case .ok(let body, let ms):
            latency = ms
            do { result = .success(try HealthResponse.decode(body)) } catch { result = .failure(.bad("\(error)")) }
        case .failed(let failure, let ms):
            latency = ms
            result = .failure(failure)
        }
        if case .failure(let failure) = result {
            logger.info("health \(target.name): \(failure.message)")
        }
        return await state.recordHealth(node: target.name, result: result, latencyMs: latency, nowMs: clock(),
                                        healthIntervalMs: healthIntervalMs())
    }

    private func eventsLoop(_ target: NodeTarget) async {
        await pollOnBeats {
            // A node without the events endpoint (real Lasso today) is asked again only every 30 s.
            await pollEvents(target) ? config.eventsIntervalMs : 30_000
        }
    }

    /// Fetches one page (limit 1000) after the node's cursor. A `next` below the cursor means the node restarted.
    /// Returns false when the node has no events endpoint (404).
    func pollEvents(_ target: NodeTarget) async -> Bool {
        var cursor = await state.cursor(of: target.name)
        for _ in 0..<2 {
            let fetched = await http.get(target.url + "/api/events?since=\(cursor)&limit=1000", authorization: target.authorization)
            guard case .ok(let body, _) = fetched else {
                if case .failed(.bad(let message), _) = fetched, message.hasPrefix("HTTP 404") { return false }
                return true
            }
            guard let page = try? LenientEventsPage.decode(body, copies: relayCopies, nowMs: clock()), page.next >= 0 else {
                // A page that does not decode (an odd `next`, a negative one) is dropped whole: counted, not silent.
                await state.ingest([], malformed: 1, relay: target.name, nowMs: clock())
                logger.info("events \(target.name): page dropped (not an events page or bad next)")
                return true
            }
            if page.next < cursor {
                cursor = 0   // restarted: its sequence began again
                await state.setCursor(0, of: target.name)
                continue
            }
            let events = page.entries.compactMap(\.event)
            await state.ingest(events, malformed: page.entries.count - events.count, relay: target.name,
                               relayNodeID: page.nodeID, nowMs: clock())
            await state.setCursor(page.next, of: target.name)
            return true
        }
        return true
    }

    private func refreshChainList() async {
        guard !state.fixedChains else { return }
        for name in await state.respondingNodeNames() {
            guard let target = await state.target(name) else { continue }
            if case .ok(let body, _) = await http.get(target.url + "/api/chains", authorization: target.authorization), let list = try? ChainsResponse.decode(body) {
                let before = await state.chains
                await state.setChains(list.chains, nowMs: clock())
                let after = await state.chains
                if after != before {
                    // Chains no longer listed leave the cache and the pipeline, so names that change on every poll
                    // do not grow memory.
                    await cache.retain(only: Set(after))
                    pipeline.retain(chains: Set(after))
                }
                return
            }
        }
    }

    /// Asks the cache for every chain; a stale entry starts its single refresh. Chains are staggered over the interval
    /// so each node sees one expensive metrics call at a time rather than a burst.
    private func metricsLoop() async {
        var lastChainList: Int64 = 0
        var due: [String: Int64] = [:]
        // Rates need two samples with traffic in both: until a chain shows a rate, it is sampled again
        // `earlySampleMs` after each sample (at most `earlySamples` times), not a whole interval later.
        var earlyDone = Set<String>()
        var earlyTaken: [String: (afterFetch: Int64, count: Int)] = [:]
        // Asleep, the loop is due like a poller (`pollOnBeats`) until the refreshes of its beat have started (the
        // cache counts those); then it wakes the publisher, which may be waiting for it.
        var dueAt: Int64?
        defer { duePollers.move(&dueAt, to: nil) }
        while !Task.isCancelled {
            let now = clock()
            let noChains = await state.chains.isEmpty
            if noChains || now - lastChainList >= config.metricsIntervalMs {
                await refreshChainList()
                if !(await state.chains.isEmpty) { lastChainList = now }
            }
            let chains = await state.chains
            awaitingChainList.store(chains.isEmpty, ordering: .relaxed)
            for (index, chain) in chains.enumerated() {
                if let when = due[chain], now < when { continue }
                let lookup = await cache.get(chain)
                if !earlyDone.contains(chain), let entry = lookup.entry {
                    let taken = earlyTaken[chain]
                    let hasRate = entry.value.aggregate.providers.contains { $0.callsPerSecond != nil }
                    if hasRate || (taken?.count ?? 0) >= Self.earlySamples || config.metricsIntervalMs <= Self.earlySampleMs {
                        earlyDone.insert(chain)
                        due[chain] = nil   // from here on: every interval, staggered over the chains
                    } else if taken?.afterFetch == entry.fetchedAtMs {
                        due[chain] = now + 250   // the early refresh is still running
                        continue
                    } else if now >= entry.fetchedAtMs + Self.earlySampleMs {
                        earlyTaken[chain] = (entry.fetchedAtMs, (taken?.count ?? 0) + 1)
                        _ = await cache.refresh(chain)
                        due[chain] = now + 250
                        continue
                    } else {
                        due[chain] = entry.fetchedAtMs + Self.earlySampleMs
                        continue
                    }
                }
                let fetchedAt = lookup.entry?.fetchedAtMs ?? now
                let stagger = config.metricsIntervalMs * Int64(index) / Int64(max(chains.count, 1))
                // On the refresh beat, like the health and events polls (`pollOnBeats`): a refresh lands in the same
                // snapshot and frame as the events of that beat instead of one of its own.
                due[chain] = Beat.atOrAfter(lookup.entry == nil ? now + 1_000
                                                : fetchedAt + config.metricsIntervalMs + (due[chain] == nil ? stagger : 0),
                                            period: config.eventsIntervalMs)
                if lookup.freshness != .fresh { await state.markDirty(); publisherWake.wakeAll() }
            }
            // Sleep until the next chain is due (a refresh that lands marks the state dirty when it is next looked at).
            // A health reply wakes it early (the first chain list is asked for as soon as a node answers).
            if dueAt != nil {
                duePollers.move(&dueAt, to: nil)
                publisherWake.wakeAll()
            }
            let next = chains.compactMap { due[$0] }.min().map { $0 - clock() } ?? 1_000
            let sleepMs = min(max(next, chains.isEmpty ? 0 : 250), 5_000)
            duePollers.move(&dueAt, to: clock() + sleepMs)
            guard await metricsWake.sleep(ms: sleepMs) else { return }
        }
    }

    /// Until a chain shows calls/s, its next metrics sample comes this long after the last one (at most
    /// `earlySamples` times), so rates show within seconds of start instead of after a whole interval.
    static let earlySampleMs: Int64 = 2_000
    static let earlySamples = 5

    /// Longest the publisher waits, after a poll woke it, for the polls still in flight (they started on the same
    /// beat); a node slower than this shows in the next snapshot.
    static let settleMs: Int64 = 250

    private func discoveryLoop(_ spec: DiscoverySpec) async {
        while !Task.isCancelled {
            do {
                let addresses = try await resolver.resolve(host: spec.host)
                await applyTargets(config.targets + spec.targets(for: addresses))
                await state.setDiscoveryError(nil)
            } catch {
                logger.warning("discovery \(spec.host): \(error)")
                await state.setDiscoveryError("--discover \(spec.host): \(error)")
            }
            guard await pause(ms: healthIntervalMs()) else { return }
        }
    }

    private func publishLoop() async {
        var lastPublish: Int64 = 0
        while !Task.isCancelled {
            let now = clock()
            // Rebuild when something changed, and at least every refresh (staleness and alerts are time-driven).
            let landed = metricsLanded.take()
            if await state.dirty || landed || now - lastPublish >= config.eventsIntervalMs {
                _ = await publish()
                lastPublish = now
            }
            // Sleep until a poll recorded something or the refresh is up; then, while the polls and refreshes of the
            // beat are still under way, wait for them (at most `settleMs`), so every node's polls land in one snapshot.
            guard await publisherWake.sleep(ms: max(1, lastPublish + config.eventsIntervalMs - clock())) else { return }
            let settleUntil = clock() + Self.settleMs
            while await beatUnderWay() {
                let left = settleUntil - clock()
                guard left > 0 else { break }
                guard await publisherWake.sleep(ms: left) else { return }
            }
        }
    }

    /// A poll or refresh of this beat is not recorded yet: a poller due on it that has not started (one timer wakes
    /// them and the publisher in no set order; a sleep may end `SleepTimer.coalesceMs` early), a poll in flight, or
    /// a metrics refresh not landed.
    private func beatUnderWay() async -> Bool {
        if pollsInFlight.value > 0 || duePollers.pending(byMs: clock() + Int64(SleepTimer.coalesceMs) + 1) { return true }
        return await cache.isRefreshing
    }

    @discardableResult
    func publish(freshnessAtMs: Int64? = nil) async -> ClusterSnapshot {
        let metrics = await cache.reading()
        let snapshot = await state.snapshot(metrics: metrics, healthIntervalMs: healthIntervalMs(), nowMs: clock(),
                                            freshnessAtMs: freshnessAtMs)
        let changed = published.withLock { previous in
            var same = snapshot
            same.generatedAtMs = previous.generatedAtMs
            let changed = same != previous
            previous = snapshot
            return changed
        }
        if changed { for handler in changeHandlers.withLock({ $0 }) { handler() } }
        for handler in publishHandlers.withLock({ $0 }) { handler() }
        return snapshot
    }

    // MARK: metrics fan-out (fetch → decode; the cache lands the result through the pipeline)

    /// Every body is read with `nameTable`, one table for all nodes and chains, so the aggregation finds each method
    /// name and provider id equal by storage (NameTable.swift).
    static func fetchMetrics(chain: String, http: NodeHTTPClient, state: MonitorState, nameTable: NameTable, clock: @escaping @Sendable () -> Int64,
                             timeout: Duration) async -> [NodeMetricsFetch] {
        let names = await state.order
        var targets: [NodeTarget] = []
        for name in names { if let t = await state.target(name) { targets.append(t) } }
        let path = "/api/metrics/" + pathSegment(chain)
        return await withTaskGroup(of: NodeMetricsFetch.self) { group in
            for target in targets {
                group.addTask {
                    // A node whose health poll is down (refused, reset, timed out) is not asked: waiting out its
                    // timeout held every other node's figures back for that long on every refresh. Its figures leave
                    // the aggregates as for any failed fetch; it is asked again once its health answers.
                    if await state.isDown(target.name) {
                        return NodeMetricsFetch(node: target.name, result: .failure(NodeFetchError("not asked: node down")),
                                                uptimeSeconds: nil, atMs: clock())
                    }
                    let fetched = await http.get(target.url + path, authorization: target.authorization)
                    let uptime = await state.uptime(of: target.name)
                    let result: Result<MetricsResponse, NodeFetchError>
                    switch fetched {
                    case .ok(let body, _):
                        do { result = .success(try MetricsResponse.decode(body, names: nameTable)) } catch { result = .failure(NodeFetchError("\(error)")) }
                    case .failed(let failure, _):
                        result = .failure(NodeFetchError(failure.message))
                    }
                    return NodeMetricsFetch(node: target.name, result: result, uptimeSeconds: uptime, atMs: clock())
                }
            }
            var all: [NodeMetricsFetch] = []
            for await fetch in group { all.append(fetch) }
            let order = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            return all.sorted { (order[$0.node] ?? 0) < (order[$1.node] ?? 0) }
        }
    }
}

/// One URL path segment: everything but unreserved characters escaped, so a chain named `../health` or `a/b?c`
/// stays one segment of `/api/metrics/`; a segment of only dots is escaped too, or it would walk up the path.
func pathSegment(_ text: String) -> String {
    var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~")
    if text.contains(where: { $0 != "." }) { allowed.insert(".") }
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}
