/// The `?` overlay: the keymap table (`HelpContent`) over the whole body; in columns when the terminal is wide
/// enough for everything to fit, else one scrollable column.
enum HelpScreen {
    static let keyWidth = 22
    /// Narrowest column: keys plus a readable description.
    static let columnWidth = 84

    /// The lines split into `count` columns at section boundaries (a section longer than a column continues in the
    /// next), or nil when they do not fit in `height` rows.
    static func columns(_ lines: [(keys: String, text: String, isHeading: Bool)], count: Int, height: Int)
        -> [[(keys: String, text: String, isHeading: Bool)]]? {
        var sections: [[(keys: String, text: String, isHeading: Bool)]] = []
        for line in lines {
            if line.isHeading || sections.isEmpty { sections.append([]) }
            if !(line.keys.isEmpty && line.text.isEmpty && !line.isHeading) { sections[sections.count - 1].append(line) }
        }
        var out: [[(keys: String, text: String, isHeading: Bool)]] = [[]]
        for section in sections {
            var rest = section[...]
            if !out[out.count - 1].isEmpty && out[out.count - 1].count + 1 + rest.count > height {
                out.append([])
            } else if !out[out.count - 1].isEmpty {
                out[out.count - 1].append((keys: "", text: "", isHeading: false))
            }
            while !rest.isEmpty {
                let room = height - out[out.count - 1].count
                if room <= 0 { out.append([]); continue }
                out[out.count - 1] += rest.prefix(room)
                rest = rest.dropFirst(room)
            }
        }
        return out.count <= count ? out : nil
    }

    static func draw(_ p: inout Painter, _ size: GridSize, _ v: ViewContext) {
        // Covers the whole body so nothing underneath shows through at the edges.
        let rect = Rect(x: 0, y: 2, width: size.width, height: size.height - 3)
        p.grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, role: .text)
        let closeKeys = Keymap.binding(for: .toggleHelp, in: .help)?.keys.prefix(2).map(\.label).joined(separator: " or ") ?? ""
        p.box(rect, title: "Help · keys (\(closeKeys) closes)", focused: true)
        let lines = HelpContent.lines(isDemo: v.snapshot.isDemo)
        let visible = rect.height - 2
        let count = max(1, (rect.width - 2) / columnWidth)
        if count > 1, let columns = columns(lines, count: count, height: visible) {
            let width = (rect.width - 2) / count
            for (c, column) in columns.enumerated() {
                for (i, line) in column.enumerated() {
                    draw(&p, line, x: rect.x + 1 + c * width, y: rect.y + 1 + i, width: width)
                }
            }
            return
        }
        let offset = min(v.state.scroll[.help] ?? 0, max(0, lines.count - visible))
        for i in 0..<visible {
            let index = offset + i
            guard index < lines.count else { break }
            draw(&p, lines[index], x: rect.x + 1, y: rect.y + 1 + i, width: rect.width - 2)
        }
        if offset + visible < lines.count {
            p.text(v.caps.unicode ? "↓ more" : "v more", x: rect.x + rect.width - 9, y: rect.y + rect.height - 1, role: .textDim, clean: false)
        }
    }

    /// One help line in a column starting at `x` (the box's inner edge) and `width` cells wide.
    static func draw(_ p: inout Painter, _ line: (keys: String, text: String, isHeading: Bool), x: Int, y: Int, width: Int) {
        if line.isHeading {
            p.text(line.keys, x: x + 1, y: y, width: width - 2, role: .title, attributes: [.bold], clean: false)
        } else {
            p.text(line.keys, x: x + 2, y: y, width: keyWidth, role: .keyHint, clean: false)
            p.text(line.text, x: x + 3 + keyWidth, y: y, width: max(0, width - keyWidth - 4), clean: false)
        }
    }
}
