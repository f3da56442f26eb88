import CNCurses
import Foundation
import LassoCore
import LassoTUI
import Synchronization

/// What the TUI needs from the fetch layer. Every call must return at once: the UI never waits on the network.
public protocol DashboardBackend: Sendable {
    /// Non-blocking read of the newest published snapshot.
    func latestSnapshot() -> ClusterSnapshot
    /// Fire-and-forget Ctrl-R.
    func refreshNow()
    /// +/- keys; the backend clamps.
    func changeHealthInterval(by deltaMs: Int64)
    func healthIntervalMs() -> Int64
    /// Why +/- cannot change the interval here (this process does not poll: a hub, a recording), said instead of a
    /// new interval; nil when it polls.
    var fixedIntervalReason: String? { get }
    /// Demo only: the embedded demo cluster applies it; other backends ignore it.
    func injectFault(node: String, mode: DemoFault)
    /// Where the snapshots come from when this process does not poll the nodes itself, shown in the header
    /// ("via hub"); nil when polling.
    var sourceLabel: String? { get }
    /// Calls `wake` (from any thread, quickly) whenever a snapshot that differs from the last one is published, so
    /// the TUI sleeps until then instead of polling. Backends without such a signal keep the default: the TUI still
    /// looks at least once a second.
    func onSnapshotChange(_ wake: @escaping @Sendable () -> Void)
    /// `lassotop replay`: where the player stands (nil when live: no REPLAY mark, no timeline, no replay keys).
    var replayStatus: ReplayStatus? { get }
    /// The replay keys (only bound when `replayStatus` is non-nil).
    func replay(_ control: ReplayControl)
    /// `--record FILE`: true while the session is being recorded (REC mark).
    var isRecording: Bool { get }
    /// The beat an idle screen redraws on (clock, ages): the monitor's `--refresh`, on which it also publishes.
    var refreshMs: Int64 { get }
}

extension DashboardBackend {
    public var sourceLabel: String? { nil }
    public var fixedIntervalReason: String? { nil }
    public func onSnapshotChange(_ wake: @escaping @Sendable () -> Void) {}
    public var replayStatus: ReplayStatus? { nil }
    public func replay(_ control: ReplayControl) {}
    public var isRecording: Bool { false }
    public var refreshMs: Int64 { 1_000 }
}

public struct TUIOptions: Sendable {
    /// A theme name or a path to a .toml file; nil = default-dark.
    public var theme: String?
    /// Monochrome. The caller decides (lassotop: --no-color or NO_COLOR); the TUI does not read the environment.
    public var noColor: Bool
    /// --ascii: ASCII borders and sparklines even in a UTF-8 locale.
    public var ascii: Bool
    /// Searched before the shipped Themes/ (the lead passes $XDG_CONFIG_HOME/lassotop/themes).
    public var themeSearchDirs: [String]
    /// Where `e` writes its CSV/JSON files.
    public var exportDirectory: String
    /// Mouse reporting (click, double click, wheel); off with --no-mouse or `mouse = false` in the config file.
    public var mouse: Bool = true
    /// Where `t` / `:theme` remember the theme (`ThemeChoice.stateFile`); nil: not remembered.
    public var themeStateFile: String?

    public init(theme: String? = nil, noColor: Bool = false, ascii: Bool = false, themeSearchDirs: [String] = [],
                exportDirectory: String = FileManager.default.currentDirectoryPath) {
        self.theme = theme
        self.noColor = noColor
        self.ascii = ascii
        self.themeSearchDirs = themeSearchDirs
        self.exportDirectory = exportDirectory
    }
}

public enum TUIError: Error, CustomStringConvertible, Equatable {
    case notATerminal
    case noKeyboard(String)
    case terminalInit(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "lassotop: standard output is not a terminal, so the dashboard cannot start. For scripts and pipes use `lassotop snapshot` (add --json for machine-readable output)."
        case .noKeyboard(let reason): return "lassotop: cannot read the keyboard from /dev/tty: \(reason)"
        case .terminalInit(let reason): return "lassotop: cannot initialise the terminal: \(reason)"
        }
    }
}

