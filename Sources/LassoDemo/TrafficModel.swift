/// One simulated routing decision (Lasso's RoutingDecision, docs/lasso-compat.md §4).
struct RoutingDecision: Sendable, Equatable {
    var chain: Int
    var provider: Int
    var method: Int
    var strategy: String
    var origin: String
    var requestID: String
    var durationMs: Int
    var success: Bool
    var failoverCount: Int
}

enum CircuitState: String, Sendable {
    case closed, open, halfOpen = "half_open"

    /// Where the flaky provider's breaker is, `fraction` (0..<1) of the way through a cycle.
    static func at(cycleFraction fraction: Double) -> CircuitState {
        if fraction < 0.60 { return .closed }
        if fraction < 0.85 { return .open }
        return .halfOpen
    }

    /// Lasso's reason atoms for entering this state in the normal cycle.
    var reasonForEntering: String {
        switch self {
        case .open: return "failure_threshold_exceeded"
        case .halfOpen: return "attempt_recovery"
        case .closed: return "recovered"
        }
    }
}

/// The seeded source of routing decisions. The sequence of decisions depends only on the seed and on which chains are
/// live and the flaky provider's circuit state at each call, never on the clock or on which node handles it.
struct TrafficModel: Sendable {
    private var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func next(lateChainsLive: Bool, circuit: CircuitState) -> RoutingDecision {
        let chains = DemoCatalog.chains
        let chainIndex = rng.pick(cumulative: lateChainsLive ? DemoCatalog.chainWeightsAll : DemoCatalog.chainWeightsEarly)
        let chain = chains[chainIndex]
        let providerIndex = rng.pick(cumulative: chain.providerCumulativeWeights)
        let provider = chain.providers[providerIndex]
        let methodIndex = rng.pick(cumulative: DemoCatalog.methodCumulativeWeights)
        let method = DemoCatalog.methods[methodIndex]

        let isSystem = method.systemShare > 0 && rng.unit() < method.systemShare
        let strategy = isSystem
            ? "load_balanced"
            : DemoCatalog.clientStrategies[rng.pick(cumulative: DemoCatalog.clientStrategyCumulativeWeights)]
        // Plug.RequestId style for HTTP client calls, 32 hex chars for WebSocket and internal requests (docs/lasso-compat.md §4).
        let requestID = (method.transport == "http" && !isSystem) ? plugRequestID() : hexRequestID()

        let circuitState = provider.flaky ? circuit : .closed
        let errorRate: Double
        switch circuitState {
        case .closed: errorRate = provider.errorRate
        case .open: errorRate = 1
        case .halfOpen: errorRate = 0.3
        }
        let success = rng.unit() >= errorRate
        let typical = provider.medianMs * method.latencyFactor * _exp(provider.sigma * rng.normal())
        let duration: Int
        if success {
            duration = max(1, Int(typical.rounded()))
        } else if circuitState == .open {
            duration = Int(rng.unit() * 3)  // rejected by the open breaker before any I/O
        } else if rng.unit() < 0.2 {
            duration = 2_000 + Int(rng.unit() * 3_000)  // upstream timeout
        } else {
            duration = max(1, Int((typical * 0.5).rounded()))
        }
        let failovers: Int
        if !success {
            failovers = rng.unit() < 0.5 ? 1 + Int(rng.unit() * 2) : 0
        } else {
            failovers = rng.unit() < 0.02 ? 1 : 0
        }
        return RoutingDecision(chain: chainIndex, provider: providerIndex, method: methodIndex, strategy: strategy,
                               origin: isSystem ? "system" : "client", requestID: requestID, durationMs: duration,
                               success: success, failoverCount: failovers)
    }

    /// A number in [0, 1) for placement decisions that must not disturb the decision stream.
    mutating func unit() -> Double { rng.unit() }

    private static let base64URL = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func plugRequestID() -> String {
        var bytes = [UInt8](repeating: 0, count: 20)
        var bits = rng.next()
        for i in 0..<20 {
            if i == 10 { bits = rng.next() }
            bytes[i] = Self.base64URL[Int(bits & 63)]
            bits >>= 6
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func hexRequestID() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var bits = rng.next()
        for i in 0..<32 {
            if i == 16 { bits = rng.next() }
            bytes[i] = Self.hex[Int(bits & 15)]
            bits >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
