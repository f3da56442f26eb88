import XCTest
@testable import LassoCore

final class CoverageTests: XCTestCase {
    let interval: Int64 = 2_000
    let now: Int64 = 1_000_000

    func view(connected: Int, responding: Int? = nil) -> ClusterView {
        ClusterView(enabled: true, nodesConnected: connected, nodesResponding: responding ?? connected, nodesTotal: connected,
                    regions: [], status: "healthy")
    }

    func node(_ name: String, ok: Bool = true, age: Int64 = 0, connected: Int = 3) -> NodeHealthSample {
        NodeHealthSample(name: name, latestOK: ok, lastSuccessMs: now - age, view: view(connected: connected))
    }

    func testAllResponding() {
        let c = CoverageRules.compute(nodes: [node("a"), node("b"), node("c")], expected: nil, now: now, healthIntervalMs: interval)
        XCTAssertEqual(c, Coverage(responding: 3, total: 3, status: .healthy, quorum: true, partitionSuspected: false))
    }

    func testOneDownIsDegradedWithQuorum() {
        let c = CoverageRules.compute(nodes: [node("a", connected: 2), node("b", connected: 2), node("c", ok: false)],
                                      expected: nil, now: now, healthIntervalMs: interval)
        XCTAssertEqual(c.responding, 2)
        XCTAssertEqual(c.total, 3)
        XCTAssertEqual(c.status, .degraded)
        XCTAssertTrue(c.quorum)
        XCTAssertFalse(c.partitionSuspected)
    }

    func testHalfIsDegradedWithoutQuorum() {
        let c = CoverageRules.compute(nodes: [node("a", connected: 1), node("b", ok: false)], expected: nil, now: now, healthIntervalMs: interval)
        XCTAssertEqual(c.status, .degraded)
        XCTAssertFalse(c.quorum)
    }

    func testNoneRespondingIsOffline() {
        let c = CoverageRules.compute(nodes: [node("a", ok: false), node("b", ok: false)], expected: nil, now: now, healthIntervalMs: interval)
        XCTAssertEqual(c.status, .offline)
        XCTAssertEqual(c.responding, 0)
        XCTAssertEqual(CoverageRules.compute(nodes: [], expected: nil, now: now, healthIntervalMs: interval).status, .offline)
    }

    func testStaleSuccessDoesNotCount() {
        // Exactly two intervals old still counts; one ms more does not.
        let edge = CoverageRules.compute(nodes: [node("a", age: 4_000, connected: 1)], expected: nil, now: now, healthIntervalMs: interval)
        XCTAssertEqual(edge.responding, 1)
        let stale = CoverageRules.compute(nodes: [node("a", age: 4_001, connected: 1)], expected: nil, now: now, healthIntervalMs: interval)
        XCTAssertEqual(stale.responding, 0)
    }

    func testExpectLargerThanWatched() {
        let c = CoverageRules.compute(nodes: [node("a", connected: 2), node("b", connected: 2)], expected: 3, now: now, healthIntervalMs: interval)
        XCTAssertEqual(c.total, 3)
        XCTAssertEqual(c.status, .degraded)
        let smaller = CoverageRules.compute(nodes: [node("a", connected: 2), node("b", connected: 2)], expected: 1, now: now, healthIntervalMs: interval)
        XCTAssertEqual(smaller.total, 2)
    }

    func testPartitionSuspected() {
        // Disagreement between responding nodes.
        XCTAssertTrue(CoverageRules.partitionSuspected(views: [view(connected: 3), view(connected: 1), view(connected: 3)], respondingSeen: 3))
        // All agree, but fewer connected than lassotop sees responding (distribution split while HTTP answers).
        XCTAssertTrue(CoverageRules.partitionSuspected(views: [view(connected: 2), view(connected: 2), view(connected: 2)], respondingSeen: 3))
        XCTAssertFalse(CoverageRules.partitionSuspected(views: [view(connected: 3), view(connected: 3), view(connected: 3)], respondingSeen: 3))
        XCTAssertFalse(CoverageRules.partitionSuspected(views: [view(connected: 1)], respondingSeen: 1))
    }

