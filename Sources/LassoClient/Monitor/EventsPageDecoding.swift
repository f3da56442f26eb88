import Foundation
import LassoCore

/// An events page where one bad event does not sink the page: each entry decodes on its own and failures are
/// counted as malformed.
struct LenientEventsPage: Decodable {
    struct Entry: Decodable {
        let event: FeedEvent?
        init(from decoder: any Decoder) throws {
            event = try? FeedEvent(from: decoder)
        }
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

    static func decode(_ body: Data) throws(LassoDecodeError) -> LenientEventsPage {
        try LassoJSON.decode(LenientEventsPage.self, from: body, endpoint: "/api/events")
    }
}
