import Foundation
import LassoCore
import Synchronization

public struct RecordWriterOptions: Sendable, Equatable {
    /// A new block (fresh compression stream, full snapshot) starts at least this often; bounds the work of a seek.
    /// Six minutes: format 3 stores a minute of the demo in about a quarter fewer bytes than format 2, so a 6-minute
    /// block is less to decode than a 5-minute one was, and a day holds 240 keyframes instead of 288.
    public var keyframeIntervalMs: Int64
    /// Compressed data is flushed to the file at least this often (by record time), so a kill loses at most this.
    public var flushIntervalMs: Int64
    /// Deflate level (format version 1 only).
    public var compressionLevel: Int32
    /// A new block also starts once this many bytes (before compression) went into the current one, so a seek's
    /// work is bounded whatever the snapshot rate.
    public var maxBlockBytes: Int
    /// The format written: the current one (3) unless a test asks for an old one to check it still reads.
    public var formatVersion: UInt8

    public init(keyframeIntervalMs: Int64 = 360_000, flushIntervalMs: Int64 = 1_000, compressionLevel: Int32 = 9,
                maxBlockBytes: Int = 3 << 20) {
        self.keyframeIntervalMs = max(1_000, keyframeIntervalMs)
        self.flushIntervalMs = max(1, flushIntervalMs)
        self.compressionLevel = min(max(compressionLevel, 1), 9)
        self.maxBlockBytes = max(64 * 1024, maxBlockBytes)
        formatVersion = RecordFormat.version
    }
}

/// Appends snapshots to a new recording file (format in RecordFormat.swift). Only ever appends with write(2) —
/// no user-space buffer that a SIGKILL could lose beyond the current chunk. Safe to call from any task.
public final class RecordWriter: @unchecked Sendable {
    public let path: String
    public let header: RecordHeader
    public let options: RecordWriterOptions
    private let lock = NSLock()
    private var fd: Int32
    private let compressor: BlockCompressor
    private var encoder = BinaryTree.Encoder()
    private var blockBytes = 0
    private let codec = SnapshotCodec()
    private var kept = SnapshotCodec.KeptTrees()
    private var previous: JSONTree?
    private var blockStartMs: Int64 = 0
    private var pending: [UInt8] = []
    /// Version 3: the token bytes of the records in `pending` (the chunk's token section).
    private var pendingTokens: [UInt8] = []
    private var pendingFirstMs: Int64?
    private var pendingLastMs: Int64 = 0
    private var pendingIsKey = false
    private var lastFlushMs: Int64 = .min
    private var _bytesWritten: Int64 = 0
    private var _uncompressedBytes: Int64 = 0
    private var _records = 0
    private var _keyframes = 0