    func testSeedCoverageHelperVectors() {
        XCTAssertEqual(CoverageRules.status(responding: 3, total: 3), .healthy)
        XCTAssertEqual(CoverageRules.status(responding: 1, total: 3), .degraded)
        XCTAssertEqual(CoverageRules.status(responding: 0, total: 2), .offline)
    }
}

final class RateTrackerTests: XCTestCase {
    func testRatesAcrossARestartNeverNegativeOrSpiked() {
        var tracker = RateTracker()
        var series: [Double?] = []
        // calls at t=0,15,30 s; restart before t=45 (counter and uptime drop); then t=60.
        let polls: [(calls: Int, at: Int64, uptime: Int)] = [(1000, 0, 100), (1300, 15_000, 115), (1600, 30_000, 130),
                                                              (50, 45_000, 5), (200, 60_000, 20)]
        for poll in polls {
            let (rates, _) = tracker.observe(node: "A", counters: ["p": poll.calls], atMs: poll.at, uptimeSeconds: poll.uptime)
            series.append(rates["p"] ?? nil)
        }
        XCTAssertNil(series[0])
        XCTAssertEqual(series[1], 20.0)
        XCTAssertEqual(series[2], 20.0)
        XCTAssertNil(series[3], "the restart interval has no rate")
        XCTAssertEqual(series[4], 10.0)
    }

    func testCounterDropWithoutUptimeMeansRestartForAllCounters() {
        var tracker = RateTracker()
        _ = tracker.observe(node: "A", counters: ["p": 100, "q": 100], atMs: 0, uptimeSeconds: nil)
        let (rates, restarted) = tracker.observe(node: "A", counters: ["p": 10, "q": 200], atMs: 10_000, uptimeSeconds: nil)
        XCTAssertTrue(restarted)
        XCTAssertEqual(rates["p"], .some(nil))
        XCTAssertEqual(rates["q"], .some(nil))
        let (next, again) = tracker.observe(node: "A", counters: ["p": 30, "q": 300], atMs: 20_000, uptimeSeconds: nil)
        XCTAssertFalse(again)
        XCTAssertEqual(next["p"], 2.0)
        XCTAssertEqual(next["q"], 10.0)
    }

    func testUptimeDropAloneResetsBaseline() {
        var tracker = RateTracker()
        _ = tracker.observe(node: "A", counters: ["p": 100], atMs: 0, uptimeSeconds: 500)
        // Restarted and already climbed above the old count: only uptime reveals it.
        let (rates, restarted) = tracker.observe(node: "A", counters: ["p": 400], atMs: 10_000, uptimeSeconds: 8)
        XCTAssertTrue(restarted)
        XCTAssertEqual(rates["p"], .some(nil))
    }

    func testNodesAreIndependentAndClusterRateSums() {
        var tracker = RateTracker()
        _ = tracker.observe(node: "A", counters: ["p": 0], atMs: 0, uptimeSeconds: 1)
        _ = tracker.observe(node: "B", counters: ["p": 0], atMs: 0, uptimeSeconds: 1)
        let a = tracker.observe(node: "A", counters: ["p": 30], atMs: 10_000, uptimeSeconds: 11).rates["p"] ?? nil
        let b = tracker.observe(node: "B", counters: ["p": 0], atMs: 10_000, uptimeSeconds: 0).rates["p"] ?? nil
        XCTAssertEqual(a, 3.0)
        XCTAssertNil(b)
        XCTAssertEqual(RateTracker.clusterRate([a, b]), 3.0)
        XCTAssertNil(RateTracker.clusterRate([nil, nil]))
    }

    func testSameTimestampGivesNoRate() {
        var tracker = RateTracker()
        _ = tracker.observe(node: "A", counters: ["p": 0], atMs: 5, uptimeSeconds: nil)
        XCTAssertEqual(tracker.observe(node: "A", counters: ["p": 10], atMs: 5, uptimeSeconds: nil).rates["p"], .some(nil))
    }
}

final class PercentileTests: XCTestCase {
    func testNearestRank() {
        let values: [Double] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        XCTAssertEqual(Percentile.nearestRank(values, 50), 50)
        XCTAssertEqual(Percentile.nearestRank(values, 95), 100)
        XCTAssertNil(Percentile.nearestRank([], 50))
        XCTAssertEqual(Percentile.nearestRank([7], 99), 7)
    }
}
