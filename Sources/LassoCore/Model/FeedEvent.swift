import Foundation

/// One entry of the activity feed. `routing` and `circuit` come from nodes (events endpoint v1, docs/events-protocol.md)
/// or a JSON-lines source; `cluster` entries are derived by lassotop itself (node down, coverage change, alerts …).
///
/// The fields live in one shared box, copied on write: an event sits in the feed buffer, the named list, every
/// snapshot and the TUI's rows at once, and a thousand of them are handed on every second. Copying one is then a
/// single retain instead of one per string field (docs/performance.md, "Idle"). The two names `FeedNaming` sets
/// (`node`, `providerName`) live in a small box of their own beside it: naming an event then shares the box the feed
/// buffer holds instead of copying it, and an event stays two words (docs/performance.md, "Time travel thinned, feed
/// names beside the box": what it saves and what it costs).
public struct FeedEvent: Codable, Equatable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case routing, circuit, cluster }
    public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
        case info, warning, critical
        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// The kind of entry.
    public var kind: Kind {
        get { storage.kind }
        set { unique().kind = newValue }
    }
    /// Wall-clock milliseconds at the origin.
    public var ts: Int64 {
        get { storage.ts }
        set { unique().ts = newValue }
    }
    public var requestID: String? {
        get { storage.requestID }
        set { unique().requestID = newValue }
    }
    public var profile: String? {
        get { storage.profile }
        set { unique().profile = newValue }
    }
    public var sourceNodeID: String? {
        get { storage.sourceNodeID }
        set { unique().sourceNodeID = newValue }
    }
    public var chainID: Int? {
        get { storage.chainID }
        set { unique().chainID = newValue }
    }
    public var chain: String? {
        get { storage.chain }
        set { unique().chain = newValue }
    }
    public var method: String? {
        get { storage.method }
        set { unique().method = newValue }
    }
    public var strategy: String? {
        get { storage.strategy }
        set { unique().strategy = newValue }
    }
    public var providerID: String? {
        get { storage.providerID }
        set { unique().providerID = newValue }
    }
    public var transport: String? {
        get { storage.transport }
        set { unique().transport = newValue }
    }
    public var durationMs: Int? {
        get { storage.durationMs }
        set { unique().durationMs = newValue }
    }
    /// "success" or "error" for routing events.
    public var result: String? {
        get { storage.result }
        set { unique().result = newValue }
    }
    public var requestOrigin: String? {
        get { storage.requestOrigin }
        set { unique().requestOrigin = newValue }
    }
    public var failoverCount: Int {
        get { storage.failoverCount }
        set { unique().failoverCount = newValue }
    }
    /// circuit events
    public var from: String? {
        get { storage.from }
        set { unique().from = newValue }
    }
    public var to: String? {
        get { storage.to }
        set { unique().to = newValue }
    }
    public var reason: String? {
        get { storage.reason }
        set { unique().reason = newValue }
    }
    /// cluster events
    public var severity: Severity? {
        get { storage.severity }
        set { unique().severity = newValue }
    }
    public var message: String? {
        get { storage.message }
        set { unique().message = newValue }
    }
    /// The node lassotop fetched this copy from (display only; never part of the identity).
    public var relayNode: String? {
        get { storage.relayNode }
        set { unique().relayNode = newValue }
    }
    /// The configured name of the node the event belongs to (`FeedNaming`), set when a snapshot is frozen; the node's own id stays in `sourceNodeID`. Display only; never part of the identity.
    public var node: String? {
        get { names?.node }
        set { setNames(node: newValue, providerName: providerName) }
    }
    /// The provider's display name, as the providers table shows it (`FeedNaming`). Display only.
    public var providerName: String? {
        get { names?.providerName }
        set { setNames(node: node, providerName: newValue) }
    }

    /// Sets both names at once (one small box, none when both are nil).
    public mutating func setNames(node: String?, providerName: String?) {
        names = node == nil && providerName == nil ? nil : Names(node: node, providerName: providerName)
    }

    public init(kind: Kind = .routing, ts: Int64, requestID: String? = nil, profile: String? = nil, sourceNodeID: String? = nil,
                chainID: Int? = nil, chain: String? = nil, method: String? = nil, strategy: String? = nil,
                providerID: String? = nil, transport: String? = nil, durationMs: Int? = nil, result: String? = nil,
                requestOrigin: String? = nil, failoverCount: Int = 0, from: String? = nil, to: String? = nil,
                reason: String? = nil, severity: Severity? = nil, message: String? = nil, relayNode: String? = nil) {
        let box = Storage(kind: kind, ts: ts)
        box.requestID = requestID
        box.profile = profile
        box.sourceNodeID = sourceNodeID
        box.chainID = chainID
        box.chain = chain
        box.method = method
        box.strategy = strategy
        box.providerID = providerID
        box.transport = transport
        box.durationMs = durationMs
        box.result = result
        box.requestOrigin = requestOrigin
        box.failoverCount = failoverCount
        box.from = from
        box.to = to
        box.reason = reason
        box.severity = severity
        box.message = message
        box.relayNode = relayNode
        storage = box
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

    private var storage: Storage
    /// Never written after it is made, so events share it freely.
    private var names: Names?

    private final class Names: Sendable {
        let node: String?
        let providerName: String?
        init(node: String?, providerName: String?) {
            self.node = node
            self.providerName = providerName
        }
    }

    /// Both read their fields (all but the two names) from one box: what naming an event must keep (tests).
    func sharesBox(with other: FeedEvent) -> Bool { storage === other.storage }

    /// The box itself, made unique first: a change to a copy never shows in the original.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// Mutated only through `unique()`, so a box another event shares is never written.
    private final class Storage: @unchecked Sendable {
        var kind: Kind
        var ts: Int64
        var requestID: String?
        var profile: String?
        var sourceNodeID: String?
        var chainID: Int?
        var chain: String?
        var method: String?
        var strategy: String?
        var providerID: String?
        var transport: String?
        var durationMs: Int?
        var result: String?
        var requestOrigin: String?
        var failoverCount: Int
        var from: String?
        var to: String?
        var reason: String?
        var severity: Severity?
        var message: String?
        var relayNode: String?

        init(kind: Kind, ts: Int64) {
            self.kind = kind
            self.ts = ts
            failoverCount = 0
        }

        func copy() -> Storage {
            let copy = Storage(kind: kind, ts: ts)
            copy.requestID = requestID; copy.profile = profile; copy.sourceNodeID = sourceNodeID; copy.chainID = chainID
            copy.chain = chain; copy.method = method; copy.strategy = strategy; copy.providerID = providerID
            copy.transport = transport; copy.durationMs = durationMs; copy.result = result; copy.requestOrigin = requestOrigin
            copy.failoverCount = failoverCount; copy.from = from; copy.to = to; copy.reason = reason
            copy.severity = severity; copy.message = message; copy.relayNode = relayNode
            return copy
        }
    }

    public static func == (a: FeedEvent, b: FeedEvent) -> Bool {
        if a.names !== b.names, a.node != b.node || a.providerName != b.providerName { return false }
        if a.storage === b.storage { return true }
        let a = a.storage, b = b.storage
        return a.kind == b.kind &&
            a.ts == b.ts &&
            a.requestID == b.requestID &&
            a.profile == b.profile &&
            a.sourceNodeID == b.sourceNodeID &&
            a.chainID == b.chainID &&
            a.chain == b.chain &&
            a.method == b.method &&
            a.strategy == b.strategy &&
            a.providerID == b.providerID &&
            a.transport == b.transport &&
            a.durationMs == b.durationMs &&
            a.result == b.result &&
            a.requestOrigin == b.requestOrigin &&
            a.failoverCount == b.failoverCount &&
            a.from == b.from &&
            a.to == b.to &&
            a.reason == b.reason &&
            a.severity == b.severity &&
            a.message == b.message &&
            a.relayNode == b.relayNode
    }

    public func hash(into hasher: inout Hasher) {
        let s = storage
        hasher.combine(s.kind)
        hasher.combine(s.ts)
        hasher.combine(s.requestID)
        hasher.combine(s.profile)
        hasher.combine(s.sourceNodeID)
        hasher.combine(s.chainID)
        hasher.combine(s.chain)
        hasher.combine(s.method)
        hasher.combine(s.strategy)
        hasher.combine(s.providerID)
        hasher.combine(s.transport)
        hasher.combine(s.durationMs)
        hasher.combine(s.result)
        hasher.combine(s.requestOrigin)
        hasher.combine(s.failoverCount)
        hasher.combine(s.from)
        hasher.combine(s.to)
        hasher.combine(s.reason)
        hasher.combine(s.severity)
        hasher.combine(s.message)
        hasher.combine(s.relayNode)
        hasher.combine(node)
        hasher.combine(providerName)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(ts, forKey: .ts)
        try c.encodeIfPresent(profile, forKey: .profile)
        try c.encodeIfPresent(chain, forKey: .chain)
        try c.encodeIfPresent(method, forKey: .method)
        try c.encodeIfPresent(strategy, forKey: .strategy)
        try c.encodeIfPresent(transport, forKey: .transport)
        try c.encodeIfPresent(result, forKey: .result)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(to, forKey: .to)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(severity, forKey: .severity)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(requestID, forKey: .requestID)
        try c.encodeIfPresent(sourceNodeID, forKey: .sourceNodeID)
        try c.encodeIfPresent(chainID, forKey: .chainID)
        try c.encodeIfPresent(providerID, forKey: .providerID)
        try c.encodeIfPresent(durationMs, forKey: .durationMs)
        try c.encodeIfPresent(requestOrigin, forKey: .requestOrigin)
        try c.encode(failoverCount, forKey: .failoverCount)
        try c.encodeIfPresent(relayNode, forKey: .relayNode)
        try c.encodeIfPresent(node, forKey: .node)
        try c.encodeIfPresent(providerName, forKey: .providerName)
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
        storage = Storage(kind: kind, ts: Int64(try c.decodeCount(.ts)))
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

extension FeedEvent: CustomReflectable {
    /// The fields, not the box: printing and field-by-field checks see an event as before.
    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind,
                                "ts": ts,
                                "requestID": requestID,
                                "profile": profile,
                                "sourceNodeID": sourceNodeID,
                                "chainID": chainID,
                                "chain": chain,
                                "method": method,
                                "strategy": strategy,
                                "providerID": providerID,
                                "transport": transport,
                                "durationMs": durationMs,
                                "result": result,
                                "requestOrigin": requestOrigin,
                                "failoverCount": failoverCount,
                                "from": from,
                                "to": to,
                                "reason": reason,
                                "severity": severity,
                                "message": message,
                                "relayNode": relayNode,
                                "node": node,
                                "providerName": providerName], displayStyle: .struct)
    }
}

