import Foundation
import LassoCore
import LassoTUI

/// Carries out the effects the pure reducer asks for: talks to the backend, loads themes, writes export files and
/// puts the outcome in the status line. Everything it touches is passed in, so a test can run it with a fake
/// screen, a fake backend and a temporary directory.
public struct EffectInterpreter {
    public let backend: any DashboardBackend
    public let themes: ThemeLoader
    public let exportDirectory: String
    /// Wall clock in ms (export file names).
    public let nowMs: () -> Int64
    /// Where a theme picked with `t` or `:theme` is remembered (nil: not remembered).
    public var themeStateFile: String?

    public init(backend: any DashboardBackend, themes: ThemeLoader, exportDirectory: String,
                nowMs: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.backend = backend
        self.themes = themes
        self.exportDirectory = exportDirectory
        self.nowMs = nowMs
    }

    public struct Outcome: Equatable, Sendable {
        /// `q`: leave the loop with status 0.
        public var quit = false
        /// What is on screen can no longer be trusted (new theme, Ctrl-L): draw the next frame in full.
        public var repaint = false
        /// Paths written by export effects.
        public var exported: [String] = []
    }

    public func run(_ effects: [Effect], state: inout UIState, snapshot: ClusterSnapshot, screen: any TerminalScreen) -> Outcome {
        var outcome = Outcome()
        for effect in effects {
            switch effect {
            case .quit:
                outcome.quit = true
                return outcome
            case .refreshNow:
                backend.refreshNow()
            case .changeInterval(let delta):
                if let reason = backend.fixedIntervalReason {
                    state.statusMessage = reason
                } else {
                    backend.changeHealthInterval(by: delta)
                    state.statusMessage = "health poll interval: \(backend.healthIntervalMs()) ms"
                }
            case .nextTheme, .setTheme:
                let names = themes.availableNames()
                let index = names.firstIndex(of: state.themeName) ?? -1
                var name = names[(index + 1) % names.count]
                if case .setTheme(let chosen) = effect { name = chosen }
                do {
                    let theme = try themes.load(name)
                    state.themeName = name
                    screen.apply(theme: theme)
                    outcome.repaint = true
                    state.statusMessage = "theme: \(name)" + (screen.depth == .monochrome ? " (colours off: NO_COLOR/--no-color)" : "")
                    if let file = themeStateFile {
                        do { try ThemeChoice.remember(name, path: file) } catch {
                            state.statusMessage = "theme: \(name) (not remembered: \(file): \(error.localizedDescription))"
                        }
                    }
                } catch {
                    // `t` moves past a broken theme; `:theme` keeps the one in use.
                    if case .nextTheme = effect { state.themeName = name }
                    state.statusMessage = "\(error)"
                }
            case .export(let request):
                let document = Exporter.document(for: request, state: state, snapshot: snapshot, nowMs: nowMs())
                let path = (exportDirectory as NSString).appendingPathComponent(document.fileName)
                do {
                    try document.contents.write(toFile: path, atomically: true, encoding: .utf8)
                    state.statusMessage = "exported \(path)"
                    outcome.exported.append(path)
                } catch {
                    state.statusMessage = "export failed: \(error.localizedDescription)"
                }
            case .injectFault(let node, let mode):
                backend.injectFault(node: node, mode: mode)
            case .replay(let control):
                backend.replay(control)
            case .redraw:
                screen.forceFullRedraw()
                outcome.repaint = true
            }
        }
        return outcome
    }
}
