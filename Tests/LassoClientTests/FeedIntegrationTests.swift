import Foundation
import LassoCore
import LassoDemo
import XCTest
@testable import LassoClient
import LassoTestSupport

/// The feed (docs/feed.md) over real HTTP: the demo relays every routing decision to every node (as Lasso's PubSub does), so polling
/// all nodes returns each event several times; the feed must show each exactly once and count the relayed copies.
final class FeedIntegrationTests: XCTestCase {
    func testEveryRelayedEventAppearsExactlyOnce() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 5, eventRate: 300))
        try await cluster.start()
        let targets = cluster.targets
        // Enough traffic for the assertions below, waited for as a state, not a time: every node holds 150+ decisions,
        // 100 of them made over 700 ms ago (the "settled" events checked at the end).
        let probe = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        for target in targets {
            try await eventually(15, "\(target.name) never held 150 events") {
                guard case .ok(let body, _) = await probe.get(target.url + "/api/events?since=0&limit=5000"),
                      let page = try? EventsPage.decode(body) else { return false }
                let routing = page.events.filter { $0.kind == .routing }
                let settledBeforeMs = Int64(Date().timeIntervalSince1970 * 1000) - 700
                return routing.count >= 150 && routing.filter { $0.ts < settledBeforeMs }.count >= 100
            }
        }
        await probe.shutdown()
        // No sampling and room for everything, so the displayed feed is the whole unique set.
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: targets, http: HTTPOptions(timeout: .seconds(2)),
            feed: FeedOptions(displayCapacity: 100_000, successBudgetPerSecond: 1_000_000)))
        let roundStartMs = Int64(Date().timeIntervalSince1970 * 1000)
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        // The relayed copies were compared with the first one read, not read again (RelayCopies).
        let copiesTaken = monitor.relayCopies.withLock { $0.hits }

        // Independently: what each node's events endpoint holds now (a superset of what the monitor fetched).
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        var copiesOnNodes: [String: Int] = [:]
        for target in targets {
            guard case .ok(let body, _) = await http.get(target.url + "/api/events?since=0&limit=5000") else {
                return XCTFail("cannot read \(target.name)'s events")
            }
            for event in try EventsPage.decode(body).events where event.kind == .routing {
                copiesOnNodes[event.requestID ?? "", default: 0] += 1
            }
        }
        await http.shutdown()
        await cluster.stop()

        let routing = snapshot.feed.filter { $0.kind == .routing }
        XCTAssertGreaterThan(routing.count, 100, "traffic flowed")
        var seen: [String: Int] = [:]
        for event in routing {
            seen["\(event.requestID ?? "")|\(event.method ?? "")|\(event.providerID ?? "")|\(event.ts)", default: 0] += 1
        }
        XCTAssertTrue(seen.values.allSatisfy { $0 == 1 }, "an event appeared twice: \(seen.filter { $0.value > 1 }.prefix(3))")
        // The relay really produced copies: most events sit on all three nodes.
        let relayed = routing.filter { (copiesOnNodes[$0.requestID ?? ""] ?? 0) == 3 }.count
        XCTAssertGreaterThan(Double(relayed) / Double(routing.count), 0.9)
        let stats = snapshot.feedStats
        XCTAssertEqual(stats.received, stats.unique + stats.duplicatesDropped)
        XCTAssertEqual(stats.malformed, 0)
        XCTAssertEqual(stats.sampledOut, 0)
        // Every copy beyond the first of each event was dropped. The demo relays synchronously, so an event made
        // well before the round was on all three nodes when each was read: exactly two dropped copies each. Events
        // made during the round may have reached only some of the pages; they add between zero and two.
        let settled = routing.filter { $0.ts < roundStartMs - 500 }.count
        XCTAssertGreaterThan(settled, 50)
        XCTAssertGreaterThanOrEqual(stats.duplicatesDropped, 2 * settled)
        XCTAssertLessThanOrEqual(stats.duplicatesDropped, 2 * stats.unique)
        XCTAssertGreaterThanOrEqual(copiesTaken, 2 * settled)
        XCTAssertLessThanOrEqual(copiesTaken, stats.duplicatesDropped)
    }
}
