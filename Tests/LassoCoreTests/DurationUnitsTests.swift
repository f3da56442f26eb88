import LassoCore
import XCTest

final class DurationUnitsTests: XCTestCase {
    func testSecondsKeepTheFractionAndMillisecondsTruncate() {
        XCTAssertEqual(Duration.milliseconds(1_500).inSeconds, 1.5)
        XCTAssertEqual(Duration.nanoseconds(250).inSeconds, 2.5e-7, accuracy: 1e-18)
        XCTAssertEqual(Duration.milliseconds(1_500).inMilliseconds, 1_500)
        XCTAssertEqual(Duration.nanoseconds(1_999_999).inMilliseconds, 1, "truncated, as the integer division it replaces")
        XCTAssertEqual(Duration.seconds(8).inMilliseconds, 8_000)
    }
}
