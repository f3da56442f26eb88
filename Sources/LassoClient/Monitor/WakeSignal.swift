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
            defer { w.sleeping.removeAll() }
            return Array(w.sleeping.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns after `ms`, or early on a `wakeAll` made after this call began. False when the task was cancelled.
    func sleep(ms: Int64) async -> Bool {
        let generation = waiters.withLock { $0.generation }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .milliseconds(max(ms, 0))) }
            group.addTask { await self.wait(since: generation) }
            await group.next()
            group.cancelAll()
        }
        return !Task.isCancelled
    }

    private func wait(since generation: Int) async {
        let id = waiters.withLock { w -> Int in
            w.nextID += 1
            return w.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = waiters.withLock { w -> Bool in
                    // Woken or cancelled before we got here: do not sleep at all.
                    if w.generation != generation || Task.isCancelled { return true }
                    w.sleeping[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            waiters.withLock { $0.sleeping.removeValue(forKey: id) }?.resume()
        }
    }
}

/// A flag one task raises and another takes down (shareable in closures, unlike a bare `Atomic`).
final class RaisedFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    /// True once per `raise`.
    func take() -> Bool { raised.exchange(false, ordering: .relaxed) }
}
