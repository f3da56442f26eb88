import Foundation
import LassoClient
import LassoCore
import Synchronization

/// What the hub serves, frozen once per published `ClusterSnapshot`: the snapshot JSON document and the Prometheus
/// exposition are encoded by the refresh loop, never by a request (single flight: 100 viewers cost one encode, and no
/// request ever reaches the nodes).
public struct HubFrame: Sendable {
    public let snapshot: ClusterSnapshot
    /// `lassotop.snapshot/2`, byte for byte what `snapshot --format json` prints (with its trailing newline).
    public let snapshotJSON: Data
    /// Prometheus text exposition 0.0.4.
    public let metricsText: Data
    /// Monotonic instant the frame was built (for `/healthz` age).
    public let builtAt: ContinuousClock.Instant
}

/// Turns the monitor's latest snapshots into cached frames and numbers the feed for `/api/v1/events`.
public final class HubPublisher: Sendable {
    public typealias Source = @Sendable () -> ClusterSnapshot

    let source: Source
    public let healthIntervalMs: @Sendable () -> Int64
    private let frame = Mutex<HubFrame?>(nil)
    let feed: HubFeedLog
    private let frames = Atomic<Int>(0)

    /// `source` must be cheap and never touch the network (`ClusterMonitor.latestSnapshot`).
    public init(source: @escaping Source, healthIntervalMs: @escaping @Sendable () -> Int64, feedCapacity: Int = 10_000) {
        self.source = source
        self.healthIntervalMs = healthIntervalMs
        self.feed = HubFeedLog(capacity: feedCapacity)
    }

    public convenience init(monitor: ClusterMonitor) {
        self.init(source: { monitor.latestSnapshot() }, healthIntervalMs: { monitor.healthIntervalMs() })
    }

    public func current() -> HubFrame? { frame.withLock { $0 } }

    /// Frames built so far (each one a new snapshot generation).
    public var framesBuilt: Int { frames.load(ordering: .relaxed) }

    /// Builds a new frame when the monitor published a new snapshot. Returns true when it did.
    @discardableResult
    public func refresh() -> Bool {
        let snapshot = source()
        if let existing = current(), existing.snapshot.generatedAtMs == snapshot.generatedAtMs, existing.snapshot == snapshot {
            return false
        }
        var json = (try? SnapshotDocument(snapshot: snapshot).json()) ?? Data("{}".utf8)
        json.append(0x0A)
        let metrics = HubMetrics.render(snapshot)
        let built = HubFrame(snapshot: snapshot, snapshotJSON: json, metricsText: Data(metrics.utf8), builtAt: .now)
        frame.withLock { $0 = built }
        frames.add(1, ordering: .relaxed)
        feed.append(snapshot.feed)
        return true
    }

    /// Refreshes every `everyMs` until cancelled. Reading the monitor's published value is an in-memory copy.
    public func run(everyMs: Int64 = 100) async {
        while !Task.isCancelled {
            refresh()
            do { try await Task.sleep(for: .milliseconds(everyMs)) } catch { return }
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
        var previous: Set<FeedEvent> = []
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
            for event in feed where !state.previous.contains(event) {
                state.lastSeq += 1
                state.entries.append(Entry(seq: state.lastSeq, event: event))
                added = true
            }
            state.previous = Set(feed)
            if state.entries.count > capacity + capacity / 4 { state.entries.removeFirst(state.entries.count - capacity) }
            guard added else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
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
