import CNCurses
import Foundation
import LassoTUI

/// The thin ncursesw layer: opens the terminal, turns a CellGrid into one `doupdate` per frame, reads keys.
/// Every curses call happens on the thread that runs `TUIApp.run`.
final class CursesScreen: TerminalScreen {
    private let screen: OpaquePointer
    private let input: UnsafeMutablePointer<FILE>?
    private var painter = CursesPainter()
    var depth: ColorDepth { painter.depth }
    private var closed = false

    private init(screen: OpaquePointer, input: UnsafeMutablePointer<FILE>?) {
        self.screen = screen
        self.input = input
    }

    /// newterm on stdout; keys from stdin, or from /dev/tty when stdin is a pipe (`producer | lassotop`).
    static func open() throws -> CursesScreen {
        var input: UnsafeMutablePointer<FILE>? = nil
        if isatty(STDIN_FILENO) != 1 {
            guard let tty = fopen("/dev/tty", "r") else { throw TUIError.noKeyboard(String(cString: strerror(errno))) }
            input = tty
        }
        guard let screen = newterm(nil, cn_stdout(), input ?? cn_stdin()) else {
            if let input { fclose(input) }
            throw TUIError.terminalInit("newterm failed (is TERM set to a known terminal?)")
        }
        set_term(screen)
        cursesActive.store(true, ordering: .relaxed)
        atexit {
            // Crash/exit paths that skip `close()` still get a usable terminal back.
            if cursesActive.exchange(false, ordering: .relaxed) { endwin() }
        }
        cbreak()      // not raw(): Ctrl-C must still raise SIGINT
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        if ProcessInfo.processInfo.environment["ESCDELAY"] == nil { set_escdelay(25) }
        curs_set(0)
        wtimeout(cn_stdscr(), 100)
        leaveok(cn_stdscr(), true)
        return CursesScreen(screen: screen, input: input)
    }

    func close() {
        guard !closed else { return }
        closed = true
        if cursesActive.exchange(false, ordering: .relaxed) {
            curs_set(1)
            endwin()
        }
        delscreen(screen)
        if let input { fclose(input) }
    }

    func size() -> GridSize {
        GridSize(width: Int(getmaxx(cn_stdscr())), height: Int(getmaxy(cn_stdscr())))
    }

    func configureColors(monochrome: Bool) { painter.configureColors(monochrome: monochrome) }

    func apply(theme: Theme) { painter.apply(theme: theme) }

    /// One frame: see `CursesPainter.drawFrame`; control strings go to stdout, where newterm writes.
    func draw(_ grid: CellGrid) {
        painter.drawFrame(grid) { cn_emit($0) }
    }

    func forceFullRedraw() { cn_force_full_redraw() }

    /// One key, or nil after the ~100 ms timeout (or an interrupted read).
    func readKey() -> Key? {
        var value: wint_t = 0
        let result = wget_wch(cn_stdscr(), &value)
        if result == ERR { return nil }
        if result == cn_key_code_yes() {
            switch Int32(value) {
            case KEY_RESIZE: return .resize
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE, KEY_DC: return .backspace
            case KEY_ENTER: return .enter
            default: return nil
            }
        }
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(value + 96)!))
        default:
            guard let scalar = Unicode.Scalar(value), value >= 32 else { return nil }
            return .char(Character(scalar))
        }
    }
}
