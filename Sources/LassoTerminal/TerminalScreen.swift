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
    /// One key, or nil when none arrives within the screen's short timeout (~100 ms).
    func readKey() -> Key?
}
