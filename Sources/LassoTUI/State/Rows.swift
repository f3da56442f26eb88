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
        case .nodeProviders: return NodeProviderColumns.table.sortNames
        case .nodeErrors: return NodeErrorColumns.table.sortNames
        default: return []
        }
    }

    /// The sort-cycle indices (`SortSpec.column`) of the columns `pane` draws on `page`, in `s` order: `s` and
    /// `:sort` offer only columns the user can see.
    public static func drawnRanks(_ pane: Pane, _ page: Page) -> [Int] {
        func ranks<Row>(_ table: TableDefinition<Row>) -> [Int] { table.columns.filter { $0.isDrawn }.compactMap { $0.sort?.rank }.sorted() }
        switch pane {
        case .nodes: return page == .view(.overview) ? ranks(NodeColumns.overview) : ranks(NodeColumns.nodesView)
        case .opsNodes: return ranks(NodeColumns.ops)
        case .demoNodes: return ranks(NodeColumns.demo)
        default: return Array(columns(pane).indices)
        }
    }

    /// The names of `drawnRanks`, in the same order.
    public static func drawnNames(_ pane: Pane, _ page: Page) -> [String] {
        let names = columns(pane)
        return drawnRanks(pane, page).filter { $0 < names.count }.map { names[$0] }
    }
}

/// The rows each pane shows, in display order. Shared by the reducer (Enter, bounds) and the view (drawing), so the
/// selected index means the same row to both.
public enum Rows {
    public static func chain(_ state: UIState, _ snapshot: ClusterSnapshot) -> ChainAggregate? {
        guard !snapshot.chains.isEmpty else { return nil }
        return snapshot.chains[min(max(0, state.chainIndex), snapshot.chains.count - 1)]
    }

    /// The panes `/` can filter: every table (the help overlay is not one).
    public static func isFilterable(_ pane: Pane) -> Bool { pane != .help }

    /// What a filter's cells are matched against: the same cell closures the table draws with.
    static func filterEnv(_ snapshot: ClusterSnapshot, chain: ChainAggregate? = nil) -> CellEnv {
        var env = CellEnv()
        env.snapshot = snapshot
        env.chain = chain
        return env
    }

    static func filtered<Row>(_ rows: [Row], _ table: TableDefinition<Row>, _ text: String, _ env: CellEnv) -> [Row] {
        text.isEmpty ? rows : TableFilter(text).apply(rows, table, env)
    }

    public static func nodes(_ state: UIState, _ snapshot: ClusterSnapshot, pane: Pane = .nodes) -> [NodeStatus] {
        filtered(NodeColumns.all.sorted(snapshot.nodes, by: state.sortSpec(pane)), NodeColumns.all, state.filter(pane), filterEnv(snapshot))
    }

    public static func providers(_ state: UIState, _ snapshot: ClusterSnapshot) -> [ProviderAggregate] {
        guard let chain = chain(state, snapshot) else { return [] }
        return filtered(ProviderColumns.table.sorted(chain.providers, by: state.sortSpec(.providers)), ProviderColumns.table,
                        state.filter(.providers), filterEnv(snapshot, chain: chain))
    }

    /// The feed shown: frozen while paused, filtered by the filter text, oldest first.
    public static func feed(_ state: UIState, _ snapshot: ClusterSnapshot) -> [FeedEvent] {
        let source = state.paused ? state.frozenFeed : snapshot.feed
        let filter = FeedFilter.parse(state.filter(.feed))
        return filter.isEmpty ? source : source.filter(filter.matches)
    }

