import Foundation
import LassoClient
import LassoCore
import LassoDemo
import XCTest
import LassoTestSupport

/// Reliability (docs/reliability.md), "faults over time", against a running ClusterMonitor over real HTTP. Short, bounded versions run in
/// `swift test`; `LASSOTOP_SOAK=1` runs the issue's full durations (flapping every 3 s for a minute).
final class FaultsOverTimeTests: XCTestCase {
    static var soak: Bool { ProcessInfo.processInfo.environment["LASSOTOP_SOAK"] == "1" }

    func monitor(_ targets: [NodeTarget], healthMs: Int64 = 300, metricsMs: Int64 = 600, discovery: DiscoverySpec? = nil,
                 resolver: any AddressResolver = SystemResolver()) throws -> ClusterMonitor {
        try ClusterMonitor(config: MonitorConfig(targets: targets, discovery: discovery, chains: ["ethereum"],
                                                 healthIntervalMs: healthMs, metricsIntervalMs: metricsMs,
                                                 http: HTTPOptions(timeout: .milliseconds(800))), resolver: resolver)
    }

    /// A node that was good turns to garbage: it is marked bad with a short message, keeps what it last reported
    /// (version, uptime, last success), and its old figures leave the aggregate as soon as it is bad (its last row
    /// stays, marked stale) rather than being mixed with anything it now sends. Then its metrics alone turn bad while health stays fine.
    func testGoodNodeTurningToGarbageIsBadKeepsLastGoodAndNeverMixes() async throws {
        let good = try HostileNode(handler: LassoBodies.goodHandler(providers: [
            LassoBodies.Provider(id: "p_alpha", name: "Alpha", calls: 500, latency: 40),
        ], uptime: { 4242 }, version: "1.2.3"))
        let other = try HostileNode(handler: LassoBodies.goodHandler(providers: [
            LassoBodies.Provider(id: "p_alpha", name: "Alpha", calls: 300, latency: 60),
        ]))
        defer { good.stop(); other.stop() }
        let monitor = try monitor([NodeTarget(name: "turns-bad", url: good.url), NodeTarget(name: "steady", url: other.url)])
        await monitor.start()
        defer { Task { await monitor.stop() } }
        let before = try await waitFor(monitor, "both nodes in the aggregate") { s in
            s.chains.first?.providers.first { $0.id == "p_alpha" }?.nodesReporting == 2
        }
        XCTAssertEqual(before.chains.first?.providers.first?.totalCalls, 800)
        let lastGood = try XCTUnwrap(before.nodes.first { $0.name == "turns-bad" })

        good.setHandler { _, _ in .json(#"{"chain":"ethereum","providers":[{"id":"p_alpha","total_calls":-1"#) }
        let after = try await waitFor(monitor, "bad, and out of the aggregate") { s in
            s.nodes.first { $0.name == "turns-bad" }?.state == .bad
                && s.chains.first?.providers.first { $0.id == "p_alpha" }?.nodesReporting == 1
        }
        let node = try XCTUnwrap(after.nodes.first { $0.name == "turns-bad" })
        XCTAssertEqual(node.lastError, "/api/health: invalid JSON")
        XCTAssertEqual(node.version, "1.2.3", "the last good health answer is kept")
        XCTAssertEqual(node.uptimeSeconds, 4242)
        XCTAssertGreaterThanOrEqual(node.lastSuccessMs ?? 0, lastGood.lastSuccessMs ?? .max, "the last success time is kept")
        let alpha = try XCTUnwrap(after.chains.first?.providers.first { $0.id == "p_alpha" })
        XCTAssertEqual(alpha.byNode.filter { !$0.stale }.map(\.node), ["steady"], "no stale or garbage figures mixed into the aggregate")
        XCTAssertEqual(alpha.byNode.filter(\.stale).map(\.node), ["turns-bad"], "its last row is kept, marked stale")
        XCTAssertEqual(alpha.totalCalls, 300)
        XCTAssertEqual(after.coverage.responding, 1)

        // Health recovers but metrics stay garbage: the node responds (up) and names the entry it dropped.
        good.setHandler { path, headers in
            if path.hasPrefix("/api/metrics") { return .json(#"{"chain":"ethereum","chain_id":1,"providers":[{"id":"p_alpha","total_calls":"many"}]}"#) }
            return LassoBodies.goodHandler(providers: [])(path, headers)
        }
        let metricsBad = try await waitFor(monitor, "up again, metrics still rejected") { s in
            let node = s.nodes.first { $0.name == "turns-bad" }
            return node?.state == .up && (node?.errorLog.last?.message ?? "").contains("providers[0] (p_alpha): total_calls")
        }
        let upNode = try XCTUnwrap(metricsBad.nodes.first { $0.name == "turns-bad" })
        XCTAssertTrue((upNode.lastError ?? "").hasPrefix("metrics ethereum: dropped 1 bad entry: providers[0] (p_alpha): total_calls"),
                      upNode.lastError ?? "nil")
        XCTAssertEqual(metricsBad.chains.first?.providers.first { $0.id == "p_alpha" }?.byNode.map(\.node), ["steady"])
    }

    /// Killed (port closed) and restarted with counters and uptime back at zero: down, then up, and no negative or
    /// spiked rate at any point.
    func testKilledAndRestartedNodeNeverShowsNegativeRates() async throws {
        let served = Locked(0)
        func handler(base: Int, uptimeBase: Int) -> HostileNode.Handler {
            { path, headers in
                // Counters grow by 50 per metrics poll; uptime by 1 per health poll.
                let n = served.withLock { value -> Int in
                    if path.hasPrefix("/api/metrics") { value += 1 }
                    return value
                }
                if path.hasPrefix("/api/health") { return .json(LassoBodies.health(uptime: uptimeBase + n)) }
                return LassoBodies.goodHandler(providers: [LassoBodies.Provider(id: "p_count", calls: base + 50 * n)])(path, headers)
            }
        }
        var node = try HostileNode(handler: handler(base: 100_000, uptimeBase: 5_000))
        let port = node.port
        let monitor = try monitor([NodeTarget(name: "restarts", url: node.url)])
        await monitor.start()
        defer { Task { await monitor.stop() } }
        var rates: [Double] = []
        func sample() {
            for provider in monitor.latestSnapshot().chains.flatMap(\.providers) {
                if let rate = provider.callsPerSecond { rates.append(rate) }
                for figures in provider.byNode { if let rate = figures.callsPerSecond { rates.append(rate) } }
            }
        }
        _ = try await waitFor(monitor, "a rate") { s in
            sample()
            return s.chains.first?.providers.first?.callsPerSecond != nil
        }
        node.stop()
        _ = try await waitFor(monitor, "down after the kill") { s in
            sample()
            return s.nodes.first?.state == .down
        }
        served.withLock { $0 = 0 }
        node = try HostileNode(port: port, handler: handler(base: 0, uptimeBase: 0))
        defer { node.stop() }
        _ = try await waitFor(monitor, "up after the restart with a fresh rate", timeout: 15) { s in
            sample()
            guard s.nodes.first?.state == .up, (s.nodes.first?.uptimeSeconds ?? .max) < 100 else { return false }
            return (s.chains.first?.providers.first?.totalCalls ?? .max) < 100_000 && s.chains.first?.providers.first?.callsPerSecond != nil
        }
        let snapshot = monitor.latestSnapshot()
        XCTAssertGreaterThanOrEqual(snapshot.nodes.first?.flaps ?? 0, 2, "down and back are two flaps")
        XCTAssertFalse(rates.isEmpty)
        XCTAssertTrue(rates.allSatisfy { $0 >= 0 }, "negative rate: \(rates.filter { $0 < 0 })")
        // 50 calls per poll at ≥ 0.3 s apart: anything far above 50/0.3 ≈ 167/s would be a spike from the reset.
        XCTAssertTrue(rates.allSatisfy { $0 < 1_000 }, "spiked rate: \(rates.max() ?? 0)")
    }

    /// A node flapping (down/up) keeps being counted, and the published snapshot keeps updating throughout. The fast
    /// version waits for each transition to be seen (exact count); the soak flips every 3 s for a minute on the clock.
    func testFlappingNodeIsCountedAndSnapshotsNeverStall() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 5, eventRate: 50))
        try await cluster.start()
        let cycles = Self.soak ? 10 : 4
        let monitor = try monitor(cluster.targets, healthMs: Self.soak ? 1_000 : 200)
        await monitor.start()
        _ = try await waitFor(monitor, "3/3") { $0.coverage.responding == 3 }
        var lastGenerated = monitor.latestSnapshot().generatedAtMs
        var longestGapMs: Int64 = 0
        var lastChange = Date()
        func watch(for seconds: Double, until condition: ((ClusterSnapshot) -> Bool)? = nil) async throws {
            let until = Date().addingTimeInterval(seconds)
            while Date() < until {
                try await Task.sleep(for: .milliseconds(50))
                let snapshot = monitor.latestSnapshot()
                if snapshot.generatedAtMs != lastGenerated {
                    lastGenerated = snapshot.generatedAtMs
                    lastChange = Date()
                } else {
                    longestGapMs = max(longestGapMs, Int64(Date().timeIntervalSince(lastChange) * 1000))
                }
                if let condition, condition(snapshot) { return }
            }
            if condition != nil { XCTFail("transition not seen within \(seconds) s") }
        }
        for cycle in 0..<(cycles * 2) {
            let down = cycle % 2 == 0
            try await cluster.setFault(down ? .down : .ok, node: "fra-1")
            if Self.soak {
                try await watch(for: 3)
            } else {
                try await watch(for: 5) { s in (s.nodes.first { $0.name == "fra-1" }?.state == .down) == down }
            }
        }
        let last = try await waitFor(monitor, "3/3 after the flapping") { $0.coverage.responding == 3 }
        await monitor.stop()
        await cluster.stop()
        let fra = try XCTUnwrap(last.nodes.first { $0.name == "fra-1" })
        print("flapping: \(cycles) cycles, flaps counted \(fra.flaps), longest snapshot gap \(longestGapMs) ms")
        if Self.soak {
            XCTAssertGreaterThanOrEqual(fra.flaps, 2 * cycles - 1, "every down/up transition is a flap")
        } else {
            XCTAssertEqual(fra.flaps, 2 * cycles, "every down/up transition is one flap")
        }
        // The publisher rebuilds at least every second whatever the pollers do; 2.5 s without a new snapshot is a stall.
        XCTAssertLessThan(longestGapMs, 2_500, "the snapshot stalled")
        XCTAssertEqual(last.nodes.filter { $0.name != "fra-1" }.map(\.flaps), [0, 0], "the other nodes never flapped")
    }

    /// Every node down: offline (0/3, no quorum); then all back: healthy again, with the data flowing.
    func testAllNodesDownThenBack() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 6, eventRate: 50))
        try await cluster.start()
        let monitor = try monitor(cluster.targets)
        await monitor.start()
        _ = try await waitFor(monitor, "healthy") { $0.coverage.status == .healthy }
        for node in cluster.nodes { try await cluster.setFault(.down, node: node.id) }
        let offline = try await waitFor(monitor, "offline, every node down") { s in
            s.coverage.status == .offline && s.nodes.allSatisfy { $0.state == .down }
        }
        XCTAssertEqual(offline.coverage.responding, 0)
        XCTAssertFalse(offline.coverage.quorum)
        XCTAssertTrue(offline.nodes.allSatisfy { ($0.lastError ?? "").contains("refused") }, "\(offline.nodes.map(\.lastError))")
        for node in cluster.nodes { try await cluster.setFault(.ok, node: node.id) }
        let healthy = try await waitFor(monitor, "healthy again with metrics from 3 nodes") { s in
            s.coverage.status == .healthy && s.chains.first?.responding == 3
        }
        XCTAssertTrue(healthy.coverage.quorum)
        XCTAssertTrue(healthy.nodes.allSatisfy { $0.state == .up && $0.lastError == nil })
        await monitor.stop()
        await cluster.stop()
    }

    /// `--discover` while the DNS record set changes: real nodes on 127.0.0.2/.3/.4 (same port), a resolver whose
    /// answer the test changes. Added addresses are polled, removed ones dropped, and a failed lookup keeps the set.
    func testDiscoveryFollowsAChangingRecordSet() async throws {
        let first = try HostileNode(address: "127.0.0.2", handler: LassoBodies.goodHandler(providers: [LassoBodies.Provider(id: "p", calls: 20)]))
        let port = first.port
        let second = try HostileNode(address: "127.0.0.3", port: port, handler: LassoBodies.goodHandler(providers: [LassoBodies.Provider(id: "p", calls: 30)]))
        let third = try HostileNode(address: "127.0.0.4", port: port, handler: LassoBodies.goodHandler(providers: [LassoBodies.Provider(id: "p", calls: 40)]))
        defer { first.stop(); second.stop(); third.stop() }
        struct ChangingResolver: AddressResolver {
            let answer: Locked<[String]?>
            let lookups: Locked<Int>
            func resolve(host: String) async throws -> [String] {
                lookups.withLock { $0 += 1 }
                guard let records = answer.value else { throw POSIXError(errno: EAI_AGAIN, what: "lookup \(host)") }
                return records
            }
        }
        let answer = Locked<[String]?>(["127.0.0.2", "127.0.0.3"])
        let lookups = Locked(0)
        let monitor = try monitor([], discovery: DiscoverySpec(host: "lasso.internal", port: port),
                                  resolver: ChangingResolver(answer: answer, lookups: lookups))
        await monitor.start()
        defer { Task { await monitor.stop() } }
        func names(_ s: ClusterSnapshot) -> [String] { s.nodes.map(\.name).sorted() }
        let two = try await waitFor(monitor, "two discovered nodes up with metrics") { s in
            names(s) == ["127.0.0.2:\(port)", "127.0.0.3:\(port)"] && s.coverage.responding == 2 && s.chains.first?.responding == 2
        }
        XCTAssertEqual(two.chains.first?.providers.first?.totalCalls, 50)
        answer.withLock { $0 = ["127.0.0.3", "127.0.0.4"] }
        let moved = try await waitFor(monitor, ".2 removed, .4 added, metrics from the new set") { s in
            names(s) == ["127.0.0.3:\(port)", "127.0.0.4:\(port)"] && s.coverage.responding == 2
                && s.chains.first?.providers.first?.totalCalls == 70
        }
        XCTAssertEqual(moved.coverage.total, 2)
        answer.withLock { $0 = nil }   // DNS failure: keep watching what we had
        // Wait for two failed lookups (each one a chance to drop the set), not for a fixed time.
        let failedFrom = lookups.value
        let deadline = Date().addingTimeInterval(15)
        while lookups.value < failedFrom + 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertGreaterThanOrEqual(lookups.value, failedFrom + 2, "discovery kept looking up")
        XCTAssertEqual(names(monitor.latestSnapshot()), ["127.0.0.3:\(port)", "127.0.0.4:\(port)"])
        XCTAssertEqual(monitor.latestSnapshot().coverage.responding, 2)
    }
}
