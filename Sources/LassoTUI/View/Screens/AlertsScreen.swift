import LassoCore

/// 5 Alerts: every alert, and the selected one spelled out.
enum AlertsScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext) {
        let alerts = Rows.alerts(v.state, v.snapshot)
        let detailHeight = 4
        let rect = Rect(x: body.x, y: body.y, width: body.width, height: body.height - detailHeight)
        let firing = v.snapshot.alerts.filter { $0.state == .firing }.count
        p.box(rect, title: v.plain("Alerts · \(firing) firing · \(v.snapshot.alerts.count) total" + Rows.filterTitle(.alerts, v.state, v.snapshot)), focused: true)
        let selected = Rows.clampedSelection(.alerts, v.state, v.snapshot)
        p.table(rect.inner, AlertColumns.table, rows: alerts, env: v.cellEnv, selected: selected, focused: true,
                sort: v.state.sort[.alerts] ?? SortSpec(), emptyText: Panels.noMatch(.alerts, v) ?? "no alerts — all rules quiet", pane: .alerts)
        let detail = Rect(x: body.x, y: body.y + rect.height, width: body.width, height: detailHeight)
        p.box(detail, title: "Selected alert")
        if selected < alerts.count {
            let alert = alerts[selected]
            let age = Format.age(sinceMs: alert.startedAtMs, nowMs: v.nowMs)
            p.text("\(alert.rule) on \(alert.subject ?? "cluster"): value \(Format.number(alert.value)) vs threshold \(Format.number(alert.threshold)), \(alert.state.rawValue) for \(age)",
                   x: detail.x + 2, y: detail.y + 1, width: detail.width - 4)
            p.text(alert.explanation, x: detail.x + 2, y: detail.y + 2, width: detail.width - 4, role: .textDim)
        }
    }
}
