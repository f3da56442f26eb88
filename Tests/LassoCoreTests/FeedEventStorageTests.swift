import Foundation
@testable import LassoCore
import XCTest

/// `FeedEvent` keeps its fields in one shared box (copying an event is one retain): a copy that is changed must
/// not change the original, and what it encodes, compares and hashes must be what its fields say.
final class FeedEventStorageTests: XCTestCase {
    static func full() -> FeedEvent {
        var event = FeedEvent(kind: .circuit, ts: 1_700_000_000_123, requestID: "r-1", profile: "default", sourceNodeID: "n1",
                              chainID: 1, chain: "ethereum", method: "eth_call", strategy: "fastest", providerID: "drpc",
                              transport: "http", durationMs: 42, result: "error", requestOrigin: "client", failoverCount: 2,
                              from: "closed", to: "open", reason: "timeouts", severity: .warning, message: "m",
                              relayNode: "relay")
        event.node = "iad-1"
        event.providerName = "dRPC"
        return event
    }

    /// The encoding is the one the synthesized conformance gave (keys and values as captured from it), and it decodes
    /// back to an equal event.
    func testEncodingIsUnchanged() throws {
        let data = try JSONEncoder().encode(Self.full())
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? NSDictionary)
        let expected: NSDictionary = [
            "duration_ms": 42, "request_origin": "client", "node": "iad-1", "failover_count": 2, "to": "open",
            "severity": "warning", "profile": "default", "provider_name": "dRPC", "from": "closed", "reason": "timeouts",
            "kind": "circuit", "message": "m", "source_node_id": "n1", "relay_node": "relay", "ts": 1_700_000_000_123,
            "result": "error", "method": "eth_call", "strategy": "fastest", "chain": "ethereum", "transport": "http",
            "request_id": "r-1", "chain_id": 1, "provider_id": "drpc",
        ]
        XCTAssertEqual(object, expected)
        XCTAssertEqual(try JSONDecoder().decode(FeedEvent.self, from: data), Self.full())
        // Absent optionals are left out, not written as null.
        let bare = try JSONEncoder().encode(FeedEvent(ts: 5, method: "m", providerID: "p"))
        let bareObject = try XCTUnwrap(JSONSerialization.jsonObject(with: bare) as? NSDictionary)
        XCTAssertEqual(bareObject, ["kind": "routing", "ts": 5, "method": "m", "provider_id": "p", "failover_count": 0] as NSDictionary)
    }

    /// A changed copy leaves the original (and every other copy sharing its box) as it was, field by field.
    func testAChangedCopyLeavesTheOriginal() {
        let original = Self.full()
        let list = [original, original]
        var changed = original
        changed.node = "other"
        changed.durationMs = nil
        XCTAssertEqual(original.node, "iad-1")
        XCTAssertEqual(original.durationMs, 42)
        XCTAssertEqual(list, [Self.full(), Self.full()])
        XCTAssertNotEqual(changed, original)
        var listCopy = list
        listCopy[1].message = "changed"
        XCTAssertEqual(list[1].message, "m")
        XCTAssertEqual(listCopy[1].message, "changed")
        XCTAssertEqual(listCopy[0], original)
    }

    /// Naming an event (`FeedNaming`, on every publish, for every new event) sets the two names beside the box and
    /// shares the rest with the event the feed buffer holds: no second box per shown event. The names still make
    /// events differ, and the original keeps its own.
    func testNamingSharesTheBox() {
        var raw = Self.full()
        raw.node = nil
        raw.providerName = nil
        let naming = FeedNaming(nodeIDs: ["n1": "iad"], configured: ["iad"])
        let named = naming.named(raw)
        XCTAssertEqual(named.node, "iad")
        XCTAssertNil(raw.node)
        XCTAssertTrue(named.sharesBox(with: raw))
        XCTAssertNotEqual(named, raw)
        var renamed = named
        renamed.node = nil
        XCTAssertEqual(renamed, raw)
        XCTAssertEqual(renamed.hashValue, raw.hashValue)
        // Changing any other field still copies the box.
        var changed = named
        changed.message = "other"
        XCTAssertFalse(changed.sharesBox(with: named))
        XCTAssertEqual(named.message, "m")
        // The names sit in a box of their own, so an event stays two words in the feed's arrays (with the names
        // stored inline, 40 bytes, the dedup bench's ingest fell by a fifth).
        XCTAssertEqual(MemoryLayout<FeedEvent>.size, 16)
    }

    /// Equality and hashing go by the fields, not by the box: two events built apart are equal when their fields are,
    /// and one changed field (every one, in turn) makes them differ.
    func testEqualityAndHashGoByTheFields() {
        let a = Self.full(), b = Self.full()
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(Set([a, b]).count, 1)
        var changes: [(String, (inout FeedEvent) -> Void)] = [
            ("kind", { $0.kind = .routing }), ("ts", { $0.ts += 1 }), ("requestID", { $0.requestID = nil }),
            ("profile", { $0.profile = "p" }), ("sourceNodeID", { $0.sourceNodeID = "x" }), ("chainID", { $0.chainID = 2 }),
            ("chain", { $0.chain = "base" }), ("method", { $0.method = "eth_x" }), ("strategy", { $0.strategy = nil }),
            ("providerID", { $0.providerID = "q" }), ("transport", { $0.transport = "ws" }), ("durationMs", { $0.durationMs = 1 }),
            ("result", { $0.result = "success" }), ("requestOrigin", { $0.requestOrigin = nil }),
            ("failoverCount", { $0.failoverCount = 0 }), ("from", { $0.from = nil }), ("to", { $0.to = "closed" }),
            ("reason", { $0.reason = nil }), ("severity", { $0.severity = .critical }), ("message", { $0.message = nil }),
            ("relayNode", { $0.relayNode = nil }), ("node", { $0.node = nil }), ("providerName", { $0.providerName = nil }),
        ]
        // Every field the mirror shows is changed once: a field added later without a place in `==` fails here.
        let fields = Mirror(reflecting: a).children.compactMap(\.label)
        XCTAssertEqual(fields.count, 23)
        XCTAssertEqual(Set(changes.map(\.0)), Set(fields))
        for (name, change) in changes {
            var other = Self.full()
            change(&other)
            XCTAssertNotEqual(other, a, name)
            XCTAssertEqual(Self.full(), a, name)
        }
        changes.removeAll()
    }

    /// The feed cuts a long field in its own copy only: the event the caller still holds (sharing the box until then)
    /// keeps the whole field, and a short event is not touched.
    func testTheFeedCutsItsOwnCopy() {
        var feed = FeedBuffer(options: FeedOptions(displayCapacity: 10))
        let long = String(repeating: "m", count: 300)
        let event = FeedEvent(ts: 1_000, requestID: "a", method: long, providerID: "p")
        let short = FeedEvent(ts: 1_001, requestID: "b", method: "eth_call", providerID: "p")
        _ = feed.ingest(event, nowMs: 1_000)
        _ = feed.ingest(short, nowMs: 1_000)
        XCTAssertEqual(event.method, long)
        XCTAssertEqual(feed.events.map { $0.method?.count }, [256, 8])
        XCTAssertEqual(feed.events.last, short)
        XCTAssertEqual(feed.stats.truncated, 1)
    }
}
