import AsyncHTTPClient
import NIOCore
import NIOPosix

/// Runs the monitor's pollers and publisher on the HTTP client's event-loop thread. A reply read there resumes the
/// poller on the same thread, and the shared sleep timer (`SleepTimer`) fires there too: before, every reply and every
/// timer woke a concurrency-pool thread (28 context switches a second for a dashboard watching 3 nodes, 8 after;
/// docs/performance.md, "Idle").
public final class LoopExecutor: TaskExecutor, Sendable {
    public static let shared = LoopExecutor(loop: HTTPClient.defaultEventLoopGroup.next())

    /// Metrics refreshes (every node's body decoded, then aggregated) run on a thread of their own, which sleeps
    /// between refreshes. On `shared`, a large cluster's decoding and aggregation (17 ms a refresh at 200 demo nodes)
    /// would hold the health replies read meanwhile, and their latency figures would include the wait; on the
    /// concurrency pool, every refresh started threads that retired seconds later (docs/performance.md, "Eighth round"
    /// and "Ninth round"). The cache must be given it: an unstructured task does not inherit its creator's preference.
    public static let refreshes = LoopExecutor(loop: MultiThreadedEventLoopGroup(numberOfThreads: 1).next())

    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    /// True on the loop's thread.
    public var isCurrent: Bool { loop.inEventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
