import Foundation

/// `GET /api/health` (docs/lasso-compat.md §1.1). `status` is always "healthy" upstream; the cluster block is the node's view.
public struct HealthResponse: Codable, Equatable, Sendable {
    public var status: String
    public var timestamp: String?
    /// nil when the node did not send it (shown as a dash; the node is still up).
    public var uptimeSeconds: Int?
    public var version: String?
    public var cluster: ClusterView

    public init(status: String = "healthy", timestamp: String? = nil, uptimeSeconds: Int?, version: String?, cluster: ClusterView) {
        self.status = status
        self.timestamp = timestamp
        self.uptimeSeconds = uptimeSeconds
        self.version = version
        self.cluster = cluster
    }

    enum CodingKeys: String, CodingKey {
        case status, timestamp, version, cluster
        case uptimeSeconds = "uptime_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? "healthy"
        timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
        uptimeSeconds = try c.decodeCountIfPresent(.uptimeSeconds)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        cluster = try c.decode(ClusterView.self, forKey: .cluster)
    }

    /// The byte-level reader when it understands the whole body (the common case), else `JSONDecoder`: the same
    /// result or the same error either way (HealthFastReader.swift).
    public static func decode(_ body: Data) throws(LassoDecodeError) -> HealthResponse {
        if let fast = fastDecode(body) { return fast }
        return try foundationDecode(body)
    }

    package static func fastDecode(_ body: Data) -> HealthResponse? {
        HealthFastReader.read(body)
    }

    /// `JSONDecoder` with `init(from:)`; the reference the fast reader is tested against.
    package static func foundationDecode(_ body: Data) throws(LassoDecodeError) -> HealthResponse {
        try LassoJSON.decode(HealthResponse.self, from: body, endpoint: "/api/health")
    }
}

/// One node's own view of the cluster. `nodesTotal` always equals `nodesConnected` upstream (it is not an expected size).
public struct ClusterView: Codable, Equatable, Sendable {
    public var enabled: Bool
    public var nodesConnected: Int
    public var nodesResponding: Int
    public var nodesTotal: Int
    public var regions: [String]
    public var status: String

    public init(enabled: Bool, nodesConnected: Int, nodesResponding: Int, nodesTotal: Int, regions: [String], status: String) {
        self.enabled = enabled
        self.nodesConnected = nodesConnected
        self.nodesResponding = nodesResponding
        self.nodesTotal = nodesTotal
        self.regions = regions
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case enabled, regions, status
        case nodesConnected = "nodes_connected"
        case nodesResponding = "nodes_responding"
        case nodesTotal = "nodes_total"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        nodesConnected = try c.decodeCount(.nodesConnected)
        nodesResponding = try c.decodeCount(.nodesResponding)
        nodesTotal = try c.decodeCountIfPresent(.nodesTotal) ?? nodesConnected
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? (enabled ? "healthy" : "standalone")
    }

    public var isStandalone: Bool { !enabled || status == "standalone" }

    /// Lasso's region rule: the part of a node id before the first `-`, when 2–4 bytes long.
    public static func region(ofNodeID id: String) -> String? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        let prefix = id[..<dash]
        return (2...4).contains(prefix.utf8.count) ? String(prefix) : nil
    }

    /// Lasso's API status rule (HealthTopology.cluster_status, docs/lasso-compat.md §2).
    public static func apiStatus(enabled: Bool, responding: Int, connected: Int) -> String {
        if !enabled { return "standalone" }
        if responding >= connected { return "healthy" }
        if responding >= connected / 2 { return "degraded" }
        return "critical"
    }
}
