import Foundation

/// The alert rules: the production alerts and rollback triggers of docs/lasso-compat.md §5, watched from
/// outside the cluster. The raw value is the rule id used in `Alert.rule`, feed entries and config keys.
public enum AlertRule: String, CaseIterable, Codable, Sendable, Comparable {
    // critical
    case coverage
    case pollLatency = "poll_latency"
    case pollSuccess = "poll_success"
    case offline
    case providerSuccess = "provider_success"
    case clusterNotFormed = "cluster_not_formed"
    // warning
    case cacheHitRate = "cache_hit_rate"
    case eventRate = "event_rate"
    case flaps
    case partition
    case standalone
    case nodeView = "node_view"

    public static func < (a: AlertRule, b: AlertRule) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    public var level: Alert.Level {
        switch self {
        case .coverage, .pollLatency, .pollSuccess, .offline, .providerSuccess, .clusterNotFormed: return .critical
        case .cacheHitRate, .eventRate, .flaps, .partition, .standalone, .nodeView: return .warning
        }
    }

    /// How long the condition must hold before the alert fires (ms).
    public func holdDurationMs(_ config: AlertConfig) -> Int64 {
        switch self {
        case .coverage: return config.coverageBelowExpectedFor
        case .pollLatency: return config.pollLatencyFor
        case .pollSuccess: return config.pollSuccessFor
        case .offline: return config.offlineFor
        case .providerSuccess: return config.providerFor
        case .cacheHitRate: return config.cacheHitRateFor
        case .eventRate: return config.eventRateFor
        case .flaps: return config.flapsFor
        case .partition: return config.partitionFor
        case .standalone: return config.standaloneFor
        case .clusterNotFormed: return config.clusterNotFormedFor
        case .nodeView: return config.nodeViewFor
        }
    }

    /// Why the rule exists and what to look at; shown in the TUI's Alerts view. Built from the config so the numbers
    /// match what is actually evaluated.
    public func explanation(_ config: AlertConfig) -> String {
        let hold = holdDurationMs(config)
        let forText = hold > 0 ? " for \(AlertFormat.duration(ms: hold))" : ""
        switch self {
        case .coverage:
            return "Fewer than expected - \(config.coverageAllowedMissing) nodes answered lassotop's health polls\(forText). "
                + "The seed's first critical alert (nodes_connected < expected - 1): the cluster lost more than one node, "
                + "so failover capacity and cluster-wide metrics are degraded. Check the Nodes view for the errors."
        case .pollLatency:
            return "The p95 latency of lassotop's own requests to the nodes is above "
                + "\(AlertFormat.number(config.pollLatencyP95Ms)) ms over the last "
                + "\(AlertFormat.duration(ms: config.pollLatencyWindowMs)). The seed pages on cluster RPC p95 > 2000 ms: "
                + "slow answers mean overloaded nodes or a bad network path, and dashboards go stale."
        case .pollSuccess:
            return "Fewer than \(AlertFormat.percent(config.pollSuccessRateMin)) of lassotop's requests to the nodes "
                + "succeeded over the last \(AlertFormat.duration(ms: config.pollSuccessWindowMs)). The seed pages on "
                + "cluster RPC success < 0.8 and rolls back when RPC requests start failing."
        case .offline:
            return "No node answered a health poll\(forText). The whole cluster is unreachable from here: check the "
                + "network path first, then the nodes. If the cluster won't form after 2 minutes, the seed says roll back."
        case .providerSuccess:
            return "An upstream provider succeeds on fewer than \(AlertFormat.percent(config.providerSuccessMin)) of its "
                + "calls while carrying at least \(AlertFormat.number(config.providerMinCallsPerMinute)) calls/min"
                + "\(forText). Busy and failing means users see errors or failovers; quieter providers are ignored so a "
                + "handful of failed calls does not page."
        case .cacheHitRate:
            return "The metrics cache hit rate stayed below \(AlertFormat.percent(config.cacheHitRateMin))\(forText). "
                + "Most dashboard reads then fan out to every node (seed: review during business hours)."
        case .eventRate:
            return "More than \(AlertFormat.number(config.eventRateMax)) events/s (the true rate, before sampling)"
                + "\(forText). Sustained event floods load the PubSub and the dashboards' mailboxes (seed warning)."
        case .flaps:
            return "More than \(config.maxFlaps) node flaps (a node stopped answering and came back) in "
                + "\(AlertFormat.duration(ms: config.flapWindowMs)). Unstable nodes churn the cluster membership "
                + "(seed warning: >5 node flaps in 10 minutes)."
        case .partition:
            return "Responding nodes disagree about how many nodes they are connected to\(forText) (the suspicion "
                + "itself is raised only after the disagreement held for \(partitionHoldText(config)), so a node "
                + "leaving or joining does not count): the BEAM distribution looks split while HTTP still answers, "
                + "so each side aggregates only its own metrics."
        case .clusterNotFormed:
            return "Two or more nodes answer and run clustering, but every one sees only itself (nodes_connected 1)"
                + "\(forText). The BEAM cluster never formed: each node serves local-only metrics and routing state. "
                + "Check node names, cookies and DNS/epmd reachability; the seed's rollback trigger is a cluster "
                + "that won't form within 2 minutes."
        case .nodeView:
            return "A responding node's own view of the cluster is worse than lassotop's\(forText): Lasso reports "
                + "it degraded or critical, or it sees fewer nodes responding than lassotop does. It routes and "
                + "aggregates with the peers it can see, so check its connectivity to the others."
        case .standalone:
            return "A node reports `standalone` while other nodes see a cluster: its topology lookup failed or it "
                + "never joined, so it serves local-only metrics (lasso-api: treat standalone as a warning)."
        }
    }

