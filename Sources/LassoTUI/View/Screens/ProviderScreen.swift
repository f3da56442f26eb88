import LassoCore

/// Provider detail: summary, per node (with circuit state), latency and rate charts, methods (expandable per
/// node) and the provider's recent events.
enum ProviderScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext, chain: String, id: String) {
        let state = v.state
        let snapshot = v.snapshot
        guard let provider = Rows.provider(snapshot, chain: chain, id: id) else {
            p.box(body, title: "Provider \(id)")
            p.text("\(id) is not reported on \(chain) by any responding node right now.", x: body.x + 2, y: body.y + 2,
                   width: body.width - 4, role: .textDim)
            return
        }
        let total = snapshot.chains.first { $0.chain == chain }?.total ?? 0
        let focus = state.focusedPane
        // Summary line.
        var summary = "\(provider.displayName) [\(provider.id)] on \(chain): \(Format.count(provider.totalCalls)) calls, "
        summary += "avg \(Format.ms(provider.avgLatencyMs)), success \(Format.percent(provider.successRate)), "
        summary += provider.coldStart ? "cold start (score pending), " : "score \(Format.score(provider.score)), "
        summary += "\(provider.nodesReporting)/\(total) nodes"
        p.text(summary, x: body.x + 1, y: body.y, width: body.width - 2, role: .title)

        let available = body.height - 1
        let nodesHeight = min(provider.byNode.count, 5) + 3
        let chartHeight = available >= 30 ? 8 : 4
        let remaining = available - nodesHeight - chartHeight
        let methodsHeight = max(4, remaining / 2)
        let eventsHeight = remaining - methodsHeight
        var y = body.y + 1

        // Per-node rows with circuit state.
        let nodesRect = Rect(x: body.x, y: y, width: body.width, height: nodesHeight)
        p.box(nodesRect, title: v.plain("Per node" + Rows.filterTitle(.providerNodes, state, snapshot)), focused: focus == .providerNodes)
        var env = v.cellEnv
        for circuit in Rows.circuitStates(snapshot, chain: chain, id: id) where env.circuits[circuit.node] == nil {
            env.circuits[circuit.node] = circuit.state
        }
        p.table(nodesRect.inner, ProviderNodeColumns.table, rows: Rows.providerNodes(state, snapshot, chain: chain, id: id), env: env,
                selected: Rows.clampedSelection(.providerNodes, state, snapshot), focused: focus == .providerNodes,
                sort: state.sort[.providerNodes] ?? SortSpec(), pane: .providerNodes)
        y += nodesHeight

        // History charts side by side.
        let key = ClusterSnapshot.historyKey(chain: chain, provider: id)
        let half = body.width / 2
        Panels.chart(&p, Rect(x: body.x, y: y, width: half, height: chartHeight), v, title: "Latency",
                     values: snapshot.latencyHistory[key] ?? [], format: { Format.ms($0) })
        Panels.chart(&p, Rect(x: body.x + half, y: y, width: body.width - half, height: chartHeight), v, title: "Calls/s",
                     values: snapshot.rateHistory[key] ?? [], format: { Format.rate($0) })
        y += chartHeight

        // Methods, expandable per node.
        let methodsRect = Rect(x: body.x, y: y, width: body.width, height: methodsHeight)
        p.box(methodsRect, title: v.plain("Methods (\(Keymap.hint(.drillIn)) expands per node)" + Rows.filterTitle(.providerMethods, state, snapshot)), focused: focus == .providerMethods)
        var lines: [MethodLine] = []
        for method in Rows.providerMethods(state, snapshot, chain: chain, id: id) {
            let expanded = state.expandedMethods.contains(method.method)
            lines.append(MethodLine(method: method, expanded: expanded))
            if expanded { lines += method.byNode.map { MethodLine(method: method, expanded: true, node: $0) } }
        }
        p.table(methodsRect.inner, MethodColumns.table, rows: lines, env: v.cellEnv,
                selected: Rows.clampedSelection(.providerMethods, state, snapshot), focused: focus == .providerMethods,
                sort: state.sort[.providerMethods] ?? SortSpec(), emptyText: "no per-method figures yet", pane: .providerMethods)
        y += methodsHeight

        // Recent events for this provider.
        if eventsHeight >= 3 {
            let eventsRect = Rect(x: body.x, y: y, width: body.width, height: eventsHeight)
            p.box(eventsRect, title: v.plain("Recent events for \(provider.displayName)" + Rows.filterTitle(.providerEvents, state, snapshot)), focused: focus == .providerEvents)
            let events = Rows.providerEvents(state, snapshot, chain: chain, id: id)
            let selected = focus == .providerEvents ? Rows.clampedSelection(.providerEvents, state, snapshot) : max(0, events.count - 1)
            p.table(eventsRect.inner, FeedColumns.table, rows: events, env: v.cellEnv, selected: selected,
                    focused: focus == .providerEvents, emptyText: "no events for this provider in the feed window", pane: .providerEvents)
        }
    }
}
