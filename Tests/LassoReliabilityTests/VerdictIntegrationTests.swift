import Foundation
import LassoClient
import LassoCore
import LassoDemo
import Logging
import Synchronization
import XCTest

/// The verdicts over real HTTP: the real `lassotop check` binary and an in-process `ClusterMonitor` against the demo
/// cluster (with per-node health overrides) or a raw-socket Lasso-shaped node. Waits are conditions with deadlines.
final class VerdictIntegrationTests: XCTestCase {
    // MARK: helpers

    func demo(_ nodes: Int) async throws -> DemoCluster {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: nodes, eventRate: 5))
        try await cluster.start()
        return cluster
    }

    func nodeArguments(_ cluster: DemoCluster, only: [String]? = nil) -> [String] {
        cluster.nodes.filter { only?.contains($0.id) ?? true }.flatMap { ["--node", "\($0.id)=\($0.url)"] }
    }

    /// Runs the binary on its own thread: `Binary.run` blocks, and the demo's handlers need the cooperative pool.
    func check(_ arguments: [String], timeout: TimeInterval = 60) async throws -> Binary.Output {
        try Binary.requireBinary()
        let home = try Binary.temporaryDirectory("verdict")
        let env = ["XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "HOME": home]
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try Binary.run(arguments, environment: env, timeout: timeout)) } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    func view(_ responding: Int, _ connected: Int, status: String, enabled: Bool = true) -> ClusterView {
        ClusterView(enabled: enabled, nodesConnected: connected, nodesResponding: responding, nodesTotal: connected,
                    regions: [], status: status)
    }

    func monitor(_ cluster: DemoCluster, alerts: [String: Double] = [:]) throws -> ClusterMonitor {
        var config = MonitorConfig(targets: cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) },
                                   chains: ["ethereum"])
        config.alerts = try AlertConfig.applying(overrides: alerts)
        return try ClusterMonitor(config: config, logger: Logger(label: "verdict-test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass; returns the last snapshot.
    @discardableResult
    func waitFor(_ monitor: ClusterMonitor, seconds: Double, _ what: String,
                 _ condition: (ClusterSnapshot) -> Bool) async throws -> ClusterSnapshot {
        let deadline = Date().addingTimeInterval(seconds)
        var snapshot = monitor.latestSnapshot()
        while !condition(snapshot) {
            guard Date() < deadline else {
                XCTFail("timed out after \(seconds) s waiting for \(what); coverage \(snapshot.coverage), nodes "
                        + snapshot.nodes.map { "\($0.name) \($0.state) \($0.cluster.map { "\($0.nodesResponding)/\($0.nodesConnected)" } ?? "-")" }.joined(separator: ", "))
                return snapshot
            }
            try await Task.sleep(for: .milliseconds(100))
            snapshot = monitor.latestSnapshot()
        }
        return snapshot
    }

    // MARK: check --watch keeps polling

    func testCheckWatchTenSecondsPollsAtTheHealthIntervalAndPasses() async throws {
        let healthRequests = Atomic<Int>(0)
        let node = try HostileNode { path, _ in
            if path.hasPrefix("/api/health") {
                healthRequests.add(1, ordering: .relaxed)
                return .json(LassoBodies.health())
            }
            return .json(#"{"error":"not found"}"#, status: 404)
        }
        defer { node.stop() }
        let started = Date()
        let result = try await check(["check", "--node", "iad-1=\(node.url)", "--watch", "10"])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 0, "healthy node watched for 10 s:\n\(result.stdout)\(result.stderr)")
        XCTAssertTrue(result.stdout.contains("OK coverage: 1/1 nodes responding"), result.stdout)
        XCTAssertGreaterThanOrEqual(elapsed, 10, "the watch lasts its whole length")
        // One round before the watch, then one every 2 s for 10 s: at least 5 more.
        XCTAssertGreaterThanOrEqual(healthRequests.load(ordering: .relaxed), 5, "health is polled for the whole watch")
    }

    func testCheckWatchThirtySecondsPassesOnAHealthyDemoCluster() async throws {
        let cluster = try await demo(3)
        let result = try await check(["check", "--alerts"] + nodeArguments(cluster) + ["--watch", "30"])
        await cluster.stop()
        XCTAssertEqual(result.status, 0, "healthy 3-node demo watched for 30 s:\n\(result.stdout)\(result.stderr)")
        XCTAssertTrue(result.stdout.contains("OK coverage: 3/3 nodes responding"), result.stdout)
        XCTAssertFalse(result.stdout.contains("FAIL"), result.stdout)
    }

    // MARK: a node's own view

    func testNodeOwnViewFailsCheckBesideHealthyNodesAndAlone() async throws {
        let cluster = try await demo(3)
        try cluster.setHealthOverride(DemoHealthOverride(view: view(1, 4, status: "critical")), node: "fra-1")
        var result = try await check(["check"] + nodeArguments(cluster))
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init),
                       ["FAIL node fra-1: its cluster view 1/4 (critical)"])

        result = try await check(["check"] + nodeArguments(cluster, only: ["fra-1"]))
        XCTAssertEqual(result.status, 2, "alone: " + result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("FAIL node fra-1: its cluster view 1/4 (critical)"), result.stdout)

        try cluster.setHealthOverride(DemoHealthOverride(view: view(2, 3, status: "degraded")), node: "fra-1")
        result = try await check(["check", "--alerts"] + nodeArguments(cluster))
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("FAIL node fra-1: its cluster view 2/3 (degraded)"), result.stdout)

        // Connected to one peer only, and healthy in its own eyes: it still sees fewer than lassotop.
        try cluster.setHealthOverride(DemoHealthOverride(view: view(2, 2, status: "healthy")), node: "fra-1")
        result = try await check(["check"] + nodeArguments(cluster))
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains(
            "FAIL node fra-1: its cluster view 2/2 (healthy), fewer than the 3 nodes responding to lassotop"), result.stdout)
        await cluster.stop()
    }

    func testNodeOwnViewRaisesAWarningAlertAndMarksItsRow() async throws {
        let cluster = try await demo(3)
        try cluster.setHealthOverride(DemoHealthOverride(view: view(1, 4, status: "critical")), node: "fra-1")
        let monitor = try monitor(cluster, alerts: ["node_view.for_seconds": 2])
        await monitor.start()
        let snapshot = try await waitFor(monitor, seconds: 20, "a firing node_view alert") { snapshot in
            snapshot.alerts.contains { $0.rule == "node_view" && $0.state == .firing }
        }
        await monitor.stop()
        await cluster.stop()
        let alert = try XCTUnwrap(snapshot.alerts.first { $0.rule == "node_view" })
        XCTAssertEqual(alert.level, .warning)
        XCTAssertEqual(alert.subject, "fra-1")
        XCTAssertEqual(snapshot.alerts.filter { $0.rule == "node_view" }.count, 1, "only fra-1")
        XCTAssertTrue(snapshot.feed.contains { $0.reason == "node_view" && $0.sourceNodeID == "fra-1" },
                      "firing adds a feed entry")
        let frames = Support.renderedFrames(snapshot)
        let nodes = try XCTUnwrap(frames.first { $0.page.contains("nodes") && $0.page.hasSuffix("200x60") })
        XCTAssertTrue(nodes.text.contains("1/4!"), "the node's row marks its view: \(nodes.text)")
    }

    // MARK: cluster not formed

    func testClusterNotFormedIsCritical() async throws {
        let cluster = try await demo(3)
        for id in cluster.nodeIDs { try await cluster.setFault(.partition, node: id) }
        let result = try await check(["check"] + nodeArguments(cluster))
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init),
                       ["FAIL cluster not formed: every node sees only itself (3 responding)"])

        let monitor = try monitor(cluster, alerts: ["cluster_not_formed.for_seconds": 2])
        await monitor.start()
        let snapshot = try await waitFor(monitor, seconds: 20, "a firing cluster_not_formed alert") { snapshot in
            snapshot.alerts.contains { $0.rule == "cluster_not_formed" && $0.state == .firing }
        }
        await monitor.stop()
        await cluster.stop()
        XCTAssertEqual(snapshot.alerts.first { $0.rule == "cluster_not_formed" }?.level, .critical)
        XCTAssertFalse(snapshot.alerts.contains { $0.rule == "partition" }, "not a partition warning")
        XCTAssertFalse(snapshot.coverage.partitionSuspected)
        let overview = try XCTUnwrap(Support.renderedFrames(snapshot).first { $0.page.hasSuffix("200x60") })
        XCTAssertTrue(overview.text.contains("CLUSTER NOT FORMED"), "header mark: \(overview.text.prefix(200))")
    }

    // MARK: partition hold

    func testViewsChangingOneToTwoSecondsApartRaiseNoPartitionButAHeldSplitDoes() async throws {
        let cluster = try await demo(3)
        let monitor = try monitor(cluster)
        await monitor.start()
        try await waitFor(monitor, seconds: 15, "3/3 with agreeing views") { snapshot in
            snapshot.coverage.responding == 3 && snapshot.nodes.allSatisfy { $0.cluster?.nodesConnected == 3 }
        }
        // sin-1 leaves. iad-1 sees it at once (the demo's own view); fra-1 lags: its view drops once lassotop has
        // seen the two views disagree and at least 1.5 s after iad-1's, so the transient is certain to be observed.
        try cluster.setHealthOverride(DemoHealthOverride(view: view(3, 3, status: "healthy")), node: "fra-1")
        try await cluster.setFault(.down, node: "sin-1")
        let left = Date()
        func disagree(_ snapshot: ClusterSnapshot) -> Bool {
            Set(snapshot.nodes.filter { $0.state == .up }.compactMap { $0.cluster?.nodesConnected }).count > 1
        }
        try await waitFor(monitor, seconds: 6, "lassotop seeing iad-1 and fra-1 disagree", disagree)
        let lag = 1.5 - Date().timeIntervalSince(left)
        if lag > 0 { try await Task.sleep(for: .milliseconds(Int64(lag * 1000))) }
        try cluster.setHealthOverride(DemoHealthOverride(), node: "fra-1")
        // Watch well past the hold (6 s at the 2 s interval) and the settling of every view.
        let deadline = Date().addingTimeInterval(12)
        while Date() < deadline {
            let snapshot = monitor.latestSnapshot()
            XCTAssertFalse(snapshot.coverage.partitionSuspected, "no PARTITION SUSPECTED banner on a departure")
            try await Task.sleep(for: .milliseconds(100))
        }
        var snapshot = monitor.latestSnapshot()
        XCTAssertEqual(snapshot.coverage.responding, 2)
        XCTAssertFalse(snapshot.feed.contains { $0.reason == "partition" }, "no partition feed entry")
        XCTAssertFalse(snapshot.alerts.contains { $0.rule == "partition" }, "no partition alert")

        // The same disagreement held: suspected after the hold, with its feed entry.
        try cluster.setHealthOverride(DemoHealthOverride(view: view(3, 3, status: "healthy")), node: "fra-1")
        snapshot = try await waitFor(monitor, seconds: 20, "partition suspected after the hold") {
            $0.coverage.partitionSuspected
        }
        await monitor.stop()
        await cluster.stop()
        XCTAssertTrue(snapshot.feed.contains { $0.reason == "partition" && $0.severity == .critical })
    }

    // MARK: --min-coverage

    func testMinCoverageLetsTwoOfThreePass() async throws {
        let cluster = try await demo(3)
        try await cluster.setFault(.down, node: "sin-1")
        let passing = try await check(["check"] + nodeArguments(cluster) + ["--min-coverage", "0.6"])
        XCTAssertEqual(passing.status, 0, passing.stdout + passing.stderr)
        XCTAssertEqual(passing.stdout.split(separator: "\n").map(String.init),
                       ["OK coverage: 2/3 nodes responding (min-coverage 0.60; not responding: sin-1)"])
        let failing = try await check(["check"] + nodeArguments(cluster) + ["--min-coverage", "0.7"])
        XCTAssertEqual(failing.status, 1, failing.stdout + failing.stderr)
        XCTAssertTrue(failing.stdout.hasPrefix("FAIL coverage: 2/3 nodes responding (0.67 < min-coverage 0.70)"), failing.stdout)
        let byDefault = try await check(["check"] + nodeArguments(cluster))
        await cluster.stop()
        XCTAssertEqual(byDefault.status, 1, "without --min-coverage 2/3 is degraded")
    }

    // MARK: slow health

    func testHealthReplyAfterFiveAndAHalfSecondsIsUpAndStandalone() async throws {
        let cluster = try await demo(1)
        let fallback = view(1, 1, status: "standalone", enabled: false)
        try cluster.setHealthOverride(DemoHealthOverride(view: fallback, delay: .milliseconds(5_500)), node: "iad-1")
        let result = try await check(["snapshot", "--format", "json"] + nodeArguments(cluster), timeout: 90)
        await cluster.stop()
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let node = try XCTUnwrap((document?["nodes"] as? [[String: Any]])?.first)
        XCTAssertEqual(node["state"] as? String, "up", "a 5.5 s health reply is within the health timeout")
        XCTAssertEqual((node["cluster"] as? [String: Any])?["status"] as? String, "standalone")
    }

    func testSlowHealthStaysUpBetweenAnswersAndShowsUpdating() async throws {
        let cluster = try await demo(1)
        let fallback = view(1, 1, status: "standalone", enabled: false)
        try cluster.setHealthOverride(DemoHealthOverride(view: fallback, delay: .milliseconds(5_500)), node: "iad-1")
        var config = MonitorConfig(targets: cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) }, chains: ["ethereum"])
        config.healthTimeoutMs = MonitorConfig.defaultHealthTimeoutMs
        let monitor = try ClusterMonitor(config: config, logger: Logger(label: "verdict-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        await monitor.start()
        try await waitFor(monitor, seconds: 15, "the first slow answer") { $0.nodes.first?.state == .up }
        // Answers come every 5.5 s + the 2 s interval: the node must stay up (never stale) in between, and the
        // header says "(updating…)" while the poll runs.
        var sawUpdating = false
        let deadline = Date().addingTimeInterval(12)
        while Date() < deadline {
            let snapshot = monitor.latestSnapshot()
            XCTAssertEqual(snapshot.nodes.first?.state, .up, "a slow but timely health reply keeps the node up")
            XCTAssertEqual(snapshot.coverage.responding, 1)
            if snapshot.updating { sawUpdating = true }
            try await Task.sleep(for: .milliseconds(200))
        }
        await monitor.stop()
        await cluster.stop()
        XCTAssertTrue(sawUpdating, "(updating…) while the health poll is in flight")
    }

    // MARK: versions

    func testRollingDeployShowsTheSkewAndAFeedEntry() async throws {
        let cluster = try await demo(3)
        let monitor = try monitor(cluster)
        await monitor.start()
        try await waitFor(monitor, seconds: 15, "3/3 on one version") { snapshot in
            snapshot.coverage.responding == 3 && snapshot.nodes.allSatisfy { $0.version == "0.2.0" }
        }
        try cluster.setHealthOverride(DemoHealthOverride(version: "0.3.0"), node: "sin-1")
        let snapshot = try await waitFor(monitor, seconds: 15, "the version change") { snapshot in
            snapshot.feed.contains { $0.reason == "version" }
        }
        await monitor.stop()
        XCTAssertEqual(snapshot.feed.filter { $0.reason == "version" }.map(\.message), ["node sin-1 version 0.2.0 → 0.3.0"])
        XCTAssertEqual(ClusterVerdicts.judge(snapshot.nodes).versionSummary, "versions 0.2.0×2 0.3.0×1")
        let overview = try XCTUnwrap(Support.renderedFrames(snapshot).first { $0.page.hasSuffix("200x60") })
        XCTAssertTrue(overview.text.contains("versions 0.2.0×2 0.3.0×1"), "header: \(overview.text.prefix(200))")

        let json = try await check(["snapshot", "--format", "json"] + nodeArguments(cluster))
        await cluster.stop()
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(document?["versions"] as? [String: Int], ["0.2.0": 2, "0.3.0": 1])
    }
}
