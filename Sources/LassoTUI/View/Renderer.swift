import LassoCore

/// render(state, snapshot, size, caps, now) → frame. Pure: everything it shows comes from its arguments.
public enum Renderer {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public static func render(state: UIState, snapshot: ClusterSnapshot, size: GridSize, caps: RenderCaps, nowMs: Int64,
                              runtime: RuntimeInfo = RuntimeInfo()) -> CellGrid {
        var p = Painter(size: size, caps: caps)
        if size.width < minimumWidth || size.height < minimumHeight {
            drawTooSmall(&p, size)
        } else {
            var ctx = Context(state: state, snapshot: snapshot, caps: caps, nowMs: nowMs, runtime: runtime)
            ctx.draw(&p, size)
        }
        if caps.monochrome { applyMonochrome(&p.grid) }
        return p.grid
    }

    static func drawTooSmall(_ p: inout Painter, _ size: GridSize) {
        let lines = ["terminal too small: need \(minimumWidth)×\(minimumHeight)", "have \(size.width)×\(size.height) — enlarge the window or press q"]
        let top = max(0, size.height / 2 - 1)
        for (i, line) in lines.enumerated() {
            let width = CellWidth.of(line)
            p.text(line, x: max(0, (size.width - width) / 2), y: top + i, role: i == 0 ? .alertWarning : .textDim, clean: false)
        }
    }

    /// Without colour, state still has to show: attributes by role (htop's monochrome scheme).
    static func monochromeAttributes(_ role: StyleRole) -> TextAttributes {
        switch role {
        case .title, .borderFocus, .statusDegraded, .feedError, .alertWarning: return [.bold]
        case .tableHeader: return [.underline]
        case .tableSelected: return [.reverse]
        case .statusOffline, .alertCritical, .banner: return [.bold, .reverse]
        case .textDim: return [.dim]
        default: return []
        }
    }

    static func applyMonochrome(_ grid: inout CellGrid) {
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let cell = grid[x, y]
                let extra = monochromeAttributes(cell.role)
                if !extra.isEmpty { grid.restyle(x: x, y: y, width: 1, adding: extra) }
                x += 1
            }
        }
    }
}

/// Drawing of the screens. Internal: the public surface is `Renderer.render`.
struct Context {
    let state: UIState
    let snapshot: ClusterSnapshot
    let caps: RenderCaps
    let nowMs: Int64
    let runtime: RuntimeInfo

    var dash: String { caps.unicode ? "—" : "-" }
    var arrow: String { caps.unicode ? "→" : "->" }
    var ascii: Bool { !caps.unicode }

    mutating func draw(_ p: inout Painter, _ size: GridSize) {
        drawHeader(&p, width: size.width)
        drawNavigation(&p, width: size.width)
        let body = Rect(x: 0, y: 2, width: size.width, height: size.height - 3)
        switch state.page {
        case .view(.overview): drawOverview(&p, body)
        case .view(.nodes): drawNodesView(&p, body)
        case .view(.feed): drawFeedView(&p, body)
        case .view(.ops): drawOps(&p, body)
        case .view(.alerts): drawAlerts(&p, body)
        case .view(.demo): drawDemo(&p, body)
        case .provider(let chain, let id): drawProvider(&p, body, chain: chain, id: id)
        case .node(let name): drawNode(&p, body, name: name)
        }
        drawFooter(&p, y: size.height - 1, width: size.width)
        if state.helpShown { drawHelp(&p, size) }
    }

    // MARK: header, navigation, footer

    func coverageRole(_ status: CoverageStatus) -> StyleRole {
        switch status {
        case .healthy: return .statusHealthy
        case .degraded: return .statusDegraded
        case .offline: return .statusOffline
        }
    }

