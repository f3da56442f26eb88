/// Counters of the activity feed (docs/feed.md).
public struct FeedStats: Codable, Equatable, Sendable {
    public var received: Int = 0
    public var unique: Int = 0
    public var duplicatesDropped: Int = 0
    public var malformed: Int = 0
    public var sampledOut: Int = 0
    public var windowSize: Int = 0

    public init(received: Int = 0, unique: Int = 0, duplicatesDropped: Int = 0, malformed: Int = 0, sampledOut: Int = 0, windowSize: Int = 0) {
        self.received = received
        self.unique = unique
        self.duplicatesDropped = duplicatesDropped
        self.malformed = malformed
        self.sampledOut = sampledOut
        self.windowSize = windowSize
    }

    enum CodingKeys: String, CodingKey {
        case received, unique, malformed
        case duplicatesDropped = "duplicates_dropped", sampledOut = "sampled_out", windowSize = "window_size"
    }
}
