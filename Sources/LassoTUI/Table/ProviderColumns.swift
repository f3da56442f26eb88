import Foundation
import LassoCore

/// The overview's providers table, one entry per column: title, width policy, alignment, drop priority, sort
/// (name, place in the `s` cycle, comparison), cell and CSV fields. To add a column, add an entry here.
enum ProviderColumns {
    typealias Column = TableColumn<ProviderAggregate>

    static func successRole(_ fraction: Double) -> StyleRole? {
        if fraction < 0.8 { return .statusOffline }
        if fraction < 0.95 { return .statusDegraded }
        return nil
    }

    /// Names get the width they need; wide terminals give the rest to the sparkline.
    static let table = TableDefinition<ProviderAggregate>([
        .exportOnly([ExportField("chain") { _, env in env.chainName }, ExportField("provider_id") { p, _ in p.id }]),
        Column("name", title: "PROVIDER", width: .flexible(min: 14), wide: .flexible(min: 14, share: 0), priority: 0,
               sort: ColumnSort("name", rank: 6) { ($0.displayName, $0.id) < ($1.displayName, $1.id) },
               export: [ExportField("provider") { p, _ in p.displayName }]) { p, _ in TableCell(p.displayName) },
        Column("calls", title: "CALLS", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("calls", rank: 1) { ($0.totalCalls, $1.id) > ($1.totalCalls, $0.id) },
               export: [ExportField("calls") { p, _ in String(p.totalCalls) }]) { p, _ in TableCell(Format.count(p.totalCalls)) },
        Column("calls_per_s", title: "CALL/S", width: .fixed(6), align: .right, priority: 3,
               sort: ColumnSort("calls/s", rank: 2) { ($0.callsPerSecond ?? -1, $1.id) > ($1.callsPerSecond ?? -1, $0.id) },
               export: [ExportField("calls_per_s") { p, _ in CSV.number(p.callsPerSecond) }]) { p, env in
            env.rate(p.callsPerSecond)
        },
        Column("latency", title: "AVG", width: .fixed(7), align: .right, priority: 0,
               sort: ColumnSort("latency", rank: 3) { ($0.avgLatencyMs, $0.id) < ($1.avgLatencyMs, $1.id) },
               export: [ExportField("avg_latency_ms") { p, _ in CSV.number(p.avgLatencyMs) }]) { p, _ in TableCell(Format.ms(p.avgLatencyMs)) },
        Column("success", title: "SUCC", width: .fixed(6), align: .right, priority: 0,
               sort: ColumnSort("success", rank: 4) { ($0.successRate, $1.id) > ($1.successRate, $0.id) },
               export: [ExportField("success_rate") { p, _ in CSV.number(p.successRate) }]) { p, _ in
            TableCell(Format.percent(p.successRate), successRole(p.successRate))
        },
        // The default order (rank 0) is the aggregation's: score, then calls.
        Column("score", title: "SCORE", width: .fixed(6), align: .right, priority: 2,
               sort: ColumnSort("score", rank: 0, by: nil),
               export: [ExportField("score") { p, _ in CSV.number(p.score) }]) { p, _ in
            TableCell(p.coldStart ? "cold" : Format.score(p.score), p.coldStart ? .statusDegraded : nil)
        },
        Column("p95_worst", title: "P95 WORST", width: .flexible(min: 15, share: 0), priority: 4,
               sort: ColumnSort("p95", rank: 5) { ($0.p95LatencyMsMax, $0.id) < ($1.p95LatencyMsMax, $1.id) },
               export: [ExportField("p95_worst_ms") { p, _ in CSV.number(p.p95LatencyMsMax) },
                        ExportField("p95_worst_node") { p, _ in p.p95WorstNode ?? "" }]) { p, env in
            // "*": from a node with few calls for that method (low-sample), shown rather than hidden.
            TableCell(p.p95LatencyMsMax > 0 ? Format.ms(p.p95LatencyMsMax) + (p.p95LowSample ? "*" : "")
                      + (p.p95WorstNode.map { " " + $0 } ?? "") : env.dash)
        },
        Column("nodes", title: "NODES", width: .fixed(5), align: .right, priority: 1,
               export: [ExportField("nodes_reporting") { p, _ in String(p.nodesReporting) }]) { p, env in
            let total = env.chain?.total ?? 0
            return TableCell("\(p.nodesReporting)/\(total)", p.nodesReporting < total ? .statusDegraded : nil)
        },
        Column("history", title: "LATENCY HISTORY", width: .fixed(15), wide: .flexible(min: 15), priority: 5) { p, env in
            let key = ClusterSnapshot.historyKey(chain: env.chain?.chain ?? "", provider: p.id)
            return TableCell(Sparkline.render(env.snapshot?.latencyHistory[key] ?? [], width: env.sparklineWidth, ascii: env.ascii), .sparkline)
        },
        .exportOnly([ExportField("cold_start") { p, _ in p.coldStart ? "true" : "false" }]),
    ], wideAbove: 130)
}
