import XCTest
@testable import LassoCore

final class FeedBufferTests: XCTestCase {
    private let t0: Int64 = 1_764_000_000_000

    private func routing(_ requestID: String?, method: String = "eth_blockNumber", provider: String = "alchemy",
                         ts: Int64, node: String = "iad-1", relay: String? = nil, result: String = "success") -> FeedEvent {
        FeedEvent(kind: .routing, ts: ts, requestID: requestID, sourceNodeID: node, chainID: 1, chain: "ethereum",
                  method: method, providerID: provider, transport: "http", durationMs: 12, result: result, relayNode: relay)
    }

    private func noSampling(_ options: FeedOptions = FeedOptions()) -> FeedOptions {
        var options = options
        options.successBudgetPerSecond = Int.max / 2
        return options
    }

    // MARK: identity

    /// Lasso's dedup scenario (docs/lasso-compat.md §5): the same decision re-broadcast from another node (different source node) shows once.
    func testSameEventFromTwoNodesAppearsOnce() {
        var feed = FeedBuffer(options: noSampling())
        let fromFirst = routing("req-test-123", ts: t0, node: "node1", relay: "node1")
        let fromSecond = routing("req-test-123", ts: t0, node: "node2", relay: "node2")
        XCTAssertEqual(feed.ingest(fromFirst, nowMs: t0 + 5), .added)
        XCTAssertEqual(feed.ingest(fromSecond, nowMs: t0 + 9), .duplicate)
        XCTAssertEqual(feed.events, [fromFirst])
        XCTAssertEqual(feed.stats, FeedStats(received: 2, unique: 1, duplicatesDropped: 1, malformed: 0, sampledOut: 0, windowSize: 1))
    }

    func testBatchItemsSharingRequestIDWithDifferentMethodsStayDistinct() {
        var feed = FeedBuffer(options: noSampling())
        XCTAssertEqual(feed.ingest(routing("batch-1", method: "eth_blockNumber", ts: t0), nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("batch-1", method: "eth_chainId", ts: t0), nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("batch-1", method: "eth_getBalance", ts: t0), nowMs: t0), .added)
        // Same request and method but another provider or another ts is another decision too.
        XCTAssertEqual(feed.ingest(routing("batch-1", method: "eth_chainId", provider: "drpc", ts: t0), nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("batch-1", method: "eth_chainId", ts: t0 + 1), nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("batch-1", method: "eth_chainId", ts: t0, node: "ams-1"), nowMs: t0), .duplicate)
        XCTAssertEqual(feed.events.count, 5)
        XCTAssertEqual(feed.stats.windowSize, 5)
    }

