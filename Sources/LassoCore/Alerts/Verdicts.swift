/// Verdicts about the cluster that compare lassotop's outside view (which nodes answer its health polls) with each
/// node's own view (the `cluster` block of its `/api/health`). Pure: nodes in, findings out. `check`, the alert
/// engine (through `AlertSample`), the TUI and the snapshot all judge from here, so they always agree.
///
/// "Responding" here means a node whose latest health poll succeeded and is fresh (`NodeState.up`), the same nodes
/// coverage counts.

/// A responding, clustered node whose own view is worse than what lassotop sees: Lasso's status for it is
/// degraded/critical, or it sees fewer nodes responding than lassotop does.
public struct NodeViewFinding: Sendable, Equatable {
    public var node: String
    public var view: ClusterView
    /// How many nodes lassotop sees responding.
    public var respondingSeen: Int

    public init(node: String, view: ClusterView, respondingSeen: Int) {
        self.node = node
        self.view = view
        self.respondingSeen = respondingSeen
    }

    /// The node's own status is degraded or critical (Lasso's rule: responding < connected).
    public var statusBad: Bool { view.status == "degraded" || view.status == "critical" }
    /// It sees fewer nodes responding than lassotop does.
    public var seesFewer: Bool { view.nodesResponding < respondingSeen }
    /// The node itself says critical: `check` exits 2 on it.
    public var critical: Bool { view.status == "critical" }

    /// "its cluster view 1/4 (critical)"; when only the count is off, says against what. Status is sanitized.
    public var detail: String {
        var text = "its cluster view \(view.nodesResponding)/\(view.nodesConnected) (\(TerminalText.line(view.status, limit: 24)))"
        if !statusBad {
            text += ", fewer than the \(respondingSeen) nodes responding to lassotop"
        }
        return text
    }
}

/// How many responding nodes report one version.
public struct VersionCount: Sendable, Equatable, Codable {
    public var version: String
    public var nodes: Int

    public init(version: String, nodes: Int) {
        self.version = version
        self.nodes = nodes
    }
}

public struct ClusterVerdicts: Sendable, Equatable {
    /// Nodes lassotop sees responding.
    public var responding: Int
    /// Two or more nodes respond, every one runs clustering (`cluster.enabled`), and every one sees only itself
    /// (`nodes_connected ≤ 1`): the BEAM cluster never formed. Critical.
    public var notFormed: Bool
    /// Responding nodes whose own view disagrees with lassotop's, in node order. Empty when `notFormed` (that
    /// verdict already says every node sees only itself).
    public var nodeViews: [NodeViewFinding]
    /// Versions the responding nodes report, oldest version first (numeric-aware: 0.9.0 before 0.10.0).
    /// Nodes that report no version are left out.
    public var versions: [VersionCount]

    public init(responding: Int, notFormed: Bool, nodeViews: [NodeViewFinding], versions: [VersionCount]) {
        self.responding = responding
        self.notFormed = notFormed
        self.nodeViews = nodeViews
        self.versions = versions
    }

    public static let none = ClusterVerdicts(responding: 0, notFormed: false, nodeViews: [], versions: [])

    /// Judges the nodes as lassotop last saw them.
    public static func judge(_ nodes: [NodeStatus]) -> ClusterVerdicts {
        let up = nodes.filter { $0.state == .up }
        let views = up.compactMap { node in node.cluster.map { (name: node.name, view: $0) } }
        let responding = up.count
        let notFormed = responding >= 2 && views.count == responding
            && views.allSatisfy { $0.view.enabled && $0.view.nodesConnected <= 1 }
        let findings = notFormed ? [] : up.compactMap { nodeViewFinding($0, respondingSeen: responding) }
        var counts: [String: Int] = [:]
        for node in up {
            guard let version = node.version, !version.isEmpty else { continue }
            counts[version, default: 0] += 1
        }
        let versions = counts.map { VersionCount(version: $0.key, nodes: $0.value) }
            .sorted { VersionOrder.less($0.version, $1.version) }
        return ClusterVerdicts(responding: responding, notFormed: notFormed, nodeViews: findings, versions: versions)
    }

