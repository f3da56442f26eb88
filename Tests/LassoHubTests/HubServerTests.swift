import Foundation
import LassoClient
import LassoCore
import LassoDemo
@testable import LassoHub
import Logging
import XCTest

/// `lassotop serve`'s endpoints over real HTTP, against demo nodes on 127.0.0.1 watched by the real monitor.
final class HubServerTests: XCTestCase {
    var client: TestClient!

    override func setUp() async throws { client = TestClient() }
    override func tearDown() async throws { await client.shutdown() }

    func testSnapshotIsTheSnapshotCommandDocument() async throws {
        let hub = try await HubFixture.start()
        defer { Task { await hub.stop() } }
        try await hub.waitUntilWarm()
        // Byte for byte the document `snapshot --format json` prints for the same snapshot (retried when the hub
        // published a newer frame between reading it here and serving it).
        var matched = false
        var served: [String: Any] = [:]
        for _ in 0..<20 where !matched {
            let frame = try XCTUnwrap(hub.publisher.current())
            let reply = try await client.get(hub.base + "/api/v1/snapshot")
            XCTAssertEqual(reply.status, 200)
            XCTAssertEqual(reply.header("content-type"), "application/json; charset=utf-8")
            served = try XCTUnwrap(reply.json() as? [String: Any])
            XCTAssertEqual(served["schema"] as? String, SnapshotDocument.schema)
            guard served["generated_at"] as? String == SnapshotDocumentTime.iso(frame.snapshot.generatedAtMs) else { continue }
            var expected = try SnapshotDocument(snapshot: frame.snapshot).json()
            expected.append(0x0A)
            XCTAssertEqual(reply.body, expected)
            matched = true
        }
        XCTAssertTrue(matched, "never caught a served document and its frame together")

        // The same shape as a one-shot round (what `lassotop snapshot --format json` runs), every key present.
        let oneShot = try ClusterMonitor(config: MonitorConfig(targets: hub.cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) },
                                                               isDemo: true),
                                         logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        let round = await oneShot.collectOnce()
        await oneShot.stop()
        let reference = try JSONSerialization.jsonObject(with: SnapshotDocument(snapshot: round).json())
        let missing = keyPaths(reference).subtracting(keyPaths(served))
        XCTAssertTrue(missing.isEmpty, "keys missing from the hub's document: \(missing.sorted())")
        let nodes = try XCTUnwrap(served["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.map { $0["name"] as? String }, hub.cluster.nodeIDs.map { Optional($0) })
        let chains = try XCTUnwrap(served["chains"] as? [[String: Any]])
        let providers = chains.flatMap { ($0["providers"] as? [[String: Any]]) ?? [] }
        XCTAssertFalse(providers.isEmpty)
        XCTAssertTrue(providers.contains { (($0["by_node"] as? [Any])?.count ?? 0) == 3 }, "per-node figures for drill-downs")
        XCTAssertTrue(providers.contains { !((($0["methods"] as? [Any]) ?? []).isEmpty) }, "per-method figures for drill-downs")
    }

    func testEventsSinceLimitAndWait() async throws {
        let hub = try await HubFixture.start(eventRate: 300)
        defer { Task { await hub.stop() } }
        try await hub.waitUntilWarm()
        try await waitUntil("20 numbered events", timeout: 20) { hub.publisher.feed.lastSeq >= 20 }

        let firstReply = try await client.get(hub.base + "/api/v1/events?since=0&limit=5")
        let first = try XCTUnwrap(try firstReply.json() as? [String: Any])
        let firstEvents = try XCTUnwrap(first["events"] as? [[String: Any]])
        XCTAssertEqual(firstEvents.count, 5)
        XCTAssertEqual(first["next"] as? Int, 5)

        let secondReply = try await client.get(hub.base + "/api/v1/events?since=5&limit=10")
        let second = try XCTUnwrap(try secondReply.json() as? [String: Any])
        let secondEvents = try XCTUnwrap(second["events"] as? [[String: Any]])
        XCTAssertEqual(secondEvents.count, 10)
        XCTAssertEqual(second["next"] as? Int, 15)
        // Pages do not overlap: the deduplicated feed is numbered once.
        let key = { (e: [String: Any]) in "\(e["kind"] ?? "routing")|\(e["request_id"] ?? "")|\(e["ts"] ?? "")|\(e["message"] ?? "")" }
        XCTAssertTrue(Set(firstEvents.map(key)).isDisjoint(with: Set(secondEvents.map(key))))

        // Long poll: from the newest cursor, the answer comes when new events arrive, well before `wait` runs out.
        let newest = hub.publisher.feed.lastSeq
        let started = ContinuousClock.now
        let waitedReply = try await client.get(hub.base + "/api/v1/events?since=\(newest)&wait=20")
        let waited = try XCTUnwrap(try waitedReply.json() as? [String: Any])
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15))
        XCTAssertGreaterThan(try XCTUnwrap(waited["next"] as? Int), Int(newest))
        XCTAssertFalse(try XCTUnwrap(waited["events"] as? [Any]).isEmpty)

