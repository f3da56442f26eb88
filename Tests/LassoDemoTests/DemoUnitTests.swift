import Foundation
import LassoCore
@testable import LassoDemo
import XCTest

final class DemoUnitTests: XCTestCase {
    func testSameSeedGivesSameDecisionsAndOtherSeedsDiffer() {
        func first(_ n: Int, seed: UInt64) -> [RoutingDecision] {
            var model = TrafficModel(seed: seed)
            return (0..<n).map { _ in model.next(lateChainsLive: true, circuit: .closed) }
        }
        XCTAssertEqual(first(200, seed: 7), first(200, seed: 7))
        XCTAssertNotEqual(first(200, seed: 7).map(\.requestID), first(200, seed: 8).map(\.requestID))
    }

    func testTrafficCoversChainsProvidersAndBothResults() {
        var model = TrafficModel(seed: 42)
        let decisions = (0..<20_000).map { _ in model.next(lateChainsLive: false, circuit: .closed) }
        XCTAssertEqual(Set(decisions.map(\.chain)), [0, 1], "the late chain gets nothing until it is live")
        for chain in 0...1 {
            let providers = Set(decisions.filter { $0.chain == chain }.map(\.provider))
            XCTAssertEqual(providers.count, DemoCatalog.chains[chain].providers.count)
            XCTAssertTrue((4...6).contains(providers.count))
        }
        XCTAssertTrue(decisions.contains { !$0.success })
        XCTAssertTrue(decisions.contains { $0.origin == "system" })
        XCTAssertTrue(decisions.contains { $0.failoverCount > 0 })
        // Distinct latency distributions: the fastest and slowest ethereum providers' medians differ clearly.
        func median(_ provider: Int) -> Int {
            let values = decisions.filter { $0.chain == 0 && $0.provider == provider && $0.success }.map(\.durationMs).sorted()
            return values[values.count / 2]
        }
        XCTAssertLessThan(median(0) * 2, median(4))
    }

    func testOpenCircuitFailsEveryCallToTheFlakyProvider() {
        var model = TrafficModel(seed: 3)
        let flaky = DemoCatalog.chains[0].providers.firstIndex(where: \.flaky)!
        let calls = (0..<5_000).map { _ in model.next(lateChainsLive: true, circuit: .open) }
            .filter { $0.chain == 0 && $0.provider == flaky }
        XCTAssertFalse(calls.isEmpty)
        XCTAssertTrue(calls.allSatisfy { !$0.success })
    }

    func testCircuitCycleOrder() {
        XCTAssertEqual(CircuitState.at(cycleFraction: 0.1), .closed)
        XCTAssertEqual(CircuitState.at(cycleFraction: 0.7), .open)
        XCTAssertEqual(CircuitState.at(cycleFraction: 0.9), .halfOpen)
        XCTAssertEqual(CircuitState.halfOpen.rawValue, "half_open")
    }

    func testPercentileRuleP1MatchesTheReferenceVectors() {
        let values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        XCTAssertEqual(MethodStats.p1(values, 0.50), 50)
        XCTAssertEqual(MethodStats.p1(values, 0.90), 90)
        XCTAssertEqual(MethodStats.p1(values, 0.95), 100)
        XCTAssertEqual(MethodStats.p1(values, 0.99), 100)
        XCTAssertEqual(MethodStats.p1([], 0.5), 0)
        XCTAssertEqual(MethodStats.p1([7], 0.99), 7)
    }

    func testMethodStatsKeepOnlyTheLastHundredSuccesses() {
        var stats = MethodStats()
        for latency in 1...150 { stats.record(latencyMs: latency, success: true, at: Int64(latency)) }
        stats.record(latencyMs: 9_999, success: false, at: 151)
        XCTAssertEqual(stats.totalCalls, 151)
        XCTAssertEqual(stats.successes, 150)
        XCTAssertEqual(stats.percentiles.p50, 100, "window is 51...150, so p50 is its 50th value")
        XCTAssertEqual(stats.percentiles.p99, 149)
        XCTAssertEqual(stats.successAverage, 75.5, accuracy: 1e-9, "errors do not count in the average")
        XCTAssertEqual(stats.lastUpdated, 151)
    }

