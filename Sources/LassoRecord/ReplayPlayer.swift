import Foundation
import LassoCore

/// Plays a recording: a playhead that moves with the wall clock × speed, or steps one snapshot at a time.
/// Moving forward inside a block continues decoding where it stopped, so playing at 64× costs one delta per
/// snapshot, not one block per frame. Used by `lassotop replay` (one thread at a time; the owner locks).
public final class ReplayPlayer {
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]

    public let reader: RecordReader
    public private(set) var positionMs: Int64
    public private(set) var speedIndex = 2
    public private(set) var paused = false
    /// The last problem met while decoding (damage); playback stays at the last good snapshot.
    public private(set) var problem: RecordError?
    public var speed: Double { Self.speeds[speedIndex] }
    public let startMs: Int64
    public let endMs: Int64

    private var cursor: Cursor?
    private var cached: (t: Int64, snapshot: ClusterSnapshot)?
    private var lastTickMs: Int64?
    private let codec = SnapshotCodec()

    public init(reader: RecordReader) throws(RecordError) {
        guard let first = reader.firstMs, let last = reader.lastMs else { throw reader.tailProblem ?? .empty }
        self.reader = reader
        startMs = first
        endMs = last
        positionMs = first
    }

    /// The snapshot at the playhead after advancing it to wall-clock `nowMs` (playing: by elapsed × speed; it stops
    /// at the end).
    public func snapshot(nowMs: Int64) -> ClusterSnapshot? {
        if let last = lastTickMs, !paused {
            let advanced = Double(nowMs - last) * speed
            positionMs = min(endMs, positionMs + Int64(advanced.rounded()))
            if positionMs >= endMs { paused = true }
        }
        lastTickMs = nowMs
        return current()
    }

    public func togglePause() {
        if paused && positionMs >= endMs { positionMs = startMs }   // at the end, play again from the start
        paused.toggle()
    }

    public func faster() { speedIndex = min(speedIndex + 1, Self.speeds.count - 1) }
    public func slower() { speedIndex = max(speedIndex - 1, 0) }

    public func seek(toMs ms: Int64) {
        positionMs = min(max(ms, startMs), endMs)
    }

    public func jump(seconds: Int) { seek(toMs: positionMs + Int64(seconds) * 1000) }

    /// One recorded snapshot forward or back (pauses: stepping is for looking closely).
    public func step(_ count: Int) {
        paused = true
        guard let times = self.times(near: positionMs) else { return }
        let here = times.last { $0 <= positionMs } ?? positionMs
        if count > 0 {
            if let next = times.first(where: { $0 > here }) {
                seek(toMs: next)
            } else if let block = reader.blockIndex(at: positionMs), block + 1 < reader.blocks.count {
                seek(toMs: reader.frames[reader.blocks[block + 1]].firstMs)
            }
        } else if count < 0 {
            if let previous = times.last(where: { $0 < here }) {
                seek(toMs: previous)
            } else if let block = reader.blockIndex(at: positionMs), block > 0,
                      let previous = self.times(near: reader.frames[reader.blocks[block]].firstMs - 1)?.last {
                seek(toMs: previous)
            }
        }
    }

    private var timesCache: (block: Int, times: [Int64])?

    /// Record times of the block holding `ms`, kept for the block last asked about (stepping stays in one block).
    private func times(near ms: Int64) -> [Int64]? {
        guard let block = reader.blockIndex(at: ms) else { return nil }
        if let timesCache, timesCache.block == block { return timesCache.times }
        guard let times = try? reader.recordTimes(near: ms) else { return nil }
        timesCache = (block, times)
        return times
    }

    /// The snapshot at `positionMs`, decoding forward from the cursor when it can.
    func current() -> ClusterSnapshot? {
        do {
            let state = try advanceCursor(to: positionMs)
            if let cached, cached.t == state.t { return cached.snapshot }
            let snapshot = try codec.snapshot(state.tree)
            cached = (state.t, snapshot)
            problem = nil
            return snapshot
        } catch let error as RecordError {
            problem = error
            return cached?.snapshot
        } catch {
            problem = .damaged(offset: 0, reason: "a record does not decode as a snapshot", readableUntilMs: cached?.t)
            return cached?.snapshot
        }
    }

    // MARK: incremental decoding

    struct Cursor {
        var block: Int
        var frame: Int
        var decoder: BlockDecoder
        var state: RecordReader.State?
        /// Records inflated but not applied yet (later than the playhead).
        var pending: [(t: Int64, fields: [String: JSONTree])] = []
    }

    func advanceCursor(to ms: Int64) throws(RecordError) -> RecordReader.State {
        guard let block = reader.blockIndex(at: ms) else { throw RecordError.outOfRange("before the recording") }
        if cursor == nil || cursor!.block != block || (cursor!.state?.t ?? .max) > ms {
            cursor = Cursor(block: block, frame: reader.blocks[block], decoder: try BlockDecoder(version: reader.version))
        }
        let end = block + 1 < reader.blocks.count ? reader.blocks[block + 1] : reader.frames.count
        while true {
            // Apply what is pending up to the playhead.
            while let next = cursor!.pending.first, cursor!.state == nil || next.t <= ms {
                cursor!.pending.removeFirst()
                try apply(next.fields, t: next.t)
            }
            if !cursor!.pending.isEmpty || cursor!.frame >= end { break }
            let frame = reader.frames[cursor!.frame]
            if cursor!.state != nil, frame.firstMs > ms { break }
            cursor!.frame += 1
            let lines = try reader.records(frame, decoder: cursor!.decoder, readableUntil: cursor!.state?.t)
            cursor!.pending += lines
        }
        guard let state = cursor!.state else { throw RecordError.empty }
        return state
    }

    private func apply(_ record: [String: JSONTree], t: Int64) throws(RecordError) {
        if let key = record["k"] {
            cursor!.state = RecordReader.State(tree: key, t: t, frameOffset: 0)
        } else if let delta = record["d"], cursor!.state != nil {
            do { try TreeDelta.apply(delta, to: &cursor!.state!.tree) } catch {
                let until = cursor!.state?.t
                cursor = nil
                throw RecordError.damaged(offset: 0, reason: error.description, readableUntilMs: until)
            }
            cursor!.state!.t = t
        } else {
            cursor = nil
            throw RecordError.damaged(offset: 0, reason: "a block does not start with a keyframe", readableUntilMs: nil)
        }
    }
}
