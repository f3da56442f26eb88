import LassoCore

/// The last line: the filter being typed, a status message, or key hints for the page (key names from the keymap)
/// with the PAUSED banner on the right.
enum FooterBar {
    /// One footer hint: the key names of `actions` joined by `joiner`, then a short label.
    struct Hint {
        var keys: String
        var label: String
        init(_ actions: [Action], joiner: String = "", _ label: String) {
            keys = actions.map { Keymap.hint($0) }.joined(separator: joiner)
            self.label = label
        }
    }

    static func faultHints() -> [Hint] {
        Keymap.faultModes.map { Hint([.injectFault(mode: $0.mode)], $0.mode.rawValue) }
    }

    static func hints(_ v: ViewContext) -> [Hint] {
        var hints = [Hint([.toggleHelp], "help"), Hint([.quit], "quit")]
        let open = Hint([.drillIn], "open"), filter = Hint([.startFilter], "filter"), pause = Hint([.togglePause], "pause")
        let sort = Hint([.nextSortColumn], "sort"), export = Hint([.export], "export"), back = Hint([.back], "back")
        switch v.state.page {
        case .view(.overview):
            hints += [Hint([.focusPrevious, .focusNext], "pane"), open, filter, pause, Hint([.nextChain], "chain"), sort, export]
        case .view(.feed):
            hints += [filter, pause, Hint([.toggleFollow], "follow"), Hint([.drillIn], "provider"), export]
        case .view(.demo):
            hints += [Hint([.moveUp, .moveDown], "node")] + faultHints()
        case .node where v.snapshot.isDemo:
            hints += [back] + faultHints()
        default:
            hints += [open, filter, back, sort, export, Hint([.intervalUp, .intervalDown], joiner: "/", "interval")]
        }
        if v.state.replayMode {
            // Space and ←/→ belong to the player (the timeline bar names them): panes move with their other keys.
            func other(_ action: Action) -> String {
                Keymap.binding(for: action, in: .navigation)?.keys.dropFirst().first?.label ?? Keymap.hint(action)
            }
            // A replayed demo has no cluster to inject faults into (KeyDispatch leaves the fault keys unbound).
            let faults = Set(faultHints().map(\.label))
            hints = hints.filter { $0.label != "pause" && $0.label != "interval" && !faults.contains($0.label) }.map { hint in
                var hint = hint
                if hint.label == "pane" { hint.keys = other(.focusPrevious) + other(.focusNext) }
                return hint
            }
        }
        return hints
    }

    static func draw(_ p: inout Painter, y: Int, width: Int, _ v: ViewContext) {
        let state = v.state
        if state.commandEditing {
            let cursor = v.caps.unicode ? "▏" : "_"
            var x = p.text(":", x: 0, y: y, role: .title, clean: false)
            x += p.text(state.commandText, x: x, y: y, width: max(0, width - x - 30))
            x += p.text(cursor, x: x, y: y, role: .title, clean: false)
            let hint = state.commandHint ?? "Tab completes · \(Keymap.hint(.commandHistoryPrevious, in: .command))\(Keymap.hint(.commandHistoryNext, in: .command)) history · \(Keymap.hint(.commandCancel, in: .command)) cancels"
            p.text("  " + hint, x: x, y: y, width: max(0, width - x), role: .textDim)
            return
        }
        if state.filterEditing {
            let cursor = v.caps.unicode ? "▏" : "_"
            var x = p.text("filter: ", x: 0, y: y, role: .title, clean: false)
            x += p.text(state.filterText, x: x, y: y, width: width - x - 40)
            x += p.text(cursor, x: x, y: y, role: .title, clean: false)
            let keep = Keymap.hint(.filterApply, in: .filter), clear = Keymap.hint(.filterCancel, in: .filter)
            p.text("  \(keep) keep · \(clear) clear · ! excludes", x: x, y: y, role: .textDim, clean: false)
            return
        }
        if let message = state.statusMessage {
            p.text(message, x: 0, y: y, role: .title)
            return
        }
        var x = 0
        for hint in hints(v) {
            let keyText = v.caps.unicode ? hint.keys
                : hint.keys.replacingOccurrences(of: "←→", with: "<>").replacingOccurrences(of: "↑↓", with: "^v")
            guard x + CellWidth.of(keyText) + CellWidth.of(hint.label) + 1 < width else { break }
            x += p.text(keyText, x: x, y: y, role: .keyHint, attributes: [.bold], clean: false)
            x += p.text(" " + hint.label + "  ", x: x, y: y, role: .textDim, clean: false)
        }
        if state.paused {
            let banner = " PAUSED +\(state.newEventsSincePause(v.snapshot)) "
            let bw = CellWidth.of(banner)
            if x + bw < width { p.text(banner, x: width - bw, y: y, role: .banner, attributes: [.bold], clean: false) }
        }
    }
}
