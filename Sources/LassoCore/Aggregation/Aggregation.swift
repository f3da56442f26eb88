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
    /// In node order. A view of flat storage shared by the provider's methods (`MethodNodeList`).
    public var byNode: MethodNodeList
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
        var sums = PercentileSums()
        for m in methods { sums.add(calls: m.totalCalls, p50: m.p50, p95: m.p95, p99: m.p99) }
        return sums.estimates
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
        // Provider ids interned to slots once: reports usually list providers in the same order, so slot `position`
        // is checked by one string comparison before any hashing. Per slot: the first entry of each report (a
        // repeated id in one report is ignored), as (report, position) into the reports, never copies.
        var ids: [String] = []
        var slotOf: [String: Int] = [:]
        var rows: [[(report: Int, position: Int)]] = []
        var methodRows: [[MethodRow]] = []
        var names: [String?] = []
        var lastProviderReport: [Int] = []
        var lastMethodsReport: [Int] = []
        var providerOrder: [Int] = []
        func intern(_ id: String, at position: Int, matched: Bool) -> Int {
            if matched || (position < ids.count && ids[position] == id) { return position }
            if let known = slotOf[id] { return known }
            let slot = ids.count
            ids.append(id)
            slotOf[id] = slot
            rows.append([])
            methodRows.append([])
            names.append(nil)
            lastProviderReport.append(-1)
            lastMethodsReport.append(-1)
            return slot
        }
        var matches: [Bool] = []
        var visits: [(slot: Int, row: Int)] = []
        for r in reports.indices {
            let providerList = reports[r].metrics.providers
            // Ids read in a loop of their own, as method names are in `MethodTable.matches` (memory misses in parallel).
            matches.removeAll(keepingCapacity: true)
            for position in providerList.indices {
                matches.append(position < ids.count && sameBytes(ids[position], providerList[position].id))
            }
            for position in providerList.indices {
                let slot = intern(providerList[position].id, at: position, matched: matches[position])
                if lastProviderReport[slot] == r { continue }
                lastProviderReport[slot] = r
                if rows[slot].isEmpty { providerOrder.append(slot) }
                rows[slot].append((r, position))
                if names[slot] == nil, let name = providerList[position].name { names[slot] = name }
            }
            let methodList = reports[r].metrics.methodsByProvider
            matches.removeAll(keepingCapacity: true)
            for position in methodList.indices {
                matches.append(position < ids.count && sameBytes(ids[position], methodList[position].providerID))
            }
            for position in methodList.indices {
                let slot = intern(methodList[position].providerID, at: position, matched: matches[position])
                if lastMethodsReport[slot] == r { continue }
                lastMethodsReport[slot] = r
                methodRows[slot].append(MethodRow(report: r, entry: position))
                visits.append((slot, methodRows[slot].count - 1))
                if names[slot] == nil, let name = methodList[position].providerName { names[slot] = name }
            }
        }

        // Every provider's method table, filled in one walk over the method lists in the order they were read
        // (node by node, as they lie in memory); each table still sees its rows in node order.
        var tables = methodRows.map { MethodTable(rowCount: $0.count, minCalls: options.minCalls) }
        for (slot, row) in visits {
            let at = methodRows[slot][row]
            reports[at.report].metrics.methodsByProvider[at.entry].methods.withUnsafeBufferPointer { methods in
                tables[slot].add(row: row, methods, matched: tables[slot].matches(methods))
            }
        }

        // Nodes are matched by name (two reports may carry the same name): each report maps to the first report
        // with its name, and a provider's node takes the method row of the first report of that name that has one.
        let nodes = reports.map(\.node)
        var firstOfName: [String: Int] = [:]
        firstOfName.reserveCapacity(nodes.count)
        let canonical = nodes.indices.map { r in
            if let first = firstOfName[nodes[r]] { return first }
            firstOfName[nodes[r]] = r
            return r
        }
        let rateOfReport: [[String: Double]?] = rates.isEmpty ? [] : nodes.map { rates[$0] }
        var rowOfCanonical = [Int](repeating: -1, count: nodes.count)

        var providers: [ProviderAggregate] = []
        providers.reserveCapacity(providerOrder.count)
        for slot in providerOrder {
            let id = ids[slot]
            let entries = rows[slot]
            let methods = tables[slot].finish(reports: reports, rows: methodRows[slot])
            for (index, row) in methodRows[slot].enumerated() where rowOfCanonical[canonical[row.report]] < 0 {
                rowOfCanonical[canonical[row.report]] = index
            }
            // Sums in node order, as `weightedAverage` over the basis would (same figures to the bit).
            var totalCalls = 0
            var anyQualifying = false
            var byNode: [ProviderNodeFigures] = []
            byNode.reserveCapacity(entries.count)
            var knownRate: Double?
            for entry in entries {
                let provider = reports[entry.report].metrics.providers[entry.position]
                totalCalls += provider.totalCalls
                if provider.totalCalls >= options.minCalls { anyQualifying = true }
                let row = rowOfCanonical[canonical[entry.report]]
                let percentiles = row >= 0 ? methods.percentiles[row] : PercentileSums().estimates
                let rate = rateOfReport.isEmpty ? nil : rateOfReport[entry.report]?[id]
                if let rate { knownRate = (knownRate ?? 0) + rate }
                byNode.append(ProviderNodeFigures(
                    node: nodes[entry.report], totalCalls: provider.totalCalls, avgLatencyMs: provider.avgLatencyMs,
                    successRate: provider.successRate, score: provider.score,
                    callsLastMinute: provider.callsLastMinute, callsPerSecond: rate,
                    p50: percentiles.p50, p95: percentiles.p95, p99: percentiles.p99))
            }
            for row in methodRows[slot] { rowOfCanonical[canonical[row.report]] = -1 }
            // Averages weigh only qualifying nodes (all nodes at a cold start, when none qualifies).
            var latency = 0.0, success = 0.0, score = 0.0, weight = 0
            for node in byNode where !anyQualifying || node.totalCalls >= options.minCalls {
                latency += node.avgLatencyMs * Double(node.totalCalls)
                success += node.successRate * Double(node.totalCalls)
                score += node.score * Double(node.totalCalls)
                weight += node.totalCalls
            }
            let average = { (sum: Double) in weight == 0 ? 0 : sum / Double(weight) }
            let worst = methods.aggregates.max { $0.p95 < $1.p95 }
            providers.append(ProviderAggregate(
                id: id, name: names[slot], totalCalls: totalCalls,
                avgLatencyMs: average(latency), successRate: average(success),
                score: anyQualifying ? average(score) : 0, nodesReporting: entries.count, coldStart: !anyQualifying,
                callsPerSecond: knownRate, p95LatencyMsMax: worst?.p95 ?? 0, p95WorstNode: worst?.worstNode,
                p95LowSample: worst?.lowSample ?? false, byNode: byNode, methods: methods.aggregates))
        }
        providers.sort { ($0.score, $0.totalCalls, $1.id) > ($1.score, $1.totalCalls, $0.id) }
        let chainID = reports.first?.metrics.chainID
        return ChainAggregate(chain: chain, chainID: chainID, responding: reports.count, total: max(totalNodes, reports.count),
                              providers: providers)
    }

    /// One node's method list for one provider: `reports[report].metrics.methodsByProvider[entry].methods`, found
    /// again by position rather than held (holding each list meant a retain and a release of a cold array per row).
    struct MethodRow: Sendable {
        var report: Int
        var entry: Int
    }

    /// Each row a report of its own, named as given, its methods the only entry.
    static func reports(_ rows: [(node: String, methods: [MethodMetrics])]) -> [NodeChainReport] {
        rows.map { row in
            NodeChainReport(node: row.node, metrics: MetricsResponse(
                chain: "", chainID: 0, timestamp: 0, totalCalls: 0, providers: [],
                methodsByProvider: [ProviderMethods(providerID: "", providerName: nil, methods: row.methods)], lastUpdated: 0))
        }
    }

    /// The running sums of `callWeightedPercentiles`, so they can be taken while the method list is read anyway.
    struct PercentileSums {
        var sum50 = 0.0, sum95 = 0.0, sum99 = 0.0
        var weight50 = 0, weight95 = 0, weight99 = 0

        mutating func add(calls: Int, p50: Double, p95: Double, p99: Double) {
            if p50 > 0 { sum50 += p50 * Double(calls); weight50 += calls }
            if p95 > 0 { sum95 += p95 * Double(calls); weight95 += calls }
            if p99 > 0 { sum99 += p99 * Double(calls); weight99 += calls }
        }

        var estimates: (p50: Double, p95: Double, p99: Double) {
            (weight50 == 0 ? 0 : sum50 / Double(weight50), weight95 == 0 ? 0 : sum95 / Double(weight95),
             weight99 == 0 ? 0 : sum99 / Double(weight99))
        }
    }

    /// `aggregateMethods` with node names instead of report indices (each row its own node).
    static func aggregateMethods(_ rows: [(node: String, methods: [MethodMetrics])], options: AggregationOptions) -> [MethodAggregate] {
        aggregateMethods(reports: reports(rows), rows: rows.indices.map { MethodRow(report: $0, entry: 0) }, options: options).aggregates
    }

    /// The method table of one provider, plus each row's provider-wide percentile estimates (`callWeightedPercentiles`
    /// of that row's methods): `MethodTable` filled with every row in turn.
    static func aggregateMethods(reports: [NodeChainReport], rows: [MethodRow], options: AggregationOptions)
        -> (aggregates: [MethodAggregate], percentiles: [(p50: Double, p95: Double, p99: Double)]) {
        var table = MethodTable(rowCount: rows.count, minCalls: options.minCalls)
        for r in rows.indices {
            reports[rows[r].report].metrics.methodsByProvider[rows[r].entry].methods.withUnsafeBufferPointer { methods in
                table.add(row: r, methods, matched: table.matches(methods))
            }
        }
        return table.finish(reports: reports, rows: rows)
    }

    /// One provider's method table, filled a row (one node's method list) at a time, rows in node order: method names
    /// interned to slots, each slot's sums taken in node order (as `knownWeightedAverage` would, so the same figures
    /// to the bit as the plain group-by, AggregationFastPathTests) and its per-node rows kept as positions into the
    /// rows, never copied. `aggregate` fills the tables of all providers in one walk over the reports in memory order
    /// (node by node), since walking one provider's rows across all nodes missed the cache on every row.
    struct MethodTable {
        // Nodes usually list methods in the same order, so slot `position` is checked by one string comparison
        // before any hashing.
        var order: [String] = []
        var slotOf: [String: Int] = [:]
        // A slot's rows as positions, written out only once the slot stops being regular: while row i holds the
        // slot's i-th entry at position `slot` (the usual case, every node listing the same methods in the same
        // order) the positions are implied and nothing is stored.
        var refs: [[MethodNodeRef]] = []
        var regular: [Bool] = []
        var sums: [MethodSums] = []
        var percentiles: [(p50: Double, p95: Double, p99: Double)] = []
        let rowCount: Int
        let minCalls: Int

        init(rowCount: Int, minCalls: Int) {
            self.rowCount = rowCount
            self.minCalls = minCalls
            percentiles.reserveCapacity(rowCount)
        }

        /// Bit i: name i of `methods` is slot i's (the first 64 only; the rest, and any name whose bytes differ, take
        /// the ordinary comparison in `add`). Read in a loop that does nothing else, so the misses on names that
        /// are not shared (a body the byte reader gave up on) overlap.
        func matches(_ methods: UnsafeBufferPointer<MethodMetrics>) -> UInt64 {
            var mask: UInt64 = 0
            for position in 0..<min(methods.count, order.count, 64) {
                mask |= (sameBytes(order[position], methods[position].method) ? 1 : 0) << position
            }
            return mask
        }

        /// Row `r` (rows come in order, from 0) is `methods`.
        mutating func add(row r: Int, _ methods: UnsafeBufferPointer<MethodMetrics>, matched: UInt64) {
            var estimate = PercentileSums()
            for position in methods.indices {
                let slot: Int
                if (position < 64 && matched & (1 << position) != 0)
                    || (position < order.count && order[position] == methods[position].method) {
                    slot = position
                } else if let known = slotOf[methods[position].method] {
                    slot = known
                } else {
                    slot = order.count
                    order.append(methods[position].method)
                    slotOf[methods[position].method] = slot
                    refs.append([])
                    regular.append(true)
                    sums.append(MethodSums())
                }
                let ref = MethodNodeRef(row: Int32(truncatingIfNeeded: r), position: Int32(truncatingIfNeeded: position))
                if !regular[slot] || sums[slot].count != r || position != slot {
                    if regular[slot] {
                        regular[slot] = false
                        refs[slot] = Aggregation.regularRefs(count: sums[slot].count, position: slot)
                        refs[slot].reserveCapacity(rowCount - r + sums[slot].count)
                    }
                    refs[slot].append(ref)
                }
                let m = methods.baseAddress! + position
                sums[slot].add(m, at: ref, minCalls: minCalls)
                estimate.add(calls: m.pointee.totalCalls, p50: m.pointee.p50, p95: m.pointee.p95, p99: m.pointee.p99)
            }
            percentiles.append(estimate.estimates)
        }

        /// The aggregates, sorted by calls; `rows` are the rows added, in order.
        func finish(reports: [NodeChainReport], rows: [MethodRow])
            -> (aggregates: [MethodAggregate], percentiles: [(p50: Double, p95: Double, p99: Double)]) {
            let storage = MethodNodeStorage(reports: reports, rows: rows)
            var result: [MethodAggregate] = []
            result.reserveCapacity(order.count)
            for (slot, method) in order.enumerated() {
                let s = sums[slot]
                // Averages weigh only qualifying nodes (all nodes when none qualifies); the worst percentile looks at
                // every node, so a slow node with a handful of calls is shown (flagged low-sample) instead of hidden.
                let latency = s.anyQualifying ? s.latencyQualifying : s.latencyAll
                let success = s.anyQualifying ? s.successQualifying : s.successAll
                let worstRow = rows[Int(s.worst.row)]
                let worst = reports[worstRow.report].metrics.methodsByProvider[worstRow.entry].methods[Int(s.worst.position)]
                result.append(MethodAggregate(
                    method: method, totalCalls: s.totalCalls,
                    avgLatencyMs: latency.value, successRate: success.value,
                    p50: s.p50, p90: s.p90, p95: worst.p95, p99: s.p99,
                    worstNode: reports[worstRow.report].node,
                    lowSample: worst.p95 > 0 && worst.totalCalls < minCalls,
                    byNode: regular[slot] && s.count == rows.count
                        ? MethodNodeList(storage: storage, regularPosition: Int32(truncatingIfNeeded: slot))
                        : MethodNodeList(storage: storage, refs: regular[slot] ? Aggregation.regularRefs(count: s.count, position: slot) : refs[slot])))
            }
            result.sort { ($0.totalCalls, $1.method) > ($1.totalCalls, $0.method) }
            return (result, percentiles)
        }
    }

    /// The same UTF-8 bytes (so `==`; false can still be `==` for canonically equivalent text, which callers check
    /// with `==` then). Compares in place, without a call into the standard library's comparison, so the loop that
    /// uses it stays short. Names shared through a `NameTable` (every decoded body's) are the same storage: equal
    /// without reading their bytes.
    @inline(__always)
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        if count <= 15 { return a == b }   // small strings: compared by their inline bits
        let same = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
                let x = UnsafeRawPointer(pa.baseAddress!), y = UnsafeRawPointer(pb.baseAddress!)
                if x == y { return true }
                var offset = 0
                while offset + 8 <= count {
                    if x.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != y.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                        return false
                    }
                    offset += 8
                }
                return offset == count
                    || x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            }
        }
        return (same ?? nil) ?? false
    }

    /// Rows 0..<count, each at `position`.
    static func regularRefs(count: Int, position: Int) -> [MethodNodeRef] {
        (0..<count).map { MethodNodeRef(row: Int32(truncatingIfNeeded: $0), position: Int32(truncatingIfNeeded: position)) }
    }

    /// Σ(value × calls) and Σ calls over the entries that sent a value.
    struct KnownSum {
        var sum = 0.0
        var weight = 0
        var known = false

        mutating func add(_ value: Double, calls: Int) {
            sum += value * Double(calls); weight += calls; known = true
        }

        var value: Double? { known ? (weight == 0 ? 0 : sum / Double(weight)) : nil }
    }

    /// One method's sums, in node order. Both the all-node and the qualifying-node averages are summed, since which
    /// one counts is known only at the end.
    struct MethodSums {
        var count = 0
        var totalCalls = 0
        var p50 = 0.0, p90 = 0.0, p99 = 0.0
        var worst = MethodNodeRef(row: 0, position: 0)
        var worstP95 = 0.0
        var anyQualifying = false
        var latencyAll = KnownSum(), latencyQualifying = KnownSum()
        var successAll = KnownSum(), successQualifying = KnownSum()

        @inline(__always)
        mutating func add(_ m: UnsafePointer<MethodMetrics>, at ref: MethodNodeRef, minCalls: Int) {
            let calls = m.pointee.totalCalls
            let qualifies = calls >= minCalls
            if qualifies { anyQualifying = true }
            totalCalls += calls
            let first = count == 0
            count += 1
            p50 = first ? m.pointee.p50 : max(p50, m.pointee.p50)
            p90 = first ? m.pointee.p90 : max(p90, m.pointee.p90)
            p99 = first ? m.pointee.p99 : max(p99, m.pointee.p99)
            if first || worstP95 < m.pointee.p95 { worst = ref; worstP95 = m.pointee.p95 }
            if let value = m.pointee.avgLatencyMs {
                latencyAll.add(value, calls: calls)
                if qualifies { latencyQualifying.add(value, calls: calls) }
            }
            if let value = m.pointee.successRate {
                successAll.add(value, calls: calls)
                if qualifies { successQualifying.add(value, calls: calls) }
            }
        }
    }
}
