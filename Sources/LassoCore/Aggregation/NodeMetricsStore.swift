/// One node's decoded answer to `/api/metrics/:chain` within a refresh (the output of fetch → decode).
public struct NodeMetricsFetch: Sendable, Equatable {
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

/// The per-node store: per chain and node, the node's last decoded metrics with the time they were fetched and the
/// rates derived from its cumulative counters. Pure; the caller passes each refresh's answers in.
///
/// A node that fails a refresh keeps its previous entry here (with its old `atMs`), but only the nodes that answered
/// this refresh go into that refresh's `Round`, so aggregates never mix in old figures.
public struct NodeMetricsStore: Sendable {
    public struct Entry: Sendable, Equatable {
        public var metrics: MetricsResponse
        public var atMs: Int64
        /// calls/s per provider id since the node's previous answer; a provider without a rate this interval is absent.
        public var rates: [String: Double]
    }

    /// What one refresh of a chain brought.
    public struct Round: Sendable, Equatable {
        public var chain: String
        /// The nodes that answered, in fetch order.
        public var reports: [NodeChainReport]
        /// node → provider id → calls/s, for the aggregation.
        public var rates: [String: [String: Double]]
        /// node → why its answer is missing, or which of its entries were dropped (the rest of it is in `reports`).
        public var errors: [String: String]
        /// How many nodes were asked (answered or not).
        public var asked: Int
    }

    private var latest: [String: [String: Entry]] = [:]   // chain → node → entry
    // One tracker for every chain: a node's uptime going down resets its baselines in all chains at once.
    private var rates = KeyedRateTracker<ProviderKey>()

    public init() {}

    public mutating func record(chain: String, fetches: [NodeMetricsFetch]) -> Round {
        var round = Round(chain: chain, reports: [], rates: [:], errors: [:], asked: fetches.count)
        for fetch in fetches {
            switch fetch.result {
            case .success(let metrics):
                round.reports.append(NodeChainReport(node: fetch.node, metrics: metrics))
                var counters: [ProviderKey: Int] = [:]
                // First entry wins on a duplicate provider id, as in the aggregation, so rate and figures agree.
                for provider in metrics.providers {
                    let key = ProviderKey(chain: chain, id: provider.id)
                    if counters[key] == nil { counters[key] = provider.totalCalls }
                }
                let observed = rates.observe(node: fetch.node, counters: counters, atMs: fetch.atMs,
                                             uptimeSeconds: fetch.uptimeSeconds, covers: { $0.chain == chain })
                var nodeRates: [String: Double] = [:]
                for (key, rate) in observed.rates {
                    if let rate { nodeRates[key.id] = rate }
                }
                if !nodeRates.isEmpty { round.rates[fetch.node, default: [:]].merge(nodeRates) { _, new in new } }
                latest[chain, default: [:]][fetch.node] = Entry(metrics: metrics, atMs: fetch.atMs, rates: nodeRates)
                if !metrics.droppedEntries.isEmpty {
                    round.errors[fetch.node] = Self.droppedNote(metrics.droppedEntries)
                }
            case .failure(let error):
                round.errors[fetch.node] = error.message
            }
        }
        return round
    }

    /// How a body with bad entries is worded in the node's error log: the count, then each entry named.
    public static func droppedNote(_ dropped: [String]) -> String {
        "dropped \(dropped.count) bad entr\(dropped.count == 1 ? "y" : "ies"): " + dropped.joined(separator: "; ")
    }

    /// The node's last answer for the chain, however old.
    public func entry(chain: String, node: String) -> Entry? { latest[chain]?[node] }

    /// Forgets the answers and rate baselines of every chain not in `keep`.
    public mutating func retain(chains keep: Set<String>) {
        latest = latest.filter { keep.contains($0.key) }
        rates.forgetKeys { !keep.contains($0.chain) }
    }

    /// Rate baselines held (see `KeyedRateTracker.baselineCount`).
    var baselineCount: Int { rates.baselineCount }

    /// Forgets a node (removed from the watched set): its entries and its rate baselines.
    public mutating func forget(node: String) {
        rates.forget(node: node)
        for chain in Array(latest.keys) { latest[chain]?[node] = nil }
    }
}

/// One chain's cluster figures as of its latest refresh, and the history of every provider the chain has listed.
/// The history travels with the aggregate it was recorded from, so the two never disagree.
public struct ChainMetrics: Sendable, Equatable {
    public var aggregate: ChainAggregate
    public var history: [ProviderKey: ProviderHistory]
    /// node → why that node's figures are missing from `aggregate` (all of them, or the entries named).
    public var nodeErrors: [String: String]
    /// What `aggregate` was computed from, so a publish can recompute it without a node that has since gone down
    /// (`without(nodes:)`) instead of showing that node's last figures as fresh.
    public var round: NodeMetricsStore.Round?
    public var options: AggregationOptions

