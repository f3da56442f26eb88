import Foundation
import LassoCore

/// Provider detail: one row per node that reports the provider, with its circuit state.
enum ProviderNodeColumns {
    typealias Column = TableColumn<ProviderNodeFigures>

    static let table = TableDefinition<ProviderNodeFigures>([
        Column("node", title: "NODE", width: .flexible(min: 12), priority: 0,
               sort: ColumnSort("node", rank: 0) { $0.node < $1.node }) { f, _ in
            // A node that stopped answering health: its last figures, out of the provider's totals (docs/tui.md).
            f.stale ? TableCell(f.node + " (stale)", .textDim) : TableCell(f.node)
        },
        Column("calls", title: "CALLS", width: .fixed(7), align: .right, priority: 0,
               sort: ColumnSort("calls", rank: 1) { ($0.totalCalls, $1.node) > ($1.totalCalls, $0.node) }) { f, _ in
            TableCell(Format.count(f.totalCalls))
        },
        Column("calls_per_s", title: "CALL/S", width: .fixed(6), align: .right, priority: 2,
               sort: ColumnSort("calls/s", rank: 5) { ($1.callsPerSecond ?? -1, $0.node) < ($0.callsPerSecond ?? -1, $1.node) }) { f, env in
            env.rate(f.callsPerSecond)
        },
        Column("latency", title: "AVG", width: .fixed(7), align: .right, priority: 0,
               sort: ColumnSort("latency", rank: 2) { ($0.avgLatencyMs, $0.node) < ($1.avgLatencyMs, $1.node) }) { f, _ in
            TableCell(Format.ms(f.avgLatencyMs))
        },
        Column("success", title: "SUCC", width: .fixed(6), align: .right, priority: 0,
               sort: ColumnSort("success", rank: 3) { ($0.successRate, $1.node) > ($1.successRate, $0.node) }) { f, _ in
            TableCell(Format.percent(f.successRate), ProviderColumns.successRole(f.successRate))
        },
        // "~": a node's provider-wide percentiles are call-weighted estimates from its per-method ones (Aggregation).
        Column("p50", title: "~P50", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("p50", rank: 6) { ($0.p50, $0.node) < ($1.p50, $1.node) }) { f, env in TableCell(env.percentileMs(f.p50)) },
        Column("p95", title: "~P95", width: .fixed(7), align: .right, priority: 0,
               sort: ColumnSort("p95", rank: 4) { ($0.p95, $0.node) < ($1.p95, $1.node) }) { f, env in TableCell(env.percentileMs(f.p95)) },
        Column("p99", title: "~P99", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("p99", rank: 7) { ($0.p99, $0.node) < ($1.p99, $1.node) }) { f, env in TableCell(env.percentileMs(f.p99)) },
        Column("score", title: "SCORE", width: .fixed(5), align: .right, priority: 3,
               sort: ColumnSort("score", rank: 8) { ($1.score, $0.node) < ($0.score, $1.node) }) { f, _ in TableCell(Format.score(f.score)) },
        Column("circuit", title: "CIRCUIT", width: .fixed(9), priority: 1) { f, env in
            // Unknown until a circuit event for this node is seen (real Lasso has no event source): never "closed".
            guard let circuit = env.circuits[f.node] else { return TableCell(env.dash, .textDim) }
            return TableCell(circuit, circuit == "open" ? .statusOffline : (circuit == "half_open" ? .statusDegraded : .statusHealthy))
        },
    ])
}

/// A line of provider detail's methods table: a method, or (expanded) one node's figures for it.
struct MethodLine {
    var method: MethodAggregate
    var expanded: Bool = false
    /// Set on the per-node sub-rows of an expanded method.
    var node: MethodNodeFigures?
}

/// Provider detail's methods table; each column draws both a method row and its per-node sub-rows.
enum MethodColumns {
    typealias Column = TableColumn<MethodLine>

