import XCTest
@testable import LassoTUI

/// Printable ASCII is written in one pass (`CellGrid.putPrintableASCII`); the cells must be exactly those the
/// grapheme-by-grapheme path writes, wherever the run starts and ends: over wide characters cut on either side, at
/// the edges, cut by a width, or off the grid.
final class ASCIIRunTests: XCTestCase {
    func testARunWritesWhatWritingEachCharacterWrites() {
        let backgrounds = ["x東京ノードabc한국語テスト", "東東東東東東東東東東東", "", "ab東cd京ef"]
        let pieces = ["a", "Z", "0", " ", "-", "~", "|", ":", "eth_getLogs"]
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
}
