import Foundation
import LassoCore
import LassoTUI

/// A realistic dashboard snapshot for the render figures: 8 nodes (one down), three chains with 14/6/5 providers and
/// several methods each, a full feed, 60-point histories and firing alerts — a busy production overview.
extension Workloads {
    public static let dashboardNowMs: Int64 = 1_780_317_296_000
    static let dashboardNodes = ["iad-1", "fra-1", "sin-1", "sjc-1", "lhr-1", "nrt-1", "syd-1", "gru-1"]

    public static func dashboardSnapshot(feedEvents: Int = 300) -> ClusterSnapshot {
        let now = dashboardNowMs
        let up = dashboardNodes.indices.filter { $0 != 6 }
        let view = ClusterView(enabled: true, nodesConnected: 8, nodesResponding: 7, nodesTotal: 8,
                               regions: dashboardNodes.map { String($0.prefix(3)) }.sorted(), status: "degraded")
        let nodes = dashboardNodes.enumerated().map { index, name in
            let isUp = up.contains(index)
            return NodeStatus(name: name, url: "https://\(name).lasso.example.com", state: isUp ? .up : .down,
                              latencyMs: isUp ? 8.5 + Double(index) * 3.75 : nil,
                              lastError: isUp ? nil : "connect ECONNREFUSED 10.0.6.1:4000",
                              lastSuccessMs: isUp ? now - 1_100 : now - 95_000, version: "1.4.\(index % 3)",
                              uptimeSeconds: isUp ? 86_400 + index * 3_671 : nil, cluster: isUp ? view : nil,
                              successCount: 4_120 - index * 7, failureCount: isUp ? index : 48, flaps: isUp ? 0 : 3,
                              latencyHistory: (0..<60).map { 8 + Double((index * 7 + $0 * 5) % 23) })
        }
        var chains: [ChainAggregate] = []
        var latencyHistory: [ProviderKey: [Double]] = [:]
        var rateHistory: [ProviderKey: [Double]] = [:]
        for (chain, providers, methods) in [("ethereum", 14, 8), ("base", 6, 5), ("arbitrum", 5, 4)] {
            let reports = up.map { index in
                NodeChainReport(node: dashboardNodes[index],
                                metrics: metrics(chain: chain, providers: providers, methods: methods, node: index))
            }
            var rates: [String: [String: Double]] = [:]
            for index in up {
                for p in 0..<providers { rates[dashboardNodes[index], default: [:]]["\(chain)_provider_\(p)"] = Double(3 + (p * 7 + index) % 40) / 2 }
            }
            chains.append(Aggregation.aggregate(chain: chain, reports: reports, totalNodes: dashboardNodes.count, rates: rates))
            for p in 0..<providers {
                let key = ClusterSnapshot.historyKey(chain: chain, provider: "\(chain)_provider_\(p)")
                latencyHistory[key] = (0..<60).map { 40 + Double(($0 * (p + 3)) % 17) * 2 }
                rateHistory[key] = (0..<60).map { 2 + Double(($0 * (p + 5)) % 11) / 2 }
            }
        }
        let methodNames = ["eth_call", "eth_blockNumber", "eth_getLogs", "eth_getBalance", "eth_chainId"]
        let feed = (0..<feedEvents).map { i in
            FeedEvent(ts: now - Int64(feedEvents - i) * 40, requestID: "req-\(i)", profile: "public",
                      sourceNodeID: dashboardNodes[up[i % up.count]], chainID: 1, chain: i % 5 == 4 ? "base" : "ethereum",
                      method: methodNames[i % methodNames.count], strategy: "fastest",
                      providerID: "ethereum_provider_\(i % 14)", transport: i % 4 == 0 ? "ws" : "http",
                      durationMs: 20 + (i * 37) % 300, result: i % 23 == 0 ? "error" : "success",
                      failoverCount: i % 31 == 0 ? 1 : 0)
        }
        let alerts = [
            Alert(rule: "node_down", level: .critical, state: .firing, startedAtMs: now - 95_000, value: 95, threshold: 30,
                  explanation: "syd-1 has not answered /api/health for 95 s", subject: "syd-1"),
            Alert(rule: "provider_success_low", level: .warning, state: .firing, startedAtMs: now - 185_000, value: 0.86,
                  threshold: 0.9, explanation: "ethereum_provider_3 success 86% < 90% on ethereum", subject: "ethereum_provider_3"),
        ]
        return ClusterSnapshot(
            generatedAtMs: now - 300, clusterName: "prod-global", coverage: Coverage(responding: 7, total: 8, status: .degraded,
                                                                                     quorum: true, partitionSuspected: false),
            nodes: nodes, chains: chains, feed: feed,
            feedStats: FeedStats(received: 182_000, unique: 26_000, duplicatesDropped: 156_000, malformed: 0, sampledOut: 0,
                                 windowSize: 24_000),
            eventRate: 215, shownEventRate: 215, alerts: alerts,
            cache: CacheStats(entries: 3, pendingRefreshes: 0, waitingCallers: 0, hits: 1_940, misses: 60, staleHits: 12),
            latencyHistory: latencyHistory, rateHistory: rateHistory)
    }

    /// The overview as the live TUI starts it, sized like the terminal.
    public static func overviewState(width: Int, height: Int, snapshot: ClusterSnapshot) -> UIState {
        Reducer.reduce(UIState(), .resize(width: width, height: height), snapshot).0
    }
}
