/// 3 Feed: the event feed, full height, with a banner while paused.
enum FeedScreen {
    static func draw(_ p: inout Painter, _ body: Rect, _ v: ViewContext) {
        var rect = body
        if v.state.paused {
            let banner = " PAUSED — \(v.state.newEventsSincePause(v.snapshot)) new events since pause · \(Keymap.hint(.togglePause)) resumes "
            p.grid.fill(x: body.x, y: body.y, width: body.width, role: .banner)
            let text = v.caps.unicode ? banner : banner.replacingOccurrences(of: "—", with: "-").replacingOccurrences(of: "·", with: "-")
            p.text(text, x: max(0, (body.width - CellWidth.of(text)) / 2), y: body.y, role: .banner, attributes: [.bold], clean: false)
            rect = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        Panels.feed(&p, rect, v, focused: true)
    }
}
