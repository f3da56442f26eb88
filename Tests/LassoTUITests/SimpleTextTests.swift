import LassoCore
import XCTest
@testable import LassoTUI

/// The "simple scalar" fast paths (`CellWidth.simpleWidth`) skip the grapheme walk and the Unicode category lookup.
/// They must give exactly what the general paths give: checked for every scalar the table covers, and
/// differentially on random mixed strings (widths, truncation, sanitizing, grid cells, fitted table cells).
final class SimpleTextTests: XCTestCase {
    static let coveredRanges: [Range<UInt32>] = [0x20..<0x7F, 0xA0..<0x300, CellWidth.simpleWindowStart..<CellWidth.simpleWindowEnd]

    func testEverySimpleScalarIsItsOwnGraphemeKeepsItsWidthAndSurvivesTheSanitizer() {
        var failures: [String] = []
        var simple = 0
        let neighbours = ["a", " ", "é", "·", "─", "…", "⌚", "▁"]
        for range in Self.coveredRanges {
            for v in range {
                guard let scalar = Unicode.Scalar(v) else { continue }
                if CellWidth.simpleWidth(of: "a" + String(scalar)).map({ $0 - 1 }) != CellWidth.simpleWidth(v) {
                    failures.append("\(String(v, radix: 16)): UTF-8 decoding")
                }
                guard let width = CellWidth.simpleWidth(v) else { continue }
                simple += 1
                let s = String(Character(scalar))
                let hex = String(v, radix: 16)
                if width != CellWidth.of(scalar: scalar) { failures.append("\(hex): width \(width) vs \(CellWidth.of(scalar: scalar))") }
                if width != CellWidth.of(Character(scalar)) { failures.append("\(hex): character width") }
                for other in neighbours + [s] where (other + s).count != 2 || (s + other).count != 2 {
                    failures.append("\(hex): joins a grapheme with \(other)")
                }
                if Sanitizer.cleanScalars("a" + s + "b") != "a" + s + "b" { failures.append("\(hex): changed by the sanitizer") }
            }
        }
        XCTAssertEqual(failures, [])
        // The window must cover what the TUI draws itself.
        for drawn in ["─", "│", "┌", "┐", "└", "┘", "▁", "█", "·", "—", "…", "→", "↻", "›", "↑", "↓", "▼", "▲"] {
            XCTAssertNotNil(CellWidth.simpleWidth(of: drawn), drawn)
        }
        XCTAssertGreaterThan(simple, 3500)
    }

    func testScalarsTheSanitizerOrGraphemesTouchAreNotSimple() {
        for v: UInt32 in [0x1F, 0x7F, 0x85, 0x9B, 0xAD, 0x300, 0x200B, 0x200D, 0x200E, 0x2028, 0x202E, 0x2060, 0x2066,
                          0x20D0, 0x2B74, 0xE000, 0xFE0F, 0xFEFF, 0x1F3FD, 0x1F1E6, 0x1100, 0xAC00] {
            XCTAssertNil(CellWidth.simpleWidth(v), String(v, radix: 16))
        }
    }

    func testFastPathsMatchTheGraphemePathsOnRandomText() {
        let alphabet = ["a", "Z", "0", " ", "-", "é", "ß", "·", "—", "…", "→", "─", "▁", "█", "⌚", "東", "ノ", "e\u{301}",
                        "\u{200B}", "\u{1B}[31m", "👍🏽", "❤\u{FE0F}", "\t", "\u{E000}", "\u{2B74}", "한"]
        var random = SplitMix64(seed: 0x5EED)
        for round in 0..<400 {
            let text = (0..<Int(random.next() % 14)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
            let label = "round \(round): \(text.debugDescription)"
            XCTAssertEqual(CellWidth.of(text), CellWidth.graphemeWidth(of: text), label)
            XCTAssertEqual(CellWidth.simpleWidth(of: text), CellWidth.simpleWidthByScalars(of: text), label)
            XCTAssertEqual(Sanitizer.clean(text), Sanitizer.cleanScalars(text), label)
            for width in 0...16 {
                for ascii in [false, true] {
                    XCTAssertEqual(CellWidth.truncate(text, to: width, ascii: ascii),
                                   CellWidth.truncateGraphemes(text, to: width, ascii: ascii), label)
                }
            }
            let safe = Sanitizer.clean(text)
            for asciiOnly in [false, true] {
                for (x, maxWidth) in [(0, nil), (0, 5), (3, 12), (17, nil), (19, 4), (20, 0)] as [(Int, Int?)] {
                    var fast = Self.background(asciiOnly: asciiOnly)
                    var slow = fast
                    let a = fast.put(safe, x: x, y: 0, maxWidth: maxWidth, role: .feedInfo)
                    let b = slow.putGraphemes(safe, x: x, y: 0, maxWidth: maxWidth, role: .feedInfo)
                    XCTAssertEqual(a, b, label)
                    XCTAssertEqual(fast, slow, label)
                }
            }
            for unicode in [true, false] {
                for (x, width) in [(1, 0), (1, 1), (2, 6), (4, 16), (15, 9)] {
                    for alignRight in [false, true] {
                        var fast = Painter(size: GridSize(width: 22, height: 1), caps: RenderCaps(unicode: unicode))
                        fast.grid = Self.background(asciiOnly: !unicode)
                        var slow = fast
                        fast.fitted(safe, x: x, y: 0, width: width, alignRight: alignRight, role: .textDim)
                        slow.text(CellWidth.fit(safe, to: width, alignRight: alignRight, ascii: !unicode), x: x, y: 0, width: width,
                                  role: .textDim, clean: false)
                        XCTAssertEqual(fast.grid, slow.grid, "\(label) x \(x) width \(width) right \(alignRight)")
                    }
                }
            }
        }
    }

    func testRepeatedGraphemeWritesTheCellsOfTheRepeatedString() {
        for grapheme in ["─", "-", " ", "?", "東", "e\u{301}", "⌚"] {
            for asciiOnly in [false, true] {
                for (x, count) in [(0, 22), (1, 20), (5, 0), (18, 9), (-2, 6), (22, 3)] {
                    var fast = Self.background(asciiOnly: asciiOnly)
                    var slow = fast
                    fast.repeated(grapheme, x: x, y: 0, count: count, role: .border)
                    if count > 0 { slow.put(String(repeating: grapheme, count: count), x: x, y: 0, role: .border) }
                    XCTAssertEqual(fast, slow, "\(grapheme) x \(x) count \(count) ascii \(asciiOnly)")
                }
            }
        }
    }

    /// A 22×1 grid with wide characters in it, so overwriting half of one is exercised too.
    static func background(asciiOnly: Bool) -> CellGrid {
        var grid = CellGrid(width: 22, height: 1)
        grid.asciiOnly = asciiOnly
        grid.putGraphemes("x東京ノードabc한국語テスト", x: 0, y: 0, role: .border)
        return grid
    }
}

/// A seeded generator, so a failing round can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
