import Foundation
import LassoCore

/// How a column gets its width when a table is laid out.
public enum ColumnWidth: Equatable, Sendable {
    /// Always this many cells.
    case fixed(Int)
    /// At least `min` cells; the spare width of the table is shared between flexible columns in proportion to
    /// `share`, each up to `max` (nil: no cap).
    case flexible(min: Int, max: Int? = nil, share: Int = 1)

    /// The width the column needs before any spare width is handed out.
    public var minimum: Int {
        switch self {
        case .fixed(let width): return width
        case .flexible(let min, _, _): return min
        }
    }
}

public enum ColumnAlignment: Sendable {
    case left, right
}

public struct SortSpec: Equatable, Sendable {
    /// Index into the pane's sort cycle (`TableDefinition.sortCycle`, named by `SortColumns.columns`).
    public var column: Int
    public var reversed: Bool
    public init(column: Int = 0, reversed: Bool = false) {
        self.column = column
        self.reversed = reversed
    }
}

/// One drawn cell: text (sanitized when drawn) and a style role (nil: the row's).
struct TableCell {
    var text: String
    var role: StyleRole?
    init(_ text: String, _ role: StyleRole? = nil) {
        self.text = text
        self.role = role
    }
}

/// What a cell closure may use besides its row: the terminal's capabilities and what the whole table shares
/// (the chain the providers table shows, the sparkline width, circuit states of a provider's nodes).
struct CellEnv {
    let caps: RenderCaps
    let nowMs: Int64
    var chain: ChainAggregate?
    /// The chain name exports write ("none" when no chain is known).
    var chainName: String = "none"
    /// The snapshot being drawn (histories live there).
    var snapshot: ClusterSnapshot?
    var sparklineWidth: Int = 0
    /// Circuit state by node (provider detail).
    var circuits: [String: String] = [:]

    init(caps: RenderCaps = RenderCaps(), nowMs: Int64 = 0) {
        self.caps = caps
        self.nowMs = nowMs
        dash = caps.unicode ? "—" : "-"
        arrow = caps.unicode ? "→" : "->"
    }

    let dash: String
    let arrow: String
    var ascii: Bool { !caps.unicode }
    var unicode: Bool { caps.unicode }

    /// Calls per second need two metrics polls of a node: until then the cell says it is warming up.
    func rate(_ value: Double?) -> TableCell {
        guard let value else { return TableCell(unicode ? "warm…" : "warm~", .textDim) }
        return TableCell(Format.rate(value, dash: dash))
    }

    /// Lasso reports 0 for a percentile with no samples: show a dash, not a fake 0 ms.
    func percentileMs(_ value: Double) -> String { value > 0 ? Format.ms(value) : dash }
}

/// A sortable column: the name the "sorted by …" message uses, its place in the `s` key's cycle (0: the pane's
/// default order), and how two rows compare (nil: keep the order the rows come in, i.e. the aggregation order).
struct ColumnSort<Row>: Sendable {
    var name: String
    var rank: Int
    var inIncreasingOrder: (@Sendable (Row, Row) -> Bool)?

    init(_ name: String, rank: Int, by inIncreasingOrder: (@Sendable (Row, Row) -> Bool)?) {
        self.name = name
        self.rank = rank
        self.inIncreasingOrder = inIncreasingOrder
    }
}

/// One field of a CSV export: its header and its raw value (unformatted: the file is data, not a screen).
struct ExportField<Row>: Sendable {
    var name: String
    var value: @Sendable (Row, CellEnv) -> String

    init(_ name: String, _ value: @Sendable @escaping (Row, CellEnv) -> String) {
        self.name = name
        self.value = value
    }
}

/// One column of a table: everything the header, the rows, the sort and the export need to know about it.
/// A column without a title is not drawn; it only adds export fields (kept in column order).
struct TableColumn<Row>: Sendable {
    var id: String
    var title: String?
    var width: ColumnWidth
    /// The width policy when the table is wider than its definition's `wideAbove`.
    var wideWidth: ColumnWidth?
    var alignment: ColumnAlignment
    /// Columns with a higher priority number are dropped first on narrow terminals.
    var priority: Int
    var sort: ColumnSort<Row>?
    var cell: (@Sendable (Row, CellEnv) -> TableCell)?
    var export: [ExportField<Row>]

    init(_ id: String, title: String, width: ColumnWidth, wide: ColumnWidth? = nil, align: ColumnAlignment = .left,
         priority: Int = 0, sort: ColumnSort<Row>? = nil, export: [ExportField<Row>] = [],
         cell: @Sendable @escaping (Row, CellEnv) -> TableCell) {
        self.id = id
        self.title = title
        self.width = width
        self.wideWidth = wide
        self.alignment = align
        self.priority = priority
        self.sort = sort
        self.cell = cell
        self.export = export
    }

