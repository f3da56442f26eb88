import LassoCore

/// Mouse events → actions, by what the frame drew at that cell (the same render as the screen shows): a click on a
/// tab shows that view, on a row selects it (and focuses its pane), a double click opens it, the wheel moves the
/// cursor of the pane under the pointer. Pure, like the renderer.
public enum MouseInput {
    /// Rows one wheel step moves.
    public static let wheelStep = 3

    public static func actions(for event: MouseEvent, state: UIState, snapshot: ClusterSnapshot, size: GridSize, caps: RenderCaps,
                               nowMs: Int64, runtime: RuntimeInfo = RuntimeInfo()) -> [Action] {
        if state.commandEditing || state.filterEditing { return [] }
        if state.helpShown {
            switch event.kind {
            case .wheelUp: return Array(repeating: .moveUp, count: wheelStep)
            case .wheelDown: return Array(repeating: .moveDown, count: wheelStep)
            case .click, .doubleClick: return [.toggleHelp]
            }
        }
        guard size.width >= Renderer.minimumWidth, size.height >= Renderer.minimumHeight else { return [] }
        var p = Painter(size: size, caps: caps)
        // The runtime shapes the layout too (replay's timeline bar takes a line): the same one as the screen.
        ViewContext(state: state, snapshot: snapshot, caps: caps, nowMs: nowMs, runtime: runtime).draw(&p, size)
        let hits = p.hits.reversed().filter { $0.contains(x: event.x, y: event.y) }
        switch event.kind {
        case .wheelUp, .wheelDown:
            guard let pane = hits.lazy.compactMap({ hit -> Pane? in
                if case .pane(let pane) = hit.target { return pane }
                return nil
            }).first, state.page.panes.contains(pane) else { return [] }
            let move: Action = event.kind == .wheelUp ? .moveUp : .moveDown
            var actions: [Action] = []
            if state.focusedPane != pane { actions.append(.select(pane: pane, row: Rows.clampedSelection(pane, state, snapshot))) }
            return actions + Array(repeating: move, count: wheelStep)
        case .click, .doubleClick:
            for hit in hits {
                switch hit.target {
                case .tab(let view): return [.showView(view)]
                case .row(let pane, let row): return [.select(pane: pane, row: row)] + (event.kind == .doubleClick ? [.drillIn] : [])
                case .pane(let pane):
                    // A click in a pane's empty space or header focuses it.
                    if state.page.panes.contains(pane) { return [.select(pane: pane, row: Rows.clampedSelection(pane, state, snapshot))] }
                }
            }
            return []
        }
    }
}
