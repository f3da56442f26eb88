import Foundation
import LassoClient
import LassoCore
import LassoDemo
import LassoRecord

/// Recording figures (docs/replay.md): size per 24 h of the 10-node demo at default intervals, seek time in a 24-hour
/// recording, data lost when the recorder is SIGKILLed, and record/replay cost per snapshot.
public enum RecordBenchmarks {
    public struct Options: Sendable {
        /// Seconds of the live 10-node demo to record for the size figure (after `warmupSeconds`, not counted).
        public var liveSeconds: Double
        public var warmupSeconds: Double
        /// Hours of the synthetic recording the seek figure reads.
        public var hours: Double
        /// Snapshots per second in the synthetic recording; nil: the rate measured on the live demo. (The monitor
        /// publishes at most every 200 ms, ClusterMonitor.publishLoop, so 5/s is the worst case.)
        public var snapshotsPerSecond: Double?
        public var nodes: Int

        /// LASSOTOP_BENCH_RECORD_HOURS / _LIVE_SECONDS / _WARMUP_SECONDS override the defaults (a quick look while
        /// working on the format; the figures in docs/replay.md use the defaults).
        public init(liveSeconds: Double = 120, warmupSeconds: Double = 60, hours: Double = 24, snapshotsPerSecond: Double? = nil,
                    nodes: Int = 10) {
            let environment = ProcessInfo.processInfo.environment
            func override(_ name: String) -> Double? { environment["LASSOTOP_BENCH_RECORD_" + name].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } }
            self.liveSeconds = override("LIVE_SECONDS") ?? liveSeconds
            self.warmupSeconds = override("WARMUP_SECONDS") ?? warmupSeconds
            self.hours = override("HOURS") ?? hours
            self.snapshotsPerSecond = snapshotsPerSecond
            self.nodes = nodes
        }
    }

    public static func all(options: Options = Options(), lassotopPath: String?, progress: (String) -> Void = { _ in }) async throws
        -> [Figure] {
        var figures: [Figure] = []
        if let path = ProcessInfo.processInfo.environment["LASSOTOP_BENCH_RECORD_REENCODE"], !path.isEmpty {
            progress("record: re-encoding \(path)")
            return try reencode(path: path)
        }
        progress("record: live \(options.nodes)-node demo for \(Int(options.warmupSeconds + options.liveSeconds)) s")
        let live = try await liveSize(options: options)
        figures += live.figures
        progress("record: writing a synthetic \(options.hours) h recording")
        var long = options
        long.snapshotsPerSecond = options.snapshotsPerSecond ?? max(0.5, live.snapshotsPerSecond)
        figures += try longRecording(options: long, base: live.lastSnapshot)
        if let lassotopPath, FileManager.default.isExecutableFile(atPath: lassotopPath) {
            progress("record: SIGKILL of a recording lassotop")
            figures.append(try killLoss(lassotopPath: lassotopPath))
        }
        return figures
    }

    // MARK: one recording in other formats (LASSOTOP_BENCH_RECORD_REENCODE=FILE: a quick look while working on the format)

    /// Writes every snapshot of FILE again in each format and keyframe interval below, and reports the size per 24 h
    /// (keyframes included, at the recording's own rate) and the time to the snapshot just before each keyframe
    /// (a whole block decoded: the worst seek, open excluded). Same data for every variant.
    static func reencode(path: String) throws -> [Figure] {
        let source = try RecordReader.open(path: path)
        guard let first = source.firstMs, let last = source.lastMs, last > first else { throw RecordError.empty }
        let days = Double(last - first) / 86_400_000
        var figures: [Figure] = []
        for (version, intervalMs) in [(UInt8(2), Int64(300_000)), (3, 300_000), (3, 360_000), (3, 450_000)] {
            let target = NSTemporaryDirectory() + "lassotop-bench-reencode-\(UUID().uuidString.prefix(8)).lrec"
            defer { unlink(target) }
            var options = RecordWriterOptions(keyframeIntervalMs: intervalMs)
            options.formatVersion = version
            var header = source.header
            header.keyframeIntervalMs = intervalMs
            let writer = try RecordWriter(path: target, header: header, options: options)
            let records = try RecordAnalysis.reencode(source, into: writer)
            let reader = try RecordReader.open(path: target)
            var seeks: [Double] = []
            for start in reader.blockStartTimes.dropFirst() {
                // Best of three per block: this mode compares variants, so take the least disturbed figure.
                seeks.append(try (0..<3).map { _ in
                    let fresh = try RecordReader.open(path: target)
                    return try Measure.seconds { _ = try fresh.snapshot(at: start - 1) } * 1000
                }.min() ?? 0)
            }
            seeks.sort()
            let label = "record: re-encoded, format \(version), keyframe every \(intervalMs / 1000) s"
            figures.append(Measure.figure(label, unit: "MB/24h", values: [Double(writer.bytesWritten) / 1e6 / days], budget: 100, .atMost,
                                          note: String(format: "%d snapshots over %.0f s, %d blocks (%.2f MB each before compression); a whole block to the snapshot: median %.0f ms, worst %.0f ms",
                                                       records, days * 86_400, reader.blockCount,
                                                       Double(writer.uncompressedBytes) / 1e6 / Double(max(1, reader.blockCount)),
                                                       seeks.isEmpty ? 0 : seeks[seeks.count / 2], seeks.last ?? 0)))
        }
        return figures
    }

    // MARK: size, from the real demo over HTTP

    struct Live {
        var figures: [Figure]
        var lastSnapshot: ClusterSnapshot
        var snapshotsPerSecond: Double
    }

    static func liveSize(options: Options) async throws -> Live {
        let demo = DemoCluster(config: DemoConfig(nodeCount: options.nodes, seed: 42))
        try await demo.start()
        // At `lassotop record`'s refresh (1 s), not the dashboard's: this is the size of what that command writes.
        let config = MonitorConfig(targets: demo.nodes.map { NodeTarget(name: $0.id, url: $0.url) },
                                   eventsIntervalMs: MonitorConfig.recordingEventsIntervalMs, isDemo: true)
        let monitor = try ClusterMonitor(config: config)
        let path = NSTemporaryDirectory() + "lassotop-bench-\(UUID().uuidString.prefix(8)).lrec"
        defer { unlink(path) }
        let writer = try RecordWriter(path: path, header: MonitorRecorder.header(
            config: config, lassotopVersion: "bench", startedAtMs: Int64(Date().timeIntervalSince1970 * 1000)))
        await monitor.start()
        let appendTimes = AppendTimes()
        let recorder = Task {
            try await MonitorRecorder.run(monitor: monitor, writer: writer) { _ in appendTimes.count() }
        }
        try await Task.sleep(for: .milliseconds(Int64(options.warmupSeconds * 1000)))
        let startBytes = writer.bytesWritten
        let startRecords = writer.records
        let start = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(Int64(options.liveSeconds * 1000)))
        try writer.flush()
        let seconds = (ContinuousClock.now - start).inSeconds
        let bytes = Double(writer.bytesWritten - startBytes)
        let records = Double(writer.records - startRecords)
        recorder.cancel()
        _ = try? await recorder.value
        try writer.close()
        let last = monitor.latestSnapshot()
        await monitor.stop()
        await demo.stop()

        // The measured minutes hold no keyframe, a day holds one per block: add what the last snapshot costs as one.
        let keyPath = path + ".key"
        defer { unlink(keyPath) }
        let keyWriter = try RecordWriter(path: keyPath, header: writer.header)
        let headerBytes = keyWriter.bytesWritten
        try keyWriter.append(last)
        try keyWriter.close()
        let keyframeBytes = Double(keyWriter.bytesWritten - headerBytes)
        let keyframesPerDay = 86_400_000 / Double(writer.options.keyframeIntervalMs)
        let keyframesPerDayMB = keyframeBytes * keyframesPerDay / 1_000_000
        let deltasPerDay = bytes / seconds * 86_400 / 1_000_000
        let perDay = deltasPerDay + keyframesPerDayMB
        let eventRate = last.eventRate
        // What each part costs, as a share of the whole file (warm-up included), in MB/24h at the measured rate.
        var breakdown = ""
        if let reader = try? RecordReader.open(path: path), let parts = try? RecordAnalysis.parts(of: reader) {
            let payload = Double(max(1, parts.map(\.bytes).reduce(0, +)))
            breakdown = String(format: "; MB/24h: keyframes %.1f (%.0f KB each, %.0f a day)", keyframesPerDayMB, keyframeBytes / 1000,
                               keyframesPerDay)
                + parts.filter { $0.name != "keyframes" }.prefix(7)
                    .map { String(format: ", %@ %.1f", $0.name, Double($0.bytes) / payload * deltasPerDay) }.joined()
        }
        return Live(figures: [
            Measure.figure("record: size, \(options.nodes)-node demo, default intervals", unit: "MB/24h", values: [perDay],
                           budget: 100, .atMost,
                           note: String(format: "%.0f s live after %.0f s warm-up: %.0f B/s, %.1f snapshots/s, %.0f events/s, feed %d",
                                        seconds, options.warmupSeconds, bytes / seconds, records / seconds, eventRate,
                                        last.feed.count) + breakdown),
        ], lastSnapshot: last, snapshotsPerSecond: records / seconds)
    }

    final class AppendTimes: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func count() { lock.withLock { n += 1 } }
    }

    // MARK: a long recording: seek, open, write and replay cost

    /// Writes `hours` of snapshots shaped like the live one (same nodes, chains, feed size) with the changes the
    /// monitor makes: every node polled each 2 s, 20 events/s into a 1,000-event feed (some late), metrics every
    /// 15 s, histories shifting. Edits the stored tree directly so a day of snapshots takes minutes, not a day.
    static func longRecording(options: Options, base: ClusterSnapshot) throws -> [Figure] {
        let path = NSTemporaryDirectory() + "lassotop-bench-day-\(UUID().uuidString.prefix(8)).lrec"
        defer { unlink(path) }
        let startMs: Int64 = 1_796_000_000_000
        let header = RecordHeader(lassotopVersion: "bench", startedAtMs: startMs, clusterName: nil, demo: true,
                                  nodes: base.nodes.map { RecordHeader.Node(name: $0.name, url: $0.url) },
                                  healthIntervalMs: 2_000, metricsIntervalMs: 15_000, eventsIntervalMs: 1_000,
                                  keyframeIntervalMs: RecordWriterOptions().keyframeIntervalMs)
        let writer = try RecordWriter(path: path, header: header)
        var model = try DayModel(base: base, startMs: startMs)
        let perSecond = options.snapshotsPerSecond ?? 5
        let stepMs = Int64((1000 / perSecond).rounded())
        let steps = Int(options.hours * 3_600_000 / Double(stepMs))
        var appendSeconds = 0.0
        let writeSeconds = try Measure.seconds {
            for step in 0..<steps {
                let tree = model.advance(toMs: startMs + Int64(step) * stepMs)
                appendSeconds += try Measure.seconds { try writer.append(tree: tree, atMs: startMs + Int64(step) * stepMs) }
            }
            try writer.close()
        }
        let size = Double(writer.bytesWritten)
        let endMs = startMs + Int64(steps - 1) * stepMs

        // Where a worst-case seek goes: decoding the block vs turning the tree into a snapshot.
        var profile = ""
        if let reader = try? RecordReader.open(path: path), reader.blockStartTimes.count > 2,
           let cost = try? reader.seekCost(at: reader.blockStartTimes[reader.blockStartTimes.count / 2] - 1) {
            profile = String(format: "; a whole block: decode %.0f ms, snapshot from the tree %.0f ms", cost.decode * 1000,
                             cost.convert * 1000)
        }
        // Seek: open (walks every frame header) + the snapshot at a moment, each from a cold reader: 25 random
        // moments and 5 just before a keyframe (the whole block to decode: the worst case).
        var random = SeededGenerator(seed: 24)
        var seeks: [Double] = []
        var opens: [Double] = []
        let blockStarts = try RecordReader.open(path: path).blockStartTimes
        var moments = (0..<25).map { _ in startMs + Int64.random(in: 0...(endMs - startMs), using: &random) }
        if blockStarts.count > 2 {
            moments += (0..<5).map { _ in blockStarts[Int.random(in: 1..<blockStarts.count, using: &random)] - 1 }
        }
        for moment in moments {
            var reader: RecordReader?
            opens.append(try Measure.seconds { reader = try RecordReader.open(path: path) } * 1000)
            seeks.append(try Measure.seconds {
                let snapshot = try reader!.snapshot(at: moment)
                precondition(snapshot.generatedAtMs <= moment && snapshot.generatedAtMs > moment - stepMs)
            } * 1000)
        }
        let total = zip(opens, seeks).map(+)
        let hoursText = options.hours == 24 ? "24 h" : String(format: "%.1f h", options.hours)
        return [
            Measure.figure("record: seek in a \(hoursText) recording (open + snapshot at)", unit: "ms", values: total, budget: 200, .atMost,
                           note: String(format: "%d nodes, %d snapshots, %d blocks (%.2f MB each before compression), %.0f MB; open %.0f ms (frame walk), seek %.0f ms (median of %d)",
                                        base.nodes.count, steps, blockStarts.count,
                                        Double(writer.uncompressedBytes) / 1e6 / Double(max(1, blockStarts.count)), size / 1e6,
                                        opens.sorted()[opens.count / 2],
                                        seeks.sorted()[seeks.count / 2], total.count)),
            Measure.figure("record: worst seek of those \(total.count) (open + snapshot at)", unit: "ms", values: [total.max() ?? 0],
                           budget: 200, .atMost,
                           note: String(format: "worst open %.0f ms, worst snapshot-at %.0f ms", opens.max() ?? 0, seeks.max() ?? 0) + profile),
            Measure.figure("record: synthetic \(hoursText) file size", unit: "MB/24h", values: [size / 1e6 * 24 / options.hours],
                           budget: 100, .atMost,
                           note: String(format: "%.1f snapshots/s, 20 events/s, every chain figure moving each 15 s, feed %d, written in %.0f s", perSecond,
                                        base.feed.count, writeSeconds)),
            Measure.figure("record: append cost per snapshot", unit: "µs", values: [appendSeconds / Double(steps) * 1e6],
                           budget: nil, .atMost, note: "delta + compression, tree already built"),
        ]
    }

    // MARK: SIGKILL

    /// Starts `lassotop record` on its embedded demo, kills it with SIGKILL after a few seconds, and reports how old
    /// the newest readable snapshot was at the kill.
    static func killLoss(lassotopPath: String) throws -> Figure {
        let path = NSTemporaryDirectory() + "lassotop-bench-kill-\(UUID().uuidString.prefix(8)).lrec"
        defer { unlink(path) }
        var losses: [Double] = []
        for _ in 0..<3 {
            unlink(path)
            let pid = try spawn([lassotopPath, "record", path, "--demo-nodes", "3"])
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if let reader = try? RecordReader.open(path: path), let first = reader.firstMs, let last = reader.lastMs,
                   last - first >= 5_000 { break }
                usleep(100_000)
            }
            // Kill at a random phase of the flush cycle.
            usleep(UInt32.random(in: 0..<1_000_000))
            let killedAtMs = Int64(Date().timeIntervalSince1970 * 1000)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let reader = try RecordReader.open(path: path)
            guard let last = reader.lastMs else { throw RecordError.empty }
            _ = try reader.snapshot(at: last)
            losses.append(Double(killedAtMs - last) / 1000)
        }
        return Measure.figure("record: newest readable snapshot at SIGKILL", unit: "s old", values: losses, budget: 2, .atMost,
                              note: "flush every 1 s + publish at least every 1 s; 3 kills")
    }

    static func spawn(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else { throw RecordError.io("cannot start \(arguments[0]): errno \(result)") }
        return pid
    }
}

