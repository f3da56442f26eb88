import Foundation
import LassoCore
import Synchronization

/// An events page where one bad event does not sink the page: each entry decodes on its own and failures are
/// counted as malformed.
struct LenientEventsPage: Decodable {
    struct Entry: Decodable {
        let event: FeedEvent?
        init(from decoder: any Decoder) throws {
            event = try? FeedEvent(from: decoder)
        }

        init(event: FeedEvent) { self.event = event }
    }

    let nodeID: String?
    let next: Int64
    let entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case next, events
        case nodeID = "node_id"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nodeID = try c.decodeIfPresent(String.self, forKey: .nodeID)
        next = try c.decode(Int64.self, forKey: .next)
        entries = try c.decodeIfPresent([Entry].self, forKey: .events) ?? []
    }

    /// A page the byte-level reader answers for has no event this reading would drop (LassoCore's
    /// EventsFastReader.swift), so its events are the entries; anything else goes through `JSONDecoder`.
    static func decode(_ body: Data) throws(LassoDecodeError) -> LenientEventsPage {
        try decode(body, read: EventsPage.fastDecode(body))
    }

    /// `decode`, reading each relayed copy of an event once (LassoCore's RelayCopies.swift): the same result.
    static func decode(_ body: Data, copies: borrowing Mutex<RelayCopies>, nowMs: Int64) throws(LassoDecodeError) -> LenientEventsPage {
        let read = copies.withLock { copies in
            copies.advance(nowMs: nowMs)
            return EventsPage.fastDecode(body, copies: &copies)
        }
        return try decode(body, read: read)
    }

    /// The byte reader's page when it read one, else `JSONDecoder`'s per-entry reading of `body`.
    private static func decode(_ body: Data, read: EventsPage?) throws(LassoDecodeError) -> LenientEventsPage {
        if let read { return LenientEventsPage(nodeID: read.nodeID, next: read.next, entries: read.events.map { Entry(event: $0) }) }
        return try LassoJSON.decode(LenientEventsPage.self, from: body, endpoint: "/api/events")
    }

    init(nodeID: String?, next: Int64, entries: [Entry]) {
        self.nodeID = nodeID
        self.next = next
        self.entries = entries
    }
}
