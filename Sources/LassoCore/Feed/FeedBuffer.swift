import DequeModule

/// Settings of the activity feed (docs/feed.md). Dedup bounds follow Lasso's own dashboard (docs/lasso-compat.md §4).
public struct FeedOptions: Sendable, Equatable {
    /// How long an identity is remembered for deduplication, by the time it was ingested.
    public var windowMs: Int64
    /// Most identities remembered at once; the oldest are forgotten first.
    public var maxIdentities: Int
    /// Most events kept for display (the newest by `ts`).
    public var displayCapacity: Int
    /// Successes shown per second before sampling starts. Errors, circuit and cluster entries are never sampled.
    public var successBudgetPerSecond: Int
    /// Seed of the sampler's random generator, so a run can be reproduced.
    public var samplingSeed: UInt64
    /// Longest string field kept, in characters; longer ones are cut (and counted in `FeedStats.truncated`).
    public var maxFieldLength: Int = 256
    /// An event stamped more than this ahead of its arrival is shown at its arrival time (`FeedStats.futureStamped`):
    /// the display is ordered by `ts`, so a far-future stamp would stay newest for good and push live events out.
    public var futureToleranceMs: Int64 = 60_000

    public init(windowMs: Int64 = 120_000, maxIdentities: Int = 50_000, displayCapacity: Int = 1_000,
                successBudgetPerSecond: Int = 50, samplingSeed: UInt64 = 0x5EED_F00D) {
        self.windowMs = max(0, windowMs)
        self.maxIdentities = max(1, maxIdentities)
        self.displayCapacity = max(1, displayCapacity)
        self.successBudgetPerSecond = max(0, successBudgetPerSecond)
        self.samplingSeed = samplingSeed
    }
}

public enum FeedIngestOutcome: Sendable, Equatable {
    /// New event, shown (it may still fall off the display right away if it is older than everything in a full
    /// display buffer).
    case added
    /// Same identity seen within the window: dropped.
    case duplicate
    /// New success event not shown because successes exceed the sampling budget; counted in `sampledOut`.
    case sampledOut
}

/// The deduplicating, sampling, ts-ordered activity feed. Pure: the caller passes ingest time (`nowMs`).
///
/// Costs per `ingest`: amortized O(1) for dedup and expiry (identities leave from the front of a FIFO, no scans);
/// O(1) display append for in-order events, O(log n) search plus a shift of the elements after the insertion point
/// for late ones. Memory is flat once the window is full: the identity set and FIFO never exceed `maxIdentities`.
public struct FeedBuffer: Sendable {
    public let options: FeedOptions
    private var seen: Set<FeedIdentity>
    /// Insertion order of `seen`, with the ingest time that starts each identity's window.
    private var arrivals: Deque<(identity: FeedIdentity, atMs: Int64)>
    /// The capacity asked of `arrivals` (`Deque` does not say its own).
    private var arrivalsCapacity: Int
    private var display: Deque<FeedEvent>
    private var sampler: SuccessSampler
    private var rateRing = FeedRateRing()
    public private(set) var stats = FeedStats()

    public init(options: FeedOptions = FeedOptions()) {
        self.options = options
        // Both grow with what arrives instead of reserving `maxIdentities`: a reserved 50,000-entry set is 3 MB
        // whose pages the hashed inserts touch one by one, and a reserved FIFO is a ring whose pages are touched in
        // turn, all of them after ~40 minutes at the demo's rate though the window holds ~2,400 identities: a
        // dashboard's resident memory crept up for as long. The FIFO grows by doubling up to exactly
        // `maxIdentities` (in `ingest`), never past it: left to `Deque`, it doubled to 65,536 slots and the
        // ring kept touching new pages after a full window (docs/performance.md "Peak RSS").
        seen = []
        arrivalsCapacity = min(options.maxIdentities, 1_024)
        arrivals = Deque(minimumCapacity: arrivalsCapacity)
        display = Deque(minimumCapacity: options.displayCapacity + 1)
        sampler = SuccessSampler(budget: options.successBudgetPerSecond, seed: options.samplingSeed)
    }

    /// Displayed events, ascending `ts` (ties in arrival order), newest last, at most `displayCapacity`.
    public var events: [FeedEvent] { Array(display) }

    /// `events.map(transform)` without building `events` first (the display holds up to 1,000 events). Not generic:
    /// a generic map called from another module ran unspecialized, through witness tables for every event.
    public func mapEvents(_ transform: (FeedEvent) throws -> FeedEvent) rethrows -> [FeedEvent] {
        var out: [FeedEvent] = []
        out.reserveCapacity(display.count)
        for event in display { out.append(try transform(event)) }
        return out
    }

    /// Moves whenever the displayed events change, so a reader can keep what it built from them until then.
    public private(set) var displayVersion = 0

    /// How the display got where it is: events dropped from its front, appended at its end, and inserted before its
    /// end (late events), each counted since the buffer began. An event's position counted from the first event
    /// ever shown (`dropped` + its index) moves only when an event is inserted before it, so `following` can tell
    /// which leading part of an earlier display is still shown as it was.
    public struct DisplayMark: Sendable, Equatable {
        public var dropped = 0
        public var appended = 0
        public var inserted = 0
        /// Events shown at this mark (the display began empty).
        var count: Int { appended + inserted - dropped }
    }

