import Foundation
import LassoClient
import LassoCore

/// Records what a running `ClusterMonitor` publishes: every new snapshot (by `generatedAtMs`) goes to the writer,
/// and pending data is flushed to the file every second so a killed recorder loses at most about a second.
public enum MonitorRecorder {
    /// Runs until `duration` has passed (nil: until cancelled). `tap` sees each recorded snapshot (tests, the TUI).
    /// Returns the number of snapshots recorded. The writer is flushed, not closed.
    ///
    /// Woken by the monitor after each publish (`ClusterMonitor.onPublish`, which also fires when only the timestamp
    /// moved, so every published snapshot is stored) and once a second for the flush; it does not poll.
    @discardableResult
    public static func run(monitor: ClusterMonitor, writer: RecordWriter, duration: Duration? = nil,
                           tap: (@Sendable (ClusterSnapshot) -> Void)? = nil) async throws -> Int {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        monitor.onPublish { wake.yield() }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                wake.yield()
            }
        }
        let deadline = duration.map { limit in
            Task {
                try? await Task.sleep(for: limit)
                wake.yield()
            }
        }
        defer {
            ticker.cancel()
            deadline?.cancel()
            wake.finish()
        }
        let clock = ContinuousClock()
        let started = clock.now
        var lastFlush = started
        var lastRecorded: Int64?
        var count = 0
        wake.yield()   // the snapshot already published
        // Ends when the task is cancelled (the stream's iteration is) or the duration is up.
        for await _ in wakes {
            let snapshot = monitor.latestSnapshot()
            if snapshot.generatedAtMs != lastRecorded {
                try writer.append(snapshot)
                tap?(snapshot)
                lastRecorded = snapshot.generatedAtMs
                count += 1
            }
            let now = clock.now
            if now - lastFlush >= .seconds(1) {
                try writer.flush()
                lastFlush = now
            }
            if let duration, now - started >= duration { break }
        }
        try writer.flush()
        return count
    }

    /// The header for a monitor's configuration.
    public static func header(config: MonitorConfig, lassotopVersion: String, startedAtMs: Int64,
                              options: RecordWriterOptions = RecordWriterOptions()) -> RecordHeader {
        RecordHeader(lassotopVersion: lassotopVersion, startedAtMs: startedAtMs, clusterName: config.clusterName,
                     demo: config.isDemo, nodes: config.targets.map { RecordHeader.Node(name: $0.name, url: $0.url) },
                     healthIntervalMs: config.healthIntervalMs, metricsIntervalMs: config.metricsIntervalMs,
                     eventsIntervalMs: config.eventsIntervalMs, keyframeIntervalMs: options.keyframeIntervalMs)
    }
}