    func testEventRingIsBoundedAndPagesBySequence() {
        var ring = EventRing(capacity: 3)
        XCTAssertEqual(ring.page(since: 0, limit: 10).events.count, 0)
        for i in 1...5 { ring.append("e\(i)") }
        XCTAssertEqual(ring.lastSeq, 5)
        XCTAssertEqual(ring.count, 3)
        let all = ring.page(since: 0, limit: 10)
        XCTAssertEqual(Array(all.events), ["e3", "e4", "e5"], "oldest dropped first")
        XCTAssertEqual(all.lastSeq, 5)
        let limited = ring.page(since: 3, limit: 1)
        XCTAssertEqual(Array(limited.events), ["e4"])
        XCTAssertEqual(limited.lastSeq, 4)
        XCTAssertNil(ring.page(since: 5, limit: 10).lastSeq)
    }

    func testNodeIDsUseRegionPrefixesThenWrap() {
        let ids = DemoCluster.nodeIDs(count: DemoCatalog.regions.count + 1)
        XCTAssertEqual(Array(ids.prefix(5)), ["iad-1", "fra-1", "sin-1", "sjc-1", "gru-1"])
        XCTAssertEqual(ids.last, "iad-2")
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testJSONFloatsAlwaysCarryADecimalPointAndTimestampsMicroseconds() {
        XCTAssertEqual(JSONText.float(80, places: 2), "80.0")
        XCTAssertEqual(JSONText.float(84.3149, places: 2), "84.31")
        XCTAssertEqual(JSONText.float(0.99834, places: 4), "0.9983")
        XCTAssertEqual(JSONText.string("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"")
        // Text that needs no escape is quoted as it is (the fast path), non-ASCII included; any escape takes the walk.
        for text in ["", "eth_getBalance", "alchemy_ethereum_mainnet", "iad-1", "café ⛓", "tab\there", "nl\n", "q\"", "\u{7F}"] {
            let quoted = JSONText.string(text)
            let parsed = try? JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String
            XCTAssertEqual(parsed, text, quoted)
            let plain = !text.unicodeScalars.contains { $0.value < 0x20 || $0 == "\"" || $0 == "\\" }
            XCTAssertEqual(quoted == "\"" + text + "\"", plain, quoted)
        }
        XCTAssertEqual(JSONText.isoTimestamp(microsecondsSinceEpoch: 1_786_788_753_123_456), "2026-08-15T10:12:33.123456Z")
    }

    /// The byte builder writes what string building wrote: integers as `"\(n)"`, strings as `JSONText.string`.
    func testJSONBytesWritesWhatStringBuildingWrote() {
        for n in [0, 1, -1, 9, 10, 99, 100, 1_786_788_753_123, Int.max, Int.min, -42] {
            var out = JSONBytes(capacity: 4)
            out.int(n)
            XCTAssertEqual(out.text, "\(n)")
        }
        for n: Int64 in [0, 4_102_444_800_000, Int64.min, Int64.max] {
            var out = JSONBytes(capacity: 4)
            out.int(n)
            XCTAssertEqual(out.text, "\(n)")
        }
        for text in ["", "eth_call", "café ⛓", "a\"b\\c\u{1}", "tab\t"] {
            var out = JSONBytes(capacity: 4)
            out.string(text)
            out.optionalString(nil)
            XCTAssertEqual(out.text, JSONText.string(text) + "null")
        }
    }

    /// Floats written from integers are the text `JSONText.float` writes: random values at every magnitude the demo
    /// uses and beyond, halves at every place, and the ones it hands on (negative, -0, huge, not finite).
    func testJSONBytesFloatIsJSONTextFloat() {
        var rng = SeededGenerator(seed: 0xF10A7)
        var values: [Double] = [0, -0.0, 1, 0.5, 0.05, 0.005, 0.0005, 0.00005, 0.99995, 9.99995, 80, 84.3149, 0.99834,
                                999_999_999.99, 1e9, 1e12, 1e16, 1e300, -1, -0.004, .nan, .infinity, -.infinity,
                                .leastNonzeroMagnitude, .ulpOfOne]
        for _ in 0..<200_000 {
            let magnitude = Double.random(in: -6...10, using: &rng)
            values.append(Double.random(in: 0..<1, using: &rng) * pow(10, magnitude))
        }
        for whole in 0..<2_000 {
            for half in [0.5, 0.05, 0.005, 0.0005, 0.00005] { values.append(Double(whole) + half) }
        }
        for value in values {
            for places in 0...5 {
                var out = JSONBytes(capacity: 8)
                out.float(value, places: places)
                let expected = JSONText.float(value, places: places)
                if out.text != expected { return XCTFail("\(value) at \(places) places: \(out.text), not \(expected)") }
            }
        }
    }

    /// A routing event: every field in Lasso's order, with the decision's values.
    func testRoutingEventKeysInOrderWithTheDecisionsValues() throws {
        let decision = RoutingDecision(chain: 0, provider: 1, method: 2, strategy: "fastest", origin: "client",
                                       requestID: "req-\"1\"", durationMs: 123, success: false, failoverCount: 2)
        let text = DemoEncoding.routingEvent(decision, ts: 1_786_788_753_123, sourceNodeID: "iad-1")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let chain = DemoCatalog.chains[0]
        let method = DemoCatalog.methods[2]
        XCTAssertEqual(object["ts"] as? Int, 1_786_788_753_123)
        XCTAssertEqual(object["request_id"] as? String, "req-\"1\"")
        XCTAssertEqual(object["profile"] as? String, DemoEncoding.profile)
        XCTAssertEqual(object["source_node_id"] as? String, "iad-1")
        XCTAssertEqual(object["chain_id"] as? Int, chain.chainID)
        XCTAssertEqual(object["chain"] as? String, chain.slug)
        XCTAssertEqual(object["method"] as? String, method.name)
        XCTAssertEqual(object["strategy"] as? String, "fastest")
        XCTAssertEqual(object["provider_id"] as? String, chain.providers[1].id)
        XCTAssertEqual(object["transport"] as? String, method.transport)
        XCTAssertEqual(object["duration_ms"] as? Int, 123)
        XCTAssertEqual(object["result"] as? String, "error")
        XCTAssertEqual(object["request_origin"] as? String, "client")
        XCTAssertEqual(object["failover_count"] as? Int, 2)
        let keys = text.split(separator: ",").compactMap { part -> String? in
            guard let colon = part.firstIndex(of: ":") else { return nil }
            let key = part[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "{\""))
            return object[key] == nil ? nil : key
        }
        XCTAssertEqual(keys, ["ts", "request_id", "profile", "source_node_id", "chain_id", "chain", "method", "strategy",
                              "provider_id", "transport", "duration_ms", "result", "request_origin", "failover_count"])
    }

    /// An events page: the node, the cursor and the stored events as they are, comma-separated.
    func testEventsPageHoldsTheStoredEventsAsTheyAre() {
        XCTAssertEqual(DemoEncoding.eventsPage(nodeID: "iad-1", next: 0, events: []),
                       #"{"node_id":"iad-1","next":0,"events":[]}"#)
        let events: [String] = [#"{"ts":1}"#, #"{"ts":2,"request_id":"a,b"}"#, #"{"ts":3}"#]
        XCTAssertEqual(DemoEncoding.eventsPage(nodeID: "fra\"1", next: 42, events: events[1...]),
                       #"{"node_id":"fra\"1","next":42,"events":[{"ts":2,"request_id":"a,b"},{"ts":3}]}"#)
    }
}
