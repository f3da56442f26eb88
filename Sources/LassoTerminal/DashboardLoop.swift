import Foundation
import LassoCore
import LassoTUI

/// The thin run loop: read the newest snapshot, render when it (or the clock's tick) changed, sleep until a key, a new
/// snapshot or the next tick, reduce, hand the effects to the interpreter. No curses here: the screen is any
/// `TerminalScreen`.
public struct DashboardLoop {
    public let screen: any TerminalScreen
    public let backend: any DashboardBackend
    public let interpreter: EffectInterpreter
    public var caps: RenderCaps
    /// Wall clock in ms, the local UTC offset, resident memory: injected so a test controls them.
    public var nowMs: () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    public var utcOffsetSeconds: () -> Int = { TimeZone.current.secondsFromGMT() }
    public var memoryBytes: () -> Int? = { nil }
    /// A signal number that asked us to stop, or 0.
    public var pendingSignal: () -> Int32 = { 0 }

    public init(screen: any TerminalScreen, backend: any DashboardBackend, interpreter: EffectInterpreter, caps: RenderCaps) {
        self.screen = screen
        self.backend = backend
        self.interpreter = interpreter
        self.caps = caps
    }

    /// Runs until q (0) or a signal (128 + signal).
    public mutating func run(state initial: UIState) -> Int32 {
        var state = initial
        var size = screen.size()
        state = Reducer.reduce(state, .resize(width: size.width, height: size.height), backend.latestSnapshot()).0
        var lastSnapshotKey: SnapshotKey?
        // An idle screen redraws for the clock and the ages on the backend's refresh (`--refresh`; the monitor
        // publishes on the same beat), so a second in which nothing changed costs no frame.
        let tickMs = backend.refreshMs
        var lastTick: Int64 = -1
        var lastGrid: CellGrid?
        var lastReplay: ReplayStatus?
        var lastRuntime = RuntimeInfo()
        var history = SnapshotHistory()
        var needsRedraw = true
        // Panels whose inputs did not change since the last frame are copied from it (the frame is the same).
        let memo = PanelMemo()

        while true {
            let signal = pendingSignal()
            if signal != 0 { return 128 + signal }

            let live = backend.latestSnapshot()
            var now = nowMs()
            // Live time travel: the snapshot from memory `travelBackMs` ago, drawn as at its own moment (clock and
            // ages), with the -2m mark. Not in replay, which has its own timeline.
            var travelOffset: Int64?
            var snapshot = live
            if !state.replayMode {
                history.add(live)
                travelOffset = 0
                if state.travelBackMs > 0, let past = history.snapshot(atOrBefore: live.generatedAtMs - state.travelBackMs) {
                    snapshot = past
                    travelOffset = live.generatedAtMs - past.generatedAtMs
                    now -= travelOffset!
                }
            }
            let key = SnapshotKey(snapshot)
            // Replay: the timeline moves between snapshots, and "now" on screen is the playhead, not the wall clock.
            let replay = backend.replayStatus
            let tick = Beat.index(of: now, period: tickMs)
            if key != lastSnapshotKey || tick != lastTick || replay != lastReplay { needsRedraw = true }
            if needsRedraw {
                lastSnapshotKey = key
                lastTick = tick
                lastReplay = replay
                caps.utcOffsetSeconds = utcOffsetSeconds()
                var runtime = RuntimeInfo(healthIntervalMs: backend.healthIntervalMs(), memoryBytes: memoryBytes(),
                                          source: backend.sourceLabel, replay: replay, recording: backend.isRecording)
                runtime.travelOffsetMs = travelOffset
                lastRuntime = runtime
                let grid = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps,
                                           nowMs: replay?.positionMs ?? now, runtime: runtime, memo: memo)
                if grid != lastGrid {
                    screen.draw(grid)
                    lastGrid = grid
                }
                needsRedraw = false
            }

            // Sleep until a key, a published snapshot (the backend's wake-up) or the clock's next tick. The tick's
            // wake-up comes `clockGraceMs` after it: the monitor's polls are aligned to the same beat, so the snapshot
            // they produce usually arrives first and one frame shows both.
            guard screen.waitForInput(timeoutMs: Int(Beat.msToNext(after: nowMs(), period: tickMs)) + Self.clockGraceMs) else { continue }
            // While text is typed (`/`, `:`), every key already waiting is taken before the next frame (up to
            // `maxKeysPerFrame`): a paste arrives as thousands of keys, and one frame per key froze the UI for minutes.
            // Other keys keep one frame each.
            var taken = 0
            repeat {
                guard let input = screen.readKey() else { break }
                taken += 1
                if input == .resize {
                    size = screen.size()
                    state = Reducer.reduce(state, .resize(width: size.width, height: size.height), snapshot).0
                    lastGrid = nil
                    needsRedraw = true
                    continue
                }
                let actions: [Action]
                if case .mouse(let event) = input {
                    actions = MouseInput.actions(for: event, state: state, snapshot: snapshot, size: size, caps: caps,
                                                 nowMs: lastRuntime.replay?.positionMs ?? now, runtime: lastRuntime)
                } else if let action = Keymap.action(for: input, state: state, isDemo: snapshot.isDemo) {
                    actions = [action]
                } else {
                    continue
                }
                for action in actions {
                    let (next, effects) = Reducer.reduce(state, action, snapshot)
                    state = next
                    // Back no further than memory holds (rounded up to a whole step, so one `]` comes forward).
                    let depth = history.depthMs(from: live.generatedAtMs)
                    let steps = (depth + UIState.travelStepMs - 1) / UIState.travelStepMs
                    state.travelBackMs = min(state.travelBackMs, steps * UIState.travelStepMs)
                    needsRedraw = true
                    let outcome = interpreter.run(effects, state: &state, snapshot: snapshot, screen: screen)
                    if outcome.quit { return 0 }
                    if outcome.repaint { lastGrid = nil }
                }
            } while taken < Self.maxKeysPerFrame && (state.filterEditing || state.commandEditing)
                && screen.waitForInput(timeoutMs: 0)
        }
    }

    /// Keys handled between two frames at most, so a long paste still shows progress.
    static let maxKeysPerFrame = 512

    /// How long after a tick the idle wake-up comes (the tick's snapshot usually arrives before it). The wait to the
    /// tick itself is at least 1 ms (`Beat.msToNext` is strictly after now), so a boundary is never polled twice.
    static let clockGraceMs = 150

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
}
