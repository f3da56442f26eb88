import LassoCore
import Synchronization

/// Mutable state of one simulated node, guarded by `DemoNode.state`.
struct NodeState: Sendable {
    var fault: DemoFault = .ok
    /// The bound port (0 until the first bind when the OS picks it).
    var port: Int
    var startedAt: ContinuousClock.Instant
    var events: EventRing
    var chains: [ChainStats]
    /// Times this node was reset by a `restart` fault.
    var restarts = 0
    /// Replaces parts of `/api/health` (kept across restarts, like a deployed version).
    var healthOverride = DemoHealthOverride()

    init(port: Int, bufferCapacity: Int, now: ContinuousClock.Instant) {
        self.port = port
        startedAt = now
        events = EventRing(capacity: bufferCapacity)
        chains = DemoCatalog.chains.map(ChainStats.init(chain:))
    }

    /// What a process restart loses: counters, the event buffer and its sequence, and uptime.
    mutating func reset(now: ContinuousClock.Instant) {
        startedAt = now
        events = EventRing(capacity: events.capacity)
        chains = DemoCatalog.chains.map(ChainStats.init(chain:))
        restarts += 1
    }

    var totalCalls: Int {
        chains.reduce(0) { sum, chain in
            sum + chain.methods.reduce(0) { $0 + $1.reduce(0) { $0 + ($1?.totalCalls ?? 0) } }
        }
    }
}

final class DemoNode: Sendable {
    let id: String
    let index: Int
    let state: Mutex<NodeState>

    init(id: String, index: Int, port: Int, bufferCapacity: Int, now: ContinuousClock.Instant) {
        self.id = id
        self.index = index
        state = Mutex(NodeState(port: port, bufferCapacity: bufferCapacity, now: now))
    }

    var fault: DemoFault { state.withLock { $0.fault } }
    var healthOverride: DemoHealthOverride { state.withLock { $0.healthOverride } }
}
