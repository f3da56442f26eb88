import Foundation
import LassoClient
import LassoCore
import LassoDemo
import LassoHub
import Logging

/// Hub mode: `lassotop serve` watching demo nodes (behind counting relays) with the default polling intervals, read
/// by 1 and then by N viewers, each a separate HTTP client reading `/api/v1/snapshot` once a second like
/// `lassotop --hub`. Figures: snapshot latency at N viewers (p50, p99; budget p99 ≤ 50 ms) and the requests each node
/// receives per minute with 1 and with N viewers (budget: N viewers cost the nodes no more than one).
public enum HubBenchmarks {
    public static func figures(viewers: Int = 100, windowSeconds: Double = 60, settleSeconds: Double = 30,
                               nodes: Int = 3) async throws -> [Figure] {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: nodes, seed: 5, eventRate: 50))
        try await cluster.start()
        var relays: [CountingRelay] = []
        for node in cluster.nodes {
            let relay = CountingRelay(upstream: node.url)
            try await relay.start()
            relays.append(relay)
        }
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let targets = zip(cluster.nodes, relays).map { NodeTarget(name: $0.id, url: $1.url) }
        let monitor = try ClusterMonitor(config: MonitorConfig(targets: targets, isDemo: true), logger: quiet)
        await monitor.start()
        let publisher = HubPublisher(monitor: monitor)
        let refresher = Task { await publisher.run() }
        let server = HubServer(publisher: publisher, config: HubServerConfig(host: "127.0.0.1", port: 0), logger: quiet)
        let port = try await server.start()
        let url = "http://127.0.0.1:\(port)/api/v1/snapshot"
        defer {
            refresher.cancel()
        }
        do {
            // Warm up: every node answered and the metrics cache has been filled once.
            let warmDeadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < warmDeadline {
                if let s = publisher.current()?.snapshot, s.coverage.responding == nodes, s.chains.contains(where: { !$0.providers.isEmpty }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Settle: the metrics loop staggers its chains over the first interval, so the first 30 s poll less
            // than the steady state and would flatter whichever phase came first.
            _ = try await phase(viewers: 0, url: url, seconds: settleSeconds, relays: relays)
            let one = try await phase(viewers: 1, url: url, seconds: windowSeconds, relays: relays)
            let many = try await phase(viewers: viewers, url: url, seconds: windowSeconds, relays: relays)
            await server.stop()
            await monitor.stop()
            for relay in relays { await relay.stop() }
            await cluster.stop()
            let p50 = Percentile.nearestRank(many.latenciesMs, 50) ?? 0
            let p99 = Percentile.nearestRank(many.latenciesMs, 99) ?? 0
            let failures = many.failures + one.failures
            var figures = [
                Measure.figure("hub snapshot p99, \(viewers) viewers", unit: "ms", values: [p99], budget: 50, .atMost,
                               note: String(format: "p50 %.2f ms, max %.1f ms over %d requests in %.0f s", p50,
                                            many.latenciesMs.max() ?? 0, many.latenciesMs.count, windowSeconds)
                                   + (failures > 0 ? "; \(failures) FAILED requests" : "")),
                Measure.figure("hub snapshot p50, \(viewers) viewers", unit: "ms", values: [p50], budget: nil, .atMost),
                Measure.figure("upstream requests per node per minute, 1 viewer", unit: "req/min", values: one.perNodePerMinute,
                               budget: nil, .atMost, note: one.breakdown),
                // Equal up to the metrics stagger: one more poll of a chain may fall inside either window.
                Measure.figure("upstream requests per node per minute, \(viewers) viewers", unit: "req/min",
                               values: many.perNodePerMinute, budget: (one.perNodePerMinute.max() ?? 0) * 1.1 + 2, .atMost,
                               note: many.breakdown),
            ]
            if failures > 0 {
                figures.append(Measure.figure("hub failed snapshot reads", unit: "requests", values: [Double(failures)],
                                              budget: 0, .atMost))
            }
            return figures
        } catch {
            await server.stop()
            await monitor.stop()
            for relay in relays { await relay.stop() }
            await cluster.stop()
            throw error
        }
    }

    struct Phase {
        var latenciesMs: [Double]
        var failures: Int
        var perNodePerMinute: [Double]
        var breakdown: String
    }

    /// `viewers` clients, each reading the snapshot once a second (one request in flight each) for `seconds`.
    static func phase(viewers: Int, url: String, seconds: Double, relays: [CountingRelay]) async throws -> Phase {
        let before = relays.map(\.snapshot)
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int64(seconds * 1000))
        let results = await withTaskGroup(of: ([Double], Int).self) { group in
            for index in 0..<viewers {
                group.addTask {
                    guard let http = try? NodeHTTPClient(options: HTTPOptions(timeout: .seconds(5), maxBodyBytes: 64 << 20)) else {
                        return ([], 1)
                    }
                    var latencies: [Double] = []
                    var failures = 0
                    // Viewers start spread over the first second, as independent people would.
                    var next = start + .milliseconds(Int64(1000 * index / max(viewers, 1)))
                    while next < end {
                        try? await Task.sleep(until: next, clock: .continuous)
                        switch await http.get(url) {
                        case .ok(_, let ms): latencies.append(ms)
                        case .failed: failures += 1
                        }
                        next += .seconds(1)
                    }
                    await http.shutdown()
                    return (latencies, failures)
                }
            }
            var all: ([Double], Int) = ([], 0)
            for await (latencies, failures) in group {
                all.0 += latencies
                all.1 += failures
            }
            return all
        }
        // The window is the same length whatever the number of viewers (none while settling).
        if ContinuousClock.now < end { try await Task.sleep(until: end, clock: .continuous) }
        let minutes = (ContinuousClock.now - start).inSeconds / 60
        var perNode: [Double] = []
        var families: [String: Int] = [:]
        for (relay, old) in zip(relays, before) {
            let now = relay.snapshot
            var total = 0
            for (family, count) in now {
                let delta = count - (old[family] ?? 0)
                total += delta
                families[family, default: 0] += delta
            }
            perNode.append(Double(total) / minutes)
        }
        let breakdown = families.sorted { $0.key < $1.key }.map {
            String(format: "%@ %.1f/min", $0.key, Double($0.value) / minutes / Double(max(relays.count, 1)))
        }.joined(separator: ", ") + " per node"
        return Phase(latenciesMs: results.0, failures: results.1, perNodePerMinute: perNode, breakdown: breakdown)
    }
}