    /// Creates FILE (it must not exist: a recording is never overwritten) and writes the preamble and header.
    public init(path: String, header: RecordHeader, options: RecordWriterOptions = RecordWriterOptions()) throws {
        var options = options
        if !RecordFormat.readableVersions.contains(options.formatVersion) { options.formatVersion = RecordFormat.version }
        var header = header
        header.format = RecordFormat.formatName(version: options.formatVersion)
        self.path = path
        self.header = header
        self.options = options
        compressor = options.formatVersion == 1 ? try Deflater(level: options.compressionLevel) : try LzmaEncoder()
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 {
            let reason = errno == EEXIST ? "it already exists (recordings are never overwritten)" : String(cString: strerror(errno))
            throw RecordError.io("cannot create \(TerminalText.sanitize(path)): \(reason)")
        }
        let headerJSON = try JSONEncoder().encode(header)
        try write(RecordFormat.preamble(version: options.formatVersion) + RecordFormat.frame(.header, payload: Array(headerJSON),
                                                              firstMs: header.startedAtMs, lastMs: header.startedAtMs))
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    public var bytesWritten: Int64 { lock.withLock { _bytesWritten } }
    /// Bytes of records before compression (token bytes included): what a seek decodes, and what `maxBlockBytes`
    /// counts.
    public var uncompressedBytes: Int64 { lock.withLock { _uncompressedBytes } }
    public var records: Int { lock.withLock { _records } }
    public var keyframes: Int { lock.withLock { _keyframes } }

    /// Appends one snapshot: a keyframe when a block starts, otherwise the delta from the previous snapshot.
    public func append(_ snapshot: ClusterSnapshot) throws {
        let tree = try lock.withLock { try codec.tree(snapshot, reusing: &kept) }
        try append(tree: tree, atMs: snapshot.generatedAtMs)
    }

    /// The tree `append` stores for a snapshot (benchmarks build long recordings by editing it).
    public static func tree(of snapshot: ClusterSnapshot) throws -> JSONTree { try SnapshotCodec().tree(snapshot) }

    /// Appends a snapshot already in tree form (see `tree(of:)`); `t` is its generated-at time.
    public func append(tree: JSONTree, atMs t: Int64) throws {
        try lock.withLock {
            var line: JSONTree
            if previous == nil || t - blockStartMs >= options.keyframeIntervalMs || t < blockStartMs
                || blockBytes >= options.maxBlockBytes {
                try flushLocked()
                try compressor.reset()
                encoder = BinaryTree.Encoder(version: options.formatVersion)
                blockBytes = 0
                pendingIsKey = true
                blockStartMs = t
                line = .object(["t": .int(t), "k": tree])
                _keyframes += 1
            } else {
                line = .object(["t": .int(t), "d": TreeDelta.diff(previous!, tree, bare: options.formatVersion >= 3)
                    ?? .object(["o": .object([:])])])
            }
            previous = tree
            var bytes: [UInt8] = []
            if options.formatVersion == 1 {
                line.write(into: &bytes)
                bytes.append(0x0A)
            } else {
                encoder.encode(line, into: &bytes)
                pendingTokens.append(contentsOf: encoder.side)
                blockBytes += encoder.side.count
                _uncompressedBytes += Int64(encoder.side.count)
                encoder.side.removeAll(keepingCapacity: true)
            }
            blockBytes += bytes.count
            _uncompressedBytes += Int64(bytes.count)
            try compressor.compress(bytes, flush: false, into: &pending)
            if pendingFirstMs == nil { pendingFirstMs = t }
            pendingLastMs = max(pendingLastMs, t)
            _records += 1
            if lastFlushMs == .min { lastFlushMs = t }
            if t - lastFlushMs >= options.flushIntervalMs { try flushLocked() }
        }
    }

    /// Writes what is pending as one chunk frame (sync-flushed: readable on its own with the chunks before it).
    public func flush() throws {
        try lock.withLock { try flushLocked() }
    }

    /// Flushes, syncs to disk and closes. Later appends fail.
    public func close() throws {
        try lock.withLock {
            try flushLocked()
            guard fd >= 0 else { return }
            fsync(fd)
            Glibc.close(fd)
            fd = -1
        }
    }

    private func flushLocked() throws {
        guard let first = pendingFirstMs else { return }
        try compressor.compress([], flush: true, into: &pending)
        var payload = pending
        if options.formatVersion >= 3 {
            payload = []
            BinaryTree.appendVarint(UInt64(pendingTokens.count), to: &payload)
            payload += pendingTokens
            payload += pending
            pendingTokens.removeAll(keepingCapacity: true)
        }
        try write(RecordFormat.frame(pendingIsKey ? .keyChunk : .chunk, payload: payload, firstMs: first, lastMs: pendingLastMs))
        pending.removeAll(keepingCapacity: true)
        pendingFirstMs = nil
        pendingIsKey = false
        lastFlushMs = pendingLastMs
    }

    /// One write(2) per frame; retried on EINTR and short writes.
    private func write(_ bytes: [UInt8]) throws {
        guard fd >= 0 else { throw RecordError.io("the recording is closed") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw RecordError.io("cannot write \(TerminalText.sanitize(path)): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        _bytesWritten += Int64(bytes.count)
    }
}
