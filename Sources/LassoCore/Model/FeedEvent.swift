import Foundation

/// One entry of the activity feed. `routing` and `circuit` come from nodes (events endpoint v1, docs/events-protocol.md)
/// or a JSON-lines source; `cluster` entries are derived by lassotop itself (node down, coverage change, alerts …).
public struct FeedEvent: Codable, Equatable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case routing, circuit, cluster }
    public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
        case info, warning, critical
        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var kind: Kind
    /// Wall-clock milliseconds at the origin.
    public var ts: Int64
    public var requestID: String?
    public var profile: String?
    public var sourceNodeID: String?
    public var chainID: Int?
    public var chain: String?
    public var method: String?
    public var strategy: String?
    public var providerID: String?
    public var transport: String?
    public var durationMs: Int?
    /// "success" or "error" for routing events.
    public var result: String?
    public var requestOrigin: String?
    public var failoverCount: Int
    // circuit events
    public var from: String?
    public var to: String?
    public var reason: String?
    // cluster events
    public var severity: Severity?
    public var message: String?
    /// The node lassotop fetched this copy from (display only; never part of the identity).
    public var relayNode: String?
    /// The configured name of the node the event belongs to (`FeedNaming`), set when a snapshot is frozen; the
    /// node's own id stays in `sourceNodeID`. Display only; never part of the identity.
    public var node: String?
    /// The provider's display name, as the providers table shows it (`FeedNaming`). Display only.
    public var providerName: String?

    public init(kind: Kind = .routing, ts: Int64, requestID: String? = nil, profile: String? = nil, sourceNodeID: String? = nil,
                chainID: Int? = nil, chain: String? = nil, method: String? = nil, strategy: String? = nil,
                providerID: String? = nil, transport: String? = nil, durationMs: Int? = nil, result: String? = nil,
                requestOrigin: String? = nil, failoverCount: Int = 0, from: String? = nil, to: String? = nil,
                reason: String? = nil, severity: Severity? = nil, message: String? = nil, relayNode: String? = nil) {
        self.kind = kind
        self.ts = ts
        self.requestID = requestID
        self.profile = profile
        self.sourceNodeID = sourceNodeID
        self.chainID = chainID
        self.chain = chain
        self.method = method
        self.strategy = strategy
        self.providerID = providerID
        self.transport = transport
        self.durationMs = durationMs
        self.result = result
        self.requestOrigin = requestOrigin
        self.failoverCount = failoverCount
        self.from = from
        self.to = to
        self.reason = reason
        self.severity = severity
        self.message = message
        self.relayNode = relayNode
    }

    public var isError: Bool {
        switch kind {
        case .routing: return result == "error"
        case .circuit: return to == "open"
        case .cluster: return (severity ?? .info) >= .warning
        }
    }

    /// The node to show for this event: its configured name, else the id the node handling it gave, else the node
    /// lassotop fetched it from. nil when none is known; each caller picks its own placeholder.
    public var nodeLabel: String? { node ?? sourceNodeID ?? relayNode }

    /// The provider to show: its display name, else its id.
    public var providerLabel: String? { providerName ?? providerID }

    /// The chain to show for this event: its name, else its numeric id. nil when neither is known.
    public var chainLabel: String? { chain ?? chainID.map(String.init) }

    /// A cluster entry derived by lassotop.
    public static func cluster(ts: Int64, severity: Severity, message: String, node: String? = nil,
                               chain: String? = nil, providerID: String? = nil, reason: String? = nil) -> FeedEvent {
        var event = FeedEvent(kind: .cluster, ts: ts, sourceNodeID: node, chain: chain, providerID: providerID, reason: reason,
                              severity: severity, message: message)
        event.node = node
        return event
    }

    enum CodingKeys: String, CodingKey {
        case kind, ts, profile, chain, method, strategy, transport, result, from, to, reason, severity, message
        case requestID = "request_id", sourceNodeID = "source_node_id", chainID = "chain_id", providerID = "provider_id"
        case durationMs = "duration_ms", requestOrigin = "request_origin", failoverCount = "failover_count"
        case relayNode = "relay_node", node, providerName = "provider_name"
    }

    /// Required: `ts` always; routing needs `method` and `provider_id`; circuit needs `provider_id`, `from`, `to`;
    /// cluster needs `message`. Everything else is optional and extra fields are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kindText = try c.decodeIfPresent(String.self, forKey: .kind) ?? "routing"
        guard let kind = Kind(rawValue: kindText) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown kind \(kindText)")
        }
        self.kind = kind
        ts = Int64(try c.decodeCount(.ts))
        requestID = try c.decodeIfPresent(String.self, forKey: .requestID)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
        sourceNodeID = try c.decodeIfPresent(String.self, forKey: .sourceNodeID)
        if let id = try? c.decodeIfPresent(Int.self, forKey: .chainID) {
            chainID = id
        } else if let text = try? c.decodeIfPresent(String.self, forKey: .chainID) {
            chainID = Int(text)
        } else {
            chainID = nil
        }
        chain = try c.decodeIfPresent(String.self, forKey: .chain)
        method = try c.decodeIfPresent(String.self, forKey: .method)
        strategy = try c.decodeIfPresent(String.self, forKey: .strategy)
        providerID = try c.decodeIfPresent(String.self, forKey: .providerID)
        transport = try c.decodeIfPresent(String.self, forKey: .transport)
        durationMs = try c.decodeCountIfPresent(.durationMs)
        result = try c.decodeIfPresent(String.self, forKey: .result)
        requestOrigin = try c.decodeIfPresent(String.self, forKey: .requestOrigin)
        failoverCount = try c.decodeCountIfPresent(.failoverCount) ?? 0
        from = try c.decodeIfPresent(String.self, forKey: .from)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        severity = try c.decodeIfPresent(Severity.self, forKey: .severity)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        relayNode = try c.decodeIfPresent(String.self, forKey: .relayNode)
        node = try c.decodeIfPresent(String.self, forKey: .node)
        providerName = try c.decodeIfPresent(String.self, forKey: .providerName)
        switch kind {
        case .routing:
            if method == nil { throw DecodingError.keyNotFound(CodingKeys.method, .init(codingPath: c.codingPath, debugDescription: "")) }
            if providerID == nil { throw DecodingError.keyNotFound(CodingKeys.providerID, .init(codingPath: c.codingPath, debugDescription: "")) }
        case .circuit:
            if providerID == nil { throw DecodingError.keyNotFound(CodingKeys.providerID, .init(codingPath: c.codingPath, debugDescription: "")) }
            if to == nil { throw DecodingError.keyNotFound(CodingKeys.to, .init(codingPath: c.codingPath, debugDescription: "")) }
        case .cluster:
            if message == nil { throw DecodingError.keyNotFound(CodingKeys.message, .init(codingPath: c.codingPath, debugDescription: "")) }
        }
    }
}