    public init(aggregate: ChainAggregate, history: [ProviderKey: ProviderHistory] = [:], nodeErrors: [String: String] = [:],
                round: NodeMetricsStore.Round? = nil, options: AggregationOptions = AggregationOptions()) {
        self.aggregate = aggregate
        self.history = history
        self.nodeErrors = nodeErrors
        self.round = round
        self.options = options
    }

    /// The stale rule: figures of a node that no longer answers its health poll (down, bad or stale) leave the
    /// aggregate at the next publish after its health round, instead of waiting for the next metrics refresh. Its
    /// last per-node rows stay in `byNode`, marked `stale`, so the reader sees them for what they are, and
    /// `responding` / `nodesReporting` count only the nodes whose figures are in the totals.
    public func aggregate(without gone: Set<String>) -> ChainAggregate {
        guard let round, round.reports.contains(where: { gone.contains($0.node) }) else { return aggregate }
        var fresh = Aggregation.aggregate(chain: aggregate.chain, reports: round.reports.filter { !gone.contains($0.node) },
                                          totalNodes: aggregate.total, rates: round.rates, options: options)
        fresh.chainID = fresh.chainID ?? aggregate.chainID
        var staleRows: [String: [ProviderNodeFigures]] = [:]
        for provider in aggregate.providers {
            staleRows[provider.id] = provider.byNode.filter { gone.contains($0.node) }.map { row in
                var row = row
                row.stale = true
                return row
            }
        }
        for index in fresh.providers.indices {
            fresh.providers[index].byNode += staleRows.removeValue(forKey: fresh.providers[index].id) ?? []
        }
        // A provider only gone nodes reported has no fresh figure left: it leaves the list with them (its history
        // stays in `history`, and it comes back with the next refresh that has it).
        return fresh
    }

    /// The next refresh's metrics: `aggregate`, with the previous history extended by its providers' figures.
    public static func next(after previous: ChainMetrics?, aggregate: ChainAggregate,
                            nodeErrors: [String: String], round: NodeMetricsStore.Round? = nil,
                            options: AggregationOptions = AggregationOptions()) -> ChainMetrics {
        var history = previous?.history ?? [:]
        var listed = Set<ProviderKey>()
        for provider in aggregate.providers {
            let key = ProviderKey(chain: aggregate.chain, id: provider.id)
            listed.insert(key)
            history[key, default: ProviderHistory()].record(provider)
        }
        // Age out what is no longer reported: a provider no answering node has listed for `ProviderHistory.limit`
        // refreshes is forgotten, so ids that change on every poll cannot grow memory without bound. A refresh in
        // which no node answered ages nothing (an outage keeps the sparklines).
        if aggregate.providers.isEmpty == false || round?.reports.isEmpty == false {
            for key in Array(history.keys) where !listed.contains(key) {
                history[key]?.missedRefreshes += 1
                if (history[key]?.missedRefreshes ?? 0) >= ProviderHistory.limit { history[key] = nil }
            }
        }
        return ChainMetrics(aggregate: aggregate, history: history, nodeErrors: nodeErrors, round: round, options: options)
    }
}

/// The one-way metrics path after decoding: per-node store → aggregate → history. Pure and synchronous; the
/// monitor runs `land` once per refresh whose results are still current (see `MetricsCache`).
public struct MetricsPipeline: Sendable {
    public var options: AggregationOptions
    /// Nodes watched; a chain's `total` is at least this.
    public var totalNodes: Int
    public private(set) var store = NodeMetricsStore()
    /// Latest metrics per chain. Kept when the cache is wiped, so history carries on across node-set changes.
    public private(set) var chains: [String: ChainMetrics] = [:]

    public init(options: AggregationOptions = AggregationOptions(), totalNodes: Int = 0) {
        self.options = options
        self.totalNodes = totalNodes
    }

    public mutating func land(chain: String, fetches: [NodeMetricsFetch]) -> ChainMetrics {
        let round = store.record(chain: chain, fetches: fetches)
        let aggregate = Aggregation.aggregate(chain: chain, reports: round.reports,
                                              totalNodes: max(totalNodes, round.asked), rates: round.rates,
                                              options: options)
        let metrics = ChainMetrics.next(after: chains[chain], aggregate: aggregate, nodeErrors: round.errors, round: round,
                                        options: options)
        chains[chain] = metrics
        return metrics
    }

    public mutating func forget(node: String) { store.forget(node: node) }

    /// Forgets every chain not in `chains` (no longer listed): its figures, history, answers and rate baselines.
    public mutating func retain(chains keep: Set<String>) {
        chains = chains.filter { keep.contains($0.key) }
        store.retain(chains: keep)
    }
}