    func drawHeader(_ p: inout Painter, width: Int) {
        struct Segment { var text: String; var role: StyleRole; var priority: Int; var attributes: TextAttributes = [] }
        let coverage = snapshot.coverage
        var segments: [Segment] = [Segment(text: "lassotop", role: .title, priority: 0, attributes: [.bold])]
        if snapshot.isDemo {
            segments.append(Segment(text: "DEMO", role: .alertWarning, priority: 1, attributes: [.bold]))
        } else if let name = snapshot.clusterName {
            segments.append(Segment(text: Sanitizer.clean(name), role: .text, priority: 3))
        }
        segments.append(Segment(text: "Coverage: \(coverage.responding)/\(coverage.total) nodes", role: coverageRole(coverage.status),
                                priority: 0, attributes: [.bold]))
        if snapshot.updating { segments.append(Segment(text: caps.unicode ? "(updating…)" : "(updating...)", role: .textDim, priority: 2)) }
        if coverage.total > 0 && !coverage.quorum {
            segments.append(Segment(text: "NO QUORUM", role: .alertCritical, priority: 1, attributes: [.bold]))
        }
        if coverage.partitionSuspected {
            segments.append(Segment(text: "PARTITION SUSPECTED", role: .alertCritical, priority: 1, attributes: [.bold]))
        }
        let firing = snapshot.alerts.filter { $0.state == .firing }
        let critical = firing.filter { $0.level == .critical }.count
        let warning = firing.count - critical
        if critical > 0 { segments.append(Segment(text: "\(critical) critical", role: .alertCritical, priority: 1, attributes: [.bold])) }
        if warning > 0 { segments.append(Segment(text: "\(warning) warning", role: .alertWarning, priority: 2)) }
        if critical == 0 && warning == 0 { segments.append(Segment(text: "no alerts", role: .textDim, priority: 4)) }
        if snapshot.insecure { segments.append(Segment(text: "TLS UNVERIFIED", role: .alertWarning, priority: 0, attributes: [.bold])) }   // a security warning is never dropped

        let clock = Format.clock(nowMs, offsetSeconds: caps.utcOffsetSeconds)
        let available = width - CellWidth.of(clock) - 1
        var chosen = segments
        func used(_ list: [Segment]) -> Int { list.reduce(0) { $0 + CellWidth.of($1.text) } + 2 * max(0, list.count - 1) }
        while used(chosen) > available, let drop = chosen.indices.max(by: { (chosen[$0].priority, $0) < (chosen[$1].priority, $1) }),
              chosen[drop].priority > 0 {
            chosen.remove(at: drop)
        }
        var x = 0
        for segment in chosen {
            x += p.text(segment.text, x: x, y: 0, width: max(0, available - x), role: segment.role, attributes: segment.attributes, clean: false)
            x += 2
        }
        p.text(clock, x: width - CellWidth.of(clock), y: 0, role: .textDim, clean: false)
    }

    func drawNavigation(_ p: inout Painter, width: Int) {
        // Right: chain selector.
        var right = ""
        if let chain = Rows.chain(state, snapshot) {
            let index = snapshot.chains.firstIndex { $0.chain == chain.chain } ?? 0
            right = "chain: \(Sanitizer.clean(chain.chain)) (\(index + 1)/\(snapshot.chains.count), c)"
        } else {
            right = "chain: \(dash)"
        }
        let rightWidth = CellWidth.of(right)
        let leftLimit = width - rightWidth - 2
        var x = 0
        if state.pages.count > 1 {
            let separator = caps.unicode ? " › " : " > "
            let crumbs = state.pages.map { crumb($0.page) }
            for (i, part) in crumbs.enumerated() {
                if i > 0 { x += p.text(separator, x: x, y: 1, width: max(0, leftLimit - x), role: .textDim, clean: false) }
                x += p.text(part, x: x, y: 1, width: max(0, leftLimit - x), role: i == crumbs.count - 1 ? .title : .text,
                            attributes: i == crumbs.count - 1 ? [.bold] : [])
            }
        } else {
            for view in TopView.allCases {
                let label = "\(view.rawValue) \(view.title)"
                let current = view == state.topView
                x += p.text(label, x: x, y: 1, width: max(0, leftLimit - x), role: current ? .tableSelected : .keyHint,
                            attributes: current ? [.bold] : [], clean: false)
                x += 1
            }
        }
        p.text(right, x: width - rightWidth, y: 1, role: .textDim)
    }