    /// A column that is only exported, never drawn.
    static func exportOnly(_ fields: [ExportField<Row>]) -> TableColumn {
        var column = TableColumn(fields.first?.name ?? "export", title: "", width: .fixed(0), export: fields) { _, _ in TableCell("") }
        column.title = nil
        column.cell = nil
        return column
    }

    var isDrawn: Bool { title != nil && cell != nil }

    /// The same column under another title or drop priority (the node tables share one set of node columns).
    func with(title: String? = nil, priority: Int? = nil) -> TableColumn {
        var copy = self
        if let title { copy.title = title }
        if let priority { copy.priority = priority }
        return copy
    }
}

/// A table: its columns in order (drawn columns left to right; export fields in the same order), plus how its
/// rows are styled. Header, rows, sort and export all come from here.
struct TableDefinition<Row>: Sendable {
    var columns: [TableColumn<Row>]
    /// Tables wider than this use each column's `wideWidth` (nil: never).
    var wideAbove: Int?
    /// Whether the header marks the sorted column with ▼/▲.
    var sortMarkers: Bool
    var rowRole: @Sendable (Row, CellEnv) -> StyleRole
    /// Sub-rows (expanded methods) are drawn but not selectable.
    var isSelectable: @Sendable (Row) -> Bool
    /// No `isSelectable` was given: every row is selectable, so drawing need not ask row by row.
    var allSelectable: Bool

    /// `autoSort`: drawn columns without a `sort` get one (after the explicit ranks) that compares their first CSV
    /// value, or else their cell text: numbers largest first, text A to Z. Sparklines are left out.
    init(_ columns: [TableColumn<Row>], wideAbove: Int? = nil, sortMarkers: Bool = true, autoSort: Bool = true,
         rowRole: @Sendable @escaping (Row, CellEnv) -> StyleRole = { _, _ in .text },
         isSelectable: (@Sendable (Row) -> Bool)? = nil) {
        var columns = columns
        if autoSort {
            var next = (columns.compactMap { $0.sort?.rank }.max() ?? -1) + 1
            // Circuit cells come from env.circuits, which a comparison does not have.
            for index in columns.indices where columns[index].isDrawn && columns[index].sort == nil && columns[index].measured
                && columns[index].id != "circuit" {
                columns[index].sort = ColumnSort(columns[index].id, rank: next, by: Self.autoComparison(columns[index]))
                next += 1
            }
        }
        self.columns = columns
        self.wideAbove = wideAbove
        self.sortMarkers = sortMarkers
        self.rowRole = rowRole
        self.isSelectable = isSelectable ?? { _ in true }
        allSelectable = isSelectable == nil
    }

    // MARK: sort

    static func autoComparison(_ column: TableColumn<Row>) -> @Sendable (Row, Row) -> Bool {
        let export = column.export.first
        let cell = column.cell
        @Sendable func key(_ row: Row) -> String {
            let env = CellEnv()
            return export?.value(row, env) ?? cell?(row, env).text ?? ""
        }
        return { a, b in
            let left = key(a), right = key(b)
            switch (Double(left), Double(right)) {
            case let (x?, y?): return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return left.localizedStandardCompare(right) == .orderedAscending
            }
        }
    }

    /// The sortable columns in `s` order: index = `SortSpec.column`.
    var sortCycle: [ColumnSort<Row>] {
        columns.compactMap(\.sort).sorted { $0.rank < $1.rank }
    }

    var sortNames: [String] { sortCycle.map(\.name) }

    /// Rows in the order `spec` asks for; an unknown index keeps the default order.
    func sorted(_ rows: [Row], by spec: SortSpec) -> [Row] {
        let cycle = sortCycle
        var out = rows
        let sort = spec.column >= 0 && spec.column < cycle.count ? cycle[spec.column] : cycle.first
        if let compare = sort?.inIncreasingOrder { out.sort(by: compare) }
        return spec.reversed ? out.reversed() : out
    }

    // MARK: layout

    /// The drawn columns with the width policy that applies at this table width.
    func drawnColumns(tableWidth: Int) -> [TableColumn<Row>] {
        let wide = wideAbove.map { tableWidth > $0 } ?? false
        return columns.filter(\.isDrawn).map { column in
            var copy = column
            if wide, let wideWidth = column.wideWidth { copy.width = wideWidth }
            return copy
        }
    }

