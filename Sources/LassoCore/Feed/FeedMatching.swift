/// Which events of a feed were already in the previous one: a hub numbers only the new ones (LassoHub), a recorder
/// encodes only the new ones (LassoRecord). Snapshots follow each other every second or two and share most of their
/// up to 1,000 events, so hashing both feeds each time was a large part of what an unread hub or a recorder cost
/// (docs/performance.md, "A hub nobody reads").
public enum FeedMatching {
    /// For each event of `feed`, the index of an equal event in `previous`, or nil. Both are normally in the feed's
    /// display order, ascending `ts` (FeedBuffer), and then a merge walk compares each event only with the previous
    /// events of its own `ts` (a kept event shares its storage, so that compare is one pointer); otherwise, or when
    /// one `ts` holds more than `maxSameTs`, each is looked up in a table of the previous ones.
    public static func indices(of feed: [FeedEvent], in previous: [FeedEvent]) -> [Int?] {
        func ascending(_ events: [FeedEvent]) -> Bool { zip(events, events.dropFirst()).allSatisfy { $0.ts <= $1.ts } }
        if ascending(feed), ascending(previous) {
            var out: [Int?] = []
            out.reserveCapacity(feed.count)
            var start = 0   // the first previous event not older than the current one
            walk: do {
                for event in feed {
                    while start < previous.count, previous[start].ts < event.ts { start += 1 }
                    var index = start
                    var found: Int?
                    while index < previous.count, previous[index].ts == event.ts {
                        if previous[index] == event { found = index; break }
                        index += 1
                        if index - start > maxSameTs { break walk }
                    }
                    out.append(found)
                }
                return out
            }
        }
        var table: [FeedEvent: Int] = [:]
        for (index, event) in previous.enumerated() where table[event] == nil { table[event] = index }
        return feed.map { table[$0] }
    }

    /// Past this many previous events with one `ts`, `indices` takes the table instead of comparing each with each.
    public static let maxSameTs = 64
}
