import LassoCore

/// One provider as seen from a node (node detail's "its providers").
public struct NodeProviderRow: Equatable, Sendable {
    public var chain: String
    public var providerID: String
    public var providerName: String
    public var figures: ProviderNodeFigures
}

/// Sortable columns per pane. The first is the default; its natural direction is listed with it.
public enum SortColumns {
    public static func columns(_ pane: Pane) -> [String] {
        switch pane {
        case .nodes, .opsNodes, .demoNodes: return ["name", "state", "poll", "uptime"]
        case .providers: return ["score", "calls", "calls/s", "latency", "success", "p95", "name"]
        case .providerNodes: return ["node", "calls", "latency", "success", "p95"]
        case .providerMethods: return ["calls", "method", "p95", "success"]
        case .alerts: return ["level", "age", "rule"]
        default: return []
        }
    }
}

/// The rows each pane shows, in display order. Shared by the reducer (Enter, bounds) and the view (drawing), so the
/// selected index means the same row to both.
public enum Rows {
    public static func chain(_ state: UIState, _ snapshot: ClusterSnapshot) -> ChainAggregate? {
        guard !snapshot.chains.isEmpty else { return nil }
        return snapshot.chains[min(max(0, state.chainIndex), snapshot.chains.count - 1)]
    }

    static func stateRank(_ state: NodeState) -> Int {
        switch state {
        case .down: return 0
        case .bad: return 1
        case .stale: return 2
        case .pending: return 3
        case .up: return 4
        }
    }

    public static func nodes(_ state: UIState, _ snapshot: ClusterSnapshot, pane: Pane = .nodes) -> [NodeStatus] {
        let spec = state.sortSpec(pane)
        var rows = snapshot.nodes
        switch spec.column {
        case 1: rows.sort { (stateRank($0.state), $0.name) < (stateRank($1.state), $1.name) }
        case 2: rows.sort { ($1.latencyMs ?? -1, $0.name) < ($0.latencyMs ?? -1, $1.name) }
        case 3: rows.sort { ($1.uptimeSeconds ?? -1, $0.name) < ($0.uptimeSeconds ?? -1, $1.name) }
        default: rows.sort { $0.name < $1.name }
        }
        return spec.reversed ? rows.reversed() : rows
    }

    public static func providers(_ state: UIState, _ snapshot: ClusterSnapshot) -> [ProviderAggregate] {
        guard let chain = chain(state, snapshot) else { return [] }
        let spec = state.sortSpec(.providers)
        var rows = chain.providers
        switch spec.column {
        case 1: rows.sort { ($0.totalCalls, $1.id) > ($1.totalCalls, $0.id) }
        case 2: rows.sort { ($0.callsPerSecond ?? -1, $1.id) > ($1.callsPerSecond ?? -1, $0.id) }
        case 3: rows.sort { ($0.avgLatencyMs, $0.id) < ($1.avgLatencyMs, $1.id) }
        case 4: rows.sort { ($0.successRate, $1.id) > ($1.successRate, $0.id) }
        case 5: rows.sort { ($0.p95LatencyMsMax, $0.id) < ($1.p95LatencyMsMax, $1.id) }
        case 6: rows.sort { ($0.displayName, $0.id) < ($1.displayName, $1.id) }
        default: break   // aggregation order: score, then calls
        }
        return spec.reversed ? rows.reversed() : rows
    }

    /// The feed shown: frozen while paused, filtered by the filter text, oldest first.
    public static func feed(_ state: UIState, _ snapshot: ClusterSnapshot) -> [FeedEvent] {
        let source = state.paused ? state.frozenFeed : snapshot.feed
        let filter = FeedFilter.parse(state.filterText)
        return filter.isEmpty ? source : source.filter(filter.matches)
    }

    public static func provider(_ snapshot: ClusterSnapshot, chain: String, id: String) -> ProviderAggregate? {
        snapshot.chains.first { $0.chain == chain }?.providers.first { $0.id == id }
    }

    public static func providerNodes(_ state: UIState, _ snapshot: ClusterSnapshot, chain: String, id: String) -> [ProviderNodeFigures] {
        guard let provider = provider(snapshot, chain: chain, id: id) else { return [] }
        let spec = state.sortSpec(.providerNodes)
        var rows = provider.byNode
        switch spec.column {
        case 1: rows.sort { ($0.totalCalls, $1.node) > ($1.totalCalls, $0.node) }
        case 2: rows.sort { ($0.avgLatencyMs, $0.node) < ($1.avgLatencyMs, $1.node) }
        case 3: rows.sort { ($0.successRate, $1.node) > ($1.successRate, $0.node) }
        case 4: rows.sort { ($0.p95, $0.node) < ($1.p95, $1.node) }
        default: rows.sort { $0.node < $1.node }
        }
        return spec.reversed ? rows.reversed() : rows
    }

