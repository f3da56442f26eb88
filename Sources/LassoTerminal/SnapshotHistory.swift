import LassoCore
import LassoTUI

/// Live time travel (`[`/`]`): the snapshots the dashboard saw in the last `spanMs`, thinned the way round-robin
/// databases thin old samples: one per `everyMs` (20 s) for the newest `fineSpanMs` (2 minutes), one per
/// `coarseEveryMs` (a minute, the step of `[`) beyond, so 15 minutes are ~21 snapshots however fast the monitor
/// publishes. The header shows the true distance of the one drawn. Each keeps the newest `feedLimit` events of its
/// feed (three screens of a 40-row terminal's Feed view).
///
/// Why thinned: a kept snapshot of the 3-node demo is ~190 KB as Swift values, and 46 of them (one per 20 s) were
/// most of what a dashboard left running grew by. Packing them instead (JSON, deflated) cost 35 M instructions
/// each, +36 % of an idle minute's (docs/performance.md, "A dashboard left running").
/// Times are the snapshots' own `generatedAtMs`: no clock here.
public struct SnapshotHistory {
    public static let feedLimit = 100

    public let spanMs: Int64
    public let everyMs: Int64
    public let fineSpanMs: Int64
    public let coarseEveryMs: Int64
    public private(set) var entries: [ClusterSnapshot] = []

    public init(spanMs: Int64 = UIState.travelLimitMs, everyMs: Int64 = 20_000, fineSpanMs: Int64 = 120_000,
                coarseEveryMs: Int64 = UIState.travelStepMs) {
        self.spanMs = spanMs
        self.everyMs = everyMs
        self.fineSpanMs = fineSpanMs
        self.coarseEveryMs = coarseEveryMs
    }

    /// Keeps `snapshot` when it is at least `everyMs` newer than the last one kept; thins what left the fine span to
    /// one per `coarseEveryMs`; drops what is older than the span but the newest of those.
    public mutating func add(_ snapshot: ClusterSnapshot) {
        if let last = entries.last, snapshot.generatedAtMs < last.generatedAtMs + everyMs { return }
        var kept = snapshot
        if kept.feed.count > Self.feedLimit { kept.feed = Array(kept.feed.suffix(Self.feedLimit)) }
        entries.append(kept)
        let now = snapshot.generatedAtMs
        thin(before: now - fineSpanMs)
        // The newest entry at least `spanMs` old stays, so the whole span can be shown.
        if let edge = entries.lastIndex(where: { $0.generatedAtMs <= now - spanMs }), edge > 0 { entries.removeFirst(edge) }
    }

    /// Among the entries older than `boundary`, keeps the oldest and then each one at least `coarseEveryMs` after the
    /// last kept. Entries kept by an earlier walk are already that far apart and stay: what is kept never moves.
    private mutating func thin(before boundary: Int64) {
        var lastKept: Int64?
        var index = 0
        while index < entries.count, entries[index].generatedAtMs < boundary {
            let t = entries[index].generatedAtMs
            if let previous = lastKept, t < previous + coarseEveryMs {
                entries.remove(at: index)
            } else {
                lastKept = t
                index += 1
            }
        }
    }

    /// The newest kept snapshot at or before `ms`, else the oldest one (asked for more than is held).
    public func snapshot(atOrBefore ms: Int64) -> ClusterSnapshot? {
        entries.last { $0.generatedAtMs <= ms } ?? entries.first
    }

    /// How far back from `nowMs` the oldest kept snapshot is (0 with nothing kept).
    public func depthMs(from nowMs: Int64) -> Int64 {
        entries.first.map { max(0, nowMs - $0.generatedAtMs) } ?? 0
    }
}