    /// The finding for one node, given how many nodes lassotop sees responding (O(1), for drawing table rows).
    /// nil when the node is not responding, reports no view, is standalone (the `standalone` rule's case; its
    /// view is Lasso's fallback shape, not a count) or its view is fine.
    public static func nodeViewFinding(_ node: NodeStatus, respondingSeen: Int) -> NodeViewFinding? {
        guard node.state == .up, let view = node.cluster, !view.isStandalone else { return nil }
        let finding = NodeViewFinding(node: node.name, view: view, respondingSeen: respondingSeen)
        return finding.statusBad || finding.seesFewer ? finding : nil
    }

    /// Responding nodes run more than one version (a rolling deploy, or one that stopped half way).
    public var versionSkew: Bool { versions.count > 1 }

    /// "versions 0.2.0×2 0.3.0×1" while versions differ, else nil. Versions are sanitized and shortened.
    public var versionSummary: String? {
        guard versionSkew else { return nil }
        return "versions " + versions.map { TerminalText.line($0.version, limit: 24) + "×\($0.nodes)" }
            .joined(separator: " ")
    }

    /// "FAIL cluster not formed: every node sees only itself (3 responding)".
    public var notFormedText: String { "cluster not formed: every node sees only itself (\(responding) responding)" }

    public func finding(for node: String) -> NodeViewFinding? { nodeViews.first { $0.node == node } }
}

/// Compares version strings numerically where both have digits ("0.9.0" < "0.10.0"), else by text.
public enum VersionOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        let pa = parts(a), pb = parts(b)
        for (x, y) in zip(pa, pb) where x != y {
            switch (Int(x), Int(y)) {
            case let (i?, j?): return i < j
            default: return x < y
            }
        }
        return pa.count != pb.count ? pa.count < pb.count : a < b
    }

    private static func parts(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "+" }).map(String.init)
    }
}

/// Feed entries for a node whose reported version changed (a deploy reached it). Both versions must be known: the
/// first answer is not a change, and a node that went down keeps its last version, so down → up on a new version
/// is reported.
public enum VersionChanges {
    public static func events(previousNodes: [NodeStatus], nodes: [NodeStatus], nowMs: Int64) -> [FeedEvent] {
        var before: [String: String] = [:]
        for node in previousNodes { if let version = node.version { before[node.name] = version } }
        var out: [FeedEvent] = []
        for node in nodes {
            guard let was = before[node.name], let now = node.version, now != was else { continue }
            out.append(.cluster(ts: nowMs, severity: .info, message: "node \(node.name) version \(was) → \(now)",
                                node: node.name, reason: "version"))
        }
        return out
    }
}

/// Partition suspicion that must hold before it is raised. Nodes' views of the cluster change one after the other
/// when a node leaves or joins (on a BEAM cluster they can lag by seconds, up to net_ticktime), so an instant
/// disagreement is usually that transient. The suspicion is raised only when the disagreement has held for the hold
/// time, counted from the later of its start and the last change in which nodes lassotop sees responding: the
/// transient of a node leaving or joining starts the clock again.
public struct PartitionHold: Sendable, Equatable {
    /// At least 3 health intervals and 5 s.
    public static func defaultHoldMs(healthIntervalMs: Int64) -> Int64 { max(3 * healthIntervalMs, 5_000) }

    public private(set) var disagreeingSinceMs: Int64?
    private var lastResponding: Set<String>?

    public init() {}

    /// Feeds one observation; returns whether partition is suspected now.
    public mutating func update(disagree: Bool, responding: Set<String>, nowMs: Int64, holdMs: Int64) -> Bool {
        let membershipChanged = lastResponding != nil && lastResponding != responding
        lastResponding = responding
        guard disagree else {
            disagreeingSinceMs = nil
            return false
        }
        if membershipChanged || disagreeingSinceMs == nil { disagreeingSinceMs = nowMs }
        return nowMs - (disagreeingSinceMs ?? nowMs) >= holdMs
    }

