/// Every threshold and duration of the alert rules (docs/alerts.md). Durations and windows are milliseconds; rates are
/// fractions 0…1. Defaults are the thresholds of docs/lasso-compat.md §5. The config file's `[alerts]` table maps onto this through
/// `applying(overrides:)` (keys in docs/alerts.md, durations there in seconds).
public struct AlertConfig: Sendable, Equatable, Codable {
    /// How often the engine is evaluated (the health interval). A firing alert must be clear for this long before
    /// it resolves, so one good poll between bad ones does not close and reopen it.
    public var evaluationPeriodMs: Int64 = 2_000

    /// Critical: responding < expected − `coverageAllowedMissing` for `coverageBelowExpectedFor`.
    public var coverageAllowedMissing: Int = 1
    public var coverageBelowExpectedFor: Int64 = 120_000

    /// Critical: p95 of lassotop's poll latencies over the window > `pollLatencyP95Ms`.
    public var pollLatencyP95Ms: Double = 2_000
    public var pollLatencyWindowMs: Int64 = 300_000
    public var pollLatencyFor: Int64 = 0

    /// Critical: poll success rate over the window < `pollSuccessRateMin`.
    public var pollSuccessRateMin: Double = 0.8
    public var pollSuccessWindowMs: Int64 = 300_000
    public var pollSuccessFor: Int64 = 0

    /// The window rules stay quiet until polls have been observed for this long and the window holds this many
    /// polls, so one slow or failed poll at startup does not page.
    public var pollWindowMinDataMs: Int64 = 60_000
    public var pollWindowMinPolls: Int = 10

    /// Critical: no node responding for `offlineFor`.
    public var offlineFor: Int64 = 30_000

    /// Critical: a provider with success rate < `providerSuccessMin` on ≥ `providerMinCallsPerMinute` calls/min.
    public var providerSuccessMin: Double = 0.8
    public var providerMinCallsPerMinute: Double = 100
    public var providerFor: Int64 = 0

    /// Warning: metrics cache hit rate < `cacheHitRateMin` for `cacheHitRateFor`.
    public var cacheHitRateMin: Double = 0.5
    public var cacheHitRateFor: Int64 = 600_000

    /// Warning: true event rate > `eventRateMax` events/s for `eventRateFor`.
    public var eventRateMax: Double = 150
    public var eventRateFor: Int64 = 300_000

    /// Warning: more than `maxFlaps` node flaps within `flapWindowMs`.
    public var maxFlaps: Int = 5
    public var flapWindowMs: Int64 = 600_000
    public var flapsFor: Int64 = 0

    /// Warning: partition suspected for `partitionFor`.
    public var partitionFor: Int64 = 60_000
    /// How long responding nodes must disagree about the cluster before partition is suspected at all (banner,
    /// feed entry, `check`). nil: `PartitionHold.defaultHoldMs` (3 health intervals, at least 5 s). Node views
    /// change one after the other when a node leaves or joins; this keeps that transient quiet.
    public var partitionHoldMs: Int64?

    /// Critical: two or more nodes respond, all clustered, each sees only itself, for `clusterNotFormedFor`.
    public var clusterNotFormedFor: Int64 = 10_000

    /// Warning: a responding node's own view is degraded/critical or sees fewer nodes than lassotop, for
    /// `nodeViewFor` (views lag during a join by up to Lasso's 15 s health check).
    public var nodeViewFor: Int64 = 20_000

    /// Warning: a node reporting `standalone` while others see a cluster, for `standaloneFor` (0: at once).
    public var standaloneFor: Int64 = 0

    /// Rules switched off with `<rule>.enabled = 0`. A disabled rule evaluates as clear.
    public var disabledRules: Set<AlertRule> = []

    public init() {}

    public static let defaults = AlertConfig()

    public func isEnabled(_ rule: AlertRule) -> Bool { !disabledRules.contains(rule) }

    /// The partition hold in force at this health interval.
    public func partitionHold(healthIntervalMs: Int64) -> Int64 {
        partitionHoldMs ?? PartitionHold.defaultHoldMs(healthIntervalMs: healthIntervalMs)
    }

    // MARK: overrides

    /// Every key `applying(overrides:)` accepts, in documentation order.
    public static let overrideKeys: [String] = [
        "evaluation.period_seconds",
        "coverage.for_seconds", "coverage.allowed_missing",
        "poll_latency.p95_ms", "poll_latency.window_seconds", "poll_latency.for_seconds",
        "poll_success.min_rate", "poll_success.window_seconds", "poll_success.for_seconds",
        "poll_window.min_data_seconds", "poll_window.min_polls",
        "offline.for_seconds",
        "provider_success.min_rate", "provider_success.min_calls_per_minute", "provider_success.for_seconds",
        "cache_hit_rate.min_rate", "cache_hit_rate.for_seconds",
        "event_rate.max_per_second", "event_rate.for_seconds",
        "flaps.max", "flaps.window_seconds", "flaps.for_seconds",
        "partition.for_seconds", "partition.hold_seconds",
        "standalone.for_seconds",
        "cluster_not_formed.for_seconds",
        "node_view.for_seconds",
    ] + AlertRule.allCases.map { "\($0.rawValue).enabled" }

    /// The defaults with `overrides` applied (keys like `"coverage.for_seconds"`; durations in seconds, rates as
    /// fractions). Throws on an unknown key or a value out of range, naming the key.
    public static func applying(overrides: [String: Double]) throws(AlertConfigError) -> AlertConfig {
        try AlertConfig.defaults.applying(overrides: overrides)
    }

