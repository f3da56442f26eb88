import Foundation

/// Events the byte reader accepted from recent pages, kept with their bytes.
///
/// Every node relays every event (docs/events-protocol.md), so polling N nodes brings each event N times, byte for
/// byte the same. A JSON object ends where its bytes say, and the reader's result depends on nothing but those bytes,
/// so bytes equal to an event read before *are* that event: `EventsFastReader.event` takes it from here instead of
/// reading it again. Only whole bytes decide; a copy differing in any byte is read in full. The feed still receives
/// every copy (its duplicate and malformed counts are unchanged).
///
/// A generation is one beat of `keepMs` (the events poll interval, on the polls' own beat: `Beat`), and an entry
/// lives through its generation and the next (the copies of one event arrive in the same poll round, or in the next
/// when a relay landed just after a node was polled); the entries of one generation hold at most about `maxBytes` of
/// event text.
public struct RelayCopies: Sendable {
    struct Entry: Sendable {
        let bytes: [UInt8]
        let event: FeedEvent
    }

    /// The key is a hash of an event's first `keyLength` bytes; shorter events are not kept. Events sharing those
    /// bytes (batch items share a request id and may share a stamp) share a key: the last one read is kept, and
    /// the others are read in full.
    static let keyLength = 64

    private var current: [UInt64: Entry] = [:]
    private var previous: [UInt64: Entry] = [:]
    private var currentBytes = 0
    /// The beat `current` belongs to (`Beat.index`).
    private var beat: Int64?
    public let keepMs: Int64
    public let maxBytes: Int
    /// Copies taken from here instead of being read (tests, the profile in docs/performance.md).
    public private(set) var hits = 0

    public init(keepMs: Int64, maxBytes: Int = 2 << 20) {
        self.keepMs = max(1, keepMs)
        self.maxBytes = maxBytes
    }

    /// Events kept now, in both generations.
    public var count: Int { current.count + previous.count }

    /// Starts a new generation when `nowMs` is in another beat than the current one's (a later one, or an earlier one
    /// when the clock went back); the generation before it is dropped.
    public mutating func advance(nowMs: Int64) {
        let now = Beat.index(of: nowMs, period: keepMs)
        if let beat, beat != now { rotate() }
        beat = now
    }

    private mutating func rotate() {
        previous = current
        current = [:]
        currentBytes = 0
    }

    @inline(__always)
    static func key(_ start: UnsafePointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawPointer(start)
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        for word in 0..<(keyLength / 8) {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
        }
        return hash
    }

    /// The event whose bytes begin at `start` (ending at or before `end`), when they equal one kept here.
    mutating func find(_ base: UnsafePointer<UInt8>, at start: Int, end: Int) -> Entry? {
        guard end - start >= Self.keyLength else { return nil }
        let key = Self.key(base + start)
        func matches(_ entry: Entry?) -> Bool {
            guard let entry, entry.bytes.count <= end - start else { return false }
            return entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, base + start, $0.count) == 0 }
        }
        let found = current[key].flatMap { matches($0) ? $0 : nil } ?? previous[key].flatMap { matches($0) ? $0 : nil }
        if found != nil { hits += 1 }
        return found
    }

    /// Keeps `event`, read from the bytes `start..<end`.
    mutating func remember(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, event: FeedEvent) {
        let length = end - start
        guard length >= Self.keyLength, length <= maxBytes else { return }
        if currentBytes + length > maxBytes { rotate() }
        current[Self.key(base + start)] = Entry(bytes: Array(UnsafeBufferPointer(start: base + start, count: length)),
                                                event: event)
        currentBytes += length
    }
}
