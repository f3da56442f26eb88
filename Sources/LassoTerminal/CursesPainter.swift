import CNCurses
import Foundation
import LassoTUI

/// libc's `wcwidth`, which ncurses places characters by; glibc declares it only under _XOPEN_SOURCE, which the
/// Glibc module does not set.
@_silgen_name("wcwidth") private func libcWcwidth(_ character: wchar_t) -> Int32

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
    mutating func invalidate() {
        painted = nil
        templates = StyleTemplates()
    }

    mutating func configureColors(monochrome: Bool) {
        painted = nil
        templates = StyleTemplates()
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
        templates = StyleTemplates()
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

    /// The attributes and colour pair a cell is drawn with.
    func style(of cell: Cell) -> (attributes: attr_t, pair: Int32) {
        let style = styles[cell.role] ?? (cn_attr_normal(), 0)
        return (style.attributes | Self.attributes(cell.attributes), style.pair)
    }

    static func attributes(_ set: TextAttributes) -> attr_t {
        var value = cn_attr_normal()
        if set.contains(.bold) { value |= cn_attr_bold() }
        if set.contains(.dim) { value |= cn_attr_dim() }
        if set.contains(.reverse) { value |= cn_attr_reverse() }
        if set.contains(.underline) { value |= cn_attr_underline() }
        return value
    }

    /// Cells are 8 bytes with no padding (`Cell.spare`), equal exactly when their bytes are: rows and cells are
    /// compared as 64-bit words. Checked here, so a layout change falls back to comparing cells field by field.
    @inline(__always) static var cellsAreWords: Bool { MemoryLayout<Cell>.size == 8 && MemoryLayout<Cell>.stride == 8 }

    /// `count` cells from `start` are the same in both arrays.
    static func sameCells(_ a: [Cell], _ b: [Cell], from start: Int, count: Int) -> Bool {
        guard start >= 0, count > 0, start + count <= a.count, start + count <= b.count else { return false }
        return a.withUnsafeBufferPointer { ra in
            b.withUnsafeBufferPointer { rb in changedSpan(ra, rb, from: start, count: count) == nil }
        }
    }

    /// The first and last cell (offsets from `start`) of the `count` cells from `start` that differ, or nil.
    static func changedSpan(_ a: UnsafeBufferPointer<Cell>, _ b: UnsafeBufferPointer<Cell>, from start: Int,
                            count: Int) -> (first: Int, last: Int)? {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return nil }
        if cellsAreWords {
            let wa = UnsafeRawPointer(pa + start).assumingMemoryBound(to: UInt64.self)
            let wb = UnsafeRawPointer(pb + start).assumingMemoryBound(to: UInt64.self)
            if memcmp(wa, wb, count * 8) == 0 { return nil }
            var first = 0
            while wa[first] == wb[first] { first += 1 }
            var last = count - 1
            while wa[last] == wb[last] { last -= 1 }
            return (first, last)
        }
        guard let first = (0..<count).first(where: { pa[start + $0] != pb[start + $0] }),
              let last = (0..<count).last(where: { pa[start + $0] != pb[start + $0] }) else { return nil }
        return (first, last)
    }

    /// Cell `index` is the same in both.
    @inline(__always)
    static func sameCell(_ a: UnsafeBufferPointer<Cell>, _ b: UnsafeBufferPointer<Cell>, at index: Int) -> Bool {
        if cellsAreWords {
            return UnsafeRawPointer(a.baseAddress! + index).load(as: UInt64.self)
                == UnsafeRawPointer(b.baseAddress! + index).load(as: UInt64.self)
        }
        return a[index] == b[index]
    }

    /// A cell ncurses may take in a run (`wadd_wchnstr`, which places each character by its own `wcwidth`): one
    /// scalar, one column, and one column for ncurses too, so the run lands exactly where cell-by-cell writing put it.
    /// Anything else (wide characters, clusters, a scalar whose width libc sees otherwise) is written on its own.
    @inline(__always)
    static func runnable(_ cell: Cell) -> UInt32? {
        guard cell.width == 1, let scalar = cell.singleScalar else { return nil }
        if scalar >= 0x20 && scalar < 0x7F { return scalar }
        return libcWcwidth(wchar_t(bitPattern: scalar)) == 1 ? scalar : nil
    }

    /// The cells that changed since the last frame (every cell after `invalidate`, a size change or on the first
    /// frame, then on an erased window) + wnoutrefresh + one doupdate, inside synchronized-output markers (mode 2026)
    /// so the terminal shows the frame at once; terminals without the mode ignore it. `emit` writes a control string
    /// to the same terminal output ncurses writes to, flushed, so it lands in order with what doupdate sends.
    mutating func drawFrame(_ grid: CellGrid, emit: (String) -> Void) {
        let window = cn_stdscr()
        let width = Int(getmaxx(window))
        let height = Int(getmaxy(window))
        let previous = painted.flatMap { $0.width == grid.width && $0.height == grid.height ? $0 : nil }
        if previous == nil { werase(window) }
        painted = width == grid.width && height == grid.height ? grid : nil
        let columns = min(width, grid.width)
        // An idle second changes a few rows (the clock, ages, the feed): a row whose bytes equal the last frame's is
        // skipped, and in a changed row only the cells that changed are written. Runs of changed plain cells go to
        // ncurses in one `wadd_wchnstr` each, built from one prepared `cchar_t` per style, instead of a `setcchar` +
        // `wadd_wch` per cell; the window ends up holding the same cells (`IncrementalPaintTests` reads them back).
        var writer = RowWriter(window: window, width: width, templates: templates, buffer: runBuffer, styles: styles)
        runBuffer = []
        writer.prepare(columns: columns)
        grid.cells.withUnsafeBufferPointer { now in
            if let before = previous?.cells {
                before.withUnsafeBufferPointer { old in
                    for y in 0..<min(height, grid.height) {
                        let row = y * grid.width
                        guard let span = Self.changedSpan(old, now, from: row, count: columns) else { continue }
                        writer.paint(y: y, cells: now, old: old, row: row, from: span.first, through: span.last)
                    }
                }
            } else {
                for y in 0..<min(height, grid.height) {
                    writer.paint(y: y, cells: now, old: nil, row: y * grid.width, from: 0, through: columns - 1)
                }
            }
        }
        runBuffer = writer.buffer
        wnoutrefresh(window)
        emit("\u{1B}[?2026h")
        doupdate()
        emit("\u{1B}[?2026l")
    }

    /// Kept between frames (moved into the frame's `RowWriter` and back), so a frame allocates nothing.
    private var runBuffer: [cchar_t] = []
    private var templates = StyleTemplates()
}

