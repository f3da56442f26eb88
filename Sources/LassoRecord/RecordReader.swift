import Foundation
import LassoCore

/// Reads a recording (format in RecordFormat.swift). Opening walks the frame headers only (no decompression) to
/// build the seek index; a seek then inflates one block, from its keyframe to the moment asked for.
///
/// Recordings are untrusted: every length, offset, checksum, delta and decoded value is checked, and any problem is a
/// `RecordError` — never a trap. Safe to use from one task at a time.
public final class RecordReader: @unchecked Sendable {
    struct Frame {
        var tag: RecordFormat.Tag
        /// Offset of the frame header in the file.
        var offset: Int
        var length: Int
        var crc: UInt32
        var firstMs: Int64
        var lastMs: Int64
        var payloadOffset: Int { offset + RecordFormat.frameHeaderSize }
    }

    public let path: String
    public let header: RecordHeader
    /// Set when the frame walk stopped before the end of the file (cut short or damaged): moments before it replay.
    public let tailProblem: RecordError?
    public let fileSize: Int
    /// The file's format version (RecordFormat.readableVersions).
    public let version: UInt8
    let frames: [Frame]
    /// Index in `frames` of each block's first (`K`) chunk.
    let blocks: [Int]
    private let fd: Int32
    private let codec = SnapshotCodec()

    deinit { Glibc.close(fd) }

    /// Time of the first record, nil when none was written yet.
    public var firstMs: Int64? { blocks.first.map { frames[$0].firstMs } }
    /// Time of the last record whose frame arrived whole.
    public var lastMs: Int64? { blocks.isEmpty ? nil : frames[blocks[0]...].map(\.lastMs).max() }
    public var blockCount: Int { blocks.count }
    /// Time of each block's keyframe, oldest first (a seek just before the next one does the most work).
    public var blockStartTimes: [Int64] { blocks.map { frames[$0].firstMs } }
    public var chunkCount: Int { frames.count - 1 }

