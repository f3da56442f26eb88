import Foundation

/// Cross-node aggregation for one chain, the client-side redo of Lasso's MetricsStore (docs/lasso-compat.md §3).
/// Differences from Lasso, on purpose: `totalCalls` sums every reporting node (Lasso drops <minCalls nodes from it),
/// and per-method percentiles are the worst node's (Lasso takes the busiest node's), including a node under
/// `minCalls`, whose figure is then flagged `lowSample` rather than hidden.
///
/// Percentiles cannot be merged exactly from per-method percentiles. A node's provider-wide p50/p95/p99 is therefore a
/// documented estimate: the call-weighted mean of that node's per-method percentiles (methods without samples left
/// out). It is labelled as an estimate wherever shown (docs/snapshot-schema.md, docs/tui.md).

public struct AggregationOptions: Sendable, Equatable {
    /// Nodes with fewer calls than this are left out of weighted averages unless no node reaches it (cold start).
    public var minCalls: Int
    public init(minCalls: Int = 10) { self.minCalls = minCalls }
}

/// One node's answer for a chain, keyed by the node's display name (Lasso responses do not name the node).
public struct NodeChainReport: Sendable, Equatable {
    public var node: String
    public var metrics: MetricsResponse
    public init(node: String, metrics: MetricsResponse) {
        self.node = node
        self.metrics = metrics
    }
}

public struct ProviderNodeFigures: Sendable, Equatable, Codable {
    public var node: String
    public var totalCalls: Int
    public var avgLatencyMs: Double
    public var successRate: Double
    public var score: Double
    public var callsLastMinute: Int
    /// Δcalls/Δt between this node's last two metrics polls; nil right after start or a restart.
    public var callsPerSecond: Double?
    /// Estimated provider-wide percentiles on this node: the call-weighted mean of its per-method percentiles
    /// (`Aggregation.callWeightedPercentile`); 0 when no method has samples.
    public var p50: Double
    public var p95: Double
    public var p99: Double
    /// This node no longer answers its health poll: these are its last figures, kept out of the provider's totals
    /// (`ChainMetrics.aggregate(without:)`).
    public var stale: Bool = false
}

public struct MethodNodeFigures: Sendable, Equatable, Codable {
    public var node: String
    public var totalCalls: Int
    /// nil when the node sent null.
    public var avgLatencyMs: Double?
    public var successRate: Double?
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
}

public struct MethodAggregate: Sendable, Equatable, Codable {
    public var method: String
    public var totalCalls: Int
    /// Call-weighted over the nodes that sent a value; nil when none did.
    public var avgLatencyMs: Double?
    public var successRate: Double?
    /// Percentiles are never averaged: each is the maximum over the nodes (a node under `minCalls` included).
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    /// The node with the worst p95.
    public var worstNode: String?
    /// The worst p95 comes from a node with fewer than `minCalls` calls for this method: shown, marked low-sample.
    public var lowSample: Bool = false
    public var byNode: [MethodNodeFigures]
}

public struct ProviderAggregate: Sendable, Equatable, Codable {
    public var id: String
    public var name: String?
    public var totalCalls: Int
    public var avgLatencyMs: Double
    public var successRate: Double
    public var score: Double
    public var nodesReporting: Int
    public var coldStart: Bool
    /// Sum of the node rates that are known; nil when no node has a rate yet.
    public var callsPerSecond: Double?
    public var p95LatencyMsMax: Double
    public var p95WorstNode: String?
    /// `p95LatencyMsMax` comes from a method row marked `lowSample`.
    public var p95LowSample: Bool = false
    public var byNode: [ProviderNodeFigures]
    public var methods: [MethodAggregate]

    public var displayName: String { name ?? id }
}

public struct ChainAggregate: Sendable, Equatable, Codable {
    public var chain: String
    public var chainID: Int?
    /// Nodes whose latest metrics fetch for this chain succeeded / nodes watched.
    public var responding: Int
    public var total: Int
    /// Sorted by score, then calls, descending.
    public var providers: [ProviderAggregate]

    public init(chain: String, chainID: Int?, responding: Int, total: Int, providers: [ProviderAggregate]) {
        self.chain = chain
        self.chainID = chainID
        self.responding = responding
        self.total = total
        self.providers = providers
    }
}

public enum Aggregation {
    /// Σ(value × calls) / Σ calls; 0 when the weight is 0, never NaN.
    public static func weightedAverage(_ entries: [(value: Double, calls: Int)]) -> Double {
        var sum = 0.0
        var weight = 0
        for entry in entries {
            sum += entry.value * Double(entry.calls)
            weight += entry.calls
        }
        return weight == 0 ? 0 : sum / Double(weight)
    }

    /// The provider-wide percentile estimate of one node: Σ(method percentile × method calls) / Σ method calls over
    /// the methods with samples (percentile > 0). Not a true percentile of all calls (per-method percentiles cannot
    /// be merged exactly), and never the maximum over methods. 0 when no method has samples.
    public static func callWeightedPercentile(_ methods: [MethodMetrics], _ percentile: KeyPath<MethodMetrics, Double>) -> Double {
        weightedAverage(methods.filter { $0[keyPath: percentile] > 0 }.map { ($0[keyPath: percentile], $0.totalCalls) })
    }