    public private(set) var displayMark = DisplayMark()
    /// Where the latest insertions went (positions counted as in `DisplayMark`), oldest first, at most
    /// `insertionLogLimit`: `following` needs the lowest one since a mark.
    private var insertionLog = Deque<Int>()
    static let insertionLogLimit = 1_024

    /// `mapEvents(transform)`, given `mirror` = `mapEvents(transform)` as it was at `mark`: the events shown then and
    /// untouched since are taken from `mirror`, and only the rest (appended, or at or after an insertion) is
    /// transformed: a publish saw up to 1,000 events of which a few dozen were new. Nil when `mirror` does not fit
    /// `mark` or more insertions came since than the log remembers: the caller maps everything.
    public func following(_ mirror: [FeedEvent], from mark: DisplayMark,
                          _ transform: (FeedEvent) throws -> FeedEvent) rethrows -> [FeedEvent]? {
        let insertions = displayMark.inserted - mark.inserted
        guard mirror.count == mark.count, displayMark.dropped >= mark.dropped, displayMark.appended >= mark.appended,
              insertions >= 0, insertions <= insertionLog.count else { return nil }
        if insertions == 0 && displayMark == mark { return mirror }
        let end = mark.dropped + mirror.count
        var firstChanged = end
        for index in (insertionLog.count - insertions)..<insertionLog.count { firstChanged = min(firstChanged, insertionLog[index]) }
        let low = displayMark.dropped
        let high = max(low, firstChanged)
        guard high - low <= display.count else { return nil }
        var out: [FeedEvent] = []
        out.reserveCapacity(display.count)
        if high > low { out.append(contentsOf: mirror[(low - mark.dropped)..<(high - mark.dropped)]) }
        for index in (high - low)..<display.count { out.append(try transform(display[index])) }
        return out
    }

    public var displayedCount: Int { display.count }

    public mutating func ingest(_ event: FeedEvent, nowMs: Int64) -> FeedIngestOutcome {
        stats.received += 1
        // Identity (dedup) uses the event as sent; only what is kept is cut and re-stamped.
        var event = event
        let identity = FeedIdentity(event)
        if event.capStrings(to: options.maxFieldLength) { stats.truncated += 1 }
        if event.ts > nowMs &+ options.futureToleranceMs {
            event.ts = nowMs
            stats.futureStamped += 1
        }
        forgetExpired(nowMs: nowMs)
        if let identity {
            guard seen.insert(identity).inserted else {
                stats.duplicatesDropped += 1
                return .duplicate
            }
            if arrivals.count >= options.maxIdentities {
                seen.remove(arrivals.removeFirst().identity)
            } else if arrivals.count >= arrivalsCapacity {
                arrivalsCapacity = min(arrivalsCapacity * 2, options.maxIdentities)
                arrivals.reserveCapacity(arrivalsCapacity)
            }
            arrivals.append((identity, nowMs))
            stats.windowSize = seen.count
        }
        stats.unique += 1

        let sampleable = event.kind == .routing && event.result != "error"
        if sampleable && !sampler.admit(nowMs: nowMs) {
            stats.sampledOut += 1
            rateRing.record(nowMs: nowMs, shown: false)
            return .sampledOut
        }
        rateRing.record(nowMs: nowMs, shown: true)
        insertForDisplay(event)
        return .added
    }

    /// Lines or bodies that could not be turned into events (JSON-lines source, events endpoint).
    public mutating func recordMalformed(count: Int = 1) {
        stats.malformed += max(0, count)
    }

    /// Events per second over the last ~10 s of ingest time: `trueRate` counts unique events before sampling,
    /// `shownRate` the ones shown; `sampling` is true when anything was sampled out in that span.
    public func rates(nowMs: Int64) -> (trueRate: Double, shownRate: Double, sampling: Bool) {
        rateRing.rates(nowMs: nowMs)
    }

    /// Rule: an identity ingested at `t` is still remembered at `t + windowMs` and forgotten just after.
    private mutating func forgetExpired(nowMs: Int64) {
        let cutoff = nowMs &- options.windowMs
        var removed = false
        while let first = arrivals.first, first.atMs < cutoff {
            seen.remove(first.identity)
            arrivals.removeFirst()
            removed = true
        }
        if removed { stats.windowSize = seen.count }
    }

    private mutating func insertForDisplay(_ event: FeedEvent) {
        if let last = display.last, event.ts < last.ts {
            if display.count >= options.displayCapacity, let first = display.first, event.ts < first.ts {
                return   // older than everything kept in a full buffer: it would be evicted at once
            }
            // Upper bound: after every event with the same ts, so equal timestamps keep arrival order.
            var low = 0
            var high = display.count
            while low < high {
                let mid = (low + high) / 2
                if display[mid].ts <= event.ts { low = mid + 1 } else { high = mid }
            }
            display.insert(event, at: low)
            displayVersion &+= 1
            displayMark.inserted &+= 1
            insertionLog.append(displayMark.dropped + low)
            if insertionLog.count > Self.insertionLogLimit { insertionLog.removeFirst() }
        } else {
            display.append(event)
            displayVersion &+= 1
            displayMark.appended &+= 1
        }
        if display.count > options.displayCapacity {
            display.removeFirst()
            displayMark.dropped &+= 1
        }
    }
}