    public static func open(path: String) throws(RecordError) -> RecordReader {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RecordError.io("cannot open \(TerminalText.sanitize(path)): \(String(cString: strerror(errno)))")
        }
        do {
            return try RecordReader(path: path, fd: fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    private init(path: String, fd: Int32) throws(RecordError) {
        self.path = path
        self.fd = fd
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw RecordError.io("cannot stat \(TerminalText.sanitize(path))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw RecordError.io("\(TerminalText.sanitize(path)) is not a regular file") }
        fileSize = Int(info.st_size)
        var walker = FrameWalker(fd: fd, size: fileSize)
        let preamble = walker.bytes(at: 0, count: RecordFormat.preamble.count).map(Array.init) ?? []
        guard preamble.count == RecordFormat.preamble.count, Array(preamble.prefix(8)) == RecordFormat.magic,
              preamble[9] == 0x0A else { throw RecordError.notARecording }
        guard RecordFormat.readableVersions.contains(preamble[8]) else { throw RecordError.unsupportedVersion(Int(preamble[8])) }
        version = preamble[8]

        var frames: [Frame] = []
        var blocks: [Int] = []
        var problem: RecordError?
        var offset = RecordFormat.preamble.count
        var readableUntil: Int64?
        frames.reserveCapacity(max(16, fileSize / 1024))
        while offset < fileSize {
            guard let head = walker.bytes(at: offset, count: RecordFormat.frameHeaderSize) else {
                problem = .damaged(offset: offset, reason: "the file ends inside a frame header (recorder stopped abruptly)",
                                   readableUntilMs: readableUntil)
                break
            }
            let tagByte = head[head.startIndex]
            let length = Int(RecordFormat.readLE(UInt32.self, head, at: 1))
            let crc = RecordFormat.readLE(UInt32.self, head, at: 5)
            let firstMs = Int64(bitPattern: RecordFormat.readLE(UInt64.self, head, at: 9))
            let lastMs = Int64(bitPattern: RecordFormat.readLE(UInt64.self, head, at: 17))
            guard let tag = RecordFormat.Tag(rawValue: tagByte) else {
                problem = .damaged(offset: offset, reason: "unknown frame tag \(tagByte)", readableUntilMs: readableUntil)
                break
            }
            guard length <= RecordFormat.maxPayload, firstMs <= lastMs else {
                problem = .damaged(offset: offset, reason: "implausible frame header", readableUntilMs: readableUntil)
                break
            }
            guard length <= fileSize - offset - RecordFormat.frameHeaderSize else {
                problem = .damaged(offset: offset, reason: "the file ends inside a frame (recorder stopped abruptly)",
                                   readableUntilMs: readableUntil)
                break
            }
            let isFirst = frames.isEmpty
            if isFirst != (tag == .header) || (tag == .chunk && blocks.isEmpty) {
                let reason = isFirst ? "the first frame is not the header" : "frame out of order"
                if isFirst { throw RecordError.badHeader(reason) }
                problem = .damaged(offset: offset, reason: reason, readableUntilMs: readableUntil)
                break
            }
            if tag == .keyChunk { blocks.append(frames.count) }
            if tag != .header { readableUntil = max(readableUntil ?? lastMs, lastMs) }
            frames.append(Frame(tag: tag, offset: offset, length: length, crc: crc, firstMs: firstMs, lastMs: lastMs))
            offset += RecordFormat.frameHeaderSize + length
        }
        guard let headerFrame = frames.first else {
            if let problem { throw problem }
            throw RecordError.badHeader("missing")
        }
        guard let payload = walker.bytes(at: headerFrame.payloadOffset, count: headerFrame.length).map(Array.init),
              Checksum.crc32(payload) == headerFrame.crc else { throw RecordError.badHeader("checksum mismatch") }
        do {
            header = try JSONDecoder().decode(RecordHeader.self, from: Data(payload))
        } catch {
            throw RecordError.badHeader(TerminalText.sanitize("\(error)"))
        }
        guard header.format == RecordFormat.formatName(version: version) else {
            throw RecordError.badHeader("format \(TerminalText.sanitize(String(header.format.prefix(40)))) is not \(RecordFormat.formatName(version: version))")
        }
        self.frames = frames
        self.blocks = blocks
        tailProblem = problem
    }

    // MARK: seeking

    /// The snapshot as it was at `ms`: the last one recorded at or before it.
    public func snapshot(at ms: Int64) throws(RecordError) -> ClusterSnapshot {
        let state = try state(at: ms)
        do {
            return try codec.snapshot(state.tree)
        } catch {
            throw RecordError.damaged(offset: state.frameOffset, reason: "a record does not decode as a snapshot",
                                      readableUntilMs: nil)
        }
    }

    /// Where the time of `snapshot(at:)` goes (the bench's note): decoding the block up to `ms`, and turning the
    /// tree into a snapshot. Seconds each.
    public func seekCost(at ms: Int64) throws -> (decode: Double, convert: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let state = try state(at: ms)
        let decoded = clock.now
        _ = try codec.snapshot(state.tree)
        let end = clock.now
        return ((decoded - start).inSeconds, (end - decoded).inSeconds)
    }

    /// Record times of the block holding `ms` (for stepping one snapshot at a time).
    public func recordTimes(near ms: Int64) throws(RecordError) -> [Int64] {
        guard let block = blockIndex(at: ms) else { return [] }
        var times: [Int64] = []
        _ = try decodeBlock(block, until: .max) { t in times.append(t) }
        return times
    }

    /// Every record time in the recording, oldest first (decodes every block: for tests and tools, not seeking).
    public func allRecordTimes() throws(RecordError) -> [Int64] {
        var times: [Int64] = []
        for block in blocks.indices { _ = try decodeBlock(block, until: .max) { t in times.append(t) } }
        return times
    }

    struct State {
        var tree: JSONTree
        var t: Int64
        var frameOffset: Int
    }

    func blockIndex(at ms: Int64) -> Int? {
        guard let first = blocks.first, frames[first].firstMs <= ms else { return nil }
        var low = 0
        var high = blocks.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if frames[blocks[mid]].firstMs <= ms { low = mid } else { high = mid - 1 }
        }
        return low
    }

    func state(at ms: Int64) throws(RecordError) -> State {
        guard let firstMs else { throw tailProblem ?? .empty }
        guard let block = blockIndex(at: ms) else {
            throw RecordError.outOfRange("\(RecordTime.format(ms)) is before the recording starts (\(RecordTime.format(firstMs)))")
        }
        guard let state = try decodeBlock(block, until: ms, onRecord: { _ in }) else { throw .empty }
        return state
    }

    /// Inflates block `block` and applies its records in order until the next one is later than `until`.
    func decodeBlock(_ block: Int, until: Int64, onRecord: (Int64) -> Void) throws(RecordError) -> State? {
        let start = blocks[block]
        let end = block + 1 < blocks.count ? blocks[block + 1] : frames.count
        let decoder = try BlockDecoder(version: version)
        var state: State?
        for index in start..<end {
            let frame = frames[index]
            if state != nil, frame.firstMs > until { break }
            for (t, fields) in try records(frame, decoder: decoder, readableUntil: state?.t) {
                if state != nil, t > until { return state }
                if let key = fields["k"] {
                    state = State(tree: key, t: t, frameOffset: frame.offset)
                } else if let delta = fields["d"], state != nil {
                    do { try TreeDelta.apply(delta, to: &state!.tree) } catch {
                        throw RecordError.damaged(offset: frame.offset, reason: error.description, readableUntilMs: state?.t)
                    }
                    state!.t = t
                    state!.frameOffset = frame.offset
                } else {
                    throw RecordError.damaged(offset: frame.offset, reason: "a block does not start with a keyframe",
                                              readableUntilMs: state?.t)
                }
                onRecord(t)
            }
        }
        return state
    }

    /// Reads, checks and decodes one chunk of a block (chunks in order, through one `BlockDecoder`); returns its
    /// records. Any problem is reported as damage at this frame.
    func records(_ frame: Frame, decoder: BlockDecoder, readableUntil: Int64?)
        throws(RecordError) -> [(t: Int64, fields: [String: JSONTree])] {
        func damaged(_ reason: String) -> RecordError {
            .damaged(offset: frame.offset, reason: reason, readableUntilMs: readableUntil)
        }
        var payload = [UInt8](repeating: 0, count: frame.length)
        let read = payload.withUnsafeMutableBytes { pread(fd, $0.baseAddress, frame.length, off_t(frame.payloadOffset)) }
        guard read == frame.length else { throw damaged("short read") }
        guard Checksum.crc32(payload) == frame.crc else { throw damaged("checksum mismatch") }
        do { return try decoder.records(payload) } catch { throw damaged(error.reason) }
    }
}

/// Decodes the chunks of one block, in order: the decompressor and (versions 2 and 3) the binary records' string
/// table and integer bases carry from chunk to chunk, (version 3) each chunk brings its own token section;
/// (version 1) a partial JSON line carries to the next chunk.
final class BlockDecoder {
    struct Failure: Error {
        var reason: String
    }

    let version: UInt8
    private let decompressor: BlockDecompressor
    private var binary: BinaryTree.Decoder
    private var carry: [UInt8] = []

    init(version: UInt8) throws(RecordError) {
        self.version = version
        binary = BinaryTree.Decoder(version: version)
        do {
            decompressor = version == 1 ? try Inflater() : try LzmaDecoder()
        } catch {
            throw RecordError.io(error.reason)
        }
    }

    func records(_ payload: [UInt8]) throws(Failure) -> [(t: Int64, fields: [String: JSONTree])] {
        var compressed = payload
        if version >= 3 {
            // varint n, n token bytes, then the compressed records.
            var tokens: [UInt8] = []
            var problem: BinaryTree.DecodeError?
            payload.withUnsafeBufferPointer { buffer in
                var index = 0
                do throws(BinaryTree.DecodeError) {
                    let section = try BinaryTree.readBytes(buffer, &index)
                    tokens = Array(section)
                    compressed = Array(buffer[index...])
                } catch {
                    problem = error
                }
            }
            if let problem { throw Failure(reason: "bad token section: \(problem.reason)") }
            binary.side = tokens
            binary.sideIndex = 0
        }
        var text: [UInt8]
        do { text = try decompressor.decompress(compressed, maxOutput: RecordFormat.maxInflatedChunk) } catch {
            throw Failure(reason: error.reason)
        }
        var records: [(t: Int64, fields: [String: JSONTree])] = []
        func add(_ record: JSONTree) throws(Failure) {
            guard case .object(let fields) = record, let t = fields["t"]?.int64Value else { throw Failure(reason: "a record has no time") }
            records.append((t, fields))
        }
        if version == 1 {
            if !carry.isEmpty {
                text = carry + text
                carry = []
            }
            var lineStart = 0
            for i in text.indices where text[i] == 0x0A {
                defer { lineStart = i + 1 }
                let record: JSONTree
                do { record = try JSONTree.parse(text[lineStart..<i]) } catch { throw Failure(reason: "\(error)") }
                try add(record)
            }
            if lineStart < text.count { carry = Array(text[lineStart...]) }
            guard carry.count <= RecordFormat.maxInflatedChunk else { throw Failure(reason: "a record is too long") }
            return records
        }
        // Versions 2 and 3: a chunk ends with a sync flush after a whole record, so it holds whole records only.
        var problem: BinaryTree.DecodeError?
        text.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                do throws(BinaryTree.DecodeError) {
                    let record = try binary.decode(buffer, at: &index)
                    guard case .object(let fields) = record, let t = fields["t"]?.int64Value else {
                        problem = BinaryTree.DecodeError(offset: index, reason: "a record has no time")
                        return
                    }
                    records.append((t, fields))
                } catch {
                    problem = error
                    return
                }
            }
        }
        if let problem { throw Failure(reason: problem.description) }
        if version >= 3, binary.sideIndex != binary.side.count { throw Failure(reason: "token bytes left over in a chunk") }
        return records
    }
}

/// Sequential reads through a 1 MiB window: the header walk touches every frame, and most frames are small.
struct FrameWalker {
    let fd: Int32
    let size: Int
    var window: [UInt8] = []
    var windowStart = 0

    init(fd: Int32, size: Int) {
        self.fd = fd
        self.size = size
    }

    mutating func bytes(at offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, count <= size - offset else { return nil }
        if offset < windowStart || offset + count > windowStart + window.count {
            let length = min(max(count, 1 << 20), size - offset)
            // Reuse the buffer: the walk over a day's file reads ~100 windows, and zero-filling a fresh one each
            // time cost as much as the reads.
            if window.count != length { window = [UInt8](repeating: 0, count: length) }
            let read = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
            guard read == length else {
                window = []
                return nil
            }
            windowStart = offset
        }
        return window[(offset - windowStart)..<(offset - windowStart + count)]
    }
}
