import Foundation

/// A byte-level reader for `GET /api/health` bodies, built on `MetricsFastReader`'s scanner: the dashboard decodes one
/// per node every health interval, and `JSONDecoder` spent ~90,000 instructions on each 220-byte body.
///
/// Like the other fast readers it reads only the well-formed common case and gives up (returns nil) on anything
/// else, so `HealthResponse.decode` hands that body to `JSONDecoder` and gets its result or its error: a string with
/// an escape or a non-ASCII byte, a type it does not expect, a count written as a fraction or an exponent, a
/// duplicated known key, deep nesting, bytes after the body. What it accepts decodes exactly as
/// `HealthResponse.init(from:)` would (Tests/LassoCoreTests/HealthFastReaderTests.swift checks that differentially).
struct HealthFastReader {
    typealias Bail = MetricsFastReader.Bail
    var scan: MetricsFastReader

    static func read(_ body: Data) -> HealthResponse? {
        body.withUnsafeBytes { raw -> HealthResponse? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else { return nil }
            var reader = HealthFastReader(scan: MetricsFastReader(base: base, end: raw.count))
            do {
                return try reader.response()
            } catch {
                return nil
            }
        }
    }

    static let keys: [StaticString] = ["status", "timestamp", "uptime_seconds", "version", "cluster"]
    static let clusterKeys: [StaticString] = ["enabled", "nodes_connected", "nodes_responding", "nodes_total", "regions",
                                              "status"]

    mutating func response() throws(Bail) -> HealthResponse {
        try scan.expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var status: String?
        var timestamp: String?
        var uptime: Int?
        var version: String?
        var cluster: ClusterView?
        var first = true
        while let key = try scan.nextKey(&first) {
            guard let index = scan.match(key, Self.keys) else { try scan.skipValue(depth: 1); continue }
            try scan.mark(index, &seen)
            switch index {
            case 0: status = try scan.optionalString()
            case 1: timestamp = try scan.optionalString()
            case 2: uptime = try scan.optionalCount()
            case 3: version = try scan.optionalString()
            default: cluster = try clusterView()
            }
        }
        scan.skipWhitespace()
        guard scan.pos == scan.end, let cluster else { throw Bail() }
        return HealthResponse(status: status ?? "healthy", timestamp: timestamp, uptimeSeconds: uptime, version: version,
                              cluster: cluster)
    }

    /// `ClusterView.init(from:)`: the two counts are required (null is the decoder's error to name).
    mutating func clusterView() throws(Bail) -> ClusterView {
        try scan.expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var enabled: Bool?
        var connected: Int?
        var responding: Int?
        var total: Int?
        var regions: [String]?
        var status: String?
        var first = true
        while let key = try scan.nextKey(&first) {
            guard let index = scan.match(key, Self.clusterKeys) else { try scan.skipValue(depth: 2); continue }
            try scan.mark(index, &seen)
            switch index {
            case 0: enabled = try optionalBool()
            case 1: connected = try scan.count()
            case 2: responding = try scan.count()
            case 3: total = try scan.optionalCount()
            case 4:
                if !(try scan.takeNull()) {
                    try scan.expect(UInt8(ascii: "["))
                    var list: [String] = []
                    var firstRegion = true
                    while try scan.nextElement(&firstRegion) { list.append(try scan.string()) }
                    regions = list
                }
            default: status = try scan.optionalString()
            }
        }
        guard let connected, let responding else { throw Bail() }
        let on = enabled ?? false
        return ClusterView(enabled: on, nodesConnected: connected, nodesResponding: responding, nodesTotal: total ?? connected,
                           regions: regions ?? [], status: status ?? (on ? "healthy" : "standalone"))
    }

    mutating func optionalBool() throws(Bail) -> Bool? {
        switch try scan.peek() {
        case UInt8(ascii: "n"): try scan.literal("null"); return nil
        case UInt8(ascii: "t"): try scan.literal("true"); return true
        case UInt8(ascii: "f"): try scan.literal("false"); return false
        default: throw Bail()
        }
    }
}
