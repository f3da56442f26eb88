import Foundation
import LassoClient
import LassoCore
import Synchronization

/// What the hub serves, frozen once per published `ClusterSnapshot`. Each document is encoded once per frame, by
/// whoever needs it first — a request, or the refresh loop while viewers are reading (`HubPublisher.refresh`) — and
/// never by two at once (single flight: 100 viewers cost one encode, and no request ever reaches the nodes). A hub
/// nobody reads encodes nothing: encoding the snapshot document every beat was most of an unread hub's CPU
/// (docs/performance.md, "A hub nobody reads").
public final class HubFrame: Sendable {
    public let snapshot: ClusterSnapshot
    /// Monotonic instant the frame was built (for `/healthz` age).
    public let builtAt: ContinuousClock.Instant
    private let json = Mutex<Data?>(nil)
    private let metrics = Mutex<Data?>(nil)
    private let encoded: @Sendable () -> Void

    init(snapshot: ClusterSnapshot, builtAt: ContinuousClock.Instant, encoded: @escaping @Sendable () -> Void) {
        self.snapshot = snapshot
        self.builtAt = builtAt
        self.encoded = encoded
    }

    /// `lassotop.snapshot/2`, byte for byte what `snapshot --format json` prints (with its trailing newline).
    public var snapshotJSON: Data {
        json.withLock { cached in
            if let cached { return cached }
            var encoded = (try? SnapshotDocument(snapshot: snapshot).json()) ?? Data("{}".utf8)
            encoded.append(0x0A)
            self.encoded()
            cached = encoded
            return encoded
        }
    }

    /// Prometheus text exposition 0.0.4.
    public var metricsText: Data {
        metrics.withLock { cached in
            if let cached { return cached }
            let rendered = Data(HubMetrics.render(snapshot).utf8)
            encoded()
            cached = rendered
            return rendered
        }
    }
}

/// Turns the monitor's latest snapshots into frames and numbers the feed for `/api/v1/events`.
public final class HubPublisher: Sendable {
    public typealias Source = @Sendable () -> ClusterSnapshot

    let source: Source
    public let healthIntervalMs: @Sendable () -> Int64
    private let frame = Mutex<HubFrame?>(nil)
    let feed: HubFeedLog
    private let frames = Atomic<Int>(0)
    /// `refresh` calls so far (each one reads the monitor's latest snapshot).
    let refreshes = Atomic<Int>(0)
    private let encodes = Atomic<Int>(0)
    /// When `/api/v1/snapshot` was last read (ms on `clock`); `Int64.min` when never.
    private let lastSnapshotReadMs = Atomic<Int64>(.min)
    private let clock: @Sendable () -> Int64
    /// Yields once per monitor publish (`ClusterMonitor.onPublish`); nil for a plain `source`, which `run` polls.
    private let published: AsyncStream<Void>?

    /// While a snapshot was read this recently, the refresh loop encodes each new frame's document itself, so
    /// viewers (the dashboard reads every second) never wait for it; after that, the first reader encodes it.
    /// Prometheus scrapes (every 15 s or more, against a 2 s beat) always encode on demand: most frames are never
    /// scraped.
    static let viewersRecentMs: Int64 = 10_000

    /// `source` must be cheap and never touch the network (`ClusterMonitor.latestSnapshot`). `run` polls it.
    public convenience init(source: @escaping Source, healthIntervalMs: @escaping @Sendable () -> Int64,
                            feedCapacity: Int = 10_000,
                            clock: @escaping @Sendable () -> Int64 = HubPublisher.wallClockMs) {
        self.init(source: source, healthIntervalMs: healthIntervalMs, feedCapacity: feedCapacity, clock: clock,
                  following: nil)
    }

    /// Follows the monitor: `run` refreshes after each of its publishes and sleeps in between (it polled every
    /// 100 ms, ten timer wake-ups a second of an idle hub).
    public convenience init(monitor: ClusterMonitor) {
        self.init(source: { monitor.latestSnapshot() }, healthIntervalMs: { monitor.healthIntervalMs() },
                  feedCapacity: 10_000, clock: Self.wallClockMs, following: monitor)
    }

    /// Milliseconds since 1970, the default clock of the viewers-recently-read window.
    public static let wallClockMs: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    private init(source: @escaping Source, healthIntervalMs: @escaping @Sendable () -> Int64, feedCapacity: Int,
                 clock: @escaping @Sendable () -> Int64, following monitor: ClusterMonitor?) {
        self.source = source
        self.healthIntervalMs = healthIntervalMs
        self.feed = HubFeedLog(capacity: feedCapacity)
        self.clock = clock
        if let monitor {
            // The newest publish is all that matters: a refresh reads the latest snapshot whatever woke it.
            let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            published = stream
            monitor.onPublish { continuation.yield() }
        } else {
            published = nil
        }
    }

    public func current() -> HubFrame? { frame.withLock { $0 } }

