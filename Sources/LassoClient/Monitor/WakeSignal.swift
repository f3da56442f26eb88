import Dispatch
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
    /// One continuation and one dispatch timer per sleep: a task group racing a `Task.sleep` child against a waiting
    /// child made several jobs per sleep (two child tasks, their cancellation, the group), each a possible thread
    /// wake-up, and the pollers sleep several times a second.
    func sleep(ms: Int64) async -> Bool {
        let (generation, id) = waiters.withLock { w -> (Int, Int) in
            w.nextID += 1
            return (w.generation, w.nextID)
        }
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
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(min(max(ms, 0), Int64(Int32.max))))) {
                    self.waiters.withLock { $0.sleeping.removeValue(forKey: id) }?.resume()
                }
            }
        } onCancel: {
            waiters.withLock { $0.sleeping.removeValue(forKey: id) }?.resume()
        }
        return !Task.isCancelled
    }
}

/// A flag one task raises and another takes down (shareable in closures, unlike a bare `Atomic`).
final class RaisedFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    /// True once per `raise`.
    func take() -> Bool { raised.exchange(false, ordering: .relaxed) }
}

/// How many of something are under way (polls in flight), shareable in closures. Never below zero: a `decrement`
/// after a `reset` is dropped.
final class PollCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
    func decrement() {
        var current = count.load(ordering: .relaxed)
        while current > 0 {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current - 1, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
    func reset() { count.store(0, ordering: .relaxed) }
}
