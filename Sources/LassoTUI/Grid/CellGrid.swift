import Synchronization

/// What a cell means; the theme turns a role into colours. Roles, not colours, reach the grid so the same frame can
/// be drawn in truecolor, 16 colours or monochrome.
public enum StyleRole: String, CaseIterable, Sendable, Hashable {
    case text
    case textDim = "text.dim"
    case title
    case border
    case borderFocus = "border.focus"
    case tableHeader = "table.header"
    case tableSelected = "table.selected"
    case statusHealthy = "status.healthy"
    case statusDegraded = "status.degraded"
    case statusOffline = "status.offline"
    case feedError = "feed.error"
    case feedInfo = "feed.info"
    case sparkline
    case banner
    case alertWarning = "alert.warning"
    case alertCritical = "alert.critical"
    case keyHint = "key.hint"

    /// The role's place in `allCases`, so a painter keeps per-role tables in arrays (`CellCodeTests`).
    @inlinable public var ordinal: Int {
        switch self {
        case .text: return 0
        case .textDim: return 1
        case .title: return 2
        case .border: return 3
        case .borderFocus: return 4
        case .tableHeader: return 5
        case .tableSelected: return 6
        case .statusHealthy: return 7
        case .statusDegraded: return 8
        case .statusOffline: return 9
        case .feedError: return 10
        case .feedInfo: return 11
        case .sparkline: return 12
        case .banner: return 13
        case .alertWarning: return 14
        case .alertCritical: return 15
        case .keyHint: return 16
        }
    }

    /// One letter per role for the role maps in golden files.
    public var code: Character {
        switch self {
        case .text: return "."
        case .textDim: return "d"
        case .title: return "T"
        case .border: return "b"
        case .borderFocus: return "F"
        case .tableHeader: return "H"
        case .tableSelected: return "S"
        case .statusHealthy: return "g"
        case .statusDegraded: return "y"
        case .statusOffline: return "r"
        case .feedError: return "E"
        case .feedInfo: return "i"
        case .sparkline: return "s"
        case .banner: return "P"
        case .alertWarning: return "W"
        case .alertCritical: return "C"
        case .keyHint: return "k"
        }
    }
}

public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)
}

public struct Cell: Equatable, Sendable {
    /// The grapheme, coded so a cell is plain data (no reference counting when a frame is built, copied or compared;
    /// that was most of rendering and painting): a single scalar is its value, "" is `emptyCode`, and a cluster of
    /// several scalars is an index into `GraphemeTable` above `clusterBase`.
    public private(set) var code: UInt32
    /// 1 or 2 for a leading cell, 0 for a continuation cell.
    public var width: UInt8
    public var role: StyleRole
    public var attributes: TextAttributes
    /// Always 0: fills the byte the compiler would leave as padding (uninitialized, so it differed between two equal
    /// cells), so a cell is 8 bytes that are equal exactly when the cells are: the painter compares rows and cells as
    /// bytes (`CellCodeTests`).
    private var spare: UInt8 = 0

    /// Field by field, inlined into the painter in another module (the derived `==` was a call per cell).
    @inlinable public static func == (a: Cell, b: Cell) -> Bool {
        a.code == b.code && a.width == b.width && a.role == b.role && a.attributes.rawValue == b.attributes.rawValue
    }

    /// One grapheme cluster; empty for the continuation cell right of a wide character.
    public var grapheme: String {
        get { Self.grapheme(of: code) }
        set { code = Self.code(of: newValue) }
    }

    public init(grapheme: String = " ", width: UInt8 = 1, role: StyleRole = .text, attributes: TextAttributes = []) {
        self.init(code: Self.code(of: grapheme), width: width, role: role, attributes: attributes)
    }

    init(code: UInt32, width: UInt8, role: StyleRole, attributes: TextAttributes) {
        self.code = code
        self.width = width
        self.role = role
        self.attributes = attributes
    }

    public static let blank = Cell()
    public var isContinuation: Bool { width == 0 }

