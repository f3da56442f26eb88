import LassoCore
import XCTest
@testable import LassoTUI

final class SanitizerTests: XCTestCase {
    func testTitleChangeAndColourEscapesBecomePlainText() {
        XCTAssertEqual(Sanitizer.clean("\u{1B}]0;pwned\u{07}\u{1B}[31mX"), "X")
    }

    func testControlsDELAndC1AreRemoved() {
        XCTAssertEqual(Sanitizer.clean("a\u{00}b\u{7F}c\u{85}d\u{9B}31me"), "abcde")
        XCTAssertEqual(Sanitizer.clean("line1\nline2\ttab"), "line1 line2 tab")
    }

    func testDCSAndOSC52ClipboardWritesAreDropped() {
        XCTAssertEqual(Sanitizer.clean("a\u{1B}P1;2|secret\u{1B}\\b"), "ab")
        XCTAssertEqual(Sanitizer.clean("x\u{1B}]52;c;ZXZpbA==\u{07}y"), "xy")
    }

    func testBidiOverridesAndIsolatesAreRemoved() {
        XCTAssertEqual(Sanitizer.clean("abc\u{202E}exe.txt"), "abcexe.txt")
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            XCTAssertEqual(Sanitizer.clean("a" + String(Unicode.Scalar(scalar)!) + "b"), "ab", String(scalar, radix: 16))
        }
    }

    func testInvisibleAndPrivateUseCharactersCannotHideText() {
        XCTAssertEqual(Sanitizer.clean("al\u{200B}chemy"), "alchemy")
        XCTAssertEqual(Sanitizer.clean("a\u{E000}b"), "a?b")
    }

    func testOrdinaryUnicodeIsKept() {
        XCTAssertEqual(Sanitizer.clean("東京ノード café 👍🏽"), "東京ノード café 👍🏽")
    }
}

final class CellWidthTests: XCTestCase {
    func testASCIICJKCombiningAndEmojiWidths() {
        XCTAssertEqual(CellWidth.of("abc"), 3)
        XCTAssertEqual(CellWidth.of("東京"), 4)
        XCTAssertEqual(CellWidth.of("ノード"), 6)
        XCTAssertEqual(CellWidth.of("한국"), 4)
        XCTAssertEqual(CellWidth.of("ｱ"), 1, "half-width katakana")
        XCTAssertEqual(CellWidth.of("Ａ"), 2, "full-width Latin")
        XCTAssertEqual(CellWidth.of(scalar: "\u{0301}"), 0, "combining acute")
        XCTAssertEqual(CellWidth.of("e\u{0301}"), 1)
        XCTAssertEqual(CellWidth.of("🚀"), 2)
        XCTAssertEqual(CellWidth.of("❤\u{FE0F}"), 2, "VS16 emoji presentation")
        XCTAssertEqual(CellWidth.of("👩‍💻"), 2, "ZWJ sequence is one 2-cell glyph")
        XCTAssertEqual(CellWidth.of("─│┌▁█"), 5)
    }

    func testTruncateAndFitUseDisplayWidth() {
        XCTAssertEqual(CellWidth.truncate("東京ノード", to: 5), "東京…")
        XCTAssertEqual(CellWidth.of(CellWidth.fit("東京ノード", to: 7)), 7)
        XCTAssertEqual(CellWidth.fit("東京", to: 6, alignRight: true), "  東京")
        XCTAssertEqual(CellWidth.truncate("abcdef", to: 4, ascii: true), "abc~")
    }
}

final class CellGridTests: XCTestCase {
    func testWideCharactersTakeTwoCellsAndKeepColumns() {
        var grid = CellGrid(width: 10, height: 1)
        grid.put("東京|x", x: 0, y: 0)
        XCTAssertEqual(grid[0, 0].width, 2)
        XCTAssertTrue(grid[1, 0].isContinuation)
        XCTAssertEqual(grid[4, 0].grapheme, "|")
        XCTAssertEqual(grid.line(0), "東京|x")
    }

    func testAWideCharacterThatDoesNotFitBecomesASpace() {
        var grid = CellGrid(width: 3, height: 1)
        grid.put("a東", x: 0, y: 0, maxWidth: 2)
        XCTAssertEqual(grid[1, 0].grapheme, " ")
        XCTAssertEqual(grid[1, 0].width, 1)
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = CellGrid(width: 4, height: 1)
        grid.put("東京", x: 0, y: 0)
        grid.put("x", x: 1, y: 0)   // lands on 東's continuation cell
        XCTAssertEqual(grid.line(0), " x京")
        grid.put("y", x: 2, y: 0)   // lands on 京's leading cell
        XCTAssertEqual(grid.line(0), " xy")
        XCTAssertFalse(grid[3, 0].isContinuation)
    }