        // A cursor beyond the newest number (a restarted hub) answers at once with a lower `next`.
        let aheadReply = try await client.get(hub.base + "/api/v1/events?since=999999999&wait=5")
        let ahead = try XCTUnwrap(try aheadReply.json() as? [String: Any])
        XCTAssertLessThan(try XCTUnwrap(ahead["next"] as? Int), 999_999_999)

        for bad in ["since=-1", "since=abc", "limit=0", "limit=1.5", "wait=-2", "wait=nan"] {
            let reply = try await client.get(hub.base + "/api/v1/events?" + bad)
            XCTAssertEqual(reply.status, 400, bad)
        }
        // `limit` is capped, not an error.
        let bigReply = try await client.get(hub.base + "/api/v1/events?since=0&limit=100000")
        let big = try XCTUnwrap(try bigReply.json() as? [String: Any])
        XCTAssertLessThanOrEqual(try XCTUnwrap(big["events"] as? [Any]).count, 5_000)
    }

    func testLongPollTimesOutWithoutEvents() async throws {
        let hub = try await HubFixture.start(eventRate: 0)
        defer { Task { await hub.stop() } }
        try await waitUntil("a first frame", timeout: 20) { hub.publisher.current() != nil }
        // Quiet cluster, but lassotop's own cluster entries (node up …) may arrive: ask after the newest.
        try await waitUntil("coverage settled", timeout: 20) { hub.publisher.current()?.snapshot.coverage.responding == 3 }
        // lassotop's own cluster entries may still arrive now and then: a quiet second is enough.
        var sawTimeout = false
        for _ in 0..<5 where !sawTimeout {
            let newest = hub.publisher.feed.lastSeq
            let started = ContinuousClock.now
            let replyReply = try await client.get(hub.base + "/api/v1/events?since=\(newest)&wait=1")
            let reply = try XCTUnwrap(try replyReply.json() as? [String: Any])
            let elapsed = ContinuousClock.now - started
            XCTAssertLessThan(elapsed, .seconds(10))
            guard (reply["events"] as? [Any])?.isEmpty ?? false else { continue }
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(900), "an empty answer only after the wait")
            XCTAssertEqual(reply["next"] as? Int, Int(newest))
            sawTimeout = true
        }
        XCTAssertTrue(sawTimeout, "a quiet cluster's long poll should time out empty")
    }

    func testHealthz() async throws {
        let hub = try await HubFixture.start()
        defer { Task { await hub.stop() } }
        try await waitUntil("a first frame", timeout: 20) { hub.publisher.current() != nil }
        let reply = try await client.get(hub.base + "/healthz")
        XCTAssertEqual(reply.status, 200)
        let body = try XCTUnwrap(reply.json() as? [String: Any])
        XCTAssertEqual(body["status"] as? String, "ok")
        XCTAssertEqual(body["health_interval_ms"] as? Int, 500)
        XCTAssertNotNil(body["frame_age_ms"] as? Int)
        let status1 = try await client.get(hub.base + "/nope").status
        XCTAssertEqual(status1, 404)
    }

    func testPromtoolAcceptsMetrics() async throws {
        let promtool = try Tool.require("promtool")
        let hub = try await HubFixture.start()
        defer { Task { await hub.stop() } }
        try await hub.waitUntilWarm()
        let reply = try await client.get(hub.base + "/metrics")
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.header("content-type"), HubMetrics.contentType)
        let result = try Tool.run(promtool, ["check", "metrics"], stdin: reply.body)
        XCTAssertEqual(result.status, 0, "promtool: \(result.stdout) \(result.stderr)")
        let text = reply.text
        for name in ["lassotop_nodes", "lassotop_nodes_responding", "lassotop_node_up{node=\"iad-1\"}",
                     "lassotop_node_poll_latency_seconds{node=\"fra-1\"}", "lassotop_provider_calls_total{chain=\"ethereum\",provider=",
                     "lassotop_provider_latency_avg_seconds{", "lassotop_provider_success_ratio{", "lassotop_provider_score{",
                     "lassotop_feed_events_total", "lassotop_feed_duplicates_dropped_total",
                     "lassotop_alerts_firing{rule=\"coverage\",severity=\"critical\"}"] {
            XCTAssertTrue(text.contains(name + (name.hasSuffix("{") || name.hasSuffix("=") ? "" : " ")) || text.contains(name),
                          "missing \(name)")
        }
        XCTAssertTrue(text.contains("# TYPE lassotop_provider_calls_total counter"))
        XCTAssertTrue(text.contains("# TYPE lassotop_node_up gauge"))
        XCTAssertTrue(text.contains("lassotop_nodes_responding 3"))
    }

    func testHostileLabelValuesStayValidExposition() throws {
        let promtool = try Tool.require("promtool")
        let evil = "ev\"il\\node\nname\u{1B}[31m\u{202E}"
        let snapshot = ClusterSnapshot(
            generatedAtMs: 1_000, coverage: Coverage(responding: 1, total: 1, status: .healthy, quorum: true, partitionSuspected: false),
            nodes: [NodeStatus(name: evil, url: "http://x", state: .up, latencyMs: 3)],
            chains: [ChainAggregate(chain: "eth\"x", chainID: 1, responding: 1, total: 1, providers: [])])
        let text = HubMetrics.render(snapshot)
        XCTAssertFalse(text.contains("\u{1B}"))
        // Quote and backslash escaped by the exposition; control and bidi characters replaced before it.
        XCTAssertTrue(text.contains(#"lassotop_node_up{node="ev\"il\\node?name?[31m?"} 1"#), text)
        let result = try Tool.run(promtool, ["check", "metrics"], stdin: Data(text.utf8))
        XCTAssertEqual(result.status, 0, "promtool: \(result.stdout) \(result.stderr)")
    }

    func testTokenAuth() async throws {
        let token = "s3cret-token-0123456789abcdef"
        let hub = try await HubFixture.start(token: token)
        defer { Task { await hub.stop() } }
        try await waitUntil("a first frame", timeout: 20) { hub.publisher.current() != nil }
        for path in ["/api/v1/snapshot", "/api/v1/events?since=0", "/metrics"] {
            let none = try await client.get(hub.base + path)
            XCTAssertEqual(none.status, 401, path)
            XCTAssertEqual(none.header("www-authenticate"), "Bearer realm=\"lassotop\"")
            let wrong = try await client.get(hub.base + path, headers: [("Authorization", "Bearer " + token.dropLast() + "X")])
            XCTAssertEqual(wrong.status, 401, path)
            XCTAssertFalse(wrong.text.contains(token.prefix(8)), "the token is never echoed")
            let prefix = try await client.get(hub.base + path, headers: [("Authorization", "Bearer " + token.prefix(10))])
            XCTAssertEqual(prefix.status, 401, "a prefix of the token is not the token")
            let right = try await client.get(hub.base + path, headers: [("Authorization", "Bearer " + token)])
            XCTAssertEqual(right.status, 200, path)
        }
        let status2 = try await client.get(hub.base + "/healthz").status
        XCTAssertEqual(status2, 200, "liveness probes need no token")
    }

    func testConstantTimeCompare() {
        let token = Array("abcdefghijklmnop".utf8)
        XCTAssertTrue(HubToken.constantTimeEqual(token, token))
        XCTAssertFalse(HubToken.constantTimeEqual(token, Array("abcdefghijklmnoq".utf8)))
        XCTAssertFalse(HubToken.constantTimeEqual(token, Array("abcdefghijklmno".utf8)))
        XCTAssertFalse(HubToken.constantTimeEqual(token, token + [0]))
        XCTAssertFalse(HubToken.constantTimeEqual([], token))
        // Lengths differing by a multiple of 256 must not compare equal through the length byte.
        XCTAssertFalse(HubToken.constantTimeEqual(Array(repeating: 0, count: 256), []))
        XCTAssertTrue(HubToken.constantTimeEqual([], []))
    }

    func testListenParsing() {
        XCTAssertEqual(HubServerConfig.parseListen("127.0.0.1:9464")?.host, "127.0.0.1")
        XCTAssertEqual(HubServerConfig.parseListen("127.0.0.1:9464")?.port, 9464)
        XCTAssertEqual(HubServerConfig.parseListen("[::1]:80")?.host, "::1")
        XCTAssertEqual(HubServerConfig.parseListen(":9464")?.host, "0.0.0.0")
        XCTAssertNil(HubServerConfig.parseListen("::1:80"))
        XCTAssertNil(HubServerConfig.parseListen("host"))
        XCTAssertNil(HubServerConfig.parseListen("host:99999"))
        XCTAssertTrue(HubServerConfig.isLoopback("127.0.0.1"))
        XCTAssertTrue(HubServerConfig.isLoopback("::1"))
        XCTAssertFalse(HubServerConfig.isLoopback("0.0.0.0"))
        XCTAssertFalse(HubServerConfig.isLoopback("192.168.1.5"))
    }
}

enum SnapshotDocumentTime {
    static func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
