import LassoCore
@testable import LassoTUI

/// Fixed snapshots for golden and key tests: fixed numbers, fixed clock (2026-06-01 12:34:56 UTC).
enum Fixtures {
    static let nowMs: Int64 = 1_780_317_296_000
    static let nodeNames = ["iad-1", "fra-1", "sin-1"]

    enum Scenario {
        case healthy, partial, offline, coldStart, cjk, malicious
    }

    struct ProviderSpec {
        var id: String
        var name: String?
        var calls: [Int]        // per node, same order as the reporting nodes
        var latency: [Double]
        var success: [Double]
        var methods: [(String, Int, Double, Double)] = []   // method, calls, p50, p95 (per node scaled)
    }

    static func providerSpecs(_ scenario: Scenario) -> [ProviderSpec] {
        switch scenario {
        case .coldStart:
            return [
                ProviderSpec(id: "alchemy", name: "Alchemy", calls: [4, 3, 2], latency: [61, 70, 88], success: [1, 1, 1],
                             methods: [("eth_blockNumber@http", 3, 40, 80)]),
                ProviderSpec(id: "infura", name: "Infura", calls: [2, 1, 0], latency: [95, 120, 0], success: [1, 1, 0]),
            ]
        default:
            var specs = [
                ProviderSpec(id: "alchemy", name: "Alchemy", calls: [1520, 1210, 980], latency: [42, 55, 131], success: [0.998, 0.995, 0.99],
                             methods: [("eth_call@http", 900, 38, 120), ("eth_blockNumber@http", 400, 21, 60), ("eth_getLogs@http", 120, 140, 420)]),
                ProviderSpec(id: "infura", name: "Infura", calls: [880, 905, 640], latency: [68, 74, 160], success: [0.97, 0.91, 0.96],
                             methods: [("eth_call@http", 500, 60, 180), ("eth_getBalance@ws", 200, 45, 110)]),
                ProviderSpec(id: "llamarpc", name: "LlamaRPC", calls: [300, 260, 0], latency: [120, 135, 0], success: [0.82, 0.79, 0],
                             methods: [("eth_call@http", 280, 110, 650)]),
            ]
            if scenario == .cjk {
                specs.append(ProviderSpec(id: "tokyo", name: "東京ノード", calls: [450, 430, 410], latency: [88, 91, 60], success: [0.99, 0.99, 1],
                                          methods: [("eth_call@http", 400, 80, 210)]))
            }
            if scenario == .malicious {
                specs.append(ProviderSpec(id: "evil", name: "\u{1B}]0;pwned\u{07}\u{1B}[31mX\u{202E}gnp.exe", calls: [50, 40, 30],
                                          latency: [70, 72, 75], success: [1, 1, 1]))
            }
            return specs
        }
    }

    static func metrics(chain: String, chainID: Int, nodeIndex: Int, specs: [ProviderSpec]) -> MetricsResponse {
        var providers: [ProviderMetrics] = []
        var methods: [ProviderMethods] = []
        for spec in specs {
            let calls = spec.calls[nodeIndex]
            guard calls > 0 else { continue }
            let latency = spec.latency[nodeIndex]
            let success = spec.success[nodeIndex]
            providers.append(ProviderMetrics(id: spec.id, name: spec.name, score: Aggregation.score(successRate: success, avgLatencyMs: latency, calls: calls),
                                             successRate: success, totalCalls: calls, avgLatencyMs: latency, callsLastMinute: calls / 10))
            let factor = 1.0 + Double(nodeIndex) * 0.25
            methods.append(ProviderMethods(providerID: spec.id, providerName: spec.name, methods: spec.methods.map { method in
                let methodCalls = max(1, method.1 * calls / max(1, spec.calls[0]))
                return MethodMetrics(method: method.0, avgLatencyMs: method.2 * 1.2 * factor, p50: method.2 * factor, p90: method.3 * 0.8 * factor,
                                     p95: method.3 * factor, p99: method.3 * 1.5 * factor, successRate: success, totalCalls: methodCalls,
                                     lastUpdated: nowMs - 1000)
            }))
        }
        return MetricsResponse(chain: chain, chainID: chainID, timestamp: nowMs - 500, totalCalls: providers.reduce(0) { $0 + $1.totalCalls },
                               providers: providers, methodsByProvider: methods, lastUpdated: nowMs - 1000)
    }

    static func node(_ index: Int, up: Bool, error: String? = nil) -> NodeStatus {
        let name = nodeNames[index]
        let history = (0..<40).map { 8.0 + Double((index * 7 + $0 * 5) % 23) }
        let view = ClusterView(enabled: true, nodesConnected: 3, nodesResponding: up ? 3 : 2, nodesTotal: 3,
                               regions: ["fra", "iad", "sin"], status: "healthy")
        return NodeStatus(name: name, url: "http://127.0.0.1:\(4001 + index)", state: up ? .up : .down,
                          latencyMs: up ? 9.5 + Double(index) * 3.25 : nil, lastError: error,
                          lastSuccessMs: up ? nowMs - 1200 : nowMs - 64_000, version: "1.4.\(2 + index)",
                          uptimeSeconds: up ? 7380 + index * 61 : nil, cluster: up ? view : nil,
                          successCount: 412 - index * 3, failureCount: up ? index : 17, flaps: up ? 0 : 2,
                          latencyHistory: history,
                          errorLog: error.map { [NodeErrorEntry(ts: nowMs - 64_000, message: "HTTP 502 from /api/health"),
                                                 NodeErrorEntry(ts: nowMs - 30_000, message: $0)] } ?? [])
    }

