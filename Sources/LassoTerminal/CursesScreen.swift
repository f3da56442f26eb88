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
    /// The descriptor ncurses reads keys from, and a pipe whose write end wakes `waitForInput` from any thread.
    private let inputFD: Int32
    let wake: WakePipe
    /// A key was just read: ncurses may hold more bytes than the descriptor shows, so ask it once more before sleeping.
    private var mayHoldKeys = false
    /// The last left press (cell and monotonic ms): a second press on the same cell within `doubleClickMs` is a
    /// double click. ncurses could resolve clicks itself, but only by holding every single click back that long.
    fileprivate var lastPress: (x: Int, y: Int, ms: UInt64)?
    static let doubleClickMs: UInt64 = 400

    private init(screen: OpaquePointer, input: UnsafeMutablePointer<FILE>?, wake: WakePipe) {
        self.screen = screen
        self.input = input
        self.inputFD = input.map { fileno($0) } ?? STDIN_FILENO
        self.wake = wake
    }

    /// newterm on stdout; keys from stdin, or from /dev/tty when stdin is a pipe (`producer | lassotop`).
    static func open(mouse: Bool = false) throws -> CursesScreen {
        var input: UnsafeMutablePointer<FILE>? = nil
        if isatty(STDIN_FILENO) != 1 {
            guard let tty = fopen("/dev/tty", "r") else { throw TUIError.noKeyboard(String(cString: strerror(errno))) }
            input = tty
        }
        guard let wake = WakePipe() else {
            if let input { fclose(input) }
            throw TUIError.terminalInit("pipe: \(String(cString: strerror(errno)))")
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
        wtimeout(cn_stdscr(), 0)   // never blocks: the loop sleeps in poll (waitForInput)
        leaveok(cn_stdscr(), true)
        // No typeahead check inside doupdate: ncurses flushed its output and polled the keyboard every few lines
        // (≈ 90 writes and 6 polls per frame); the loop reads keys between frames anyway, so a frame is one write.
        typeahead(-1)
        // ncurses 6.4 flushes its output on every cursor move inside doupdate (a write per jump, ≈ 80 a frame)
        // until the screen has once been left and resumed; after that a frame is written once, at its end.
        endwin()
        doupdate()
        // Mouse reporting (--no-mouse or `mouse = false` keep it off); terminals still select text with Shift held.
        if mouse { _ = cn_enable_mouse(1) }
        return CursesScreen(screen: screen, input: input, wake: wake)
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

    func waitForInput(timeoutMs: Int) -> Bool {
        if mayHoldKeys { return true }
        var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 2, Int32(max(0, timeoutMs)))
        if ready < 0 { return errno == EINTR }   // SIGWINCH: ncurses has a KEY_RESIZE to hand out
        if fds[1].revents != 0 { wake.drain() }
        return fds[0].revents != 0
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

    func forceFullRedraw() {
        painter.invalidate()
        cn_force_full_redraw()
    }

    /// One key, or nil when none is ready (or an interrupted read).
    func readKey() -> Key? {
        var value: wint_t = 0
        let result = wget_wch(cn_stdscr(), &value)
        mayHoldKeys = result != ERR
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
            case cn_key_mouse(): return mouseKey()
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

extension CursesScreen {
    /// The pending mouse event as a key: left press (click or double click) or a wheel step; others are dropped.
    func mouseKey() -> Key? {
        var x: Int32 = 0, y: Int32 = 0, kind: Int32 = 0
        guard cn_mouse_event(&x, &y, &kind) != 0 else { return nil }
        switch kind {
        case 1:
            let now = DispatchTime.now().uptimeNanoseconds / 1_000_000
            let double = lastPress.map { $0.x == Int(x) && $0.y == Int(y) && now - $0.ms <= Self.doubleClickMs } ?? false
            lastPress = double ? nil : (Int(x), Int(y), now)
            return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: double ? .doubleClick : .click))
        case 2:
            lastPress = nil
            return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: .doubleClick))
        case 4: return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: .wheelUp))
        case 5: return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: .wheelDown))
        default: return nil
        }
    }
}

/// A non-blocking pipe: `signal()` may be called from any thread or a signal handler (one `write`), and the TUI thread
/// polls the read end next to the terminal. Never closed: a publisher or a signal may still write after the screen
/// closed, and a closed descriptor's number could by then belong to another file (two descriptors, one per process).
final class WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init?() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    func signal() { WakePipe.signal(fd: writeFD) }

    /// Async-signal-safe: one write; a full pipe already holds a wake-up.
    static func signal(fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }
}
