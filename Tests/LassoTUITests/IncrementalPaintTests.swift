import LassoTUI
import LassoTerminal
import XCTest

/// The painter writes only the cells that changed since the last frame; the window must still hold exactly the
/// new frame, whatever changed (text, roles, wide characters over narrow ones and back, blank rows).
final class IncrementalPaintTests: XCTestCase {
    static let pieces = ["idle", "名前", "ok", "→", "  ", "eth_getLogs", "東京", "x", "—", "Coverage: 3/3"]
    static let roles: [StyleRole] = [.text, .textDim, .title, .statusHealthy, .tableSelected]

    /// A frame of random pieces (seeded), each row cut at the grid's edge like the renderer does.
    static func frame(width: Int, height: Int, generator: inout SplitMix64) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        for y in 0..<height where generator.next() % 4 != 0 {
            var x = Int(generator.next() % 3)
            while x < width {
                let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
                let role = roles[Int(generator.next() % UInt64(roles.count))]
                x += max(1, grid.put(piece, x: x, y: y, role: role)) + Int(generator.next() % 2)
            }
        }
        return grid
    }

    func testWindowHoldsEachFrameAfterPaintingOnlyTheChanges() throws {
        let counter = try FrameByteCounter(width: 30, height: 8, terminalType: "xterm-256color")
        defer { counter.close() }
        var generator = SplitMix64(seed: 7)
        var previous: CellGrid?
        for round in 0..<200 {
            // Mostly small edits of the last frame (what an idle second does), sometimes a whole new one.
            var grid = previous ?? Self.frame(width: 30, height: 8, generator: &generator)
            if round % 10 == 0 {
                grid = Self.frame(width: 30, height: 8, generator: &generator)
            } else {
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    let piece = Self.pieces[Int(generator.next() % UInt64(Self.pieces.count))]
                    grid.put(piece, x: Int(generator.next() % 30), y: Int(generator.next() % 8),
                             role: Self.roles[Int(generator.next() % UInt64(Self.roles.count))])
                }
            }
            counter.draw(grid)
            XCTAssertEqual(Self.trimmed(counter.windowLines()), grid.text.components(separatedBy: "\n"), "round \(round)")
            previous = grid
        }
    }

    func testAnUnchangedFrameWritesOnlyTheMarkersAndAChangedCellOnlyItself() throws {
        var grid = CellGrid(width: 40, height: 10)
        grid.put("14:28:23", x: 30, y: 0)
        grid.put("名前 and more", x: 0, y: 4)
        let counter = try FrameByteCounter(width: 40, height: 10, terminalType: "xterm-256color")
        defer { counter.close() }
        counter.draw(grid)
        XCTAssertEqual(counter.draw(grid), 16)
        var next = grid
        next.put("14:28:24", x: 30, y: 0)
        XCTAssertLessThan(counter.draw(next), 16 + 12, "one digit and a cursor move")
        XCTAssertEqual(Self.trimmed(counter.windowLines()), next.text.components(separatedBy: "\n"))
    }

    /// Every cell of the window, read back one by one, holds its grid cell's characters, attributes and colour
    /// pair, after frames that put wide characters, clusters and narrow non-ASCII next to and over plain runs (the
    /// painter writes runs of plain cells in one call and the rest cell by cell). Several seeds, styled pieces.
    func testEveryCellKeepsItsCharactersAndStyle() throws {
        let pieces = ["idle", "名前", "ok", "→", "  ", "e\u{301}", "東京", "x", "—", "a\u{308}\u{301}", "é", "█▇", "eth_call"]
        let width = 23
        let height = 6
        for seed in 1...12 as ClosedRange<UInt64> {
            let counter = try FrameByteCounter(width: width, height: height, terminalType: "xterm-256color")
            defer { counter.close() }
            var generator = SplitMix64(seed: seed)
            var grid = CellGrid(width: width, height: height)
            for round in 0..<120 {
                if round % 15 == 0 { grid = CellGrid(width: width, height: height) }
                for _ in 0..<(1 + Int(generator.next() % 6)) {
                    let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
                    let role = StyleRole.allCases[Int(generator.next() % UInt64(StyleRole.allCases.count))]
                    let attributes = TextAttributes(rawValue: UInt8(generator.next() % 16))
                    grid.put(piece, x: Int(generator.next() % UInt64(width)), y: Int(generator.next() % UInt64(height)),
                             role: role, attributes: attributes)
                }
                counter.draw(grid)
                for y in 0..<height {
                    for x in 0..<width where !grid[x, y].isContinuation {
                        XCTAssertEqual(counter.windowCell(x: x, y: y), counter.expectedWindowCell(grid[x, y]),
                                       "seed \(seed) round \(round) at \(x),\(y): \(grid.line(y))")
                    }
                }
            }
        }
    }

    /// `CellGrid.text` leaves out the spaces at the end of a row; the window has them.
    static func trimmed(_ lines: [String]) -> [String] {
        lines.map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }
    }
}
