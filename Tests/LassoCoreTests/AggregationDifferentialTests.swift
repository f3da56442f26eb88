import Foundation
import XCTest
@testable import LassoCore

/// `Aggregation.aggregate` interns provider ids, matches nodes by index and stores the per-node method rows flat
/// (`MethodNodeList`); it must give exactly what the plain name-keyed group-by (kept here as the reference) gives, on
/// inputs with shuffled orders, repeated provider ids and node names, method rows without provider figures and the
/// reverse, unknown names, nulls, rates and nodes below min calls.
final class AggregationDifferentialTests: XCTestCase {
    static func reference(chain: String, reports: [NodeChainReport], totalNodes: Int, rates: [String: [String: Double]],
                          options: AggregationOptions) -> ChainAggregate {
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
        for id in providerOrder {
            let entries = rows[id] ?? []
            let nodeMethods = methodRows[id] ?? []
            let methods = AggregationFastPathTests.reference(nodeMethods, options: options)
            let qualifying = entries.filter { $0.provider.totalCalls >= options.minCalls }
            let basis = qualifying.isEmpty ? entries : qualifying
            let weighted = { (f: (ProviderMetrics) -> Double) in
                Aggregation.weightedAverage(basis.map { (f($0.provider), $0.provider.totalCalls) })
            }
            var knownRate: Double?
            let byNode = entries.map { entry -> ProviderNodeFigures in
                let mine = nodeMethods.first { $0.node == entry.node }?.methods ?? []
                let rate = rates[entry.node]?[id]
                if let rate { knownRate = (knownRate ?? 0) + rate }
                return ProviderNodeFigures(
                    node: entry.node, totalCalls: entry.provider.totalCalls, avgLatencyMs: entry.provider.avgLatencyMs,
                    successRate: entry.provider.successRate, score: entry.provider.score,
                    callsLastMinute: entry.provider.callsLastMinute, callsPerSecond: rate,
                    p50: Aggregation.callWeightedPercentile(mine, \.p50), p95: Aggregation.callWeightedPercentile(mine, \.p95),
                    p99: Aggregation.callWeightedPercentile(mine, \.p99))
            }
            let worst = methods.max { $0.p95 < $1.p95 }
            providers.append(ProviderAggregate(
                id: id, name: names[id], totalCalls: entries.reduce(0) { $0 + $1.provider.totalCalls },
                avgLatencyMs: weighted(\.avgLatencyMs), successRate: weighted(\.successRate),
                score: qualifying.isEmpty ? 0 : weighted(\.score), nodesReporting: entries.count, coldStart: qualifying.isEmpty,
                callsPerSecond: knownRate, p95LatencyMsMax: worst?.p95 ?? 0, p95WorstNode: worst?.worstNode,
                p95LowSample: worst?.lowSample ?? false, byNode: byNode, methods: methods))
        }
        providers.sort { ($0.score, $0.totalCalls, $1.id) > ($1.score, $1.totalCalls, $0.id) }
        return ChainAggregate(chain: chain, chainID: reports.first?.metrics.chainID, responding: reports.count,
                              total: max(totalNodes, reports.count), providers: providers)
    }

    static func randomInput(_ rng: inout some RandomNumberGenerator)
        -> (reports: [NodeChainReport], rates: [String: [String: Double]], options: AggregationOptions) {
        let providerIDs = (0..<6).map { "chain_provider_\($0)" } + ["p"]
        let methodNames = (0..<8).map { "eth_method_\($0)@http" } + ["m"]
        let nodeNames = ["alpha", "beta", "gamma", "delta", "a_node_with_a_name_longer_than_fifteen_bytes"]
        let sameOrder = Bool.random(using: &rng)
        func method(_ name: String) -> MethodMetrics {
            MethodMetrics(method: name, avgLatencyMs: Int.random(in: 0..<4, using: &rng) == 0 ? nil : Double.random(in: 0...900, using: &rng),
                          p50: Double(Int.random(in: 0...5, using: &rng)) * 10, p90: Double.random(in: 0...500, using: &rng),
                          p95: Double(Int.random(in: 0...5, using: &rng)) * 25, p99: Double.random(in: 0...900, using: &rng),
                          successRate: Int.random(in: 0..<4, using: &rng) == 0 ? nil : Double.random(in: 0...1, using: &rng),
                          totalCalls: Int.random(in: 0...30, using: &rng), lastUpdated: 0)
        }
        func pick<T>(_ all: [T]) -> [T] {
            let chosen = sameOrder ? all : all.shuffled(using: &rng)
            var list = Array(chosen.prefix(Int.random(in: 0...all.count, using: &rng)))
            if let first = list.first, Int.random(in: 0..<4, using: &rng) == 0 { list.append(first) }   // a repeat
            return list
        }
        var reports: [NodeChainReport] = []
        var rates: [String: [String: Double]] = [:]
        for index in 0..<Int.random(in: 0...7, using: &rng) {
            // Mostly distinct names, sometimes a name twice.
            let node = Int.random(in: 0..<5, using: &rng) == 0 ? nodeNames.randomElement(using: &rng)! : "\(nodeNames[index % nodeNames.count])-\(index)"
            let providers = pick(providerIDs).map { id in
                ProviderMetrics(id: id, name: Bool.random(using: &rng) ? nil : "name of \(id) \(Int.random(in: 0...2, using: &rng))",
                                score: Double.random(in: 0...3, using: &rng), successRate: Double.random(in: 0...1, using: &rng),
                                totalCalls: Int.random(in: 0...40, using: &rng), avgLatencyMs: Double.random(in: 0...800, using: &rng),
                                callsLastMinute: Int.random(in: 0...90, using: &rng))
            }
            let byProvider = pick(providerIDs).map { id in
                ProviderMethods(providerID: id, providerName: Bool.random(using: &rng) ? nil : "methods name of \(id)",
                                methods: pick(methodNames).map(method))
            }
            reports.append(NodeChainReport(node: node, metrics: MetricsResponse(
                chain: "ethereum", chainID: 1, timestamp: 0, totalCalls: 0, providers: providers, methodsByProvider: byProvider,
                lastUpdated: 1)))
            if Bool.random(using: &rng) {
                rates[node] = Dictionary(providerIDs.filter { _ in Bool.random(using: &rng) }.map { ($0, Double.random(in: 0...50, using: &rng)) },
                                         uniquingKeysWith: { first, _ in first })
            }
        }
        return (reports, rates, AggregationOptions(minCalls: Int.random(in: 0...25, using: &rng)))
    }