    /// `callWeightedPercentile` for p50, p95 and p99 in one pass, without key paths or temporary arrays (it runs for
    /// every node of every provider); the same sums in the same order, so the same figures to the bit.
    static func callWeightedPercentiles(_ methods: [MethodMetrics]) -> (p50: Double, p95: Double, p99: Double) {
        var sum50 = 0.0, sum95 = 0.0, sum99 = 0.0
        var weight50 = 0, weight95 = 0, weight99 = 0
        for method in methods {
            let calls = method.totalCalls
            if method.p50 > 0 { sum50 += method.p50 * Double(calls); weight50 += calls }
            if method.p95 > 0 { sum95 += method.p95 * Double(calls); weight95 += calls }
            if method.p99 > 0 { sum99 += method.p99 * Double(calls); weight99 += calls }
        }
        return (weight50 == 0 ? 0 : sum50 / Double(weight50), weight95 == 0 ? 0 : sum95 / Double(weight95),
                weight99 == 0 ? 0 : sum99 / Double(weight99))
    }

    /// `weightedAverage` over the entries with a value; nil when none has one (a null is unknown, not 0).
    public static func knownWeightedAverage(_ entries: [(value: Double?, calls: Int)]) -> Double? {
        let known = entries.compactMap { entry in entry.value.map { (value: $0, calls: entry.calls) } }
        return known.isEmpty ? nil : weightedAverage(known)
    }

    /// Lasso's score: success × 1000/(1000+latency) × log10(calls); 0 for ≤1 call.
    public static func score(successRate: Double, avgLatencyMs: Double, calls: Int) -> Double {
        let latencyFactor = avgLatencyMs == 0 ? 1.0 : 1000.0 / (1000.0 + avgLatencyMs)
        let confidence = calls <= 0 ? 0 : log10(Double(calls))
        return successRate * latencyFactor * confidence
    }

    public static func aggregate(chain: String, reports: [NodeChainReport], totalNodes: Int,
                                 rates: [String: [String: Double]] = [:],
                                 options: AggregationOptions = AggregationOptions()) -> ChainAggregate {
        var providerOrder: [String] = []
        var rows: [String: [(node: String, provider: ProviderMetrics)]] = [:]
        var methodRows: [String: [(node: String, methods: [MethodMetrics])]] = [:]
        var names: [String: String] = [:]
        for report in reports {
            var seen = Set<String>()
            for provider in report.metrics.providers where seen.insert(provider.id).inserted {
                if rows[provider.id] == nil { providerOrder.append(provider.id) }
                rows[provider.id, default: []].append((report.node, provider))
                if names[provider.id] == nil, let name = provider.name { names[provider.id] = name }
            }
            var seenMethods = Set<String>()
            for entry in report.metrics.methodsByProvider where seenMethods.insert(entry.providerID).inserted {
                methodRows[entry.providerID, default: []].append((report.node, entry.methods))
                if names[entry.providerID] == nil, let name = entry.providerName { names[entry.providerID] = name }
            }
        }

        var providers: [ProviderAggregate] = []
        providers.reserveCapacity(providerOrder.count)
        for id in providerOrder {
            let entries = rows[id] ?? []
            let methods = aggregateMethods(methodRows[id] ?? [], options: options)
            providers.append(aggregateProvider(id: id, name: names[id], entries: entries, methodRows: methodRows[id] ?? [],
                                               methods: methods, rates: rates, options: options))
        }
        providers.sort { ($0.score, $0.totalCalls, $1.id) > ($1.score, $1.totalCalls, $0.id) }
        let chainID = reports.first?.metrics.chainID
        return ChainAggregate(chain: chain, chainID: chainID, responding: reports.count, total: max(totalNodes, reports.count),
                              providers: providers)
    }

