import AsyncHTTPClient
import NIOCore

/// Runs the monitor's pollers and publisher on the HTTP client's event-loop thread. A reply read there resumes the
/// poller on the same thread, and the shared sleep timer (`SleepTimer`) fires there too: before, every reply and every
/// timer woke a concurrency-pool thread (28 context switches a second for a dashboard watching 3 nodes, 8 after;
/// docs/performance.md, "Idle"). Metrics refreshes run here too (the cache starts them with this preference: an
/// unstructured task does not inherit its creator's, and they ran on pool threads until the eighth round): with a
/// large cluster their decoding and aggregation share the loop with the replies (docs/performance.md, "Fifth round").
public final class LoopExecutor: TaskExecutor, Sendable {
    public static let shared = LoopExecutor(loop: HTTPClient.defaultEventLoopGroup.next())

    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    /// True on the loop's thread.
    public var isCurrent: Bool { loop.inEventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