    func crumb(_ page: Page) -> String {
        switch page {
        case .view(let view): return view.title
        case .provider(let chain, let id):
            let name = Rows.provider(snapshot, chain: chain, id: id)?.displayName ?? id
            return "Provider \(name) (\(chain))"
        case .node(let name): return "Node \(name)"
        }
    }

    func drawFooter(_ p: inout Painter, y: Int, width: Int) {
        if state.filterEditing {
            let cursor = caps.unicode ? "▏" : "_"
            var x = p.text("filter: ", x: 0, y: y, role: .title, clean: false)
            x += p.text(state.filterText, x: x, y: y, width: width - x - 40)
            x += p.text(cursor, x: x, y: y, role: .title, clean: false)
            p.text("  Enter keep · Esc clear · ! excludes", x: x, y: y, role: .textDim, clean: false)
            return
        }
        if let message = state.statusMessage {
            p.text(message, x: 0, y: y, role: .title)
            return
        }
        var hints: [(String, String)] = [("?", "help"), ("q", "quit")]
        switch state.page {
        case .view(.overview):
            hints += [("←→", "pane"), ("Enter", "open"), ("/", "filter"), ("Space", "pause"), ("c", "chain"), ("s", "sort"), ("e", "export")]
        case .view(.feed):
            hints += [("/", "filter"), ("Space", "pause"), ("f", "follow"), ("Enter", "provider"), ("e", "export")]
        case .view(.demo):
            hints += [("↑↓", "node")] + Keymap.faultModes.map { (String($0.key), $0.mode) }
        case .node where snapshot.isDemo:
            hints += [("Esc", "back")] + Keymap.faultModes.map { (String($0.key), $0.mode) }
        default:
            hints += [("Enter", "open"), ("Esc", "back"), ("s", "sort"), ("e", "export"), ("+/-", "interval")]
        }
        var x = 0
        for (key, label) in hints {
            let keyText = caps.unicode ? key : key.replacingOccurrences(of: "←→", with: "<>").replacingOccurrences(of: "↑↓", with: "^v")
            guard x + CellWidth.of(keyText) + CellWidth.of(label) + 1 < width else { break }
            x += p.text(keyText, x: x, y: y, role: .keyHint, attributes: [.bold], clean: false)
            x += p.text(" " + label + "  ", x: x, y: y, role: .textDim, clean: false)
        }
        if state.paused {
            let banner = " PAUSED +\(state.newEventsSincePause(snapshot)) "
            let bw = CellWidth.of(banner)
            if x + bw < width { p.text(banner, x: width - bw, y: y, role: .banner, attributes: [.bold], clean: false) }
        }
    }

    // MARK: overview

    func drawOverview(_ p: inout Painter, _ body: Rect) {
        let nodesHeight = min(snapshot.nodes.count, max(3, body.height / 3)) + 3
        let rest = body.height - nodesHeight
        let providerRows = Rows.chain(state, snapshot)?.providers.count ?? 0
        let providersHeight = min(max(4, providerRows + 3), max(4, (rest * 11 + 19) / 20))
        let feedHeight = rest - providersHeight
        let focus = state.focusedPane
        drawNodesTable(&p, Rect(x: body.x, y: body.y, width: body.width, height: nodesHeight), pane: .nodes,
                       focused: focus == .nodes, wide: false)
        drawProvidersTable(&p, Rect(x: body.x, y: body.y + nodesHeight, width: body.width, height: providersHeight),
                           focused: focus == .providers)
        if feedHeight >= 3 {
            drawFeedTable(&p, Rect(x: body.x, y: body.y + nodesHeight + providersHeight, width: body.width, height: feedHeight),
                          focused: focus == .feed, title: feedTitle())
        }
    }

