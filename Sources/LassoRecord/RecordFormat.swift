import Foundation
import LassoCore

/// The recording file (docs/replay.md): `LASSOREC` + version byte + `\n`, then frames appended one after another.
///
/// Frame: tag (1 byte) · payload length (u32 LE) · CRC-32 of the payload (u32 LE) · first and last record time
/// (i64 LE ms each) · payload. Tags: `H` header (JSON), `K` first chunk of a block (a fresh compressed stream whose
/// first record is a keyframe), `C` next chunk of the current block. Each chunk ends with a sync flush, so a file cut
/// anywhere (SIGKILL, full disk) decodes cleanly up to its last whole frame.
///
/// Version 3 (written): a block is a raw LZMA2 stream of binary records (BinaryTree.swift); a chunk's payload is
/// varint n · n token bytes (the request ids of its records, kept out of the compressed stream) · compressed bytes.
/// Version 2 (still read): the same without the token section (tokens inline) and without the compact number tags.
/// Version 1 (still read): a block is a raw deflate stream of JSON lines.
public enum RecordFormat {
    public static let magic: [UInt8] = Array("LASSOREC".utf8)
    /// The version this lassotop writes.
    public static let version: UInt8 = 3
    public static let readableVersions: ClosedRange<UInt8> = 1...3
    public static var preamble: [UInt8] { preamble(version: version) }
    static func preamble(version: UInt8) -> [UInt8] { magic + [version, 0x0A] }
    public static let frameHeaderSize = 25
    /// Largest payload a reader accepts (a chunk is normally a few KiB; a keyframe chunk a few hundred).
    public static let maxPayload = 16 * 1024 * 1024
    /// Largest inflated chunk a reader accepts.
    public static let maxInflatedChunk = 64 * 1024 * 1024
    public static var formatName: String { formatName(version: version) }
    public static func formatName(version: UInt8) -> String { "lassotop.record/\(version)" }

    public enum Tag: UInt8, Sendable {
        case header = 0x48   // H
        case keyChunk = 0x4B   // K
        case chunk = 0x43   // C
    }

    static func frame(_ tag: Tag, payload: [UInt8], firstMs: Int64, lastMs: Int64) -> [UInt8] {
        var out: [UInt8] = [tag.rawValue]
        out.reserveCapacity(frameHeaderSize + payload.count)
        appendLE(UInt32(payload.count), to: &out)
        appendLE(Checksum.crc32(payload), to: &out)
        appendLE(UInt64(bitPattern: firstMs), to: &out)
        appendLE(UInt64(bitPattern: lastMs), to: &out)
        out.append(contentsOf: payload)
        return out
    }

    static func appendLE<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func readLE<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ bytes: ArraySlice<UInt8>, at offset: Int) -> T {
        var value: T = 0
        let base = bytes.startIndex + offset
        for k in 0..<MemoryLayout<T>.size { value |= T(bytes[base + k]) << (8 * k) }
        return value
    }
}

/// The recording's header frame: what was watched and how.
public struct RecordHeader: Codable, Equatable, Sendable {
    public struct Node: Codable, Equatable, Sendable {
        public var name: String
        public var url: String
        public init(name: String, url: String) {
            self.name = name
            self.url = url
        }
    }

    public var format: String
    public var lassotopVersion: String
    public var startedAtMs: Int64
    public var clusterName: String?
    public var demo: Bool
    public var nodes: [Node]
    public var healthIntervalMs: Int64
    public var metricsIntervalMs: Int64
    public var eventsIntervalMs: Int64
    /// A keyframe starts a block at least this often.
    public var keyframeIntervalMs: Int64

    public init(lassotopVersion: String, startedAtMs: Int64, clusterName: String?, demo: Bool, nodes: [Node],
                healthIntervalMs: Int64, metricsIntervalMs: Int64, eventsIntervalMs: Int64, keyframeIntervalMs: Int64) {
        format = RecordFormat.formatName
        self.lassotopVersion = lassotopVersion
        self.startedAtMs = startedAtMs
        self.clusterName = clusterName
        self.demo = demo
        self.nodes = nodes
        self.healthIntervalMs = healthIntervalMs
        self.metricsIntervalMs = metricsIntervalMs
        self.eventsIntervalMs = eventsIntervalMs
        self.keyframeIntervalMs = keyframeIntervalMs
    }

