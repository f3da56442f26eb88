import LassoCore

extension Context {
    // MARK: provider detail

    /// Lasso reports 0 for a percentile with no samples: show a dash, not a fake 0 ms.
    func pms(_ value: Double) -> String { value > 0 ? Format.ms(value) : dash }

    func drawProvider(_ p: inout Painter, _ body: Rect, chain: String, id: String) {
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
        let circuits = Rows.circuitStates(snapshot, chain: chain, id: id)
        let nodesRect = Rect(x: body.x, y: y, width: body.width, height: nodesHeight)
        p.box(nodesRect, title: "Per node", focused: focus == .providerNodes)
        let nodeColumns = [
            Column(title: "NODE", width: 12, grow: true, priority: 0, sortIndex: 0),
            Column(title: "CALLS", width: 7, right: true, priority: 0, sortIndex: 1),
            Column(title: "CALL/S", width: 6, right: true, priority: 2),
            Column(title: "AVG", width: 7, right: true, priority: 0, sortIndex: 2),
            Column(title: "SUCC", width: 6, right: true, priority: 0, sortIndex: 3),
            Column(title: "P50", width: 7, right: true, priority: 1),
            Column(title: "P95", width: 7, right: true, priority: 0, sortIndex: 4),
            Column(title: "P99", width: 7, right: true, priority: 1),
            Column(title: "SCORE", width: 5, right: true, priority: 3),
            Column(title: "CIRCUIT", width: 9, priority: 1),
        ]
        let nodeRows = Rows.providerNodes(state, snapshot, chain: chain, id: id).map { figures -> TableRow in
            let circuit = circuits.first { $0.node == figures.node }?.state ?? "closed"
            let circuitRole: StyleRole? = circuit == "open" ? .statusOffline : (circuit == "half_open" ? .statusDegraded : .statusHealthy)
            return TableRow(cells: [
                TableCell(figures.node), TableCell(Format.count(figures.totalCalls)),
                TableCell(Format.rate(figures.callsPerSecond, dash: dash)), TableCell(Format.ms(figures.avgLatencyMs)),
                TableCell(Format.percent(figures.successRate), successRole(figures.successRate)),
                TableCell(pms(figures.p50)), TableCell(pms(figures.p95)), TableCell(pms(figures.p99)),
                TableCell(Format.score(figures.score)), TableCell(circuit, circuitRole),
            ])
        }
        p.table(nodesRect.inner, columns: nodeColumns, rows: nodeRows, selected: Rows.clampedSelection(.providerNodes, state, snapshot),
                focused: focus == .providerNodes, sort: state.sort[.providerNodes] ?? SortSpec())
        y += nodesHeight

        // History charts side by side.
        let key = ClusterSnapshot.historyKey(chain: chain, provider: id)
        let half = body.width / 2
        drawChart(&p, Rect(x: body.x, y: y, width: half, height: chartHeight), title: "Latency",
                  values: snapshot.latencyHistory[key] ?? [], format: { Format.ms($0) })
        drawChart(&p, Rect(x: body.x + half, y: y, width: body.width - half, height: chartHeight), title: "Calls/s",
                  values: snapshot.rateHistory[key] ?? [], format: { Format.rate($0) })
        y += chartHeight

        // Methods, expandable per node.
        let methodsRect = Rect(x: body.x, y: y, width: body.width, height: methodsHeight)
        p.box(methodsRect, title: "Methods (Enter expands per node)", focused: focus == .providerMethods)
        let methodColumns = [
            Column(title: "METHOD", width: 20, grow: true, priority: 0, sortIndex: 1),
            Column(title: "CALLS", width: 7, right: true, priority: 0, sortIndex: 0),
            Column(title: "AVG", width: 7, right: true, priority: 1),
            Column(title: "SUCC", width: 6, right: true, priority: 0, sortIndex: 3),
            Column(title: "P50", width: 7, right: true, priority: 1),
            Column(title: "P95", width: 7, right: true, priority: 0, sortIndex: 2),
            Column(title: "P99", width: 7, right: true, priority: 1),
            Column(title: "WORST NODE", width: 12, priority: 2),
        ]
        var methodRows: [TableRow] = []
        for method in Rows.providerMethods(state, snapshot, chain: chain, id: id) {
            let expanded = state.expandedMethods.contains(method.method)
            let marker = caps.unicode ? (expanded ? "▾ " : "▸ ") : (expanded ? "- " : "+ ")
            methodRows.append(TableRow(cells: [
                TableCell(marker + method.method), TableCell(Format.count(method.totalCalls)), TableCell(Format.ms(method.avgLatencyMs)),
                TableCell(Format.percent(method.successRate), successRole(method.successRate)), TableCell(pms(method.p50)),
                TableCell(pms(method.p95)), TableCell(pms(method.p99)), TableCell(method.worstNode ?? dash, .textDim),
            ]))
            if expanded {
                for figures in method.byNode {
                    methodRows.append(TableRow(cells: [
                        TableCell((caps.unicode ? "  └ " : "  `-") + figures.node, .textDim), TableCell(Format.count(figures.totalCalls)),
                        TableCell(Format.ms(figures.avgLatencyMs)), TableCell(Format.percent(figures.successRate)),
                        TableCell(pms(figures.p50)), TableCell(pms(figures.p95)), TableCell(pms(figures.p99)),
                        TableCell(""),
                    ], role: .textDim, selectable: false))
                }
            }
        }
        p.table(methodsRect.inner, columns: methodColumns, rows: methodRows,
                selected: Rows.clampedSelection(.providerMethods, state, snapshot), focused: focus == .providerMethods,
                sort: state.sort[.providerMethods] ?? SortSpec(), emptyText: "no per-method figures yet")
        y += methodsHeight

        // Recent events for this provider.
        if eventsHeight >= 3 {
            let eventsRect = Rect(x: body.x, y: y, width: body.width, height: eventsHeight)
            p.box(eventsRect, title: "Recent events for \(provider.displayName)", focused: focus == .providerEvents)
            let events = Rows.providerEvents(snapshot, chain: chain, id: id)
            let selected = focus == .providerEvents ? Rows.clampedSelection(.providerEvents, state, snapshot) : max(0, events.count - 1)
            p.table(eventsRect.inner, columns: Self.feedColumns, rows: events.map(feedRow), selected: selected,
                    focused: focus == .providerEvents, emptyText: "no events for this provider in the feed window")
        }
    }

