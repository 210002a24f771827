// The only place C curses is visible. Static inline wrappers for macros and
// globals (stdscr, LINES, COLS, A_* attributes, COLOR_PAIR) so Swift 6 never
// touches a C global directly, and signal handlers that give the terminal
// back on a crash or SIGTERM.
#ifndef CASEWORK_CNCURSES_SHIM_H
#define CASEWORK_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#include <signal.h>
#include <poll.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

enum { CW_PAIR_MISSING = 1, CW_PAIR_CHECK = 2, CW_PAIR_ADVICE = 3, CW_PAIR_ACCENT = 4, CW_PAIR_OK = 5 };

static volatile sig_atomic_t cw_active = 0;

static void cw_restore_and_reraise(int sig) {
    if (cw_active) { cw_active = 0; curs_set(1); endwin(); }
    signal(sig, SIG_DFL);
    raise(sig);
}

/// Set by SIGTERM, SIGINT, SIGHUP or SIGQUIT: the loop keeps the draft, restores the terminal and exits.
static volatile sig_atomic_t cw_stop_signal = 0;

static void cw_request_stop(int sig) { cw_stop_signal = sig; }

static inline int cw_stop_requested(void) { return cw_stop_signal; }

static inline void cw_install_signal_handlers(void) {
    int polite[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
    int crashes[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    sigset_t unblock;
    sigemptyset(&unblock);
    for (unsigned i = 0; i < sizeof polite / sizeof polite[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = cw_request_stop;  // no SA_RESTART: the wait for a key returns at once
        sigaction(polite[i], &sa, NULL);
        sigaddset(&unblock, polite[i]);
    }
    for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) {
        signal(crashes[i], cw_restore_and_reraise);
        sigaddset(&unblock, crashes[i]);
    }
    // Whoever started us may have blocked these; resizes and SIGTERM must reach us.
    sigaddset(&unblock, SIGWINCH);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}

/// Starts curses: locale, raw keys, no echo, keypad, instant Esc, a timeout for idle ticks.
/// 1 when the terminal named by TERM can move the cursor to a row and column
/// (terminfo's cup); 0 for a dumb terminal, or one terminfo does not know.
static inline int cw_can_address(void) {
    int err = 0;
    if (setupterm(NULL, 1, &err) != OK) return 0;
    char *cup = tigetstr("cup");
    int ok = cup != NULL && cup != (char *)-1;
    del_curterm(cur_term);
    return ok;
}

static inline int cw_start(int color, int timeout_ms) {
    setlocale(LC_ALL, "");
    if (initscr() == NULL) return -1;
    cw_active = 1;
    cw_install_signal_handlers();
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    wtimeout(stdscr, timeout_ms);
    if (color && has_colors()) {
        start_color();
        use_default_colors();
        init_pair(CW_PAIR_MISSING, COLOR_RED, -1);
        init_pair(CW_PAIR_CHECK, COLOR_YELLOW, -1);
        init_pair(CW_PAIR_ADVICE, COLOR_CYAN, -1);
        init_pair(CW_PAIR_ACCENT, COLOR_BLUE, -1);
        init_pair(CW_PAIR_OK, COLOR_GREEN, -1);
    }
    return 0;
}

static inline void cw_stop(void) {
    if (cw_active) {
        cw_active = 0;
        curs_set(1);
        endwin();
        // Some terminals keep the cursor hidden across the screen switch: say it once more.
        const char *cnorm = tigetstr("cnorm");
        if (cnorm != NULL && cnorm != (char *)-1) { putp(cnorm); fflush(stdout); }
    }
}

static inline int cw_lines(void) { return LINES; }
static inline int cw_cols(void) { return COLS; }

/// OK for a character, KEY_CODE_YES for a function key, ERR on timeout.
static inline int cw_get(wint_t *ch) { return wget_wch(stdscr, ch); }

/// Whether the terminal has gone away (its pty closed, e.g. tmux or ssh
/// killed): standard input reports a hang-up, or is "readable" with no byte
/// waiting, which is end of file. A read that merely timed out is neither.
static inline int cw_terminal_gone(void) {
    struct pollfd p = { .fd = 0, .events = POLLIN, .revents = 0 };
    if (poll(&p, 1, 0) < 0) return errno != EINTR;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return 1;
    if (p.revents & POLLIN) {
        int waiting = 0;
        if (ioctl(0, FIONREAD, &waiting) == 0 && waiting == 0) return 1;
    }
    return 0;
}

static inline void cw_style(int bold, int reverse, int underline, int dim, int pair) {
    attr_t a = A_NORMAL;
    if (bold) a |= A_BOLD;
    if (reverse) a |= A_REVERSE;
    if (underline) a |= A_UNDERLINE;
    if (dim) a |= A_DIM;
    attrset(a | (pair > 0 ? COLOR_PAIR(pair) : 0));
}

static inline void cw_move(int y, int x) { move(y, x); }
static inline void cw_clear_to_eol(void) { clrtoeol(); }
static inline void cw_put(const wchar_t *s, int n) { addnwstr(s, n); }
static inline void cw_cursor(int visible) { curs_set(visible); }
static inline void cw_refresh(void) { refresh(); }
static inline void cw_force_redraw(void) { clearok(curscr, TRUE); }

#endif
