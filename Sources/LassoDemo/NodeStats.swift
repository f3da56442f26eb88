/// Lasso's BenchmarkStore for one (provider, method@transport) row on one node: cumulative counters since the node
/// started, plus the last ≤100 successful latencies for percentiles.
struct MethodStats: Sendable {
    static let windowSize = 100

    private(set) var totalCalls = 0
    private(set) var successes = 0
    private(set) var successLatencySum = 0
    private(set) var lastUpdated: Int64 = 0
    /// Ring buffer of recent successful latencies (> 0 only, as Lasso keeps them).
    private var window: [Int] = []
    private var windowNext = 0

    mutating func record(latencyMs: Int, success: Bool, at ts: Int64) {
        totalCalls += 1
        lastUpdated = ts
        guard success else { return }
        successes += 1
        successLatencySum += latencyMs
        guard latencyMs > 0 else { return }
        if window.count < Self.windowSize {
            window.append(latencyMs)
        } else {
            window[windowNext] = latencyMs
            windowNext = (windowNext + 1) % Self.windowSize
        }
    }

    /// Average of successful attempts only (Lasso's rule); 0 when none.
    var successAverage: Double { successes == 0 ? 0 : Double(successLatencySum) / Double(successes) }
    var successRate: Double { totalCalls == 0 ? 0 : Double(successes) / Double(totalCalls) }

    /// p50, p90, p95, p99 by rule P1 (docs/lasso-compat.md §3); all 0 without samples.
    var percentiles: (p50: Int, p90: Int, p95: Int, p99: Int) {
        let sorted = window.sorted()
        return (Self.p1(sorted, 0.50), Self.p1(sorted, 0.90), Self.p1(sorted, 0.95), Self.p1(sorted, 0.99))
    }

    /// Rule P1: index max(0, round(n·q) − 1) of the sorted values; 0 when empty.
    static func p1(_ sorted: [Int], _ q: Double) -> Int {
        guard !sorted.isEmpty else { return 0 }
        let index = max(0, Int((Double(sorted.count) * q).rounded()) - 1)
        return sorted[min(index, sorted.count - 1)]
    }
}

/// Attempts per wall-clock second over the last minute, for `calls_last_minute` without keeping every timestamp.
struct MinuteCounter: Sendable {
    private var seconds = [Int64](repeating: -1, count: 61)
    private var counts = [Int](repeating: 0, count: 61)

    mutating func add(at ts: Int64) {
        let second = ts / 1000
        let slot = Int(second % 61)
        if seconds[slot] != second {
            seconds[slot] = second
            counts[slot] = 0
        }
        counts[slot] += 1
    }

    /// Attempts whose second lies within the 60 s before `now`.
    func count(now: Int64) -> Int {
        let current = now / 1000
        var sum = 0
        for slot in 0..<61 where seconds[slot] > current - 60 && seconds[slot] <= current {
            sum += counts[slot]
        }
        return sum
    }
}

/// One node's per-chain benchmark data, indexed like `DemoCatalog` (provider index, method index).
struct ChainStats: Sendable {
    var methods: [[MethodStats?]]
    var minute: [MinuteCounter]
    var hasData = false

    init(chain: DemoChain) {
        methods = Array(repeating: Array(repeating: nil, count: DemoCatalog.methods.count), count: chain.providers.count)
        minute = Array(repeating: MinuteCounter(), count: chain.providers.count)
    }

    mutating func record(provider: Int, method: Int, latencyMs: Int, success: Bool, at ts: Int64) {
        hasData = true
        minute[provider].add(at: ts)
        var row = methods[provider][method] ?? MethodStats()
        row.record(latencyMs: latencyMs, success: success, at: ts)
        methods[provider][method] = row
    }
}

/// A bounded FIFO of encoded events, each with the node-local sequence number it was given on arrival.
struct EventRing: Sendable {
    private(set) var capacity: Int
    private var storage: [String] = []
    /// Index in `storage` of the oldest event.
    private var head = 0
    /// Sequence number of the newest event; 0 when nothing was ever appended (since the last reset).
    private(set) var lastSeq: Int64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(min(self.capacity, 1 << 16))
    }

    var count: Int { storage.count }
    var firstSeq: Int64 { lastSeq - Int64(storage.count) + 1 }

    mutating func append(_ json: String) {
        lastSeq += 1
        if storage.count < capacity {
            storage.append(json)
        } else {
            storage[head] = json
            head = (head + 1) % capacity
        }
    }

    /// Events with seq > `since`, oldest first, at most `limit`; with the seq of the last one returned.
    func page(since: Int64, limit: Int) -> (events: ArraySlice<String>, lastSeq: Int64?) {
        guard since < lastSeq, limit > 0, !storage.isEmpty else { return ([], nil) }
        let start = max(since + 1, firstSeq)
        let take = Int(min(Int64(limit), lastSeq - start + 1))
        var out: [String] = []
        out.reserveCapacity(take)
        let offset = Int(start - firstSeq)
        for i in 0..<take {
            out.append(storage[(head + offset + i) % storage.count])
        }
        return (out[...], start + Int64(take) - 1)
    }
}
