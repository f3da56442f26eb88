import LassoCore

/// Node detail: health, the node's own cluster view, its providers, its errors (and demo fault keys).
enum NodeScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext, name: String) {
        let snapshot = v.snapshot
        let dash = v.dash
        guard let node = snapshot.nodes.first(where: { $0.name == name }) else {
            p.box(body, title: "Node \(name)")
            p.text("\(name) is no longer watched.", x: body.x + 2, y: body.y + 2, width: body.width - 4, role: .textDim)
            return
        }
        let focus = v.state.focusedPane
        let half = body.width / 2
        let healthHeight = 9
        let healthRect = Rect(x: body.x, y: body.y, width: half, height: healthHeight)
        p.box(healthRect, title: "Health · \(node.name)")
        let lastSuccess = node.lastSuccessMs.map { Format.age(sinceMs: $0, nowMs: v.nowMs) + " ago" } ?? "never"
        let fields: [(String, String, StyleRole)] = [
            ("url", node.url, .text),
            ("state", NodeColumns.stateText(node.state) + (node.lastError.map { node.state == .up ? "" : " · \($0)" } ?? ""),
             NodeColumns.stateRole(node.state)),
            ("poll", "\(Format.ms(node.latencyMs, dash: dash)) last · p50 \(Format.ms(node.latencyP50, dash: dash)) · p95 \(Format.ms(node.latencyP95, dash: dash))", .text),
            ("version", "\(node.version ?? dash) · up \(Format.uptime(node.uptimeSeconds, dash: dash))", .text),
            ("success", "\(Format.percent(node.pollSuccessRate, dash: dash)) of polls · last ok \(lastSuccess) · \(node.flaps) flaps", .text),
            ("history", Sparkline.render(node.latencyHistory, width: max(1, half - 14), ascii: v.ascii), .sparkline),
        ]
        for (i, field) in fields.enumerated() {
            let y = healthRect.y + 1 + i
            p.text(field.0, x: healthRect.x + 2, y: y, width: 8, role: .textDim, clean: false)
            p.text(v.plain(field.1), x: healthRect.x + 11, y: y, width: half - 13, role: field.2)
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
                p.text(v.plain(line.1), x: viewRect.x + 13, y: y, width: viewRect.width - 15, role: role)
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
            let keys = Keymap.faultModes.map { "\(Keymap.hint(.injectFault(mode: $0.mode))) \($0.mode.rawValue)" }.joined(separator: "  ")
            p.text(keys, x: demoRect.x + 2, y: demoRect.y + 1, width: demoRect.width - 4, role: .keyHint, clean: false)
            remaining -= demoHeight
        }
        let providers = Rows.nodeProviders(v.state, snapshot, node: name)
        let providersHeight = min(max(4, providers.count + 3), max(4, remaining / 2))
        let errorsHeight = remaining - providersHeight
        let providersRect = Rect(x: body.x, y: y, width: body.width, height: providersHeight)
        p.box(providersRect, title: "Its providers" + Rows.filterTitle(.nodeProviders, v.state, snapshot), focused: focus == .nodeProviders)
        p.table(providersRect.inner, NodeProviderColumns.table, rows: providers, env: v.cellEnv,
                selected: Rows.clampedSelection(.nodeProviders, v.state, snapshot), focused: focus == .nodeProviders,
                sort: v.state.sort[.nodeProviders] ?? SortSpec(), emptyText: "this node reports no providers right now", pane: .nodeProviders)
        y += providersHeight
        if errorsHeight >= 3 {
            let errorsRect = Rect(x: body.x, y: y, width: body.width, height: errorsHeight)
            p.box(errorsRect, title: "Errors (newest first)" + Rows.filterTitle(.nodeErrors, v.state, snapshot), focused: focus == .nodeErrors)
            p.table(errorsRect.inner, NodeErrorColumns.table, rows: Rows.nodeErrors(v.state, snapshot, node: name), env: v.cellEnv,
                    selected: Rows.clampedSelection(.nodeErrors, v.state, snapshot), focused: focus == .nodeErrors,
                    sort: v.state.sort[.nodeErrors] ?? SortSpec(), emptyText: "no errors recorded", pane: .nodeErrors)
        }
    }
}
