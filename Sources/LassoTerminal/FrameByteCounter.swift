import CNCurses
import Foundation
import LassoTUI
import Glibc

/// Counts the bytes ncurses writes to the terminal per frame: a curses screen opened with `newterm` on a temporary
/// file (not a tty) of the given size and terminal type, drawn through the same `CursesPainter` as the live TUI.
/// For the bench's "bytes per steady frame" figure. Not thread-safe; use from one thread, one counter at a time
/// (curses has one current screen), and never while the live TUI runs in the same process.
public final class FrameByteCounter {
    private let screen: OpaquePointer
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    private var painter = CursesPainter()
    private var closed = false

    public enum CounterError: Error, CustomStringConvertible {
        case setup(String)
        public var description: String {
            switch self { case .setup(let reason): return "frame byte counter: \(reason)" }
        }
    }

    /// - Parameters:
    ///   - terminalType: a terminfo name (what TERM would be), e.g. "tmux-256color" or "xterm-256color".
    ///   - theme: the theme whose colours are used (default: the default theme, as the live TUI starts with).
    public init(width: Int, height: Int, terminalType: String = "tmux-256color", theme: Theme? = nil) throws {
        let theme = try theme ?? ThemeLoader(searchDirectories: []).load(ThemeLoader.defaultName)
        setlocale(LC_ALL, "C.UTF-8")   // wide characters need a UTF-8 locale, as the live TUI has
        var template = Array((NSTemporaryDirectory() + "lassotop-frame-bytes-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw CounterError.setup("mkstemp: \(String(cString: strerror(errno)))") }
        unlink(String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))   // only the descriptor is needed
        // Append mode: ncurses writes through the descriptor and we through the FILE; both must land at the end.
        guard let output = fdopen(fd, "a") else {
            Glibc.close(fd)
            throw CounterError.setup("fdopen failed")
        }
        guard let input = fopen("/dev/null", "r") else {
            fclose(output)
            throw CounterError.setup("cannot open /dev/null")
        }
        guard let screen = newterm(terminalType, output, input) else {
            fclose(output)
            fclose(input)
            throw CounterError.setup("newterm(\(terminalType)) failed: unknown terminal type?")
        }
        self.screen = screen
        self.output = output
        self.input = input
        set_term(screen)
        resizeterm(Int32(height), Int32(width))
        // The same output modes as `CursesScreen.open`: they decide which cursor moves ncurses may use.
        nonl()
        curs_set(0)
        leaveok(cn_stdscr(), true)
        typeahead(-1)
        painter.configureColors(monochrome: false)
        painter.apply(theme: theme)
    }

    deinit { close() }

    /// Bytes written to the terminal so far (setup strings included).
    public var totalBytes: Int {
        fflush(output)
        var info = stat()
        return fstat(fileno(output), &info) == 0 ? Int(info.st_size) : 0
    }

    /// Draws `grid` as the live TUI would and returns the bytes that frame wrote (synchronized-output markers
    /// included). The first frame paints everything; later ones only what changed.
    @discardableResult
    public func draw(_ grid: CellGrid) -> Int {
        precondition(!closed, "FrameByteCounter used after close()")
        set_term(screen)
        let before = totalBytes
        let output = self.output
        painter.drawFrame(grid) { text in
            fputs(text, output)
            fflush(output)
        }
        return totalBytes - before
    }

    /// What the curses window holds now, one string per row (a wide character once), to check that a frame painted
    /// from the cells that changed leaves the same window as a frame painted whole.
    public func windowLines() -> [String] {
        precondition(!closed, "FrameByteCounter used after close()")
        set_term(screen)
        let window = cn_stdscr()
        let width = Int(getmaxx(window))
        return (0..<Int(getmaxy(window))).map { y in
            var buffer = [wchar_t](repeating: 0, count: width + 1)
            let count = mvwinnwstr(window, Int32(y), 0, &buffer, Int32(width))
            guard count > 0 else { return "" }
            var line = String.UnicodeScalarView()
            for value in buffer.prefix(Int(count)) {
                if let scalar = Unicode.Scalar(UInt32(bitPattern: value)) { line.append(scalar) }
            }
            return String(line)
        }
    }

    /// One cell of the curses window: its characters, attributes (colour bits left out) and colour pair.
    public struct WindowCell: Equatable, Sendable, CustomStringConvertible {
        public var scalars: [UInt32]
        public var attributes: UInt32
        public var pair: Int32
        public var description: String {
            "\(scalars.map { String($0, radix: 16) }.joined(separator: "+")) attr \(String(attributes, radix: 16)) pair \(pair)"
        }
    }

    /// What the window holds at (x, y), cell by cell (the painter may write runs of cells at once: each cell must
    /// still get its own characters and style).
    public func windowCell(x: Int, y: Int) -> WindowCell {
        precondition(!closed, "FrameByteCounter used after close()")
        set_term(screen)
        var cell = cchar_t()
        guard mvwin_wch(cn_stdscr(), Int32(y), Int32(x), &cell) != ERR else { return WindowCell(scalars: [], attributes: 0, pair: -1) }
        var text = [wchar_t](repeating: 0, count: 8)
        var attributes: attr_t = 0
        var shortPair: Int16 = 0
        var pair: Int32 = 0
        _ = getcchar(&cell, &text, &attributes, &shortPair, &pair)
        let scalars = text.prefix(while: { $0 != 0 }).map { UInt32(bitPattern: $0) }
        return WindowCell(scalars: scalars, attributes: UInt32(attributes) & ~0xFF00, pair: pair)
    }

    /// The window cell the painter means for a grid cell (the theme's style for its role, plus its attributes).
    public func expectedWindowCell(_ cell: Cell) -> WindowCell {
        let style = painter.style(of: cell)
        let scalars = cell.withScalars { Array($0) }
        return WindowCell(scalars: scalars.isEmpty ? [32] : scalars, attributes: UInt32(style.attributes) & ~0xFF00,
                          pair: style.pair)
    }

    public func close() {
        guard !closed else { return }
        closed = true
        set_term(screen)
        endwin()
        delscreen(screen)
        fclose(output)
        fclose(input)
    }
}