/// Signal number that asked us to stop (0 = none). Handlers only store here; the loop calls endwin.
let pendingSignal = Atomic<Int32>(0)
/// The wake pipe's write end once the screen is open (-1 before): the signal handlers write a byte so the loop, asleep
/// in poll, sees the signal at once.
let wakeFD = Atomic<Int32>(-1)
/// True while curses owns the terminal, so the atexit/crash hooks know whether to restore it.
let cursesActive = Atomic<Bool>(false)

public enum TUIApp {
    /// Runs the dashboard until q (0) or a signal (128 + signal: Ctrl-C 130, SIGTERM 143, SIGHUP 129).
    public static func run(backend: any DashboardBackend, options: TUIOptions) throws -> Int32 {
        guard isatty(STDOUT_FILENO) == 1 else { throw TUIError.notATerminal }
        let loader = ThemeLoader(searchDirectories: options.themeSearchDirs)
        let theme = try loader.load(options.theme ?? ThemeLoader.defaultName)   // a bad theme fails before the screen changes

        setlocale(LC_ALL, "")
        let screen = try CursesScreen.open(mouse: options.mouse)
        defer { screen.close() }
        wakeFD.store(screen.wake.writeFD, ordering: .relaxed)
        installSignalHandlers()
        let wakeWriter = screen.wake.writeFD
        backend.onSnapshotChange { WakePipe.signal(fd: wakeWriter) }

        let noColor = options.noColor   // decided once by the caller (NO_COLOR, --no-color: Sources/lassotop/Top.swift)
        let codeset = String(cString: cn_codeset())
        let unicode = !options.ascii && (codeset.uppercased() == "UTF-8" || codeset.uppercased() == "UTF8")
        screen.configureColors(monochrome: noColor)
        screen.apply(theme: theme)

        var interpreter = EffectInterpreter(backend: backend, themes: loader, exportDirectory: options.exportDirectory)
        interpreter.themeStateFile = options.themeStateFile
        var loop = DashboardLoop(screen: screen, backend: backend,
                                 interpreter: interpreter,
                                 caps: RenderCaps(unicode: unicode, monochrome: screen.depth == .monochrome,
                                                  utcOffsetSeconds: TimeZone.current.secondsFromGMT()))
        loop.memoryBytes = residentMemoryBytes
        loop.pendingSignal = { pendingSignal.load(ordering: .relaxed) }
        var state = UIState(themeName: theme.name)
        state.replayMode = backend.replayStatus != nil
        state.themeNames = loader.availableNames()
        return loop.run(state: state)
    }

    /// `run` on a thread of its own, for callers in async code: the loop blocks its thread (ncurses wants every call
    /// on one thread), and blocking a cooperative-pool thread would starve the pollers on a 2-core machine.
    public static func runOnDedicatedThread(backend: any DashboardBackend, options: TUIOptions) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try run(backend: backend, options: options) })
            }
            thread.name = "lassotop-tui"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    static func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { number in
                pendingSignal.store(number, ordering: .relaxed)
                let fd = wakeFD.load(ordering: .relaxed)
                if fd >= 0 { WakePipe.signal(fd: fd) }
            }
        }
        // Crash paths: give the terminal back, then die the way we would have.
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(sig) { number in
                if cursesActive.load(ordering: .relaxed) { endwin() }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    /// Resident set size from /proc (Linux); nil elsewhere. Read on every frame, so the file stays open and each
    /// read is one `pread` (a proc file is regenerated at offset 0), not an open, stat, read and close.
    static func residentMemoryBytes() -> Int? {
        let fd = statmFD
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * pageSize
    }

    private static let statmFD: Int32 = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
}
