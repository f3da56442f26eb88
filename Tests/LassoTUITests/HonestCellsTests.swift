import Foundation
import LassoCore
import XCTest
@testable import LassoTUI

/// Cells never claim more than lassotop knows: an unseen circuit is unknown, and a plain locale never blanks a name.
final class HonestCellsTests: XCTestCase {
    func render(_ snapshot: ClusterSnapshot, page: Page, caps: RenderCaps = RenderCaps(),
                size: GridSize = GridSize(width: 160, height: 40)) -> CellGrid {
        var state = Fixtures.state { $0.pages.append(PageEntry(page: page)) }
        state.screenWidth = size.width
        state.screenHeight = size.height
        return Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: Fixtures.nowMs)
    }

    func lines(_ grid: CellGrid) -> [String] { grid.text.components(separatedBy: "\n") }

    func testCircuitIsADashUntilAnEventIsSeen() {
        var snapshot = Fixtures.snapshot(.healthy)
        snapshot.feed = []   // no event source, as with real Lasso
        let rows = lines(render(snapshot, page: .provider(chain: "ethereum", id: "infura")))
        let nodeRows = rows.filter { $0.contains("iad-1") || $0.contains("fra-1") || $0.contains("sin-1") }
        XCTAssertFalse(nodeRows.isEmpty, rows.joined(separator: "\n"))
        XCTAssertFalse(rows.joined().contains("closed"), rows.joined(separator: "\n"))

        // With the fixture's circuit event for fra-1 (opened), that node says so; the others still don't claim "closed".
        let withEvents = lines(render(Fixtures.snapshot(.healthy), page: .provider(chain: "ethereum", id: "infura")))
        XCTAssertTrue(withEvents.contains { $0.contains("fra-1") && $0.contains("open") }, withEvents.joined(separator: "\n"))
        XCTAssertFalse(withEvents.contains { $0.contains("iad-1") && $0.contains("closed") })
    }

    func testPlainLocaleReplacesEachCharacterVisiblyKeepingWidth() {
        let unicode = render(Fixtures.snapshot(.cjk), page: .view(.overview))
        let ascii = render(Fixtures.snapshot(.cjk), page: .view(.overview), caps: RenderCaps(unicode: false))
        // Every cell the terminal gets is ASCII: nothing a C locale would blank.
        for cell in ascii.cells where !cell.isContinuation {
            XCTAssertTrue(cell.grapheme.allSatisfy(\.isASCII), "non-ASCII cell \(cell.grapheme)")
        }
        let row = try? XCTUnwrap(lines(ascii).first { $0.contains("??????????") })
        XCTAssertNotNil(row, "東京ノード (5 wide characters) shows as 10 question marks:\n" + ascii.text)
        // Same layout: the name takes the same cells as in a UTF-8 locale, so columns stay where they were.
        let unicodeRow = lines(unicode).first { $0.contains("東京ノード") } ?? ""
        XCTAssertEqual(CellWidth.of(unicodeRow), row.map(CellWidth.of) ?? -1)
    }
}
