import Foundation
import LassoCore

/// `lassotop snapshot --format table`: plain text for people. Every remote string is sanitized.
public enum SnapshotTable {
    public static func render(_ snapshot: ClusterSnapshot, feedFilter: FeedFilter? = nil, maxEvents: Int = 20) -> String {
        var out: [String] = []
        let c = snapshot.coverage
        let label = snapshot.isDemo ? "DEMO" : (snapshot.clusterName.map { TerminalText.line($0, limit: 40) } ?? "cluster")
        out.append("lassotop \(label)  generated \(SnapshotDocument.iso8601(snapshot.generatedAtMs))")
        var flags: [String] = []
        if !c.quorum { flags.append("NO QUORUM") }
        if c.partitionSuspected { flags.append("PARTITION SUSPECTED") }
        if snapshot.insecure { flags.append("TLS VERIFICATION OFF") }
        out.append("Coverage: \(c.responding)/\(c.total) nodes (\(c.status.rawValue))" + (flags.isEmpty ? "" : "  " + flags.joined(separator: "  ")))
        out.append("")
        var nodeRows = [["NODE", "STATE", "LATENCY", "VERSION", "UPTIME", "VIEW", "ERROR"]]
        for node in snapshot.nodes {
            nodeRows.append([
                TerminalText.line(node.name, limit: 32), node.state.rawValue,
                Units.ms(node.latencyMs, dash: "-"),
                node.version.map { TerminalText.line($0, limit: 12) } ?? "-",
                node.uptimeSeconds.map(Format.duration) ?? "-",
                node.cluster.map { "\($0.nodesResponding)/\($0.nodesConnected) \(TerminalText.line($0.status, limit: 12))" } ?? "-",
                node.lastError.map { TerminalText.line($0, limit: 60) } ?? "",
            ])
        }
        out += columns(nodeRows)
        for chain in snapshot.chains {
            out.append("")
            out.append("Chain \(TerminalText.line(chain.chain, limit: 40))\(chain.chainID.map { " (\($0))" } ?? "")  metrics from \(chain.responding)/\(chain.total) nodes")
            var rows = [["PROVIDER", "CALLS", "CALLS/S", "AVG", "SUCCESS", "SCORE", "P95 MAX", "NODES"]]
            for p in chain.providers {
                rows.append([
                    TerminalText.line(p.displayName, limit: 32) + (p.coldStart ? " (cold)" : ""),
                    // Same formatter per unit as the TUI (Units): "43ms", "87.4%", "100%".
                    String(p.totalCalls), Units.rate(p.callsPerSecond, dash: "-"),
                    Units.ms(p.avgLatencyMs), Units.percent(p.successRate),
                    Units.score(p.score), p.p95LatencyMsMax > 0 ? Units.ms(p.p95LatencyMsMax) + (p.p95LowSample ? "*" : "") : "-",
                    "\(p.nodesReporting)/\(chain.total)",
                ])
            }
            if chain.providers.isEmpty { rows.append(["(no data yet)", "", "", "", "", "", "", ""]) }
            out += columns(rows)
        }
        let events = snapshot.feed.filter { feedFilter?.matches($0) ?? true }.suffix(maxEvents)
        let s = snapshot.feedStats
        out.append("")
        out.append("Feed: \(s.unique) unique of \(s.received) received, \(s.duplicatesDropped) duplicates dropped, \(s.malformed) malformed"
            + (s.truncated > 0 ? ", \(s.truncated) with fields cut" : "") + (s.futureStamped > 0 ? ", \(s.futureStamped) future-stamped" : ""))
        for event in events { out.append("  " + Format.eventLine(event)) }
        if !snapshot.alerts.isEmpty {
            out.append("")
            out.append("Alerts:")
            for alert in snapshot.alerts { out.append("  " + TerminalText.line(alert.summary(now: snapshot.generatedAtMs), limit: 200)) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func columns(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}

public enum Format {
    public static func duration(_ seconds: Int) -> String {
        Units.duration(seconds: Int64(seconds), style: .upToDays)
    }

    public static func eventLine(_ e: FeedEvent) -> String {
        let time = SnapshotDocument.iso8601(e.ts).dropFirst(11).prefix(12)
        let node = TerminalText.line(e.nodeLabel ?? "-", limit: 20)
        switch e.kind {
        case .routing:
            let chain = TerminalText.line(e.chainLabel ?? "-", limit: 20)
            let failover = e.failoverCount > 0 ? " failover×\(e.failoverCount)" : ""
            return "\(time) \(node) \(chain) \(TerminalText.line(e.method ?? "-", limit: 40)) → \(TerminalText.line(e.providerLabel ?? "-", limit: 40)) \(e.durationMs.map { "\($0)ms" } ?? "-") \(TerminalText.line(e.result ?? "-", limit: 20))\(failover)"
        case .circuit:
            return "\(time) \(node) circuit \(TerminalText.line(e.providerLabel ?? "-", limit: 40)) \(TerminalText.line(e.from ?? "?", limit: 20)) → \(TerminalText.line(e.to ?? "?", limit: 20)) \(TerminalText.line(e.reason ?? "", limit: 40))"
        case .cluster:
            return "\(time) [\(e.severity?.rawValue ?? "info")] \(TerminalText.line(e.message ?? "", limit: 160))"
        }
    }
}
