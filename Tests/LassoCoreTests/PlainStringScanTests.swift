import Foundation
import XCTest
@testable import LassoCore

/// The byte readers' string scan takes eight bytes at a time (`MetricsFastReader.needsLook`): it must stop for every
/// byte the byte-by-byte rule stops for, wherever it sits, and read every string exactly as that rule does.
final class PlainStringScanTests: XCTestCase {
    static func isSpecial(_ byte: UInt8) -> Bool { byte == 0x22 || byte == 0x5C || byte < 0x20 || byte >= 0x80 }

    func testEveryByteValueAtEveryPosition() {
        for byte in 0...255 {
            for position in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[position] = UInt8(byte)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                XCTAssertEqual(MetricsFastReader.needsLook(word), Self.isSpecial(UInt8(byte)), "byte \(byte) at \(position)")
            }
        }
    }

    func testRandomWordsMatchTheByteRule() {
        var rng = SeededGenerator(seed: 0x5CA7)
        // Mostly printable bytes with a few specials, so both answers are common.
        let printable = Array(UInt8(0x20)...UInt8(0x7E))
        for _ in 0..<200_000 {
            var bytes = (0..<8).map { _ in printable.randomElement(using: &rng)! }
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                bytes[Int.random(in: 0..<8, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            XCTAssertEqual(MetricsFastReader.needsLook(word), bytes.contains(where: Self.isSpecial), "\(bytes)")
        }
    }

    /// Strings of every length up to 40, plain or with one byte the reader must refuse at each position, and cut off
    /// before their closing quote: the span, or the refusal, is what reading byte by byte gives.
    func testStringsReadAsByteByByte() {
        for length in 0...40 {
            for special in [nil, 0x5C, 0x1F, 0x80, 0xC3, 0x7F] as [UInt8?] {
                for position in 0..<max(1, length) {
                    var content = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
                    if let special, length > 0 { content[position] = special }
                    for closed in [true, false] {
                        let body = [UInt8(ascii: "\"")] + content + (closed ? [UInt8(ascii: "\""), UInt8(ascii: ",")] : [])
                        let expected: MetricsFastReader.Span? = closed && !content.contains(where: Self.isSpecial)
                            ? MetricsFastReader.Span(start: 1, count: length) : nil
                        let read = body.withUnsafeBufferPointer { buffer -> MetricsFastReader.Span? in
                            var reader = MetricsFastReader(base: buffer.baseAddress!, end: buffer.count)
                            return try? reader.plainString()
                        }
                        XCTAssertEqual(read?.start, expected?.start, "length \(length), \(special.map(String.init) ?? "plain") at \(position)")
                        XCTAssertEqual(read?.count, expected?.count, "length \(length), \(special.map(String.init) ?? "plain") at \(position)")
                    }
                }
            }
        }
    }
}
