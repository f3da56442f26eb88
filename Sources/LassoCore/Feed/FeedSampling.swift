/// SplitMix64: tiny, fast and seedable, so sampling is reproducible in tests and benchmarks.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Floor division for wall-clock seconds, correct for negative times too.
@inline(__always)
func wallSecond(_ ms: Int64) -> Int64 {
    ms >= 0 ? ms / 1000 : (ms - 999) / 1000
}

/// Decides which successes are shown once they exceed `budget` per wall-clock second (ingest time).
///
/// Each success is kept with probability budget ÷ expected, where expected is the larger of the previous second's
/// success count and the count so far in this second; at most `budget` are shown per second. With a steady rate
/// that is a uniform sample spread over the whole second (not the first `budget` of it). On a sudden burst the
/// previous second underestimates, so the first successes of that one second are favoured until the estimate
/// catches up. Showing a success is decided when it arrives, because the feed is live.
struct SuccessSampler: Sendable {
    let budget: Int
    private var generator: SeededGenerator
    private var second: Int64 = .min
    private var seenThisSecond = 0
    private var shownThisSecond = 0
    private var seenPreviousSecond = 0

    init(budget: Int, seed: UInt64) {
        self.budget = budget
        generator = SeededGenerator(seed: seed)
    }

    mutating func admit(nowMs: Int64) -> Bool {
        let now = wallSecond(nowMs)
        if now != second {
            seenPreviousSecond = now == second &+ 1 ? seenThisSecond : 0
            second = now
            seenThisSecond = 0
            shownThisSecond = 0
        }
        seenThisSecond += 1
        guard shownThisSecond < budget else { return false }
        let expected = max(seenPreviousSecond, seenThisSecond)
        if expected > budget {
            // budget/expected as a 64-bit threshold: one multiply, no floating point per event.
            let fraction = min(Double(budget) / Double(expected), 0.999_999_999)
            let threshold = UInt64(fraction * 18_446_744_073_709_551_615.0)
            guard generator.next() < threshold else { return false }
        }
        shownThisSecond += 1
        return true
    }
}

/// Per-second counts for the header's rates, in a fixed ring (no allocation per event).
struct FeedRateRing: Sendable {
    struct Slot: Sendable {
        var second: Int64 = .min
        var unique = 0
        var shown = 0
        var sampledOut = 0
    }

    static let seconds = 10
    private var slots = [Slot](repeating: Slot(), count: FeedRateRing.seconds)
    private var firstMs: Int64?

    mutating func record(nowMs: Int64, shown: Bool) {
        if firstMs == nil { firstMs = nowMs }
        let second = wallSecond(nowMs)
        let index = Int(((second % Int64(Self.seconds)) + Int64(Self.seconds)) % Int64(Self.seconds))
        if slots[index].second != second {
            slots[index] = Slot(second: second)
        }
        slots[index].unique += 1
        if shown { slots[index].shown += 1 } else { slots[index].sampledOut += 1 }
    }

    /// Rates over the last ~10 s: the ring covers the current second and the nine before it; the span is the time
    /// from the start of that range (or the first event, if later) to now, at least 1 s so a first burst does not
    /// read as an enormous rate.
    func rates(nowMs: Int64) -> (trueRate: Double, shownRate: Double, sampling: Bool) {
        let now = wallSecond(nowMs)
        let oldest = now - Int64(Self.seconds) + 1
        var unique = 0
        var shown = 0
        var sampledOut = 0
        for slot in slots where slot.second >= oldest && slot.second <= now {
            unique += slot.unique
            shown += slot.shown
            sampledOut += slot.sampledOut
        }
        guard let firstMs else { return (0, 0, false) }
        let spanMs = nowMs - max(oldest * 1000, firstMs)
        let span = max(1.0, Double(spanMs) / 1000)
        return (Double(unique) / span, Double(shown) / span, sampledOut > 0)
    }
}
