import Foundation

/// 6 Demo: the embedded demo cluster's nodes and the fault keys.
enum DemoScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext) {
        guard v.snapshot.isDemo else {
            p.box(body, title: "Demo")
            p.text("Fault injection works only on the embedded demo cluster (run lassotop with no nodes configured).",
                   x: body.x + 2, y: body.y + 2, width: body.width - 4, role: .textDim, clean: false)
            return
        }
        let legendHeight = Keymap.faultModes.count + 3
        let tableRect = Rect(x: body.x, y: body.y, width: body.width, height: body.height - legendHeight)
        p.box(tableRect, title: v.plain("Demo nodes · select a node, then press a fault key" + Rows.filterTitle(.demoNodes, v.state, v.snapshot)), focused: true)
        p.table(tableRect.inner, NodeColumns.demo, rows: Rows.nodes(v.state, v.snapshot, pane: .demoNodes), env: v.cellEnv,
                selected: Rows.clampedSelection(.demoNodes, v.state, v.snapshot), focused: true,
                sort: v.state.sort[.demoNodes] ?? SortSpec(), pane: .demoNodes)
        let legend = Rect(x: body.x, y: body.y + tableRect.height, width: body.width, height: legendHeight)
        p.box(legend, title: "Fault keys")
        for (i, fault) in Keymap.faultModes.enumerated() {
            p.text(Keymap.hint(.injectFault(mode: fault.mode)), x: legend.x + 2, y: legend.y + 1 + i, role: .keyHint, attributes: [.bold], clean: false)
            p.text("\(fault.mode.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(fault.label)", x: legend.x + 5,
                   y: legend.y + 1 + i, width: legend.width - 7, clean: false)
        }
    }
}
