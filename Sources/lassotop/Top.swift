import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoDemo
import LassoTUI
import LassoTerminal

/// The default command: the full-screen dashboard.
struct Top: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Open the dashboard (default). With no node configured, watches an embedded demo cluster.")

    @OptionGroup var sources: SourceOptions

    @OptionGroup var hub: HubOptions

    @OptionGroup var display: DisplayOptions

    @Option(name: .customLong("record"), help: "Record the session to FILE while you watch (REC in the header; replay it with `lassotop replay FILE`).")
    var record: String?

    func validate() throws {
        guard let record else { return }
        if hub.hub != nil { throw ValidationError("--record cannot be combined with --hub (record on the hub's host with `lassotop record`)") }
        guard !record.isEmpty else { throw ValidationError("--record FILE must not be empty") }
        if FileManager.default.fileExists(atPath: record) {
            throw ValidationError("\(TerminalText.sanitize(record)) exists; a recording is never overwritten")
        }
    }

    func run() async throws {
        EventLoopThreads.useOne()   // before any client or server exists
        HeapTuning.keepLargeBlocksInHeap()
        guard isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(Data("lassotop: stdout is not a terminal; use `lassotop snapshot` for scripts and pipes\n".utf8))
            throw ExitCode(CheckReport.usage)
        }
        // --hub: the snapshots come from `lassotop serve`; nothing here polls a node (HubViewing.swift).
        if let viewer = try hub.viewer() { return try await runViewing(viewer) }
        // Every usage error (flags, config, nodes and headers files, theme) is found here, before any server, poller,
        // thread or terminal mode starts.
        let plan = try SessionPlan.make(sources, allowDemo: true, logName: "lassotop")
        let options = try display.tuiOptions(file: plan.file)
        // The TUI ends on q, Ctrl-C, SIGTERM/SIGHUP (its own handlers: the terminal must be restored first) or an
        // error; in every case Session.with stops the monitor and then the demo cluster before the process exits.
        let result = try await Session.with(plan) { session -> Result<Int32, any Error> in
            // --record: the headless recorder's loop (RecordCommand.swift) beside the TUI, stopped and flushed after it.
            let recorder: RecordingTask?
            do { recorder = try record.map { try RecordingTask.start(path: $0, monitor: session.monitor) } } catch {
                return .failure(error)
            }
            await session.monitor.start()
            let backend = MonitorBackend(monitor: session.monitor, demo: session.demo, isRecording: recorder != nil)
            // ncurses is not thread-safe and its loop blocks: it runs on a thread of its own, off the cooperative pool.
            var result: Result<Int32, any Error>
            do { result = .success(try await TUIApp.runOnDedicatedThread(backend: backend, options: options)) } catch {
                result = .failure(error)
            }
            if let recorder {
                do { try await recorder.finish() } catch { if case .success = result { result = .failure(error) } }
            }
            return result
        }
        switch result {
        case .success(let code):
            if code != 0 { throw ExitCode(code) }
        case .failure(let error):
            let text = "\(error)"
            FileHandle.standardError.write(Data((text.hasPrefix("lassotop: ") ? text : "lassotop: " + text).utf8 + [0x0A]))
            throw ExitCode(1)
        }
    }
}

/// What the TUI may ask of the running monitor (and of the demo cluster, in DEMO mode).
struct MonitorBackend: DashboardBackend {
    let monitor: ClusterMonitor
    let demo: DemoCluster?
    var isRecording = false

    func latestSnapshot() -> ClusterSnapshot { monitor.latestSnapshot() }
    func refreshNow() { monitor.refreshNow() }
    func changeHealthInterval(by deltaMs: Int64) { monitor.changeHealthInterval(by: deltaMs) }
    func healthIntervalMs() -> Int64 { monitor.healthIntervalMs() }
    var refreshMs: Int64 { monitor.config.eventsIntervalMs }
    func onSnapshotChange(_ wake: @escaping @Sendable () -> Void) { monitor.onSnapshotChange(wake) }

    func injectFault(node: String, mode fault: DemoFault) {
        guard let demo else { return }
        Task {
            do {
                try await demo.setFault(fault, node: node)
                await monitor.ingestExternal([.cluster(ts: Int64(Date().timeIntervalSince1970 * 1000), severity: .info,
                                                       message: "demo: fault \(fault.rawValue) injected on \(node)", node: node)], malformed: 0)
            } catch {
                await monitor.ingestExternal([.cluster(ts: Int64(Date().timeIntervalSince1970 * 1000), severity: .warning,
                                                       message: "demo: could not inject \(fault.rawValue) on \(node): \(error)", node: node)], malformed: 0)
            }
            monitor.refreshNow()
        }
    }
}
