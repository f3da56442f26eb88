import XCTest
@testable import LassoCore

/// The beat arithmetic the monitor (polls, metrics refreshes) and the dashboard (idle redraw) share.
final class BeatTests: XCTestCase {
    func testMsToNextIsStrictlyAfterNow() {
        XCTAssertEqual(Beat.msToNext(after: 10_000, period: 1_000), 1000)
        XCTAssertEqual(Beat.msToNext(after: 10_001, period: 1_000), 999)
        XCTAssertEqual(Beat.msToNext(after: 10_999, period: 1_000), 1)
        XCTAssertEqual(Beat.msToNext(after: -1, period: 1_000), 1)
        XCTAssertEqual(Beat.msToNext(after: 10_000, period: 2_000), 2000)
        XCTAssertEqual(Beat.msToNext(after: 11_000, period: 2_000), 1000)
        XCTAssertEqual(Beat.msToNext(after: -1, period: 2_000), 1)
    }

    func testIndexIsFloored() {
        XCTAssertEqual(Beat.index(of: 3_999, period: 2_000), 1)
        XCTAssertEqual(Beat.index(of: 4_000, period: 2_000), 2)
        XCTAssertEqual(Beat.index(of: -1, period: 2_000), -1)
        XCTAssertEqual(Beat.index(of: -2_000, period: 2_000), -1)
        XCTAssertEqual(Beat.index(of: -2_001, period: 2_000), -2)
    }

    func testAtOrAfterRoundsUpToTheBeat() {
        XCTAssertEqual(Beat.atOrAfter(5_000, period: 1_000), 5_000)
        XCTAssertEqual(Beat.atOrAfter(5_001, period: 1_000), 6_000)
        XCTAssertEqual(Beat.atOrAfter(5_999, period: 1_000), 6_000)
        XCTAssertEqual(Beat.atOrAfter(-1, period: 1_000), 0)
        // The 2 s refresh: metrics refreshes land on even seconds, with the events polls.
        XCTAssertEqual(Beat.atOrAfter(4_000, period: 2_000), 4_000)
        XCTAssertEqual(Beat.atOrAfter(5_000, period: 2_000), 6_000)
        XCTAssertEqual(Beat.atOrAfter(6_001, period: 2_000), 8_000)
        XCTAssertEqual(Beat.atOrAfter(-1, period: 2_000), 0)
    }
}