    func drawChart(_ p: inout Painter, _ rect: Rect, title: String, values: [Double], format: (Double) -> String) {
        let finite = values.filter(\.isFinite)
        let label = finite.isEmpty ? title
            : "\(title) · last \(format(finite.last ?? 0)) · min \(format(finite.min() ?? 0)) · max \(format(finite.max() ?? 0))"
        p.box(rect, title: caps.unicode ? label : label.replacingOccurrences(of: "·", with: "-"))
        let inner = rect.inner
        guard !finite.isEmpty else {
            if inner.height > 0 { p.text("no history yet", x: inner.x + 1, y: inner.y, role: .textDim, clean: false) }
            return
        }
        let rows = Sparkline.chart(values, width: inner.width - 1, height: inner.height, ascii: ascii, zeroBased: false)
        for (i, row) in rows.enumerated() {
            p.text(row, x: inner.x + 1, y: inner.y + i, width: inner.width - 1, role: .sparkline, clean: false)
        }
    }

    // MARK: node detail

    func drawNode(_ p: inout Painter, _ body: Rect, name: String) {
        guard let node = snapshot.nodes.first(where: { $0.name == name }) else {
            p.box(body, title: "Node \(name)")
            p.text("\(name) is no longer watched.", x: body.x + 2, y: body.y + 2, width: body.width - 4, role: .textDim)
            return
        }
        let focus = state.focusedPane
        let half = body.width / 2
        let healthHeight = 9
        let healthRect = Rect(x: body.x, y: body.y, width: half, height: healthHeight)
        p.box(healthRect, title: "Health · \(node.name)")
        let lastSuccess = node.lastSuccessMs.map { Format.age(sinceMs: $0, nowMs: nowMs) + " ago" } ?? "never"
        let fields: [(String, String, StyleRole)] = [
            ("url", node.url, .text),
            ("state", nodeStateText(node.state) + (node.lastError.map { node.state == .up ? "" : " · \($0)" } ?? ""), nodeStateRole(node.state)),
            ("poll", "\(Format.ms(node.latencyMs, dash: dash)) last · p50 \(Format.ms(node.latencyP50, dash: dash)) · p95 \(Format.ms(node.latencyP95, dash: dash))", .text),
            ("version", "\(node.version ?? dash) · up \(Format.uptime(node.uptimeSeconds, dash: dash))", .text),
            ("success", "\(Format.percent(node.pollSuccessRate, dash: dash)) of polls · last ok \(lastSuccess) · \(node.flaps) flaps", .text),
            ("history", Sparkline.render(node.latencyHistory, width: max(1, half - 14), ascii: ascii), .sparkline),
        ]
        for (i, field) in fields.enumerated() {
            let y = healthRect.y + 1 + i
            p.text(field.0, x: healthRect.x + 2, y: y, width: 8, role: .textDim, clean: false)
            let value = caps.unicode ? field.1 : field.1.replacingOccurrences(of: "·", with: "-")
            p.text(value, x: healthRect.x + 11, y: y, width: half - 13, role: field.2)
        }

        let viewRect = Rect(x: body.x + half, y: body.y, width: body.width - half, height: healthHeight)
        p.box(viewRect, title: node.state != .up && node.cluster != nil ? "Its cluster view (last known)" : "Its cluster view")
        if let view = node.cluster {
            let lines: [(String, String)] = [
                ("status", view.isStandalone ? "standalone (clustering off)" : view.status),
                ("connected", "\(view.nodesConnected) nodes (including itself)"),
                ("responding", "\(view.nodesResponding) of \(view.nodesConnected)"),
                ("regions", view.regions.isEmpty ? dash : view.regions.joined(separator: ", ")),
                ("lassotop", "sees \(snapshot.coverage.responding)/\(snapshot.coverage.total) responding"
                    + (view.nodesConnected < snapshot.coverage.responding ? " · DISAGREES (partition?)" : "")),
            ]
            for (i, line) in lines.enumerated() {
                let y = viewRect.y + 1 + i
                p.text(line.0, x: viewRect.x + 2, y: y, width: 10, role: .textDim, clean: false)
                let role: StyleRole = line.1.contains("DISAGREES") ? .statusDegraded : .text
                let value = caps.unicode ? line.1 : line.1.replacingOccurrences(of: "·", with: "-")
                p.text(value, x: viewRect.x + 13, y: y, width: viewRect.width - 15, role: role)
            }
        } else {
            p.text("no cluster view from this node yet", x: viewRect.x + 2, y: viewRect.y + 1, width: viewRect.width - 4, role: .textDim, clean: false)
        }

        var y = body.y + healthHeight
        var remaining = body.height - healthHeight
        if snapshot.isDemo {
            let demoHeight = 3
            let demoRect = Rect(x: body.x, y: body.y + body.height - demoHeight, width: body.width, height: demoHeight)
            p.box(demoRect, title: "Demo faults for \(node.name)")
            let keys = Keymap.faultModes.map { "\($0.key) \($0.mode)" }.joined(separator: "  ")
            p.text(keys, x: demoRect.x + 2, y: demoRect.y + 1, width: demoRect.width - 4, role: .keyHint, clean: false)
            remaining -= demoHeight
        }
        let providerRows = Rows.nodeProviders(snapshot, node: name).count
        let providersHeight = min(max(4, providerRows + 3), max(4, remaining / 2))
        let errorsHeight = remaining - providersHeight
        let providersRect = Rect(x: body.x, y: y, width: body.width, height: providersHeight)
        p.box(providersRect, title: "Its providers", focused: focus == .nodeProviders)
        let columns = [
            Column(title: "CHAIN", width: 10, priority: 1), Column(title: "PROVIDER", width: 14, grow: true, priority: 0),
            Column(title: "CALLS", width: 7, right: true, priority: 0), Column(title: "CALL/S", width: 6, right: true, priority: 2),
            Column(title: "AVG", width: 7, right: true, priority: 0), Column(title: "SUCC", width: 6, right: true, priority: 0),
            Column(title: "P95", width: 7, right: true, priority: 1), Column(title: "SCORE", width: 5, right: true, priority: 2),
        ]
        let rows = Rows.nodeProviders(snapshot, node: name).map { row in
            TableRow(cells: [
                TableCell(row.chain, .textDim), TableCell(row.providerName), TableCell(Format.count(row.figures.totalCalls)),
                TableCell(Format.rate(row.figures.callsPerSecond, dash: dash)), TableCell(Format.ms(row.figures.avgLatencyMs)),
                TableCell(Format.percent(row.figures.successRate), successRole(row.figures.successRate)),
                TableCell(pms(row.figures.p95)), TableCell(Format.score(row.figures.score)),
            ])
        }
        p.table(providersRect.inner, columns: columns, rows: rows, selected: Rows.clampedSelection(.nodeProviders, state, snapshot),
                focused: focus == .nodeProviders, emptyText: "this node reports no providers right now")
        y += providersHeight
        if errorsHeight >= 3 {
            let errorsRect = Rect(x: body.x, y: y, width: body.width, height: errorsHeight)
            p.box(errorsRect, title: "Errors (newest first)", focused: focus == .nodeErrors)
            let errorRows = Rows.nodeErrors(snapshot, node: name).map { entry in
                TableRow(cells: [TableCell(Format.clock(entry.ts, offsetSeconds: caps.utcOffsetSeconds), .textDim),
                                 TableCell(Format.age(sinceMs: entry.ts, nowMs: nowMs) + " ago", .textDim),
                                 TableCell(entry.message, .feedError)])
            }
            p.table(errorsRect.inner, columns: [Column(title: "TIME", width: 8), Column(title: "AGE", width: 10, right: true),
                                                Column(title: "ERROR", width: 20, grow: true)],
                    rows: errorRows, selected: Rows.clampedSelection(.nodeErrors, state, snapshot), focused: focus == .nodeErrors,
                    emptyText: "no errors recorded")
        }
    }

