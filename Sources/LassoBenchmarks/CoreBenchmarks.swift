import Foundation
import LassoCore

/// Benchmarks of pure core work. Each returns one `Figure` with its budget; sizes are parameters so the smoke test
/// can run them tiny.
public enum CoreBenchmarks {
    /// 2. Aggregation scale: `nodes` × `providers` × `methods` per chain, every chain aggregated. Budget ≤ 50 ms.
    /// The reports hold names as the monitor's decoded bodies do, one `NameTable` for all of them; `shared: false`
    /// gives every report its own copies (bodies the byte reader gave up on), reported for reference.
    public static func aggregation(nodes: Int = 500, providers: Int = 50, methods: Int = 20, chains: Int = 2, runs: Int = 5,
                                   shared: Bool = true) -> Figure {
        let names = shared ? NameTable() : nil
        let input = Dictionary(uniqueKeysWithValues: (0..<chains).map { c in
            ("chain\(c)", Workloads.reports(nodes: nodes, providers: providers, methods: methods, chain: "chain\(c)", names: names))
        })
        var sink = 0
        let values = Measure.repeated(runs: runs) {
            Measure.seconds { sink &+= Workloads.aggregateAll(input, nodes: nodes) } * 1000
        }
        let name = "aggregate \(nodes) nodes × \(providers) providers × \(methods) methods × \(chains) chains"
        return Measure.figure(shared ? name : name + ", names not shared, reference only", unit: "ms", values: values,
                              budget: shared ? 50 : nil, .atMost, note: sink == 0 ? "empty" : nil)
    }

    /// 3. Decode a realistic `/api/metrics/:chain` body into models as the monitor does (`MetricsResponse.decode`:
    /// the byte reader, with `JSONDecoder` for bodies it gives up on). Budget ≥ 100 MB/s. The note says whether the
    /// byte reader answered for this body, so the figure cannot silently be the fallback's. Names are shared through
    /// one `NameTable`, as the monitor reads every body.
    public static func decode(providers: Int = 50, methods: Int = 20, runs: Int = 7) throws -> Figure {
        let body = try Workloads.metricsBody(providers: providers, methods: methods)
        let names = NameTable()
        let values = try throughput(body, bytesPerRun: 20_000_000, runs: runs) { try Workloads.decodeMetrics($0, names: names) }
        let answered = MetricsResponse.fastDecode(body) != nil
        return Measure.figure("decode /api/metrics body (\(body.count / 1024) KB, byte reader + JSONDecoder fallback)",
                              unit: "MB/s", values: values, budget: 100, .atLeast,
                              note: answered ? "the byte reader answered for this body" : "the byte reader GAVE UP: JSONDecoder decoded it")
    }

    /// The same body through Foundation's `JSONDecoder` alone (the tolerant path, the figure before the byte reader):
    /// a reference in the same run, no budget.
    public static func decodeFoundation(providers: Int = 50, methods: Int = 20, runs: Int = 7) throws -> Figure {
        let body = try Workloads.metricsBody(providers: providers, methods: methods)
        let values = try throughput(body, bytesPerRun: 4_000_000, runs: runs) {
            try MetricsResponse.foundationDecode($0).providers.count
        }
        return Measure.figure("decode /api/metrics body (\(body.count / 1024) KB, JSONDecoder alone), reference only",
                              unit: "MB/s", values: values, budget: nil, .atLeast)
    }

    /// MB/s of `decode` over `body`, repeated to about `bytesPerRun` per run.
    static func throughput(_ body: Data, bytesPerRun: Int, runs: Int, _ decode: (Data) throws -> Int) throws -> [Double] {
        let repeats = max(1, bytesPerRun / max(body.count, 1))
        var sink = 0
        let values = try Measure.repeated(runs: runs) {
            let seconds = try Measure.seconds { for _ in 0..<repeats { sink &+= try decode(body) } }
            return Double(body.count * repeats) / seconds / 1_000_000
        }
        precondition(sink >= 0)
        return values
    }

    /// An events page as a demo node writes one (Sources/LassoDemo/Encoding.swift): `routing` routing events with
    /// every field and one circuit event; the dashboard fetches about one such page per node per second.
    public static func eventsPage(routing: Int = 20) -> Data {
        let methods = ["eth_blockNumber", "eth_call", "eth_getBalance", "eth_getLogs", "eth_chainId"]
        var events: [String] = []
        for i in 0..<routing {
            events.append("{\"ts\":\(1_786_788_752_000 + i * 37),\"request_id\":\"req-7f3a9c\(1000 + i)\",\"profile\":\"public\","
                + "\"source_node_id\":\"node-\(i % 3)\",\"chain_id\":\(i % 2 == 0 ? 1 : 8453),"
                + "\"chain\":\"\(i % 2 == 0 ? "ethereum" : "base")\",\"method\":\"\(methods[i % methods.count])\","
                + "\"strategy\":\"fastest\",\"provider_id\":\"ethereum_provider\(i % 5)\",\"transport\":\"http\","
                + "\"duration_ms\":\(17 + i * 13 % 400),\"result\":\"\(i % 9 == 0 ? "error" : "success")\","
                + "\"request_origin\":\"user\",\"failover_count\":\(i % 7 == 0 ? 1 : 0)}")
        }
        events.append("{\"kind\":\"circuit\",\"ts\":1786788752999,\"profile\":\"public\",\"source_node_id\":\"node-1\","
            + "\"chain_id\":1,\"chain\":\"ethereum\",\"provider_id\":\"ethereum_provider3\",\"transport\":\"http\","
            + "\"from\":\"closed\",\"to\":\"open\",\"reason\":\"failure_threshold_exceeded\"}")
        return Data(("{\"node_id\":\"node-1\",\"next\":48213,\"events\":[" + events.joined(separator: ",") + "]}").utf8)
    }

    /// Decode an events page as `EventsPage.decode` does (the byte reader, `JSONDecoder` for pages it gives up on).
    /// Budget ≥ 100 MB/s, like the metrics body; the note says whether the byte reader answered.
    public static func decodeEvents(runs: Int = 7) throws -> Figure {
        let body = eventsPage()
        let values = try throughput(body, bytesPerRun: 20_000_000, runs: runs) { try EventsPage.decode($0).events.count }
        let answered = EventsPage.fastDecode(body) != nil
        return Measure.figure("decode events page (\(body.count / 1024) KB, 21 events, byte reader + JSONDecoder fallback)",
                              unit: "MB/s", values: values, budget: 100, .atLeast,
                              note: answered ? "the byte reader answered for this page" : "the byte reader GAVE UP: JSONDecoder decoded it")
    }

    /// The same page through `JSONDecoder` alone: a reference in the same run, no budget.
    public static func decodeEventsFoundation(runs: Int = 7) throws -> Figure {
        let body = eventsPage()
        let values = try throughput(body, bytesPerRun: 4_000_000, runs: runs) { try EventsPage.foundationDecode($0).events.count }
        return Measure.figure("decode events page (\(body.count / 1024) KB, 21 events, JSONDecoder alone), reference only",
                              unit: "MB/s", values: values, budget: nil, .atLeast)
    }

    /// Every decode figure the bench prints.
    public static func decodeFigures() throws -> [Figure] {
        [try decode(), try decodeFoundation(), try decodeEvents(), try decodeEventsFoundation()]
    }
}