    enum CodingKeys: String, CodingKey {
        case format, demo, nodes
        case lassotopVersion = "lassotop_version", startedAtMs = "started_at_ms", clusterName = "cluster_name"
        case healthIntervalMs = "health_interval_ms", metricsIntervalMs = "metrics_interval_ms"
        case eventsIntervalMs = "events_interval_ms", keyframeIntervalMs = "keyframe_interval_ms"
    }
}

/// Why a recording cannot be read (or not all of it). Texts taken from the file are sanitized before they get here.
public enum RecordError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(String)
    case notARecording
    case unsupportedVersion(Int)
    case badHeader(String)
    case empty
    /// The file is damaged at `offset`; moments up to `readableUntilMs` (when known) can still be replayed.
    case damaged(offset: Int, reason: String, readableUntilMs: Int64?)
    case outOfRange(String)

    public var description: String {
        switch self {
        case .io(let message): return message
        case .notARecording: return "not a lassotop recording (no LASSOREC preamble)"
        case .unsupportedVersion(let version):
            return "recording format version \(version) is not supported (this lassotop reads versions \(RecordFormat.readableVersions.lowerBound)–\(RecordFormat.readableVersions.upperBound))"
        case .badHeader(let reason): return "the recording's header is unreadable: \(reason)"
        case .empty: return "the recording holds no snapshot yet"
        case .damaged(let offset, let reason, let until):
            let readable = until.map { "; readable up to \(RecordTime.format($0))" } ?? ""
            return "the recording is damaged at byte \(offset) (\(reason))\(readable)"
        case .outOfRange(let message): return message
        }
    }
}

public enum RecordTime {
    /// `2026-11-30 10:42:00.123 UTC`-style text for messages (UTC, so it reads the same everywhere).
    public static func format(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let millis = Int(((ms % 1000) + 1000) % 1000)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                      c.hour ?? 0, c.minute ?? 0, c.second ?? 0, millis)
    }
}

/// The snapshot as stored in a record, with stable snake_case keys owned by this file (not by the TUI or the JSON
/// output), so the recording format changes only when this file does. Histories become sorted lists.
struct RecordedSnapshot: Codable {
    struct History: Codable {
        var chain: String
        var provider: String
        var values: [Double]
    }

    var generatedAtMs: Int64
    var clusterName: String?
    var isDemo: Bool
    var coverage: Coverage
    var nodes: [NodeStatus]
    var chains: [ChainAggregate]
    var feed: [FeedEvent]
    var feedStats: FeedStats
    var eventRate: Double
    var shownEventRate: Double
    var sampling: Bool
    var alerts: [Alert]
    var cache: CacheStats
    var updating: Bool
    var latencyHistory: [History]
    var rateHistory: [History]
    var insecure: Bool
    /// Absent in recordings made before it was stored (an optional key, so the format version did not change).
    var discoveryError: String?

    enum CodingKeys: String, CodingKey {
        case nodes, chains, feed, sampling, alerts, cache, updating, insecure, coverage
        case generatedAtMs = "generated_at_ms", clusterName = "cluster_name", isDemo = "is_demo"
        case feedStats = "feed_stats", eventRate = "event_rate", shownEventRate = "shown_event_rate"
        case latencyHistory = "latency_history", rateHistory = "rate_history", discoveryError = "discovery_error"
    }

    init(_ s: ClusterSnapshot) {
        generatedAtMs = s.generatedAtMs
        clusterName = s.clusterName
        isDemo = s.isDemo
        coverage = s.coverage
        nodes = s.nodes
        chains = s.chains
        feed = s.feed
        feedStats = s.feedStats
        eventRate = s.eventRate
        shownEventRate = s.shownEventRate
        sampling = s.sampling
        alerts = s.alerts
        cache = s.cache
        updating = s.updating
        latencyHistory = Self.histories(s.latencyHistory)
        rateHistory = Self.histories(s.rateHistory)
        insecure = s.insecure
        discoveryError = s.discoveryError
    }

