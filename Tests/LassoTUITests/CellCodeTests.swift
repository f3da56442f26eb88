import XCTest
@testable import LassoTUI

/// A cell keeps its grapheme as a code (plain data: no reference counting per cell). Every grapheme must come back
/// exactly as it went in, scalar for scalar, and two cells are equal exactly when their graphemes' scalars are.
final class CellCodeTests: XCTestCase {
    static let graphemes = [" ", "a", "~", "\u{7F}", "é", "e\u{301}", "名", "—", "⌚", "🇯🇵", "👨‍👩‍👧", "a\u{308}\u{301}", "",
                            "\u{FFFD}", "\u{10FFFF}", "👍🏽"]

    func testEveryGraphemeComesBackScalarForScalar() {
        for grapheme in Self.graphemes {
            let cell = Cell(grapheme: grapheme, width: 1, role: .title)
            XCTAssertEqual(Array(cell.grapheme.unicodeScalars), Array(grapheme.unicodeScalars), grapheme)
            let scalars = cell.withScalars { Array($0) }
            XCTAssertEqual(scalars, grapheme.unicodeScalars.map(\.value), grapheme)
            XCTAssertEqual(cell.singleScalar, scalars.count == 1 ? scalars[0] : nil, grapheme)
            var changed = Cell.blank
            changed.grapheme = grapheme
            XCTAssertEqual(changed.code, cell.code, grapheme)
        }
    }

    func testCellsAreEqualExactlyWhenTheirScalarsAre() {
        for a in Self.graphemes {
            for b in Self.graphemes {
                let same = Array(a.unicodeScalars) == Array(b.unicodeScalars)
                XCTAssertEqual(Cell(grapheme: a) == Cell(grapheme: b), same, "\(a.debugDescription) vs \(b.debugDescription)")
            }
        }
        // Canonically equal but not the same scalars: another cell (the terminal gets other bytes).
        XCTAssertNotEqual(Cell(grapheme: "é"), Cell(grapheme: "e\u{301}"))
        XCTAssertNotEqual(Cell(grapheme: "a", role: .text), Cell(grapheme: "a", role: .title))
        XCTAssertNotEqual(Cell(grapheme: "a", attributes: [.bold]), Cell(grapheme: "a"))
    }

    /// Written through the grid (both paths: simple scalars and grapheme clusters), the text reads back the same.
    func testTheGridReadsBackWhatWasPut() {
        var grid = CellGrid(width: 30, height: 2)
        grid.put("e\u{301}t\u{E9} 🇯🇵 名前 👨‍👩‍👧 ok", x: 0, y: 0)
        grid.put("plain ascii — ⌚", x: 1, y: 1)
        XCTAssertEqual(grid.line(0), "e\u{301}t\u{E9} 🇯🇵 名前 👨‍👩‍👧 ok")
        XCTAssertEqual(Array(grid.line(0).unicodeScalars), Array("e\u{301}t\u{E9} 🇯🇵 名前 👨‍👩‍👧 ok".unicodeScalars))
        XCTAssertEqual(grid.line(1), " plain ascii — ⌚")
    }

    func testACellIsPlainData() {
        XCTAssertTrue(_isPOD(Cell.self))
        XCTAssertLessThanOrEqual(MemoryLayout<Cell>.stride, 8)
    }

    /// Painters index per-role tables by `ordinal`: each role its own place, in `allCases` order.
    func testRoleOrdinalsAreTheirPlaces() {
        XCTAssertEqual(StyleRole.allCases.map(\.ordinal), Array(0..<StyleRole.allCases.count))
    }

    /// The painter compares rows of cells as bytes: a cell has no padding, and two cells built apart (on the grid,
    /// restyled, copied) have equal bytes exactly when they are equal.
    func testEqualCellsHaveEqualBytes() {
        XCTAssertEqual(MemoryLayout<Cell>.size, MemoryLayout<Cell>.stride)
        func bytes(_ cell: Cell) -> [UInt8] { withUnsafeBytes(of: cell) { Array($0) } }
        var a = CellGrid(width: 12, height: 1)
        a.put("ab名—", x: 0, y: 0, role: .title, attributes: [.bold])
        var b = CellGrid(width: 12, height: 1)
        b.fill(x: 0, y: 0, width: 12, role: .banner)
        b.put("ab名—", x: 0, y: 0, role: .text)
        b.restyle(x: 0, y: 0, width: 12, role: .title, adding: [.bold])
        for x in 0..<5 {
            XCTAssertEqual(a[x, 0], b[x, 0])
            XCTAssertEqual(bytes(a[x, 0]), bytes(b[x, 0]), "cell \(x)")
        }
        for grapheme in Self.graphemes {
            for other in Self.graphemes {
                let (c, d) = (Cell(grapheme: grapheme, role: .feedInfo), Cell(grapheme: other, role: .feedInfo))
                XCTAssertEqual(bytes(c) == bytes(d), c == d, "\(grapheme.debugDescription) vs \(other.debugDescription)")
            }
        }
    }
}