    func testRoutingEventsWithoutRequestIDAreNeverMerged() {
        var feed = FeedBuffer(options: noSampling())
        let anonymous = routing(nil, ts: t0)
        XCTAssertEqual(feed.ingest(anonymous, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(anonymous, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("", ts: t0), nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("", ts: t0), nowMs: t0), .added)
        XCTAssertEqual(feed.events.count, 4)
        XCTAssertEqual(feed.stats.unique, 4)
        XCTAssertEqual(feed.stats.windowSize, 0, "events without identity take no room in the window")
    }

    func testCircuitAndClusterIdentityUsesEveryOriginFieldButNotTheRelay() {
        var feed = FeedBuffer(options: noSampling())
        let opened = FeedEvent(kind: .circuit, ts: t0, sourceNodeID: "iad-1", chainID: 1, chain: "ethereum", providerID: "alchemy",
                               transport: "http", from: "closed", to: "open", reason: "failure_threshold_exceeded", relayNode: "iad-1")
        var relayed = opened
        relayed.relayNode = "ams-1"
        var otherNode = opened
        otherNode.sourceNodeID = "ams-1"
        var otherTransport = opened
        otherTransport.transport = "ws"
        var otherReason = opened
        otherReason.reason = "manual_open"
        XCTAssertEqual(feed.ingest(opened, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(relayed, nowMs: t0), .duplicate)
        XCTAssertEqual(feed.ingest(otherNode, nowMs: t0), .added, "each node's own breaker is its own event")
        XCTAssertEqual(feed.ingest(otherTransport, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(otherReason, nowMs: t0), .added)

        let down = FeedEvent.cluster(ts: t0, severity: .critical, message: "node iad-2 down", node: "iad-2")
        var downAgainLater = down
        downAgainLater.ts = t0 + 1000
        var milder = down
        milder.severity = .warning
        XCTAssertEqual(feed.ingest(down, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(down, nowMs: t0), .duplicate)
        XCTAssertEqual(feed.ingest(downAgainLater, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(milder, nowMs: t0), .added)
        XCTAssertEqual(feed.stats.duplicatesDropped, 2)
        XCTAssertEqual(feed.stats.unique, 7)
    }

    func testIdentityNeedsBothHashesAndTheTimestampToAgree() {
        let a = FeedIdentity(routing("r1", method: "eth_call", ts: t0))!
        let relayed = FeedIdentity(routing("r1", method: "eth_call", ts: t0, node: "x", relay: "y"))!
        let other = FeedIdentity(routing("r1", method: "eth_calm", ts: t0))!
        XCTAssertEqual(a, relayed)
        XCTAssertNotEqual(a, other)
        XCTAssertNotEqual(a.digest, other.digest)
        XCTAssertNotEqual(a.check, other.check)
        // A forged collision of the set hash alone (same digest, so same bucket) is still a different identity.
        let forged = FeedIdentity(digest: a.digest, check: other.check, ts: a.ts)
        XCTAssertEqual(forged.hashValue, a.hashValue)
        XCTAssertNotEqual(a, forged)
        XCTAssertEqual(Set([a, forged]).count, 2)
        XCTAssertNotEqual(a, FeedIdentity(digest: a.digest, check: a.check, ts: a.ts + 1))
        // Field boundaries are part of the hash: moving characters between fields is another identity.
        XCTAssertNotEqual(FeedIdentity(routing("ab", method: "c", ts: t0)), FeedIdentity(routing("a", method: "bc", ts: t0)))
        XCTAssertNotEqual(FeedIdentity(routing("ab", method: "", ts: t0)), FeedIdentity(routing("a", method: "b", ts: t0)))
    }

    // MARK: window

    /// Rule: an identity ingested at t is still remembered at t + window and forgotten at t + window + 1 ms.
    func testIdentityIsRememberedUntilTheWindowEndsAndForgottenJustAfter() {
        var options = noSampling()
        options.windowMs = 120_000
        let event = routing("req-1", ts: t0)

        var atBoundary = FeedBuffer(options: options)
        XCTAssertEqual(atBoundary.ingest(event, nowMs: t0), .added)
        XCTAssertEqual(atBoundary.ingest(event, nowMs: t0 + 120_000), .duplicate)
        XCTAssertEqual(atBoundary.stats.windowSize, 1)

        var justAfter = FeedBuffer(options: options)
        XCTAssertEqual(justAfter.ingest(event, nowMs: t0), .added)
        XCTAssertEqual(justAfter.ingest(event, nowMs: t0 + 120_001), .added)
        XCTAssertEqual(justAfter.stats.windowSize, 1, "the old identity left, the new copy took its place")
        XCTAssertEqual(justAfter.stats.unique, 2)
    }

    /// A duplicate does not extend the window: it counts from the first ingest.
    func testDuplicateDoesNotRefreshTheWindow() {
        var options = noSampling()
        options.windowMs = 1_000
        var feed = FeedBuffer(options: options)
        let event = routing("req-1", ts: t0)
        XCTAssertEqual(feed.ingest(event, nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(event, nowMs: t0 + 900), .duplicate)
        XCTAssertEqual(feed.ingest(event, nowMs: t0 + 1_001), .added)
    }

    func testWindowSizeFollowsExpiryAndStaysFlat() {
        var options = noSampling()
        options.windowMs = 1_000
        var feed = FeedBuffer(options: options)
        var peak = 0
        for i in 0..<5_000 {
            _ = feed.ingest(routing("r\(i)", ts: t0 + Int64(i)), nowMs: t0 + Int64(i))
            peak = max(peak, feed.stats.windowSize)
        }
        // One per ms, remembered for 1,000 ms inclusive: exactly 1,001 alive once the window is full.
        XCTAssertEqual(peak, 1_001)
        XCTAssertEqual(feed.stats.windowSize, 1_001)
        _ = feed.ingest(routing("late", ts: t0), nowMs: t0 + 100_000)
        XCTAssertEqual(feed.stats.windowSize, 1)
    }

    func testCapOf50000EvictsOldestFirstAndWindowNeverExceedsIt() {
        var feed = FeedBuffer(options: noSampling())
        XCTAssertEqual(feed.options.maxIdentities, 50_000)
        var maxSeen = 0
        for i in 0...50_000 {
            XCTAssertEqual(feed.ingest(routing("r\(i)", ts: t0 + Int64(i)), nowMs: t0), .added)
            maxSeen = max(maxSeen, feed.stats.windowSize)
        }
        XCTAssertEqual(maxSeen, 50_000)
        XCTAssertEqual(feed.stats.windowSize, 50_000)
        XCTAssertEqual(feed.ingest(routing("r50000", ts: t0 + 50_000), nowMs: t0), .duplicate, "newest still remembered")
        XCTAssertEqual(feed.ingest(routing("r1", ts: t0 + 1), nowMs: t0), .duplicate, "second oldest still remembered")
        XCTAssertEqual(feed.ingest(routing("r0", ts: t0), nowMs: t0), .added, "oldest was evicted")
        XCTAssertEqual(feed.stats.windowSize, 50_000)
        // Re-adding r0 evicted r1, the oldest then.
        XCTAssertEqual(feed.ingest(routing("r1", ts: t0 + 1), nowMs: t0), .added)
    }

    // MARK: display order and capacity

    func testOutOfOrderArrivalsAreDisplayedInTsOrder() {
        var feed = FeedBuffer(options: noSampling())
        var generator = SeededGenerator(seed: 7)
        var stamps = (0..<600).map { t0 + Int64($0 * 3) }
        stamps.shuffle(using: &generator)
        for (i, ts) in stamps.enumerated() {
            _ = feed.ingest(routing("r\(i)", ts: ts), nowMs: t0 + 5_000)
        }
        let shown = feed.events.map(\.ts)
        XCTAssertEqual(shown, stamps.sorted())
    }

    func testEqualTimestampsKeepArrivalOrder() {
        var feed = FeedBuffer(options: noSampling())
        _ = feed.ingest(routing("a", ts: t0 + 10), nowMs: t0)
        _ = feed.ingest(routing("b", ts: t0 + 20), nowMs: t0)
        _ = feed.ingest(routing("c", ts: t0 + 10), nowMs: t0)
        _ = feed.ingest(routing("d", ts: t0 + 10), nowMs: t0)
        _ = feed.ingest(routing("e", ts: t0 + 5), nowMs: t0)
        XCTAssertEqual(feed.events.map(\.requestID), ["e", "a", "c", "d", "b"])
    }

    func testDisplayCapacityKeepsTheNewestByTs() {
        var options = noSampling()
        options.displayCapacity = 10
        var feed = FeedBuffer(options: options)
        var generator = SeededGenerator(seed: 11)
        var stamps = (0..<40).map { t0 + Int64($0) }
        stamps.shuffle(using: &generator)
        for (i, ts) in stamps.enumerated() {
            _ = feed.ingest(routing("r\(i)", ts: ts), nowMs: t0)
            XCTAssertLessThanOrEqual(feed.displayedCount, 10)
        }
        XCTAssertEqual(feed.events.map(\.ts), (30..<40).map { t0 + Int64($0) })
        // A late event older than everything kept is counted but not displayed.
        XCTAssertEqual(feed.ingest(routing("ancient", ts: t0 - 1_000), nowMs: t0), .added)
        XCTAssertEqual(feed.events.map(\.ts), (30..<40).map { t0 + Int64($0) })
        XCTAssertEqual(feed.stats.unique, 41)
    }

    // MARK: sampling

    func testSamplingKeepsEveryErrorAndCountsSampledOutSuccesses() {
        var feed = FeedBuffer(options: FeedOptions(displayCapacity: 100_000, successBudgetPerSecond: 50, samplingSeed: 42))
        var successes = 0
        var errors = 0
        var others = 0
        var outcomes: [FeedIngestOutcome: Int] = [:]
        // 10 s at 1,000 successes/s plus 1 error in 10 and a circuit and a cluster entry every second.
        for second in 0..<10 {
            for i in 0..<1_100 {
                let now = t0 + Int64(second * 1_000 + i * 1_000 / 1_100)
                let isError = i % 11 == 0
                let event = routing("s\(second)-\(i)", ts: now, result: isError ? "error" : "success")
                if isError { errors += 1 } else { successes += 1 }
                outcomes[feed.ingest(event, nowMs: now), default: 0] += 1
            }
            let now = t0 + Int64(second * 1_000 + 999)
            _ = feed.ingest(FeedEvent(kind: .circuit, ts: now, sourceNodeID: "iad-1", providerID: "p", from: "closed", to: "open"), nowMs: now)
            _ = feed.ingest(.cluster(ts: now, severity: .info, message: "tick \(second)"), nowMs: now)
            others += 2
        }
        let shown = feed.events
        XCTAssertEqual(shown.filter { $0.result == "error" }.count, errors, "every error is shown")
        XCTAssertEqual(shown.filter { $0.kind != .routing }.count, others, "circuit and cluster entries are never sampled")
        let shownSuccesses = shown.filter { $0.result == "success" }
        XCTAssertEqual(feed.stats.sampledOut, successes - shownSuccesses.count)
        XCTAssertEqual(outcomes[.sampledOut], feed.stats.sampledOut)
        XCTAssertEqual(feed.stats.unique, successes + errors + others)
        var perSecond = [Int64: Int]()
        for event in shownSuccesses { perSecond[(event.ts - t0) / 1_000, default: 0] += 1 }
        for second in 0..<10 {
            let count = perSecond[Int64(second)] ?? 0
            XCTAssertLessThanOrEqual(count, 50, "second \(second)")
            XCTAssertGreaterThanOrEqual(count, 30, "second \(second) should be close to the budget")
        }
        // Steady seconds sample the whole second, not just its start.
        let lateInSecond = shownSuccesses.filter { (($0.ts - t0) % 1_000) >= 500 && $0.ts - t0 >= 1_000 }
        XCTAssertGreaterThan(lateInSecond.count, 9 * 10)

        let rates = feed.rates(nowMs: t0 + 9_999)
        XCTAssertTrue(rates.sampling)
        XCTAssertEqual(rates.trueRate, 1_102, accuracy: 10)
        XCTAssertLessThan(rates.shownRate, 160)
        XCTAssertGreaterThan(rates.shownRate, 100)
    }

    func testBelowBudgetNothingIsSampled() {
        var feed = FeedBuffer(options: FeedOptions(successBudgetPerSecond: 50))
        for i in 0..<200 {
            let now = t0 + Int64(i * 25)   // 40 per second
            XCTAssertEqual(feed.ingest(routing("r\(i)", ts: now), nowMs: now), .added)
        }
        XCTAssertEqual(feed.stats.sampledOut, 0)
        let rates = feed.rates(nowMs: t0 + 4_999)
        XCTAssertFalse(rates.sampling)
        XCTAssertEqual(rates.trueRate, 40, accuracy: 1)
        XCTAssertEqual(rates.shownRate, rates.trueRate)
        XCTAssertEqual(feed.rates(nowMs: t0 + 60_000).trueRate, 0, "nothing in the last 10 s")
    }

    func testSameSeedSamplesTheSameEvents() {
        func run(seed: UInt64) -> [String?] {
            var feed = FeedBuffer(options: FeedOptions(displayCapacity: 10_000, successBudgetPerSecond: 20, samplingSeed: seed))
            for i in 0..<3_000 {
                let now = t0 + Int64(i)
                _ = feed.ingest(routing("r\(i)", ts: now), nowMs: now)
            }
            return feed.events.map(\.requestID)
        }
        XCTAssertEqual(run(seed: 1), run(seed: 1))
        XCTAssertNotEqual(run(seed: 1), run(seed: 2))
    }

    func testDuplicatesAreDroppedBeforeSampling() {
        var feed = FeedBuffer(options: FeedOptions(successBudgetPerSecond: 1))
        XCTAssertEqual(feed.ingest(routing("a", ts: t0), nowMs: t0), .added)
        XCTAssertEqual(feed.ingest(routing("a", ts: t0, node: "b"), nowMs: t0), .duplicate)
        XCTAssertEqual(feed.stats.sampledOut, 0)
        XCTAssertEqual(feed.stats.received, feed.stats.unique + feed.stats.duplicatesDropped)
    }

    // MARK: malformed

    func testMalformedIsCountedApartFromReceived() {
        var feed = FeedBuffer()
        feed.recordMalformed()
        feed.recordMalformed(count: 3)
        feed.recordMalformed(count: -2)
        XCTAssertEqual(feed.stats.malformed, 4)
        XCTAssertEqual(feed.stats.received, 0)
    }
}
