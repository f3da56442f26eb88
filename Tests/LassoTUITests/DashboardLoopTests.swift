import Foundation
import LassoCore
import XCTest
@testable import LassoTUI
@testable import LassoTerminal

/// A screen that replays scripted keys and records what the loop asked of it.
final class FakeScreen: TerminalScreen {
    var keys: [Key?]
    var currentSize: GridSize
    var depth: ColorDepth
    var frames: [CellGrid] = []
    var themes: [String] = []
    var fullRedraws = 0

    init(keys: [Key?], size: GridSize = GridSize(width: 120, height: 40), depth: ColorDepth = .palette256) {
        self.keys = keys
        self.currentSize = size
        self.depth = depth
    }

    func size() -> GridSize { currentSize }
    func apply(theme: Theme) { themes.append(theme.name) }
    func draw(_ grid: CellGrid) { frames.append(grid) }
    func forceFullRedraw() { fullRedraws += 1 }
    /// Sizes the terminal takes, one per `.resize` key read.
    var resizes: [GridSize] = []

    /// Scripted keys in order; `q` once the script is used up, so a loop under test always ends.
    func readKey() -> Key? {
        let key = keys.isEmpty ? .char("q") : keys.removeFirst()
        if key == .resize, !resizes.isEmpty { currentSize = resizes.removeFirst() }
        return key
    }

    var lastFrameText: String { frames.last?.text ?? "" }
}

/// A backend that records the calls effects make (a fixed snapshot; the interval is clamped like the real one).
final class RecordingBackend: DashboardBackend, @unchecked Sendable {
    private let lock = NSLock()
    let snapshot: ClusterSnapshot
    private var interval: Int64 = 2000
    /// Set to play a backend that does not poll (hub viewer, replay).
    var fixedIntervalReason: String?
    private(set) var refreshes = 0
    private(set) var faults: [String] = []

    init(snapshot: ClusterSnapshot) { self.snapshot = snapshot }
    func latestSnapshot() -> ClusterSnapshot { snapshot }
    func refreshNow() { lock.withLock { refreshes += 1 } }
    func changeHealthInterval(by deltaMs: Int64) { lock.withLock { interval = min(max(500, interval + deltaMs), 60_000) } }
    func healthIntervalMs() -> Int64 { lock.withLock { interval } }
    func injectFault(node: String, mode: DemoFault) { lock.withLock { faults.append("\(node):\(mode.rawValue)") } }
}

final class EffectInterpreterTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "lassotop-effects-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func interpreter(_ backend: RecordingBackend) -> EffectInterpreter {
        EffectInterpreter(backend: backend, themes: ThemeLoader(searchDirectories: []), exportDirectory: directory, nowMs: { Fixtures.nowMs })
    }

    func testExportWritesTheFileAndSaysWhere() throws {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var state = UIState()
        let outcome = interpreter(backend).run([.export(ExportRequest(page: .view(.overview), pane: .providers))], state: &state,
                                               snapshot: backend.snapshot, screen: FakeScreen(keys: []))
        XCTAssertEqual(outcome.exported.count, 1)
        let path = try XCTUnwrap(outcome.exported.first)
        XCTAssertTrue(path.hasPrefix(directory))
        XCTAssertEqual(state.statusMessage, "exported \(path)")
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(contents.hasPrefix("chain,provider_id,provider,"), contents)
    }

    func testExportIntoAMissingDirectoryReportsTheFailure() {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        let broken = EffectInterpreter(backend: backend, themes: ThemeLoader(searchDirectories: []), exportDirectory: directory + "/missing/deeper")
        var state = UIState()
        let outcome = broken.run([.export(ExportRequest(page: .view(.feed), pane: .feed))], state: &state, snapshot: backend.snapshot,
                                 screen: FakeScreen(keys: []))
        XCTAssertEqual(outcome.exported, [])
        XCTAssertTrue(state.statusMessage?.hasPrefix("export failed: ") ?? false, state.statusMessage ?? "nil")
    }

    func testNextThemeLoadsAppliesAndAsksForAFullRepaint() throws {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        let names = ThemeLoader(searchDirectories: []).availableNames()
        XCTAssertGreaterThan(names.count, 1)
        var state = UIState(themeName: names[0])
        let screen = FakeScreen(keys: [])
        let outcome = interpreter(backend).run([.nextTheme], state: &state, snapshot: backend.snapshot, screen: screen)
        XCTAssertEqual(screen.themes, [names[1]])
        XCTAssertEqual(state.themeName, names[1])
        XCTAssertEqual(state.statusMessage, "theme: \(names[1])")
        XCTAssertTrue(outcome.repaint)
        // The last theme wraps to the first; without colours the message says why nothing changes.
        state.themeName = names[names.count - 1]
        _ = interpreter(backend).run([.nextTheme], state: &state, snapshot: backend.snapshot, screen: FakeScreen(keys: [], depth: .monochrome))
        XCTAssertEqual(state.themeName, names[0])
        XCTAssertEqual(state.statusMessage, "theme: \(names[0]) (colours off: NO_COLOR/--no-color)")
    }

    func testBackendEffectsReachTheBackend() {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var state = UIState()
        let outcome = interpreter(backend).run([.refreshNow, .changeInterval(byMs: 500), .injectFault(node: "iad-1", mode: .slow)],
                                               state: &state, snapshot: backend.snapshot, screen: FakeScreen(keys: []))
        XCTAssertFalse(outcome.quit)
        XCTAssertEqual(backend.refreshes, 1)
        XCTAssertEqual(backend.healthIntervalMs(), 2500)
        XCTAssertEqual(backend.faults, ["iad-1:slow"])
        XCTAssertEqual(state.statusMessage, "health poll interval: 2500 ms")
    }

    /// A hub viewer or a replay does not poll: +/- must say so, not claim a new interval.
    func testIntervalKeysOnABackendThatDoesNotPollSayWhyAndChangeNothing() {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        backend.fixedIntervalReason = "replaying a recording: nothing polls (recorded health interval 2000 ms)"
        var state = UIState()
        _ = interpreter(backend).run([.changeInterval(byMs: 500)], state: &state, snapshot: backend.snapshot,
                                     screen: FakeScreen(keys: []))
        XCTAssertEqual(backend.healthIntervalMs(), 2000)
        XCTAssertEqual(state.statusMessage, "replaying a recording: nothing polls (recorded health interval 2000 ms)")
    }

    func testQuitStopsBeforeLaterEffectsAndRedrawForcesAFullFrame() {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var state = UIState()
        let screen = FakeScreen(keys: [])
        let redraw = interpreter(backend).run([.redraw], state: &state, snapshot: backend.snapshot, screen: screen)
        XCTAssertEqual(screen.fullRedraws, 1)
        XCTAssertTrue(redraw.repaint)
        let quit = interpreter(backend).run([.quit, .refreshNow], state: &state, snapshot: backend.snapshot, screen: screen)
        XCTAssertTrue(quit.quit)
        XCTAssertEqual(backend.refreshes, 0)
    }
}

