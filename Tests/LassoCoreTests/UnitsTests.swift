import LassoCore
import XCTest

/// The one duration formatter, at every unit boundary, in both styles.
final class UnitsTests: XCTestCase {
    func testUpToDays() {
        let cases: [(Int64, String)] = [(0, "0s"), (59, "59s"), (60, "1m00s"), (125, "2m05s"), (3_599, "59m59s"),
                                        (3_600, "1h00m"), (3_720, "1h02m"), (86_399, "23h59m"), (86_400, "1d00h"),
                                        (273_600, "3d04h"), (-5, "-5s")]
        for (seconds, text) in cases { XCTAssertEqual(Units.duration(seconds: seconds, style: .upToDays), text, "\(seconds)") }
    }

    func testUpToHoursNeverShowsDays() {
        XCTAssertEqual(Units.duration(seconds: 86_400, style: .upToHours), "24h00m")
        XCTAssertEqual(Units.duration(seconds: 97_500, style: .upToHours), "27h05m")
        XCTAssertEqual(Units.duration(seconds: 3_599, style: .upToHours), "59m59s")
    }

    func testMillisecondsTruncateToWholeSeconds() {
        XCTAssertEqual(Units.duration(ms: 59_999, style: .upToHours), "59s")
        XCTAssertEqual(Units.duration(ms: 125_000), "2m05s")
    }

    /// The three callers keep their historical output exactly (the alert wrapper clamps clock skew to 0).
    func testAlertWrapperClampsNegative() {
        XCTAssertEqual(AlertFormat.duration(ms: -5_000), "0s")
        XCTAssertEqual(AlertFormat.duration(ms: 90_000_000), "25h00m")
    }
}

/// One formatter per unit: the TUI, `snapshot --format table` and the Alerts view print a figure the same way.
final class OneFormatterPerUnitTests: XCTestCase {
    func testFiguresReadTheSameEverywhere() {
        XCTAssertEqual(Units.percent(0.874), "87.4%")
        XCTAssertEqual(Units.percent(1), "100%")
        XCTAssertEqual(Units.ms(43.04), "43ms")
        XCTAssertEqual(Units.ms(nil), "—")
        // An alert on a success rate reads like the success column, not as a bare fraction.
        let alert = Alert(rule: AlertRule.pollSuccess.rawValue, level: .critical, state: .firing, startedAtMs: 0, value: 0.71,
                          threshold: 0.9, explanation: "")
        XCTAssertEqual(alert.valueText, "71.0%")
        XCTAssertEqual(alert.thresholdText, "< 90.0%")
    }
}
