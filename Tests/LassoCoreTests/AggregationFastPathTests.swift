import XCTest
@testable import LassoCore

/// `Aggregation.aggregateMethods` interns method names and sums in place; it must give exactly what the plain
/// group-by (kept here as the reference) gives, on inputs with shuffled method orders, duplicates, nulls and nodes
/// below min calls.
final class AggregationFastPathTests: XCTestCase {
    static func reference(_ rows: [(node: String, methods: [MethodMetrics])], options: AggregationOptions) -> [MethodAggregate] {
        var order: [String] = []
        var grouped: [String: [(node: String, metrics: MethodMetrics)]] = [:]
        for row in rows {
            for method in row.methods {
                if grouped[method.method] == nil { order.append(method.method) }
                grouped[method.method, default: []].append((row.node, method))
            }
        }
        var result: [MethodAggregate] = []
        for method in order {
            let entries = grouped[method] ?? []
            let qualifying = entries.filter { $0.metrics.totalCalls >= options.minCalls }
            let basis = qualifying.isEmpty ? entries : qualifying
            let worst = entries.max { $0.metrics.p95 < $1.metrics.p95 }
            result.append(MethodAggregate(
                method: method, totalCalls: entries.reduce(0) { $0 + $1.metrics.totalCalls },
                avgLatencyMs: Aggregation.knownWeightedAverage(basis.map { ($0.metrics.avgLatencyMs, $0.metrics.totalCalls) }),
                successRate: Aggregation.knownWeightedAverage(basis.map { ($0.metrics.successRate, $0.metrics.totalCalls) }),
                p50: entries.map(\.metrics.p50).max() ?? 0, p90: entries.map(\.metrics.p90).max() ?? 0,
                p95: worst?.metrics.p95 ?? 0, p99: entries.map(\.metrics.p99).max() ?? 0,
                worstNode: worst?.node,
                lowSample: worst.map { $0.metrics.p95 > 0 && $0.metrics.totalCalls < options.minCalls } ?? false,
                byNode: MethodNodeList(entries.map {
                    MethodNodeFigures(node: $0.node, totalCalls: $0.metrics.totalCalls, avgLatencyMs: $0.metrics.avgLatencyMs,
                                      successRate: $0.metrics.successRate, p50: $0.metrics.p50, p90: $0.metrics.p90,
                                      p95: $0.metrics.p95, p99: $0.metrics.p99)
                })))
        }
        result.sort { ($0.totalCalls, $1.method) > ($1.totalCalls, $0.method) }
        return result
    }

    func testSameResultAsThePlainGroupBy() {
        var rng = SystemRandomNumberGenerator()
        let names = (0..<12).map { "eth_method\($0)" } + ["a_much_longer_method_name_than_fifteen_bytes"]
        for round in 0..<300 {
            var rows: [(node: String, methods: [MethodMetrics])] = []
            for node in 0..<Int.random(in: 0...7, using: &rng) {
                var methods = names.shuffled(using: &rng).prefix(Int.random(in: 0...names.count, using: &rng)).map { name in
                    MethodMetrics(method: name, avgLatencyMs: Bool.random(using: &rng) ? nil : Double.random(in: 0...900, using: &rng),
                                  p50: Double(Int.random(in: 0...5, using: &rng)) * 10, p90: Double.random(in: 0...500, using: &rng),
                                  p95: Double(Int.random(in: 0...5, using: &rng)) * 25, p99: Double.random(in: 0...900, using: &rng),
                                  successRate: Bool.random(using: &rng) ? nil : Double.random(in: 0...1, using: &rng),
                                  totalCalls: Int.random(in: 0...30, using: &rng), lastUpdated: 0)
                }
                if round % 2 == 0 { methods = Array(methods.sorted { $0.method < $1.method }) }   // same order everywhere
                if let first = methods.first, Bool.random(using: &rng) { methods.append(first) }   // a duplicate
                rows.append(("node\(node)", methods))
            }
            let options = AggregationOptions(minCalls: Int.random(in: 0...20, using: &rng))
            XCTAssertEqual(Aggregation.aggregateMethods(rows, options: options), Self.reference(rows, options: options), "round \(round)")
        }
    }
}

final class CallWeightedPercentilesTests: XCTestCase {
    func testOnePassEqualsThePerPercentileFunction() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let methods = (0..<Int.random(in: 0...25, using: &rng)).map { i in
                MethodMetrics(method: "m\(i)", avgLatencyMs: nil, p50: Double(Int.random(in: 0...3, using: &rng)) * Double.random(in: 0...300, using: &rng),
                              p90: 0, p95: Double(Int.random(in: 0...3, using: &rng)) * Double.random(in: 0...600, using: &rng),
                              p99: Double(Int.random(in: 0...3, using: &rng)) * Double.random(in: 0...900, using: &rng),
                              successRate: nil, totalCalls: Int.random(in: 0...1_000, using: &rng), lastUpdated: 0)
            }
            let fast = Aggregation.callWeightedPercentiles(methods)
            XCTAssertEqual(fast.p50, Aggregation.callWeightedPercentile(methods, \.p50))
            XCTAssertEqual(fast.p95, Aggregation.callWeightedPercentile(methods, \.p95))
            XCTAssertEqual(fast.p99, Aggregation.callWeightedPercentile(methods, \.p99))
        }
    }
}