final class DashboardLoopTests: XCTestCase {
    func loop(_ screen: FakeScreen, _ backend: RecordingBackend, signal: @escaping () -> Int32 = { 0 }) -> DashboardLoop {
        var loop = DashboardLoop(screen: screen, backend: backend,
                                 interpreter: EffectInterpreter(backend: backend, themes: ThemeLoader(searchDirectories: []),
                                                                exportDirectory: NSTemporaryDirectory(), nowMs: { Fixtures.nowMs }),
                                 caps: RenderCaps())
        loop.nowMs = { Fixtures.nowMs }
        loop.utcOffsetSeconds = { 0 }
        loop.pendingSignal = signal
        return loop
    }

    func testDrawsTheOverviewAndQuitsWithStatusZero() {
        let screen = FakeScreen(keys: [nil, .char("q")])
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var loop = loop(screen, backend)
        XCTAssertEqual(loop.run(state: UIState()), 0)
        // Nothing changed between the timeout and q: one frame only.
        XCTAssertEqual(screen.frames.count, 1)
        XCTAssertEqual(screen.frames[0].width, 120)
        XCTAssertTrue(screen.lastFrameText.contains("Providers"), screen.lastFrameText)
    }

    func testKeysGoThroughTheKeymapReducerAndInterpreter() {
        // 2 → Nodes view; + → interval up (status line); Ctrl-R → refresh; then q.
        let screen = FakeScreen(keys: [.char("2"), .char("+"), .ctrl("r"), .char("q")])
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var loop = loop(screen, backend)
        XCTAssertEqual(loop.run(state: UIState()), 0)
        XCTAssertEqual(backend.healthIntervalMs(), 2500)
        XCTAssertEqual(backend.refreshes, 1)
        let texts = screen.frames.map(\.text)
        XCTAssertTrue(texts.contains { $0.contains("health poll interval: 2500 ms") })
        XCTAssertTrue(texts.last?.contains("POLL OK") ?? false, "the Nodes view's wide table is on screen")
    }

    func testResizeRendersAtTheNewSize() {
        let screen = FakeScreen(keys: [.resize, .char("q")], size: GridSize(width: 80, height: 24))
        screen.resizes = [GridSize(width: 120, height: 40)]
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var loop = loop(screen, backend)
        XCTAssertEqual(loop.run(state: UIState()), 0)
        XCTAssertEqual(screen.frames.map { "\($0.width)x\($0.height)" }, ["80x24", "120x40"])
    }

    func testASignalEndsTheLoopWith128PlusItsNumber() {
        let screen = FakeScreen(keys: Array(repeating: nil, count: 5))
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var polls = 0
        var loop = loop(screen, backend, signal: {
            polls += 1
            return polls >= 3 ? 15 : 0
        })
        XCTAssertEqual(loop.run(state: UIState()), 143)
        XCTAssertEqual(screen.keys.count, 3, "two timeouts were read before the signal was seen")
    }
}
