/// 2 Nodes: every node column, full height.
enum NodesScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext) {
        Panels.nodes(&p, body, v, pane: .nodes, focused: true, table: NodeColumns.nodesView)
    }
}
