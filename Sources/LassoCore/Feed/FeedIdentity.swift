/// What makes two feed events "the same event" (docs/feed.md, "Identity").
///
/// - routing: (`request_id`, `method`, `provider_id`, `ts`). The node that relayed the copy and its `source_node*`
///   fields are never part of it: Lasso broadcasts every decision to every node, so the same decision reaches
///   lassotop once per node. Batch items share a `request_id` but differ in `method`, so they stay distinct.
///   A routing event without `request_id` (or with an empty one) has no identity and is never merged.
/// - circuit and cluster: every origin field (the whole event except `relay_node`), so each node's own breaker
///   transition and each distinct derived message stays a separate entry.
///
/// Collision choice: `digest` is a per-process seeded `Hasher` value over the identity fields. It speeds up set
/// lookups and rejects almost every non-equal pair with one integer compare, but equality still compares the
/// fields themselves, so two different events whose digests collide are never merged. Keeping the fields costs no
/// allocation: the strings are the event's own (reference-counted) storage.
struct FeedIdentity: Hashable, Sendable {
    /// Boxed so that the identity of the (rare) non-routing events does not make every key as large as an event.
    final class Origin: Sendable {
        let event: FeedEvent
        init(_ event: FeedEvent) { self.event = event }
    }

    let digest: Int
    let ts: Int64
    let requestID: String?
    let method: String?
    let providerID: String?
    let origin: Origin?
}

extension FeedIdentity {
    /// nil when the event has no identity (a routing event without `request_id`): such an event is always unique.
    init?(_ event: FeedEvent) {
        switch event.kind {
        case .routing:
            guard let requestID = event.requestID, !requestID.isEmpty else { return nil }
            var hasher = Hasher()
            hasher.combine(event.ts)
            FeedIdentity.combine(requestID, into: &hasher)
            FeedIdentity.combine(event.method, into: &hasher)
            FeedIdentity.combine(event.providerID, into: &hasher)
            digest = hasher.finalize()
            ts = event.ts
            self.requestID = requestID
            method = event.method
            providerID = event.providerID
            origin = nil
        case .circuit, .cluster:
            var stripped = event
            stripped.relayNode = nil
            var hasher = Hasher()
            hasher.combine(stripped)
            digest = hasher.finalize()
            ts = event.ts
            requestID = nil
            method = nil
            providerID = nil
            origin = Origin(stripped)
        }
    }

    /// Hashes the UTF-8 bytes directly: `String`'s own hashing normalizes Unicode first, which is measurably slower
    /// on this hot path. Canonically-equal strings with different bytes then get different digests and are treated
    /// as different identities, which can only under-merge, never merge distinct events.
    @inline(__always)
    private static func combine(_ text: String?, into hasher: inout Hasher) {
        guard var text else {
            hasher.combine(0 as UInt8)
            return
        }
        hasher.combine(1 as UInt8)
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    static func == (a: FeedIdentity, b: FeedIdentity) -> Bool {
        guard a.digest == b.digest, a.ts == b.ts else { return false }
        switch (a.origin, b.origin) {
        case (nil, nil):
            return a.requestID == b.requestID && a.method == b.method && a.providerID == b.providerID
        case let (x?, y?):
            return x === y || x.event == y.event
        default:
            return false
        }
    }
}
