import LassoCore
import LassoTUI

/// Live time travel (`[`/`]`): the snapshots the dashboard saw in the last `spanMs`, one kept per `everyMs` so
/// 15 minutes stay a bounded handful (45 at 20 s; a step is a minute and the header shows the true distance)
/// however fast the monitor publishes. Each keeps the newest `feedLimit` events of its feed (two screens): a full
/// feed is 1,000 events of 336 bytes, and 45 of them would hold 15 MB, capped 2.3 MB — what a dashboard left running
/// all day holds for it. Times are the snapshots' own `generatedAtMs`: no clock here.
public struct SnapshotHistory {
    public static let feedLimit = 150

    public let spanMs: Int64
    public let everyMs: Int64
    public private(set) var entries: [ClusterSnapshot] = []

    public init(spanMs: Int64 = UIState.travelLimitMs, everyMs: Int64 = 20_000) {
        self.spanMs = spanMs
        self.everyMs = everyMs
    }

    /// Keeps `snapshot` when it is at least `everyMs` newer than the last one kept; drops what is older than the span.
    public mutating func add(_ snapshot: ClusterSnapshot) {
        if let last = entries.last, snapshot.generatedAtMs < last.generatedAtMs + everyMs { return }
        var kept = snapshot
        if kept.feed.count > Self.feedLimit { kept.feed = Array(kept.feed.suffix(Self.feedLimit)) }
        entries.append(kept)
        let oldest = snapshot.generatedAtMs - spanMs - everyMs
        if let keep = entries.firstIndex(where: { $0.generatedAtMs >= oldest }), keep > 0 { entries.removeFirst(keep) }
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
