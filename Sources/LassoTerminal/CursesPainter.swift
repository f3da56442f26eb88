import CNCurses
import Foundation
import LassoTUI

/// CellGrid → curses window: colour setup, theme styles, and one frame per `doupdate`. Shared by the live
/// `CursesScreen` and `FrameByteCounter`, so the bench counts the bytes of exactly the drawing code users run.
/// Every call must happen on the thread that owns the current curses screen.
struct CursesPainter {
    private(set) var depth: ColorDepth = .monochrome
    private var styles: [StyleRole: (attributes: attr_t, pair: Int32)] = [:]
    /// The grid the curses window holds (nil: unknown). A frame writes only the cells that differ from it: an idle
    /// second changes a few cells (the clock, ages), and putting all 4,800 of a 120×40 frame cost more than the diff.
    private var painted: CellGrid?

    /// The window no longer holds `painted` (a theme or colour change, a full redraw): the next frame puts every cell.
    mutating func invalidate() { painted = nil }

    mutating func configureColors(monochrome: Bool) {
        painted = nil
        guard !monochrome, has_colors() else {
            depth = .monochrome
            return
        }
        start_color()
        use_default_colors()   // colour -1 = the terminal's own foreground/background (themes' `default`)
        depth = ColorDepth.from(colors: Int(cn_colors()), hasColors: true)
    }

    mutating func apply(theme: Theme) {
        painted = nil
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

    /// `count` cells from `start` are the same in both arrays: equal bytes mean equal cells (a cell is plain data);
    /// unequal bytes may still be equal cells (padding), which the per-cell comparison then finds.
    static func sameCells(_ a: [Cell], _ b: [Cell], from start: Int, count: Int) -> Bool {
        guard start >= 0, count > 0, start + count <= a.count, start + count <= b.count else { return false }
        return a.withUnsafeBytes { ra in
            b.withUnsafeBytes { rb in
                let stride = MemoryLayout<Cell>.stride
                return memcmp(ra.baseAddress! + start * stride, rb.baseAddress! + start * stride, count * stride) == 0
            }
        }
    }

    /// The cells that changed since the last frame (all of them after `invalidate`, a size change or on the first
    /// frame, then on an erased window) + wnoutrefresh + one doupdate, inside synchronized-output markers (mode 2026)
    /// so the terminal shows the frame at once; terminals without the mode ignore it. `emit` writes a control string
    /// to the same terminal output ncurses writes to, flushed, so it lands in order with what doupdate sends.
    mutating func drawFrame(_ grid: CellGrid, emit: (String) -> Void) {
        let window = cn_stdscr()
        let width = Int(getmaxx(window))
        let height = Int(getmaxy(window))
        // Cells are compared left to right, so a changed wide character is put before the cell right of it.
        let previous = painted.flatMap { $0.width == grid.width && $0.height == grid.height ? $0 : nil }
        if previous == nil { werase(window) }
        painted = width == grid.width && height == grid.height ? grid : nil
        var buffer = [wchar_t](repeating: 0, count: 8)
        // The cell arrays are read directly: the grid's subscript (another module) returned a copy of each cell.
        // Cells are plain data, so a row that did not change is skipped with one comparison of its bytes (an idle
        // second changes a few rows: the clock, ages, the feed). The last role's style is kept: neighbouring cells
        // mostly share one.
        let cells = grid.cells
        let before = previous?.cells
        var lastRole: StyleRole?
        var lastStyle = (attributes: cn_attr_normal(), pair: Int32(0))
        let columns = min(width, grid.width)
        for y in 0..<min(height, grid.height) {
            let row = y * grid.width
            if let before, Self.sameCells(before, cells, from: row, count: columns) { continue }
            for x in 0..<columns {
                let index = row + x
                let cell = cells[index]
                if cell.isContinuation { continue }
                if let before, before[index] == cell { continue }
                if cell.width == 2 && x + 1 >= width { continue }
                var count = 0
                if let scalar = cell.singleScalar {
                    buffer[0] = wchar_t(bitPattern: scalar)
                    count = 1
                } else {
                    cell.withScalars { scalars in
                        for value in scalars where count < 5 {
                            buffer[count] = wchar_t(bitPattern: value)
                            count += 1
                        }
                    }
                }
                if count == 0 { buffer[0] = 32; count = 1 }
                buffer[count] = 0
                if cell.role != lastRole {
                    lastRole = cell.role
                    lastStyle = styles[cell.role] ?? (cn_attr_normal(), 0)
                }
                let style = lastStyle
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
