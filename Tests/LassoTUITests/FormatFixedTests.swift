import Foundation
import XCTest
@testable import LassoTUI

/// `Format.fixed` replaces `String(format: "%.Nf")` on the render path; it must print exactly the same text.
final class FormatFixedTests: XCTestCase {
    func testSameTextAsTheCFormatter() {
        var values: [Double] = [0, 0.5, 1.5, 2.5, 0.125, 0.375, 3.225, 1.005, 2.675, 99.95, 99.949999, 9.995, 999.9999,
                                1e-9, 123_456.789, 1e8, 999_999.9995, -0.0, -1.25, .nan, .infinity, 1e20]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -4...9, using: &rng)
            values.append(pow(10, magnitude) * Double.random(in: 0...1, using: &rng))
        }
        // Decimal ties and near-ties, where rounding the scaled product could differ from printf.
        // Exact binary ties (k/2, k/4, k/8, k/16): printf rounds them to even.
        for k in 0..<8_000 { for divisor in [2.0, 4, 8, 16, 32] { values.append(Double(k) / divisor) } }
        for cents in 0..<20_000 { values.append(Double(cents) / 1000 + 0.0005); values.append(Double(cents) / 100 + 0.005) }
        for value in values {
            for decimals in 0...3 {
                XCTAssertEqual(Format.fixed(value, decimals), String(format: "%.\(decimals)f", value), "\(value) \(decimals)")
            }
        }
    }

    func testClockPadsToTwoDigits() {
        XCTAssertEqual(Format.clock(3_723_000, offsetSeconds: 0), "01:02:03")
        XCTAssertEqual(Format.clock(86_399_000, offsetSeconds: 0), "23:59:59")
        XCTAssertEqual(Format.clock(0, offsetSeconds: -1), "23:59:59")
    }

    /// The clock is written byte by byte: the same text as joining two-digit fields, over days, offsets and
    /// instants before 1970.
    func testClockMatchesTwoDigitFields() {
        var random = SplitMix64(seed: 0xC10C)
        for _ in 0..<20_000 {
            let ms = Int64(bitPattern: random.next() % 400_000_000_000) - 100_000_000_000
            let offset = Int(random.next() % 100_000) - 50_000
            let seconds = Int((ms / 1000) + Int64(offset))
            let day = ((seconds % 86_400) + 86_400) % 86_400
            let expected = [day / 3600, (day % 3600) / 60, day % 60].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
            XCTAssertEqual(Format.clock(ms, offsetSeconds: offset), expected, "\(ms) \(offset)")
        }
    }
}