    static let table = TableDefinition<MethodLine>([
        Column("method", title: "METHOD", width: .flexible(min: 20), priority: 0,
               sort: ColumnSort("method", rank: 1) { $0.method.method < $1.method.method }) { line, env in
            if let node = line.node { return TableCell((env.unicode ? "  └ " : "  `-") + node.node, .textDim) }
            let marker = env.unicode ? (line.expanded ? "▾ " : "▸ ") : (line.expanded ? "- " : "+ ")
            return TableCell(marker + line.method.method)
        },
        // The default order (rank 0) is the aggregation's: calls, descending.
        Column("calls", title: "CALLS", width: .fixed(7), align: .right, priority: 0, sort: ColumnSort("calls", rank: 0, by: nil)) { line, _ in
            TableCell(Format.count(line.node?.totalCalls ?? line.method.totalCalls))
        },
        Column("latency", title: "AVG", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("latency", rank: 4) { ($0.method.avgLatencyMs ?? -1, $0.method.method) > ($1.method.avgLatencyMs ?? -1, $1.method.method) }) { line, env in
            TableCell(Format.ms(line.node.map(\.avgLatencyMs) ?? line.method.avgLatencyMs, dash: env.dash))
        },
        // Unknown success rates (null from the node) sort first, before the lowest known one.
        Column("success", title: "SUCC", width: .fixed(6), align: .right, priority: 0,
               sort: ColumnSort("success", rank: 3) { ($0.method.successRate ?? -1, $0.method.method) < ($1.method.successRate ?? -1, $1.method.method) }) { line, env in
            if let node = line.node { return TableCell(Format.percent(node.successRate, dash: env.dash)) }
            guard let rate = line.method.successRate else { return TableCell(env.dash, .textDim) }
            return TableCell(Format.percent(rate), ProviderColumns.successRole(rate))
        },
        Column("p50", title: "P50", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("p50", rank: 5) { ($0.method.p50, $0.method.method) > ($1.method.p50, $1.method.method) }) { line, env in
            TableCell(env.percentileMs(line.node?.p50 ?? line.method.p50))
        },
        Column("p90", title: "P90", width: .fixed(7), align: .right, priority: 2,
               sort: ColumnSort("p90", rank: 6) { ($0.method.p90, $0.method.method) > ($1.method.p90, $1.method.method) }) { line, env in
            TableCell(env.percentileMs(line.node?.p90 ?? line.method.p90))
        },
        // "*": the worst p95 comes from a node with few calls (AggregationOptions.minCalls): shown, not hidden.
        Column("p95", title: "P95", width: .fixed(7), align: .right, priority: 0,
               sort: ColumnSort("p95", rank: 2) { ($0.method.p95, $0.method.method) > ($1.method.p95, $1.method.method) }) { line, env in
            if let node = line.node { return TableCell(env.percentileMs(node.p95)) }
            return TableCell(env.percentileMs(line.method.p95) + (line.method.lowSample ? "*" : ""))
        },
        Column("p99", title: "P99", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("p99", rank: 7) { ($0.method.p99, $0.method.method) > ($1.method.p99, $1.method.method) }) { line, env in
            TableCell(env.percentileMs(line.node?.p99 ?? line.method.p99))
        },
        Column("worst_node", title: "WORST NODE", width: .flexible(min: 12, share: 0), priority: 2,
               sort: ColumnSort("worst node", rank: 8) { ($0.method.worstNode ?? "~", $0.method.method) < ($1.method.worstNode ?? "~", $1.method.method) }) { line, env in
            line.node == nil ? TableCell(line.method.worstNode ?? env.dash, .textDim) : TableCell("")
        },
    ], rowRole: { line, _ in line.node == nil ? .text : .textDim }, isSelectable: { $0.node == nil })
}

/// One provider as seen from a node (node detail's "its providers").
public struct NodeProviderRow: Equatable, Sendable {
    public var chain: String
    public var providerID: String
    public var providerName: String
    public var figures: ProviderNodeFigures
}

/// Node detail: the providers this node reports.
enum NodeProviderColumns {
    typealias Column = TableColumn<NodeProviderRow>

    static let table = TableDefinition<NodeProviderRow>([
        // The default order (rank 0) is the snapshot's: chains as listed, providers by score.
        Column("chain", title: "CHAIN", width: .flexible(min: 10, share: 0), priority: 1, sort: ColumnSort("chain", rank: 0, by: nil)) { row, _ in
            TableCell(row.chain, .textDim)
        },
        Column("provider", title: "PROVIDER", width: .flexible(min: 14), priority: 0) { row, _ in TableCell(row.providerName) },
        Column("calls", title: "CALLS", width: .fixed(7), align: .right, priority: 0) { row, _ in TableCell(Format.count(row.figures.totalCalls)) },
        Column("calls_per_s", title: "CALL/S", width: .fixed(6), align: .right, priority: 2) { row, env in
            env.rate(row.figures.callsPerSecond)
        },
        Column("latency", title: "AVG", width: .fixed(7), align: .right, priority: 0) { row, _ in TableCell(Format.ms(row.figures.avgLatencyMs)) },
        Column("success", title: "SUCC", width: .fixed(6), align: .right, priority: 0) { row, _ in
            TableCell(Format.percent(row.figures.successRate), ProviderColumns.successRole(row.figures.successRate))
        },
        Column("p95", title: "~P95", width: .fixed(7), align: .right, priority: 1) { row, env in TableCell(env.percentileMs(row.figures.p95)) },
        Column("score", title: "SCORE", width: .fixed(5), align: .right, priority: 2) { row, _ in TableCell(Format.score(row.figures.score)) },
    ])
}

