import LassoTUI

/// What the run loop needs from a terminal. `CursesScreen` is the real one; tests drive the loop with a fake.
/// Every call happens on the loop's thread.
public protocol TerminalScreen: AnyObject {
    /// Current size in cells.
    func size() -> GridSize
    /// Colours available after setup (monochrome under NO_COLOR / --no-color).
    var depth: ColorDepth { get }
    func apply(theme: Theme)
    /// Shows one frame.
    func draw(_ grid: CellGrid)
    /// Forget what is on screen: the next frame is sent in full (Ctrl-L).
    func forceFullRedraw()
    /// One key if one is ready, or nil (the loop calls it after `waitForInput` said there may be one).
    func readKey() -> Key?
    /// Blocks until a key may be ready (true), a wake-up arrived or `timeoutMs` passed (false). The loop sleeps here
    /// between frames, so an idle dashboard costs one wake-up per shown clock second plus one per published snapshot.
    func waitForInput(timeoutMs: Int) -> Bool
}

extension TerminalScreen {
    /// A screen without a file descriptor to wait on (test fakes): `readKey` answers at once.
    public func waitForInput(timeoutMs: Int) -> Bool { true }
}
