import Foundation
import LassoBenchmarks
import LassoClient
import LassoCore
import LassoDemo
@testable import LassoHub
import Synchronization
import XCTest

/// Viewers of a hub: the snapshot they rebuild is the one the hub holds, and 100 of them do not add load upstream.
final class HubViewerTests: XCTestCase {
    /// The document read back and written again is the same document, byte for byte: nothing the views need is lost
    /// (per-node and per-method figures, node histories and error logs, sparklines, feed, alerts).
    func testViewerRebuildsTheHubsSnapshot() async throws {
        let hub = try await HubFixture.start()
        defer { Task { await hub.stop() } }
        try await hub.waitUntilWarm()
        try await waitUntil("per-method per-node figures and histories", timeout: 20) {
            guard let s = hub.publisher.current()?.snapshot else { return false }
            return s.chains.contains { $0.providers.contains { $0.methods.contains { !$0.byNode.isEmpty } } }
                && !s.latencyHistory.isEmpty && s.nodes.allSatisfy { !$0.latencyHistory.isEmpty }
        }
        let viewer = try HubViewer(url: hub.base + "/", token: nil)
        defer { Task { await viewer.stop() } }
        var matched = false
        for _ in 0..<20 where !matched {
            let frame = try XCTUnwrap(hub.publisher.current())
            let read = try await viewer.fetch()
            guard read.generatedAtMs == frame.snapshot.generatedAtMs else { continue }
            matched = true
            var again = try SnapshotDocument(snapshot: read).json()
            again.append(0x0A)
            XCTAssertEqual(String(decoding: again, as: UTF8.self), String(decoding: frame.snapshotJSON, as: UTF8.self))
            XCTAssertEqual(read.nodes.map(\.latencyHistory), frame.snapshot.nodes.map(\.latencyHistory))
            XCTAssertEqual(read.nodes.map(\.errorLog), frame.snapshot.nodes.map(\.errorLog))
            XCTAssertEqual(read.latencyHistory, frame.snapshot.latencyHistory)
            XCTAssertEqual(read.rateHistory, frame.snapshot.rateHistory)
            XCTAssertEqual(read.feed, frame.snapshot.feed)
            XCTAssertEqual(read.alerts, frame.snapshot.alerts)
            XCTAssertEqual(read.coverage, frame.snapshot.coverage)
            let methodRows = { (s: ClusterSnapshot) in
                s.chains.flatMap { $0.providers.flatMap { $0.methods.flatMap { $0.byNode.map { "\($0.node) \($0.totalCalls) \($0.p90)" } } } }
            }
            XCTAssertEqual(methodRows(read), methodRows(frame.snapshot))
            XCTAssertFalse(methodRows(read).isEmpty)
        }
        XCTAssertTrue(matched, "never read the frame the hub held")

        // A viewer following the hub sees a node go down like a local poller would.
        viewer.start()
        try await hub.cluster.setFault(.down, node: "fra-1")
        try await waitUntil("viewer shows fra-1 down", timeout: 20) {
            viewer.latestSnapshot().nodes.first { $0.name == "fra-1" }?.state == .down
                && viewer.latestSnapshot().coverage.responding == 2
        }
        XCTAssertEqual(viewer.healthIntervalMs(), 500, "the hub's interval, from /healthz")
    }

    func testViewerNeedsTheToken() async throws {
        let token = "viewer-token-0123456789abcdef"
        let hub = try await HubFixture.start(token: token)
        defer { Task { await hub.stop() } }
        try await waitUntil("a first frame", timeout: 20) { hub.publisher.current() != nil }
        let anonymous = try HubViewer(url: hub.base, token: nil)
        let authorized = try HubViewer(url: hub.base, token: token)
        defer { Task { await anonymous.stop(); await authorized.stop() } }
        do {
            _ = try await anonymous.fetch()
            XCTFail("read without the token")
        } catch {
            XCTAssertTrue("\(error)".contains("401"), "\(error)")
        }
        let read = try await authorized.fetch()
        XCTAssertEqual(read.nodes.count, 3)
        XCTAssertThrowsError(try HubViewer(url: "ftp://hub", token: nil))
        XCTAssertThrowsError(try HubViewer(url: "not a url", token: nil))
    }

    /// 100 viewers reading the hub: every node still sees one health poll per health interval, counted at the node's
    /// address by a relay in front of each demo node.
    func testHundredViewersCostTheNodesNothing() async throws {
        var relays: [CountingRelay] = []
        let hub = try await HubFixture.start(eventRate: 50, healthIntervalMs: 1_000) { cluster in
            var targets: [NodeTarget] = []
            for node in cluster.nodes {
                let relay = CountingRelay(upstream: node.url)
                try await relay.start()
                relays.append(relay)
                targets.append(NodeTarget(name: node.id, url: relay.url))
            }
            return targets
        }
        let relayList = relays
        defer { Task { await hub.stop(); for relay in relayList { await relay.stop() } } }
        try await hub.waitUntilWarm()

        // 100 viewers, each one request in flight and a read every 500 ms (the dashboard reads once a second). They
        // fetch the document without decoding it: the decoding cost belongs to the viewers' own machines, and here
        // it would only compete for this machine's cores with the poller under test.
        let client = TestClient()
        let servedBefore = hub.server.requestsServed
        let healthBefore = relayList.map { $0.count("/api/health") }
        let started = ContinuousClock.now
        let stop = ManagedFlag()
        let readers = (0..<100).map { index in
            Task {
                var reads = 0
                var next = started + .milliseconds(Int64(5 * index))
                while !stop.isSet {
                    try? await Task.sleep(until: next, clock: .continuous)
                    if let reply = try? await client.get(hub.base + "/api/v1/snapshot", timeout: 10), reply.status == 200 { reads += 1 }
                    next += .milliseconds(500)
                }
                return reads
            }
        }
        // The window ends when the viewers together made 1 500 reads (about 7.5 s).
        try await waitUntil("1500 viewer reads", timeout: 90) { hub.server.requestsServed - servedBefore >= 1_500 }
        let healthAfter = relayList.map { $0.count("/api/health") }
        let elapsed = ContinuousClock.now - started
        stop.set()
        var perViewer: [Int] = []
        for reader in readers { perViewer.append(await reader.value) }
        await client.shutdown()
        let seconds = elapsed.inSeconds

        XCTAssertGreaterThanOrEqual(perViewer.min() ?? 0, 3, "every viewer was served")
        for (index, relay) in relayList.enumerated() {
            let polls = healthAfter[index] - healthBefore[index]
            // One poll per second whatever the number of viewers, give or take the polls straddling the window's ends.
            XCTAssertLessThanOrEqual(Double(polls), seconds + 2, "\(relay.url): \(polls) health polls in \(seconds) s")
            XCTAssertGreaterThanOrEqual(polls, 2, "\(relay.url): polling went on")
        }
        let viewer = try HubViewer(url: hub.base, token: nil)
        let read = try await viewer.fetch()
        await viewer.stop()
        XCTAssertEqual(read.coverage.total, 3)
    }
}

/// A flag set once from the test and read by many tasks.
final class ManagedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
