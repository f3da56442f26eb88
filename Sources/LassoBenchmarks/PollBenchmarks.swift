import Foundation
import LassoClient
import LassoCore
import LassoDemo

/// 5. Poll fan-out: K demo nodes on loopback (real Hummingbird servers), polled by the real `NodeHTTPClient` and
/// `ClusterMonitor`. Server and client share this machine's cores, so the figures are pessimistic.
public enum PollBenchmarks {
    /// Demo clusters hold at most 100 nodes each (`DemoConfig.nodeCount`), so K > 100 starts several clusters.
    static let nodesPerCluster = 100

    /// For each K: one round of health + metrics of every chain for every node, all requests in flight at once as the
    /// monitor's pollers can be (median round time, budget ≤ 2 s, and per-request p95, budget < 500 ms); and one
    /// `ClusterMonitor.collectOnce()` (health, chain list, metrics through the cache, one events page per node).
    public static func fanOut(counts: [Int] = [50, 200], rounds: Int = 3, eventRate: Double = 5) async throws -> [Figure] {
        var figures: [Figure] = []
        for count in counts {
            figures += try await fanOut(nodes: count, rounds: rounds, eventRate: eventRate)
        }
        return figures
    }

    public static func fanOut(nodes count: Int, rounds: Int, eventRate: Double) async throws -> [Figure] {
        var clusters: [DemoCluster] = []
        var targets: [NodeTarget] = []
        var remaining = count
        while remaining > 0 {
            let size = min(remaining, nodesPerCluster)
            let cluster = DemoCluster(config: DemoConfig(nodeCount: size, seed: UInt64(7 + clusters.count),
                                                         eventRate: eventRate * Double(size) / Double(count),
                                                         bufferCapacity: 200))
            try await cluster.start()
            let prefix = clusters.isEmpty ? "" : "c\(clusters.count)-"
            targets += cluster.nodes.map { NodeTarget(name: prefix + $0.id, url: $0.url) }
            clusters.append(cluster)
            remaining -= size
        }
        let http = try NodeHTTPClient(options: HTTPOptions())
        do {
            let chains = try await chainNames(http: http, target: targets[0])
            var roundMs: [Double] = []
            var latencies: [Double] = []
            var failures: [String] = []
            for round in 0...rounds {   // round 0 warms up connections and caches
                let result = await directRound(http: http, targets: targets, chains: chains)
                guard round > 0 else { continue }
                roundMs.append(result.seconds * 1000)
                latencies += result.latenciesMs
                failures += result.failures
            }
            let p95 = Percentile.nearestRank(latencies, 95) ?? 0
            var figures = [
                Measure.figure("poll round, \(count) nodes: health + metrics (\(chains.count) chains), all at once", unit: "ms",
                               values: roundMs, budget: 2_000, .atMost,
                               note: "\(latencies.count / max(rounds, 1)) requests per round" + failureNote(failures)),
                Measure.figure("poll per-request p95, \(count) nodes", unit: "ms", values: [p95], budget: 500, .atMost,
                               note: String(format: "p50 %.1f ms, max %.1f ms over %d requests", Percentile.nearestRank(latencies, 50) ?? 0,
                                            latencies.max() ?? 0, latencies.count)),
            ]
            if !failures.isEmpty {
                // A round that "finishes fast" because requests failed must not pass.
                figures.append(Measure.figure("poll failed requests, \(count) nodes", unit: "requests", values: [Double(failures.count)],
                                              budget: 0, .atMost, note: failures.first))
            }
            await http.shutdown()
            figures.append(try await monitorRound(targets: targets, rounds: rounds))
            for cluster in clusters { await cluster.stop() }
            return figures
        } catch {
            await http.shutdown()
            for cluster in clusters { await cluster.stop() }
            throw error
        }
    }

    static func failureNote(_ failures: [String]) -> String {
        guard let first = failures.first else { return "" }
        return "; \(failures.count) FAILED requests, e.g. \(first)"
    }

    struct RoundResult {
        var seconds: Double
        var latenciesMs: [Double]
        var failures: [String]
    }

    static func chainNames(http: NodeHTTPClient, target: NodeTarget) async throws -> [String] {
        guard case .ok(let body, _) = await http.get(target.url + "/api/chains") else {
            throw BenchError.setup("GET /api/chains failed on \(target.url)")
        }
        // The metrics path takes the `chain_name` key, as the monitor uses it.
        return try ChainsResponse.decode(body).chains.map(\.chainName)
    }

    /// Every node's /api/health and /api/metrics/:chain at once, each body decoded as the monitor decodes it.
    static func directRound(http: NodeHTTPClient, targets: [NodeTarget], chains: [String]) async -> RoundResult {
        var latencies: [Double] = []
        var failures: [String] = []
        let seconds = await Measure.seconds {
            await withTaskGroup(of: (Double, String?).self) { group in
                for target in targets {
                    group.addTask { await fetch(http, target.url + "/api/health") { _ = try HealthResponse.decode($0) } }
                    for chain in chains {
                        let path = "/api/metrics/" + (chain.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? chain)
                        group.addTask { await fetch(http, target.url + path) { _ = try MetricsResponse.decode($0) } }
                    }
                }
                for await (latency, failure) in group {
                    latencies.append(latency)
                    if let failure { failures.append(failure) }
                }
            }
        }
        return RoundResult(seconds: seconds, latenciesMs: latencies, failures: failures)
    }

    static func fetch(_ http: NodeHTTPClient, _ url: String, decode: (Data) throws -> Void) async -> (Double, String?) {
        switch await http.get(url) {
        case .ok(let body, let latency):
            do { try decode(body); return (latency, nil) } catch { return (latency, "\(url): \(error)") }
        case .failed(let failure, let latency):
            return (latency, "\(url): \(failure.message)")
        }
    }

    /// The real monitor's one-shot round (what `lassotop snapshot` does). Each run uses a fresh monitor so the metrics
    /// cache cannot answer from the previous run.
    static func monitorRound(targets: [NodeTarget], rounds: Int) async throws -> Figure {
        var values: [Double] = []
        var coverage = ""
        for round in 0...rounds {
            let monitor = try ClusterMonitor(config: MonitorConfig(targets: targets))
            var snapshot: ClusterSnapshot?
            let seconds = await Measure.seconds { snapshot = await monitor.collectOnce() }
            await monitor.stop()
            if let snapshot { coverage = "coverage \(snapshot.coverage.responding)/\(snapshot.coverage.total), \(snapshot.chains.count) chains" }
            if round > 0 { values.append(seconds * 1000) }
        }
        return Measure.figure("ClusterMonitor.collectOnce, \(targets.count) nodes (health, chains, metrics, events)", unit: "ms",
                              values: values, budget: 2_000, .atMost, note: coverage)
    }
}

public enum BenchError: Error, CustomStringConvertible {
    case setup(String)
    public var description: String {
        switch self { case .setup(let reason): return "bench setup: \(reason)" }
    }
}
