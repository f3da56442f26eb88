import XCTest
@testable import LassoTUI

/// Text of one-cell scalars (printable ASCII, arrows, dashes, box drawing, blocks) is written in one pass
/// (`CellGrid.putPrintableASCII`), and repeated cells (padding, borders) too (`fillRun`); the cells must be exactly
/// those the grapheme-by-grapheme path writes, wherever the run starts and ends: over wide characters cut on either
/// side, at the edges, cut by a width, or off the grid, with and without the ASCII-only mode.
final class ASCIIRunTests: XCTestCase {
    func testARunWritesWhatWritingEachCharacterWrites() {
        let backgrounds = ["x東京ノードabc한국語テスト", "東東東東東東東東東東東", "", "ab東cd京ef"]
        let pieces = ["a", "Z", "0", " ", "-", "~", "|", ":", "eth_getLogs", "→", "—", "é", "…", "█▇", "│", "⌚", "→ infura"]
        var random = SplitMix64(seed: 0xA5C11)
        var runs = 0
        for round in 0..<3_000 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            var fast = CellGrid(width: 22, height: 2)
            fast.asciiOnly = random.next() % 2 == 0
            fast.putGraphemes(backgrounds[Int(random.next() % UInt64(backgrounds.count))], x: Int(random.next() % 3), y: 1,
                              role: .border, attributes: [.bold])
            var slow = fast
            let x = Int(random.next() % 26) - 2
            let maxWidth: Int? = random.next() % 3 == 0 ? nil : Int(random.next() % 15)
            let y = random.next() % 5 == 0 ? 2 : 1
            let a = fast.put(text, x: x, y: y, maxWidth: maxWidth, role: .feedInfo, attributes: [.dim])
            let b = slow.putGraphemes(text, x: x, y: y, maxWidth: maxWidth, role: .feedInfo, attributes: [.dim])
            XCTAssertEqual(a, b, "round \(round): \(text.debugDescription) at \(x) max \(String(describing: maxWidth))")
            XCTAssertEqual(fast, slow, "round \(round): \(text.debugDescription) at \(x) max \(String(describing: maxWidth))")
            if a > 0 { runs += 1 }
        }
        XCTAssertGreaterThan(runs, 1_000)
    }

    func testRepeatedCellsAreWhatWritingEachCellWrites() {
        let backgrounds = ["x東京ノードabc한국語テスト", "東東東東東東東東東東東", "", "ab東cd京ef"]
        var random = SplitMix64(seed: 0xF111)
        for round in 0..<3_000 {
            var fast = CellGrid(width: 22, height: 2)
            fast.asciiOnly = random.next() % 2 == 0
            fast.putGraphemes(backgrounds[Int(random.next() % UInt64(backgrounds.count))], x: Int(random.next() % 3), y: 1,
                              role: .border, attributes: [.bold])
            var slow = fast
            let x = Int(random.next() % 28) - 3
            let count = Int(random.next() % 16) - 1
            let y = random.next() % 5 == 0 ? 2 : 1
            let grapheme = ["─", " ", "-", "│"][Int(random.next() % 4)]
            if grapheme == " " && random.next() % 2 == 0 {
                fast.spaces(x: x, y: y, count: count, role: .sparkline)
            } else {
                fast.repeated(grapheme, x: x, y: y, count: count, role: .sparkline)
            }
            if count > 0 && x < 22 {
                // Left of the grid the characters are dropped one by one, as `put` does.
                slow.putGraphemes(String(repeating: grapheme, count: count), x: x, y: y, role: .sparkline)
            }
            XCTAssertEqual(fast, slow, "round \(round): \(count) × \(grapheme.debugDescription) at \(x)")
        }
    }
}