    /// The code of "" (past the last scalar value).
    static let emptyCode: UInt32 = 0x11_0000
    /// Codes from here on are clusters of several scalars (`GraphemeTable`).
    static let clusterBase: UInt32 = 0x12_0000

    static func code(of grapheme: String) -> UInt32 {
        var scalars = grapheme.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return emptyCode }
        guard scalars.next() != nil else { return first.value }
        return GraphemeTable.shared.code(of: grapheme, first: first)
    }

    static func code(of character: Character) -> UInt32 {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let only = scalars.first { return only.value }
        return code(of: String(character))
    }

    static func grapheme(of code: UInt32) -> String {
        if code < emptyCode { return String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")) }
        if code == emptyCode { return "" }
        return GraphemeTable.shared.grapheme(code)
    }

    /// The grapheme's one scalar value, when it is a single scalar (most cells): no String built, inlined into the
    /// painter in another module.
    @inlinable public var singleScalar: UInt32? { code < 0x11_0000 ? code : nil }

    /// The grapheme's scalar values (none for ""), without building a String for a single scalar.
    public func withScalars<R>(_ body: (UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        if code < Self.emptyCode {
            var value = code
            return try withUnsafePointer(to: &value) { try body(UnsafeBufferPointer(start: $0, count: 1)) }
        }
        let values = grapheme.unicodeScalars.map(\.value)
        return try values.withUnsafeBufferPointer(body)
    }
}

/// The clusters of several scalars cells have shown (combining marks, emoji sequences, flags), each once, for the
/// life of the process: `Cell.code` indexes them. Keyed by scalars, not by String equality, so a cell paints exactly
/// the scalars it was given. Bounded: past `limit` clusters, a new one is shown by its first scalar (a screen shows
/// a few thousand cells; only a flood of distinct clusters from the network could get there).
final class GraphemeTable: Sendable {
    static let shared = GraphemeTable()
    static let limit = 1 << 16

    private struct Table {
        var codes: [[UInt32]: UInt32] = [:]
        var clusters: [String] = []
    }
    private let table = Mutex(Table())

    func code(of grapheme: String, first: Unicode.Scalar) -> UInt32 {
        let key = grapheme.unicodeScalars.map(\.value)
        return table.withLock { t in
            if let code = t.codes[key] { return code }
            guard t.clusters.count < Self.limit else { return first.value }
            let code = Cell.clusterBase + UInt32(t.clusters.count)
            t.codes[key] = code
            t.clusters.append(grapheme)
            return code
        }
    }

    func grapheme(_ code: UInt32) -> String {
        table.withLock { t in
            let index = Int(code - Cell.clusterBase)
            return index < t.clusters.count ? t.clusters[index] : "\u{FFFD}"
        }
    }
}

/// A width × height frame. The view writes into it; the backend draws it; tests read `text`.
public struct CellGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Plain locales (LANG=C, ASCII mode): a terminal there blanks what it cannot encode, so every non-ASCII
    /// character is written as `?` per cell it takes: a name stays visible and keeps its width.
    public var asciiOnly = false

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes text from (x, y), at most `maxWidth` cells (default: to the right edge); returns cells used.
    /// Wide characters that would not fit whole are replaced by a space so columns never shift.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole = .text,
                             attributes: TextAttributes = []) -> Int {
        guard CellWidth.simpleWidth(of: text) != nil else {
            return putGraphemes(text, x: x, y: y, maxWidth: maxWidth, role: role, attributes: attributes)
        }
        return putSimple(text, x: x, y: y, maxWidth: maxWidth, role: role, attributes: attributes)
    }

    /// `put` for text known to be simple (`CellWidth.simpleWidth(of:)` is not nil).
    @discardableResult
    mutating func putSimple(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole = .text,
                            attributes: TextAttributes = []) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        if x >= 0, let written = putPrintableASCII(text, x: x, y: y, limit: limit, role: role, attributes: attributes) {
            return written
        }
        var column = x
        // One grapheme per scalar (`CellWidth.simpleWidth`): the same cells as `putGraphemes`, without the
        // grapheme walk.
        for scalar in text.unicodeScalars {
            let w = CellWidth.simpleWidth(scalar.value) ?? 1
            if column + w > x + limit {
                if column < x + limit { setCell(column, y, Cell(code: 32, width: 1, role: role, attributes: attributes)) }
                break
            }
            if column >= 0 {
                if scalar.isASCII {
                    setCell(column, y, Cell(code: scalar.value, width: 1, role: role, attributes: attributes))
                } else if asciiOnly {
                    for offset in 0..<w { setCell(column + offset, y, Cell(code: 63, width: 1, role: role, attributes: attributes)) }
                } else {
                    setCell(column, y, Cell(code: scalar.value, width: UInt8(w), role: role, attributes: attributes))
                    if w == 2 { setCell(column + 1, y, Cell(code: Cell.emptyCode, width: 0, role: role, attributes: attributes)) }
                }
            }
            column += w
        }
        return column - x
    }

    /// `putSimple` for text whose every scalar is one cell wide (`CellWidth.simpleWidth` 1: printable ASCII, and the
    /// arrows, dashes, box drawing and blocks the TUI draws itself), or nil for other text: the cells written in one
    /// pass, with what `setCell` does at the two ends of the run (a wide character cut at either end is blanked;
    /// inside the run every cell is overwritten anyway). `ASCIIRunTests` compares it with writing cell by cell.
    private mutating func putPrintableASCII(_ text: String, x: Int, y: Int, limit: Int, role: StyleRole,
                                            attributes: TextAttributes) -> Int? {
        let width = self.width
        let asciiOnly = self.asciiOnly
        return text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var ascii = true
            for byte in bytes where byte < 0x20 || byte >= 0x7F {
                ascii = false
                break
            }
            var scalars = bytes.count
            if !ascii {
                scalars = 0
                var i = 0
                while i < bytes.count {
                    guard let (value, length) = Self.decodeNarrow(bytes, at: i) else { return nil }
                    _ = value
                    i += length
                    scalars += 1
                }
            }
            let count = min(scalars, limit)
            guard count > 0 else { return 0 }
            let start = y * width + x
            return cells.withUnsafeMutableBufferPointer { cells -> Int in
                if cells[start].width == 0, x > 0 {
                    cells[start - 1] = Cell(code: 32, width: 1, role: cells[start - 1].role, attributes: cells[start - 1].attributes)
                }
                let last = start + count - 1
                if cells[last].width == 2, x + count < width {
                    cells[last + 1] = Cell(code: 32, width: 1, role: cells[last].role, attributes: cells[last].attributes)
                }
                if ascii {
                    for offset in 0..<count {
                        cells[start + offset] = Cell(code: UInt32(bytes[offset]), width: 1, role: role, attributes: attributes)
                    }
                } else {
                    var i = 0
                    for offset in 0..<count {
                        let (value, length) = Self.decodeNarrow(bytes, at: i)!
                        i += length
                        let code = asciiOnly && value >= 0x80 ? 63 : value
                        cells[start + offset] = Cell(code: code, width: 1, role: role, attributes: attributes)
                    }
                }
                return count
            }
        } ?? nil
    }

    /// The scalar at `i` of valid UTF-8 and its length in bytes, when it is simple and one cell wide; else nil.
    @inline(__always)
    private static func decodeNarrow(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let lead = bytes[i]
        let value: UInt32
        let length: Int
        if lead < 0x80 {
            value = UInt32(lead)
            length = 1
        } else if lead < 0xE0 {
            guard i + 1 < bytes.count else { return nil }
            value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
            length = 2
        } else if lead < 0xF0 {
            guard i + 2 < bytes.count else { return nil }
            value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
            length = 3
        } else {
            return nil
        }
        return CellWidth.simpleWidth(value) == 1 ? (value, length) : nil
    }

    /// `count` copies of one narrow cell from column `x` of row `y`, clipped to the grid: what `setCell` in a loop
    /// writes (a wide character cut at either end of the run is blanked), in one pass.
    private mutating func fillRun(_ cell: Cell, x: Int, y: Int, count: Int) {
        guard y >= 0, y < height else { return }
        let from = max(0, x)
        let to = min(width, x + count)
        guard from < to else { return }
        let width = self.width
        cells.withUnsafeMutableBufferPointer { cells in
            let start = y * width + from
            if cells[start].width == 0, from > 0 {
                cells[start - 1] = Cell(code: 32, width: 1, role: cells[start - 1].role, attributes: cells[start - 1].attributes)
            }
            let last = y * width + to - 1
            if cells[last].width == 2, to < width {
                cells[last + 1] = Cell(code: 32, width: 1, role: cells[last].role, attributes: cells[last].attributes)
            }
            for index in start...last { cells[index] = cell }
        }
    }

    /// `put` for any text: one grapheme cluster at a time.
    @discardableResult
    mutating func putGraphemes(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole = .text,
                               attributes: TextAttributes = []) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        var column = x
        for character in text {
            let w = CellWidth.of(character)
            if w == 0 { continue }   // a lone zero-width cluster has nothing to occupy
            if column + w > x + limit {
                if column < x + limit { setCell(column, y, Cell(code: 32, width: 1, role: role, attributes: attributes)) }
                break
            }
            if column >= 0 {
                if asciiOnly && !character.isASCII {
                    for offset in 0..<w { setCell(column + offset, y, Cell(code: 63, width: 1, role: role, attributes: attributes)) }
                } else {
                    setCell(column, y, Cell(code: Cell.code(of: character), width: UInt8(w), role: role, attributes: attributes))
                    if w == 2 { setCell(column + 1, y, Cell(code: Cell.emptyCode, width: 0, role: role, attributes: attributes)) }
                }
            }
            column += w
        }
        return column - x
    }

    /// Writes `count` spaces of a role from (x, y), clipped to the grid (the padding of a fitted cell).
    mutating func spaces(x: Int, y: Int, count: Int, role: StyleRole, attributes: TextAttributes = []) {
        fillRun(Cell(code: 32, width: 1, role: role, attributes: attributes), x: x, y: y, count: count)
    }

    /// The cells `put(String(repeating: grapheme, count: count), x:, y:)` writes, without building the string
    /// (box borders).
    mutating func repeated(_ grapheme: String, x: Int, y: Int, count: Int, role: StyleRole, attributes: TextAttributes = []) {
        guard y >= 0, y < height, count > 0 else { return }
        let scalars = grapheme.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first, CellWidth.simpleWidth(scalar.value) == 1 else {
            put(String(repeating: grapheme, count: count), x: x, y: y, role: role, attributes: attributes)
            return
        }
        let cell = Cell(code: asciiOnly && !scalar.isASCII ? 63 : scalar.value, width: 1, role: role, attributes: attributes)
        fillRun(cell, x: x, y: y, count: count)
    }

    /// Fills a rectangle with spaces of a role (used for banners and selected rows).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int = 1, role: StyleRole, attributes: TextAttributes = []) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) {
                setCell(column, row, Cell(code: 32, width: 1, role: role, attributes: attributes))
            }
        }
    }

    /// Changes role/attributes of existing cells without touching their text (selection highlight).
    public mutating func restyle(x: Int, y: Int, width w: Int, role: StyleRole? = nil, adding: TextAttributes = []) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + w) {
            var cell = cells[y * width + column]
            if let role { cell.role = role }
            cell.attributes.formUnion(adding)
            cells[y * width + column] = cell
        }
    }

    /// The cells of a rectangle inside the grid, row by row (a panel's, for `PanelMemo`).
    func cells(x: Int, y: Int, width w: Int, height h: Int) -> [Cell] {
        var out: [Cell] = []
        out.reserveCapacity(w * h)
        for row in y..<(y + h) { out.append(contentsOf: cells[(row * width + x)..<(row * width + x + w)]) }
        return out
    }

    /// Puts back what `cells(x:y:width:height:)` took, cell for cell.
    mutating func copy(_ block: [Cell], into x: Int, _ y: Int, width w: Int, height h: Int) {
        precondition(block.count == w * h && x >= 0 && y >= 0 && x + w <= width && y + h <= height)
        let gridWidth = width
        cells.withUnsafeMutableBufferPointer { target in
            block.withUnsafeBufferPointer { source in
                for row in 0..<h {
                    (target.baseAddress! + (y + row) * gridWidth + x).update(from: source.baseAddress! + row * w, count: w)
                }
            }
        }
    }

    /// Keeps wide characters whole: overwriting either half of one blanks the other half.
    private mutating func setCell(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        let oldWidth = cells[index].width
        if oldWidth == 0, x > 0, cell.width != 0 {
            cells[index - 1] = Cell(code: 32, width: 1, role: cells[index - 1].role, attributes: cells[index - 1].attributes)
        }
        if oldWidth == 2, x + 1 < width, cell.width != 2 {
            cells[index + 1] = Cell(code: 32, width: 1, role: cells[index].role, attributes: cells[index].attributes)
        }
        if cell.width == 2 && x + 1 >= width {
            cells[index] = Cell(code: 32, width: 1, role: cell.role, attributes: cell.attributes)
            return
        }
        cells[index] = cell
    }

    /// One row as plain text (continuation cells skipped), trailing spaces trimmed.
    public func line(_ y: Int) -> String {
        var out = ""
        for x in 0..<width where !self[x, y].isContinuation {
            let code = cells[y * width + x].code
            if code < Cell.emptyCode, let scalar = Unicode.Scalar(code) { out.unicodeScalars.append(scalar) } else { out += self[x, y].grapheme }
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// The frame as plain text, one line per row: what golden tests compare.
    public var text: String {
        (0..<height).map(line).joined(separator: "\n")
    }

    /// One role letter per cell (see `StyleRole.code`), so colours are asserted without escape codes.
    public var roleMap: String {
        (0..<height).map { y in
            var out = ""
            for x in 0..<width { out.append(self[x, y].isContinuation ? "~" : self[x, y].role.code) }
            return out
        }.joined(separator: "\n")
    }

    /// One letter per cell for attributes: B bold, R reverse, U underline, D dim (first that applies), `.` none.
    public var attributeMap: String {
        (0..<height).map { y in
            var out = ""
            for x in 0..<width {
                let a = self[x, y].attributes
                out.append(a.contains(.reverse) ? "R" : a.contains(.bold) ? "B" : a.contains(.underline) ? "U"
                           : a.contains(.dim) ? "D" : ".")
            }
            return out
        }.joined(separator: "\n")
    }
}

/// Which rows changed between two frames, and how many cells — what the bench counts and what a redraw costs.
public struct GridDiff: Equatable, Sendable {
    public var changedRows: [Int]
    public var changedCells: Int
    /// True when the sizes differ (everything must be redrawn).
    public var resized: Bool

    public var isEmpty: Bool { !resized && changedCells == 0 }

    public static func between(_ old: CellGrid, _ new: CellGrid) -> GridDiff {
        guard old.width == new.width, old.height == new.height else {
            return GridDiff(changedRows: Array(0..<new.height), changedCells: new.width * new.height, resized: true)
        }
        var rows: [Int] = []
        var count = 0
        for y in 0..<new.height {
            var rowChanged = false
            for x in 0..<new.width where old[x, y] != new[x, y] {
                count += 1
                rowChanged = true
            }
            if rowChanged { rows.append(y) }
        }
        return GridDiff(changedRows: rows, changedCells: count, resized: false)
    }
}