extension FeedEvent {
    /// Cuts every string field to `limit` characters (a `…` marks the cut). Returns whether anything was cut.
    /// Fields come from nodes and files and may be megabytes long; the feed keeps a thousand events.
    mutating func capStrings(to limit: Int) -> Bool {
        var cut = false
        func cap(_ value: inout String?) {
            guard let text = value, text.utf8.count > limit, text.count > limit else { return }
            value = String(text.prefix(max(0, limit - 1))) + "…"
            cut = true
        }
        cap(&requestID); cap(&profile); cap(&sourceNodeID); cap(&chain); cap(&method); cap(&strategy)
        cap(&providerID); cap(&transport); cap(&result); cap(&requestOrigin); cap(&from); cap(&to); cap(&reason)
        cap(&message); cap(&relayNode)
        return cut
    }
}

/// `GET /api/events?since=&limit=` (events endpoint v1).
public struct EventsPage: Codable, Equatable, Sendable {
    public var nodeID: String
    public var next: Int64
    public var events: [FeedEvent]

    public init(nodeID: String, next: Int64, events: [FeedEvent]) {
        self.nodeID = nodeID
        self.next = next
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case next, events
        case nodeID = "node_id"
    }

    /// The byte-level reader when it understands the whole page (the common case), else `JSONDecoder`: the same
    /// result or the same error either way (EventsFastReader.swift).
    public static func decode(_ body: Data) throws(LassoDecodeError) -> EventsPage {
        if let fast = fastDecode(body) { return fast }
        return try foundationDecode(body)
    }

    /// The byte-level reader alone: nil when it gives the page up to `foundationDecode`. A page it answers for has no
    /// event that per-entry decoding would drop either.
    package static func fastDecode(_ body: Data) -> EventsPage? {
        EventsFastReader.read(body)
    }

    /// `JSONDecoder` with `FeedEvent.init(from:)`; the reference the fast reader is tested against.
    package static func foundationDecode(_ body: Data) throws(LassoDecodeError) -> EventsPage {
        try LassoJSON.decode(EventsPage.self, from: body, endpoint: "/api/events")
    }
}