    func nodeStateRole(_ state: NodeState) -> StyleRole {
        switch state {
        case .up: return .statusHealthy
        case .pending: return .textDim
        case .stale: return .statusDegraded
        case .down, .bad: return .statusOffline
        }
    }

    func nodeStateText(_ state: NodeState) -> String {
        switch state {
        case .up: return "up"
        case .pending: return "wait"
        case .stale: return "stale"
        case .down: return "DOWN"
        case .bad: return "BAD"
        }
    }

    func drawNodesTable(_ p: inout Painter, _ rect: Rect, pane: Pane, focused: Bool, wide: Bool) {
        p.box(rect, title: "Nodes \(snapshot.coverage.responding)/\(snapshot.coverage.total)", focused: focused)
        var columns = [
            Column(title: "NODE", width: 12, priority: 0, sortIndex: 0),
            Column(title: "REGION", width: 6, priority: 5),
            Column(title: "STATE", width: 5, priority: 0, sortIndex: 1),
            Column(title: "POLL", width: 7, right: true, priority: 1, sortIndex: 2),
            Column(title: "VERSION", width: 8, priority: 6),
            Column(title: "UPTIME", width: 7, right: true, priority: 4, sortIndex: 3),
            Column(title: "VIEW", width: 5, right: true, priority: 2),
            Column(title: "LAST ERROR", width: 12, grow: true, priority: 1),
        ]
        if wide {
            columns.insert(Column(title: "URL", width: 24, priority: 7), at: 1)
            columns.insert(Column(title: "POLL OK", width: 7, right: true, priority: 6), at: 5)
            columns.insert(Column(title: "FLAPS", width: 5, right: true, priority: 6), at: 6)
        }
        let rows = Rows.nodes(state, snapshot, pane: pane).map { node -> TableRow in
            let view = node.cluster.map { "\($0.nodesResponding)/\($0.nodesConnected)" } ?? dash
            var cells = [
                TableCell(node.name),
                TableCell(node.region ?? dash, .textDim),
                TableCell(nodeStateText(node.state), nodeStateRole(node.state)),
                TableCell(Format.ms(node.latencyMs, dash: dash)),
                TableCell(node.version ?? dash, .textDim),
                TableCell(Format.uptime(node.uptimeSeconds, dash: dash)),
                TableCell(view),
                TableCell(node.state == .up ? "" : (node.lastError ?? ""), .feedError),
            ]
            if wide {
                cells.insert(TableCell(node.url, .textDim), at: 1)
                cells.insert(TableCell(Format.percent(node.pollSuccessRate, dash: dash)), at: 5)
                cells.insert(TableCell(String(node.flaps), node.flaps > 0 ? .statusDegraded : nil), at: 6)
            }
            return TableRow(cells: cells)
        }
        p.table(rect.inner, columns: columns, rows: rows, selected: Rows.clampedSelection(pane, state, snapshot), focused: focused,
                sort: state.sort[pane] ?? SortSpec(), emptyText: "no nodes configured")
    }

    func successRole(_ fraction: Double) -> StyleRole? {
        if fraction < 0.8 { return .statusOffline }
        if fraction < 0.95 { return .statusDegraded }
        return nil
    }

