import CLzma

/// One block of a version-2 recording is a raw LZMA2 stream (system liblzma). `compress(flush: true)` ends with
/// LZMA_SYNC_FLUSH: everything given so far decodes from the bytes returned so far (what keeps a killed recorder's
/// file readable), and unlike a deflate sync flush the 1 MiB dictionary carries on, so a delta can refer back to the
/// block's keyframe.
enum LzmaSettings {
    static let preset: UInt32 = 6
    /// A block (six minutes of a 10-node cluster) is about 1.4 MB before compression; a larger dictionary gains
    /// nothing measurable and costs encoder memory (about 11 × the dictionary).
    static let dictionarySize: UInt32 = 1 << 20
}

final class LzmaEncoder: BlockCompressor {
    private let stream: UnsafeMutablePointer<lzma_stream>
    /// Output scratch kept between calls (not a fresh zero-filled 64 KiB for every record appended).
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init() throws(ZlibError) {
        guard let stream = clzma_stream_new() else { throw ZlibError(reason: "out of memory") }
        self.stream = stream
        guard clzma_raw_init(stream, 1, LzmaSettings.preset, LzmaSettings.dictionarySize) == LZMA_OK else {
            clzma_stream_free(stream)
            throw ZlibError(reason: "lzma encoder init failed")
        }
    }

    deinit { clzma_stream_free(stream) }

    func reset() throws(ZlibError) {
        // Re-initialising an existing stream reuses its memory and forgets the dictionary.
        guard clzma_raw_init(stream, 1, LzmaSettings.preset, LzmaSettings.dictionarySize) == LZMA_OK else {
            throw ZlibError(reason: "lzma encoder init failed")
        }
    }

    func compress(_ input: [UInt8], flush: Bool, into out: inout [UInt8]) throws(ZlibError) {
        let action = flush ? LZMA_SYNC_FLUSH : LZMA_RUN
        var failure: ZlibError?
        input.withUnsafeBufferPointer { inBuffer in
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = inBuffer.count
            while true {
                var status = LZMA_OK
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.pointee.next_out = outBuffer.baseAddress
                    stream.pointee.avail_out = outBuffer.count
                    status = lzma_code(stream, action)
                    return outBuffer.count - stream.pointee.avail_out
                }
                out.append(contentsOf: chunk[0..<produced])
                if flush {
                    if status == LZMA_STREAM_END { break }   // the sync flush is complete
                    if status != LZMA_OK {
                        failure = ZlibError(reason: "lzma encoder error \(status.rawValue)")
                        break
                    }
                } else {
                    if status != LZMA_OK {
                        failure = ZlibError(reason: "lzma encoder error \(status.rawValue)")
                        break
                    }
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { break }
                }
            }
            stream.pointee.next_in = nil
        }
        if let failure { throw failure }
    }
}

/// Decodes one block's chunks in order. Output is capped so a hostile file cannot make it allocate without bound;
/// the dictionary size is this reader's, not the file's, so memory is bounded too.
final class LzmaDecoder: BlockDecompressor {
    private let stream: UnsafeMutablePointer<lzma_stream>
    /// Output scratch kept between the chunks of a block (not a fresh zero-filled 256 KiB for every chunk).
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)

    init() throws(ZlibError) {
        guard let stream = clzma_stream_new() else { throw ZlibError(reason: "out of memory") }
        self.stream = stream
        guard clzma_raw_init(stream, 0, LzmaSettings.preset, LzmaSettings.dictionarySize) == LZMA_OK else {
            clzma_stream_free(stream)
            throw ZlibError(reason: "lzma decoder init failed")
        }
    }

    deinit { clzma_stream_free(stream) }

    func decompress(_ input: [UInt8], maxOutput: Int) throws(ZlibError) -> [UInt8] {
        var out: [UInt8] = []
        var failure: ZlibError?
        input.withUnsafeBufferPointer { inBuffer in
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = inBuffer.count
            while true {
                var status = LZMA_OK
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.pointee.next_out = outBuffer.baseAddress
                    stream.pointee.avail_out = outBuffer.count
                    status = lzma_code(stream, LZMA_RUN)
                    return outBuffer.count - stream.pointee.avail_out
                }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > maxOutput {
                    failure = ZlibError(reason: "a chunk decompresses to more than \(maxOutput) bytes")
                    break
                }
                if status == LZMA_STREAM_END {
                    if stream.pointee.avail_in != 0 { failure = ZlibError(reason: "data after the end of a compressed block") }
                    break
                }
                if status == LZMA_BUF_ERROR { break }   // no progress possible: input used up
                if status != LZMA_OK {
                    failure = ZlibError(reason: "corrupt compressed data (lzma \(status.rawValue))")
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
