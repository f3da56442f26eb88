import NIOCore
import Synchronization

/// Lets sleeping tasks be woken all at once (`wakeAll`), without polling a flag on a short timer: an idle monitor
/// wakes only when a poll is due.
final class WakeSignal: Sendable {
    private struct Waiters {
        var generation = 0
        var nextID = 0
        var sleeping: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let waiters = Mutex(Waiters())

    func wakeAll() {
        let woken = waiters.withLock { w -> [CheckedContinuation<Void, Never>] in
            w.generation += 1
            defer { w.sleeping.removeAll(keepingCapacity: true) }
            return Array(w.sleeping.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns after `ms`, or early on a `wakeAll` made after this call began. False when the task was cancelled.
    /// One continuation per sleep, timed by the shared `SleepTimer`: a task group racing a `Task.sleep` child
    /// against a waiting child made several jobs per sleep, and a timer of its own per sleeper made a timer
    /// wake-up per poller, though the pollers wake on the same beat.
    func sleep(ms: Int64) async -> Bool {
        let (generation, id) = waiters.withLock { w -> (Int, Int) in
            w.nextID += 1
            return (w.generation, w.nextID)
        }
        let timerID = SleepTimer.shared.newID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = waiters.withLock { w -> Bool in
                    // Woken or cancelled before we got here: do not sleep at all.
                    if w.generation != generation || Task.isCancelled { return true }
                    w.sleeping[id] = continuation
                    return false
                }
                if now {
                    continuation.resume()
                    return
                }
                // Whichever comes first takes the continuation out (timer, `wakeAll`, cancellation); the others
                // find nothing to resume.
                SleepTimer.shared.schedule(timerID, afterMs: ms) {
                    self.waiters.withLock { $0.sleeping.removeValue(forKey: id) }?.resume()
                }
            }
        } onCancel: {
            waiters.withLock { $0.sleeping.removeValue(forKey: id) }?.resume()
        }
        SleepTimer.shared.cancel(timerID)
        return !Task.isCancelled
    }
}

/// One timer for every `WakeSignal` sleep in the process, set to the earliest deadline: the pollers of every node, the
/// publisher and the metrics loop sleep to the same beat (`ClusterMonitor.pauseAligned`), and a timer each woke the
/// process once per sleeper. Deadlines within `coalesceMs` of the one that fires are served by the same wake-up, and
/// the timer is not moved earlier by less than that (a sleep may end that much early or late). It is a task scheduled
/// on the monitor's event loop (`LoopExecutor`), where the woken pollers run: the thread that fires it runs them.
final class SleepTimer: Sendable {
    static let shared = SleepTimer(loop: LoopExecutor.shared.loop)
    static let coalesceMs: UInt64 = 2

    private struct Entry {
        var deadline: UInt64
        var fire: @Sendable () -> Void
    }
    private struct State {
        var nextID = 0
        var entries: [Int: Entry] = [:]
        /// The deadline the timer is set for (nil: not set), and the scheduled task that fires it.
        var armed: UInt64?
        var scheduled: Scheduled<Void>?
    }
    private let state = Mutex(State())
    private let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func newID() -> Int {
        state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
    }

    /// Calls `fire` (on the event loop; keep it short) once `ms` have passed, unless `cancel(id)` came first.
    func schedule(_ id: Int, afterMs ms: Int64, _ fire: @escaping @Sendable () -> Void) {
        let deadline = NIODeadline.now().uptimeNanoseconds &+ UInt64(max(0, min(ms, 86_400_000))) * 1_000_000
        state.withLock { s in
            s.entries[id] = Entry(deadline: deadline, fire: fire)
            // Set under the lock, so a later deadline set by `fire` cannot overwrite an earlier one set here. Not
            // moved for a deadline less than `coalesceMs` before the one set: the pollers aim at the same beat from
            // slightly different instants, and each move of the timer is one more wake-up.
            if s.armed.map({ deadline &+ Self.coalesceMs * 1_000_000 < $0 }) ?? true {
                arm(&s, at: deadline)
            }
        }
    }

    /// Forgets `id` (woken early or done). The timer stays set; when it fires it finds nothing for it.
    func cancel(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    private func arm(_ s: inout State, at deadline: UInt64) {
        s.scheduled?.cancel()
        s.armed = deadline
        s.scheduled = loop.scheduleTask(deadline: .uptimeNanoseconds(deadline)) { self.fireDue() }
    }

    private func fireDue() {
        let now = NIODeadline.now().uptimeNanoseconds
        let due = state.withLock { s -> [@Sendable () -> Void] in
            var due: [@Sendable () -> Void] = []
            var next: UInt64?
            let limit = now &+ Self.coalesceMs * 1_000_000
            for (id, entry) in s.entries {
                if entry.deadline <= limit {
                    due.append(entry.fire)
                    s.entries[id] = nil
                } else {
                    next = min(next ?? entry.deadline, entry.deadline)
                }
            }
            s.scheduled = nil
            s.armed = nil
            if let next { arm(&s, at: next) }
            return due
        }
        for fire in due { fire() }
    }
}

/// A flag one task raises and another takes down (shareable in closures, unlike a bare `Atomic`).
final class RaisedFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    /// True once per `raise`.
    func take() -> Bool { raised.exchange(false, ordering: .relaxed) }
}

/// How many of something are under way (polls in flight), shareable in closures.
final class PollCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
    func decrement() { count.subtract(1, ordering: .relaxed) }
}

/// Pollers asleep until a time on the beat, counted from before they sleep until their next poll has started (then
/// the poll counts as in flight). One timer resumes every sleeper of a beat, the publisher among them, in no set order:
/// without this, a publisher that ran first saw nothing under way and built a snapshot, and the beat's polls built a
/// second one a few ms later (docs/performance.md, "Eleventh round").
final class DuePollers: Sendable {
    /// Due time (ms on the monitor's clock) → pollers due then.
    private let due = Mutex<[Int64: Int]>([:])

    func expect(atMs ms: Int64) {
        due.withLock { $0[ms, default: 0] += 1 }
    }

    func done(atMs ms: Int64) {
        due.withLock { due in
            guard let count = due[ms] else { return }
            due[ms] = count > 1 ? count - 1 : nil
        }
    }

    /// A poller's due time changes from `dueAt` to `ms` (nil: not due): the one place a poller's `expect` and `done`
    /// are paired, so each `expect` has exactly one `done`.
    func move(_ dueAt: inout Int64?, to ms: Int64?) {
        if let old = dueAt { done(atMs: old) }
        if let ms { expect(atMs: ms) }
        dueAt = ms
    }

    /// Some poller due at or before `ms` has not started its poll yet.
    func pending(byMs ms: Int64) -> Bool {
        due.withLock { $0.keys.contains { $0 <= ms } }
    }
}