    func drawProvidersTable(_ p: inout Painter, _ rect: Rect, focused: Bool) {
        let chain = Rows.chain(state, snapshot)
        let title = chain.map { "Providers · \($0.chain) · \($0.responding)/\($0.total) nodes reporting" } ?? "Providers"
        p.box(rect, title: caps.unicode ? title : title.replacingOccurrences(of: "·", with: "-"), focused: focused)
        let inner = rect.inner
        var columns = [
            Column(title: "PROVIDER", width: 14, grow: true, priority: 0, sortIndex: 6),
            Column(title: "CALLS", width: 7, right: true, priority: 1, sortIndex: 1),
            Column(title: "CALL/S", width: 6, right: true, priority: 3, sortIndex: 2),
            Column(title: "AVG", width: 7, right: true, priority: 0, sortIndex: 3),
            Column(title: "SUCC", width: 6, right: true, priority: 0, sortIndex: 4),
            Column(title: "SCORE", width: 6, right: true, priority: 2, sortIndex: 0),
            Column(title: "P95 WORST", width: 15, priority: 4, sortIndex: 5),
            Column(title: "NODES", width: 5, right: true, priority: 1),
            Column(title: "LATENCY HISTORY", width: 15, priority: 5),
        ]
        // Wide terminals: the name column stops at 28 cells and the sparkline takes the rest.
        if inner.width > 130 {
            columns[0].width = 28
            columns[0].grow = false
            columns[8].grow = true
        }
        let historyWidth = Painter.layout(columns, width: inner.width - 2).first { $0.index == 8 }?.width ?? 0
        let total = chain?.total ?? 0
        let rows = Rows.providers(state, snapshot).map { provider -> TableRow in
            let key = ClusterSnapshot.historyKey(chain: chain?.chain ?? "", provider: provider.id)
            let history = Sparkline.render(snapshot.latencyHistory[key] ?? [], width: historyWidth, ascii: ascii)
            let worst = provider.p95LatencyMsMax > 0
                ? Format.ms(provider.p95LatencyMsMax) + (provider.p95WorstNode.map { " " + $0 } ?? "") : dash
            return TableRow(cells: [
                TableCell(provider.displayName),
                TableCell(Format.count(provider.totalCalls)),
                TableCell(Format.rate(provider.callsPerSecond, dash: dash)),
                TableCell(Format.ms(provider.avgLatencyMs)),
                TableCell(Format.percent(provider.successRate), successRole(provider.successRate)),
                TableCell(provider.coldStart ? "cold" : Format.score(provider.score), provider.coldStart ? .statusDegraded : nil),
                TableCell(worst),
                TableCell("\(provider.nodesReporting)/\(total)", provider.nodesReporting < total ? .statusDegraded : nil),
                TableCell(history, .sparkline),
            ])
        }
        let empty = chain == nil ? "no chains yet (waiting for /api/chains)" : "no providers reported for this chain"
        p.table(inner, columns: columns, rows: rows, selected: Rows.clampedSelection(.providers, state, snapshot), focused: focused,
                sort: state.sort[.providers] ?? SortSpec(), emptyText: empty)
    }

    func feedTitle() -> String {
        var title = "Feed"
        let shown = Rows.feed(state, snapshot).count
        let all = state.paused ? state.frozenFeed.count : snapshot.feed.count
        if !state.filterText.isEmpty { title += " · /\(state.filterText) (\(shown) of \(all))" }
        if state.paused { title += " · PAUSED · \(state.newEventsSincePause(snapshot)) new" } else if state.follow { title += " · follow" }
        if snapshot.sampling { title += " · sampled" }
        return caps.unicode ? title : title.replacingOccurrences(of: "·", with: "-")
    }

    func feedRow(_ event: FeedEvent) -> TableRow {
        let time = Format.clock(event.ts, offsetSeconds: caps.utcOffsetSeconds)
        let node = event.sourceNodeID ?? event.relayNode ?? dash
        let chain = event.chain ?? event.chainID.map(String.init) ?? dash
        var what: String
        var provider = event.providerID ?? ""
        var duration = ""
        var result = ""
        var role: StyleRole = .text
        switch event.kind {
        case .routing:
            what = event.method ?? "?"
            duration = event.durationMs.map { Format.ms(Double($0)) } ?? ""
            result = event.result == "error" ? "ERR" : (event.result == "success" ? "ok" : (event.result ?? ""))
            if event.failoverCount > 0 { result += caps.unicode ? " ↻\(event.failoverCount)" : " F\(event.failoverCount)" }
        case .circuit:
            what = "circuit \(event.from ?? "?") \(arrow) \(event.to ?? "?")" + (event.reason.map { " (\($0))" } ?? "")
            result = event.to == "open" ? "OPEN" : ""
            role = .feedInfo
        case .cluster:
            what = event.message ?? ""
            provider = event.providerID ?? ""
            result = ["info": "info", "warning": "warn", "critical": "crit"][(event.severity ?? .info).rawValue] ?? ""
            role = (event.severity ?? .info) >= .warning ? .alertWarning : .feedInfo
        }
        if event.isError { role = .feedError }
        return TableRow(cells: [TableCell(time, event.isError ? nil : .textDim), TableCell(node), TableCell(chain),
                                TableCell(what), TableCell(event.kind == .routing && !provider.isEmpty ? arrow + " " + provider : provider),
                                TableCell(duration), TableCell(result)], role: role)
    }

