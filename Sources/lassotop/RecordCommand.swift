import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoRecord
import Logging
import ServiceLifecycle

/// `lassotop record FILE`: poll as the TUI does and append every new snapshot (with its feed) to FILE, headless,
/// until --duration ends or SIGINT/SIGTERM/SIGHUP (then exit 0). Format and guarantees: docs/replay.md.
struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the cluster to FILE (headless) until Ctrl-C or --duration; replay it with `lassotop replay FILE`.")

    @Argument(help: "The recording to create (never overwritten).")
    var file: String

    @OptionGroup var sources: SourceOptions

    @Option(help: "Stop after SECONDS (default: until Ctrl-C or SIGTERM).")
    var duration: Double?

    func validate() throws {
        if let duration, !duration.isFinite || duration <= 0 || duration > 31 * 86_400 {
            throw ValidationError("--duration must be between 0 and 2678400 seconds")
        }
        guard !file.isEmpty else { throw ValidationError("FILE must not be empty") }
        if FileManager.default.fileExists(atPath: file) {
            throw ValidationError("\(TerminalText.sanitize(file)) exists; a recording is never overwritten")
        }
    }

    func run() async throws {
        // A headless recording keeps one snapshot a second (its time resolution, and at most about a second lost to a
        // SIGKILL) unless --refresh or the config file says otherwise; the dashboard's 2 s default is about idle cost.
        let plan = try SessionPlan.make(sources, allowDemo: true, logName: "record", refreshDefaultMs: MonitorConfig.recordingEventsIntervalMs)
        let path = file
        let limit = duration.map { Duration.milliseconds(Int64($0 * 1000)) }
        let summary = try await Session.with(plan) { session -> (Int, Int64) in
            let options = RecordWriterOptions()
            let header = MonitorRecorder.header(config: session.monitor.config,
                                                lassotopVersion: Lassotop.configuration.version,
                                                startedAtMs: Int64(Date().timeIntervalSince1970 * 1000), options: options)
            let writer = try RecordWriter(path: path, header: header, options: options)
            await session.monitor.start()
            let service = RecorderService(monitor: session.monitor, writer: writer, duration: limit)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], gracefulShutdownSignals: [.sigint, .sigterm, .sighup],
                logger: Logger(label: "lassotop.record", factory: { _ in SwiftLogNoOpLogHandler() })))
            try await group.run()
            try writer.close()
            return (writer.records, writer.bytesWritten)
        }
        FileHandle.standardError.write(Data("recorded \(summary.0) snapshots, \(summary.1) bytes to \(TerminalText.sanitize(path))\n".utf8))
    }
}

/// The recording loop as a service, so a shutdown signal ends it cleanly (last chunk flushed) before the exit.
struct RecorderService: Service {
    let monitor: ClusterMonitor
    let writer: RecordWriter
    let duration: Duration?

    func run() async throws {
        _ = try await cancelWhenGracefulShutdown {
            try await MonitorRecorder.run(monitor: monitor, writer: writer, duration: duration)
        }
    }
}
