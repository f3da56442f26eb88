import LassoCore
import XCTest
@testable import LassoClient

/// The monitor names only the feed events it has not named before (`MonitorState.named(_:naming:reusing:)`); the
/// result must always equal naming every displayed event, whatever arrived: in order, late, duplicated, with equal
/// stamps, past the display's capacity, or under a naming that changed.
final class IncrementalFeedNamingTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let nodes = ["iad-1", "fra-1", "sin-1"]
    static let providers = ["alchemy", "drpc", "infura"]

    static func naming(_ variant: Int) -> FeedNaming {
        var naming = FeedNaming(nodeIDs: ["node-\(variant % 2)": "iad-1", "node-9": "fra-1"], configured: Set(nodes))
        for (index, id) in providers.enumerated() where (index + variant) % 3 != 0 {
            naming.providerNames[ProviderKey(chain: "ethereum", id: id)] = "\(id.capitalized) v\(variant)"
            naming.providerNamesByID[id] = "\(id.capitalized) (any chain)"
        }
        return naming
    }

    func testNamingOnlyNewEventsEqualsNamingEveryEvent() {
        var random = Random(state: 11)
        for round in 0..<40 {
            var feed = FeedBuffer(options: FeedOptions(displayCapacity: 5 + random.next(60), successBudgetPerSecond: 1_000))
            var variant = 0
            var previous: [FeedEvent] = []
            var previousNaming = Self.naming(variant)
            var now: Int64 = 1_764_000_000_000
            for step in 0..<30 {
                now += Int64(random.next(1_500))
                for _ in 0..<random.next(25) {
                    // Stamps around now: some late, many equal; some repeats of a recent request (duplicates).
                    let ts = now - Int64(random.next(4)) * Int64(random.next(2) == 0 ? 1 : 700)
                    let event = FeedEvent(kind: random.next(8) == 0 ? .circuit : .routing, ts: ts,
                                          requestID: "req-\(random.next(400))",
                                          sourceNodeID: random.next(3) == 0 ? "node-\(random.next(10))" : Self.nodes[random.next(3)],
                                          chainID: 1, chain: random.next(5) == 0 ? nil : "ethereum", method: "eth_call",
                                          providerID: Self.providers[random.next(3)], transport: "http",
                                          durationMs: random.next(50), result: random.next(6) == 0 ? "error" : "success",
                                          relayNode: Self.nodes[random.next(3)])
                    _ = feed.ingest(event, nowMs: now)
                }
                if random.next(7) == 0 { variant += 1 }
                let naming = Self.naming(variant)
                let incremental = MonitorState.named(feed, naming: naming, reusing: naming == previousNaming ? previous : [])
                XCTAssertEqual(incremental, feed.events.map(naming.named), "round \(round) step \(step)")
                previous = incremental
                previousNaming = naming
            }
        }
    }

    /// Every field of an event but the two naming sets decides whether an entry is reused: an event differing in
    /// any one of them alone is another event. Counted with Mirror, so a field added to FeedEvent fails here until
    /// `sameBeyondNaming` compares it.
    func testEveryFieldButTheNamingOnesTellsEventsApart() {
        let base = FeedEvent(kind: .routing, ts: 1, requestID: "r", profile: "p", sourceNodeID: "s", chainID: 1, chain: "c",
                             method: "m", strategy: "st", providerID: "pr", transport: "t", durationMs: 1, result: "ok",
                             requestOrigin: "o", failoverCount: 1, from: "f", to: "to", reason: "re", severity: .info,
                             message: "me", relayNode: "rl")
        var variants: [(String, FeedEvent)] = []
        func vary(_ name: String, _ change: (inout FeedEvent) -> Void) {
            var event = base
            change(&event)
            variants.append((name, event))
        }
        vary("kind") { $0.kind = .circuit }
        vary("ts") { $0.ts = 2 }
        vary("requestID") { $0.requestID = nil }
        vary("profile") { $0.profile = "q" }
        vary("sourceNodeID") { $0.sourceNodeID = "x" }
        vary("chainID") { $0.chainID = 2 }
        vary("chain") { $0.chain = "d" }
        vary("method") { $0.method = "n" }
        vary("strategy") { $0.strategy = nil }
        vary("providerID") { $0.providerID = "q" }
        vary("transport") { $0.transport = "ws" }
        vary("durationMs") { $0.durationMs = 2 }
        vary("result") { $0.result = "error" }
        vary("requestOrigin") { $0.requestOrigin = nil }
        vary("failoverCount") { $0.failoverCount = 2 }
        vary("from") { $0.from = "g" }
        vary("to") { $0.to = "h" }
        vary("reason") { $0.reason = nil }
        vary("severity") { $0.severity = .critical }
        vary("message") { $0.message = "other" }
        vary("relayNode") { $0.relayNode = "other" }
        let namingFields = ["node", "providerName"]
        let fields = Mirror(reflecting: base).children.compactMap(\.label)
        XCTAssertEqual(Set(variants.map(\.0)), Set(fields).subtracting(namingFields), "a FeedEvent field is not compared")
        for (name, event) in variants {
            XCTAssertNotEqual(event, base, name)
            XCTAssertFalse(MonitorState.sameBeyondNaming(event, base), name)
        }
        var named = base
        named.node = "iad-1"
        named.providerName = "Alchemy"
        XCTAssertTrue(MonitorState.sameBeyondNaming(named, base))
    }

    /// Reusing a list named under another naming would be wrong; the monitor never does, but the walk must not
    /// reuse an entry whose naming fields alone differ from what naming gives (they are overwritten, not compared).
    func testAnEntryIsReusedOnlyWhenEverythingElseMatches() {
        var feed = FeedBuffer(options: FeedOptions(displayCapacity: 10))
        let event = FeedEvent(kind: .routing, ts: 1_000, requestID: "a", sourceNodeID: "iad-1", chainID: 1, chain: "ethereum",
                              method: "eth_call", providerID: "drpc", transport: "http", durationMs: 5, result: "error")
        _ = feed.ingest(event, nowMs: 1_000)
        let naming = Self.naming(0)
        var stale = naming.named(event)
        stale.durationMs = 6   // another event at the same stamp
        XCTAssertEqual(MonitorState.named(feed, naming: naming, reusing: [stale]), [naming.named(event)])
    }
}
