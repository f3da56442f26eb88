import CNCurses
import Foundation

/// The thin ncursesw layer: opens the terminal, turns a CellGrid into one `doupdate` per frame, reads keys.
/// Every curses call happens on the thread that runs `TUIApp.run`.
final class CursesScreen {
    private let screen: OpaquePointer
    private let input: UnsafeMutablePointer<FILE>?
    private(set) var depth: ColorDepth = .monochrome
    private var styles: [StyleRole: (attributes: attr_t, pair: Int32)] = [:]
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

    func size() -> (width: Int, height: Int) {
        (Int(getmaxx(cn_stdscr())), Int(getmaxy(cn_stdscr())))
    }

    func configureColors(monochrome: Bool) {
        guard !monochrome, has_colors() else {
            depth = .monochrome
            return
        }
        start_color()
        use_default_colors()   // colour -1 = the terminal's own foreground/background (themes' `default`)
        depth = ColorDepth.from(colors: Int(cn_colors()), hasColors: true)
    }

    func apply(theme: Theme) {
        styles = [:]
        for role in StyleRole.allCases {
            let style = theme.style(role)
            var attributes = attributes(style.attributes)
            var pair: Int32 = 0
            if depth != .monochrome {
                let fg = style.foreground.cursesColor(depth)
                let bg = style.background.cursesColor(depth)
                if fg != -1 || bg != -1 {
                    let allocated = alloc_pair(fg, bg)
                    pair = allocated > 0 ? allocated : 0
                }
            } else if role == .tableSelected || role == .banner {
                attributes |= cn_attr_reverse()
            }
            styles[role] = (attributes, pair)
        }
    }

    func attributes(_ set: TextAttributes) -> attr_t {
        var value = cn_attr_normal()
        if set.contains(.bold) { value |= cn_attr_bold() }
        if set.contains(.dim) { value |= cn_attr_dim() }
        if set.contains(.reverse) { value |= cn_attr_reverse() }
        if set.contains(.underline) { value |= cn_attr_underline() }
        return value
    }

    /// werase + cells + wnoutrefresh + one doupdate, inside synchronized-output markers (mode 2026) so the
    /// terminal shows the frame at once; terminals without the mode ignore it.
    func draw(_ grid: CellGrid) {
        let window = cn_stdscr()
        werase(window)
        let (width, height) = size()
        var buffer = [wchar_t](repeating: 0, count: 8)
        for y in 0..<min(height, grid.height) {
            for x in 0..<min(width, grid.width) {
                let cell = grid[x, y]
                if cell.isContinuation { continue }
                if cell.width == 2 && x + 1 >= width { continue }
                var count = 0
                for scalar in cell.grapheme.unicodeScalars where count < 5 {
                    buffer[count] = wchar_t(bitPattern: scalar.value)
                    count += 1
                }
                if count == 0 { buffer[0] = 32; count = 1 }
                buffer[count] = 0
                let style = styles[cell.role] ?? (cn_attr_normal(), 0)
                // The last cell of the screen: writing it may fail (cursor cannot advance); harmless.
                _ = cn_put_cell(window, Int32(y), Int32(x), buffer, style.attributes | attributes(cell.attributes), style.pair)
            }
        }
        wnoutrefresh(window)
        cn_emit("\u{1B}[?2026h")
        doupdate()
        cn_emit("\u{1B}[?2026l")
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
