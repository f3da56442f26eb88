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
    /// One grapheme cluster; empty for the continuation cell right of a wide character.
    public var grapheme: String
    /// 1 or 2 for a leading cell, 0 for a continuation cell.
    public var width: UInt8
    public var role: StyleRole
    public var attributes: TextAttributes

    public init(grapheme: String = " ", width: UInt8 = 1, role: StyleRole = .text, attributes: TextAttributes = []) {
        self.grapheme = grapheme
        self.width = width
        self.role = role
        self.attributes = attributes
    }

    public static let blank = Cell()
    public var isContinuation: Bool { width == 0 }
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
        var column = x
        // One grapheme per scalar (`CellWidth.simpleWidth`): the same cells as `putGraphemes`, without the
        // grapheme walk.
        for scalar in text.unicodeScalars {
            let w = CellWidth.simpleWidth(scalar.value) ?? 1
            if column + w > x + limit {
                if column < x + limit { setCell(column, y, Cell(grapheme: " ", width: 1, role: role, attributes: attributes)) }
                break
            }
            if column >= 0 {
                if scalar.isASCII {
                    setCell(column, y, Cell(grapheme: Self.asciiGraphemes[Int(scalar.value)], width: 1, role: role, attributes: attributes))
                } else if asciiOnly {
                    for offset in 0..<w { setCell(column + offset, y, Cell(grapheme: "?", width: 1, role: role, attributes: attributes)) }
                } else {
                    setCell(column, y, Cell(grapheme: String(Character(scalar)), width: UInt8(w), role: role, attributes: attributes))
                    if w == 2 { setCell(column + 1, y, Cell(grapheme: "", width: 0, role: role, attributes: attributes)) }
                }
            }
            column += w
        }
        return column - x
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
                if column < x + limit { setCell(column, y, Cell(grapheme: " ", width: 1, role: role, attributes: attributes)) }
                break
            }
            if column >= 0 {
                if asciiOnly && !character.isASCII {
                    for offset in 0..<w { setCell(column + offset, y, Cell(grapheme: "?", width: 1, role: role, attributes: attributes)) }
                } else {
                    setCell(column, y, Cell(grapheme: String(character), width: UInt8(w), role: role, attributes: attributes))
                    if w == 2 { setCell(column + 1, y, Cell(grapheme: "", width: 0, role: role, attributes: attributes)) }
                }
            }
            column += w
        }
        return column - x
    }

    /// One-character strings of the ASCII range, so a cell's grapheme is not built per cell.
    static let asciiGraphemes: [String] = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))) }

    /// Writes `count` spaces of a role from (x, y), clipped to the grid (the padding of a fitted cell).
    mutating func spaces(x: Int, y: Int, count: Int, role: StyleRole, attributes: TextAttributes = []) {
        repeated(" ", x: x, y: y, count: count, role: role, attributes: attributes)
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
        let cell = Cell(grapheme: asciiOnly && !scalar.isASCII ? "?" : grapheme, width: 1, role: role, attributes: attributes)
        var column = max(0, x)
        while column < min(width, x + count) {
            setCell(column, y, cell)
            column += 1
        }
    }

    /// Fills a rectangle with spaces of a role (used for banners and selected rows).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int = 1, role: StyleRole, attributes: TextAttributes = []) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) {
                setCell(column, row, Cell(grapheme: " ", width: 1, role: role, attributes: attributes))
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

    /// Keeps wide characters whole: overwriting either half of one blanks the other half.
    private mutating func setCell(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        // Only the old cell's width is read (no copy of its grapheme): most writes replace a narrow cell.
        let oldWidth = cells[index].width
        if oldWidth == 0, x > 0, cell.width != 0 {
            cells[index - 1] = Cell(grapheme: " ", width: 1, role: cells[index - 1].role, attributes: cells[index - 1].attributes)
        }
        if oldWidth == 2, x + 1 < width, cell.width != 2 {
            cells[index + 1] = Cell(grapheme: " ", width: 1, role: cells[index].role, attributes: cells[index].attributes)
        }
        if cell.width == 2 && x + 1 >= width {
            cells[index] = Cell(grapheme: " ", width: 1, role: cell.role, attributes: cell.attributes)
            return
        }
        cells[index] = cell
    }

    /// One row as plain text (continuation cells skipped), trailing spaces trimmed.
    public func line(_ y: Int) -> String {
        var out = ""
        for x in 0..<width where !self[x, y].isContinuation { out += self[x, y].grapheme }
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