    public static func providerMethods(_ state: UIState, _ snapshot: ClusterSnapshot, chain: String, id: String) -> [MethodAggregate] {
        guard let provider = provider(snapshot, chain: chain, id: id) else { return [] }
        let spec = state.sortSpec(.providerMethods)
        var rows = provider.methods
        switch spec.column {
        case 1: rows.sort { $0.method < $1.method }
        case 2: rows.sort { ($0.p95, $0.method) > ($1.p95, $1.method) }
        case 3: rows.sort { ($0.successRate, $0.method) < ($1.successRate, $1.method) }
        default: break   // aggregation order: calls descending
        }
        return spec.reversed ? rows.reversed() : rows
    }

    public static func providerEvents(_ snapshot: ClusterSnapshot, chain: String, id: String) -> [FeedEvent] {
        snapshot.feed.filter { $0.providerID == id && ($0.chain == nil || $0.chain == chain) }
    }

    /// Circuit state per node from the newest circuit event each node reported for this provider.
    public static func circuitStates(_ snapshot: ClusterSnapshot, chain: String, id: String) -> [(node: String, state: String, ts: Int64)] {
        var latest: [String: (String, Int64)] = [:]
        for event in snapshot.feed where event.kind == .circuit && event.providerID == id && (event.chain == nil || event.chain == chain) {
            let node = event.sourceNodeID ?? event.relayNode ?? "?"
            if let previous = latest[node], previous.1 > event.ts { continue }
            latest[node] = (event.to ?? "?", event.ts)
        }
        return latest.map { (node: $0.key, state: $0.value.0, ts: $0.value.1) }.sorted { $0.node < $1.node }
    }

    public static func nodeProviders(_ snapshot: ClusterSnapshot, node: String) -> [NodeProviderRow] {
        var rows: [NodeProviderRow] = []
        for chain in snapshot.chains {
            for provider in chain.providers {
                if let figures = provider.byNode.first(where: { $0.node == node }) {
                    rows.append(NodeProviderRow(chain: chain.chain, providerID: provider.id, providerName: provider.displayName, figures: figures))
                }
            }
        }
        return rows
    }

    public static func nodeErrors(_ snapshot: ClusterSnapshot, node: String) -> [NodeErrorEntry] {
        (snapshot.nodes.first { $0.name == node }?.errorLog ?? []).reversed()
    }

    public static func alerts(_ state: UIState, _ snapshot: ClusterSnapshot) -> [Alert] {
        let spec = state.sortSpec(.alerts)
        var rows = snapshot.alerts
        switch spec.column {
        case 1: rows.sort { ($0.startedAtMs, $0.rule) < ($1.startedAtMs, $1.rule) }
        case 2: rows.sort { ($0.rule, $0.subject ?? "") < ($1.rule, $1.subject ?? "") }
        default:
            rows.sort { a, b in
                if a.level != b.level { return a.level > b.level }
                return (a.startedAtMs, a.rule) < (b.startedAtMs, b.rule)
            }
        }
        return spec.reversed ? rows.reversed() : rows
    }

    /// Number of selectable rows in a pane on the current page.
    public static func count(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> Int {
        switch (pane, state.page) {
        case (.nodes, _), (.opsNodes, _), (.demoNodes, _): return snapshot.nodes.count
        case (.providers, _): return chain(state, snapshot)?.providers.count ?? 0
        case (.feed, _): return feed(state, snapshot).count
        case (.providerNodes, .provider(let chain, let id)): return providerNodes(state, snapshot, chain: chain, id: id).count
        case (.providerMethods, .provider(let chain, let id)): return providerMethods(state, snapshot, chain: chain, id: id).count
        case (.providerEvents, .provider(let chain, let id)): return providerEvents(snapshot, chain: chain, id: id).count
        case (.nodeProviders, .node(let name)): return nodeProviders(snapshot, node: name).count
        case (.nodeErrors, .node(let name)): return nodeErrors(snapshot, node: name).count
        case (.alerts, _): return snapshot.alerts.count
        case (.help, _): return HelpContent.lines().count
        default: return 0
        }
    }

    /// Selection clamped to the rows that exist now (rows come and go between snapshots).
    public static func clampedSelection(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> Int {
        let count = count(pane, state, snapshot)
        if pane == .feed && state.follow { return max(0, count - 1) }
        return min(max(0, state.selected(pane)), max(0, count - 1))
    }
}
