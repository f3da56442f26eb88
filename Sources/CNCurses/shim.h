#ifndef LASSOTOP_CNCURSES_SHIM_H
#define LASSOTOP_CNCURSES_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so the wide-char API must be switched on here.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Macros and C globals Swift cannot import (or rejects as not concurrency-safe) get tiny accessors.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline FILE *cn_stdout(void) { return stdout; }
static inline FILE *cn_stdin(void) { return stdin; }
/// Writes a control string straight to the terminal (synchronized-output markers) and flushes, so it lands in order
/// with what doupdate sends.
static inline void cn_emit(const char *text) { fputs(text, stdout); fflush(stdout); }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cn_attr_normal(void) { return A_NORMAL; }
static inline attr_t cn_attr_bold(void) { return A_BOLD; }
static inline attr_t cn_attr_dim(void) { return A_DIM; }
static inline attr_t cn_attr_reverse(void) { return A_REVERSE; }
static inline attr_t cn_attr_underline(void) { return A_UNDERLINE; }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }

/// Draws one grapheme (up to CCHARW_MAX wide chars, 0-terminated) with attributes and an extended colour pair.
static inline int cn_put_cell(WINDOW *win, int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

/// Ctrl-L: forget what is on the terminal so the next doupdate repaints everything.
static inline void cn_force_full_redraw(void) { clearok(curscr, TRUE); }

/// The locale's character set name after setlocale (e.g. "UTF-8").
static inline const char *cn_codeset(void) { return nl_langinfo(CODESET); }

/// Mouse reporting: presses of the first button and the wheel; no click resolution (mouseinterval 0), so a press
/// arrives at once and double clicks are timed by the caller. Returns 0 when the terminal has no mouse.
static inline int cn_enable_mouse(int on) {
    mmask_t old = 0;
    // Releases are asked for too: without them ncurses takes the button as still held and drops the next press.
    mmask_t mask = BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    mask |= BUTTON5_PRESSED;
#endif
    mouseinterval(0);
    return mousemask(on ? mask : 0, &old) != 0;
}
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
/// The pending mouse event: kind 1 = left press, 2 = double click (if ncurses resolved one), 4 = wheel up, 5 = wheel down, 0 = anything else.
static inline int cn_mouse_event(int *x, int *y, int *kind) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    *kind = 0;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) *kind = 1;
    else if (event.bstate & BUTTON1_DOUBLE_CLICKED) *kind = 2;
    else if (event.bstate & BUTTON4_PRESSED) *kind = 4;
#ifdef BUTTON5_PRESSED
    else if (event.bstate & BUTTON5_PRESSED) *kind = 5;
#endif
    return 1;
}
#endif
