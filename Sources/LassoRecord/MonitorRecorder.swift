import Foundation
import LassoClient
import LassoCore

/// Records what a running `ClusterMonitor` publishes: every new snapshot (by `generatedAtMs`) goes to the writer,
/// and pending data is flushed to the file every second so a killed recorder loses at most about a second.
public enum MonitorRecorder {
    /// How often the monitor's latest snapshot is looked at. Well under the publisher's 200 ms cadence
    /// (ClusterMonitor.publishLoop), so every published snapshot is seen.
    public static let pollInterval: Duration = .milliseconds(20)

    /// Runs until `duration` has passed (nil: until cancelled). `tap` sees each recorded snapshot (tests, the TUI).
    /// Returns the number of snapshots recorded. The writer is flushed, not closed.
    @discardableResult
    public static func run(monitor: ClusterMonitor, writer: RecordWriter, duration: Duration? = nil,
                           tap: (@Sendable (ClusterSnapshot) -> Void)? = nil) async throws -> Int {
        let clock = ContinuousClock()
        let started = clock.now
        var lastFlush = started
        var lastRecorded: Int64?
        var count = 0
        while !Task.isCancelled {
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
            do { try await Task.sleep(for: pollInterval) } catch { break }
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
