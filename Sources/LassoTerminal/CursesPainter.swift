import CNCurses
import Foundation
import LassoTUI

/// CellGrid → curses window: colour setup, theme styles, and one frame per `doupdate`. Shared by the live
/// `CursesScreen` and `FrameByteCounter`, so the bench counts the bytes of exactly the drawing code users run.
/// Every call must happen on the thread that owns the current curses screen.
struct CursesPainter {
    private(set) var depth: ColorDepth = .monochrome
    private var styles: [StyleRole: (attributes: attr_t, pair: Int32)] = [:]

    mutating func configureColors(monochrome: Bool) {
        guard !monochrome, has_colors() else {
            depth = .monochrome
            return
        }
        start_color()
        use_default_colors()   // colour -1 = the terminal's own foreground/background (themes' `default`)
        depth = ColorDepth.from(colors: Int(cn_colors()), hasColors: true)
    }

    mutating func apply(theme: Theme) {
        styles = [:]
        for role in StyleRole.allCases {
            let style = theme.style(role)
            var attributes = Self.attributes(style.attributes)
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

    static func attributes(_ set: TextAttributes) -> attr_t {
        var value = cn_attr_normal()
        if set.contains(.bold) { value |= cn_attr_bold() }
        if set.contains(.dim) { value |= cn_attr_dim() }
        if set.contains(.reverse) { value |= cn_attr_reverse() }
        if set.contains(.underline) { value |= cn_attr_underline() }
        return value
    }

    /// werase + cells + wnoutrefresh + one doupdate, inside synchronized-output markers (mode 2026) so the
    /// terminal shows the frame at once; terminals without the mode ignore it. `emit` writes a control string to
    /// the same terminal output ncurses writes to, flushed, so it lands in order with what doupdate sends.
    func drawFrame(_ grid: CellGrid, emit: (String) -> Void) {
        let window = cn_stdscr()
        werase(window)
        let width = Int(getmaxx(window))
        let height = Int(getmaxy(window))
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
                _ = cn_put_cell(window, Int32(y), Int32(x), buffer, style.attributes | Self.attributes(cell.attributes), style.pair)
            }
        }
        wnoutrefresh(window)
        emit("\u{1B}[?2026h")
        doupdate()
        emit("\u{1B}[?2026l")
    }
}
