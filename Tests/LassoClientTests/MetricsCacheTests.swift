import Foundation
import LassoCore
import XCTest
@testable import LassoClient
import LassoTestSupport

/// The cache on its own: TTL, stale-while-revalidate, single flight, generations. Values are plain strings here;
/// the monitor's real use (chain metrics over HTTP) is in FetchIntegrationTests.
final class MetricsCacheTests: XCTestCase {
    typealias Cache = MetricsCache<Int, String>

    /// Fetches that wait until the test releases them, per key, first come first released.
    final class Gate: Sendable {
        let waiting = Locked<[String: [CheckedContinuation<Void, Never>]]>([:])

        func pass(_ key: String) async {
            await withCheckedContinuation { continuation in waiting.withLock { $0[key, default: []].append(continuation) } }
        }

        func release(_ key: String, within seconds: Double = 5) async throws {
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
                    guard let first = waiting[key]?.first else { return nil }
                    waiting[key]?.removeFirst()
                    return first
                }
                if let next {
                    next.resume()
                    return
                }
                guard Date() < deadline else { return XCTFail("no fetch of \(key) waiting within \(seconds) s") }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// A refresh's fetch runs where the cache was told (the monitor: its refresh thread, not the loop that reads the
    /// replies), though a pool thread asked for it: an unstructured task does not inherit its creator's executor.
    /// Without an executor it runs on the pool. (Only the fetch: the landing runs on the cache actor, wherever the
    /// actor is being run at that moment.)
    func testRefreshesFetchOnTheGivenExecutor() async {
        XCTAssertFalse(LoopExecutor.refreshes.loop === LoopExecutor.shared.loop, "two threads")
        for executor in [LoopExecutor.refreshes, LoopExecutor.shared, nil] as [LoopExecutor?] {
            let ranOn = Locked<[String]>([])
            let cache = Cache(ttlMs: 1_000, now: { 0 }, executor: executor, fetch: { key in
                let thread = LoopExecutor.refreshes.isCurrent ? "refreshes" : LoopExecutor.shared.isCurrent ? "loop" : "pool"
                ranOn.withLock { $0.append(thread) }
                return key.count
            }, land: { key, fetched in "\(key)=\(fetched)" })
            XCTAssertFalse(LoopExecutor.shared.isCurrent || LoopExecutor.refreshes.isCurrent, "the test itself runs on the pool")
            let lookup = await cache.get("abc", wait: true)
            XCTAssertEqual(lookup.entry?.value, "abc=3")
            let expected = executor === LoopExecutor.refreshes ? "refreshes" : executor === LoopExecutor.shared ? "loop" : "pool"
            XCTAssertEqual(ranOn.withLock { $0 }, [expected])
        }
    }

    /// The monitor gives its cache the refresh thread: a large cluster's decoding and aggregation stay off the loop
    /// that reads the health replies (their latency figures would include it; docs/performance.md, "Ninth round").
    func testTheMonitorRefreshesOnItsOwnThread() async throws {
        let monitor = try ClusterMonitor(config: MonitorConfig(targets: [NodeTarget(name: "a", url: "http://127.0.0.1:1")]))
        XCTAssertTrue((monitor.cache.executor as? LoopExecutor) === LoopExecutor.refreshes)
        await monitor.stop()
    }

