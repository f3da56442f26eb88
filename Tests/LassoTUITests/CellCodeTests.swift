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
}
