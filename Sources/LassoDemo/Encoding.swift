import LassoCore

/// Bodies of the simulated endpoints, in Lasso's shapes (docs/lasso-compat.md §1) and the events protocol v1
/// (docs/events-protocol.md).
enum DemoEncoding {
    static let version = "0.2.0"
    static let profile = "public"

    static func routingEvent(_ d: RoutingDecision, ts: Int64, sourceNodeID: String) -> String {
        let chain = DemoCatalog.chains[d.chain]
        let method = DemoCatalog.methods[d.method]
        // One byte buffer, appended in order (a chain of `+` built a string per piece; this runs for every event).
        var out = JSONBytes(capacity: 400)
        out.raw("{\"ts\":")
        out.int(ts)
        out.raw(",\"request_id\":")
        out.string(d.requestID)
        out.raw(",\"profile\":\"")
        out.raw(profile)
        out.raw("\",\"source_node_id\":")
        out.string(sourceNodeID)
        out.raw(",\"chain_id\":")
        out.int(chain.chainID)
        out.raw(",\"chain\":")
        out.string(chain.slug)
        out.raw(",\"method\":")
        out.string(method.name)
        out.raw(",\"strategy\":")
        out.string(d.strategy)
        out.raw(",\"provider_id\":")
        out.string(chain.providers[d.provider].id)
        out.raw(",\"transport\":\"")
        out.raw(method.transport)
        out.raw("\",\"duration_ms\":")
        out.int(d.durationMs)
        out.raw(d.success ? ",\"result\":\"success\"" : ",\"result\":\"error\"")
        out.raw(",\"request_origin\":\"")
        out.raw(d.origin)
        out.raw("\",\"failover_count\":")
        out.int(d.failoverCount)
        out.raw("}")
        return out.text
    }

    static func circuitEvent(chain: DemoChain, providerID: String, from: CircuitState, to: CircuitState, ts: Int64,
                             sourceNodeID: String) -> String {
        "{\"kind\":\"circuit\",\"ts\":\(ts),\"profile\":\"\(profile)\",\"source_node_id\":\(JSONText.string(sourceNodeID)),"
            + "\"chain_id\":\(chain.chainID),\"chain\":\(JSONText.string(chain.slug)),"
            + "\"provider_id\":\(JSONText.string(providerID)),\"transport\":\"http\","
            + "\"from\":\"\(from.rawValue)\",\"to\":\"\(to.rawValue)\",\"reason\":\"\(to.reasonForEntering)\"}"
    }

