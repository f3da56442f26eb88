import Foundation

/// `GET /api/metrics/:chain` (docs/lasso-compat.md §1.2): one node's figures for one chain. Counters are cumulative since node start.
/// `rpc_performance_by_method` repeats `rpc_performance_by_provider` and is not decoded.
public struct MetricsResponse: Codable, Equatable, Sendable {
    public var chain: String
    public var chainID: Int
    public var timestamp: Int64
    public var systemMetrics: SystemMetrics?
    public var totalCalls: Int
    public var providers: [ProviderMetrics]
    public var rpcMethods: [String]
    public var methodsByProvider: [ProviderMethods]
    /// Wall-clock ms; 0 when the node has no traffic for this chain yet.
    public var lastUpdated: Int64
    /// Entries that did not decode and were left out, each named ("providers[1] (ethereum_x): total_calls null
    /// where …"); the rest of the body is kept. Not part of the wire form.
    public var droppedEntries: [String] = []

    public var hasData: Bool { lastUpdated != 0 }

    public init(chain: String, chainID: Int, timestamp: Int64, systemMetrics: SystemMetrics? = nil, totalCalls: Int,
                providers: [ProviderMetrics], rpcMethods: [String] = [], methodsByProvider: [ProviderMethods] = [],
                lastUpdated: Int64) {
        self.chain = chain
        self.chainID = chainID
        self.timestamp = timestamp
        self.systemMetrics = systemMetrics
        self.totalCalls = totalCalls
        self.providers = providers
        self.rpcMethods = rpcMethods
        self.methodsByProvider = methodsByProvider
        self.lastUpdated = lastUpdated
    }

    enum CodingKeys: String, CodingKey {
        case chain, timestamp, providers
        case chainID = "chain_id"
        case systemMetrics = "system_metrics"
        case chainPerformance = "chain_performance"
        case rpcMethods = "rpc_methods"
        case methodsByProvider = "rpc_performance_by_provider"
        case lastUpdated = "last_updated"
    }

    enum PerformanceKeys: String, CodingKey { case totalCalls = "total_calls" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chain = try c.decode(String.self, forKey: .chain)
        if let id = try? c.decode(Int.self, forKey: .chainID) {
            chainID = id
        } else if let text = try? c.decode(String.self, forKey: .chainID), let id = Int(text) {
            chainID = id
        } else {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: c.codingPath + [CodingKeys.chainID], debugDescription: "chain_id"))
        }
        timestamp = Int64(try c.decodeCountIfPresent(.timestamp) ?? 0)
        systemMetrics = try? c.decodeIfPresent(SystemMetrics.self, forKey: .systemMetrics)
        if c.contains(.chainPerformance), try !c.decodeNil(forKey: .chainPerformance) {
            let perf = try c.nestedContainer(keyedBy: PerformanceKeys.self, forKey: .chainPerformance)
            totalCalls = try perf.decodeCountIfPresent(.totalCalls) ?? 0
        } else {
            totalCalls = 0
        }
        var dropped: [String] = []
        providers = try c.decodeEntries(ProviderMetrics.self, forKey: .providers, endpoint: "/api/metrics", dropped: &dropped)
        rpcMethods = try c.decodeEntries(String.self, forKey: .rpcMethods, endpoint: "/api/metrics", dropped: &dropped)
        methodsByProvider = try c.decodeEntries(ProviderMethods.self, forKey: .methodsByProvider, endpoint: "/api/metrics",
                                                dropped: &dropped)
        for entry in methodsByProvider { dropped += entry.droppedMethods }
        droppedEntries = dropped
        lastUpdated = Int64(try c.decodeCountIfPresent(.lastUpdated) ?? 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chain, forKey: .chain)
        try c.encode(chainID, forKey: .chainID)
        try c.encode(timestamp, forKey: .timestamp)
        try c.encodeIfPresent(systemMetrics, forKey: .systemMetrics)
        var perf = c.nestedContainer(keyedBy: PerformanceKeys.self, forKey: .chainPerformance)
        try perf.encode(totalCalls, forKey: .totalCalls)
        try c.encode(providers, forKey: .providers)
        try c.encode(rpcMethods, forKey: .rpcMethods)
        try c.encode(methodsByProvider, forKey: .methodsByProvider)
        try c.encode(lastUpdated, forKey: .lastUpdated)
    }

    /// The byte-level reader when it understands the whole body (the common case), else `JSONDecoder` with the
    /// tolerant rules: the same result or the same error either way (MetricsFastReader.swift). Bodies read with one
    /// `names` table share their method names and provider ids (NameTable.swift); the value is the same.
    public static func decode(_ body: Data, names: NameTable? = nil) throws(LassoDecodeError) -> MetricsResponse {
        if let fast = fastDecode(body, names: names) { return fast }
        return try foundationDecode(body)
    }

    /// The byte-level reader alone: nil when it gives the body up to `foundationDecode`.
    package static func fastDecode(_ body: Data, names: NameTable? = nil) -> MetricsResponse? {
        MetricsFastReader.read(body, names: names)
    }

    /// `JSONDecoder` with the tolerant per-entry rules (`init(from:)`); the reference the fast reader is tested against.
    package static func foundationDecode(_ body: Data) throws(LassoDecodeError) -> MetricsResponse {
        try LassoJSON.decode(MetricsResponse.self, from: body, endpoint: "/api/metrics")
    }
}

