/// Cluster coverage as lassotop sees it (docs/lasso-compat.md §2): nodes whose latest health poll succeeded and is fresh.
/// Status rule is lassotop's own, neither of Lasso's two: 1/2 is degraded (yellow), only 0 responding is offline.
public enum CoverageStatus: String, Codable, Sendable, CaseIterable {
    case healthy, degraded, offline
}

public struct Coverage: Codable, Equatable, Sendable {
    public var responding: Int
    public var total: Int
    public var status: CoverageStatus
    public var quorum: Bool
    public var partitionSuspected: Bool

    public init(responding: Int, total: Int, status: CoverageStatus, quorum: Bool, partitionSuspected: Bool) {
        self.responding = responding
        self.total = total
        self.status = status
        self.quorum = quorum
        self.partitionSuspected = partitionSuspected
    }

    enum CodingKeys: String, CodingKey {
        case responding, total, status, quorum
        case partitionSuspected = "partition_suspected"
    }
}

/// What coverage needs to know about one node's health polling.
public struct NodeHealthSample: Sendable, Equatable {
    public var name: String
    /// Did the most recent health poll succeed?
    public var latestOK: Bool
    /// Wall-clock ms of the last successful health poll.
    public var lastSuccessMs: Int64?
    /// The node's own view from that poll.
    public var view: ClusterView?

    public init(name: String, latestOK: Bool, lastSuccessMs: Int64?, view: ClusterView?) {
        self.name = name
        self.latestOK = latestOK
        self.lastSuccessMs = lastSuccessMs
        self.view = view
    }

    /// Fresh = succeeded within 2 health intervals of `now`.
    public func isResponding(now: Int64, healthIntervalMs: Int64) -> Bool {
        guard latestOK, let last = lastSuccessMs else { return false }
        return now - last <= 2 * healthIntervalMs
    }
}

public enum CoverageRules {
    public static func status(responding: Int, total: Int) -> CoverageStatus {
        if responding <= 0 { return .offline }
        return responding >= total ? .healthy : .degraded
    }

    public static func compute(nodes: [NodeHealthSample], expected: Int?, now: Int64, healthIntervalMs: Int64) -> Coverage {
        let respondingNodes = nodes.filter { $0.isResponding(now: now, healthIntervalMs: healthIntervalMs) }
        let responding = respondingNodes.count
        let total = max(nodes.count, expected ?? 0)
        return Coverage(responding: responding, total: total, status: status(responding: responding, total: total),
                        quorum: responding * 2 > total,
                        partitionSuspected: partitionSuspected(views: respondingNodes.compactMap(\.view), respondingSeen: responding))
    }

    /// BEAM distribution split while HTTP still answers: responding nodes disagree about how many nodes they are
    /// connected to, or one is connected to fewer nodes than lassotop sees responding.
    public static func partitionSuspected(views: [ClusterView], respondingSeen: Int) -> Bool {
        guard views.count >= 2 else { return false }
        let connected = Set(views.map(\.nodesConnected))
        if connected.count > 1 { return true }
        return views.contains { $0.nodesConnected < respondingSeen }
    }
}
