import Foundation
import LassoCore

/// Synthetic but realistic inputs for the benchmarks (and, tiny, for the test that keeps them from rotting).
public enum Workloads {
    /// A metrics response shaped like Lasso's: `providers` providers × `methods` methods, cumulative counters. With
    /// `names`, its method names and provider ids are shared as the monitor's decoding shares them (NameTable.swift).
    public static func metrics(chain: String = "ethereum", providers: Int, methods: Int, node: Int = 0, names: NameTable? = nil) -> MetricsResponse {
        let name = { (text: String) in names?.shared(text) ?? text }
        var list: [ProviderMetrics] = []
        var byProvider: [ProviderMethods] = []
        for p in 0..<providers {
            let calls = 1_000 + (p * 37 + node * 11) % 5_000
            list.append(ProviderMetrics(id: name("\(chain)_provider_\(p)"), name: p % 7 == 0 ? nil : "Provider \(p)",
                                        score: Double(p % 30) / 10, successRate: 0.95 + Double(p % 5) / 100,
                                        totalCalls: calls, avgLatencyMs: 40 + Double((p * 13 + node) % 200) + 0.25,
                                        callsLastMinute: p % 90))
            byProvider.append(ProviderMethods(providerID: name("\(chain)_provider_\(p)"), providerName: "Provider \(p)", methods: (0..<methods).map { m in
                let base = Double(30 + (m * 7 + p + node) % 150)
                return MethodMetrics(method: name("eth_method_\(m)@\(m % 3 == 0 ? "ws" : "http")"), avgLatencyMs: base + 0.37, p50: base,
                                     p90: base * 1.6, p95: base * 2 + 0.5, p99: base * 3, successRate: 0.9983,
                                     totalCalls: calls / max(methods, 1), lastUpdated: 1_786_788_752_001)
            }))
        }
        return MetricsResponse(chain: chain, chainID: 1, timestamp: 1_786_788_753_123,
                               systemMetrics: SystemMetrics(memoryMB: 412.7, cpuPercent: 3.4, processCount: 2211, runQueue: 0),
                               totalCalls: list.reduce(0) { $0 + $1.totalCalls }, providers: list,
                               rpcMethods: (0..<methods).map { "eth_method_\($0)@http" }, methodsByProvider: byProvider,
                               lastUpdated: 1_786_788_753_120)
    }

    /// The JSON body Lasso would send for `metrics(...)`, including the redundant `rpc_performance_by_method` section.
    public static func metricsBody(providers: Int, methods: Int) throws -> Data {
        let metrics = metrics(providers: providers, methods: methods)
        let encoder = JSONEncoder()
        var object = try JSONSerialization.jsonObject(with: try encoder.encode(metrics)) as! [String: Any]
        var byMethod: [[String: Any]] = []
        for m in 0..<methods {
            var entries: [[String: Any]] = []
            for provider in metrics.methodsByProvider {
                let method = provider.methods[m]
                entries.append(["method": method.method, "provider_id": provider.providerID, "provider_name": provider.providerName as Any,
                                "avg_latency_ms": method.avgLatencyMs, "p50_latency_ms": Int(method.p50), "p90_latency_ms": method.p90,
                                "p95_latency_ms": method.p95, "p99_latency_ms": method.p99, "success_rate": method.successRate,
                                "total_calls": method.totalCalls, "last_updated": method.lastUpdated])
            }
            byMethod.append(["method": "eth_method_\(m)@http", "providers": entries])
        }
        object["rpc_performance_by_method"] = byMethod
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// `nodes` node reports for one chain.
    public static func reports(nodes: Int, providers: Int, methods: Int, chain: String = "ethereum", names: NameTable? = nil) -> [NodeChainReport] {
        (0..<nodes).map { NodeChainReport(node: "node-\($0)", metrics: metrics(chain: chain, providers: providers, methods: methods, node: $0, names: names)) }
    }

    /// Aggregates every chain once; returns a checksum so the work cannot be optimized away.
    @discardableResult
    public static func aggregateAll(_ chains: [String: [NodeChainReport]], nodes: Int) -> Int {
        var checksum = 0
        for (chain, reports) in chains {
            let aggregate = Aggregation.aggregate(chain: chain, reports: reports, totalNodes: nodes)
            checksum &+= aggregate.providers.count &+ (aggregate.providers.first?.totalCalls ?? 0)
        }
        return checksum
    }

    @discardableResult
    public static func decodeMetrics(_ body: Data, names: NameTable? = nil) throws -> Int {
        try MetricsResponse.decode(body, names: names).providers.count
    }
}