    func testSameResultAsThePlainGroupBy() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<400 {
            let input = Self.randomInput(&rng)
            let fast = Aggregation.aggregate(chain: "ethereum", reports: input.reports, totalNodes: 5, rates: input.rates, options: input.options)
            let plain = Self.reference(chain: "ethereum", reports: input.reports, totalNodes: 5, rates: input.rates, options: input.options)
            XCTAssertEqual(fast, plain, "round \(round)")
            // Field by field as arrays too, so a wrong `MethodNodeList ==` cannot hide a difference.
            for (f, p) in zip(fast.providers, plain.providers) {
                XCTAssertEqual(f.methods.count, p.methods.count)
                for (fm, pm) in zip(f.methods, p.methods) {
                    XCTAssertEqual(Array(fm.byNode), Array(pm.byNode), "round \(round) \(f.id) \(fm.method)")
                }
            }
        }
    }

    /// The stored form (synthesized `Codable`, used by recordings and the hub's reader) is the same JSON as the plain
    /// array's, and decodes back to an equal list.
    func testByNodeEncodesAsThePlainArray() throws {
        var rng = SystemRandomNumberGenerator()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var checked = 0
        for _ in 0..<100 {
            let input = Self.randomInput(&rng)
            let aggregate = Aggregation.aggregate(chain: "ethereum", reports: input.reports, totalNodes: 5, rates: input.rates, options: input.options)
            for provider in aggregate.providers {
                for method in provider.methods {
                    let list = try encoder.encode(method.byNode)
                    XCTAssertEqual(list, try encoder.encode(Array(method.byNode)))
                    XCTAssertEqual(try JSONDecoder().decode(MethodNodeList.self, from: list), method.byNode)
                    checked += 1
                }
                let whole = try encoder.encode(provider)
                XCTAssertEqual(try JSONDecoder().decode(ProviderAggregate.self, from: whole), provider)
            }
        }
        XCTAssertGreaterThan(checked, 0)
    }

    /// The list reads like the array it replaces: indices, slices, equality with a list built from the same figures.
    func testListBehavesLikeAnArray() {
        var figures: [MethodNodeFigures] = []
        for i in 0..<5 {
            let value = Double(i)
            let latency: Double? = i == 2 ? nil : value + 0.5
            let success: Double? = i == 3 ? nil : 0.9
            figures.append(MethodNodeFigures(node: "n\(i)", totalCalls: i, avgLatencyMs: latency, successRate: success,
                                             p50: value, p90: value * 2, p95: value * 3, p99: value * 4))
        }
        let list = MethodNodeList(figures)
        XCTAssertEqual(Array(list), figures)
        XCTAssertEqual(list.count, 5)
        XCTAssertEqual(list[2].avgLatencyMs, nil)
        XCTAssertEqual(list[3].successRate, nil)
        XCTAssertEqual(list.map { $0.node }, ["n0", "n1", "n2", "n3", "n4"])
        XCTAssertEqual(list.dropFirst(3).map { $0.totalCalls }, [3, 4])
        XCTAssertEqual(list, MethodNodeList(figures))
        XCTAssertNotEqual(list, MethodNodeList(figures.dropLast()))
        XCTAssertNotEqual(list, MethodNodeList(figures.reversed()))
        XCTAssertTrue(MethodNodeList().isEmpty)
        XCTAssertEqual(MethodNodeList(), [])
        XCTAssertEqual(list.description, figures.description)
    }
}
