import LassoCore

/// The cells a panel drew in the last frame and the inputs it drew them from. When a frame's inputs for the panel
/// are the same, the cells are copied instead of drawn: on an idle dashboard the feed changes every second, but the
/// nodes change with a health poll and the providers with a metrics poll. Held by the run loop across frames (one
/// per screen, used from the thread that renders); a render without one draws everything, as the bench measures.
/// Correct only for a panel that writes nothing outside its rectangle onto a rectangle still blank: the overview's
/// stacked full-width panels (`OverviewScreen`). `PanelMemoTests` changes each input and expects new cells.
public final class PanelMemo {
    enum Slot: Hashable { case overviewNodes, overviewProviders }

    struct Entry {
        var key: Any
        var rect: Rect
        var cells: [Cell]
        var hits: [HitRegion]
    }

    private var entries: [Slot: Entry] = [:]
    /// Panels copied / drawn so far (tests).
    public private(set) var reused = 0
    public private(set) var drawn = 0

    public init() {}

    /// Forget every panel (the next frame draws them all).
    public func clear() { entries = [:] }

    func entry<Key: Equatable>(_ slot: Slot, rect: Rect, key: Key) -> Entry? {
        guard let entry = entries[slot], entry.rect == rect, let old = entry.key as? Key, old == key else { return nil }
        reused += 1
        return entry
    }

    func store<Key: Equatable>(_ slot: Slot, rect: Rect, key: Key, cells: [Cell], hits: [HitRegion]) {
        drawn += 1
        entries[slot] = Entry(key: key, rect: rect, cells: cells, hits: hits)
    }
}

extension Painter {
    /// Draws a panel into `rect`, or copies its cells and hit regions from `memo` when `key` (everything the panel
    /// reads) is what it was drawn from last time.
    mutating func memoized<Key: Equatable>(_ memo: PanelMemo?, _ slot: PanelMemo.Slot, _ rect: Rect, key: @autoclosure () -> Key,
                                           draw: (inout Painter) -> Void) {
        guard let memo, rect.x >= 0, rect.y >= 0, rect.width > 0, rect.height > 0,
              rect.x + rect.width <= grid.width, rect.y + rect.height <= grid.height else {
            draw(&self)
            return
        }
        let key = key()
        if let entry = memo.entry(slot, rect: rect, key: key) {
            grid.copy(entry.cells, into: rect.x, rect.y, width: rect.width, height: rect.height)
            hits.append(contentsOf: entry.hits)
            return
        }
        let firstHit = hits.count
        draw(&self)
        memo.store(slot, rect: rect, key: key, cells: grid.cells(x: rect.x, y: rect.y, width: rect.width, height: rect.height),
                   hits: Array(hits[firstHit...]))
    }
}
