/// Facts about lassotop itself that are not in the snapshot (Ops view, footer).
public struct RuntimeInfo: Equatable, Sendable {
    public var healthIntervalMs: Int64?
    public var memoryBytes: Int?
    /// Where the snapshots come from when not polled by this process ("via hub"), for the header.
    public var source: String?
    /// `lassotop replay`: where the player is (REPLAY mark and timeline bar); nil when live.
    public var replay: ReplayStatus?
    /// `--record FILE`: this session is being recorded (REC mark).
    public var recording: Bool = false
    /// Live time travel: nil when the loop holds no history (replay), 0 when live (LIVE), else how far back the shown
    /// snapshot is (`-2m04s`).
    public var travelOffsetMs: Int64?
    public init(healthIntervalMs: Int64? = nil, memoryBytes: Int? = nil, source: String? = nil,
                replay: ReplayStatus? = nil, recording: Bool = false, travelOffsetMs: Int64? = nil) {
        self.healthIntervalMs = healthIntervalMs
        self.memoryBytes = memoryBytes
        self.source = source
        self.replay = replay
        self.recording = recording
        self.travelOffsetMs = travelOffsetMs
    }
}

public struct GridSize: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

struct Rect: Equatable {
    var x: Int, y: Int, width: Int, height: Int
    var inner: Rect { Rect(x: x + 1, y: y + 1, width: max(0, width - 2), height: max(0, height - 2)) }
}

/// Where something clickable was drawn (mouse input is mapped by what is on screen: `MouseInput`).
struct HitRegion {
    enum Target: Equatable {
        case tab(TopView)
        case pane(Pane)
        case row(Pane, Int)
    }
    var rect: Rect
    var target: Target
    func contains(x: Int, y: Int) -> Bool { x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height }
}

struct Painter {
    var grid: CellGrid
    let caps: RenderCaps
    /// Clickable regions in drawing order (later ones are on top).
    var hits: [HitRegion] = []

    var ascii: Bool { !caps.unicode }
    var dash: String { caps.unicode ? "—" : "-" }

    init(size: GridSize, caps: RenderCaps) {
        grid = CellGrid(width: size.width, height: size.height)
        grid.asciiOnly = !caps.unicode
        self.caps = caps
    }

    /// Network text is cleaned here, at draw time, whatever path it took.
    @discardableResult
    mutating func text(_ string: String, x: Int, y: Int, width: Int? = nil, role: StyleRole = .text,
                       attributes: TextAttributes = [], clean: Bool = true) -> Int {
        let safe = clean ? Sanitizer.clean(string) : string
        let limit = width ?? (grid.width - x)
        return grid.put(CellWidth.truncate(safe, to: limit, ascii: ascii), x: x, y: y, maxWidth: limit, role: role, attributes: attributes)
    }

