import Foundation
import LassoCore

/// `lassotop snapshot --format json`: schema `lassotop.snapshot/2`, documented in docs/snapshot-schema.md.
/// Field names are part of the contract; nullable fields are always present (as `null`).
public struct SnapshotDocument: Encodable {
    public static let schema = "lassotop.snapshot/2"
    let snapshot: ClusterSnapshot
    let events: [FeedEvent]

    public init(snapshot: ClusterSnapshot, feedFilter: FeedFilter? = nil) {
        self.snapshot = snapshot
        let filter = feedFilter
        self.events = snapshot.feed.filter { filter?.matches($0) ?? true }.sorted { $0.ts < $1.ts }
    }

    enum Keys: String, CodingKey {
        case schema, coverage, nodes, chains, events, alerts
        case generatedAt = "generated_at", feedStats = "feed_stats", cacheStats = "cache_stats", clusterName = "cluster_name"
        case demo, eventRate = "event_rate", sampling
        case detail, versions, verdicts
    }

    /// What `ClusterVerdicts` found (docs/alerts.md): the cluster never formed, responding nodes whose own view is
    /// worse than lassotop's.
    struct VerdictsDTO: Encodable {
        struct NodeView: Encodable {
            var node: String
            var detail: String
            var critical: Bool
        }
        var clusterNotFormed: Bool
        var nodeViews: [NodeView]

        init(_ verdicts: ClusterVerdicts) {
            clusterNotFormed = verdicts.notFormed
            nodeViews = verdicts.nodeViews.map { NodeView(node: $0.node, detail: $0.detail, critical: $0.critical) }
        }

        enum CodingKeys: String, CodingKey {
            case clusterNotFormed = "cluster_not_formed", nodeViews = "node_views"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.schema, forKey: .schema)
        try c.encode(Self.iso8601(snapshot.generatedAtMs), forKey: .generatedAt)
        try c.encodeNullable(snapshot.clusterName, forKey: .clusterName)
        try c.encode(snapshot.isDemo, forKey: .demo)
        try c.encode(snapshot.coverage, forKey: .coverage)
        try c.encode(snapshot.nodes.map(NodeDTO.init), forKey: .nodes)
        try c.encode(snapshot.chains.map(AggregateJSON.Chain.init), forKey: .chains)
        try c.encode(events, forKey: .events)
        try c.encode(snapshot.feedStats, forKey: .feedStats)
        try c.encode(snapshot.eventRate, forKey: .eventRate)
        try c.encode(snapshot.sampling, forKey: .sampling)
        try c.encode(snapshot.cache, forKey: .cacheStats)
        try c.encode(snapshot.alerts, forKey: .alerts)
        let verdicts = ClusterVerdicts.judge(snapshot.nodes)
        // Responding nodes per version: more than one key is a rolling deploy in progress.
        try c.encode(Dictionary(verdicts.versions.map { ($0.version, $0.nodes) }, uniquingKeysWith: +), forKey: .versions)
        try c.encode(VerdictsDTO(verdicts), forKey: .verdicts)
        // Drill-down figures (SnapshotDetail.swift), so a viewer of `lassotop serve` sees every view.
        try c.encode(SnapshotDetail(snapshot), forKey: .detail)
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return TerminalText.escapingControlsInJSON(try encoder.encode(self))
    }

    static func iso8601(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// Credentials in a URL (`user:pass@`) are secrets like headers: never printed.
    public static func redactedURL(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = components.user == nil ? nil : "redacted"
        components.password = nil
        return components.string ?? url
    }

    struct NodeDTO: Encodable {
        let node: NodeStatus
        enum Keys: String, CodingKey {
            case name, url, state, error, version, cluster, flaps, region
            case latencyMs = "latency_ms", uptimeSeconds = "uptime_seconds", lastSuccess = "last_success"
            case pollSuccessRate = "poll_success_rate"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(node.name, forKey: .name)
            try c.encode(SnapshotDocument.redactedURL(node.url), forKey: .url)
            try c.encode(node.state, forKey: .state)
            try c.encodeNullable(node.latencyMs.map { ($0 * 10).rounded() / 10 }, forKey: .latencyMs)
            try c.encodeNullable(node.lastError, forKey: .error)
            try c.encodeNullable(node.version, forKey: .version)
            try c.encodeNullable(node.uptimeSeconds, forKey: .uptimeSeconds)
            try c.encodeNullable(node.cluster, forKey: .cluster)
            try c.encodeNullable(node.lastSuccessMs.map(SnapshotDocument.iso8601), forKey: .lastSuccess)
            try c.encodeNullable(node.region, forKey: .region)
            try c.encode(node.flaps, forKey: .flaps)
            try c.encodeNullable(node.pollSuccessRate, forKey: .pollSuccessRate)
        }
    }
}
