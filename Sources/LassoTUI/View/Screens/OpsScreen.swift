import LassoCore

/// 4 Ops: lassotop's own telemetry, then polling per node.
enum OpsScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext) {
        let snapshot = v.snapshot
        let dash = v.dash
        let stats = snapshot.feedStats
        let cache = snapshot.cache
        let polls = snapshot.nodes.reduce((0, 0)) { ($0.0 + $1.successCount, $0.1 + $1.failureCount) }
        let pollRate: Double? = polls.0 + polls.1 == 0 ? nil : Double(polls.0) / Double(polls.0 + polls.1)
        let flaps = snapshot.nodes.reduce(0) { $0 + $1.flaps }
        let intervalKeys = Keymap.hint(.intervalUp) + "/" + Keymap.hint(.intervalDown)
        let lines: [(String, String)] = [
            ("cache hit rate", Format.percent(cache.hitRate, dash: dash) + "  (\(cache.hits) hits, \(cache.staleHits) stale, \(cache.misses) misses, \(cache.entries) entries)"),
            ("pending refreshes", "\(cache.pendingRefreshes)  (\(cache.waitingCallers) callers waiting)"),
            ("poll success rate", Format.percent(pollRate, dash: dash) + "  (\(polls.0) ok, \(polls.1) failed)"),
            ("event rate", "\(Format.rate(snapshot.eventRate))/s true · \(Format.rate(snapshot.shownEventRate))/s shown" + (snapshot.sampling ? " (sampling)" : "")),
            ("feed", "\(stats.received) received · \(stats.unique) unique · \(stats.duplicatesDropped) duplicates dropped · \(stats.malformed) malformed · \(stats.sampledOut) sampled out · window \(stats.windowSize)"
                + (stats.truncated > 0 ? " · \(stats.truncated) cut" : "") + (stats.futureStamped > 0 ? " · \(stats.futureStamped) future-stamped" : "")),
            ("flaps", "\(flaps) state changes across nodes"),
            ("health interval", v.runtime.healthIntervalMs.map { "\($0) ms (\(intervalKeys) to change)" } ?? dash),
            ("memory", v.runtime.memoryBytes.map(Format.bytes) ?? dash),
        ]
        let boxHeight = lines.count + 2
        p.box(Rect(x: body.x, y: body.y, width: body.width, height: boxHeight), title: "lassotop telemetry")
        for (i, line) in lines.enumerated() {
            let y = body.y + 1 + i
            p.text(line.0, x: body.x + 2, y: y, width: 18, role: .textDim, clean: false)
            p.text(v.plain(line.1), x: body.x + 21, y: y, width: body.width - 23, clean: false)
        }
        let rect = Rect(x: body.x, y: body.y + boxHeight, width: body.width, height: body.height - boxHeight)
        p.box(rect, title: v.plain("Polling per node" + Rows.filterTitle(.opsNodes, v.state, snapshot)), focused: true)
        p.table(rect.inner, NodeColumns.ops, rows: Rows.nodes(v.state, snapshot, pane: .opsNodes), env: v.cellEnv,
                selected: Rows.clampedSelection(.opsNodes, v.state, snapshot), focused: true,
                sort: v.state.sort[.opsNodes] ?? SortSpec(), emptyText: "no nodes", pane: .opsNodes)
    }
}
