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
    /// `--refresh`: how often each node's events are polled, and at least how often the monitor publishes and an idle
    /// dashboard redraws (staleness, ages, alerts and the header clock move on this beat).
    public var eventsIntervalMs: Int64
    public var http: HTTPOptions
    public var clusterName: String?
    public var isDemo: Bool
    public var aggregation: AggregationOptions
    public var feed: FeedOptions
    public var alerts: AlertConfig
    /// Total time for one health poll; nil: the request timeout (`http.timeout`). The command line sets it from
    /// `--health-timeout`, by default `defaultHealthTimeoutMs` (or `--timeout` when longer): above Lasso's 5 s
    /// topology fallback, so a node whose topology call timed out answers `standalone` just after 5 s and shows as
    /// up and standalone, not down.
    public var healthTimeoutMs: Int64?

    /// The health poll timeout in force.
    public var effectiveHealthTimeoutMs: Int64 {
        healthTimeoutMs ?? http.timeout.inMilliseconds
    }

    public init(targets: [NodeTarget] = [], discovery: DiscoverySpec? = nil, expected: Int? = nil, chains: [String] = [],
                healthIntervalMs: Int64 = MonitorConfig.defaultHealthIntervalMs,
                metricsIntervalMs: Int64 = MonitorConfig.defaultMetricsIntervalMs,
                eventsIntervalMs: Int64 = MonitorConfig.defaultEventsIntervalMs,
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
}

/// The one place for polling defaults and bounds: the command line (`SourceOptions`), the config file, the `+`/`-`
/// keys (`ClusterMonitor.changeHealthInterval`) and `HTTPOptions` all read them from here.
extension MonitorConfig {
    public static let defaultHealthIntervalMs: Int64 = 2_000
    /// `/api/metrics/:chain` is expensive upstream (docs/lasso-compat.md), hence the long default.
    public static let defaultMetricsIntervalMs: Int64 = 15_000
    /// The refresh: 2 s, like btop's `update_ms`, k9s' `refreshRate` and glances' `refresh` (htop: 1.5 s). At 1 s an
    /// idle dashboard costs about 1.5× as much (docs/performance.md, "Sixth round"); `--refresh 1` is there for who wants it.
    public static let defaultEventsIntervalMs: Int64 = 2_000
    /// `lassotop record`'s refresh: a snapshot a second (a recording's time resolution; about a second lost to a SIGKILL).
    public static let recordingEventsIntervalMs: Int64 = 1_000
    /// Connect and total, per request.
    public static let defaultTimeoutMs: Int64 = 5_000
    /// Health polls wait longer than other requests (see `healthTimeoutMs`).
    public static let defaultHealthTimeoutMs: Int64 = 8_000
    public static let defaultMaxBodyMiB = 8
    /// Nodes with fewer calls are left out of weighted averages.
    public static let defaultMinCalls = AggregationOptions().minCalls

    /// Bounds for the `+`/`-` keys and `--health-interval`.
    public static let healthIntervalRange: ClosedRange<Int64> = 500...60_000
    public static let metricsIntervalRange: ClosedRange<Int64> = 1_000...3_600_000
    /// Bounds for `--refresh` (the anchors' floor is 1 s).
    public static let refreshRange: ClosedRange<Int64> = 1_000...60_000
    /// Most chains watched from `/api/chains`; the rest are cut and the cut is said in the feed.
    public static let maxChains = 100
    /// Upper bound of `--max-body`.
    public static let maxBodyMiBLimit = 4_096
    /// Upper bound of `--timeout`; the lower bound is exclusive (any positive value).
    public static let maxTimeoutMs: Int64 = 120_000

    /// A polling setting outside its bounds; the text names the flag, as the user sees it.
    public struct SettingError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Resolves polling settings given in seconds (flag or config file; nil = the default) and checks their bounds,
    /// in this order: health interval, metrics interval, refresh, timeout, body cap.
    public static func polling(healthSeconds: Double?, metricsSeconds: Double?, refreshSeconds: Double? = nil,
                               timeoutSeconds: Double?, maxBodyMiB: Int) throws(SettingError)
        -> (healthIntervalMs: Int64, metricsIntervalMs: Int64, eventsIntervalMs: Int64, timeout: Duration, maxBodyBytes: Int) {
        let health = healthSeconds ?? Double(defaultHealthIntervalMs) / 1000
        let metrics = metricsSeconds ?? Double(defaultMetricsIntervalMs) / 1000
        let refresh = refreshSeconds ?? Double(defaultEventsIntervalMs) / 1000
        let timeout = timeoutSeconds ?? Double(defaultTimeoutMs) / 1000
        func within(_ seconds: Double, _ range: ClosedRange<Int64>) -> Bool {
            seconds * 1000 >= Double(range.lowerBound) && seconds * 1000 <= Double(range.upperBound)
        }
        guard within(health, healthIntervalRange) else {
            throw SettingError(description: "--health-interval must be between \(secondsText(healthIntervalRange.lowerBound)) and \(secondsText(healthIntervalRange.upperBound)) seconds")
        }
        guard within(metrics, metricsIntervalRange) else {
            throw SettingError(description: "--metrics-interval must be between \(secondsText(metricsIntervalRange.lowerBound)) and \(secondsText(metricsIntervalRange.upperBound)) seconds")
        }
        guard within(refresh, refreshRange) else {
            throw SettingError(description: "--refresh must be between \(secondsText(refreshRange.lowerBound)) and \(secondsText(refreshRange.upperBound)) seconds")
        }
        // At least 1 ms: a smaller positive value would become a zero deadline.
        guard timeout * 1000 >= 1, timeout * 1000 <= Double(maxTimeoutMs) else {
            throw SettingError(description: "--timeout must be between 0 and \(secondsText(maxTimeoutMs)) seconds")
        }
        // The cap is shifted into bytes: an unbounded value would wrap around to a negative or tiny cap.
        guard maxBodyMiB >= 1, maxBodyMiB <= maxBodyMiBLimit else {
            throw SettingError(description: "--max-body must be between 1 and \(maxBodyMiBLimit) MiB")
        }
        return (Int64(health * 1000), Int64(metrics * 1000), Int64(refresh * 1000), .milliseconds(Int64(timeout * 1000)),
                maxBodyMiB << 20)
    }

    /// How long a node counts as responding after its last successful health poll: 2 health intervals, or one
    /// interval plus the health timeout when that is longer, so a node whose health reply is slow but in time
    /// (Lasso's 5 s topology fallback) is never shown stale between its answers.
    public static func freshnessIntervalMs(healthIntervalMs: Int64, healthTimeoutMs: Int64) -> Int64 {
        max(healthIntervalMs, (healthIntervalMs + healthTimeoutMs + 1) / 2)
    }

    /// Milliseconds as seconds for help and error texts: 500 → "0.5", 60000 → "60".
    public static func secondsText(_ ms: Int64) -> String {
        ms % 1000 == 0 ? "\(ms / 1000)" : "\(Double(ms) / 1000)"
    }
}
