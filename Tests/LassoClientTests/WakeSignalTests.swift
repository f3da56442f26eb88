import Foundation
import Synchronization
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

    /// A poller counts as due from its `expect` to its `done`, and only for times at or before the one asked about.
    func testDuePollersAreTheOnesDueByThenAndNotDoneYet() {
        let due = DuePollers()
        XCTAssertFalse(due.pending(byMs: 10_000))
        due.expect(atMs: 2_000)
        due.expect(atMs: 2_000)
        due.expect(atMs: 4_000)
        XCTAssertFalse(due.pending(byMs: 1_999))
        XCTAssertTrue(due.pending(byMs: 2_000))
        due.done(atMs: 2_000)
        XCTAssertTrue(due.pending(byMs: 2_000), "one of the two due at 2 s has not started")
        due.done(atMs: 2_000)
        XCTAssertFalse(due.pending(byMs: 3_999))
        XCTAssertTrue(due.pending(byMs: 4_000))
        due.done(atMs: 4_000)
        due.done(atMs: 4_000)   // a second done for one expect changes nothing
        XCTAssertFalse(due.pending(byMs: 10_000))
        due.expect(atMs: 4_000)
        XCTAssertTrue(due.pending(byMs: 4_000))
        var dueAt: Int64?
        due.move(&dueAt, to: 6_000)
        XCTAssertTrue(due.pending(byMs: 6_000))
        due.move(&dueAt, to: 8_000)   // done at 6 s, due at 8 s
        XCTAssertEqual(dueAt, 8_000)
        due.done(atMs: 4_000)
        XCTAssertFalse(due.pending(byMs: 7_999))
        XCTAssertTrue(due.pending(byMs: 8_000))
        due.move(&dueAt, to: nil)
        XCTAssertNil(dueAt)
        XCTAssertFalse(due.pending(byMs: 10_000))
    }

    /// One timer serves every sleep: each entry fires once, not before its time (less the coalescing allowance), and
    /// whatever the order they were scheduled in; a cancelled one never fires.
    func testTheSharedTimerFiresEachEntryOnceAtItsTime() async {
        let timer = SleepTimer.shared
        let fired = Mutex<[Int: Int64]>([:])
        let start = ContinuousClock.now
        var random = IncrementalFeedNamingTests.Random(state: 17)
        var delays: [Int: Int64] = [:]
        var cancelled: [Int] = []
        for index in 0..<40 {
            let id = timer.newID()
            let ms = Int64(random.next(300))
            delays[id] = ms
            timer.schedule(id, afterMs: ms) {
                fired.withLock { f in
                    XCTAssertNil(f[id], "fired twice")
                    f[id] = Self.ms(since: start)
                }
            }
            if index % 5 == 0 {
                timer.cancel(id)
                cancelled.append(id)
            }
        }
        let expected = delays.count - cancelled.count
        while fired.withLock({ $0.count }) < expected && Self.ms(since: start) < 20_000 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        // One more beat past the latest deadline, so a cancelled entry that wrongly fired would have.
        _ = await WakeSignal().sleep(ms: 50)
        let result = fired.withLock { $0 }
        XCTAssertEqual(result.count, expected)
        for id in cancelled { XCTAssertNil(result[id], "cancelled entry fired") }
        for (id, at) in result {
            XCTAssertGreaterThanOrEqual(at, delays[id]! - Int64(SleepTimer.coalesceMs), "entry \(id) early")
        }
    }
}