/// A blank `cchar_t` per style (role × attributes), as `setcchar` makes it: a run's cells are copies with their
/// scalar in place of the blank. Made on first use; a theme or colour change starts a new table. Fixed storage read
/// through pointers: the painting loop takes a template per changed cell.
final class StyleTemplates {
    static let count = StyleRole.allCases.count * 16
    let cells = UnsafeMutablePointer<cchar_t>.allocate(capacity: StyleTemplates.count)
    let made = UnsafeMutablePointer<Bool>.allocate(capacity: StyleTemplates.count)

    init() {
        cells.initialize(repeating: cchar_t(), count: Self.count)
        made.initialize(repeating: false, count: Self.count)
    }

    deinit {
        cells.deallocate()
        made.deallocate()
    }

    @inline(__always)
    static func index(_ cell: Cell) -> Int? {
        let attributes = Int(cell.attributes.rawValue)
        return attributes < 16 ? cell.role.ordinal * 16 + attributes : nil
    }

    static func make(_ style: (attributes: attr_t, pair: Int32)) -> cchar_t {
        var pair = style.pair
        var blank: [wchar_t] = [32, 0]
        var template = cchar_t()
        _ = setcchar(&template, &blank, style.attributes, 0, &pair)
        return template
    }
}

/// Writes the changed cells of rows into the curses window: runs of plain cells at once, the rest one by one.
private struct RowWriter {
    let window: UnsafeMutablePointer<WINDOW>?
    let width: Int
    let templates: StyleTemplates
    var buffer: [cchar_t]
    let styles: Styles

    init(window: UnsafeMutablePointer<WINDOW>?, width: Int, templates: StyleTemplates, buffer: [cchar_t],
         styles: [StyleRole: (attributes: attr_t, pair: Int32)]) {
        self.window = window
        self.width = width
        self.templates = templates
        self.buffer = buffer
        self.styles = styles
    }

    mutating func prepare(columns: Int) {
        if buffer.count < columns { buffer = [cchar_t](repeating: cchar_t(), count: columns) }
    }