/// The tree of a live snapshot, edited the way the monitor changes it (see `longRecording`).
struct DayModel {
    var tree: [String: JSONTree]
    var random = SeededGenerator(seed: 86_400)
    var eventTemplates: [JSONTree]
    var nextRequest = 0
    var lastMs: Int64
    var nextMetricsMs: Int64
    var nodeDue: [Int64]

    init(base: ClusterSnapshot, startMs: Int64) throws {
        guard case .object(let members) = try RecordWriter.tree(of: base) else { throw RecordError.empty }
        tree = members
        eventTemplates = tree["feed"]?.arrayValue?.suffix(200).map { $0 } ?? []
        if eventTemplates.isEmpty { eventTemplates = [.object(["kind": .string("routing"), "ts": .int(0), "method": .string("eth_call"),
                                                               "provider_id": .string("ethereum_alchemy"), "failover_count": .int(0)])] }
        lastMs = startMs
        nextMetricsMs = startMs + 15_000
        let count = tree["nodes"]?.arrayValue?.count ?? 0
        nodeDue = (0..<count).map { startMs + Int64($0) * 2_000 / Int64(max(count, 1)) }
    }

    mutating func advance(toMs now: Int64) -> JSONTree {
        let elapsed = now - lastMs
        lastMs = now
        tree["generated_at_ms"] = .int(now)
        // Feed: 20 events/s, each seen from every node (duplicates dropped), some up to 900 ms late.
        var feed = tree["feed"]?.arrayValue ?? []
        tree["feed"] = nil
        let newEvents = Int((Double(elapsed) * 20 / 1000).rounded())
        for _ in 0..<newEvents {
            nextRequest += 1
            guard case .object(var event) = eventTemplates[Int.random(in: 0..<eventTemplates.count, using: &random)] else { continue }
            let ts = now - Int64.random(in: 0...900, using: &random)
            event["ts"] = .int(ts)
            event["request_id"] = .string(String(format: "req-%08x%04x", nextRequest, Int.random(in: 0..<0xFFFF, using: &random)))
            event["duration_ms"] = .int(Int64.random(in: 8...900, using: &random))
            var index = feed.count
            while index > 0, (feed[index - 1].objectValue?["ts"]?.int64Value ?? 0) > ts { index -= 1 }
            feed.insert(.object(event), at: index)
        }
        if feed.count > 1_000 { feed.removeFirst(feed.count - 1_000) }
        tree["feed"] = .array(feed)
        if case .object(var stats) = tree["feed_stats"] ?? .null {
            for (key, step) in [("received", 10), ("unique", 1), ("duplicates_dropped", 9)] {
                stats[key] = .int((stats[key]?.int64Value ?? 0) + Int64(step * newEvents))
            }
            tree["feed_stats"] = .object(stats)
        }
        tree["event_rate"] = .number(String(format: "%.1f", 19 + Double.random(in: 0..<2, using: &random)))
        tree["shown_event_rate"] = tree["event_rate"]
        // Nodes: one health poll each per 2 s.
        var nodes = tree["nodes"]?.arrayValue ?? []
        tree["nodes"] = nil
        for index in nodes.indices where now >= nodeDue[index] {
            nodeDue[index] += 2_000
            guard case .object(var node) = nodes[index] else { continue }
            let latency = JSONTree.number(String(format: "%.3f", Double.random(in: 0.4...4, using: &random)))
            node["latencyMs"] = latency
            var history = node["latencyHistory"]?.arrayValue ?? []
            history.append(latency)
            if history.count > 120 { history.removeFirst(history.count - 120) }
            node["latencyHistory"] = .array(history)
            node["successCount"] = .int((node["successCount"]?.int64Value ?? 0) + 1)
            node["lastSuccessMs"] = .int(now)
            node["uptimeSeconds"] = .int((node["uptimeSeconds"]?.int64Value ?? 0) + 2)
            nodes[index] = .object(node)
        }
        tree["nodes"] = .array(nodes)
        // Metrics: every 15 s every figure of every chain moves, and each provider history shifts by one.
        if now >= nextMetricsMs {
            nextMetricsMs += 15_000
            if let chains = tree["chains"] { tree["chains"] = jitter(chains, depth: 0) }
            for key in ["latency_history", "rate_history"] {
                guard let list = tree[key]?.arrayValue else { continue }
                tree[key] = .array(list.map { item in
                    guard case .object(var history) = item, var values = history["values"]?.arrayValue else { return item }
                    values.append(.number(String(format: "%.2f", Double.random(in: 20...300, using: &random))))
                    if values.count > 60 { values.removeFirst(values.count - 60) }
                    history["values"] = .array(values)
                    return .object(history)
                })
            }
        }
        return .object(tree)
    }

    /// Moves every number a little (integers stay integers and grow like counters).
    mutating func jitter(_ value: JSONTree, depth: Int) -> JSONTree {
        switch value {
        case .number(let text):
            if let int = Int64(text) { return .int(int + Int64.random(in: 0...40, using: &random)) }
            if let double = Double(text) { return .number(String(double * Double.random(in: 0.97...1.03, using: &random))) }
            return value
        case .array(let items): return .array(items.map { jitter($0, depth: depth + 1) })
        case .object(let members): return .object(members.mapValues { jitter($0, depth: depth + 1) })
        default: return value
        }
    }
}