    static func feed() -> [FeedEvent] {
        let base = nowMs - 10_000
        var events: [FeedEvent] = []
        let methods = ["eth_call", "eth_blockNumber", "eth_getLogs", "eth_getBalance"]
        let providers = ["alchemy", "infura", "llamarpc"]
        for i in 0..<14 {
            let failed = [4, 10, 13].contains(i)
            events.append(FeedEvent(kind: .routing, ts: base + Int64(i) * 600, requestID: "req-\(i)", sourceNodeID: nodeNames[i % 3],
                                    chainID: 1, chain: i % 4 == 3 ? "base" : "ethereum", method: methods[i % methods.count],
                                    strategy: "fastest", providerID: providers[i % 3], transport: "http",
                                    durationMs: 20 + (i * 37) % 300, result: failed ? "error" : "success",
                                    failoverCount: i == 8 ? 2 : 0))
        }
        events.append(FeedEvent(kind: .circuit, ts: base + 8_500, sourceNodeID: "fra-1", chain: "ethereum", providerID: "infura",
                                from: "closed", to: "open", reason: "5 consecutive failures"))
        events.append(.cluster(ts: base + 9_000, severity: .warning, message: "sin-1 down: connection refused", node: "sin-1"))
        return events.sorted { $0.ts < $1.ts }
    }

    static func snapshot(_ scenario: Scenario) -> ClusterSnapshot {
        let specs = providerSpecs(scenario)
        let upNodes: [Int]
        switch scenario {
        case .partial: upNodes = [0, 1]
        case .offline: upNodes = []
        default: upNodes = [0, 1, 2]
        }
        let nodes = (0..<3).map { index in
            upNodes.contains(index) ? node(index, up: true)
                : node(index, up: false, error: "connect ECONNREFUSED 127.0.0.1:\(4001 + index)")
        }
        var rates: [String: [String: Double]] = [:]
        for index in upNodes {
            for spec in specs where spec.calls[index] > 0 {
                rates[nodeNames[index], default: [:]][spec.id] = Double(spec.calls[index]) / 400.0
            }
        }
        let ethereumReports = upNodes.map { NodeChainReport(node: nodeNames[$0], metrics: metrics(chain: "ethereum", chainID: 1, nodeIndex: $0, specs: specs)) }
        let baseSpecs = [ProviderSpec(id: "base-official", name: "Base", calls: [300, 310, 290], latency: [30, 32, 90], success: [1, 1, 0.99])]
        let baseReports = upNodes.map { NodeChainReport(node: nodeNames[$0], metrics: metrics(chain: "base", chainID: 8453, nodeIndex: $0, specs: baseSpecs)) }
        let chains = [
            Aggregation.aggregate(chain: "ethereum", reports: ethereumReports, totalNodes: 3, rates: rates),
            Aggregation.aggregate(chain: "base", reports: baseReports, totalNodes: 3, rates: rates),
        ]
        var latencyHistory: [ProviderKey: [Double]] = [:]
        var rateHistory: [ProviderKey: [Double]] = [:]
        for (offset, spec) in (specs + baseSpecs).enumerated() {
            let chain = spec.id == "base-official" ? "base" : "ethereum"
            let key = ClusterSnapshot.historyKey(chain: chain, provider: spec.id)
            latencyHistory[key] = (0..<60).map { spec.latency[0] + Double(($0 * (offset + 3)) % 17) * 2 }
            rateHistory[key] = (0..<60).map { 2 + Double(($0 * (offset + 5)) % 11) / 2 }
        }
        let responding = upNodes.count
        let coverage = Coverage(responding: responding, total: 3, status: CoverageRules.status(responding: responding, total: 3),
                                quorum: responding * 2 > 3, partitionSuspected: false)
        var alerts: [Alert] = []
        if scenario == .partial || scenario == .offline {
            alerts.append(Alert(rule: "coverage_below_quorum", level: responding == 0 ? .critical : .warning, state: .firing,
                                startedAtMs: nowMs - 64_000, value: Double(responding), threshold: 2,
                                explanation: "\(responding) of 3 nodes respond; quorum needs 2", subject: nil))
            alerts.append(Alert(rule: "node_down", level: .critical, state: .firing, startedAtMs: nowMs - 64_000, value: 64, threshold: 30,
                                explanation: "sin-1 has not answered /api/health for 64 s", subject: "sin-1"))
        }
        alerts.append(Alert(rule: AlertRule.providerSuccess.rawValue, level: .warning, state: .firing, startedAtMs: nowMs - 185_000, value: 0.8,
                            threshold: 0.9, explanation: "llamarpc success 80% < 90% on ethereum", subject: "llamarpc"))
        return ClusterSnapshot(
            generatedAtMs: nowMs - 300, clusterName: "prod-eu", isDemo: false, coverage: coverage, nodes: nodes,
            chains: scenario == .offline ? chains.map { var c = $0; c.providers = []; return c } : chains,
            feed: scenario == .offline ? [] : feed(),
            feedStats: FeedStats(received: 5210, unique: 1804, duplicatesDropped: 3406, malformed: 2, sampledOut: 0, windowSize: 16),
            eventRate: 12.5, shownEventRate: 12.5, sampling: false, alerts: alerts,
            cache: CacheStats(entries: 6, pendingRefreshes: 1, waitingCallers: 0, hits: 940, misses: 60, staleHits: 12),
            updating: scenario == .partial, latencyHistory: latencyHistory, rateHistory: rateHistory)
    }

    static func state(_ configure: (inout UIState) -> Void = { _ in }) -> UIState {
        var state = UIState()
        configure(&state)
        return state
    }
}
