import Foundation
import Synchronization

/// Method names and provider ids shared between decoded `/api/metrics` bodies: every node's body names the same
/// methods and providers, and with one table all those copies are one `String`. The aggregation then finds a name
/// equal by its storage without reading its bytes, which for 500 nodes was a memory miss per method row
/// (docs/performance.md, "Aggregation").
///
/// Only a cache: a name it does not hold is made as it would be without it, so a decoded body is the same value
/// either way (`NameTableTests`). Bounded: it keeps names of 16 to 256 bytes (shorter ones live inside the `String`
/// itself, nothing to share; longer ones are no method name), and once half its slots are used it starts over empty,
/// so a node sending new names every time costs what no table would and never holds more than ~0.5 MB here.
public final class NameTable: Sendable {
    private let state: Mutex<Slots>
    static let longestName = 256

    /// `capacity` slots, a power of two of at least 2 (tests make it small to reach the bound). At most half are used,
    /// so a probe always reaches an empty slot.
    public init(capacity: Int = 4096) {
        precondition(capacity >= 2 && capacity & (capacity - 1) == 0, "capacity must be a power of two, at least 2")
        state = Mutex(Slots(capacity: capacity))
    }

    /// An open-addressed set of names (linear probing).
    struct Slots {
        var names: [String?]
        var used = 0
        init(capacity: Int) { names = [String?](repeating: nil, count: capacity) }
    }

    /// What one body's reader uses: the table as it was when the body started, and the names it added. Lookups take
    /// no lock; `end` stores the additions back (a reader that ends later wins; a name lost that way is made again).
    struct Session {
        var slots: Slots
        var added = false

        init(slots: Slots) { self.slots = slots }

        /// A session of its own, with no table behind it: the names of one events page (EventsFastReader).
        init(capacity: Int) { slots = Slots(capacity: capacity) }

        /// The shared `String` for these bytes, added when new. The bytes are printable ASCII (the readers give up on
        /// anything else), so equal bytes are an equal name.
        mutating func name(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            if bytes.count <= 15 || bytes.count > NameTable.longestName { return String(decoding: bytes, as: UTF8.self) }
            // The first and the last 8 bytes and the length: names differ there (`…_provider7`, `eth_method3@http`),
            // and a rare collision only makes the probe one slot longer.
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
            var hash = (head ^ (tail &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bytes.count)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
            let mask = slots.names.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while let known = slots.names[slot] {
                let same = known.utf8.count == bytes.count && known.utf8.withContiguousStorageIfAvailable {
                    memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                } == true
                if same { return known }
                slot = (slot + 1) & mask
            }
            let made = String(decoding: bytes, as: UTF8.self)
            if slots.used >= slots.names.count / 2 {
                slots = Slots(capacity: slots.names.count)
                slot = Int(truncatingIfNeeded: hash) & mask
            }
            slots.names[slot] = made
            slots.used += 1
            added = true
            return made
        }
    }

    func begin() -> Session {
        Session(slots: state.withLock { $0 })
    }

    func end(_ session: Session) {
        if session.added { state.withLock { $0 = session.slots } }
    }

    /// `name` as a reader using this table would return it: the shared copy. For inputs built without decoding (the
    /// bench's workload), so they hold names as the monitor's decoded bodies do.
    package func shared(_ name: String) -> String {
        var session = begin()
        let result = Array(name.utf8).withUnsafeBufferPointer { session.name($0) }
        end(session)
        return result
    }

    /// Names held now (tests).
    var count: Int { state.withLock { $0.used } }
}