    /// The current frame's snapshot document, for a viewer: nil before the first frame. Counts as a viewer reading.
    public func snapshotDocument() -> Data? {
        lastSnapshotReadMs.store(clock(), ordering: .relaxed)
        return current()?.snapshotJSON
    }

    /// Frames built so far (each one a new snapshot generation).
    public var framesBuilt: Int { frames.load(ordering: .relaxed) }

    /// Documents encoded so far (snapshot JSON and Prometheus text, each at most once per frame).
    public var documentsEncoded: Int { encodes.load(ordering: .relaxed) }

    /// Builds a new frame when the monitor published a new snapshot. Returns true when it did.
    @discardableResult
    public func refresh() -> Bool {
        refreshes.add(1, ordering: .relaxed)
        let snapshot = source()
        if let existing = current(), existing.snapshot.generatedAtMs == snapshot.generatedAtMs, existing.snapshot == snapshot {
            return false
        }
        let built = HubFrame(snapshot: snapshot, builtAt: .now) { [weak self] in self?.encodes.add(1, ordering: .relaxed) }
        let lastRead = lastSnapshotReadMs.load(ordering: .relaxed)
        if lastRead != .min, clock() - lastRead <= Self.viewersRecentMs { _ = built.snapshotJSON }
        frame.withLock { $0 = built }
        frames.add(1, ordering: .relaxed)
        feed.append(snapshot.feed)
        return true
    }

    /// Refreshes until cancelled: after each publish of the monitor, or (a plain `source`) every `everyMs`. Call it
    /// once. Reading the monitor's published value is an in-memory copy.
    public func run(everyMs: Int64 = 100) async {
        refresh()
        if let published {
            for await _ in published { refresh() }
        } else {
            while (try? await Task.sleep(for: .milliseconds(everyMs))) != nil { refresh() }
        }
        feed.closeAll()
    }
}

/// The deduplicated feed, numbered: each entry the hub has not seen in the previous snapshot's feed gets the next
/// sequence number. Bounded (oldest dropped). Long-poll readers wait on a continuation, woken by `append`.
public final class HubFeedLog: Sendable {
    struct Entry: Sendable {
        let seq: Int64
        let event: FeedEvent
    }

    private struct State: Sendable {
        var entries: [Entry] = []
        var lastSeq: Int64 = 0
        var previous: [FeedEvent] = []
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        /// Waiters whose timeout or cancellation came before they registered: they must not wait at all.
        var expired: Set<Int> = []
        var closed = false
    }

    let capacity: Int
    /// Long polls beyond this answer at once (a flood of waiting clients must not grow memory without bound).
    static let maxWaiters = 1_024
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var lastSeq: Int64 { state.withLock { $0.lastSeq } }

    func append(_ feed: [FeedEvent]) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var added = false
            for event in Self.unseen(feed, previous: state.previous) {
                state.lastSeq += 1
                state.entries.append(Entry(seq: state.lastSeq, event: event))
                added = true
            }
            state.previous = feed
            if state.entries.count > capacity + capacity / 4 { state.entries.removeFirst(state.entries.count - capacity) }
            guard added else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// The events of `feed` not in `previous`, in `feed`'s order.
    static func unseen(_ feed: [FeedEvent], previous: [FeedEvent]) -> [FeedEvent] {
        zip(feed, FeedMatching.indices(of: feed, in: previous)).compactMap { $1 == nil ? $0 : nil }
    }

    func closeAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Entries after `since`, oldest first, at most `limit`; `next` is the cursor for the following call. A `since`
    /// beyond the newest number (the hub restarted) answers with the current newest number, below the caller's cursor,
    /// which is how docs/events-protocol.md signals a restart.
    func page(since: Int64, limit: Int) -> (next: Int64, events: [FeedEvent]) {
        state.withLock { state in
            if since > state.lastSeq { return (state.lastSeq, []) }
            // Sequence numbers are contiguous, so the first entry after `since` is found by offset.
            guard let first = state.entries.first else { return (since, []) }
            let start = max(0, Int(since + 1 - first.seq))
            let slice = state.entries[min(start, state.entries.count)...].prefix(limit)
            return (slice.last?.seq ?? since, slice.map(\.event))
        }
    }

    /// Returns once an entry after `since` exists, `timeout` passed, or the task was cancelled.
    func wait(after since: Int64, timeout: Duration) async {
        let id = state.withLock { state -> Int? in
            guard state.lastSeq <= since, !state.closed, state.waiters.count < Self.maxWaiters else { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return }
        let timer = Task { [self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            resume(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.expired.remove(id) != nil || state.lastSeq > since || state.closed { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            resume(id)
        }
        timer.cancel()
        state.withLock { _ = $0.expired.remove(id) }
    }

    private func resume(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            state.expired.insert(id)
            return nil
        }
        waiter?.resume()
    }
}
