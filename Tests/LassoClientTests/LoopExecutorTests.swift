import Foundation
import LassoCore
import LassoDemo
import Synchronization
import XCTest
@testable import LassoClient
import LassoTestSupport

/// The monitor's pollers and publisher run on the HTTP client's event loop (`LoopExecutor`): after a reply, after a
/// timed sleep and inside an actor they are still on that thread, so neither wakes a concurrency-pool thread.
final class LoopExecutorTests: XCTestCase {
    actor Counter {
        var onLoop: [Bool] = []
        func note() { onLoop.append(LoopExecutor.shared.isCurrent) }
    }

    func testATaskPreferringTheLoopStaysOnItAcrossSleepsRepliesAndActors() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 1, seed: 3))
        try await cluster.start()
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(5)))
        let url = try XCTUnwrap(cluster.targets.first).url
        let counter = Counter()
        let seen = await Task(executorPreference: LoopExecutor.shared) { () -> [String: Bool] in
            var seen = ["start": LoopExecutor.shared.isCurrent]
            _ = await WakeSignal().sleep(ms: 20)
            seen["after a timed sleep"] = LoopExecutor.shared.isCurrent
            let reply = await http.get(url + "/api/health")
            if case .ok = reply {} else { seen["health answered"] = false }
            seen["after a reply"] = LoopExecutor.shared.isCurrent
            await counter.note()
            seen["back from an actor"] = LoopExecutor.shared.isCurrent
            return seen
        }.value
        let inActor = await counter.onLoop
        await http.shutdown()
        await cluster.stop()
        XCTAssertEqual(seen.filter { !$0.value }.keys.sorted(), [], "not on the loop: \(seen)")
        XCTAssertEqual(inActor, [true], "the actor's method ran off the loop")
        XCTAssertFalse(LoopExecutor.shared.isCurrent, "the test itself runs on the pool")
    }

    /// The timer every poller sleeps on fires on the loop, whoever scheduled it.
    func testTheSleepTimerFiresOnTheLoop() async {
        let fired = Mutex<[Bool]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let timer = SleepTimer.shared
            timer.schedule(timer.newID(), afterMs: 15) {
                fired.withLock { $0.append(LoopExecutor.shared.isCurrent) }
                done.resume()
            }
        }
        XCTAssertEqual(fired.withLock { $0 }, [true])
    }

    /// The publisher, which builds every snapshot, runs on the loop (its handlers run on its task).
    func testTheMonitorPublishesFromTheLoop() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 2, seed: 9, eventRate: 50))
        try await cluster.start()
        let monitor = try ClusterMonitor(config: MonitorConfig(targets: cluster.targets, healthIntervalMs: 500,
                                                               metricsIntervalMs: 1_000, http: HTTPOptions(timeout: .seconds(2))))
        let threads = Mutex<[Bool]>([])
        monitor.onPublish { threads.withLock { $0.append(LoopExecutor.shared.isCurrent) } }
        await monitor.start()
        _ = try await waitFor(monitor, "2/2 nodes with events") { $0.coverage.responding == 2 && $0.feedStats.unique > 0 }
        try await eventually(10, "three publishes") { threads.withLock { $0.count } >= 3 }
        await monitor.stop()
        await cluster.stop()
        let seen = threads.withLock { $0 }
        XCTAssertFalse(seen.isEmpty)
        XCTAssertEqual(seen.filter { !$0 }.count, 0, "published off the loop \(seen.filter { !$0 }.count) of \(seen.count) times")
    }
}
