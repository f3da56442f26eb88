import Foundation
import LassoCore

/// What one demo node's `/api/health` says instead of the simulation (`POST /_demo/health`,
/// `DemoCluster.setHealthOverride`): a node's own view of the cluster, its version during a rolling deploy, and a
/// slow reply (Lasso's topology call falls back to `standalone` after a 5 s timeout, so real replies can take just
/// over 5 s). nil fields follow the simulation. Applies to `/api/health` only.
public struct DemoHealthOverride: Sendable, Equatable {
    public var version: String?
    public var view: ClusterView?
    public var delay: Duration?

    public init(version: String? = nil, view: ClusterView? = nil, delay: Duration? = nil) {
        self.version = version
        self.view = view
        self.delay = delay
    }
}

/// Settings of the simulated cluster. Every field has a default; `DemoConfig()` is the cluster `lassotop` watches.
public struct DemoConfig: Sendable {
    /// Number of nodes, clamped to 1...500. Ids follow `DemoCluster.nodeIDs(count:)`: iad-1, fra-1, sin-1, sjc-1, ….
    public var nodeCount: Int
    /// nil: each node gets a free port from the OS. Otherwise nodes listen on P, P+1, ….
    public var basePort: Int?
    /// Seeds the traffic model: the same seed gives the same sequence of routing decisions.
    public var seed: UInt64
    /// Routing decisions per second across the whole cluster, clamped to 0...10_000.
    public var eventRate: Double
    /// Events kept per node (`/api/events`); oldest dropped first. At least 1.
    public var bufferCapacity: Int
    /// How long a `slow` node waits before replying (longer than any client timeout by default).
    public var slowDelay: Duration
    /// When the third chain (`arbitrum`) starts receiving traffic, from cluster start. nil: never. Until then its
    /// `/api/metrics/arbitrum` has `last_updated: 0` and no providers (Lasso's cold-chain shape).
    public var lateChainStart: Duration?
    /// Length of one circuit-breaker cycle of the flaky provider (`ethereum_ankr`): closed for 60 %, open for 25 %,
    /// half-open for 15 % of the cycle. Each transition is a `kind: "circuit"` event from every connected node.
    public var circuitCycle: Duration

    public init(nodeCount: Int = 3, basePort: Int? = nil, seed: UInt64 = 42, eventRate: Double = 20,
                bufferCapacity: Int = 5_000, slowDelay: Duration = .seconds(30),
                lateChainStart: Duration? = .seconds(20), circuitCycle: Duration = .seconds(90)) {
        self.nodeCount = nodeCount
        self.basePort = basePort
        self.seed = seed
        self.eventRate = eventRate
        self.bufferCapacity = bufferCapacity
        self.slowDelay = slowDelay
        self.lateChainStart = lateChainStart
        self.circuitCycle = circuitCycle
    }
}

/// One node of a started cluster. `url` has no trailing slash.
public struct DemoNodeInfo: Sendable, Equatable, Hashable {
    public let id: String
    public let url: String
    public let port: Int

    public init(id: String, url: String, port: Int) {
        self.id = id
        self.url = url
        self.port = port
    }
}

public enum DemoClusterError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownNode(String)
    /// A stopped cluster cannot be started again; make a new one.
    case stopped
    /// The node's port could not be bound (in use, or not permitted).
    case bindFailed(node: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .unknownNode(let id): return "unknown demo node \(id)"
        case .stopped: return "the demo cluster was stopped"
        case .bindFailed(let node, let port, let reason): return "demo node \(node) cannot listen on 127.0.0.1:\(port): \(reason)"
        }
    }
}
