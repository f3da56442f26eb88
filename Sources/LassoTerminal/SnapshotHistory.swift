import LassoCore
import LassoTUI

/// Live time travel (`[`/`]`): the snapshots the dashboard saw in the last `spanMs`, one kept per `everyMs` so
/// 15 minutes stay a bounded handful (45 at 20 s; a step is a minute and the header shows the true distance)
/// however fast the monitor publishes. Each keeps the newest `feedLimit` events of its feed (two screens).
///
/// Kept snapshots are packed (`SnapshotPacking`: the lassotop binary passes LassoRecord's `CompressedSnapshots`) and
/// unpacked when shown, the last one unpacked memoized: as Swift values a 3-node demo snapshot is ~160 KB, and 45 of
/// them were most of what a dashboard left running grew by (docs/performance.md, "A dashboard left running").
/// Without a packing (tests, or a snapshot the packing refuses) a snapshot is kept as it is.
/// Times are the snapshots' own `generatedAtMs`: no clock here.
public struct SnapshotHistory {
    public static let feedLimit = 150

    public let spanMs: Int64
    public let everyMs: Int64
    public let packing: (any SnapshotPacking)?
    public private(set) var entries: [Entry] = []
    private var unpacked: (atMs: Int64, snapshot: ClusterSnapshot)?

    public struct Entry {
        public let generatedAtMs: Int64
        /// Exactly one of the two is set.
        let kept: ClusterSnapshot?
        let packed: [UInt8]?

        /// Bytes this entry holds packed (0 when kept as a value).
        public var packedBytes: Int { packed?.count ?? 0 }
    }

    public init(spanMs: Int64 = UIState.travelLimitMs, everyMs: Int64 = 20_000, packing: (any SnapshotPacking)? = nil) {
        self.spanMs = spanMs
        self.everyMs = everyMs
        self.packing = packing
    }

    /// Keeps `snapshot` when it is at least `everyMs` newer than the last one kept; drops what is older than the span.
    public mutating func add(_ snapshot: ClusterSnapshot) {
        if let last = entries.last, snapshot.generatedAtMs < last.generatedAtMs + everyMs { return }
        var kept = snapshot
        if kept.feed.count > Self.feedLimit { kept.feed = Array(kept.feed.suffix(Self.feedLimit)) }
        if let bytes = packing?.pack(kept) {
            entries.append(Entry(generatedAtMs: kept.generatedAtMs, kept: nil, packed: bytes))
        } else {
            entries.append(Entry(generatedAtMs: kept.generatedAtMs, kept: kept, packed: nil))
        }
        let oldest = snapshot.generatedAtMs - spanMs - everyMs
        if let keep = entries.firstIndex(where: { $0.generatedAtMs >= oldest }), keep > 0 { entries.removeFirst(keep) }
    }

    /// The newest kept snapshot at or before `ms`, else the oldest one (asked for more than is held); nil when none
    /// is held or its bytes do not unpack. Mutating: the one unpacked last is memoized, so a frame drawn in the
    /// past does not unpack again.
    public mutating func snapshot(atOrBefore ms: Int64) -> ClusterSnapshot? {
        guard let entry = entries.last(where: { $0.generatedAtMs <= ms }) ?? entries.first else { return nil }
        if let kept = entry.kept { return kept }
        if let unpacked, unpacked.atMs == entry.generatedAtMs { return unpacked.snapshot }
        guard let bytes = entry.packed, let snapshot = packing?.unpack(bytes) else { return nil }
        unpacked = (entry.generatedAtMs, snapshot)
        return snapshot
    }

    /// Back to live: the memoized past snapshot is let go.
    public mutating func forgetUnpacked() { unpacked = nil }

    /// How far back from `nowMs` the oldest kept snapshot is (0 with nothing kept).
    public func depthMs(from nowMs: Int64) -> Int64 {
        entries.first.map { max(0, nowMs - $0.generatedAtMs) } ?? 0
    }
}
