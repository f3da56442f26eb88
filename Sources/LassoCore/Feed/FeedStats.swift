/// Counters of the activity feed (docs/feed.md).
public struct FeedStats: Codable, Equatable, Sendable {
    public var received: Int = 0
    public var unique: Int = 0
    public var duplicatesDropped: Int = 0
    public var malformed: Int = 0
    public var sampledOut: Int = 0
    public var windowSize: Int = 0
    /// Events with a string field cut to `FeedOptions.maxFieldLength` (a node or file can send megabytes).
    public var truncated: Int = 0
    /// Events stamped further ahead of their arrival than `FeedOptions.futureToleranceMs`, shown at arrival time so
    /// they cannot sit after every live event for good.
    public var futureStamped: Int = 0

    public init(received: Int = 0, unique: Int = 0, duplicatesDropped: Int = 0, malformed: Int = 0, sampledOut: Int = 0,
                windowSize: Int = 0, truncated: Int = 0, futureStamped: Int = 0) {
        self.received = received
        self.unique = unique
        self.duplicatesDropped = duplicatesDropped
        self.malformed = malformed
        self.sampledOut = sampledOut
        self.windowSize = windowSize
        self.truncated = truncated
        self.futureStamped = futureStamped
    }

    enum CodingKeys: String, CodingKey {
        case received, unique, malformed, truncated
        case duplicatesDropped = "duplicates_dropped", sampledOut = "sampled_out", windowSize = "window_size"
        case futureStamped = "future_stamped"
    }

    /// Documents and recordings written before `truncated` and `future_stamped` existed still decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        received = try c.decode(Int.self, forKey: .received)
        unique = try c.decode(Int.self, forKey: .unique)
        duplicatesDropped = try c.decode(Int.self, forKey: .duplicatesDropped)
        malformed = try c.decode(Int.self, forKey: .malformed)
        sampledOut = try c.decode(Int.self, forKey: .sampledOut)
        windowSize = try c.decode(Int.self, forKey: .windowSize)
        truncated = try c.decodeIfPresent(Int.self, forKey: .truncated) ?? 0
        futureStamped = try c.decodeIfPresent(Int.self, forKey: .futureStamped) ?? 0
    }
}
