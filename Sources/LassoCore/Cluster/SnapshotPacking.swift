/// How a holder of many snapshots (live time travel, `SnapshotHistory`) keeps each one small: packed when kept,
/// unpacked when shown. Defined here, pure, so the TUI can take one without importing the recording code that
/// implements it (`CompressedSnapshots` in LassoRecord).
public protocol SnapshotPacking: Sendable {
    /// The snapshot as bytes, or nil when it cannot be packed (the holder then keeps it as it is).
    func pack(_ snapshot: ClusterSnapshot) -> [UInt8]?
    /// The snapshot `pack` was given, equal to it, or nil for bytes it did not write.
    func unpack(_ bytes: [UInt8]) -> ClusterSnapshot?
}
