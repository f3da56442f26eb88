/// Poll state of one watched node: `down` = connection refused/reset or timeout; `bad` = HTTP error or
/// undecodable body (message kept); `stale` = no success for 2 intervals while not clearly down; `pending` = not polled yet.
public enum NodeState: String, Codable, Sendable, CaseIterable {
    case pending, up, down, bad, stale
}

public struct NodeErrorEntry: Codable, Equatable, Sendable {
    public var ts: Int64
    public var message: String
    public init(ts: Int64, message: String) {
        self.ts = ts
        self.message = message
    }
}

/// Everything the UI and snapshot show about one node. Built by the fetch layer; strings from the network are raw
/// here and sanitized where they are drawn or printed.
public struct NodeStatus: Codable, Equatable, Sendable {
    public var name: String
    public var url: String
    public var state: NodeState
    /// Last health poll round-trip.
    public var latencyMs: Double?
    public var lastError: String?
    public var lastSuccessMs: Int64?
    public var version: String?
    public var uptimeSeconds: Int?
    public var cluster: ClusterView?
    public var successCount: Int
    public var failureCount: Int
    public var flaps: Int
    /// Recent poll latencies (ms), oldest first, bounded.
    public var latencyHistory: [Double]
    /// Recent errors, oldest first, bounded.
    public var errorLog: [NodeErrorEntry]

    public init(name: String, url: String, state: NodeState = .pending, latencyMs: Double? = nil, lastError: String? = nil,
                lastSuccessMs: Int64? = nil, version: String? = nil, uptimeSeconds: Int? = nil, cluster: ClusterView? = nil,
                successCount: Int = 0, failureCount: Int = 0, flaps: Int = 0, latencyHistory: [Double] = [],
                errorLog: [NodeErrorEntry] = []) {
        self.name = name
        self.url = url
        self.state = state
        self.latencyMs = latencyMs
        self.lastError = lastError
        self.lastSuccessMs = lastSuccessMs
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.cluster = cluster
        self.successCount = successCount
        self.failureCount = failureCount
        self.flaps = flaps
        self.latencyHistory = latencyHistory
        self.errorLog = errorLog
    }

    /// Region from the node's display name using Lasso's node-id rule (e.g. `iad-1` → `iad`).
    public var region: String? { ClusterView.region(ofNodeID: name) }

    public var pollSuccessRate: Double? {
        let total = successCount + failureCount
        return total == 0 ? nil : Double(successCount) / Double(total)
    }

    public var latencyP50: Double? { Percentile.nearestRank(latencyHistory, 50) }
    public var latencyP95: Double? { Percentile.nearestRank(latencyHistory, 95) }

    /// What coverage needs of this node: whether its latest health poll answered, when, and its cluster view.
    public var healthSample: NodeHealthSample {
        NodeHealthSample(name: name, latestOK: state == .up || state == .stale, lastSuccessMs: lastSuccessMs, view: cluster)
    }
}

public enum Percentile {
    /// Classic nearest rank (rule P3, docs/lasso-compat.md §3): index ceil(n·p/100) − 1, clamped. Empty → nil.
    public static func nearestRank(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((Double(sorted.count) * p / 100).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