    /// This config with `overrides` applied. Keys are applied in sorted order so errors are deterministic.
    public func applying(overrides: [String: Double]) throws(AlertConfigError) -> AlertConfig {
        var config = self
        for key in overrides.keys.sorted() {
            try config.apply(key: key, value: overrides[key]!)
        }
        return config
    }

    private mutating func apply(key: String, value: Double) throws(AlertConfigError) {
        guard value.isFinite else { throw .invalidValue(key: key, value: value, reason: "must be a finite number") }
        if key.hasSuffix(".enabled") {
            let id = String(key.dropLast(".enabled".count))
            guard let rule = AlertRule(rawValue: id) else { throw .unknownKey(key) }
            guard value == 0 || value == 1 else { throw .invalidValue(key: key, value: value, reason: "must be 0 or 1") }
            if value == 0 { disabledRules.insert(rule) } else { disabledRules.remove(rule) }
            return
        }
        switch key {
        case "evaluation.period_seconds": evaluationPeriodMs = try Self.milliseconds(key, value)
        case "coverage.for_seconds": coverageBelowExpectedFor = try Self.milliseconds(key, value)
        case "coverage.allowed_missing": coverageAllowedMissing = try Self.count(key, value)
        case "poll_latency.p95_ms": pollLatencyP95Ms = try Self.nonNegative(key, value)
        case "poll_latency.window_seconds": pollLatencyWindowMs = try Self.window(key, value)
        case "poll_latency.for_seconds": pollLatencyFor = try Self.milliseconds(key, value)
        case "poll_success.min_rate": pollSuccessRateMin = try Self.fraction(key, value)
        case "poll_success.window_seconds": pollSuccessWindowMs = try Self.window(key, value)
        case "poll_success.for_seconds": pollSuccessFor = try Self.milliseconds(key, value)
        case "poll_window.min_data_seconds": pollWindowMinDataMs = try Self.milliseconds(key, value)
        case "poll_window.min_polls": pollWindowMinPolls = try Self.count(key, value)
        case "offline.for_seconds": offlineFor = try Self.milliseconds(key, value)
        case "provider_success.min_rate": providerSuccessMin = try Self.fraction(key, value)
        case "provider_success.min_calls_per_minute": providerMinCallsPerMinute = try Self.nonNegative(key, value)
        case "provider_success.for_seconds": providerFor = try Self.milliseconds(key, value)
        case "cache_hit_rate.min_rate": cacheHitRateMin = try Self.fraction(key, value)
        case "cache_hit_rate.for_seconds": cacheHitRateFor = try Self.milliseconds(key, value)
        case "event_rate.max_per_second": eventRateMax = try Self.nonNegative(key, value)
        case "event_rate.for_seconds": eventRateFor = try Self.milliseconds(key, value)
        case "flaps.max": maxFlaps = try Self.count(key, value)
        case "flaps.window_seconds": flapWindowMs = try Self.window(key, value)
        case "flaps.for_seconds": flapsFor = try Self.milliseconds(key, value)
        case "partition.for_seconds": partitionFor = try Self.milliseconds(key, value)
        case "partition.hold_seconds": partitionHoldMs = try Self.milliseconds(key, value)
        case "standalone.for_seconds": standaloneFor = try Self.milliseconds(key, value)
        case "cluster_not_formed.for_seconds": clusterNotFormedFor = try Self.milliseconds(key, value)
        case "node_view.for_seconds": nodeViewFor = try Self.milliseconds(key, value)
        default: throw .unknownKey(key)
        }
    }

    private static func nonNegative(_ key: String, _ value: Double) throws(AlertConfigError) -> Double {
        guard value >= 0 else { throw .invalidValue(key: key, value: value, reason: "must not be negative") }
        return value
    }

    private static func fraction(_ key: String, _ value: Double) throws(AlertConfigError) -> Double {
        guard (0...1).contains(value) else {
            throw .invalidValue(key: key, value: value, reason: "must be a fraction from 0 to 1 (0.8, not 80)")
        }
        return value
    }

    private static func count(_ key: String, _ value: Double) throws(AlertConfigError) -> Int {
        guard value >= 0, value == value.rounded(), value <= 1_000_000 else {
            throw .invalidValue(key: key, value: value, reason: "must be a whole number from 0")
        }
        return Int(value)
    }

    /// Seconds → ms. Capped at 30 days so the ms value cannot overflow.
    private static func milliseconds(_ key: String, _ seconds: Double) throws(AlertConfigError) -> Int64 {
        guard seconds >= 0, seconds <= 30 * 86_400 else {
            throw .invalidValue(key: key, value: seconds, reason: "must be seconds from 0 to 2592000")
        }
        return Int64((seconds * 1000).rounded())
    }

    private static func window(_ key: String, _ seconds: Double) throws(AlertConfigError) -> Int64 {
        let ms = try milliseconds(key, seconds)
        guard ms > 0 else { throw .invalidValue(key: key, value: seconds, reason: "a window must be longer than 0 s") }
        return ms
    }
}

public enum AlertConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownKey(String)
    case invalidValue(key: String, value: Double, reason: String)

    public var description: String {
        switch self {
        case .unknownKey(let key):
            return "unknown alert setting \"\(key)\" (known: see docs/alerts.md)"
        case .invalidValue(let key, let value, let reason):
            let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(describing: value)
            return "alert setting \"\(key)\" = \(shown): \(reason)"
        }
    }
}