    /// The laid-out width of the column `id` in a table `tableWidth` cells wide (0 when it does not fit), when
    /// the content is not known.
    func width(of id: String, tableWidth: Int) -> Int {
        let drawn = drawnColumns(tableWidth: tableWidth)
        guard let index = drawn.firstIndex(where: { $0.id == id }) else { return 0 }
        return TableLayout.layout(drawn.map(\.layoutColumn), width: tableWidth - 2).first { $0.index == index }?.width ?? 0
    }

    /// Whether the header of `column` carries the ▼/▲ marker.
    func isSorted(_ column: TableColumn<Row>, by sort: SortSpec?) -> Bool {
        guard sortMarkers, let sort, let rank = column.sort?.rank else { return false }
        return rank == sort.column
    }

    /// The drawn columns and their widths for these rows: flexible columns are measured (the widest cell of every
    /// row when there are at most `measureLimit`, else of the rows in `alsoMeasure`, the ones on screen), so names
    /// get the width other columns leave blank.
    func layout(tableWidth: Int, rows: [Row], env: CellEnv, sort: SortSpec?, alsoMeasure: Range<Int> = 0..<0,
                measureLimit: Int = 100) -> (columns: [TableColumn<Row>], widths: [(index: Int, width: Int)]) {
        let result = layoutKeepingCells(tableWidth: tableWidth, rows: rows, env: env, sort: sort, alsoMeasure: alsoMeasure,
                                        measureLimit: measureLimit)
        return (result.columns, result.widths)
    }

    /// `layout`, plus the cells it built while measuring the rows in `alsoMeasure` (clamped to the rows), per drawn
    /// column (nil for a column not measured): a table drawing those rows with the same `env` need not build them
    /// again.
    func layoutKeepingCells(tableWidth: Int, rows: [Row], env: CellEnv, sort: SortSpec?, alsoMeasure: Range<Int> = 0..<0,
                            measureLimit: Int = 100)
        -> (columns: [TableColumn<Row>], widths: [(index: Int, width: Int)], kept: [[TableCell]?]) {
        let drawn = drawnColumns(tableWidth: tableWidth)
        // Short tables (nodes, providers, alerts) are measured whole, so widths do not move as the cursor scrolls;
        // long ones (the feed) only where they are drawn, which keeps a frame within its time budget.
        let measuredRows = rows.count <= measureLimit ? Array(rows.indices) : Array(alsoMeasure.clamped(to: rows.indices))
        let keep = alsoMeasure.clamped(to: rows.indices)
        var kept: [[TableCell]?] = Array(repeating: nil, count: drawn.count)
        let layoutColumns = drawn.indices.map { position -> LayoutColumn in
            let column = drawn[position]
            var layout = column.layoutColumn
            layout.header = CellWidth.of(column.title ?? "") + (isSorted(column, by: sort) ? 1 : 0)
            if case .flexible = column.width, column.measured, let cell = column.cell {
                // Rows are read in place (a buffer borrow): `rows[index]` copied each row, retaining every string of a
                // feed event, for every measured cell of every frame. Simple text is what the sanitizer returns, and
                // measured without a grapheme walk.
                var cells: [TableCell] = []
                cells.reserveCapacity(keep.count)
                layout.content = rows.withUnsafeBufferPointer { buffer in
                    measuredRows.reduce(0) { widest, index in
                        let made = cell(buffer[index], env)
                        if keep.contains(index) { cells.append(made) }
                        return max(widest, CellWidth.simpleWidth(of: made.text) ?? CellWidth.of(Sanitizer.clean(made.text)))
                    }
                }
                if cells.count == keep.count { kept[position] = cells }
            }
            return layout
        }
        return (drawn, TableLayout.layout(layoutColumns, width: tableWidth - 2), kept)
    }

    // MARK: export

    var exportHeader: [String] { columns.flatMap { $0.export.map(\.name) } }

    func exportRow(_ row: Row, _ env: CellEnv) -> [String] {
        columns.flatMap { $0.export.map { $0.value(row, env) } }
    }
}

extension TableColumn {
    var layoutColumn: LayoutColumn { LayoutColumn(width: width, priority: priority) }
    /// Sparklines draw whatever width they get, so their content says nothing about the width they need.
    var measured: Bool { !["history", "poll_history"].contains(id) }
}

/// What the layout needs of a column. `header` is the title's width (with the sort arrow when sorted): a column
/// is never narrower, so the arrow never cuts the title. `content` is the widest cell of the rows being drawn
/// (nil: unknown); flexible columns grow to it before any other spare width is handed out, and shrink to it
/// (never below the header) when it is narrower than their minimum, so blank width goes to the names.
struct LayoutColumn: Equatable {
    var width: ColumnWidth
    var priority: Int
    var header: Int = 0
    var content: Int?

