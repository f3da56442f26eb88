import Foundation
import LassoClient
import LassoCore
import LassoTestSupport
import Synchronization
import XCTest

/// The refresh (`--refresh`, `MonitorConfig.eventsIntervalMs`, 2 s by default) is how often each node's events are
/// polled. Counted at the node: under load a poll only comes later, never sooner, so a lower bound on the time a run
/// of polls spans holds on a busy machine, and it fails at a 1 s refresh.
final class RefreshCadenceTests: XCTestCase {
    final class Arrivals: Sendable {
        let times = Mutex<[ContinuousClock.Instant]>([])
        var count: Int { times.withLock { $0.count } }
    }

    func testTheDefaultRefreshPollsEventsEveryTwoSeconds() async throws {
        XCTAssertEqual(MonitorConfig().eventsIntervalMs, 2_000)
        let good = LassoBodies.goodHandler(providers: [LassoBodies.Provider(id: "p", calls: 20)])
        let events = Arrivals()
        let node = try HostileNode { path, headers in
            if path.hasPrefix("/api/events") { events.times.withLock { $0.append(.now) } }
            return good(path, headers)
        }
        defer { node.stop() }
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: [NodeTarget(name: "n", url: node.url)], chains: ["ethereum"], http: HTTPOptions(timeout: .seconds(2))))
        await monitor.start()
        // The first poll comes at start, the second on the next beat (maybe a moment later); from the second on,
        // one per beat: polls 2…5 span three refreshes, 6 s (at a 1 s refresh, 3 s). A poll starts on the first beat
        // after the last one ended, so even a poll held up for a whole beat leaves two beats between 2 and 5 (4 s);
        // the floor is 3.5 s for the shared timer's early firing (it fires deadlines within 2 ms together).
        try await eventually(30, "five events polls") { events.count >= 5 }
        await monitor.stop()
        let times = events.times.withLock { $0 }
        let span = times[4] - times[1]
        XCTAssertGreaterThanOrEqual(span, .milliseconds(3_500), "polls 2…5 came within \(span)")
    }
}
