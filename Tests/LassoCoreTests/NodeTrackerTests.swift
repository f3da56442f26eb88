import XCTest
@testable import LassoCore

final class NodeTrackerTests: XCTestCase {
    let health = HealthResponse(uptimeSeconds: 10, version: "0.2.0",
                                cluster: ClusterView(enabled: true, nodesConnected: 3, nodesResponding: 3, nodesTotal: 3,
                                                     regions: ["iad"], status: "healthy"))

    func testStatesAndFlaps() {
        var tracker = NodeTracker(name: "iad-1", url: "http://x")
        XCTAssertEqual(tracker.status.state, .pending)
        tracker.recordSuccess(health, latencyMs: 3, nowMs: 1_000)
        XCTAssertEqual(tracker.status.state, .up)
        XCTAssertEqual(tracker.status.flaps, 0)
        tracker.recordFailure(.refused("connection refused"), latencyMs: 1, nowMs: 2_000)
        XCTAssertEqual(tracker.status.state, .down)
        XCTAssertEqual(tracker.status.lastError, "connection refused")
        XCTAssertEqual(tracker.status.flaps, 1)
        tracker.recordFailure(.bad("HTTP 500 (HTML page)"), latencyMs: 1, nowMs: 3_000)
        XCTAssertEqual(tracker.status.state, .bad)
        XCTAssertEqual(tracker.status.flaps, 1, "down → bad is not a flap")
        tracker.recordSuccess(health, latencyMs: 3, nowMs: 4_000)
        XCTAssertEqual(tracker.status.flaps, 2)
        XCTAssertNil(tracker.status.lastError)
        XCTAssertEqual(tracker.status.errorLog.map(\.message), ["connection refused", "HTTP 500 (HTML page)"])
        XCTAssertEqual(tracker.status.successCount, 2)
        XCTAssertEqual(tracker.status.failureCount, 2)
        XCTAssertEqual(tracker.status.pollSuccessRate, 0.5)
        XCTAssertEqual(tracker.status.uptimeSeconds, 10)
    }

    func testStaleAfterTwoIntervalsWithoutSuccess() {
        var tracker = NodeTracker(name: "a", url: "http://x")
        tracker.recordSuccess(health, latencyMs: 3, nowMs: 0)
        tracker.age(nowMs: 4_000, healthIntervalMs: 2_000)
        XCTAssertEqual(tracker.status.state, .up)
        tracker.age(nowMs: 4_001, healthIntervalMs: 2_000)
        XCTAssertEqual(tracker.status.state, .stale)
        XCTAssertTrue(tracker.healthSample.latestOK)
        XCTAssertFalse(tracker.healthSample.isResponding(now: 4_001, healthIntervalMs: 2_000))
    }

    func testBackoffOnlyForExpensiveFailures() {
        var tracker = NodeTracker(name: "a", url: "http://x")
        for _ in 0..<5 { tracker.recordFailure(.refused("refused"), latencyMs: 1, nowMs: 0) }
        XCTAssertEqual(tracker.nextDelayMs(healthIntervalMs: 2_000), 2_000, "refused is cheap: retry every interval")
        var slow = NodeTracker(name: "b", url: "http://x")
        var delays: [Int64] = []
        for _ in 0..<5 {
            slow.recordFailure(.unreachable("timeout after 5.0s"), latencyMs: 5_000, nowMs: 0)
            delays.append(slow.nextDelayMs(healthIntervalMs: 2_000))
        }
        XCTAssertEqual(delays, [2_000, 4_000, 8_000, 8_000, 8_000], "exponential, capped at 4× the interval")
        slow.recordSuccess(health, latencyMs: 2, nowMs: 1)
        XCTAssertEqual(slow.nextDelayMs(healthIntervalMs: 2_000), 2_000)
    }

    func testHistoriesAreBounded() {
        var tracker = NodeTracker(name: "a", url: "http://x")
        for i in 0..<500 {
            tracker.recordSuccess(health, latencyMs: Double(i), nowMs: Int64(i))
            tracker.recordFailure(.bad("error \(i)"), latencyMs: nil, nowMs: Int64(i))
        }
        XCTAssertEqual(tracker.status.latencyHistory.count, NodeTracker.historyLimit)
        XCTAssertEqual(tracker.status.latencyHistory.last, 499)
        XCTAssertEqual(tracker.status.errorLog.count, NodeTracker.errorLogLimit)
        XCTAssertEqual(tracker.status.flaps, 999)
    }
}