    func testFreshWithinTTLThenStaleWhileRevalidatingWithOneRefresh() async throws {
        let clock = Locked<Int64>(0)
        let fetches = Locked(0)
        let gate = Gate()
        let cache = Cache(ttlMs: 1_000, now: { clock.withLock { $0 } },
                          fetch: { key in
                              let n = fetches.withLock { $0 += 1; return $0 }
                              if n > 1 { await gate.pass(key) }   // the revalidation waits until the test says so
                              return n
                          },
                          land: { key, n in "\(key) v\(n)" })
        let first = await cache.get("eth", wait: true)
        XCTAssertEqual(first.entry?.value, "eth v1")
        XCTAssertEqual(first.freshness, .fresh)
        clock.withLock { $0 = 999 }
        let hit = await cache.get("eth")
        XCTAssertEqual(hit.freshness, .fresh)
        XCTAssertEqual(hit.entry?.value, "eth v1")
        clock.withLock { $0 = 1_000 }
        let stale = await cache.get("eth")
        XCTAssertEqual(stale.freshness, .stale)
        XCTAssertEqual(stale.entry?.value, "eth v1", "a stale entry is served while it revalidates")
        let again = await cache.get("eth")
        XCTAssertEqual(again.freshness, .stale)
        XCTAssertEqual(again.entry?.value, "eth v1")
        let running = await cache.refresh("eth")   // joins the refresh already running
        let pending = await cache.stats().pendingRefreshes
        XCTAssertEqual(pending, 1)
        try await gate.release("eth")
        let refreshed = await running.value
        XCTAssertEqual(refreshed?.value, "eth v2")
        XCTAssertEqual(refreshed?.fetchedAtMs, 1_000)
        XCTAssertEqual(fetches.withLock { $0 }, 2, "one refresh for two stale reads and the explicit refresh")
        let after = await cache.get("eth")
        XCTAssertEqual(after.freshness, .fresh)
        XCTAssertEqual(after.entry?.value, "eth v2")
        let stats = await cache.stats()
        XCTAssertEqual(stats.misses, 1)
        XCTAssertEqual(stats.hits, 2)
        XCTAssertEqual(stats.staleHits, 2)
        XCTAssertEqual(stats.entries, 1)
        XCTAssertEqual(stats.pendingRefreshes, 0)
    }

    func testMissWithoutWaitIsLoadingAndStartsTheRefresh() async throws {
        let gate = Gate()
        let cache = Cache(ttlMs: 1_000, now: { 0 }, fetch: { key in await gate.pass(key); return 7 }, land: { "\($0)=\($1)" })
        let lookup = await cache.get("base")
        XCTAssertEqual(lookup.freshness, .loading)
        XCTAssertNil(lookup.entry)
        let running = await cache.refresh("base")   // the refresh the miss started
        try await gate.release("base")
        let entry = await running.value
        XCTAssertEqual(entry?.value, "base=7")
    }

    func testResultsOfAnOlderGenerationNeverLand() async throws {
        let gate = Gate()
        let landed = Locked(0)
        let cache = Cache(ttlMs: 1_000, now: { 0 }, fetch: { key in await gate.pass(key); return 1 },
                          land: { key, _ in landed.withLock { $0 += 1 }; return key })
        let old = await cache.refresh("eth")
        await cache.invalidateAll()
        let current = await cache.refresh("eth")
        try await gate.release("eth")
        try await gate.release("eth")
        let oldEntry = await old.value
        let currentEntry = await current.value
        XCTAssertNil(oldEntry)
        XCTAssertEqual(currentEntry?.generation, 1)
        XCTAssertEqual(landed.withLock { $0 }, 1, "land runs only for the current generation")
        let stats = await cache.stats()
        XCTAssertEqual(stats.entries, 1)
    }

    func testReadingReportsEntriesCountersAndOldestRefresh() async throws {
        let gate = Gate()
        let clock = Locked<Int64>(100)
        let cache = Cache(ttlMs: 1_000, now: { clock.withLock { $0 } }, fetch: { key in await gate.pass(key); return 1 },
                          land: { key, _ in key })
        let a = await cache.refresh("a")
        clock.withLock { $0 = 200 }
        let b = await cache.refresh("b")
        let during = await cache.reading()
        XCTAssertEqual(during.oldestRefreshStartMs, 100)
        XCTAssertEqual(during.stats.pendingRefreshes, 2)
        XCTAssertTrue(during.entries.isEmpty)
        try await gate.release("a")
        try await gate.release("b")
        _ = await a.value
        _ = await b.value
        let after = await cache.reading()
        XCTAssertNil(after.oldestRefreshStartMs)
        XCTAssertEqual(after.entries.keys.sorted(), ["a", "b"])
        XCTAssertEqual(after.stats.entries, 2)
    }
}
