import Foundation
import LassoCore

/// 1. Dedup ingest: the feed's dedup + ordered buffer with a realistic mix (30 % duplicates — relayed copies from
/// other nodes —, 10 % out of order, 120 s window, 50,000 cap).
public enum FeedBenchmarks {
    /// A stream of `count` routing events at `ratePerSecond`: 70 % unique, 30 % re-deliveries of a recent event
    /// with another relay node, 10 % of the unique ones arriving up to 2 s late.
    public static func stream(count: Int, ratePerSecond: Int = 10_000, seed: UInt64 = 42) -> [(event: FeedEvent, nowMs: Int64)] {
        var rng = SeededGenerator(seed: seed)
        let providers = (0..<6).map { "ethereum_provider_\($0)" }
        let methods = ["eth_call", "eth_blockNumber", "eth_getLogs", "eth_getBalance", "eth_chainId"]
        let nodes = ["iad-1", "fra-1", "sin-1"]
        var out: [(event: FeedEvent, nowMs: Int64)] = []
        out.reserveCapacity(count)
        var recent: [FeedEvent] = []
        var unique = 0
        for i in 0..<count {
            let nowMs = 1_700_000_000_000 + Int64(i) * 1000 / Int64(ratePerSecond)
            if !recent.isEmpty, rng.next() % 10 < 3 {
                var copy = recent[Int(rng.next() % UInt64(recent.count))]
                copy.relayNode = nodes[Int(rng.next() % 3)]
                out.append((copy, nowMs))
                continue
            }
            unique += 1
            let late = rng.next() % 10 == 0 ? Int64(rng.next() % 2_000) : 0
            let event = FeedEvent(ts: nowMs - late, requestID: String(unique, radix: 16), profile: "public",
                                  sourceNodeID: nodes[unique % 3], chainID: 1, chain: "ethereum",
                                  method: methods[Int(rng.next() % 5)], strategy: "fastest",
                                  providerID: providers[Int(rng.next() % 6)], transport: "http",
                                  durationMs: Int(rng.next() % 300), result: rng.next() % 50 == 0 ? "error" : "success",
                                  requestOrigin: "client", relayNode: nodes[unique % 3])
            out.append((event, nowMs))
            if recent.count < 256 { recent.append(event) } else { recent[unique % 256] = event }
        }
        return out
    }

    /// Events per second through `FeedBuffer.ingest`. Budget ≥ 3,000,000/s on one core.
    public static func dedupIngest(count: Int = 2_000_000, runs: Int = 5) -> Figure {
        let input = stream(count: count)
        var sink = 0
        let values = Measure.repeated(runs: runs) {
            var feed = FeedBuffer(options: FeedOptions())
            let seconds = Measure.seconds {
                for item in input { if feed.ingest(item.event, nowMs: item.nowMs) == .added { sink &+= 1 } }
            }
            return Double(input.count) / seconds
        }
        return Measure.figure("dedup ingest (30% dup, 10% late, 120 s window, 50k cap)", unit: "events/s", values: values,
                              budget: 3_000_000, .atLeast, note: sink == 0 ? "nothing added" : nil)
    }

    /// Resident memory after `total` events versus after the window first fills: bytes per remembered identity, and growth.
    /// The stream is generated in laps so 10 M events do not need 10 M events in memory. RSS is read after malloc_trim
    /// so pages freed earlier do not count; the bench still runs this figure first.
    public static func dedupMemory(total: Int = 10_000_000, lap: Int = 500_000) -> Figure {
        let base = stream(count: lap)
        let lapSpanMs = base.last.map { $0.nowMs - base[0].nowMs + 100 } ?? 1
        let before = (Measure.trimmedResidentBytes() ?? 0)
        var feed = FeedBuffer(options: FeedOptions())
        var ingested = 0
        var afterFill = 0
        var lapIndex: Int64 = 0
        while ingested < total {
            for item in base where ingested < total {
                var event = item.event
                event.ts += lapIndex * lapSpanMs
                if lapIndex > 0 { event.requestID = (event.requestID ?? "") + "-\(lapIndex)" }
                _ = feed.ingest(event, nowMs: item.nowMs + lapIndex * lapSpanMs)
                ingested += 1
                if afterFill == 0, feed.stats.windowSize >= feed.options.maxIdentities { afterFill = (Measure.trimmedResidentBytes() ?? 0) }
            }
            lapIndex += 1
        }
        // `base` must still be alive here: ARC may free it after its last use, which would fake a shrink.
        let after = withExtendedLifetime(base) { Measure.trimmedResidentBytes() ?? 0 }
        let perIdentity = Double(max(afterFill - before, 0)) / Double(feed.options.maxIdentities)
        // Relative to the feed's own memory (the generated stream is allocated before `before` and stays constant).
        let feedBytesAtFill = afterFill - before
        let growth = feedBytesAtFill > 0 ? Double(after - afterFill) / Double(feedBytesAtFill) * 100 : 0
        return Measure.figure("dedup memory growth after \(max(total / 1_000_000, 1)) M events vs window full", unit: "%",
                              values: [growth], budget: 5, .atMost,
                              note: String(format: "feed RSS at fill %.1f MB, after %.1f MB; about %.0f bytes per remembered identity (incl. display buffer)",
                                           Double(feedBytesAtFill) / 1e6, Double(after - before) / 1e6, perIdentity))
    }

}