extension FeedEvent {
    /// Cuts every string field to `limit` characters (a `…` marks the cut). Returns whether anything was cut.
    /// Fields come from nodes and files and may be megabytes long; the feed keeps a thousand events.
    mutating func capStrings(to limit: Int) -> Bool {
        // Read first: writing a field of an event whose box is shared (the page it came in) copies the box.
        func long(_ value: String?) -> Bool { (value?.utf8.count ?? 0) > limit }
        guard long(requestID) || long(profile) || long(sourceNodeID) || long(chain) || long(method) || long(strategy)
                || long(providerID) || long(transport) || long(result) || long(requestOrigin) || long(from) || long(to)
                || long(reason) || long(message) || long(relayNode) else { return false }
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

    /// `fastDecode`, reading each relayed copy of an event in `copies` only once (RelayCopies.swift): the same
    /// result as without them.
    package static func fastDecode(_ body: Data, copies: inout RelayCopies) -> EventsPage? {
        EventsFastReader.read(body, copies: &copies)
    }

    /// `JSONDecoder` with `FeedEvent.init(from:)`; the reference the fast reader is tested against.
    package static func foundationDecode(_ body: Data) throws(LassoDecodeError) -> EventsPage {
        try LassoJSON.decode(EventsPage.self, from: body, endpoint: "/api/events")
    }
}
