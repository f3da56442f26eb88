import Foundation
import LassoClient
import LassoCore
@testable import LassoDemo
import LassoTUI
import XCTest
import LassoTestSupport

/// Reliability (docs/reliability.md), "bad input from a node": many hostile nodes beside three good demo nodes in one ClusterMonitor, over real
/// HTTP on 127.0.0.1. Each bad node must be marked bad/down with a short message, the good nodes' figures must not
/// change, garbage must never enter an aggregate, and only printable text may be drawn.
final class BadInputTests: XCTestCase {
    /// LassoDemo (imported @testable for its catalog) has an internal type of the same name.
    typealias NodeState = LassoCore.NodeState

    var cluster: DemoCluster!
    var hostile: [HostileNode] = []

    override func setUp() async throws {
        cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 8, eventRate: 100))
        try await cluster.start()
    }

    override func tearDown() async throws {
        for node in hostile { node.stop() }
        hostile = []
        await cluster.stop()
    }

    var demoTargets: [NodeTarget] { cluster.targets }

    /// A node whose every endpoint gives the same reply.
    func node(_ reply: HostileNode.Reply) throws -> HostileNode {
        let node = try HostileNode { _, _ in reply }
        hostile.append(node)
        return node
    }

    /// A node with a good health answer but a given metrics reply (events and chains fine).
    func metricsNode(_ reply: @escaping @Sendable () -> HostileNode.Reply, version: String = "0.2.0",
                     events: String = LassoBodies.events()) throws -> HostileNode {
        let node = try HostileNode { path, _ in
            if path.hasPrefix("/api/health") { return .json(LassoBodies.health(version: version)) }
            if path.hasPrefix("/api/chains") { return .json(LassoBodies.chains) }
            if path.hasPrefix("/api/events") { return .json(events) }
            return reply()
        }
        hostile.append(node)
        return node
    }

    static let escapes = "\u{1B}[31mRED\u{1B}[0m\u{1B}]0;PWNEDTITLE\u{07}\u{1B}]52;c;cGF5bG9hZA==\u{07}\u{9B}2J\u{9D}8;;x\u{9C}"
        + "\u{202E}evil\u{202C}\u{2066}iso\u{2069}\u{07}\u{08}\u{7F}\u{85}"

    struct Expectation {
        var name: String
        var url: String
        var states: Set<NodeState>
        var message: String
    }

    /// The good nodes' figures are compared provider by provider, so each good node must have served every ethereum
    /// provider at least once: wait for that state (bounded), never for a fixed time.
    func waitForTrafficOnEveryProvider() async throws {
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        defer { Task { await http.shutdown() } }
        var lastSeen: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            var sets: [Set<String>] = []
            for node in cluster.nodes {
                guard case .ok(let body, _) = await http.get(node.url + "/api/metrics/ethereum"),
                      let metrics = try? MetricsResponse.decode(body) else { continue }
                sets.append(Set(metrics.providers.filter { $0.totalCalls > 0 }.map(\.id)))
                lastSeen[node.id] = sets.last?.count
            }
            let all = Set(DemoCatalog.chains.first { $0.slug == "ethereum" }?.providers.map(\.id) ?? [])
            if sets.count == cluster.nodes.count, !all.isEmpty, sets.allSatisfy({ $0.isSuperset(of: all) }) {
                await http.shutdown()
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTFail("the demo nodes never all served every ethereum provider: \(lastSeen)")
    }

    func testManyBadNodesBesideGoodOnes() async throws {
        var expectations: [Expectation] = []
        func add(_ name: String, _ node: HostileNode, _ states: Set<NodeState>, _ message: String, https: Bool = false) {
            expectations.append(Expectation(name: name, url: https ? "https://127.0.0.1:\(node.port)" : node.url,
                                            states: states, message: message))
        }
        add("truncated", try node(.json(#"{"status":"healthy","uptime_seconds":12,"cluster":{"enabled":tr"#)), [.bad], "/api/health: invalid JSON")
        add("wrong-shape", try node(.json(#"{"data":{"ok":true},"items":[1,2,3]}"#)), [.bad], "/api/health: field cluster: missing")
        add("array", try node(.json("[1,2,3]")), [.bad], "/api/health: expected a JSON object")
        add("html-502", try node(.http(status: 502, contentType: "text/html",
                                       body: Array("<html><body><h1>502 Bad Gateway</h1>nginx</body></html>".utf8))), [.bad], "HTTP 502 (HTML page)")
        add("empty-200", try node(.json("")), [.bad], "/api/health: invalid JSON")
        add("huge-50MB", try node(.endless(bytes: 50 << 20)), [.bad], "body larger than 8 MiB")
        add("slow-loris", try node(.trickle(declared: 60, interval: .seconds(1))), [.down], "timeout after 1.0s")
        add("reset", try node(.resetMidBody(declared: 5000, sent: Array(LassoBodies.health().utf8.prefix(40)))), [.down], "connection")
        add("tls-to-plain", try node(.json(LassoBodies.health())), [.bad], "TLS handshake failed", https: true)
        add("nan", try node(.json(LassoBodies.health().replacingOccurrences(of: "\"uptime_seconds\":100", with: "\"uptime_seconds\":NaN"))),
            [.bad], "/api/health: invalid JSON")
        add("infinity", try node(.json(LassoBodies.health().replacingOccurrences(of: "\"uptime_seconds\":100", with: "\"uptime_seconds\":1e999"))),
            [.bad], "/api/health")
        add("negative", try node(.json(LassoBodies.health(uptime: -5))), [.bad], "/api/health: field uptime_seconds")
        add("invalid-utf8", try node(.jsonBytes(Array(LassoBodies.health().utf8).map { $0 == UInt8(ascii: "2") ? 0xFF : $0 }
                                                    .prefix(400) + Array("}}".utf8))), [.bad], "/api/health")
        let refused = try HostileNode.refusedPort()
        expectations.append(Expectation(name: "refused", url: "http://127.0.0.1:\(refused)", states: [.down], message: "refused"))

        // Health fine, metrics broken: the node answers (up) but its metrics must stay out of every aggregate.
        let demoIDs = ["ethereum_alchemy", "ethereum_drpc"]
        let absurd = try metricsNode({ .json(LassoBodies.metrics(providers: [
            LassoBodies.Provider(id: demoIDs[0], name: "x", calls: 1_000_000_000_000, latency: 1e308, success: 1e300, score: 1e308),
            LassoBodies.Provider(id: demoIDs[1], name: "y", calls: 10, latency: -1e308, success: -3, score: -1e308),
        ])) })
        // Int.max calls summed with a good node's calls would trap on overflow.
        let overflow = try metricsNode({ .json(LassoBodies.metrics(providers: [
            LassoBodies.Provider(id: demoIDs[0], name: "z", calls: Int.max),
        ])) })
        let nanMetrics = try metricsNode({ .json(LassoBodies.metrics(providers: [LassoBodies.Provider(id: demoIDs[0], calls: 50)])
            .replacingOccurrences(of: "\"avg_latency_ms\":80.0", with: "\"avg_latency_ms\":NaN")) })
        let negativeCalls = try metricsNode({ .json(LassoBodies.metrics(providers: [LassoBodies.Provider(id: demoIDs[0], calls: -40)])) })
        // Accepted shapes that must still be handled sanely.
        let duplicates = try metricsNode({ .json(LassoBodies.metrics(providers: [
            LassoBodies.Provider(id: "dup_provider", name: "first", calls: 100, latency: 50),
            LassoBodies.Provider(id: "dup_provider", name: "second", calls: 7, latency: 900),
        ])) })
        let many = try metricsNode({ .json(LassoBodies.metrics(providers: (0..<10_000).map {
            LassoBodies.Provider(id: "bulk_\($0)", name: "Bulk \($0)", calls: 10 + $0 % 50)
        })) })
        let injectedEvent = FeedEvent(ts: Int64(Date().timeIntervalSince1970 * 1000), requestID: "inj-1" + Self.escapes,
                                      sourceNodeID: "evil" + Self.escapes, chainID: 1, chain: "ethereum",
                                      method: "eth_call" + Self.escapes, providerID: "inject_provider" + Self.escapes,
                                      transport: "http", durationMs: 12, result: "error" + Self.escapes)
        let eventsBody = String(decoding: try JSONEncoder().encode(EventsPage(nodeID: "evil", next: 1, events: [injectedEvent])), as: UTF8.self)
        let injection = try metricsNode({ .json(LassoBodies.metrics(providers: [
            LassoBodies.Provider(id: "inject_provider" + Self.escapes, name: "Inject" + Self.escapes, calls: 500),
        ])) }, version: "9.9" + Self.escapes, events: eventsBody)

        var targets = demoTargets
        for (index, expectation) in expectations.enumerated() {
            targets.append(NodeTarget(name: String(format: "bad%02d-%@", index, expectation.name), url: expectation.url))
        }
        let accepted = [("absurd", absurd), ("overflow", overflow), ("nan-metrics", nanMetrics), ("neg-calls", negativeCalls), ("duplicates", duplicates),
                        ("many", many), ("injection", injection)]
        for (name, node) in accepted { targets.append(NodeTarget(name: "m-" + name, url: node.url)) }

        try await waitForTrafficOnEveryProvider()
        let monitor = try ClusterMonitor(config: MonitorConfig(
            targets: targets, chains: ["ethereum"], healthIntervalMs: 1_000, metricsIntervalMs: 5_000,
            http: HTTPOptions(timeout: .seconds(1))))
        let started = Date()
        let snapshot = await monitor.collectOnce()
        let elapsed = Date().timeIntervalSince(started)
        await monitor.stop()
        // A 60-byte trickle at 1 byte/s must be cut by the 1 s timeout, not waited out.
        XCTAssertLessThan(elapsed, 30, "one round must be bounded by the timeouts")

        let byName = Dictionary(uniqueKeysWithValues: snapshot.nodes.map { ($0.name, $0) })
        for (index, expectation) in expectations.enumerated() {
            let name = String(format: "bad%02d-%@", index, expectation.name)
            guard let node = byName[name] else { XCTFail("\(name) missing"); continue }
            XCTAssertTrue(expectation.states.contains(node.state), "\(name): state \(node.state), error \(node.lastError ?? "nil")")
            let message = node.lastError ?? ""
            XCTAssertFalse(message.isEmpty, "\(name): a bad node needs a message")
            XCTAssertTrue(message.contains(expectation.message), "\(name): message '\(message)' should contain '\(expectation.message)'")
            XCTAssertLessThanOrEqual(message.count, 120, "\(name): message must be short: '\(message)'")
            XCTAssertFalse(message.contains("\n"), "\(name): one line")
        }
        for demo in cluster.nodes {
            XCTAssertEqual(byName[demo.id]?.state, .up, "good node \(demo.id) must stay up: \(byName[demo.id]?.lastError ?? "")")
        }
        for (name, _) in accepted {
            XCTAssertEqual(byName["m-" + name]?.state, .up, "m-\(name) answers health: it is responding")
        }
        XCTAssertEqual(snapshot.coverage.responding, 3 + accepted.count)

        let ethereum = try XCTUnwrap(snapshot.chains.first { $0.chain == "ethereum" })
        let goodNodes = Set(cluster.nodes.map(\.id))
        let rejected: Set<String> = ["m-absurd", "m-overflow", "m-nan-metrics", "m-neg-calls"]
        // Garbage never enters an aggregate: the rejected nodes report nothing, every figure is finite and in range.
        for provider in ethereum.providers {
            let reporters = Set(provider.byNode.map(\.node))
            XCTAssertTrue(reporters.isDisjoint(with: rejected), "\(provider.id) mixes in garbage from \(reporters.intersection(rejected))")
            for value in [provider.avgLatencyMs, provider.successRate, provider.score] {
                XCTAssertTrue(value.isFinite && value >= 0, "\(provider.id): \(value)")
            }
            XCTAssertLessThanOrEqual(provider.successRate, 1.0 + 1e-9, provider.id)
            XCTAssertEqual(provider.totalCalls, provider.byNode.reduce(0) { $0 + $1.totalCalls }, provider.id)
            if provider.id.hasPrefix("ethereum_") {
                XCTAssertEqual(reporters, goodNodes, "demo provider \(provider.id) must be figures of the demo nodes only")
                let latencies = provider.byNode.map(\.avgLatencyMs)
                XCTAssertGreaterThanOrEqual(provider.avgLatencyMs, (latencies.min() ?? 0) - 1e-6, provider.id)
                XCTAssertLessThanOrEqual(provider.avgLatencyMs, (latencies.max() ?? 0) + 1e-6, provider.id)
            }
        }
        // Bad provider entries are dropped one by one and the rest of a body is kept; a body is rejected whole only
        // when it is not JSON or a top-level field is garbage. Either way the garbage stays out (checked above).
        let wholeBodyRejected = rejected.filter { name in
            byName[name]?.errorLog.contains { $0.message.contains("/api/metrics") } ?? false
        }
        XCTAssertTrue(wholeBodyRejected.contains("m-nan-metrics"), "a body that is not JSON is rejected whole")
        XCTAssertEqual(ethereum.responding, 3 + accepted.count - wholeBodyRejected.count,
                       "metrics from the demo nodes and every hostile node whose body decoded")
        // Duplicate ids in one response count once (the first entry).
        let dup = try XCTUnwrap(ethereum.providers.first { $0.id == "dup_provider" })
        XCTAssertEqual(dup.byNode.map(\.node), ["m-duplicates"])
        XCTAssertEqual(dup.totalCalls, 100)
        XCTAssertEqual(dup.name, "first")
        XCTAssertGreaterThanOrEqual(ethereum.providers.filter { $0.id.hasPrefix("bulk_") }.count, 10_000)

        // The rejected metrics must be visible somewhere an operator looks: the node's error log.
        for name in rejected {
            let node = try XCTUnwrap(byName[name])
            XCTAssertTrue(node.errorLog.contains { $0.message.contains("/api/metrics") || $0.message.contains("dropped") },
                          "\(name): metrics failure should be noted in the node's errors: \(node.errorLog.map(\.message))")
        }

        // Nothing but printable text is drawn, and no part of an escape sequence's payload survives.
        let hostileProvider = try XCTUnwrap(ethereum.providers.first { $0.id.hasPrefix("inject_provider") })
        let frames = Support.renderedFrames(snapshot, extra: [.provider(chain: "ethereum", id: hostileProvider.id), .node(name: "m-injection"),
                                                              .node(name: "bad00-truncated")])
        for frame in frames {
            XCTAssertEqual(Support.forbiddenScalars(in: frame.text), [], "\(frame.page) draws control characters")
            for payload in ["PWNEDTITLE", "cGF5bG9hZA", "[31m", "52;c", "8;;x"] {
                XCTAssertFalse(frame.text.contains(payload), "\(frame.page) shows escape payload \(payload)")
            }
        }
        XCTAssertTrue(frames.contains { $0.text.contains("RED") }, "the printable part of a hostile name is still shown")
        // The same for the table and check output.
        let table = SnapshotTable.render(snapshot)
        let check = CheckReport.evaluate(snapshot, minCoverage: nil, alerts: false).failures.joined(separator: "\n")
        for (what, text) in [("table", table), ("check", check)] {
            XCTAssertEqual(Support.forbiddenScalars(in: text.replacingOccurrences(of: "\n", with: " ")), [], what)
            XCTAssertFalse(text.contains("PWNEDTITLE"), what)
        }
        // The JSON snapshot stays valid JSON (no NaN/Infinity can be produced from hostile numbers).
        let document = try SnapshotDocument(snapshot: snapshot).json()
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: document))
    }

    /// The body cap bounds memory: a 50 MB close-delimited body costs far less than 50 MB of RSS.
    func testFiftyMegabyteBodyIsCappedWithBoundedMemory() async throws {
        let huge = try node(.endless(bytes: 50 << 20))
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(10)))
        _ = await http.get(cluster.nodes[0].url + "/api/health")   // warm up the client before measuring
        let before = Support.memory()
        Support.resetPeakMemory()
        let result = await http.get(huge.url + "/api/health")
        let after = Support.memory()
        await http.shutdown()
        guard case .failed(.bad(let message), _) = result else { return XCTFail("expected a bad result, got \(result)") }
        XCTAssertEqual(message, "body larger than 8 MiB")
        let growth = max(after.peak, after.rss) - before.rss
        print("50 MB body: RSS before \(before.rss >> 20) MiB, peak after \(after.peak >> 20) MiB, growth \(growth >> 20) MiB")
        XCTAssertLessThan(growth, 30 << 20, "memory must stay well under the body size")
    }
}
