import LassoCore

/// Everything the monitor needs to know, resolved from flags, the config file and the environment.
public struct MonitorConfig: Sendable {
    public var targets: [NodeTarget]
    public var discovery: DiscoverySpec?
    /// `--expect N`: the expected cluster size (coverage total is at least this).
    public var expected: Int?
    /// `--chain`; empty = every chain `/api/chains` lists on the first responding node.
    public var chains: [String]
    public var healthIntervalMs: Int64
    public var metricsIntervalMs: Int64
    public var eventsIntervalMs: Int64
    public var http: HTTPOptions
    public var clusterName: String?
    public var isDemo: Bool
    public var aggregation: AggregationOptions
    public var feed: FeedOptions
    public var alerts: AlertConfig

    public init(targets: [NodeTarget] = [], discovery: DiscoverySpec? = nil, expected: Int? = nil, chains: [String] = [],
                healthIntervalMs: Int64 = 2_000, metricsIntervalMs: Int64 = 15_000, eventsIntervalMs: Int64 = 1_000,
                http: HTTPOptions = HTTPOptions(), clusterName: String? = nil, isDemo: Bool = false,
                aggregation: AggregationOptions = AggregationOptions(), feed: FeedOptions = FeedOptions(),
                alerts: AlertConfig = AlertConfig()) {
        self.targets = targets
        self.discovery = discovery
        self.expected = expected
        self.chains = chains
        self.healthIntervalMs = healthIntervalMs
        self.metricsIntervalMs = metricsIntervalMs
        self.eventsIntervalMs = eventsIntervalMs
        self.http = http
        self.clusterName = clusterName
        self.isDemo = isDemo
        self.aggregation = aggregation
        self.feed = feed
        self.alerts = alerts
    }

    /// Bounds for the `+`/`-` keys and `--health-interval`.
    public static let healthIntervalRange: ClosedRange<Int64> = 500...60_000
}
