import Foundation
import XCTest
@testable import LassoClient

/// The pollers' and the publisher's sleep: over after its time, early on a `wakeAll` made while it sleeps, at once
/// when cancelled; a `wakeAll` before a sleep began does not end it.
final class WakeSignalTests: XCTestCase {
    static func ms(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    func testSleepLastsItsTime() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let slept = await signal.sleep(ms: 120)
        XCTAssertTrue(slept)
        XCTAssertGreaterThanOrEqual(Self.ms(since: start), 120)
    }

    func testAWakeBeforeTheSleepDoesNotEndIt() async {
        let signal = WakeSignal()
        signal.wakeAll()
        let start = ContinuousClock.now
        _ = await signal.sleep(ms: 100)
        XCTAssertGreaterThanOrEqual(Self.ms(since: start), 100)
    }

    /// Woken over and over until the sleeper is back (it may not be asleep yet at the first wake): back long before
    /// its 60 s.
    func testWakeAllEndsEverySleepEarly() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let done = PollCount()
        let sleepers = (0..<3).map { _ in
            Task {
                let slept = await signal.sleep(ms: 60_000)
                done.increment()
                return slept
            }
        }
        while done.value < 3 && Self.ms(since: start) < 20_000 {
            signal.wakeAll()
            try? await Task.sleep(for: .milliseconds(5))
        }
        for sleeper in sleepers { let slept = await sleeper.value; XCTAssertTrue(slept) }
        XCTAssertLessThan(Self.ms(since: start), 20_000)
    }

    func testCancellingASleepEndsItAndSaysSo() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let sleeper = Task { await signal.sleep(ms: 60_000) }
        sleeper.cancel()
        let slept = await sleeper.value
        XCTAssertFalse(slept)
        XCTAssertLessThan(Self.ms(since: start), 20_000)
    }

    func testPollCountNeverGoesBelowZero() {
        let count = PollCount()
        count.increment()
        count.increment()
        count.reset()
        count.decrement()
        XCTAssertEqual(count.value, 0)
        count.increment()
        XCTAssertEqual(count.value, 1)
        count.decrement()
        count.decrement()
        XCTAssertEqual(count.value, 0)
    }

    func testWholeSecondRoundsUp() {
        XCTAssertEqual(ClusterMonitor.wholeSecond(atOrAfter: 5_000), 5_000)
        XCTAssertEqual(ClusterMonitor.wholeSecond(atOrAfter: 5_001), 6_000)
        XCTAssertEqual(ClusterMonitor.wholeSecond(atOrAfter: 5_999), 6_000)
        XCTAssertEqual(ClusterMonitor.wholeSecond(atOrAfter: -1), 0)
    }
}
