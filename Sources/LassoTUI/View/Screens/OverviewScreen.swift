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
        Panels.nodes(&p, Rect(x: body.x, y: body.y, width: body.width, height: nodesHeight), v, pane: .nodes,
                     focused: focus == .nodes, table: NodeColumns.overview)
        Panels.providers(&p, Rect(x: body.x, y: body.y + nodesHeight, width: body.width, height: providersHeight), v,
                         focused: focus == .providers)
        if feedHeight >= 3 {
            Panels.feed(&p, Rect(x: body.x, y: body.y + nodesHeight + providersHeight, width: body.width, height: feedHeight), v,
                        focused: focus == .feed)
        }
    }
}