    private func partitionHoldText(_ config: AlertConfig) -> String {
        config.partitionHoldMs.map { AlertFormat.duration(ms: $0) } ?? "3 health intervals and at least 5s"
    }

    /// "< 2", "> 2000 ms" …; nil for yes/no rules.
    public func thresholdText(_ threshold: Double) -> String? {
        switch self {
        case .coverage, .offline: return "< \(AlertFormat.number(threshold))"
        case .pollLatency: return "> " + Units.value(threshold, unit: .milliseconds)
        case .pollSuccess, .cacheHitRate, .providerSuccess: return "< " + Units.value(threshold, unit: .fraction)
        case .eventRate: return "> " + Units.value(threshold, unit: .perSecond)
        case .flaps: return "> \(AlertFormat.number(threshold))"
        case .partition, .standalone, .clusterNotFormed, .nodeView: return nil
        }
    }

    /// The measured value alone, in the rule's unit.
    public func valueText(_ value: Double) -> String {
        switch self {
        case .coverage, .offline, .flaps: return AlertFormat.number(value)
        case .pollLatency: return Units.value(value, unit: .milliseconds)
        case .pollSuccess, .cacheHitRate, .providerSuccess: return Units.value(value, unit: .fraction)
        case .eventRate: return Units.value(value, unit: .perSecond)
        case .partition, .standalone, .clusterNotFormed, .nodeView: return value > 0 ? "yes" : "no"
        }
    }
}

/// Text formatting shared by alert summaries, feed entries and the Alerts view. ASCII only.
public enum AlertFormat {
    /// "45s", "2m05s", "1h02m". Negative durations (clock skew) show as 0s.
    public static func duration(ms: Int64) -> String {
        Units.duration(ms: max(ms, 0), style: .upToHours)
    }

    /// Whole numbers without a fraction ("2000"), others with one decimal ("0.5").
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return String(describing: value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return decimal(value)
    }

    /// One decimal: "180.5".
    public static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return String(describing: value) }
        return String(format: "%.1f", value)
    }

    /// A fraction as a percentage, as everywhere else (`Units.percent`): 0.8 → "80.0%", 1 → "100%".
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return String(describing: fraction) }
        return Units.percent(fraction)
    }
}