    mutating func box(_ rect: Rect, title: String, focused: Bool = false, titleRole: StyleRole = .title) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let role: StyleRole = focused ? .borderFocus : .border
        let (h, v, tl, tr, bl, br) = caps.unicode ? ("─", "│", "┌", "┐", "└", "┘") : ("-", "|", "+", "+", "+", "+")
        for (y, left, right) in [(rect.y, tl, tr), (rect.y + rect.height - 1, bl, br)] {
            grid.put(left, x: rect.x, y: y, role: role)
            grid.repeated(h, x: rect.x + 1, y: y, count: rect.width - 2, role: role)
            grid.put(right, x: rect.x + rect.width - 1, y: y, role: role)
        }
        for row in (rect.y + 1)..<(rect.y + rect.height - 1) {
            grid.put(v, x: rect.x, y: row, role: role)
            grid.put(v, x: rect.x + rect.width - 1, y: row, role: role)
        }
        if !title.isEmpty, rect.width > 6 {
            let shown = " " + CellWidth.truncate(Sanitizer.clean(title), to: rect.width - 6, ascii: ascii) + " "
            grid.put(shown, x: rect.x + 2, y: rect.y, role: titleRole, attributes: focused ? [.bold] : [])
        }
    }

    /// The row index of the `selected`-th selectable row (sub-rows are not selectable).
    static func rowIndex<Row>(ofSelectable selected: Int?, in rows: [Row], _ definition: TableDefinition<Row>) -> Int? {
        guard let selected else { return nil }
        if definition.allSelectable { return selected >= 0 && selected < rows.count ? selected : nil }
        var seen = -1
        // Rows are read in place: iterating copies each row (a feed event retains all its strings).
        return rows.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where definition.isSelectable(buffer[i]) {
                seen += 1
                if seen == selected { return i }
            }
            return nil
        }
    }

    /// Draws already-sanitized `safe` in exactly `width` cells, cut with an ellipsis or padded with spaces of `role`:
    /// the cells `text(CellWidth.fit(safe, …), width:, clean: false)` draws, without building the padded string.
    mutating func fitted(_ safe: String, x: Int, y: Int, width: Int, alignRight: Bool, role: StyleRole,
                         attributes: TextAttributes = []) {
        guard width > 0 else { return }
        guard let total = CellWidth.simpleWidth(of: safe) else {
            text(CellWidth.fit(safe, to: width, alignRight: alignRight, ascii: ascii), x: x, y: y, width: width, role: role,
                 attributes: attributes, clean: false)
            return
        }
        fittedSimple(safe, total: total, x: x, y: y, width: width, alignRight: alignRight, role: role, attributes: attributes)
    }

    /// `fitted` for simple text (`CellWidth.simpleWidth(of:)` is `total`), which the sanitizer keeps as it is.
    mutating func fittedSimple(_ safe: String, total: Int, x: Int, y: Int, width: Int, alignRight: Bool, role: StyleRole,
                               attributes: TextAttributes = []) {
        guard width > 0 else { return }
        let cut = total <= width ? safe : CellWidth.truncate(safe, to: width, ascii: ascii)
        let pad = max(0, width - (total <= width ? total : CellWidth.of(cut)))
        if alignRight {
            grid.spaces(x: x, y: y, count: pad, role: role, attributes: attributes)
            grid.putSimple(cut, x: x + pad, y: y, maxWidth: width - pad, role: role, attributes: attributes)
        } else {
            grid.putSimple(cut, x: x, y: y, maxWidth: width, role: role, attributes: attributes)
            grid.spaces(x: x + width - pad, y: y, count: pad, role: role, attributes: attributes)
        }
    }

    /// Header row plus the rows that fit, with the selected row highlighted when the pane is focused and kept in
    /// view. Only the visible rows' cells are built.
    mutating func table<Row>(_ rect: Rect, _ definition: TableDefinition<Row>, rows: [Row], env: CellEnv, selected: Int?,
                             focused: Bool, sort: SortSpec? = nil, emptyText: String = "", pane: Pane? = nil) {
        guard rect.height >= 1, rect.width >= 4 else { return }
        if let pane { hits.append(HitRegion(rect: Rect(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2), target: .pane(pane))) }
        let visible = rect.height - 1
        let selectedRow = Self.rowIndex(ofSelectable: selected, in: rows, definition)
        var offset = 0
        if let selectedRow, selectedRow >= visible { offset = selectedRow - visible + 1 }
        let (columns, layout, measured) = definition.layoutKeepingCells(tableWidth: rect.width, rows: rows, env: env, sort: sort,
                                                                        alsoMeasure: offset..<(offset + max(0, visible)))
        var env = env
        // Sparklines fill the width their column got. Without one the environment is the one the layout measured
        // with, so the cells it built for the drawn rows are drawn as they are.
        var reusable = true
        if let sparkline = layout.first(where: { !columns[$0.index].measured }) {
            env.sparklineWidth = sparkline.width
            reusable = false
        }
        var x = rect.x + 1
        for (index, width) in layout {
            let column = columns[index]
            var title = column.title ?? ""
            if let sort, definition.isSorted(column, by: sort) {
                title += caps.unicode ? (sort.reversed ? "▲" : "▼") : (sort.reversed ? "^" : "v")
            }
            fitted(title, x: x, y: rect.y, width: width, alignRight: column.alignment == .right, role: .tableHeader,
                   attributes: [.bold])
            x += width + 1
        }
        guard visible > 0 else { return }
        if rows.isEmpty {
            if !emptyText.isEmpty { text(emptyText, x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, role: .textDim, clean: false) }
            return
        }
        // The selectable index of the first drawn row; later ones count on from it.
        var selectableIndex = definition.allSelectable ? offset : rows.withUnsafeBufferPointer { buffer in
            buffer[..<min(offset, buffer.count)].reduce(0) { $0 + (definition.isSelectable($1) ? 1 : 0) }
        }
        // What each drawn cell needs of its column, taken once (a column copied per cell retained all its fields).
        let drawnCells = layout.map {
            (cell: columns[$0.index].cell, alignRight: columns[$0.index].alignment == .right, width: $0.width,
             measured: reusable ? measured[$0.index] : nil)
        }
        for line in 0..<visible {
            let rowIndex = offset + line
            guard rowIndex < rows.count else { break }
            let row = rows[rowIndex]
            let rowRole = definition.rowRole(row, env)
            let y = rect.y + 1 + line
            let isSelected = focused && rowIndex == selectedRow
            if definition.allSelectable || definition.isSelectable(row) {
                if let pane {
                    hits.append(HitRegion(rect: Rect(x: rect.x, y: y, width: rect.width, height: 1), target: .row(pane, selectableIndex)))
                }
                selectableIndex += 1
            }
            var cx = rect.x + 1
            for drawn in drawnCells {
                let cell = drawn.measured?[line] ?? drawn.cell?(row, env) ?? TableCell("")
                // Simple text is what the sanitizer would return: measure it once.
                if let total = CellWidth.simpleWidth(of: cell.text) {
                    fittedSimple(cell.text, total: total, x: cx, y: y, width: drawn.width, alignRight: drawn.alignRight,
                                 role: cell.role ?? rowRole)
                } else {
                    fitted(Sanitizer.clean(cell.text), x: cx, y: y, width: drawn.width, alignRight: drawn.alignRight,
                           role: cell.role ?? rowRole)
                }
                cx += drawn.width + 1
            }
            if isSelected {
                // A text marker too, so the selection shows without colour (and in screen captures).
                grid.put(caps.unicode ? "›" : ">", x: rect.x, y: y, role: .tableSelected)
                grid.restyle(x: rect.x, y: y, width: rect.width, role: .tableSelected)
            }
        }
        if offset > 0 { grid.put(caps.unicode ? "↑" : "^", x: rect.x + rect.width - 1, y: rect.y + 1, role: .textDim) }
        if offset + visible < rows.count {
            grid.put(caps.unicode ? "↓" : "v", x: rect.x + rect.width - 1, y: rect.y + visible, role: .textDim)
        }
    }
}
