import CNCurses
import Foundation
import LassoCore
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
    /// Demo only (modes: ok down slow garbage error500 restart partition).
    func injectFault(node: String, mode: String)
    /// Empty when not watching the embedded demo.
    var demoNodeNames: [String] { get }
}

public struct TUIOptions: Sendable {
    /// A theme name or a path to a .toml file; nil = default-dark.
    public var theme: String?
    /// --no-color (NO_COLOR in the environment does the same).
    public var noColor: Bool
    /// --ascii: ASCII borders and sparklines even in a UTF-8 locale.
    public var ascii: Bool
    /// Searched before the shipped Themes/ (the lead passes $XDG_CONFIG_HOME/lassotop/themes).
    public var themeSearchDirs: [String]
    /// Where `e` writes its CSV/JSON files.
    public var exportDirectory: String

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
/// True while curses owns the terminal, so the atexit/crash hooks know whether to restore it.
let cursesActive = Atomic<Bool>(false)

public enum TUIApp {
    /// Runs the dashboard until q (0) or a signal (128 + signal: Ctrl-C 130, SIGTERM 143, SIGHUP 129).
    public static func run(backend: any DashboardBackend, options: TUIOptions) throws -> Int32 {
        guard isatty(STDOUT_FILENO) == 1 else { throw TUIError.notATerminal }
        let loader = ThemeLoader(searchDirectories: options.themeSearchDirs)
        var theme = try loader.load(options.theme ?? ThemeLoader.defaultName)   // a bad theme fails before the screen changes

        setlocale(LC_ALL, "")
        let screen = try CursesScreen.open()
        defer { screen.close() }
        installSignalHandlers()

        let environment = ProcessInfo.processInfo.environment
        let noColor = options.noColor || !(environment["NO_COLOR"] ?? "").isEmpty
        let codeset = String(cString: cn_codeset())
        let unicode = !options.ascii && (codeset.uppercased() == "UTF-8" || codeset.uppercased() == "UTF8")
        screen.configureColors(monochrome: noColor)
        screen.apply(theme: theme)

        var state = UIState(themeName: theme.name)
        var size = screen.size()
        state = Reducer.reduce(state, .resize(width: size.width, height: size.height), backend.latestSnapshot()).0
        var caps = RenderCaps(unicode: unicode, monochrome: screen.depth == .monochrome,
                              utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        var lastSnapshotKey: SnapshotKey?
        var lastSecond: Int64 = -1
        var lastGrid: CellGrid?
        var needsRedraw = true

        while true {
            let signal = pendingSignal.load(ordering: .relaxed)
            if signal != 0 { return 128 + signal }

            let snapshot = backend.latestSnapshot()
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let key = SnapshotKey(snapshot)
            if key != lastSnapshotKey || nowMs / 1000 != lastSecond { needsRedraw = true }
            if needsRedraw {
                lastSnapshotKey = key
                lastSecond = nowMs / 1000
                caps.utcOffsetSeconds = TimeZone.current.secondsFromGMT()
                let runtime = RuntimeInfo(healthIntervalMs: backend.healthIntervalMs(), memoryBytes: residentMemoryBytes())
                let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: size.width, height: size.height),
                                           caps: caps, nowMs: nowMs, runtime: runtime)
                if grid != lastGrid {
                    screen.draw(grid)
                    lastGrid = grid
                }
                needsRedraw = false
            }

            guard let input = screen.readKey() else { continue }   // timeout: ~100 ms
            if input == .resize {
                size = screen.size()
                state = Reducer.reduce(state, .resize(width: size.width, height: size.height), snapshot).0
                lastGrid = nil
                needsRedraw = true
                continue
            }
            guard let action = Keymap.action(for: input, state: state, isDemo: snapshot.isDemo) else { continue }
            let (next, effects) = Reducer.reduce(state, action, snapshot)
            state = next
            needsRedraw = true
            for effect in effects {
                switch effect {
                case .quit:
                    return 0
                case .refreshNow:
                    backend.refreshNow()
                case .changeInterval(let delta):
                    backend.changeHealthInterval(by: delta)
                    state.statusMessage = "health poll interval: \(backend.healthIntervalMs()) ms"
                case .nextTheme:
                    let names = loader.availableNames()
                    let index = names.firstIndex(of: state.themeName) ?? -1
                    let name = names[(index + 1) % names.count]
                    do {
                        theme = try loader.load(name)
                        state.themeName = name
                        screen.apply(theme: theme)
                        lastGrid = nil
                        state.statusMessage = "theme: \(name)" + (screen.depth == .monochrome ? " (colours off: NO_COLOR/--no-color)" : "")
                    } catch {
                        state.themeName = name
                        state.statusMessage = "\(error)"
                    }
                case .export(let request):
                    let document = Exporter.document(for: request, state: state, snapshot: snapshot,
                                                     nowMs: Int64(Date().timeIntervalSince1970 * 1000))
                    let path = (options.exportDirectory as NSString).appendingPathComponent(document.fileName)
                    do {
                        try document.contents.write(toFile: path, atomically: true, encoding: .utf8)
                        state.statusMessage = "exported \(path)"
                    } catch {
                        state.statusMessage = "export failed: \(error.localizedDescription)"
                    }
                case .injectFault(let node, let mode):
                    backend.injectFault(node: node, mode: mode)
                case .redraw:
                    screen.forceFullRedraw()
                    lastGrid = nil
                }
            }
        }
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

    /// What decides "the snapshot changed": a new publication or a change of the updating mark.
    struct SnapshotKey: Equatable {
        var generatedAtMs: Int64
        var updating: Bool
        var feedCount: Int
        init(_ snapshot: ClusterSnapshot) {
            generatedAtMs = snapshot.generatedAtMs
            updating = snapshot.updating
            feedCount = snapshot.feedStats.unique
        }
    }

    static func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { number in pendingSignal.store(number, ordering: .relaxed) }
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

    /// Resident set size from /proc (Linux); nil elsewhere.
    static func residentMemoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
