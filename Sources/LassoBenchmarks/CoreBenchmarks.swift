import Foundation
import LassoCore

/// Benchmarks of pure core work. Each returns one `Figure` with its budget; sizes are parameters so the smoke test
/// can run them tiny.
public enum CoreBenchmarks {
    /// 2. Aggregation scale: `nodes` × `providers` × `methods` per chain, every chain aggregated. Budget ≤ 50 ms.
    public static func aggregation(nodes: Int = 500, providers: Int = 50, methods: Int = 20, chains: Int = 2, runs: Int = 5) -> Figure {
        let input = Dictionary(uniqueKeysWithValues: (0..<chains).map { c in
            ("chain\(c)", Workloads.reports(nodes: nodes, providers: providers, methods: methods, chain: "chain\(c)"))
        })
        var sink = 0
        let values = Measure.repeated(runs: runs) {
            Measure.seconds { sink &+= Workloads.aggregateAll(input, nodes: nodes) } * 1000
        }
        return Measure.figure("aggregate \(nodes) nodes × \(providers) providers × \(methods) methods × \(chains) chains",
                              unit: "ms", values: values, budget: 50, .atMost, note: sink == 0 ? "empty" : nil)
    }

    /// 3. Decode a realistic `/api/metrics/:chain` body into models. Budget ≥ 100 MB/s.
    public static func decode(providers: Int = 50, methods: Int = 20, runs: Int = 7) throws -> Figure {
        let body = try Workloads.metricsBody(providers: providers, methods: methods)
        let repeats = max(1, 4_000_000 / max(body.count, 1))
        let values = try Measure.repeated(runs: runs) {
            let seconds = try Measure.seconds { for _ in 0..<repeats { try Workloads.decodeMetrics(body) } }
            return Double(body.count * repeats) / seconds / 1_000_000
        }
        return Measure.figure("decode /api/metrics body (\(body.count / 1024) KB, Foundation JSONDecoder)", unit: "MB/s",
                              values: values, budget: 100, .atLeast)
    }

    /// Every decode figure the bench prints.
    public static func decodeFigures() throws -> [Figure] {
        [try decode()]
    }
}
