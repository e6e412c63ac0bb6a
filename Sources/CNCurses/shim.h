#ifndef DEVTUI_CNCURSES_SHIM_H
#define DEVTUI_CNCURSES_SHIM_H

/* SwiftPM drops ncursesw's pkg-config cflags, so ask for the wide API here. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

/* Swift 6 cannot import mutable C globals or function-like macros: wrap them. */
static inline WINDOW *devtui_stdscr(void) { return stdscr; }
static inline int devtui_lines(void) { return LINES; }
static inline int devtui_cols(void) { return COLS; }
static inline int devtui_a_bold(void) { return (int)A_BOLD; }
static inline int devtui_a_reverse(void) { return (int)A_REVERSE; }
static inline int devtui_a_dim(void) { return (int)A_DIM; }
static inline int devtui_a_normal(void) { return (int)A_NORMAL; }
static inline int devtui_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int devtui_key_resize(void) { return KEY_RESIZE; }
static inline int devtui_key_up(void) { return KEY_UP; }
static inline int devtui_key_down(void) { return KEY_DOWN; }
static inline int devtui_key_ppage(void) { return KEY_PPAGE; }
static inline int devtui_key_npage(void) { return KEY_NPAGE; }
static inline int devtui_key_home(void) { return KEY_HOME; }
static inline int devtui_key_end(void) { return KEY_END; }
static inline int devtui_err(void) { return ERR; }
static inline int devtui_cury(void) { return getcury(stdscr); }
static inline int devtui_curx(void) { return getcurx(stdscr); }

#endif
