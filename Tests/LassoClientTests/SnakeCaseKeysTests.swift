import Foundation
import LassoCore
import XCTest
@testable import LassoClient

/// Every key of `snapshot --format json` is snake_case (schema lassotop.snapshot/2), alerts included; map keys that
/// are data (versions) are exempt.
final class SnakeCaseKeysTests: XCTestCase {
    func keys(_ value: Any, path: String, into out: inout [String]) {
        if let object = value as? [String: Any] {
            for (key, child) in object {
                out.append(path + "." + key)
                if path.hasSuffix(".versions") { continue }
                keys(child, path: path + "." + key, into: &out)
            }
        } else if let array = value as? [Any] {
            for child in array { keys(child, path: path + "[]", into: &out) }
        }
    }

    func testEveryKeyIsSnakeCaseIncludingAlerts() throws {
        let alert = Alert(rule: "poll_success", level: .critical, state: .firing, startedAtMs: 1_000, value: 0.71,
                          threshold: 0.9, explanation: "x", subject: "iad", detail: "71% ok", firingSinceMs: 2_000)
        var event = FeedEvent(kind: .routing, ts: 5, requestID: "r", sourceNodeID: "iad-1", chain: "ethereum", method: "eth_call",
                              providerID: "ethereum_alchemy", result: "success", relayNode: "iad")
        event.node = "iad"
        event.providerName = "Alchemy Ethereum"
        let snapshot = ClusterSnapshot(
            generatedAtMs: 10_000, coverage: Coverage(responding: 1, total: 1, status: .healthy, quorum: true, partitionSuspected: false),
            nodes: [NodeStatus(name: "iad", url: "http://127.0.0.1:1", state: .up, lastSuccessMs: 9_000)], chains: [],
            feed: [event], alerts: [alert])
        let object = try JSONSerialization.jsonObject(with: try SnapshotDocument(snapshot: snapshot).json())
        var all: [String] = []
        keys(object, path: "", into: &all)
        let snake = try NSRegularExpression(pattern: "^[a-z0-9_]+$")
        let bad = all.filter { path in
            let key = String(path.split(separator: ".").last ?? "")
            return snake.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) == nil
        }
        XCTAssertEqual(bad, [], "camelCase keys in the snapshot")
        XCTAssertTrue(all.contains(".alerts[].started_at_ms"))
        XCTAssertTrue(all.contains(".alerts[].firing_since_ms"))
        XCTAssertTrue(all.contains(".events[].node"))
        XCTAssertTrue(all.contains(".events[].provider_name"))
        XCTAssertEqual((object as? [String: Any])?["schema"] as? String, "lassotop.snapshot/2")
    }

    func testAlertsFromSchemaOneStillDecode() throws {
        let legacy = Data(#"{"rule":"offline","level":"critical","state":"firing","startedAtMs":7,"firingSinceMs":9,"value":1,"threshold":0,"explanation":"e"}"#.utf8)
        let alert = try JSONDecoder().decode(Alert.self, from: legacy)
        XCTAssertEqual(alert.startedAtMs, 7)
        XCTAssertEqual(alert.firingSinceMs, 9)
    }

    /// `snapshot --format table` prints figures like the TUI: "100%" and "43ms", not "100.00%" and "43.0".
    func testSnapshotTableUsesTheTUIsUnits() {
        let provider = ProviderMetrics(id: "ethereum_alchemy", name: "Alchemy Ethereum", score: 2, successRate: 1,
                                       totalCalls: 500, avgLatencyMs: 43.04)
        let metrics = MetricsResponse(chain: "ethereum", chainID: 1, timestamp: 1, totalCalls: 500, providers: [provider], lastUpdated: 1)
        let chain = Aggregation.aggregate(chain: "ethereum", reports: [NodeChainReport(node: "iad", metrics: metrics)], totalNodes: 1)
        let snapshot = ClusterSnapshot(
            generatedAtMs: 10_000, coverage: Coverage(responding: 1, total: 1, status: .healthy, quorum: true, partitionSuspected: false),
            nodes: [NodeStatus(name: "iad", url: "http://127.0.0.1:1", state: .up, lastSuccessMs: 9_000)], chains: [chain])
        let text = SnapshotTable.render(snapshot)
        let row = text.split(separator: "\n").first { $0.contains("Alchemy Ethereum") }.map(String.init) ?? ""
        XCTAssertTrue(row.contains(" 43ms "), row)
        XCTAssertTrue(row.contains(" 100% "), row)
        XCTAssertFalse(text.contains("100.00%"), text)
    }
}
