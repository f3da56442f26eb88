import Foundation

/// Lasso-shaped JSON bodies (docs/lasso-compat.md §1) for hostile nodes that answer some endpoints correctly.
enum LassoBodies {
    struct Provider {
        var id: String
        var name: String?
        var calls: Int
        var latency: Double = 80
        var success: Double = 0.99
        var score: Double = 2.5
    }

    static func health(uptime: Int = 100, version: String = "0.2.0", connected: Int = 1, responding: Int = 1,
                       status: String = "healthy") -> String {
        """
        {"status":"healthy","timestamp":"2026-08-15T10:12:33Z","uptime_seconds":\(uptime),"version":\(quote(version)),
         "cluster":{"enabled":true,"nodes_connected":\(connected),"nodes_responding":\(responding),"nodes_total":\(connected),
         "regions":["us"],"status":\(quote(status))}}
        """
    }

    static let chains = #"{"chains":[{"chain_id":"1","name":"Ethereum Mainnet","chain_name":"ethereum","supported":true}]}"#

    static func metrics(chain: String = "ethereum", providers: [Provider]) -> String {
        let entries = providers.map { p in
            #"{"id":\#(quote(p.id)),"name":\#(p.name.map(quote) ?? "null"),"score":\#(p.score),"success_rate":\#(p.success),"#
                + #""total_calls":\#(p.calls),"avg_latency_ms":\#(p.latency),"calls_last_minute":0}"#
        }
        return """
        {"chain":\(quote(chain)),"chain_id":1,"timestamp":1786788753123,"chain_performance":{"total_calls":\(providers.reduce(0) { $0 + $1.calls })},
         "providers":[\(entries.joined(separator: ","))],"rpc_methods":[],"rpc_performance_by_provider":[],
         "rpc_performance_by_method":[],"last_updated":1786788753120}
        """
    }

    static func events(node: String = "hostile", next: Int = 0) -> String {
        #"{"node_id":\#(quote(node)),"next":\#(next),"events":[]}"#
    }

    /// A JSON string literal (Foundation escapes quotes and C0 controls; everything else passes raw, as a hostile node may send).
    static func quote(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// A node that answers every endpoint correctly, with the given metrics providers.
    static func goodHandler(providers: [Provider], uptime: @escaping @Sendable () -> Int = { 100 },
                            version: String = "0.2.0") -> HostileNode.Handler {
        let metricsBody = metrics(providers: providers)
        return { path, _ in
            if path.hasPrefix("/api/health") { return .json(health(uptime: uptime(), version: version)) }
            if path.hasPrefix("/api/chains") { return .json(chains) }
            if path.hasPrefix("/api/metrics/") { return .json(metricsBody) }
            if path.hasPrefix("/api/events") { return .json(events()) }
            return .json(#"{"error":"not found"}"#, status: 404)
        }
    }
}
