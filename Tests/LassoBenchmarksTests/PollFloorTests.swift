import Foundation
import LassoClient
import LassoCore
import LassoDemo
import LassoTestSupport
import XCTest
@testable import LassoBenchmarks

/// The idle group's floor must ask what the monitor asks, or the figure says nothing: the same requests per endpoint
/// as a real `ClusterMonitor` on the same schedule, each counted by a relay in front of the same demo nodes.
final class PollFloorTests: XCTestCase {
    func testTheFloorAsksWhatTheMonitorAsks() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 2, seed: 5))
        try await cluster.start()
        var monitorRelays: [CountingRelay] = []
        var floorRelays: [CountingRelay] = []
        for node in cluster.nodes {
            for index in 0..<2 {
                let relay = CountingRelay(upstream: node.url)
                try await relay.start()
                if index == 0 { monitorRelays.append(relay) } else { floorRelays.append(relay) }
            }
        }
        // A short schedule, so the window holds several metrics refreshes; metrics every 1 s also leaves out the
        // monitor's early samples (they are only taken when the interval is longer than them).
        let schedule = PollFloor.Schedule(beatMs: 500, healthIntervalMs: 500, metricsIntervalMs: 1_000)
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: zip(cluster.nodes, monitorRelays).map { NodeTarget(name: $0.id, url: $1.url) },
            healthIntervalMs: schedule.healthIntervalMs, metricsIntervalMs: schedule.metricsIntervalMs,
            eventsIntervalMs: schedule.beatMs))
        await monitor.start()
        let floorURLs = floorRelays.map(\.url)
        let floor = Task { try await PollFloor.poll(floorURLs, schedule: schedule) }

        func counts(_ relays: [CountingRelay]) -> [String: Int] {
            var total: [String: Int] = [:]
            for relay in relays { total.merge(relay.snapshot, uniquingKeysWith: +) }
            return total
        }
        // Past the start-up (both know the chains and have refreshed every chain once), then a window of 12 beats
        // counted on the monitor's side.
        try await eventually(20, "both polling metrics") {
            counts(monitorRelays)["/api/metrics", default: 0] >= 6 && counts(floorRelays)["/api/metrics", default: 0] >= 6
        }
        let monitorBefore = counts(monitorRelays)
        let floorBefore = counts(floorRelays)
        try await eventually(30, "12 beats of events polls") {
            counts(monitorRelays)["/api/events", default: 0] - monitorBefore["/api/events", default: 0] >= 24
        }
        let monitorAfter = counts(monitorRelays)
        let floorAfter = counts(floorRelays)
        floor.cancel()
        _ = try? await floor.value
        await monitor.stop()
        for relay in monitorRelays + floorRelays { await relay.stop() }
        await cluster.stop()

        for family in ["/api/health", "/api/events", "/api/metrics"] {
            let byMonitor = monitorAfter[family, default: 0] - monitorBefore[family, default: 0]
            let byFloor = floorAfter[family, default: 0] - floorBefore[family, default: 0]
            // Both sides are counted at the same two instants, but a beat's requests may straddle one of them: a
            // beat's worth (two nodes; for metrics every chain of both), and two more for a beat a loaded machine ran late.
            let slack = family == "/api/metrics" ? 2 * 3 + 2 : 2 * 2
            XCTAssertLessThanOrEqual(abs(byMonitor - byFloor), slack, "\(family): monitor \(byMonitor), floor \(byFloor)")
            XCTAssertGreaterThan(byFloor, 0, "\(family): the floor asked")
        }
    }

    func testTheCursorIsReadFromThePage() {
        XCTAssertEqual(PollFloor.next(in: Data(#"{"node_id":"iad-1","next":42,"events":[]}"#.utf8)), 42)
        XCTAssertEqual(PollFloor.next(in: Data(#"{"next": 7}"#.utf8)), 7)
        XCTAssertNil(PollFloor.next(in: Data(#"{"node_id":"iad-1","events":[]}"#.utf8)))
        XCTAssertNil(PollFloor.next(in: Data(#"{"next":null}"#.utf8)))
    }
}
