import Foundation
import LassoClient
import LassoCore
import LassoDemo

/// 7. Soak: the TUI-less engine — a real `ClusterMonitor` polling simulated nodes (health, metrics, events,
/// aggregation, alerts, publishing) — with `eventsPerSecond` routing events from those nodes pushed into its feed
/// (30 % relayed duplicates). RSS at 1/10, 1/2 and the end of the run (1, 5 and 10 minutes for 600 s); budget: flat
/// within ±10 % of the first sample, which is taken after the feed's 50,000-identity window has filled.
public enum SoakBenchmark {
    public static func run(seconds: Double = 600, nodes: Int = 50, eventsPerSecond: Int = 10_000,
                           progress: @Sendable (String) -> Void = { _ in }) async throws -> [Figure] {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: nodes, seed: 11, eventRate: 10, bufferCapacity: 200))
        try await cluster.start()
        let targets = cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) }
        let monitor = try ClusterMonitor(config: MonitorConfig(targets: targets))
        await monitor.start()

        let sampleAt = [seconds / 10, seconds / 2, seconds]
        var samples: [(atSeconds: Double, bytes: Int)] = []
        var generator = EventGenerator(nodes: targets.map(\.name), seed: 99)
        let tickMs = 100
        let perTick = max(1, eventsPerSecond * tickMs / 1000)
        let start = ContinuousClock.now
        var tick = 0
        var delivered = 0
        var lastSnapshot = monitor.latestSnapshot()
        while true {
            let elapsed = (ContinuousClock.now - start).inSeconds
            if samples.count < sampleAt.count, elapsed >= sampleAt[samples.count] {
                let rss = Measure.residentBytes() ?? 0
                samples.append((elapsed, rss))
                progress(String(format: "soak %.0f s: RSS %.1f MB, feed window %d", elapsed, Double(rss) / 1e6,
                                lastSnapshot.feedStats.windowSize))
                if samples.count == sampleAt.count { break }
            }
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let batch = generator.batch(count: perTick, nowMs: nowMs)
            await monitor.ingestExternal(batch, malformed: 0)
            delivered += batch.count
            lastSnapshot = monitor.latestSnapshot()   // what the TUI reads every frame
            tick += 1
            let next = start + .milliseconds(tick * tickMs)
            if next > ContinuousClock.now { try await Task.sleep(until: next, clock: .continuous) }
        }
        let wall = (ContinuousClock.now - start).inSeconds
        await monitor.stop()
        await cluster.stop()

        let reference = Double(samples[0].bytes)
        let drift = samples.dropFirst().map { abs(Double($0.bytes) - reference) / max(reference, 1) * 100 }
        let described = samples.map { String(format: "%.0f s %.1f MB", $0.atSeconds, Double($0.bytes) / 1e6) }.joined(separator: ", ")
        return [
            Measure.figure("soak RSS drift after the window fills (\(nodes) nodes, \(eventsPerSecond) events/s, \(Int(seconds)) s)",
                           unit: "%", values: [drift.max() ?? 0], budget: 10, .atMost,
                           note: "RSS \(described); \(String(format: "%.0f", Double(delivered) / wall)) events/s delivered; feed \(lastSnapshot.feedStats.unique) unique, \(lastSnapshot.feedStats.duplicatesDropped) duplicates dropped, window \(lastSnapshot.feedStats.windowSize)"),
        ]
    }

    /// Routing events from `nodes`: 70 % new, 30 % a recent event relayed again by another node (PubSub copies).
    struct EventGenerator {
        let nodes: [String]
        var rng: SeededGenerator
        var recent: [FeedEvent] = []
        var unique = 0
        static let methods = ["eth_call", "eth_blockNumber", "eth_getLogs", "eth_getBalance", "eth_chainId"]
        static let chains = ["ethereum", "base", "arbitrum"]

        init(nodes: [String], seed: UInt64) {
            self.nodes = nodes
            rng = SeededGenerator(seed: seed)
        }

        mutating func batch(count: Int, nowMs: Int64) -> [FeedEvent] {
            var out: [FeedEvent] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                if !recent.isEmpty, rng.next() % 10 < 3 {
                    var copy = recent[Int(rng.next() % UInt64(recent.count))]
                    copy.relayNode = nodes[Int(rng.next() % UInt64(nodes.count))]
                    out.append(copy)
                    continue
                }
                unique += 1
                let chain = Self.chains[unique % 3]
                let source = nodes[unique % nodes.count]
                let event = FeedEvent(ts: nowMs - Int64(rng.next() % 500), requestID: String(unique, radix: 16), profile: "public",
                                      sourceNodeID: source, chainID: unique % 3 + 1, chain: chain,
                                      method: Self.methods[Int(rng.next() % 5)], strategy: "fastest",
                                      providerID: "\(chain)_provider_\(rng.next() % 8)", transport: "http",
                                      durationMs: Int(rng.next() % 300), result: rng.next() % 50 == 0 ? "error" : "success",
                                      requestOrigin: "client", relayNode: source)
                out.append(event)
                if recent.count < 512 { recent.append(event) } else { recent[unique % 512] = event }
            }
            return out
        }
    }
}
