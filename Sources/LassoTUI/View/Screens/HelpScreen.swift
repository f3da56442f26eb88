/// The `?` overlay: the keymap table (`HelpContent`), scrollable, over the whole body.
enum HelpScreen {
    static func draw(_ p: inout Painter, _ size: GridSize, _ v: ViewContext) {
        // Covers the whole body so nothing underneath shows through at the edges.
        let rect = Rect(x: 0, y: 2, width: size.width, height: size.height - 3)
        p.grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, role: .text)
        let closeKeys = Keymap.binding(for: .toggleHelp, in: .help)?.keys.prefix(2).map(\.label).joined(separator: " or ") ?? ""
        p.box(rect, title: "Help · keys (\(closeKeys) closes)", focused: true)
        let lines = HelpContent.lines()
        let visible = rect.height - 2
        let offset = min(v.state.scroll[.help] ?? 0, max(0, lines.count - visible))
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
            p.text(v.caps.unicode ? "↓ more" : "v more", x: rect.x + rect.width - 9, y: rect.y + rect.height - 1, role: .textDim, clean: false)
        }
    }
}