    var minimum: Int {
        switch width {
        case .fixed(let fixed): return max(fixed, header)
        case .flexible(let minimum, let maximum, _):
            var floor = minimum
            if let content { floor = min(floor, max(content, header)) }
            if let maximum { floor = min(floor, maximum) }
            return max(floor, header)
        }
    }

    /// How wide the column may grow in the first round (to fit its content) and the second (to its maximum).
    func cap(fitting: Bool) -> Int? {
        guard case .flexible(_, let maximum, _) = width else { return minimum }
        if fitting { return max(minimum, min(content ?? minimum, maximum ?? Int.max)) }
        return maximum.map { max($0, minimum) }
    }

    var share: Int {
        if case .flexible(_, _, let share) = width { return max(0, share) }
        return 0
    }
}

enum TableLayout {
    /// Chooses the columns that fit `width` (dropping high-priority numbers first) and their final widths: each
    /// keeps its minimum; spare width first widens name columns (flexible, share 0) whose content is cut, then
    /// other flexible columns whose content is cut (by share, at least 1, up to the content's width), then goes to
    /// the flexible columns by share (share 0: never beyond the content), up to their maximum.
    static func layout(_ columns: [LayoutColumn], width: Int) -> [(index: Int, width: Int)] {
        var chosen = Array(columns.indices)
        func total(_ set: [Int]) -> Int { set.reduce(0) { $0 + columns[$1].minimum } + max(0, set.count - 1) }
        var used = total(chosen)
        while used > width, chosen.count > 1 {
            guard let drop = chosen.max(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) else { break }
            chosen.removeAll { $0 == drop }
            used = total(chosen)
        }
        var widths = chosen.map { columns[$0].minimum }
        var spare = width - used
        // Names (share 0) are fitted first, then other cut content (messages), then the rest is shared out.
        for (fitting, names) in [(true, true), (true, false), (false, false)] {
            // Hand out the spare width in rounds: columns that reach their cap leave the round.
            var open = chosen.indices.filter { position in
                let column = columns[chosen[position]]
                guard case .flexible = column.width, fitting || column.share > 0, !names || column.share == 0 else { return false }
                return column.cap(fitting: fitting).map { widths[position] < $0 } ?? true
            }
            while spare > 0 && !open.isEmpty {
                let shares = open.map { fitting ? max(1, columns[chosen[$0]].share) : columns[chosen[$0]].share }
                let totalShare = shares.reduce(0, +)
                var given = 0
                var stillOpen: [Int] = []
                for (i, position) in open.enumerated() {
                    // The first open column takes the rounding remainder.
                    var amount = spare * shares[i] / totalShare
                    if i == 0 { amount += spare - open.indices.reduce(0) { $0 + spare * shares[$1] / totalShare } }
                    if let cap = columns[chosen[position]].cap(fitting: fitting) {
                        amount = max(0, min(amount, cap - widths[position]))
                        if widths[position] + amount < cap { stillOpen.append(position) }
                    } else {
                        stillOpen.append(position)
                    }
                    widths[position] += amount
                    given += amount
                }
                spare -= given
                if given == 0 { break }
                open = stillOpen
            }
            if names { spare += lendToNames(columns, chosen, &widths) }
        }
        return zip(chosen, widths).map { ($0, $1) }
    }

    /// A name still cut after the spare width is gone takes width from message columns (flexible, share > 0)
    /// down to their header: a cut name is worse than a shorter message. Returns 0 (the widths are moved, not
    /// created) so callers can add it to the spare width unchanged.
    static func lendToNames(_ columns: [LayoutColumn], _ chosen: [Int], _ widths: inout [Int]) -> Int {
        var need = chosen.indices.reduce(0) { total, position in
            let column = columns[chosen[position]]
            guard case .flexible = column.width, column.share == 0, let cap = column.cap(fitting: true) else { return total }
            return total + max(0, cap - widths[position])
        }
        guard need > 0 else { return 0 }
        for position in chosen.indices where need > 0 {
            let column = columns[chosen[position]]
            guard case .flexible = column.width, column.share > 0 else { continue }
            let floor = max(column.header, 3)
            let take = min(need, max(0, widths[position] - floor))
            widths[position] -= take
            need -= take
            // Hand it to the cut names in order.
            var left = take
            for target in chosen.indices where left > 0 {
                let name = columns[chosen[target]]
                guard case .flexible = name.width, name.share == 0, let cap = name.cap(fitting: true) else { continue }
                let give = min(left, max(0, cap - widths[target]))
                widths[target] += give
                left -= give
            }
        }
        return 0
    }
}
