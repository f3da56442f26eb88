import ArgumentParser
import Dispatch
import Foundation
import LassoClient
import LassoCore
import LassoRecord
import LassoTUI
import LassoTerminal

/// `lassotop replay FILE`: the dashboard on a recording. The player (LassoRecord/ReplayPlayer.swift) is one more
/// `DashboardBackend`, like the hub viewer (HubViewing.swift), so every view, drill-down, filter and export works on the
/// replayed snapshots. Keys and format: docs/replay.md.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play a recording (lassotop record / --record) in the dashboard: Space pause, ←/→ step, </> speed, [/] ±1 minute, g/G start/end.")

    @Argument(help: "The recording to play.")
    var file: String

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(Data("lassotop: stdout is not a terminal; use `lassotop snapshot --replay FILE --at WHEN` for scripts and pipes\n".utf8))
            throw ExitCode(CheckReport.usage)
        }
        let env = ProcessInfo.processInfo.environment
        let file: ConfigFile
        do { file = try ConfigFile.load(path: ConfigFile.configDirectory(environment: env) + "/config.toml") } catch {
            throw ValidationError("\(error)")
        }
        let options = try display.tuiOptions(file: file, environment: env)
        // Same exit statuses as `snapshot --replay`: 66 cannot open, 65 not a recording or nothing readable.
        let reader: RecordReader
        do { reader = try RecordReader.open(path: self.file) } catch {
            ReplayOptions.complain(self.file, error)
            if case .io = error { throw ExitCode(ReplayOptions.unopenable) }
            throw ExitCode(ReplayOptions.unreadable)
        }
        let player: ReplayPlayer
        do { player = try ReplayPlayer(reader: reader) } catch {
            ReplayOptions.complain(self.file, error)
            throw ExitCode(ReplayOptions.unreadable)
        }
        guard let first = player.snapshot(nowMs: ReplayBackend.wallMs()) else {
            ReplayOptions.complain(self.file, player.problem ?? .empty)
            throw ExitCode(ReplayOptions.unreadable)
        }
        if let problem = reader.tailProblem { ReplayOptions.complain(self.file, problem, warning: true) }
        let backend = ReplayBackend(player: player, first: first, label: (self.file as NSString).lastPathComponent)
        defer { backend.stop() }
        let code: Int32
        do { code = try await TUIApp.runOnDedicatedThread(backend: backend, options: options) } catch {
            FileHandle.standardError.write(Data("lassotop: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// The dashboard's backend on a recording. The player is not thread-safe: every use holds `lock` (the TUI thread
/// reads and steers it; the wake timer only looks at `paused`).
final class ReplayBackend: DashboardBackend, @unchecked Sendable {
    private let lock = NSLock()
    private let player: ReplayPlayer
    private var last: ClusterSnapshot
    private let label: String
    private var timer: DispatchSourceTimer?

    /// While playing, the TUI is woken this often so the timeline and the snapshots move without a key.
    static let frameInterval: DispatchTimeInterval = .milliseconds(100)

    init(player: ReplayPlayer, first: ClusterSnapshot, label: String) {
        self.player = player
        self.last = first
        self.label = label
    }

    static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func latestSnapshot() -> ClusterSnapshot {
        lock.withLock {
            if let snapshot = player.snapshot(nowMs: Self.wallMs()) { last = snapshot }
            return last
        }
    }

    func refreshNow() {}
    func changeHealthInterval(by deltaMs: Int64) {}
    var fixedIntervalReason: String? {
        "replaying a recording: nothing polls (recorded health interval \(player.reader.header.healthIntervalMs) ms)"
    }
    func healthIntervalMs() -> Int64 { player.reader.header.healthIntervalMs }
    func injectFault(node: String, mode: DemoFault) {}
    var sourceLabel: String? { label }

    var replayStatus: ReplayStatus? {
        lock.withLock {
            ReplayStatus(positionMs: player.positionMs, startMs: player.startMs, endMs: player.endMs, speed: player.speed,
                         paused: player.paused, problem: player.problem?.description)
        }
    }

    func replay(_ control: ReplayControl) {
        lock.withLock {
            // Bring the playhead to now first: time played before the key counts, a pause does not.
            _ = player.snapshot(nowMs: Self.wallMs())
            switch control {
            case .togglePause: player.togglePause()
            case .stepBack: player.step(-1)
            case .stepForward: player.step(1)
            case .slower: player.slower()
            case .faster: player.faster()
            case .jumpBack: player.jump(seconds: -60)
            case .jumpForward: player.jump(seconds: 60)
            case .start: player.seek(toMs: player.startMs)
            case .end: player.seek(toMs: player.endMs)
            }
        }
    }

    func onSnapshotChange(_ wake: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + Self.frameInterval, repeating: Self.frameInterval)
        timer.setEventHandler { [weak self] in
            guard let self, !self.lock.withLock({ self.player.paused }) else { return }
            wake()
        }
        lock.withLock { self.timer = timer }
        timer.resume()
    }

    func stop() {
        lock.withLock {
            timer?.cancel()
            timer = nil
        }
    }
}

/// `lassotop --record FILE`: records what the TUI's monitor publishes, exactly as `lassotop record` does.
struct RecordingTask {
    let writer: RecordWriter
    let path: String
    let task: Task<Void, any Error>

    static func start(path: String, monitor: ClusterMonitor) throws -> RecordingTask {
        let options = RecordWriterOptions()
        let header = MonitorRecorder.header(config: monitor.config, lassotopVersion: Lassotop.configuration.version,
                                            startedAtMs: Int64(Date().timeIntervalSince1970 * 1000), options: options)
        let writer: RecordWriter
        do { writer = try RecordWriter(path: path, header: header, options: options) } catch {
            throw ValidationError("--record \(TerminalText.sanitize(path)): \(TerminalText.sanitize("\(error)"))")
        }
        let task = Task { _ = try await MonitorRecorder.run(monitor: monitor, writer: writer) }
        return RecordingTask(writer: writer, path: path, task: task)
    }

    /// Stops the loop, flushes and closes the file, and says what was written (stderr, after the terminal is back).
    func finish() async throws {
        task.cancel()
        _ = await task.result
        try writer.close()
        FileHandle.standardError.write(Data("recorded \(writer.records) snapshots, \(writer.bytesWritten) bytes to \(TerminalText.sanitize(path))\n".utf8))
    }
}