    func testDiffCountsChangedCellsAndRows() {
        var a = CellGrid(width: 5, height: 3)
        a.put("hello", x: 0, y: 1)
        var b = a
        b.put("J", x: 0, y: 1)
        b.put("!", x: 4, y: 2)
        let diff = GridDiff.between(a, b)
        XCTAssertEqual(diff.changedRows, [1, 2])
        XCTAssertEqual(diff.changedCells, 2)
        XCTAssertFalse(diff.resized)
        XCTAssertTrue(GridDiff.between(a, a).isEmpty)
        XCTAssertTrue(GridDiff.between(a, CellGrid(width: 6, height: 3)).resized)
    }

    func testASelectionMoveChangesOnlyTwoRows() {
        let snapshot = Fixtures.snapshot(.healthy)
        let size = GridSize(width: 120, height: 40)
        let before = UIState()
        let after = Reducer.reduce(before, .moveDown, snapshot).0
        let a = Renderer.render(state: before, snapshot: snapshot, size: size, caps: RenderCaps(), nowMs: Fixtures.nowMs)
        let b = Renderer.render(state: after, snapshot: snapshot, size: size, caps: RenderCaps(), nowMs: Fixtures.nowMs)
        XCTAssertEqual(GridDiff.between(a, b).changedRows.count, 2)
    }

    func testRenderIsDeterministic() {
        let snapshot = Fixtures.snapshot(.partial)
        let size = GridSize(width: 80, height: 24)
        XCTAssertEqual(Renderer.render(state: UIState(), snapshot: snapshot, size: size, caps: RenderCaps(), nowMs: Fixtures.nowMs),
                       Renderer.render(state: UIState(), snapshot: snapshot, size: size, caps: RenderCaps(), nowMs: Fixtures.nowMs))
    }

    func testNoControlCharacterEverReachesTheGrid() {
        var snapshot = Fixtures.snapshot(.malicious)
        snapshot.nodes[0].lastError = "boom\u{1B}[2J\u{1B}]8;;http://x\u{07}link"
        snapshot.nodes[0].state = .bad
        snapshot.clusterName = "c\u{1B}[5mluster"
        for page in [Page.view(.overview), .view(.nodes), .node(name: "iad-1"), .provider(chain: "ethereum", id: "evil"), .view(.feed)] {
            var state = UIState()
            state.pages = [PageEntry(page: .view(.overview))]
            if page != .view(.overview) { state.pages.append(PageEntry(page: page)) }
            let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: 160, height: 50), caps: RenderCaps(),
                                       nowMs: Fixtures.nowMs)
            for cell in grid.cells {
                for scalar in cell.grapheme.unicodeScalars {
                    XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value),
                                   "control U+\(String(scalar.value, radix: 16)) on \(page)")
                }
            }
        }
    }
}

final class LayoutRobustnessTests: XCTestCase {
    /// Every page at every size from tiny to huge renders a full grid (no trap on a negative height or width).
    func testEveryPageRendersAtEverySize() {
        var demo = Fixtures.snapshot(.partial)
        demo.isDemo = true
        let pages: [Page] = TopView.allCases.map { .view($0) } + [.provider(chain: "ethereum", id: "infura"), .node(name: "sin-1"),
                                                                  .provider(chain: "gone", id: "x"), .node(name: "gone")]
        let sizes = [(0, 0), (1, 1), (10, 3), (79, 24), (80, 23)] + [80, 81, 97, 120, 163, 200, 260].flatMap { w in
            [24, 25, 31, 40, 60].map { (w, $0) }
        }
        for snapshot in [demo, Fixtures.snapshot(.cjk)] {
            for page in pages {
                for help in page == .view(.overview) ? [false, true] : [false] {
                    var state = UIState()
                    if case .view = page { state.pages = [PageEntry(page: page)] } else { state.pages.append(PageEntry(page: page)) }
                    state.helpShown = help
                    state.paused = true
                    for (width, height) in sizes {
                        let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: width, height: height),
                                                   caps: RenderCaps(unicode: width % 2 == 0), nowMs: Fixtures.nowMs)
                        XCTAssertEqual(grid.cells.count, width * height)
                        for y in 0..<height { XCTAssertLessThanOrEqual(CellWidth.of(grid.line(y)), width) }
                    }
                }
            }
        }
    }
}
