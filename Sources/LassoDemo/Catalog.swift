/// The simulated world: chains, their providers (each with its own latency distribution and error rate) and the
/// methods clients call. Fixed, so every demo run looks alike; only the seed varies the traffic.
struct DemoProvider: Sendable {
    let id: String
    /// nil for one provider on purpose: Lasso sends `"name": null` when the YAML entry has no name.
    let name: String?
    /// Share of the chain's traffic routed here.
    let weight: Double
    /// Median latency in ms and the spread of its log-normal distribution.
    let medianMs: Double
    let sigma: Double
    /// Error probability per attempt while the circuit is closed.
    let errorRate: Double
    /// Whether this provider's circuit breaker cycles closed → open → half_open → closed.
    let flaky: Bool
}

struct DemoChain: Sendable {
    let slug: String
    let chainID: Int
    let displayName: String
    /// Share of cluster traffic once the chain is live.
    let weight: Double
    /// Late chains receive traffic only after `DemoConfig.lateChainStart`.
    let late: Bool
    let providers: [DemoProvider]
    let providerCumulativeWeights: [Double]

    init(slug: String, chainID: Int, displayName: String, weight: Double, late: Bool, providers: [DemoProvider]) {
        self.slug = slug
        self.chainID = chainID
        self.displayName = displayName
        self.weight = weight
        self.late = late
        self.providers = providers
        providerCumulativeWeights = cumulative(providers.map(\.weight))
    }
}

struct DemoMethod: Sendable {
    let name: String
    let transport: String
    let weight: Double
    /// Multiplies the provider's latency (eth_getLogs is slow, eth_blockNumber fast).
    let latencyFactor: Double
    /// Share of these calls that are Lasso's own block-sync polling (`request_origin: system`).
    let systemShare: Double

    /// The per-method key Lasso uses in `/api/metrics`: `"<method>@<transport>"`.
    var key: String { "\(name)@\(transport)" }
}

func cumulative(_ weights: [Double]) -> [Double] {
    var sum = 0.0
    return weights.map { sum += $0; return sum }
}

enum DemoCatalog {
    static let chains: [DemoChain] = [
        DemoChain(slug: "ethereum", chainID: 1, displayName: "Ethereum Mainnet", weight: 0.55, late: false, providers: [
            DemoProvider(id: "ethereum_alchemy", name: "Alchemy Ethereum", weight: 3, medianMs: 55, sigma: 0.30, errorRate: 0.002, flaky: false),
            DemoProvider(id: "ethereum_drpc", name: "dRPC Ethereum", weight: 3, medianMs: 80, sigma: 0.35, errorRate: 0.005, flaky: false),
            DemoProvider(id: "ethereum_ankr", name: "Ankr Ethereum", weight: 2, medianMs: 110, sigma: 0.40, errorRate: 0.01, flaky: true),
            DemoProvider(id: "ethereum_publicnode", name: "PublicNode Ethereum", weight: 2, medianMs: 140, sigma: 0.45, errorRate: 0.02, flaky: false),
            DemoProvider(id: "ethereum_llamarpc", name: nil, weight: 1.5, medianMs: 210, sigma: 0.60, errorRate: 0.04, flaky: false),
        ]),
        DemoChain(slug: "base", chainID: 8453, displayName: "Base", weight: 0.35, late: false, providers: [
            DemoProvider(id: "base_alchemy", name: "Alchemy Base", weight: 3, medianMs: 45, sigma: 0.25, errorRate: 0.003, flaky: false),
            DemoProvider(id: "base_drpc", name: "dRPC Base", weight: 2.5, medianMs: 70, sigma: 0.35, errorRate: 0.006, flaky: false),
            DemoProvider(id: "base_publicnode", name: "PublicNode Base", weight: 2, medianMs: 120, sigma: 0.50, errorRate: 0.015, flaky: false),
            DemoProvider(id: "base_blastapi", name: "Blast Base", weight: 1, medianMs: 260, sigma: 0.70, errorRate: 0.06, flaky: false),
        ]),
        DemoChain(slug: "arbitrum", chainID: 42161, displayName: "Arbitrum One", weight: 0.10, late: true, providers: [
            DemoProvider(id: "arbitrum_alchemy", name: "Alchemy Arbitrum", weight: 3, medianMs: 60, sigma: 0.30, errorRate: 0.004, flaky: false),
            DemoProvider(id: "arbitrum_drpc", name: "dRPC Arbitrum", weight: 2, medianMs: 95, sigma: 0.40, errorRate: 0.008, flaky: false),
            DemoProvider(id: "arbitrum_publicnode", name: "PublicNode Arbitrum", weight: 2, medianMs: 150, sigma: 0.50, errorRate: 0.02, flaky: false),
            DemoProvider(id: "arbitrum_blastapi", name: "Blast Arbitrum", weight: 1, medianMs: 230, sigma: 0.65, errorRate: 0.05, flaky: false),
        ]),
    ]

    static let methods: [DemoMethod] = [
        DemoMethod(name: "eth_blockNumber", transport: "http", weight: 0.25, latencyFactor: 0.6, systemShare: 0.5),
        DemoMethod(name: "eth_call", transport: "http", weight: 0.25, latencyFactor: 1.0, systemShare: 0),
        DemoMethod(name: "eth_getBalance", transport: "http", weight: 0.12, latencyFactor: 0.8, systemShare: 0),
        DemoMethod(name: "eth_getTransactionReceipt", transport: "http", weight: 0.12, latencyFactor: 0.9, systemShare: 0),
        DemoMethod(name: "eth_getBlockByNumber", transport: "http", weight: 0.08, latencyFactor: 1.2, systemShare: 0.25),
        DemoMethod(name: "eth_getLogs", transport: "http", weight: 0.08, latencyFactor: 2.5, systemShare: 0.1),
        DemoMethod(name: "eth_blockNumber", transport: "ws", weight: 0.05, latencyFactor: 0.4, systemShare: 0),
        DemoMethod(name: "eth_getLogs", transport: "ws", weight: 0.05, latencyFactor: 2.0, systemShare: 0),
    ]
    static let chainWeightsAll = cumulative(chains.map(\.weight))
    static let chainWeightsEarly = cumulative(chains.map { $0.late ? 0 : $0.weight })
    static let methodCumulativeWeights = cumulative(methods.map(\.weight))
    /// Each method's `key`, made once, and its place in key order (metrics bodies list methods sorted by key).
    static let methodKeys = methods.map(\.key)
    static let methodKeyRanks: [Int] = {
        var ranks = [Int](repeating: 0, count: methodKeys.count)
        for (rank, index) in methodKeys.indices.sorted(by: { methodKeys[$0] < methodKeys[$1] }).enumerated() { ranks[index] = rank }
        return ranks
    }()

    static let clientStrategies = ["load_balanced", "fastest", "latency_weighted", "priority"]
    static let clientStrategyCumulativeWeights = cumulative([0.5, 0.25, 0.2, 0.05])

    /// Region prefixes for node ids, in the order nodes are added.
    static let regions = ["iad", "fra", "sin", "sjc", "gru", "syd", "nrt", "ams", "lhr", "ord", "bom", "jnb"]

    static func chain(matching text: String) -> Int? {
        if let index = chains.firstIndex(where: { $0.slug == text }) { return index }
        if let id = Int(text), let index = chains.firstIndex(where: { $0.chainID == id }) { return index }
        return nil
    }
}