    static func aggregateProvider(id: String, name: String?, entries: [(node: String, provider: ProviderMetrics)],
                                  methodRows: [(node: String, methods: [MethodMetrics])], methods: [MethodAggregate],
                                  rates: [String: [String: Double]], options: AggregationOptions) -> ProviderAggregate {
        let qualifying = entries.filter { $0.provider.totalCalls >= options.minCalls }
        let coldStart = qualifying.isEmpty
        let basis = coldStart ? entries : qualifying
        let weighted = { (f: (ProviderMetrics) -> Double) in
            weightedAverage(basis.map { (f($0.provider), $0.provider.totalCalls) })
        }
        var byNode: [ProviderNodeFigures] = []
        byNode.reserveCapacity(entries.count)
        var knownRate: Double?
        // A node's method list by name, looked up once per node (a linear search per node was quadratic in nodes).
        var methodsOfNode: [String: Int] = [:]
        methodsOfNode.reserveCapacity(methodRows.count)
        for (index, row) in methodRows.enumerated() where methodsOfNode[row.node] == nil { methodsOfNode[row.node] = index }
        for entry in entries {
            let nodeMethods = methodsOfNode[entry.node].map { methodRows[$0].methods } ?? []
            let percentiles = callWeightedPercentiles(nodeMethods)
            let rate = rates[entry.node]?[id]
            if let rate { knownRate = (knownRate ?? 0) + rate }
            byNode.append(ProviderNodeFigures(
                node: entry.node, totalCalls: entry.provider.totalCalls, avgLatencyMs: entry.provider.avgLatencyMs,
                successRate: entry.provider.successRate, score: entry.provider.score,
                callsLastMinute: entry.provider.callsLastMinute, callsPerSecond: rate,
                p50: percentiles.p50, p95: percentiles.p95, p99: percentiles.p99))
        }
        let worst = methods.max { $0.p95 < $1.p95 }
        return ProviderAggregate(
            id: id, name: name, totalCalls: entries.reduce(0) { $0 + $1.provider.totalCalls },
            avgLatencyMs: weighted(\.avgLatencyMs), successRate: weighted(\.successRate),
            score: coldStart ? 0 : weighted(\.score), nodesReporting: entries.count, coldStart: coldStart,
            callsPerSecond: knownRate, p95LatencyMsMax: worst?.p95 ?? 0, p95WorstNode: worst?.worstNode,
            p95LowSample: worst?.lowSample ?? false, byNode: byNode, methods: methods)
    }

    static func aggregateMethods(_ rows: [(node: String, methods: [MethodMetrics])], options: AggregationOptions) -> [MethodAggregate] {
        // Methods interned to slots: nodes usually list them in the same order, so slot i is checked by one string
        // comparison before any hashing. Each slot holds (row, position) pairs, never copies of the metrics.
        var order: [String] = []
        var slotOf: [String: Int] = [:]
        var grouped: [[(row: Int, position: Int)]] = []
        for (r, row) in rows.enumerated() {
            for (position, method) in row.methods.enumerated() {
                let slot: Int
                if position < order.count, order[position] == method.method {
                    slot = position
                } else if let known = slotOf[method.method] {
                    slot = known
                } else {
                    slot = order.count
                    order.append(method.method)
                    slotOf[method.method] = slot
                    grouped.append([])
                }
                grouped[slot].append((r, position))
            }
        }
        var result: [MethodAggregate] = []
        result.reserveCapacity(order.count)
        for (slot, method) in order.enumerated() {
            let entries = grouped[slot]
            // Averages weigh only qualifying nodes (all nodes when none qualifies); the worst percentile looks at
            // every node, so a slow node with a handful of calls is shown (flagged low-sample) instead of hidden.
            // Sums run in node order, as `knownWeightedAverage` would, so the figures are the same to the bit.
            var anyQualifying = false
            var totalCalls = 0
            var p50 = 0.0, p90 = 0.0, p99 = 0.0
            var worst: (row: Int, position: Int)?
            var worstP95 = 0.0
            var byNode: [MethodNodeFigures] = []
            byNode.reserveCapacity(entries.count)
            for (index, at) in entries.enumerated() {
                let m = rows[at.row].methods[at.position]
                if m.totalCalls >= options.minCalls { anyQualifying = true }
                totalCalls += m.totalCalls
                p50 = index == 0 ? m.p50 : max(p50, m.p50)
                p90 = index == 0 ? m.p90 : max(p90, m.p90)
                p99 = index == 0 ? m.p99 : max(p99, m.p99)
                if worst == nil || worstP95 < m.p95 { worst = at; worstP95 = m.p95 }
                byNode.append(MethodNodeFigures(node: rows[at.row].node, totalCalls: m.totalCalls, avgLatencyMs: m.avgLatencyMs,
                                                successRate: m.successRate, p50: m.p50, p90: m.p90, p95: m.p95, p99: m.p99))
            }
            var latencySum = 0.0, latencyWeight = 0, latencyKnown = false
            var successSum = 0.0, successWeight = 0, successKnown = false
            for at in entries {
                let m = rows[at.row].methods[at.position]
                if anyQualifying && m.totalCalls < options.minCalls { continue }
                if let value = m.avgLatencyMs {
                    latencySum += value * Double(m.totalCalls); latencyWeight += m.totalCalls; latencyKnown = true
                }
                if let value = m.successRate {
                    successSum += value * Double(m.totalCalls); successWeight += m.totalCalls; successKnown = true
                }
            }
            let worstMetrics = worst.map { rows[$0.row].methods[$0.position] }
            result.append(MethodAggregate(
                method: method, totalCalls: totalCalls,
                avgLatencyMs: latencyKnown ? (latencyWeight == 0 ? 0 : latencySum / Double(latencyWeight)) : nil,
                successRate: successKnown ? (successWeight == 0 ? 0 : successSum / Double(successWeight)) : nil,
                p50: p50, p90: p90, p95: worstMetrics?.p95 ?? 0, p99: p99,
                worstNode: worst.map { rows[$0.row].node },
                lowSample: worstMetrics.map { $0.p95 > 0 && $0.totalCalls < options.minCalls } ?? false,
                byNode: byNode))
        }
        result.sort { ($0.totalCalls, $1.method) > ($1.totalCalls, $0.method) }
        return result
    }
}