    static func histories(_ map: [ProviderKey: [Double]]) -> [History] {
        map.sorted { $0.key < $1.key }.map { History(chain: $0.key.chain, provider: $0.key.id, values: $0.value) }
    }

    static func map(_ list: [History]) -> [ProviderKey: [Double]] {
        var out: [ProviderKey: [Double]] = [:]
        for item in list { out[ProviderKey(chain: item.chain, id: item.provider)] = item.values }
        return out
    }

    var snapshot: ClusterSnapshot {
        var s = ClusterSnapshot(generatedAtMs: generatedAtMs, clusterName: clusterName, isDemo: isDemo, coverage: coverage,
                                nodes: nodes, chains: chains, feed: feed, feedStats: feedStats, eventRate: eventRate,
                                shownEventRate: shownEventRate, sampling: sampling, alerts: alerts, cache: cache,
                                updating: updating, latencyHistory: Self.map(latencyHistory),
                                rateHistory: Self.map(rateHistory), insecure: insecure)
        s.discoveryError = discoveryError
        return s
    }
}

/// Snapshot ⇄ tree, with the float strategies that let non-finite values survive.
struct SnapshotCodec {
    let encoder: JSONEncoder
    let decoder: JSONDecoder

    init() {
        encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    }

    func tree(_ snapshot: ClusterSnapshot) throws -> JSONTree {
        let data = try encoder.encode(RecordedSnapshot(snapshot))
        return try JSONTree.parse(data)
    }

    /// The feed's events and the chains as trees, kept from one snapshot to the next by `tree(_:reusing:)`.
    struct KeptTrees {
        var events: [FeedEvent] = []
        var eventTrees: [JSONTree] = []
        var chains: [ChainAggregate] = []
        var chainTrees: [JSONTree] = []
    }

    /// The same tree as `tree(_:)`, encoding only what `kept` does not hold: a recorder's snapshots come every second
    /// and share most of their up to 1,000 feed events, and their chains change once per metrics refresh (15 s);
    /// encoding and parsing all of it every second was most of what `lassotop record` cost (docs/performance.md,
    /// "A recorder's second").
    func tree(_ snapshot: ClusterSnapshot, reusing kept: inout KeptTrees) throws -> JSONTree {
        var recorded = RecordedSnapshot(snapshot)
        let feed = recorded.feed
        let chains = recorded.chains
        recorded.feed = []
        recorded.chains = []
        guard case .object(var members) = try JSONTree.parse(encoder.encode(recorded)) else {
            throw JSONTreeError(offset: 0, reason: "a snapshot encoded as something else than an object")
        }
        var eventTrees: [JSONTree] = []
        eventTrees.reserveCapacity(feed.count)
        for (event, match) in zip(feed, FeedMatching.indices(of: feed, in: kept.events)) {
            eventTrees.append(try match.map { kept.eventTrees[$0] } ?? JSONTree.parse(encoder.encode(event)))
        }
        // Chains keep their order; one equal to the chain in its place last time has the same tree.
        let chainTrees = try chains.enumerated().map { index, chain in
            index < kept.chains.count && kept.chains[index] == chain ? kept.chainTrees[index] : try JSONTree.parse(encoder.encode(chain))
        }
        members[RecordedSnapshot.CodingKeys.feed.rawValue] = .array(eventTrees)
        members[RecordedSnapshot.CodingKeys.chains.rawValue] = .array(chainTrees)
        kept = KeptTrees(events: feed, eventTrees: eventTrees, chains: chains, chainTrees: chainTrees)
        return .object(members)
    }

    func snapshot(_ tree: JSONTree) throws -> ClusterSnapshot {
        try decoder.decode(RecordedSnapshot.self, from: Data(tree.serialized())).snapshot
    }
}
