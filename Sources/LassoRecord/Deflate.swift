import CZlib

public struct ZlibError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// What a writer compresses one block with (a fresh stream per block; `flush` makes everything so far decodable).
protocol BlockCompressor: AnyObject {
    func reset() throws(ZlibError)
    func compress(_ input: [UInt8], flush: Bool, into out: inout [UInt8]) throws(ZlibError)
}

/// What a reader decompresses one block's chunks with, in order.
protocol BlockDecompressor: AnyObject {
    func decompress(_ input: [UInt8], maxOutput: Int) throws(ZlibError) -> [UInt8]
}

/// A raw deflate stream (zlib): recording format version 1. `compress(flush: true)` ends with a sync flush: everything given so far can be
/// inflated from the bytes returned so far, which is what makes a killed recorder's file readable.
final class Deflater: BlockCompressor {
    private let stream: UnsafeMutablePointer<z_stream>

    init(level: Int32 = 6) throws(ZlibError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_deflate_init(stream, level) == Z_OK else {
            stream.deallocate()
            throw ZlibError(reason: "deflateInit failed")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Starts a new, independent stream (a new block): no back-references into earlier blocks.
    func reset() { deflateReset(stream) }

    func compress(_ input: [UInt8], flush: Bool, into out: inout [UInt8]) {
        var input = input
        let mode = flush ? Z_SYNC_FLUSH : Z_NO_FLUSH
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inBuffer.count)
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.pointee.next_out = outBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(outBuffer.count)
                    _ = deflate(stream, mode)
                    return outBuffer.count - Int(stream.pointee.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
                // Done when zlib left output space unused: all input consumed and (for a flush) flushed.
                if stream.pointee.avail_out != 0 { break }
            } while true
            stream.pointee.next_in = nil
        }
    }
}

/// Inflates one block's chunks in order. Output is capped so a hostile file cannot make it allocate without bound.
final class Inflater: BlockDecompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var ended = false

    init() throws(ZlibError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_inflate_init(stream) == Z_OK else {
            stream.deallocate()
            throw ZlibError(reason: "inflateInit failed")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func decompress(_ input: [UInt8], maxOutput: Int) throws(ZlibError) -> [UInt8] {
        guard !ended else { throw ZlibError(reason: "data after the end of a compressed block") }
        var input = input
        var out: [UInt8] = []
        var failure: ZlibError?
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inBuffer.count)
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                var status: Int32 = Z_OK
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.pointee.next_out = outBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(outBuffer.count)
                    status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                    return outBuffer.count - Int(stream.pointee.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > maxOutput {
                    failure = ZlibError(reason: "a chunk inflates to more than \(maxOutput) bytes")
                    break
                }
                if status == Z_STREAM_END {
                    ended = true
                    break
                }
                if status == Z_BUF_ERROR { break }   // no progress possible: input used up
                if status != Z_OK {
                    failure = ZlibError(reason: "corrupt compressed data (zlib \(status))")
                    break
                }
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { break }
            }
            stream.pointee.next_in = nil
        }
        if let failure { throw failure }
        return out
    }
}

enum Checksum {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
    }
}
