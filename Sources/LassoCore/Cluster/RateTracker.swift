/// A rate tracker over plain string counter keys.
public typealias RateTracker = KeyedRateTracker<String>

/// Turns Lasso's cumulative counters into rates (calls/s = Δcalls/Δt between successive metrics polls).
/// A counter or `uptime_seconds` that goes down means the node restarted: the baseline resets and that interval
/// has no rate — never a negative or spiked value.
/// Counters are keyed by `Key` per node (the monitor uses `ProviderKey`, so one node's chains share its uptime).
public struct KeyedRateTracker<Key: Hashable & Sendable>: Sendable {
    struct Sample: Sendable {
        var calls: Int
        var atMs: Int64
    }

    private var samples: [String: [Key: Sample]] = [:]      // node → counter key → last sample
    private var uptimes: [String: Int] = [:]                // node → uptime at its last observation

    public init() {}

    /// Records one metrics poll of `node` and returns the rate per counter key (nil = no rate this interval).
    /// Returns `restarted: true` when the node's uptime or any counter went backwards.
    /// `covers`: the keys this poll answers for (one chain's, say); any of them the poll no longer lists is forgotten,
    /// so ids that change on every poll do not pile up baselines without bound.
    public mutating func observe(node: String, counters: [Key: Int], atMs: Int64, uptimeSeconds: Int?,
                                 covers: ((Key) -> Bool)? = nil)
        -> (rates: [Key: Double?], restarted: Bool) {
        var restarted = false
        if let uptime = uptimeSeconds {
            if let previous = uptimes[node], uptime < previous {
                restarted = true
                samples[node] = [:]
            }
            uptimes[node] = uptime
        }
        var nodeSamples = samples[node] ?? [:]
        if let covers { nodeSamples = nodeSamples.filter { key, _ in counters[key] != nil || !covers(key) } }
        var rates: [Key: Double?] = [:]
        for (key, calls) in counters {
            defer { nodeSamples[key] = Sample(calls: calls, atMs: atMs) }
            guard let previous = nodeSamples[key] else {
                rates[key] = .some(nil)
                continue
            }
            let elapsedMs = atMs - previous.atMs
            if calls < previous.calls {
                restarted = true
                rates[key] = .some(nil)
            } else if elapsedMs <= 0 {
                rates[key] = .some(nil)
            } else {
                rates[key] = Double(calls - previous.calls) * 1000 / Double(elapsedMs)
            }
        }
        if restarted {
            // One counter going backwards means every counter of this node restarted: no rate for this interval.
            for key in rates.keys { rates[key] = .some(nil) }
        }
        samples[node] = nodeSamples
        return (rates, restarted)
    }

    /// Baselines held, over all nodes (bounded by what the nodes list now; tests check it).
    var baselineCount: Int { samples.values.reduce(0) { $0 + $1.count } }

    /// Forgets every node's baselines of the keys `matching` picks (a chain no longer listed, say).
    public mutating func forgetKeys(_ matching: (Key) -> Bool) {
        for node in Array(samples.keys) { samples[node] = samples[node]?.filter { !matching($0.key) } }
    }

    /// Forgets a node (removed by discovery).
    public mutating func forget(node: String) {
        samples[node] = nil
        uptimes[node] = nil
    }

    /// Sum of the known node rates; nil when none is known.
    public static func clusterRate(_ nodeRates: [Double?]) -> Double? {
        let known = nodeRates.compactMap { $0 }
        return known.isEmpty ? nil : known.reduce(0, +)
    }
}