    // MARK: help overlay

    func drawHelp(_ p: inout Painter, _ size: GridSize) {
        // Covers the whole body so nothing underneath shows through at the edges.
        let rect = Rect(x: 0, y: 2, width: size.width, height: size.height - 3)
        p.grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, role: .text)
        p.box(rect, title: "Help · keys (? or Esc closes)", focused: true)
        let lines = HelpContent.lines()
        let visible = rect.height - 2
        let offset = min(state.scroll[.help] ?? 0, max(0, lines.count - visible))
        let keyWidth = 22
        for i in 0..<visible {
            let index = offset + i
            guard index < lines.count else { break }
            let line = lines[index]
            let y = rect.y + 1 + i
            if line.isHeading {
                p.text(line.keys, x: rect.x + 2, y: y, width: rect.width - 4, role: .title, attributes: [.bold], clean: false)
            } else {
                p.text(line.keys, x: rect.x + 3, y: y, width: keyWidth, role: .keyHint, clean: false)
                p.text(line.text, x: rect.x + 4 + keyWidth, y: y, width: rect.width - keyWidth - 6, clean: false)
            }
        }
        if offset + visible < lines.count {
            p.text(caps.unicode ? "↓ more" : "v more", x: rect.x + rect.width - 9, y: rect.y + rect.height - 1, role: .textDim, clean: false)
        }
    }
}
