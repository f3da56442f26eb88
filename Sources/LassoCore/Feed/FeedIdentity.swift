/// What makes two feed events "the same event" (docs/feed.md, "Identity").
///
/// - routing: (`request_id`, `method`, `provider_id`, `ts`). The node that relayed the copy and its `source_node*`
///   fields are never part of it: Lasso broadcasts every decision to every node, so the same decision reaches
///   lassotop once per node. Batch items share a `request_id` but differ in `method`, so they stay distinct.
///   A routing event without `request_id` (or with an empty one) has no identity and is never merged.
/// - circuit and cluster: every origin field (the whole event except `relay_node`), so each node's own breaker
///   transition and each distinct derived message stays a separate entry.
///
/// Collision choice: the key holds `ts` exactly plus two independent 64-bit hashes of the other fields: `digest`,
/// a per-process-keyed SipHash (`Hasher`), and `check`, a fast multiply-xorshift hash. Two different events merge only
/// if both hashes collide: about n²/2¹²⁹ for n = 50,000 remembered identities (≈ 10⁻²⁹), and not forgeable by
/// crafted input because the SipHash key is secret. In exchange the key holds no strings, so remembering and
/// forgetting an identity does no reference counting and no allocation; that is what keeps ingest above 3 M/s.
struct FeedIdentity: Hashable, Sendable {
    let digest: Int
    let check: UInt64
    let ts: Int64

    func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    /// `digest` already is a keyed SipHash value, so the set may use it as is instead of hashing it a second
    /// time (a fresh `Hasher` per set operation was the largest single cost of ingest).
    func _rawHashValue(seed: Int) -> Int {
        digest ^ seed
    }
}

extension FeedIdentity {
    /// nil when the event has no identity (a routing event without `request_id`): such an event is always unique.
    /// `borrowing`: initializer arguments are otherwise passed owned, which copied (retained) the whole event.
    init?(_ event: borrowing FeedEvent) {
        var fields = IdentityHasher()
        switch event.kind {
        case .routing:
            guard let requestID = event.requestID, !requestID.isEmpty else { return nil }
            fields.add(0)
            fields.add(requestID)
            fields.add(event.method)
            fields.add(event.providerID)
        case .circuit, .cluster:
            fields.add(event.kind == .circuit ? 1 : 2)
            fields.add(event.requestID)
            fields.add(event.profile)
            fields.add(event.sourceNodeID)
            fields.add(event.chainID.map(Int64.init))
            fields.add(event.chain)
            fields.add(event.method)
            fields.add(event.strategy)
            fields.add(event.providerID)
            fields.add(event.transport)
            fields.add(event.durationMs.map(Int64.init))
            fields.add(event.result)
            fields.add(event.requestOrigin)
            fields.add(Int64(event.failoverCount))
            fields.add(event.from)
            fields.add(event.to)
            fields.add(event.reason)
            fields.add(event.severity?.rawValue)
            fields.add(event.message)
        }
        digest = fields.digest
        check = fields.check
        ts = event.ts
    }
}

/// Two independent 64-bit lanes over the same field sequence, each keyed with a per-process secret (taken from
/// `Hasher`'s random seed), mixed with full 64×64→128-bit multiplies. Strings go in as length-prefixed UTF-8 bytes
/// (`String`'s own hashing normalizes Unicode first, which is slower); canonically-equal strings with different
/// bytes then count as different, which can only under-merge.
struct IdentityHasher {
    static let secrets: (UInt64, UInt64) = {
        var first = Hasher()
        first.combine(0x6C61_7373_6F74_6F70 as UInt64)
        var second = Hasher()
        second.combine(0x6665_6564_6964_656E as UInt64)
        return (UInt64(bitPattern: Int64(first.finalize())) | 1, UInt64(bitPattern: Int64(second.finalize())) | 1)
    }()

    private var first: UInt64
    private var second: UInt64
    private let keys: (UInt64, UInt64)

    init() {
        keys = IdentityHasher.secrets
        first = keys.0
        second = keys.1
    }

    var digest: Int { Int(bitPattern: UInt(IdentityHasher.fold(first ^ 0xA076_1D64_78BD_642F, keys.1))) }
    var check: UInt64 { IdentityHasher.fold(second ^ 0xE703_7ED1_A0B4_28DB, keys.0) }

    @inline(__always)
    mutating func add(_ value: Int64) {
        mixIn(UInt64(bitPattern: value))
    }

    @inline(__always)
    mutating func add(_ value: Int64?) {
        guard let value else { return mixIn(0xFF51_AFD7_ED55_8CCD) }
        mixIn(0x1)
        mixIn(UInt64(bitPattern: value))
    }

    @inline(__always)
    mutating func add(_ text: String?) {
        guard let text else { return mixIn(0xC4CE_B9FE_1A85_EC53) }
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { add(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(text.utf8).withUnsafeBytes { add(bytes: $0) } }
    }

    @inline(__always)
    private mutating func add(bytes: UnsafeRawBufferPointer) {
        mixIn(UInt64(bytes.count) | 0x8000_0000_0000_0000)
        var offset = 0
        while offset + 8 <= bytes.count {
            mixIn(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            mixIn(tail)
        }
    }

    @inline(__always)
    private mutating func mixIn(_ word: UInt64) {
        first = IdentityHasher.fold(first ^ word, 0x9E37_79B9_7F4A_7C15 ^ keys.1)
        second = IdentityHasher.fold(second ^ word, 0xD6E8_FEB8_6659_FD93 ^ keys.0)
    }

    /// High and low halves of the 128-bit product, xored: every input bit reaches every output bit.
    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}
