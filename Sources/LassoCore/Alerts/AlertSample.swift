/// One request lassotop made to a node (health, metrics, events …) and how it went.
public struct PollObservation: Sendable, Equatable, Codable {
    /// Wall-clock ms when the request finished.
    public var atMs: Int64
    /// Round-trip time; nil when unknown. Failed requests that took time (timeouts) should carry it.
    public var latencyMs: Double?
    public var ok: Bool
    public var node: String?

    public init(atMs: Int64, latencyMs: Double?, ok: Bool, node: String? = nil) {
        self.atMs = atMs
        self.latencyMs = latencyMs
        self.ok = ok
        self.node = node
    }
}

/// One upstream provider as the cluster reports it.
public struct ProviderObservation: Sendable, Equatable, Codable {
    public var chain: String
    public var providerID: String
    /// Fraction 0…1.
    public var successRate: Double
    public var callsPerMinute: Double

    public init(chain: String, providerID: String, successRate: Double, callsPerMinute: Double) {
        self.chain = chain
        self.providerID = providerID
        self.successRate = successRate
        self.callsPerMinute = callsPerMinute
    }
}

/// What the fetch layer measured for one evaluation of `AlertEngine`.
public struct AlertSample: Sendable, Equatable {
    public var nowMs: Int64
    public var respondingNodes: Int
    /// The expected cluster size (configured `expected`, else the nodes watched).
    public var expectedNodes: Int
    /// Requests that finished since the previous sample. The engine keeps its own bounded 5-minute window.
    public var polls: [PollObservation]
    /// Metrics cache hit rate 0…1; nil before the first lookup.
    public var cacheHitRate: Double?
    /// True event rate (events/s, before sampling); nil when unknown.
    public var eventRate: Double?
    /// Cumulative count of state changes between answering and not, per node (`NodeStatus.flaps`). The engine
    /// counts one flap per up/down cycle (every second change, docs/lasso-compat.md §5) and timestamps it at this
    /// sample. A count seen for the first time counts in full (trackers start at 0 with lassotop); a count that
    /// goes down (node removed and re-added) starts again from 0.
    public var flapCounts: [String: Int]
    public var partitionSuspected: Bool
    /// Nodes reporting `standalone` while other responding nodes see a cluster (see `standaloneNodes(views:)`).
    public var standaloneNodes: [String]
    /// How many responding nodes see a cluster; only used in the standalone alert's text.
    public var clusteredNodes: Int
    public var providers: [ProviderObservation]
    /// Two or more nodes respond, all clustered, each sees only itself (`ClusterVerdicts.notFormed`).
    public var clusterNotFormed: Bool
    /// Responding nodes whose own view is worse than lassotop's (`ClusterVerdicts.nodeViews`).
    public var nodeViews: [NodeViewFinding]

    public init(nowMs: Int64, respondingNodes: Int, expectedNodes: Int, polls: [PollObservation] = [],
                cacheHitRate: Double? = nil, eventRate: Double? = nil, flapCounts: [String: Int] = [:],
                partitionSuspected: Bool = false, standaloneNodes: [String] = [], clusteredNodes: Int = 0,
                providers: [ProviderObservation] = [], clusterNotFormed: Bool = false,
                nodeViews: [NodeViewFinding] = []) {
        self.nowMs = nowMs
        self.respondingNodes = respondingNodes
        self.expectedNodes = expectedNodes
        self.polls = polls
        self.cacheHitRate = cacheHitRate
        self.eventRate = eventRate
        self.flapCounts = flapCounts
        self.partitionSuspected = partitionSuspected
        self.standaloneNodes = standaloneNodes
        self.clusteredNodes = clusteredNodes
        self.providers = providers
        self.clusterNotFormed = clusterNotFormed
        self.nodeViews = nodeViews
    }

    /// Everything a `ClusterSnapshot` already holds, plus the polls since the previous sample.
    /// Standalone detection uses nodes whose latest health poll succeeded (`up` or `stale`).
    public init(snapshot: ClusterSnapshot, polls: [PollObservation]) {
        let verdicts = ClusterVerdicts.judge(snapshot.nodes)
        let views = snapshot.nodes.compactMap { node -> (name: String, view: ClusterView)? in
            guard node.state == .up || node.state == .stale, let view = node.cluster else { return nil }
            return (node.name, view)
        }
        self.init(nowMs: snapshot.generatedAtMs, respondingNodes: snapshot.coverage.responding,
                  expectedNodes: snapshot.coverage.total, polls: polls, cacheHitRate: snapshot.cache.hitRate,
                  eventRate: snapshot.eventRate,
                  flapCounts: Dictionary(snapshot.nodes.map { ($0.name, $0.flaps) }, uniquingKeysWith: max),
                  partitionSuspected: snapshot.coverage.partitionSuspected && !verdicts.notFormed,
                  standaloneNodes: Self.standaloneNodes(views: views),
                  clusteredNodes: views.filter { !$0.view.isStandalone }.count,
                  providers: Self.providers(chains: snapshot.chains), clusterNotFormed: verdicts.notFormed,
                  nodeViews: verdicts.nodeViews)
    }

    /// Nodes whose view is standalone while at least one other node's view is a cluster. All standalone (or one
    /// node) is a standalone deployment, not an alert.
    public static func standaloneNodes(views: [(name: String, view: ClusterView)]) -> [String] {
        let standalone = views.filter { $0.view.isStandalone }.map(\.name)
        guard standalone.count < views.count else { return [] }
        return standalone.sorted()
    }

    /// Providers of every chain. Calls/min is the sum of the nodes' `calls_last_minute`, or the polled rate × 60
    /// when no node reports that field. Success rate is the cluster aggregate.
    public static func providers(chains: [ChainAggregate]) -> [ProviderObservation] {
        chains.flatMap { chain in
            chain.providers.map { provider in
                let lastMinute = provider.byNode.reduce(0) { $0 + $1.callsLastMinute }
                let perMinute = lastMinute > 0 ? Double(lastMinute) : (provider.callsPerSecond ?? 0) * 60
                return ProviderObservation(chain: chain.chain, providerID: provider.id,
                                           successRate: provider.successRate, callsPerMinute: perMinute)
            }
        }
    }
}
