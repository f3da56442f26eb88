import LassoCore

/// Boxed tables more than one screen shows: nodes (Overview, Nodes view), providers (Overview), feed (Overview,
/// Feed view, provider detail).
enum Panels {
    static func nodes(_ p: inout Painter, _ rect: Rect, _ v: ViewContext, pane: Pane, focused: Bool, table: TableDefinition<NodeStatus>) {
        let discovery = v.snapshot.discoveryError == nil ? "" : " · discovery failing"
        p.box(rect, title: v.plain("Nodes \(v.snapshot.coverage.responding)/\(v.snapshot.coverage.total)" + discovery
                                   + Rows.filterTitle(pane, v.state, v.snapshot)), focused: focused)
        p.table(rect.inner, table, rows: Rows.nodes(v.state, v.snapshot, pane: pane), env: v.cellEnv,
                selected: Rows.clampedSelection(pane, v.state, v.snapshot), focused: focused,
                sort: v.state.sort[pane] ?? SortSpec(), emptyText: noMatch(pane, v) ?? v.snapshot.discoveryError ?? "no nodes configured", pane: pane)
    }

    static func providers(_ p: inout Painter, _ rect: Rect, _ v: ViewContext, focused: Bool) {
        let chain = Rows.chain(v.state, v.snapshot)
        let title = (chain.map { "Providers · \($0.chain) · \($0.responding)/\($0.total) nodes reporting" } ?? "Providers")
            + Rows.filterTitle(.providers, v.state, v.snapshot)
        p.box(rect, title: v.plain(title), focused: focused)
        let inner = rect.inner
        let table = ProviderColumns.table
        var env = v.cellEnv
        env.chain = chain
        env.snapshot = v.snapshot
        let empty = noMatch(.providers, v) ?? (chain == nil ? "no chains yet (waiting for /api/chains)" : "no providers reported for this chain")
        p.table(inner, table, rows: Rows.providers(v.state, v.snapshot), env: env,
                selected: Rows.clampedSelection(.providers, v.state, v.snapshot), focused: focused,
                sort: v.state.sort[.providers] ?? SortSpec(), emptyText: empty, pane: .providers)
    }

    /// The empty-table text when a filter hides every row.
    static func noMatch(_ pane: Pane, _ v: ViewContext) -> String? {
        let text = v.state.filter(pane)
        return text.isEmpty ? nil : "no rows match /\(Sanitizer.clean(text)) (\(Keymap.hint(.back)) clears)"
    }

    static func feedTitle(_ v: ViewContext) -> String {
        let state = v.state
        var title = "Feed"
        let shown = Rows.feed(state, v.snapshot).count
        let all = state.paused ? state.frozenFeed.count : v.snapshot.feed.count
        let text = state.filter(.feed)
        if !text.isEmpty { title += " · /\(text) (\(shown) of \(all))" }
        if state.paused { title += " · PAUSED · \(state.newEventsSincePause(v.snapshot)) new" } else if state.follow { title += " · follow" }
        if v.snapshot.sampling { title += " · sampled" }
        return v.plain(title)
    }

    static func feed(_ p: inout Painter, _ rect: Rect, _ v: ViewContext, focused: Bool) {
        p.box(rect, title: feedTitle(v), focused: focused)
        let events = Rows.feed(v.state, v.snapshot)
        let empty = v.state.filter(.feed).isEmpty ? "no events yet" : "no events match /\(Sanitizer.clean(v.state.filter(.feed)))"
        p.table(rect.inner, FeedColumns.table, rows: events, env: v.cellEnv,
                selected: Rows.clampedSelection(.feed, v.state, v.snapshot), focused: focused, emptyText: empty, pane: .feed)
    }

    /// A boxed bar chart of a history, with last/min/max in the title.
    static func chart(_ p: inout Painter, _ rect: Rect, _ v: ViewContext, title: String, values: [Double], format: (Double) -> String) {
        let finite = values.filter(\.isFinite)
        let label = finite.isEmpty ? title
            : "\(title) · last \(format(finite.last ?? 0)) · min \(format(finite.min() ?? 0)) · max \(format(finite.max() ?? 0))"
        p.box(rect, title: v.plain(label))
        let inner = rect.inner
        guard !finite.isEmpty else {
            if inner.height > 0 { p.text("no history yet", x: inner.x + 1, y: inner.y, role: .textDim, clean: false) }
            return
        }
        let rows = Sparkline.chart(values, width: inner.width - 1, height: inner.height, ascii: v.ascii, zeroBased: false)
        for (i, row) in rows.enumerated() {
            p.text(row, x: inner.x + 1, y: inner.y + i, width: inner.width - 1, role: .sparkline, clean: false)
        }
    }
}