    static func eventsPage(nodeID: String, next: Int64, events: ArraySlice<String>) -> String {
        var out = JSONBytes(capacity: events.reduce(64 + nodeID.utf8.count) { $0 + $1.utf8.count + 1 })
        out.raw("{\"node_id\":")
        out.string(nodeID)
        out.raw(",\"next\":")
        out.int(next)
        out.raw(",\"events\":[")
        for (index, event) in events.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw(event)
        }
        out.raw("]}")
        return out.text
    }

    static func health(uptimeSeconds: Int, view: ClusterView, nowMicros: Int64, version: String = version) -> String {
        "{\"status\":\"healthy\",\"timestamp\":\(JSONText.string(JSONText.isoTimestamp(microsecondsSinceEpoch: nowMicros))),"
            + "\"uptime_seconds\":\(uptimeSeconds),\"version\":\(JSONText.string(version)),\"cluster\":{"
            + "\"enabled\":\(view.enabled),\"nodes_connected\":\(view.nodesConnected),"
            + "\"nodes_responding\":\(view.nodesResponding),\"nodes_total\":\(view.nodesTotal),"
            + "\"regions\":\(JSONText.array(view.regions.map(JSONText.string))),\"status\":\(JSONText.string(view.status))}}"
    }

    /// `chain_id` is a string here, unlike in /api/metrics (Lasso's quirk).
    static func chains() -> String {
        let items = DemoCatalog.chains.map { chain in
            "{\"chain_id\":\"\(chain.chainID)\",\"name\":\(JSONText.string(chain.displayName)),"
                + "\"chain_name\":\(JSONText.string(chain.slug)),\"supported\":true}"
        }
        return "{\"chains\":" + JSONText.array(items) + "}"
    }

    static func chainNotFound(_ requested: String) -> String {
        "{\"error\":\"Chain not found\",\"chain\":\(JSONText.string(requested)),"
            + "\"available_chains\":\(JSONText.array(DemoCatalog.chains.map { JSONText.string($0.slug) }))}"
    }

    /// Phoenix's body for a path no route matches.
    static let notFound = "{\"errors\":{\"detail\":\"Not Found\"}}"

    static func error(_ message: String) -> String { "{\"error\":\(JSONText.string(message))}" }

    struct SystemFigures {
        var memoryMB: Double
        var cpuPercent: Double
        var processCount: Int
        var runQueue: Int
    }

    /// Per-provider figures derived from the method rows, with Lasso's formulas (docs/lasso-compat.md §1.2).
    struct ProviderSummary {
        var index: Int
        var totalCalls: Int
        var successRate: Double
        var avgLatency: Double
        var score: Double
        var callsLastMinute: Int
        var methods: [(index: Int, stats: MethodStats)]
    }

    static func summaries(chain: DemoChain, stats: ChainStats, nowMs: Int64) -> [ProviderSummary] {
        var out: [ProviderSummary] = []
        for providerIndex in chain.providers.indices {
            let rows = stats.methods[providerIndex].enumerated().compactMap { entry in entry.element.map { (entry.offset, $0) } }
            guard !rows.isEmpty else { continue }
            let calls = rows.reduce(0) { $0 + $1.1.totalCalls }
            let successes = rows.reduce(0) { $0 + $1.1.successes }
            // Call-weighted mean of the success-only averages: methods seeing only errors pull it towards 0.
            let weighted = rows.reduce(0.0) { $0 + $1.1.successAverage * Double($1.1.totalCalls) }
            let avg = calls == 0 ? 0 : weighted / Double(calls)
            let successRate = calls == 0 ? 0 : Double(successes) / Double(calls)
            let latencyFactor = avg == 0 ? 1.0 : 1000 / (1000 + avg)
            let confidence = _log10(Double(max(calls, 1)))
            out.append(ProviderSummary(index: providerIndex, totalCalls: calls, successRate: successRate, avgLatency: avg,
                                       score: successRate * latencyFactor * confidence,
                                       callsLastMinute: stats.minute[providerIndex].count(now: nowMs),
                                       methods: rows.map { (index: $0.0, stats: $0.1) }))
        }
        // Sorted by the score as sent (2 decimals), then id, so equal scores keep a stable order.
        return out.sorted { a, b in
            let sa = (a.score * 100).rounded(), sb = (b.score * 100).rounded()
            return sa != sb ? sa > sb : chain.providers[a.index].id < chain.providers[b.index].id
        }
    }

    /// One method row of `rpc_performance_by_provider` (`provider` nil) or of `rpc_performance_by_method`, appended
    /// to `out`; `percentiles` computed once for both.
    static func methodEntry(_ row: MethodStats, percentiles p: (p50: Int, p90: Int, p95: Int, p99: Int), key: String,
                            provider: DemoProvider?, into out: inout JSONBytes) {
        out.raw("{\"method\":")
        out.string(key)
        out.raw(",")
        if let provider {
            out.raw("\"provider_id\":")
            out.string(provider.id)
            out.raw(",\"provider_name\":")
            out.optionalString(provider.name)
            out.raw(",")
        }
        out.raw("\"avg_latency_ms\":")
        out.float(row.successAverage, places: 2)
        out.raw(",\"p50_latency_ms\":")
        out.int(p.p50)
        out.raw(",\"p90_latency_ms\":")
        out.int(p.p90)
        out.raw(",\"p95_latency_ms\":")
        out.int(p.p95)
        out.raw(",\"p99_latency_ms\":")
        out.int(p.p99)
        out.raw(",\"success_rate\":")
        out.float(row.successRate, places: 4)
        out.raw(",\"total_calls\":")
        out.int(row.totalCalls)
        out.raw(",\"last_updated\":")
        out.int(row.lastUpdated)
        out.raw("}")
    }

    /// The whole body in one byte buffer: the demo serves one per chain and node every metrics interval, and
    /// building it from strings cost ~1.1 M instructions (docs/performance.md, "Seventh round").
    static func metrics(chain: DemoChain, stats: ChainStats, nowMs: Int64, system: SystemFigures) -> String {
        let summaries = summaries(chain: chain, stats: stats, nowMs: nowMs)
        let totalCalls = summaries.reduce(0) { $0 + $1.totalCalls }
        var out = JSONBytes(capacity: 1_024 + summaries.reduce(0) { $0 + $1.methods.count } * 420)
        out.raw("{\"chain\":")
        out.string(chain.slug)
        out.raw(",\"chain_id\":")
        out.int(chain.chainID)
        out.raw(",\"timestamp\":")
        out.int(nowMs)
        out.raw(",\"system_metrics\":{\"memory_mb\":")
        out.float(system.memoryMB, places: 1)
        out.raw(",\"cpu_percent\":")
        out.float(system.cpuPercent, places: 1)
        out.raw(",\"process_count\":")
        out.int(system.processCount)
        out.raw(",\"run_queue\":")
        out.int(system.runQueue)
        // Placeholders as Lasso sends them: only total_calls is real (docs/lasso-compat.md §1.2).
        out.raw("},\"chain_performance\":{\"total_calls\":")
        out.int(totalCalls)
        out.raw(",\"success_rate\":null,\"p50_latency\":null,\"p95_latency\":null,\"failovers_last_minute\":0,"
            + "\"connected_providers\":0,\"total_providers\":0,\"recent_activity\":0,\"rpc_calls_per_second\":0.0,"
            + "\"error_rate_percent\":0.0},\"providers\":[")
        for (index, s) in summaries.enumerated() {
            let provider = chain.providers[s.index]
            if index > 0 { out.raw(",") }
            out.raw("{\"id\":")
            out.string(provider.id)
            out.raw(",\"name\":")
            out.optionalString(provider.name)
            out.raw(",\"score\":")
            out.float(s.score, places: 2)
            out.raw(",\"success_rate\":")
            out.float(s.successRate, places: 2)
            out.raw(",\"total_calls\":")
            out.int(s.totalCalls)
            out.raw(",\"avg_latency_ms\":")
            out.float(s.avgLatency, places: 2)
            out.raw(",\"calls_last_minute\":")
            out.int(s.callsLastMinute)
            out.raw("}")
        }
        let methodIndices = Set(summaries.flatMap { $0.methods.map(\.index) })
            .sorted { DemoCatalog.methodKeyRanks[$0] < DemoCatalog.methodKeyRanks[$1] }
        out.raw("],\"rpc_methods\":[")
        for (index, methodIndex) in methodIndices.enumerated() {
            if index > 0 { out.raw(",") }
            out.string(DemoCatalog.methodKeys[methodIndex])
        }
        // Each row's percentiles sort its latency window: once per row, for both lists.
        let percentiles = summaries.map { s in s.methods.map { $0.stats.percentiles } }
        out.raw("],\"rpc_performance_by_provider\":[")
        for (index, s) in summaries.enumerated() {
            let provider = chain.providers[s.index]
            if index > 0 { out.raw(",") }
            out.raw("{\"provider_id\":")
            out.string(provider.id)
            out.raw(",\"provider_name\":")
            out.optionalString(provider.name)
            out.raw(",\"methods\":[")
            let order = s.methods.indices.sorted { DemoCatalog.methodKeyRanks[s.methods[$0].index] < DemoCatalog.methodKeyRanks[s.methods[$1].index] }
            for (position, row) in order.enumerated() {
                if position > 0 { out.raw(",") }
                methodEntry(s.methods[row].stats, percentiles: percentiles[index][row], key: DemoCatalog.methodKeys[s.methods[row].index],
                            provider: nil, into: &out)
            }
            out.raw("]}")
        }
        out.raw("],\"rpc_performance_by_method\":[")
        for (index, methodIndex) in methodIndices.enumerated() {
            let key = DemoCatalog.methodKeys[methodIndex]
            if index > 0 { out.raw(",") }
            out.raw("{\"method\":")
            out.string(key)
            out.raw(",\"providers\":[")
            var first = true
            for (summaryIndex, s) in summaries.enumerated() {
                guard let row = s.methods.firstIndex(where: { $0.index == methodIndex }) else { continue }
                if !first { out.raw(",") }
                first = false
                methodEntry(s.methods[row].stats, percentiles: percentiles[summaryIndex][row], key: key,
                            provider: chain.providers[s.index], into: &out)
            }
            out.raw("]}")
        }
        out.raw("],\"last_updated\":")
        out.int(stats.hasData ? nowMs : 0)
        out.raw("}")
        return out.text
    }
}
