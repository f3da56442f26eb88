import Foundation

/// A byte-level reader for the one shape of `GET /api/events` pages (docs/events-protocol.md), built on
/// `MetricsFastReader`'s scanner (its primitives are used unchanged).
///
/// It reads only the well-formed common case and gives up (returns nil) on anything else, so `EventsPage.decode` can
/// hand that page to `JSONDecoder` and get its result or its error: a string with an escape, a control or a non-ASCII
/// byte, a type it does not expect (a null `node_id`, `next` or `events`, a number where a string goes), a negative
/// number, a fraction or an exponent, a duplicated known key, an unknown `kind` or `severity`, an event missing a
/// field its kind requires, deep nesting, bytes after the page. An event it accepts decodes exactly as
/// `FeedEvent.init(from:)` would; a page it accepts has no event the per-entry (lenient) decoding would drop, so the
/// lenient reading of the same page is the same list (Tests/LassoCoreTests/EventsFastReaderTests.swift checks that
/// differentially, on thousands of mutated pages).
struct EventsFastReader {
    typealias Bail = MetricsFastReader.Bail
    var scan: MetricsFastReader
    /// The event key index that followed each one last (`eventKeys.count` stands for the object's start).
    var followingKey = [Int](repeating: -1, count: eventKeys.count + 1)
    /// The page's repeated values (methods, providers, chains, nodes …), made into a `String` once each: an event
    /// then shares them instead of allocating its own.
    var names = NameTable.Session(capacity: 64)
    /// Events read from earlier pages (the relayed copies of this page's events), when the caller keeps them.
    var copies: UnsafeMutablePointer<RelayCopies>?

    static func read(_ body: Data) -> EventsPage? {
        read(body, copies: nil)
    }

    /// Reads the page, taking from `copies` each event whose bytes equal one read before, and keeping there the
    /// events it reads.
    static func read(_ body: Data, copies: inout RelayCopies) -> EventsPage? {
        withUnsafeMutablePointer(to: &copies) { read(body, copies: $0) }
    }

    private static func read(_ body: Data, copies: UnsafeMutablePointer<RelayCopies>?) -> EventsPage? {
        body.withUnsafeBytes { raw -> EventsPage? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else { return nil }
            var reader = EventsFastReader(scan: MetricsFastReader(base: base, end: raw.count))
            reader.copies = copies
            do {
                return try reader.page()
            } catch {
                return nil
            }
        }
    }

    static let pageKeys: [StaticString] = ["node_id", "next", "events"]

    mutating func page() throws(Bail) -> EventsPage {
        try scan.expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var nodeID = ""
        var next = 0
        var events: [FeedEvent] = []
        var first = true
        while let key = try scan.nextKey(&first) {
            guard let index = scan.match(key, Self.pageKeys) else { try scan.skipValue(depth: 1); continue }
            try scan.mark(index, &seen)
            switch index {
            case 0: nodeID = try scan.string()
            // `next` is an Int64 to the decoder; the plain non-negative integers a node writes are read here.
            case 1: next = try scan.count()
            default:
                try scan.expect(UInt8(ascii: "["))
                var firstEvent = true
                while try scan.nextElement(&firstEvent) { events.append(try event()) }
            }
        }
        scan.skipWhitespace()
        // All three are required (a null or missing one is the decoder's error to name).
        guard scan.pos == scan.end, seen == 0b111 else { throw Bail() }
        return EventsPage(nodeID: nodeID, next: Int64(next), events: events)
    }

    static let eventKeys: [StaticString] = ["kind", "ts", "request_id", "profile", "source_node_id", "chain_id", "chain",
                                            "method", "strategy", "provider_id", "transport", "duration_ms", "result",
                                            "request_origin", "failover_count", "from", "to", "reason", "severity",
                                            "message", "relay_node", "node", "provider_name"]

    /// One event, as `FeedEvent.init(from:)` reads it: a relayed copy of one read before (`RelayCopies`) is that
    /// event, whose bytes it has just been compared with.
    mutating func event() throws(Bail) -> FeedEvent {
        guard let copies else { return try readEvent() }
        scan.skipWhitespace()
        let start = scan.pos
        if let known = copies.pointee.find(scan.base, at: start, end: scan.end) {
            scan.pos = start + known.bytes.count
            return known.event
        }
        let event = try readEvent()
        copies.pointee.remember(scan.base, from: start, to: scan.pos, event: event)
        return event
    }

    mutating func readEvent() throws(Bail) -> FeedEvent {
        try scan.expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var out = FeedEvent(ts: 0)
        var first = true
        var previous = Self.eventKeys.count
        while let key = try scan.nextKey(&first) {
            guard let index = scan.match(key, Self.eventKeys, guess: followingKey[previous]) else {
                try scan.skipValue(depth: 3)
                continue
            }
            followingKey[previous] = index
            previous = index
            try scan.mark(index, &seen)
            switch index {
            case 0:
                if try scan.takeNull() {
                    out.kind = .routing
                } else {
                    guard let kind = FeedEvent.Kind(rawValue: try scan.string()) else { throw Bail() }
                    out.kind = kind
                }
            case 1: out.ts = Int64(try scan.count())
            case 2: out.requestID = try scan.optionalString()
            case 3: out.profile = try sharedString()
            case 4: out.sourceNodeID = try sharedString()
            case 5:
                // The decoder tries an Int, then a String through `Int(_:)`; anything else is nil. Only a plain
                // count, null, or a plain string are taken here.
                if try scan.takeNull() {
                    out.chainID = nil
                } else if try scan.peek() == UInt8(ascii: "\"") {
                    out.chainID = Int(try scan.string())
                } else {
                    out.chainID = try scan.count()
                }
            case 6: out.chain = try sharedString()
            case 7: out.method = try sharedString()
            case 8: out.strategy = try sharedString()
            case 9: out.providerID = try sharedString()
            case 10: out.transport = try sharedString()
            case 11: out.durationMs = try scan.optionalCount()
            case 12: out.result = try sharedString()
            case 13: out.requestOrigin = try sharedString()
            case 14: out.failoverCount = try scan.optionalCount() ?? 0
            case 15: out.from = try sharedString()
            case 16: out.to = try sharedString()
            case 17: out.reason = try scan.optionalString()
            case 18:
                if try scan.takeNull() {
                    out.severity = nil
                } else {
                    guard let severity = FeedEvent.Severity(rawValue: try scan.string()) else { throw Bail() }
                    out.severity = severity
                }
            case 19: out.message = try scan.optionalString()
            case 20: out.relayNode = try sharedString()
            case 21: out.node = try sharedString()
            default: out.providerName = try sharedString()
            }
        }
        // `ts` is required, and each kind's own fields: without them the decoder fails (or the lenient page drops it).
        guard seen & 0b10 != 0 else { throw Bail() }
        switch out.kind {
        case .routing: guard out.method != nil, out.providerID != nil else { throw Bail() }
        case .circuit: guard out.providerID != nil, out.to != nil else { throw Bail() }
        case .cluster: guard out.message != nil else { throw Bail() }
        }
        return out
    }

    /// `scan.optionalString()`, taking a value seen before on this page from `names`.
    mutating func sharedString() throws(Bail) -> String? {
        if try scan.takeNull() { return nil }
        let span = try scan.plainString()
        return names.name(UnsafeBufferPointer(start: scan.base + span.start, count: span.count))
    }
}