    /// The raw disagreement the hold is fed with: responding nodes' views disagree, or one sees fewer nodes than
    /// lassotop sees responding (`CoverageRules.partitionSuspected`), except when the cluster never formed (that
    /// is its own, critical, verdict).
    public static func disagreement(nodes: [NodeStatus], verdicts: ClusterVerdicts) -> Bool {
        guard !verdicts.notFormed else { return false }
        let views = nodes.filter { $0.state == .up }.compactMap(\.cluster)
        return CoverageRules.partitionSuspected(views: views, respondingSeen: verdicts.responding)
    }
}

/// The verdict of `lassotop check`: one line per failed check and the exit code (0 healthy, 1 degraded, 2 offline
/// or critical).
public struct CheckVerdict: Sendable, Equatable {
    public var failures: [String]
    /// The line printed when nothing failed.
    public var okLine: String
    public var exitCode: Int32

    public static func evaluate(_ snapshot: ClusterSnapshot, minCoverage: Double?, alerts: Bool) -> CheckVerdict {
        var failures: [String] = []
        let c = snapshot.coverage
        var code: Int32 = 0
        func fail(_ line: String, _ level: Int32) {
            failures.append("FAIL " + line)
            code = max(code, level)
        }
        func name(_ text: String) -> String { TerminalText.line(text, limit: 40) }

        let notResponding = snapshot.nodes.filter { $0.state != .up }
        var okLine = "OK coverage: \(c.responding)/\(c.total) nodes responding"
        if let minCoverage {
            // --min-coverage replaces the default coverage verdict: at or above the fraction passes.
            let ratio = c.total > 0 ? Double(c.responding) / Double(c.total) : 0
            if ratio + 1e-9 < minCoverage || c.responding == 0 {
                fail("coverage: \(c.responding)/\(c.total) nodes responding (\(fixed(ratio)) < min-coverage "
                     + "\(fixed(minCoverage)))", c.responding == 0 ? 2 : 1)
                for node in notResponding { fail(nodeStateText(node, name: name), 0) }
            } else {
                okLine += " (min-coverage \(fixed(minCoverage))"
                if !notResponding.isEmpty {
                    okLine += "; not responding: " + notResponding.map { name($0.name) }.joined(separator: ", ")
                }
                okLine += ")"
            }
        } else {
            if c.status != .healthy {
                fail("coverage: \(c.responding)/\(c.total) nodes responding (\(c.status.rawValue))",
                     c.status == .offline ? 2 : 1)
            }
            for node in notResponding { fail(nodeStateText(node, name: name), 0) }
        }

        let verdicts = ClusterVerdicts.judge(snapshot.nodes)
        if verdicts.notFormed { fail(verdicts.notFormedText, 2) }
        for finding in verdicts.nodeViews {
            fail("node \(name(finding.node)): \(finding.detail)", finding.critical ? 2 : 1)
        }
        if c.partitionSuspected && !verdicts.notFormed {
            fail("partition suspected: nodes disagree about cluster membership", 1)
        }
        for node in snapshot.nodes where node.state == .up && (node.cluster?.isStandalone ?? false) && snapshot.nodes.count > 1 {
            fail("node \(name(node.name)): reports standalone", 1)
        }
        for chain in snapshot.chains where chain.responding < c.responding {
            fail("chain \(name(chain.chain)): metrics from \(chain.responding)/\(chain.total) nodes", 1)
        }
        if alerts {
            for alert in snapshot.alerts where alert.state == .firing {
                fail("alert " + TerminalText.line(alert.summary(now: snapshot.generatedAtMs), limit: 200),
                     alert.level == .critical ? 2 : 1)
            }
        }
        return CheckVerdict(failures: failures, okLine: okLine, exitCode: code)
    }

    private static func nodeStateText(_ node: NodeStatus, name: (String) -> String) -> String {
        "node \(name(node.name)): \(node.state.rawValue)"
            + (node.lastError.map { " (\(TerminalText.line($0, limit: 120)))" } ?? "")
    }

    /// Two decimals, no Foundation: 0.6 → "0.60".
    static func fixed(_ value: Double) -> String {
        let hundredths = Int((max(0, value) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
