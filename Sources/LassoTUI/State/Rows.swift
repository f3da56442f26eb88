import LassoCore

/// Sortable columns per pane, in the `s` key's order (index = `SortSpec.column`; the first is the default). They
/// come from the pane's table definition in Table/.
public enum SortColumns {
    public static func columns(_ pane: Pane) -> [String] {
        switch pane {
        case .nodes, .opsNodes, .demoNodes: return NodeColumns.all.sortNames
        case .providers: return ProviderColumns.table.sortNames
        case .providerNodes: return ProviderNodeColumns.table.sortNames
        case .providerMethods: return MethodColumns.table.sortNames
        case .alerts: return AlertColumns.table.sortNames
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

    public static func nodes(_ state: UIState, _ snapshot: ClusterSnapshot, pane: Pane = .nodes) -> [NodeStatus] {
        NodeColumns.all.sorted(snapshot.nodes, by: state.sortSpec(pane))
    }

    public static func providers(_ state: UIState, _ snapshot: ClusterSnapshot) -> [ProviderAggregate] {
        guard let chain = chain(state, snapshot) else { return [] }
        return ProviderColumns.table.sorted(chain.providers, by: state.sortSpec(.providers))
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
        return ProviderNodeColumns.table.sorted(provider.byNode, by: state.sortSpec(.providerNodes))
    }

    public static func providerMethods(_ state: UIState, _ snapshot: ClusterSnapshot, chain: String, id: String) -> [MethodAggregate] {
        guard let provider = provider(snapshot, chain: chain, id: id) else { return [] }
        return MethodColumns.table.sorted(provider.methods.map { MethodLine(method: $0) }, by: state.sortSpec(.providerMethods)).map(\.method)
    }

    public static func providerEvents(_ snapshot: ClusterSnapshot, chain: String, id: String) -> [FeedEvent] {
        snapshot.feed.filter { $0.providerID == id && ($0.chain == nil || $0.chain == chain) }
    }

    /// Circuit state per node from the newest circuit event each node reported for this provider.
    public static func circuitStates(_ snapshot: ClusterSnapshot, chain: String, id: String) -> [(node: String, state: String, ts: Int64)] {
        var latest: [String: (String, Int64)] = [:]
        for event in snapshot.feed where event.kind == .circuit && event.providerID == id && (event.chain == nil || event.chain == chain) {
            let node = event.nodeLabel ?? "?"
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
        AlertColumns.table.sorted(snapshot.alerts, by: state.sortSpec(.alerts))
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