    static let feedColumns = [
        Column(title: "TIME", width: 8, priority: 1),
        Column(title: "NODE", width: 9, priority: 2),
        Column(title: "CHAIN", width: 9, priority: 3),
        Column(title: "METHOD / EVENT", width: 16, grow: true, priority: 0),
        Column(title: "PROVIDER", width: 12, priority: 0),
        Column(title: "DUR", width: 6, right: true, priority: 1),
        Column(title: "RESULT", width: 6, priority: 0),
    ]

    func drawFeedTable(_ p: inout Painter, _ rect: Rect, focused: Bool, title: String) {
        p.box(rect, title: title, focused: focused)
        let events = Rows.feed(state, snapshot)
        let empty = state.filterText.isEmpty ? "no events yet" : "no events match /\(Sanitizer.clean(state.filterText))"
        p.table(rect.inner, columns: Self.feedColumns, rows: events.map(feedRow),
                selected: Rows.clampedSelection(.feed, state, snapshot), focused: focused, emptyText: empty)
    }

    // MARK: full-screen views

    func drawNodesView(_ p: inout Painter, _ body: Rect) {
        drawNodesTable(&p, body, pane: .nodes, focused: true, wide: true)
    }

    func drawFeedView(_ p: inout Painter, _ body: Rect) {
        var rect = body
        if state.paused {
            let banner = " PAUSED — \(state.newEventsSincePause(snapshot)) new events since pause · Space resumes "
            p.grid.fill(x: body.x, y: body.y, width: body.width, role: .banner)
            let text = caps.unicode ? banner : banner.replacingOccurrences(of: "—", with: "-").replacingOccurrences(of: "·", with: "-")
            p.text(text, x: max(0, (body.width - CellWidth.of(text)) / 2), y: body.y, role: .banner, attributes: [.bold], clean: false)
            rect = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        drawFeedTable(&p, rect, focused: true, title: feedTitle())
    }

    func drawOps(_ p: inout Painter, _ body: Rect) {
        let stats = snapshot.feedStats
        let cache = snapshot.cache
        let polls = snapshot.nodes.reduce((0, 0)) { ($0.0 + $1.successCount, $0.1 + $1.failureCount) }
        let pollRate: Double? = polls.0 + polls.1 == 0 ? nil : Double(polls.0) / Double(polls.0 + polls.1)
        let flaps = snapshot.nodes.reduce(0) { $0 + $1.flaps }
        let lines: [(String, String)] = [
            ("cache hit rate", Format.percent(cache.hitRate, dash: dash) + "  (\(cache.hits) hits, \(cache.staleHits) stale, \(cache.misses) misses, \(cache.entries) entries)"),
            ("pending refreshes", "\(cache.pendingRefreshes)  (\(cache.waitingCallers) callers waiting)"),
            ("poll success rate", Format.percent(pollRate, dash: dash) + "  (\(polls.0) ok, \(polls.1) failed)"),
            ("event rate", "\(Format.rate(snapshot.eventRate))/s true · \(Format.rate(snapshot.shownEventRate))/s shown" + (snapshot.sampling ? " (sampling)" : "")),
            ("feed", "\(stats.received) received · \(stats.unique) unique · \(stats.duplicatesDropped) duplicates dropped · \(stats.malformed) malformed · \(stats.sampledOut) sampled out · window \(stats.windowSize)"),
            ("flaps", "\(flaps) state changes across nodes"),
            ("health interval", runtime.healthIntervalMs.map { "\($0) ms (+/- to change)" } ?? dash),
            ("memory", runtime.memoryBytes.map(Format.bytes) ?? dash),
        ]
        let boxHeight = lines.count + 2
        p.box(Rect(x: body.x, y: body.y, width: body.width, height: boxHeight), title: "lassotop telemetry")
        for (i, line) in lines.enumerated() {
            let y = body.y + 1 + i
            p.text(line.0, x: body.x + 2, y: y, width: 18, role: .textDim, clean: false)
            let value = caps.unicode ? line.1 : line.1.replacingOccurrences(of: "·", with: "-")
            p.text(value, x: body.x + 21, y: y, width: body.width - 23, clean: false)
        }
        let rect = Rect(x: body.x, y: body.y + boxHeight, width: body.width, height: body.height - boxHeight)
        p.box(rect, title: "Polling per node", focused: true)
        let columns = [
            Column(title: "NODE", width: 12, priority: 0, sortIndex: 0),
            Column(title: "STATE", width: 5, priority: 0, sortIndex: 1),
            Column(title: "LAST", width: 7, right: true, priority: 1, sortIndex: 2),
            Column(title: "P50", width: 7, right: true, priority: 0),
            Column(title: "P95", width: 7, right: true, priority: 0),
            Column(title: "OK", width: 6, right: true, priority: 1),
            Column(title: "FAILED", width: 6, right: true, priority: 2),
            Column(title: "SUCCESS", width: 7, right: true, priority: 1),
            Column(title: "FLAPS", width: 5, right: true, priority: 2),
            Column(title: "POLL LATENCY", width: 12, grow: true, priority: 3),
        ]
        let historyWidth = max(8, rect.inner.width - 80)
        let rows = Rows.nodes(state, snapshot, pane: .opsNodes).map { node in
            TableRow(cells: [
                TableCell(node.name), TableCell(nodeStateText(node.state), nodeStateRole(node.state)),
                TableCell(Format.ms(node.latencyMs, dash: dash)), TableCell(Format.ms(node.latencyP50, dash: dash)),
                TableCell(Format.ms(node.latencyP95, dash: dash)), TableCell(String(node.successCount)),
                TableCell(String(node.failureCount), node.failureCount > 0 ? .statusDegraded : nil),
                TableCell(Format.percent(node.pollSuccessRate, dash: dash)),
                TableCell(String(node.flaps), node.flaps > 0 ? .statusDegraded : nil),
                TableCell(Sparkline.render(node.latencyHistory, width: historyWidth, ascii: ascii), .sparkline),
            ])
        }
        p.table(rect.inner, columns: columns, rows: rows, selected: Rows.clampedSelection(.opsNodes, state, snapshot), focused: true,
                sort: state.sort[.opsNodes] ?? SortSpec(), emptyText: "no nodes")
    }

    func drawAlerts(_ p: inout Painter, _ body: Rect) {
        let alerts = Rows.alerts(state, snapshot)
        let detailHeight = 4
        let rect = Rect(x: body.x, y: body.y, width: body.width, height: body.height - detailHeight)
        let firing = snapshot.alerts.filter { $0.state == .firing }.count
        p.box(rect, title: "Alerts · \(firing) firing · \(snapshot.alerts.count) total", focused: true)
        let columns = [
            Column(title: "LEVEL", width: 8, priority: 0, sortIndex: 0),
            Column(title: "STATE", width: 8, priority: 0),
            Column(title: "RULE", width: 22, priority: 0, sortIndex: 2),
            Column(title: "SUBJECT", width: 12, priority: 1),
            Column(title: "VALUE", width: 8, right: true, priority: 0),
            Column(title: "THRESHOLD", width: 9, right: true, priority: 0),
            Column(title: "FOR", width: 7, right: true, priority: 1, sortIndex: 1),
            Column(title: "EXPLANATION", width: 10, grow: true, priority: 2),
        ]
        let rows = alerts.map { alert in
            let role: StyleRole = alert.state == .resolved ? .textDim : (alert.level == .critical ? .alertCritical : .alertWarning)
            return TableRow(cells: [
                TableCell(alert.level.rawValue, role), TableCell(alert.state.rawValue, alert.state == .firing ? role : .textDim),
                TableCell(alert.rule), TableCell(alert.subject ?? "cluster"), TableCell(Format.number(alert.value)),
                TableCell(Format.number(alert.threshold), .textDim), TableCell(Format.age(sinceMs: alert.startedAtMs, nowMs: nowMs)),
                TableCell(alert.explanation, .textDim),
            ])
        }
        let selected = Rows.clampedSelection(.alerts, state, snapshot)
        p.table(rect.inner, columns: columns, rows: rows, selected: selected, focused: true,
                sort: state.sort[.alerts] ?? SortSpec(), emptyText: "no alerts — all rules quiet")
        let detail = Rect(x: body.x, y: body.y + rect.height, width: body.width, height: detailHeight)
        p.box(detail, title: "Selected alert")
        if selected < alerts.count {
            let alert = alerts[selected]
            p.text("\(alert.rule) on \(alert.subject ?? "cluster"): value \(Format.number(alert.value)) vs threshold \(Format.number(alert.threshold)), \(alert.state.rawValue) for \(Format.age(sinceMs: alert.startedAtMs, nowMs: nowMs))",
                   x: detail.x + 2, y: detail.y + 1, width: detail.width - 4)
            p.text(alert.explanation, x: detail.x + 2, y: detail.y + 2, width: detail.width - 4, role: .textDim)
        }
    }

    func drawDemo(_ p: inout Painter, _ body: Rect) {
        guard snapshot.isDemo else {
            p.box(body, title: "Demo")
            p.text("Fault injection works only on the embedded demo cluster (run lassotop with no nodes configured).",
                   x: body.x + 2, y: body.y + 2, width: body.width - 4, role: .textDim, clean: false)
            return
        }
        let legendHeight = Keymap.faultModes.count + 3
        let tableRect = Rect(x: body.x, y: body.y, width: body.width, height: body.height - legendHeight)
        p.box(tableRect, title: "Demo nodes · select a node, then press a fault key", focused: true)
        let columns = [
            Column(title: "NODE", width: 12, priority: 0), Column(title: "STATE", width: 5, priority: 0),
            Column(title: "POLL", width: 7, right: true, priority: 1), Column(title: "UPTIME", width: 7, right: true, priority: 2),
            Column(title: "LAST ERROR", width: 12, grow: true, priority: 1),
        ]
        let rows = Rows.nodes(state, snapshot, pane: .demoNodes).map { node in
            TableRow(cells: [TableCell(node.name), TableCell(nodeStateText(node.state), nodeStateRole(node.state)),
                             TableCell(Format.ms(node.latencyMs, dash: dash)), TableCell(Format.uptime(node.uptimeSeconds, dash: dash)),
                             TableCell(node.state == .up ? "" : (node.lastError ?? ""), .feedError)])
        }
        p.table(tableRect.inner, columns: columns, rows: rows, selected: Rows.clampedSelection(.demoNodes, state, snapshot),
                focused: true, sort: state.sort[.demoNodes] ?? SortSpec())
        let legend = Rect(x: body.x, y: body.y + tableRect.height, width: body.width, height: legendHeight)
        p.box(legend, title: "Fault keys")
        for (i, fault) in Keymap.faultModes.enumerated() {
            p.text(String(fault.key), x: legend.x + 2, y: legend.y + 1 + i, role: .keyHint, attributes: [.bold], clean: false)
            p.text("\(fault.mode.padding(toLength: 10, withPad: " ", startingAt: 0)) \(fault.label)", x: legend.x + 5,
                   y: legend.y + 1 + i, width: legend.width - 7, clean: false)
        }
    }
}