/// Node detail: its error log, newest first.
enum NodeErrorColumns {
    typealias Column = TableColumn<NodeErrorEntry>

    static let table = TableDefinition<NodeErrorEntry>([
        // The default order (rank 0) is newest first.
        Column("time", title: "TIME", width: .fixed(8), sort: ColumnSort("time", rank: 0, by: nil)) { entry, env in
            TableCell(Format.clock(entry.ts, offsetSeconds: env.caps.utcOffsetSeconds), .textDim)
        },
        Column("age", title: "AGE", width: .fixed(10), align: .right) { entry, env in
            TableCell(Format.age(sinceMs: entry.ts, nowMs: env.nowMs) + " ago", .textDim)
        },
        Column("error", title: "ERROR", width: .flexible(min: 20)) { entry, _ in TableCell(entry.message, .feedError) },
    ])
}

/// The Alerts view's table.
enum AlertColumns {
    typealias Column = TableColumn<Alert>

    static func role(_ alert: Alert) -> StyleRole {
        alert.state == .resolved ? .textDim : (alert.level == .critical ? .alertCritical : .alertWarning)
    }

    static let table = TableDefinition<Alert>([
        Column("level", title: "LEVEL", width: .fixed(8), priority: 0,
               sort: ColumnSort("level", rank: 0) { a, b in
                   if a.level != b.level { return a.level > b.level }
                   return (a.startedAtMs, a.rule) < (b.startedAtMs, b.rule)
               },
               export: [ExportField("level") { a, _ in a.level.rawValue }]) { a, _ in TableCell(a.level.rawValue, role(a)) },
        Column("state", title: "STATE", width: .fixed(8), priority: 0, export: [ExportField("state") { a, _ in a.state.rawValue }]) { a, _ in
            TableCell(a.state.rawValue, a.state == .firing ? role(a) : .textDim)
        },
        Column("rule", title: "RULE", width: .flexible(min: 22, share: 0), priority: 0,
               sort: ColumnSort("rule", rank: 2) { ($0.rule, $0.subject ?? "") < ($1.rule, $1.subject ?? "") },
               export: [ExportField("rule") { a, _ in a.rule }]) { a, _ in TableCell(a.rule) },
        Column("subject", title: "SUBJECT", width: .flexible(min: 12, share: 0), priority: 1, export: [ExportField("subject") { a, _ in a.subject ?? "" }]) { a, _ in
            TableCell(a.subject ?? "cluster")
        },
        Column("value", title: "VALUE", width: .fixed(8), align: .right, priority: 0,
               export: [ExportField("value") { a, _ in CSV.number(a.value) }]) { a, _ in
            // In the rule's unit (Units), like the figure's own column: "71.0%", not 0.71.
            TableCell(a.ruleID == nil ? Format.number(a.value) : a.valueText)
        },
        Column("threshold", title: "THRESHOLD", width: .fixed(9), align: .right, priority: 0,
               export: [ExportField("threshold") { a, _ in CSV.number(a.threshold) }]) { a, env in
            TableCell(a.ruleID == nil ? Format.number(a.threshold) : (a.thresholdText ?? env.dash), .textDim)
        },
        Column("for", title: "FOR", width: .fixed(7), align: .right, priority: 1,
               sort: ColumnSort("age", rank: 1) { ($0.startedAtMs, $0.rule) < ($1.startedAtMs, $1.rule) },
               export: [ExportField("started_at_ms") { a, _ in String(a.startedAtMs) }]) { a, env in
            TableCell(Format.age(sinceMs: a.startedAtMs, nowMs: env.nowMs))
        },
        Column("explanation", title: "EXPLANATION", width: .flexible(min: 10), priority: 2,
               export: [ExportField("explanation") { a, _ in a.explanation }]) { a, _ in
            // The measured detail first: it names the window a windowed rule looked at ("… over 5m00s").
            TableCell((a.detail.map { $0 + ". " } ?? "") + a.explanation, .textDim)
        },
    ])
}