    /// How many rows a pane would show without its filter (titles say "n of m").
    public static func unfilteredCount(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> Int {
        var all = state
        all.filters[pane] = nil
        return count(pane, all, snapshot)
    }

    /// Pane title suffix for an active filter: " · /text (n of m)".
    public static func filterTitle(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> String {
        let text = state.filter(pane)
        guard !text.isEmpty else { return "" }
        return " · /\(text) (\(count(pane, state, snapshot)) of \(unfilteredCount(pane, state, snapshot)))"
    }

    /// A stable identity per row (the cursor follows the item when sorting or filtering changes the rows).
    public static func rowIDs(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> [String] {
        func event(_ e: FeedEvent) -> String { "\(e.ts) \(e.kind.rawValue) \(e.requestID ?? "") \(e.sourceNodeID ?? "") \(e.message ?? "")" }
        switch (pane, state.page) {
        case (.nodes, _), (.opsNodes, _), (.demoNodes, _): return nodes(state, snapshot, pane: pane).map(\.name)
        case (.providers, _): return providers(state, snapshot).map(\.id)
        case (.feed, _): return feed(state, snapshot).map(event)
        case (.providerNodes, .provider(let chain, let id)): return providerNodes(state, snapshot, chain: chain, id: id).map(\.node)
        case (.providerMethods, .provider(let chain, let id)): return providerMethods(state, snapshot, chain: chain, id: id).map(\.method)
        case (.providerEvents, .provider(let chain, let id)): return providerEvents(state, snapshot, chain: chain, id: id).map(event)
        case (.nodeProviders, .node(let name)): return nodeProviders(state, snapshot, node: name).map { $0.chain + "/" + $0.providerID }
        case (.nodeErrors, .node(let name)): return nodeErrors(state, snapshot, node: name).map { "\($0.ts) \($0.message)" }
        case (.alerts, _): return alerts(state, snapshot).map { $0.rule + "/" + ($0.subject ?? "") }
        default: return []
        }
    }

    /// The identity of the selected row of `pane`, if any.
    public static func selectedID(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> String? {
        let ids = rowIDs(pane, state, snapshot)
        let index = clampedSelection(pane, state, snapshot)
        return index < ids.count ? ids[index] : nil
    }

    /// Puts the cursor of `pane` back on the row `id` (first row when it is gone).
    public static func reselect(_ pane: Pane, _ state: inout UIState, _ snapshot: ClusterSnapshot, id: String?) {
        if pane == .feed && state.follow { return }
        let ids = rowIDs(pane, state, snapshot)
        state.selection[pane] = id.flatMap { ids.firstIndex(of: $0) } ?? 0
    }

    public static func provider(_ snapshot: ClusterSnapshot, chain: String, id: String) -> ProviderAggregate? {
        snapshot.chains.first { $0.chain == chain }?.providers.first { $0.id == id }
    }

    public static func providerNodes(_ state: UIState, _ snapshot: ClusterSnapshot, chain: String, id: String) -> [ProviderNodeFigures] {
        guard let provider = provider(snapshot, chain: chain, id: id) else { return [] }
        return filtered(ProviderNodeColumns.table.sorted(provider.byNode, by: state.sortSpec(.providerNodes)), ProviderNodeColumns.table,
                        state.filter(.providerNodes), filterEnv(snapshot))
    }

    public static func providerMethods(_ state: UIState, _ snapshot: ClusterSnapshot, chain: String, id: String) -> [MethodAggregate] {
        guard let provider = provider(snapshot, chain: chain, id: id) else { return [] }
        let lines = MethodColumns.table.sorted(provider.methods.map { MethodLine(method: $0) }, by: state.sortSpec(.providerMethods))
        return filtered(lines, MethodColumns.table, state.filter(.providerMethods), filterEnv(snapshot)).map(\.method)
    }

    public static func providerEvents(_ state: UIState, _ snapshot: ClusterSnapshot, chain: String, id: String) -> [FeedEvent] {
        let events = providerEvents(snapshot, chain: chain, id: id)
        let filter = FeedFilter.parse(state.filter(.providerEvents))
        return filter.isEmpty ? events : events.filter(filter.matches)
    }

    public static func nodeProviders(_ state: UIState, _ snapshot: ClusterSnapshot, node: String) -> [NodeProviderRow] {
        filtered(NodeProviderColumns.table.sorted(nodeProviders(snapshot, node: node), by: state.sortSpec(.nodeProviders)),
                 NodeProviderColumns.table, state.filter(.nodeProviders), filterEnv(snapshot))
    }

    public static func nodeErrors(_ state: UIState, _ snapshot: ClusterSnapshot, node: String) -> [NodeErrorEntry] {
        filtered(NodeErrorColumns.table.sorted(nodeErrors(snapshot, node: node), by: state.sortSpec(.nodeErrors)),
                 NodeErrorColumns.table, state.filter(.nodeErrors), filterEnv(snapshot))
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
        filtered(AlertColumns.table.sorted(snapshot.alerts, by: state.sortSpec(.alerts)), AlertColumns.table, state.filter(.alerts),
                 filterEnv(snapshot))
    }

    /// Number of selectable rows in a pane on the current page.
    public static func count(_ pane: Pane, _ state: UIState, _ snapshot: ClusterSnapshot) -> Int {
        switch (pane, state.page) {
        case (.nodes, _), (.opsNodes, _), (.demoNodes, _): return nodes(state, snapshot, pane: pane).count
        case (.providers, _): return providers(state, snapshot).count
        case (.feed, _): return feed(state, snapshot).count
        case (.providerNodes, .provider(let chain, let id)): return providerNodes(state, snapshot, chain: chain, id: id).count
        case (.providerMethods, .provider(let chain, let id)): return providerMethods(state, snapshot, chain: chain, id: id).count
        case (.providerEvents, .provider(let chain, let id)): return providerEvents(state, snapshot, chain: chain, id: id).count
        case (.nodeProviders, .node(let name)): return nodeProviders(state, snapshot, node: name).count
        case (.nodeErrors, .node(let name)): return nodeErrors(state, snapshot, node: name).count
        case (.alerts, _): return alerts(state, snapshot).count
        case (.help, _): return HelpContent.lines(isDemo: snapshot.isDemo).count
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
