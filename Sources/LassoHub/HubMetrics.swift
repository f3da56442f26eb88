import Foundation
import LassoCore
import Prometheus

/// `GET /metrics`: the snapshot as Prometheus text exposition (0.0.4), rendered with swift-prometheus.
///
/// Metric names and labels are an interface, documented in docs/prometheus.md. A fresh registry per snapshot keeps the
/// exposition equal to the snapshot: series of removed nodes or providers disappear instead of freezing at their last
/// value. Counters carry the cluster's own cumulative figures (a node restart lowers them, which Prometheus' `rate()`
/// treats as a counter reset). Label values are escaped by swift-prometheus (`\`, `"`, newline) and stripped of other
/// control characters here.
public enum HubMetrics {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ snapshot: ClusterSnapshot) -> String {
        var out = Exposition()
        let c = snapshot.coverage

        // A gauge, so not `_total` (reserved for counters; promtool rejects a gauge named so).
        out.gauge("lassotop_nodes", [], "Nodes lassotop watches (at least --expect).", Double(c.total))
        out.gauge("lassotop_nodes_responding", [], "Nodes whose latest health poll succeeded and is fresh.", Double(c.responding))
        out.gauge("lassotop_cluster_quorum", [], "1 when more than half of the nodes respond.", c.quorum ? 1 : 0)
        out.gauge("lassotop_cluster_partition_suspected", [], "1 when responding nodes disagree about how many nodes they are connected to.", c.partitionSuspected ? 1 : 0)
        out.gauge("lassotop_snapshot_timestamp_seconds", [], "When the hub's latest snapshot was built (Unix time).", Double(snapshot.generatedAtMs) / 1000)

        for node in snapshot.nodes {
            let labels = [("node", label(node.name))]
            out.gauge("lassotop_node_up", labels, "1 when the node's latest health poll succeeded.", node.state == .up ? 1 : 0)
            if let latency = node.latencyMs {
                out.gauge("lassotop_node_poll_latency_seconds", labels, "Round trip of the latest health poll.", latency / 1000)
            }
            out.counter("lassotop_node_polls_total", labels + [("result", "success")], "Health polls of the node by result.", Int64(max(0, node.successCount)))
            out.counter("lassotop_node_polls_total", labels + [("result", "failure")], "Health polls of the node by result.", Int64(max(0, node.failureCount)))
            out.counter("lassotop_node_flaps_total", labels, "Times the node stopped answering and came back.", Int64(max(0, node.flaps)))
            if let view = node.cluster {
                out.gauge("lassotop_node_cluster_nodes_connected", labels, "Nodes this node reports being connected to (its own cluster view).", Double(view.nodesConnected))
                out.gauge("lassotop_node_standalone", labels, "1 when the node reports it runs standalone (not clustered).", view.isStandalone ? 1 : 0)
            }
        }

        for chain in snapshot.chains {
            let chainLabel = ("chain", label(chain.chain))
            out.gauge("lassotop_chain_nodes_reporting", [chainLabel], "Nodes whose metrics fetch for the chain succeeded.", Double(chain.responding))
            for provider in chain.providers {
                let labels = [chainLabel, ("provider", label(provider.id))]
                out.counter("lassotop_provider_calls_total", labels, "Calls to the provider, summed over every reporting node.", Int64(max(0, provider.totalCalls)))
                out.gauge("lassotop_provider_latency_avg_seconds", labels, "Call-weighted average latency over the reporting nodes.", finite(provider.avgLatencyMs) / 1000)
                out.gauge("lassotop_provider_success_ratio", labels, "Call-weighted success rate (0-1).", finite(provider.successRate))
                out.gauge("lassotop_provider_score", labels, "Call-weighted Lasso provider score.", finite(provider.score))
                out.gauge("lassotop_provider_p95_latency_max_seconds", labels, "The highest p95 latency any node reports for the provider.", finite(provider.p95LatencyMsMax) / 1000)
            }
        }

        let feed = snapshot.feedStats
        out.counter("lassotop_feed_events_total", [], "Unique feed events accepted (after deduplication).", Int64(max(0, feed.unique)))
        out.counter("lassotop_feed_duplicates_dropped_total", [], "Relayed copies of an event already in the feed, dropped.", Int64(max(0, feed.duplicatesDropped)))
        out.counter("lassotop_feed_malformed_total", [], "Event lines that could not be decoded.", Int64(max(0, feed.malformed)))
        out.gauge("lassotop_feed_events_per_second", [], "True event rate before sampling, events per second.", finite(snapshot.eventRate))

        // Every rule, firing or not, so `lassotop_alerts_firing == 0` is a real sample rather than an absent series.
        var firing: [String: Int] = [:]
        for alert in snapshot.alerts where alert.state == .firing { firing[alert.rule, default: 0] += 1 }
        var rules = AlertRule.allCases.map { ($0.rawValue, $0.level.rawValue) }
        for alert in snapshot.alerts where AlertRule(rawValue: alert.rule) == nil && !rules.contains(where: { $0.0 == alert.rule }) {
            rules.append((alert.rule, alert.level.rawValue))
        }
        for (rule, severity) in rules {
            out.gauge("lassotop_alerts_firing", [("rule", label(rule)), ("severity", severity)], "Alerts of lassotop's own rule engine currently firing.", Double(firing[rule] ?? 0))
        }
        return out.registry.emitToString()
    }

    /// Label values come from the network: keep them printable (the exposition escapes `\`, `"` and newlines itself)
    /// and bounded.
    static func label(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars.prefix(200) {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                out.append("?")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Thin wrapper so each metric is one line: name, labels, help, value.
    struct Exposition {
        let registry = PrometheusCollectorRegistry()

        mutating func gauge(_ name: String, _ labels: [(String, String)], _ help: String, _ value: Double) {
            let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
            registry.makeGauge(descriptor: descriptor, labels: labels).set(to: value.isFinite ? value : 0)
        }

        mutating func counter(_ name: String, _ labels: [(String, String)], _ help: String, _ value: Int64) {
            let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
            registry.makeCounter(descriptor: descriptor, labels: labels).increment(by: max(0, value))
        }
    }

    static func finite(_ value: Double) -> Double { value.isFinite ? value : 0 }
}
