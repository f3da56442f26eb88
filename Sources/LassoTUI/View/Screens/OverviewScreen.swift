import LassoCore

/// 1 Overview: nodes, the selected chain's providers and the feed, stacked.
enum OverviewScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext) {
        // At least one row, so an empty table can say why (no nodes, a discovery error, a filter).
        let nodesHeight = min(max(1, v.snapshot.nodes.count), max(3, body.height / 3)) + 3
        let rest = body.height - nodesHeight
        let providerRows = Rows.chain(v.state, v.snapshot)?.providers.count ?? 0
        let providersHeight = min(max(4, providerRows + 3), max(4, (rest * 11 + 19) / 20))
        let feedHeight = rest - providersHeight
        let focus = v.state.focusedPane
        // The nodes and providers panels are copied from the last frame when what they show did not change (the
        // feed changes every second; nodes with a health poll, providers with a metrics poll).
        let nodesRect = Rect(x: body.x, y: body.y, width: body.width, height: nodesHeight)
        p.memoized(v.memo, .overviewNodes, nodesRect, key: NodesPanelKey(v, focused: focus == .nodes)) { p in
            Panels.nodes(&p, nodesRect, v, pane: .nodes, focused: focus == .nodes, table: NodeColumns.overview)
        }
        let providersRect = Rect(x: body.x, y: body.y + nodesHeight, width: body.width, height: providersHeight)
        p.memoized(v.memo, .overviewProviders, providersRect, key: ProvidersPanelKey(v, focused: focus == .providers)) { p in
            Panels.providers(&p, providersRect, v, focused: focus == .providers)
        }
        if feedHeight >= 3 {
            Panels.feed(&p, Rect(x: body.x, y: body.y + nodesHeight + providersHeight, width: body.width, height: feedHeight), v,
                        focused: focus == .feed)
        }
    }
}

/// Everything `Panels.nodes` reads for the overview (`NodeColumns.overview`), for `PanelMemo`: the nodes (rows are
/// them sorted and filtered), the coverage (title, and each row's view against it), the discovery error, selection,
/// focus, sort, filter and caps — the inputs, not the rows derived from them, so an unchanged panel costs no sort.
/// A column or title that reads anything else (the clock, another snapshot field) must add it here, or the overview
/// shows a stale panel (`PanelMemoTests`).
struct NodesPanelKey: Equatable {
    var focused: Bool
    var caps: RenderCaps
    var nodes: [NodeStatus]
    var coverage: Coverage
    var discoveryError: String?
    var filter: String
    var sort: SortSpec?
    var selected: Int

    init(_ v: ViewContext, focused: Bool) {
        self.focused = focused
        caps = v.caps
        nodes = v.snapshot.nodes
        coverage = v.snapshot.coverage
        discoveryError = v.snapshot.discoveryError
        filter = v.state.filter(.nodes)
        sort = v.state.sort[.nodes]
        selected = v.state.selected(.nodes)
    }
}

/// Everything `Panels.providers` reads, for `PanelMemo`: the selected chain (title, node totals, its providers — the
/// rows are them sorted and filtered), their latency histories (the sparklines), selection, focus, sort, filter and
/// caps. A provider column or title that reads anything else must add it here, or the overview shows a stale panel
/// (`PanelMemoTests`).
struct ProvidersPanelKey: Equatable {
    var focused: Bool
    var caps: RenderCaps
    var chain: ChainAggregate?
    var histories: [[Double]?]
    var filter: String
    var sort: SortSpec?
    var selected: Int

    init(_ v: ViewContext, focused: Bool) {
        self.focused = focused
        caps = v.caps
        chain = Rows.chain(v.state, v.snapshot)
        let chainName = chain?.chain ?? ""
        histories = (chain?.providers ?? []).map {
            v.snapshot.latencyHistory[ClusterSnapshot.historyKey(chain: chainName, provider: $0.id)]
        }
        filter = v.state.filter(.providers)
        sort = v.state.sort[.providers]
        selected = v.state.selected(.providers)
    }
}