public struct SystemMetrics: Codable, Equatable, Sendable {
    public var memoryMB: Double
    public var cpuPercent: Double
    public var processCount: Int
    public var runQueue: Int

    public init(memoryMB: Double, cpuPercent: Double, processCount: Int, runQueue: Int) {
        self.memoryMB = memoryMB
        self.cpuPercent = cpuPercent
        self.processCount = processCount
        self.runQueue = runQueue
    }

    enum CodingKeys: String, CodingKey {
        case memoryMB = "memory_mb", cpuPercent = "cpu_percent", processCount = "process_count", runQueue = "run_queue"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        memoryMB = try c.decodeNumberIfPresent(.memoryMB) ?? 0
        cpuPercent = try c.decodeNumberIfPresent(.cpuPercent) ?? 0
        processCount = try c.decodeCountIfPresent(.processCount) ?? 0
        runQueue = try c.decodeCountIfPresent(.runQueue) ?? 0
    }
}

/// One entry of `providers[]`. `success_rate` is a fraction 0...1; `name` may be null.
public struct ProviderMetrics: Codable, Equatable, Sendable {
    public var id: String
    public var name: String?
    public var score: Double
    public var successRate: Double
    public var totalCalls: Int
    public var avgLatencyMs: Double
    public var callsLastMinute: Int

    public init(id: String, name: String?, score: Double, successRate: Double, totalCalls: Int, avgLatencyMs: Double, callsLastMinute: Int = 0) {
        self.id = id
        self.name = name
        self.score = score
        self.successRate = successRate
        self.totalCalls = totalCalls
        self.avgLatencyMs = avgLatencyMs
        self.callsLastMinute = callsLastMinute
    }

    enum CodingKeys: String, CodingKey {
        case id, name, score
        case successRate = "success_rate", totalCalls = "total_calls", avgLatencyMs = "avg_latency_ms", callsLastMinute = "calls_last_minute"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        score = try c.decodeNumberIfPresent(.score) ?? 0
        successRate = try c.decodeFractionIfPresent(.successRate) ?? 0
        totalCalls = try c.decodeCount(.totalCalls)
        avgLatencyMs = try c.decodeNumberIfPresent(.avgLatencyMs) ?? 0
        callsLastMinute = try c.decodeCountIfPresent(.callsLastMinute) ?? 0
    }
}

public struct ProviderMethods: Codable, Equatable, Sendable {
    public var providerID: String
    public var providerName: String?
    public var methods: [MethodMetrics]
    /// Method entries that did not decode, named; not part of the wire form.
    public var droppedMethods: [String] = []

    public init(providerID: String, providerName: String?, methods: [MethodMetrics]) {
        self.providerID = providerID
        self.providerName = providerName
        self.methods = methods
    }

    enum CodingKeys: String, CodingKey {
        case methods
        case providerID = "provider_id", providerName = "provider_name"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        providerID = try c.decode(String.self, forKey: .providerID)
        providerName = try c.decodeIfPresent(String.self, forKey: .providerName)
        var dropped: [String] = []
        methods = try c.decodeEntries(MethodMetrics.self, forKey: .methods, endpoint: "/api/metrics", dropped: &dropped)
        droppedMethods = dropped.map { "\($0) of \(providerID)" }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(providerID, forKey: .providerID)
        try c.encodeIfPresent(providerName, forKey: .providerName)
        try c.encode(methods, forKey: .methods)
    }
}

/// Per-method figures; `method` is `"<method>@<transport>"`. Percentiles are over ≤100 recent successes, 0 when none.
/// The average and success rate are nil when the node sent null (shown as a dash, never as 0 or 0 %).
public struct MethodMetrics: Codable, Equatable, Sendable {
    public var method: String
    public var avgLatencyMs: Double?
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var successRate: Double?
    public var totalCalls: Int
    public var lastUpdated: Int64

    public init(method: String, avgLatencyMs: Double?, p50: Double, p90: Double, p95: Double, p99: Double,
                successRate: Double?, totalCalls: Int, lastUpdated: Int64) {
        self.method = method
        self.avgLatencyMs = avgLatencyMs
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.successRate = successRate
        self.totalCalls = totalCalls
        self.lastUpdated = lastUpdated
    }

    enum CodingKeys: String, CodingKey {
        case method
        case avgLatencyMs = "avg_latency_ms", p50 = "p50_latency_ms", p90 = "p90_latency_ms", p95 = "p95_latency_ms"
        case p99 = "p99_latency_ms", successRate = "success_rate", totalCalls = "total_calls", lastUpdated = "last_updated"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(String.self, forKey: .method)
        avgLatencyMs = try c.decodeNumberIfPresent(.avgLatencyMs)
        p50 = try c.decodeNumberIfPresent(.p50) ?? 0
        p90 = try c.decodeNumberIfPresent(.p90) ?? 0
        p95 = try c.decodeNumberIfPresent(.p95) ?? 0
        p99 = try c.decodeNumberIfPresent(.p99) ?? 0
        successRate = try c.decodeFractionIfPresent(.successRate)
        totalCalls = try c.decodeCount(.totalCalls)
        lastUpdated = Int64(try c.decodeCountIfPresent(.lastUpdated) ?? 0)
    }
}