    typealias Styles = [StyleRole: (attributes: attr_t, pair: Int32)]

    static func style(_ cell: Cell, _ styles: Styles) -> (attributes: attr_t, pair: Int32) {
        let style = styles[cell.role] ?? (cn_attr_normal(), 0)
        return (style.attributes | CursesPainter.attributes(cell.attributes), style.pair)
    }

    @inline(__always)
    static func template(_ cell: Cell, _ cells: UnsafeMutablePointer<cchar_t>, _ made: UnsafeMutablePointer<Bool>,
                         _ styles: Styles) -> cchar_t {
        guard let index = StyleTemplates.index(cell) else { return StyleTemplates.make(style(cell, styles)) }
        if !made[index] {
            cells[index] = StyleTemplates.make(style(cell, styles))
            made[index] = true
        }
        return cells[index]
    }

    /// The cells from `first` through `last` of one row that differ from `old` (all of them without `old`).
    mutating func paint(y: Int, cells: UnsafeBufferPointer<Cell>, old: UnsafeBufferPointer<Cell>?, row: Int,
                        from first: Int, through last: Int) {
        var run = buffer
        buffer = []
        defer { buffer = run }
        // Everything the loop reads is local: a method on `self` inside it retained self's fields per cell.
        let (window, width, styles) = (self.window, self.width, self.styles)
        let (templateCells, made) = (templates.cells, templates.made)
        run.withUnsafeMutableBufferPointer { run in
            var runStart = first
            var runCount = 0
            var x = first
            while x <= last {
                let cell = cells[row + x]
                if let old, CursesPainter.sameCell(old, cells, at: row + x) {
                    if runCount > 0 { Self.flush(window, run, y: y, x: runStart, count: runCount) }
                    runCount = 0
                } else if let scalar = CursesPainter.runnable(cell) {
                    // The window may still hold the right half of the last frame's wide character here, and
                    // `wadd_wchnstr` would blank from its left half on — which may by now be a new wide character
                    // written just before. `wadd_wch` handles that cell as cell-by-cell painting always did.
                    if runCount == 0, let old, old[row + x].width == 0 {
                        Self.putSingle(window, y: y, x: x, cell, Self.style(cell, styles))
                    } else {
                        if runCount == 0 { runStart = x }
                        var c = Self.template(cell, templateCells, made, styles)
                        c.chars.0 = wchar_t(bitPattern: scalar)
                        run[runCount] = c
                        runCount += 1
                    }
                } else {
                    if runCount > 0 { Self.flush(window, run, y: y, x: runStart, count: runCount) }
                    runCount = 0
                    if !cell.isContinuation && !(cell.width == 2 && x + 1 >= width) {
                        Self.putSingle(window, y: y, x: x, cell, Self.style(cell, styles))
                    }
                }
                x += 1
            }
            if runCount > 0 { Self.flush(window, run, y: y, x: runStart, count: runCount) }
        }
    }

    private static func flush(_ window: UnsafeMutablePointer<WINDOW>?, _ run: UnsafeMutableBufferPointer<cchar_t>, y: Int,
                              x: Int, count: Int) {
        if wmove(window, Int32(y), Int32(x)) != ERR { _ = wadd_wchnstr(window, run.baseAddress, Int32(count)) }
    }

    /// A cell that is not plain (a wide character, a cluster of scalars): `setcchar` + `wadd_wch` as ncurses
    /// expects, which blanks what a wide character overlaps.
    private static func putSingle(_ window: UnsafeMutablePointer<WINDOW>?, y: Int, x: Int, _ cell: Cell,
                                  _ style: (attributes: attr_t, pair: Int32)) {
        var text: (wchar_t, wchar_t, wchar_t, wchar_t, wchar_t, wchar_t) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { raw in
            let out = raw.bindMemory(to: wchar_t.self)
            var count = 0
            cell.withScalars { scalars in
                for value in scalars where count < 5 {
                    out[count] = wchar_t(bitPattern: value)
                    count += 1
                }
            }
            if count == 0 { out[0] = 32; count = 1 }
            out[count] = 0
        }
        // The last cell of the screen: writing it may fail (cursor cannot advance); harmless.
        withUnsafePointer(to: &text) { pointer in
            pointer.withMemoryRebound(to: wchar_t.self, capacity: 6) { text in
                _ = cn_put_cell(window, Int32(y), Int32(x), text, style.attributes, style.pair)
            }
        }
    }
}
