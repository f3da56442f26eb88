import CZlib
import Foundation
import LassoCore

/// Live time travel's packing (`SnapshotPacking`): the snapshot as the recording stores it (`RecordedSnapshot`,
/// lossless: the record tests compare snapshots for equality) in JSON, deflated whole. A 3-node demo snapshot with
/// its 150 kept events is ~160 KB as Swift values and a few KB packed (docs/performance.md, "A dashboard left
/// running"). JSON and not the recording's binary tree: one encoder call, no tree to build.
public struct CompressedSnapshots: SnapshotPacking {
    /// zlib's fastest level: packing runs on the UI thread every 20 s, and level 6 saves little on this text.
    public var level: Int32 = 1

    public init() {}

    public func pack(_ snapshot: ClusterSnapshot) -> [UInt8]? {
        guard let json = try? SnapshotCodec().encoder.encode(RecordedSnapshot(snapshot)) else { return nil }
        var bound = compressBound(uLong(json.count))
        var out = [UInt8](repeating: 0, count: Int(bound) + 4)
        let status = out.withUnsafeMutableBufferPointer { outBuffer in
            json.withUnsafeBytes { inBuffer in
                compress2(outBuffer.baseAddress! + 4, &bound, inBuffer.bindMemory(to: UInt8.self).baseAddress,
                          uLong(json.count), level)
            }
        }
        guard status == Z_OK else { return nil }
        // The inflated length first (u32 LE): `unpack` sizes its buffer with it.
        for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: json.count >> (8 * i)) }
        out.removeSubrange((Int(bound) + 4)...)
        return out
    }

    public func unpack(_ bytes: [UInt8]) -> ClusterSnapshot? {
        guard bytes.count > 4 else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        guard length > 0, length <= RecordFormat.maxInflatedChunk else { return nil }
        var json = [UInt8](repeating: 0, count: length)
        var produced = uLong(length)
        let status = json.withUnsafeMutableBufferPointer { outBuffer in
            bytes.withUnsafeBufferPointer { inBuffer in
                uncompress(outBuffer.baseAddress, &produced, inBuffer.baseAddress! + 4, uLong(inBuffer.count - 4))
            }
        }
        guard status == Z_OK, Int(produced) == length else { return nil }
        return try? SnapshotCodec().decoder.decode(RecordedSnapshot.self, from: Data(json)).snapshot
    }
}
