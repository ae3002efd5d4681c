/* dashboard.c: the ncurses dashboard's event loop.
 *
 * One thread owns the terminal. Each turn of the loop:
 *   1. poll() on the terminal, the pool's wakeup pipe and the next timer;
 *   2. pool_drain(): finished jobs update the model and mark the screen dirty;
 *   3. read every waiting key (nodelay) and act on it;
 *   4. start the work that is due (lists, event streams, stats, log follow);
 *   5. if dirty, draw the whole frame into stdscr (no clear()) and show it with
 *      one wnoutrefresh + doupdate, at most once per FRAME_S (a log flood
 *      costs frames, never key latency).
 * Engine calls never run here; see dash-feed.c and dash-actions.c.
 *
 * Test hooks: BERTH_NO_DISPLAY draws into memory (newterm on /dev/null);
 * BERTH_SCRIPT names a key script run by dash-script.c (":save-display FILE"
 * dumps the screen).
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dash-draw.h"
#include "dash-script.h"
#include "dash.h"
#include "dashboard.h"
#include "sanitize.h"
#include "stats-history.h"
#include "theme.h"
#include "util.h"

#define FRAME_S (1.0 / 60)
#define LOG_DEBOUNCE_S 0.15
#define KEYS_PER_TURN 256

static volatile sig_atomic_t got_signal;
static bool curses_up;
static SCREEN *screen;
static FILE *headless_out, *headless_in;

/* Where the last frame put things, for the mouse. */
static int table_y = -1, table_h, log_y = -1, log_h;

double
dash_now(void)
{
	return now_monotonic();
}

void
dash_message(struct dash *d, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *raw = xvasprintf(fmt, ap);
	va_end(ap);
	char *s = sanitize_str(raw);	/* messages quote engine text and names */
	snprintf(d->msg, sizeof d->msg, "%s", s);
	free(s);
	free(raw);
	d->msg_error = error;
	d->dirty = true;
}

/* Follow the selection with the log pane after a short pause (holding j
 * down must not open a log stream per row). */
static void
log_follow_soon(struct dash *d)
{
	if (d->layout == LAYOUT_TABLE)
		return;
	struct row *r = table_selected(&d->table);
	bool same = r && d->feed.log_id && strcmp(d->feed.log_id, r->c->id) == 0 &&
		    strcmp(d->feed.log_ep, r->ep->name) == 0;
	if (!same || !d->feed.log_job)
		d->feed.log_start_at = dash_now() + (same ? 0 : LOG_DEBOUNCE_S);
}

void
dash_rebuild(struct dash *d)
{
	table_rebuild(&d->table, d->eps, d->neps);
	log_follow_soon(d);
	d->dirty = true;
}

void
dash_overlay_open(struct dash *d, const char *title)
{
	if (d->ov.exec) {
		action_exec_orphan(d->ov.exec);
		d->ov.exec = NULL;
	}
	logpane_clear(&d->ov.lp);
	d->ov.lp.live = false;
	char *t = sanitize_str(title);
	snprintf(d->ov.title, sizeof d->ov.title, "%s", t);
	free(t);
	d->ov.open = true;
	d->dirty = true;
}

static void
overlay_close(struct dash *d)
{
	if (d->ov.exec) {
		action_exec_orphan(d->ov.exec);
		d->ov.exec = NULL;
	}
	logpane_clear(&d->ov.lp);
	d->ov.open = false;
	d->dirty = true;
}

/* ---------------------------------------------------------------- drawing */

static const char spinner[] = "|/-\\";

static bool
busy(struct dash *d)
{
	if (pool_pending(d->pool) || d->copy || d->ov.exec || d->nactions)
		return true;
	for (size_t i = 0; i < d->neps; i++)
		if (d->eps[i].list_job && !d->eps[i].listed)
			return true;
	return false;
}

static void
draw_title(struct dash *d)
{
	struct table *t = &d->table;
	char left[300], right[64];
	int n = snprintf(left, sizeof left, " berth · %zu containers, %zu running · %s · sort %s%s",
			 t->total, t->running, t->all ? "all" : "running only",
			 table_col_name(t->sort_col), t->sort_rev ? " (reversed)" : "");
	if (t->filter[0] && n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, " · filter \"%s\"", t->filter);
	if (t->group && n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, " · by endpoint");
	if (t->nmarks && n > 0 && (size_t)n < sizeof left)
		snprintf(left + n, sizeof left - (size_t)n, " · %zu marked", t->nmarks);
	snprintf(right, sizeof right, "%s? help ", d->mouse ? "" : "mouse off · ");
	attr_t a = theme_attr(TH_TITLE);
	draw_fill(0, 0, COLS, a);
	char *l = sanitize_str(left);
	int rw = text_width(right);
	int used = draw_str(0, 0, COLS, l, a);
	if (used + rw < COLS)
		draw_str(0, COLS - rw, rw, right, a);
	free(l);
}

static void
draw_pane_header(int y, const char *title, const struct logpane *lp, bool focused)
{
	char flags[400];
	logpane_flags(lp, flags, sizeof flags);
	char *line = xasprintf(" %s · %s", title, flags);
	char *s = sanitize_str(line);
	attr_t a = theme_attr(TH_BORDER) | A_REVERSE | (focused ? A_BOLD : 0);
	draw_cell(y, 0, COLS, s, a);
	free(s);
	free(line);
}

static void
draw_logs(struct dash *d, int y, int h, bool focused)
{
	char title[300];
	struct row *r = table_selected(&d->table);
	if (d->feed.log_id && r && strcmp(r->c->id, d->feed.log_id) == 0)
		snprintf(title, sizeof title, "logs %s%s", r->c->name ? r->c->name : r->c->id,
			 d->feed.log_job ? "" : " (not streaming)");
	else
		snprintf(title, sizeof title, "logs");
	draw_pane_header(y, title, &d->logs, focused);
	log_y = y + 1;
	log_h = h - 1;
	logpane_draw(&d->logs, y + 1, h - 1, COLS);
}

static void
draw_status(struct dash *d, double now)
{
	int y = LINES - 2;
	endpoints_status_draw(d, y, now);
	const char *lease = dash_leases_status_text(d);	/* right-aligned, over the rest */
	if (lease && text_width(lease) < COLS)
		draw_str(y, COLS - text_width(lease), COLS, lease, theme_attr(TH_WARN));
}

static void
draw_message(struct dash *d)
{
	int y = LINES - 1;
	if (d->dlg.kind == DLG_PROMPT || d->dlg.kind == DLG_CONFIRM) {
		dialog_draw(d);
		return;
	}
	draw_fill(y, 0, COLS, theme_attr(TH_NORMAL));
	int x = 0;
	if (busy(d)) {
		char sp[3] = { spinner[d->spin % 4], ' ', 0 };
		x += draw_str(y, 0, COLS, sp, theme_attr(TH_WARN));
	}
	char progress[300];
	if (action_copy_progress(d, progress, sizeof progress)) {
		char *s = sanitize_str(progress);
		draw_str(y, x, COLS - x, s, theme_attr(TH_NORMAL));
		free(s);
	} else {
		draw_str(y, x, COLS - x, d->msg, theme_attr(d->msg_error ? TH_BAD : TH_NORMAL));
	}
}

static void
draw_frame(struct dash *d)
{
	double now = dash_now();
	int body_y = 1, body_h = LINES - 3;
	bool multi = d->neps > 1;
	table_y = log_y = -1;
	draw_title(d);
	if (d->ov.open) {
		draw_pane_header(body_y, d->ov.title, &d->ov.lp, true);
		logpane_draw(&d->ov.lp, body_y + 1, body_h - 1, COLS);
	} else if (d->epv.open) {
		endpoints_view_draw(d, body_y, body_h, now);
	} else if (d->layout == LAYOUT_TABLE || body_h < 4) {
		table_y = body_y;
		table_h = body_h;
		table_draw(&d->table, body_y, body_h, COLS, multi, true);
	} else if (d->layout == LAYOUT_SPLIT) {
		int th = body_h / 2 < 3 ? 3 : body_h / 2;
		table_y = body_y;
		table_h = th;
		table_draw(&d->table, body_y, th, COLS, multi, d->focus == FOCUS_TABLE);
		draw_logs(d, body_y + th, body_h - th, d->focus == FOCUS_LOG);
	} else {
		draw_logs(d, body_y, body_h, true);
	}
	draw_status(d, now);
	draw_message(d);
	if (d->dlg.kind == DLG_MENU)
		dialog_draw(d);
	if (d->full_redraw) {
		clearok(curscr, TRUE);
		d->full_redraw = false;
	}
	move(LINES - 1, COLS - 1);
	wnoutrefresh(stdscr);
	doupdate();
	d->dirty = false;
	d->last_frame = now;
}

/* ---------------------------------------------------------------- keys */

static struct logpane *
focused_pane(struct dash *d)
{
	if (d->ov.open)
		return &d->ov.lp;
	if (d->layout == LAYOUT_FULL || (d->layout == LAYOUT_SPLIT && d->focus == FOCUS_LOG))
		return &d->logs;
	return NULL;
}

/* The pane the log keys (pause, wrap, times, save, n/N) act on. */
static struct logpane *
log_keys_pane(struct dash *d)
{
	if (d->ov.open)
		return &d->ov.lp;
	return d->layout != LAYOUT_TABLE ? &d->logs : NULL;
}

static void
filter_changed(struct dash *d, const char *text)
{
	snprintf(d->table.filter, sizeof d->table.filter, "%s", text ? text : "");
	dash_rebuild(d);
}

static void
filter_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	filter_changed(d, text);
}

static void
search_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	struct logpane *lp = log_keys_pane(d);
	if (!lp)
		return;
	snprintf(lp->search, sizeof lp->search, "%s", text);
	if (!*text)
		return;
	if (!logpane_find(lp, -1) && !logpane_find(lp, 1))
		dash_message(d, true, "no line matches \"%s\"", text);
	else
		d->msg[0] = '\0';
}

static void
save_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	struct logpane *lp = log_keys_pane(d);
	if (!lp || !*text)
		return;
	if (logpane_save(lp, text) < 0)
		dash_message(d, true, "cannot write %s: %s", text, strerror(errno));
	else
		dash_message(d, false, "saved %zu lines to %s", lp->count, text);
}

static void
set_layout(struct dash *d, enum layout l)
{
	d->layout = l;
	d->focus = l == LAYOUT_FULL ? FOCUS_LOG : FOCUS_TABLE;
	if (l == LAYOUT_TABLE) {
		feed_log_stop(&d->feed);
		logpane_clear(&d->logs);
	} else {
		feed_log_follow(&d->feed);
	}
	d->dirty = true;
}

static void
set_mouse(struct dash *d, bool on)
{
	d->mouse = on;
	mousemask(on ? (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0,
		  NULL);
	d->dirty = true;
}

static void
sort_by(struct dash *d, int col)
{
	if (d->table.sort_col == col) {
		d->table.sort_rev = !d->table.sort_rev;
	} else {
		d->table.sort_col = col;
		d->table.sort_rev = false;
	}
	dash_rebuild(d);
}

/* The keys of a text pane: scrolling and search act on the focused pane, the
 * log toggles on any pane shown; false when a is not one of them here. */
static bool
pane_key(struct dash *d, enum action a)
{
	bool scroll = a == ACT_UP || a == ACT_DOWN || a == ACT_PAGE_UP || a == ACT_PAGE_DOWN ||
		      a == ACT_TOP || a == ACT_BOTTOM || a == ACT_FILTER;
	struct logpane *lp = scroll ? focused_pane(d) : log_keys_pane(d);
	if (!lp)
		return false;
	long page = lp->height > 1 ? lp->height - 1 : 1;
	switch (a) {
	case ACT_UP: logpane_scroll(lp, -1); break;
	case ACT_DOWN: logpane_scroll(lp, 1); break;
	case ACT_PAGE_UP: logpane_scroll(lp, -page); break;
	case ACT_PAGE_DOWN: logpane_scroll(lp, page); break;
	case ACT_TOP: logpane_home(lp); break;
	case ACT_BOTTOM: logpane_end(lp); break;
	case ACT_FILTER:
		dialog_prompt(d, "search:", lp->search, search_submitted, NULL, NULL);
		break;
	case ACT_LOG_PAUSE: logpane_toggle_follow(lp); break;
	case ACT_LOG_WRAP: lp->wrap = !lp->wrap; break;
	case ACT_LOG_TIMESTAMPS: lp->show_ts = !lp->show_ts; break;
	case ACT_NEXT:
	case ACT_PREV:
		if (!logpane_find(lp, a == ACT_NEXT ? -1 : 1))
			dash_message(d, true, lp->search[0] ? "no more matches" : "nothing to search for: press /");
		break;
	case ACT_LOG_SAVE: {
		struct row *r = table_selected(&d->table);
		char *name = r && !d->ov.open ? sanitize_str(r->c->name) : xstrdup("pane");
		char *initial = xasprintf("berth-%s.log", name);
		dialog_prompt(d, "save to:", initial, save_submitted, NULL, NULL);
		free(initial);
		free(name);
		break;
	}
	default: return false;
	}
	d->dirty = true;
	return true;
}

static void
table_key(struct dash *d, enum action a)
{
	struct table *t = &d->table;
	long page = t->height > 1 ? t->height - 1 : 1;
	size_t before = t->sel;
	switch (a) {
	case ACT_UP: table_move(t, -1); break;
	case ACT_DOWN: table_move(t, 1); break;
	case ACT_PAGE_UP: table_move(t, -page); break;
	case ACT_PAGE_DOWN: table_move(t, page); break;
	case ACT_TOP: table_select(t, 0); break;
	case ACT_BOTTOM: table_select(t, t->nrows ? t->nrows - 1 : 0); break;
	case ACT_FILTER:
		dialog_prompt(d, "filter:", t->filter, filter_submitted, NULL, NULL);
		d->dlg.change = filter_changed;
		break;
	case ACT_MARK:
		table_toggle_mark(t);
		table_move(t, 1);
		break;
	default: break;
	}
	if (t->sel != before)
		log_follow_soon(d);
	d->dirty = true;
}

static void
back(struct dash *d)
{
	struct table *t = &d->table;
	if (d->ov.open)
		overlay_close(d);
	else if (d->layout == LAYOUT_FULL)
		set_layout(d, LAYOUT_SPLIT);
	else if (t->filter[0])
		filter_changed(d, NULL);
	else if (t->nmarks)
		table_clear_marks(t);
	else if (d->layout == LAYOUT_SPLIT)
		set_layout(d, LAYOUT_TABLE);
	d->dirty = true;
}

static void
act(struct dash *d, enum action a)
{
	if (pane_key(d, a))
		return;
	if (d->ov.open) {
		if (a == ACT_QUIT || a == ACT_BACK || a == ACT_DETAILS)
			overlay_close(d);
		else if (a == ACT_HELP)
			action_run(d, a);
		return;
	}
	if (endpoints_view_key(d, a))
		return;
	switch (a) {
	case ACT_QUIT: d->quit = true; break;
	case ACT_BACK: back(d); break;
	case ACT_LOGS:
		set_layout(d, d->layout == LAYOUT_TABLE ? LAYOUT_SPLIT
			   : d->layout == LAYOUT_SPLIT ? LAYOUT_FULL : LAYOUT_TABLE);
		break;
	case ACT_FOCUS:
		if (d->layout == LAYOUT_SPLIT)
			d->focus = d->focus == FOCUS_TABLE ? FOCUS_LOG : FOCUS_TABLE;
		break;
	case ACT_SORT: {
		int c = d->table.sort_col;
		do
			c = (c + 1) % NCOLS;
		while (!d->table.col_w[c] && c != d->table.sort_col);
		d->table.sort_col = c;
		d->table.sort_rev = false;
		dash_rebuild(d);
		break;
	}
	case ACT_SORT_REVERSE: case ACT_ALL: case ACT_GROUP: {	/* the table's toggles */
		bool *flag = a == ACT_ALL ? &d->table.all : a == ACT_GROUP ? &d->table.group
			: &d->table.sort_rev;
		*flag = !*flag;
		dash_rebuild(d);
		break;
	}
	case ACT_MOUSE: set_mouse(d, !d->mouse); break;
	case ACT_LEASES: dash_leases_show(d); break;
	case ACT_REFRESH:
		feed_relist_all(&d->feed);
		d->full_redraw = true;
		break;
	case ACT_HELP: case ACT_DETAILS: case ACT_INSPECT: case ACT_EXEC: case ACT_SHELL:
	case ACT_COPY: case ACT_KILL: case ACT_FIP: case ACT_START: case ACT_STOP:
	case ACT_RESTART: case ACT_DELETE:
		action_run(d, a);
		break;
	default:
		table_key(d, a);
		break;
	}
	d->dirty = true;
}

static void
mouse_event(struct dash *d)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || d->dlg.kind != DLG_NONE)
		return;
	bool in_log = log_y >= 0 && ev.y >= log_y && ev.y < log_y + log_h;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		long delta = ev.bstate & BUTTON4_PRESSED ? -3 : 3;
		if (d->ov.open)
			logpane_scroll(&d->ov.lp, delta);
		else if (d->epv.open)	/* the endpoints view: its selection */
			for (int i = 0; i < 3; i++)
				endpoints_view_key(d, delta < 0 ? ACT_UP : ACT_DOWN);
		else if (in_log)
			logpane_scroll(&d->logs, delta);
		else
			table_move(&d->table, delta);
		log_follow_soon(d);
	} else if (!d->ov.open && table_y >= 0 && ev.y == table_y) {
		int c = table_col_at(&d->table, ev.x);
		if (c >= 0)
			sort_by(d, c);
	} else if (!d->ov.open && table_y >= 0 && ev.y > table_y && ev.y < table_y + table_h) {
		long i = table_row_at(&d->table, ev.y - table_y - 1);
		if (i >= 0)
			table_select(&d->table, (size_t)i);
		d->focus = FOCUS_TABLE;
		log_follow_soon(d);
	} else if (in_log && d->layout == LAYOUT_SPLIT) {
		d->focus = FOCUS_LOG;
	}
	d->dirty = true;
}

static void
on_resize(struct dash *d)
{
	d->full_redraw = true;
	d->dirty = true;
}

void
dash_key(struct dash *d, int key)
{
	if (key == KEY_RESIZE) {
		on_resize(d);
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_event(d);
		return;
	}
	if (dialog_key(d, key))
		return;
	if (key == 3) {	/* ^C in raw mode */
		d->quit = true;
		return;
	}
	enum action a = keymap_lookup(key);
	if (a != ACT_NONE)
		act(d, a);
}

void
dash_resize(struct dash *d, int rows, int cols)
{
	resizeterm(rows, cols);
	on_resize(d);
}

void
dash_draw_now(struct dash *d)
{
	draw_frame(d);
}

/* ---------------------------------------------------------------- setup */

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
fatal_hook(void)
{
	if (curses_up)
		endwin();
}

static int
open_endpoints(struct dash *d, char *const *specs, size_t nspecs)
{
	char **defaults = NULL;
	struct berth_error err = { 0 };
	if (nspecs == 0) {
		if (berth_default_endpoints(d->cfg, &defaults, &err) < 0) {
			fprintf(stderr, "berth: %s\n", err.message);
			return -1;
		}
		specs = defaults;
		nspecs = strv_len(defaults);
	}
	struct berth_options opts = { .connect_timeout = d->cfg ? d->cfg->connect_timeout : 0,
				      .config_file = d->cfg ? d->cfg->path : NULL };
	d->eps = xcalloc(nspecs ? nspecs : 1, sizeof *d->eps);
	for (size_t i = 0; i < nspecs; i++) {
		struct dash_ep *e = &d->eps[d->neps];
		if (berth_endpoint_open(specs[i], &opts, &e->ep, &err) < 0) {
			fprintf(stderr, "berth: %s\n", err.message);
			berth_strv_free(defaults);
			return -1;
		}
		e->name = xstrdup(berth_endpoint_name(e->ep));
		d->neps++;
	}
	berth_strv_free(defaults);
	if (!d->neps) {
		fprintf(stderr, "berth: no endpoint to show; give one with -H\n");
		return -1;
	}
	return 0;
}

static int
start_curses(struct dash *d)
{
	const char *nd = getenv("BERTH_NO_DISPLAY");
	d->headless = nd && *nd;
	if (d->headless) {
		headless_out = fopen("/dev/null", "w");
		headless_in = fopen("/dev/null", "r");
		screen = headless_out && headless_in ? newterm(NULL, headless_out, headless_in) : NULL;
		if (!screen) {
			fprintf(stderr, "berth: cannot start a headless screen (TERM=%s)\n",
				getenv("TERM") ? getenv("TERM") : "");
			return -1;
		}
		set_term(screen);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "berth: the dashboard needs a terminal; use a verb such as "
				"`berth ps` in scripts\n");
			return -1;
		}
		screen = newterm(NULL, stdout, stdin);
		if (!screen) {
			fprintf(stderr, "berth: cannot use the terminal (TERM=%s)\n",
				getenv("TERM") ? getenv("TERM") : "");
			return -1;
		}
		set_term(screen);
	}
	curses_up = true;
	util_set_fatal_hook(fatal_hook);
	set_escdelay(25);
	raw();
	noecho();
	nonl();
	curs_set(0);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	mouseinterval(0);
	char msg[300];
	theme_init(d->cfg ? d->cfg->theme : NULL, msg, sizeof msg);
	if (msg[0])
		dash_message(d, true, "%s", msg);
	set_mouse(d, d->cfg ? d->cfg->mouse : true);
	return 0;
}

static void
stop_curses(void)
{
	if (!curses_up)
		return;
	endwin();
	delscreen(screen);
	curses_up = false;
	if (headless_out)
		fclose(headless_out);
	if (headless_in)
		fclose(headless_in);
	headless_out = headless_in = NULL;
}

static void
install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* How long poll() may sleep, in ms. */
static int
poll_timeout(struct dash *d, struct dash_script *sc, double now)
{
	double next = feed_next_deadline(&d->feed, now);
	double leases = dash_leases_next_deadline(d, now);
	if (leases < next)
		next = leases;
	if (d->dirty && d->last_frame + FRAME_S < next)
		next = d->last_frame + FRAME_S;
	if (busy(d) && now + 0.1 < next)
		next = now + 0.1;
	if (sc && script_ready(sc) && now < next)
		next = now;
	if (sc && script_waiting(sc) && now + 0.02 < next)
		next = now + 0.02;
	double ms = (next - now) * 1000;
	return ms <= 0 ? 0 : ms > 60000 ? 60000 : (int)ms + 1;
}

/* Read the keys that are waiting (a bounded number per turn). */
static void
read_keys(struct dash *d)
{
	for (int n = 0; n < KEYS_PER_TURN && !d->quit && !d->suspended; n++) {
		int ch = getch();
		if (ch == ERR)
			break;
		dash_key(d, ch);
	}
}

static int
run_loop(struct dash *d, struct dash_script *sc)
{
	int status = 0;
	while (!d->quit && !got_signal) {
		double now = dash_now();
		struct pollfd pfd[2] = {
			{ .fd = pool_wakeup_fd(d->pool), .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		/* The shell owns stdin while it runs; the headless screen reads none. */
		int nfds = d->suspended || d->headless ? 1 : 2;
		int timeout = d->suspended ? 1000 : poll_timeout(d, sc, now);
		if (poll(pfd, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;
		pool_drain(d->pool);
		if (d->suspended)
			continue;
		if (!d->headless)
			read_keys(d);
		now = dash_now();
		feed_tick(&d->feed, now);
		dash_leases_tick(d, now);
		if (busy(d)) {
			unsigned spin = (unsigned)(now * 10);
			if (spin != d->spin) {
				d->spin = spin;
				d->dirty = true;
			}
		}
		if (d->dirty && now - d->last_frame >= FRAME_S)
			draw_frame(d);
		if (sc && (status = script_step(sc, d)) != 0)
			break;
	}
	return status < 0 ? 1 : 0;
}

static void
dash_free(struct dash *d)
{
	dash_warn_end();
	if (d->ov.exec)
		action_exec_orphan(d->ov.exec);
	feed_shutdown(&d->feed);
	dialog_close(d);
	pool_free(d->pool);
	dash_leases_free(d);
	stats_history_free(d->history);
	for (size_t i = 0; i < d->neps; i++)
		feed_free_endpoint(&d->eps[i]);
	free(d->eps);
	table_done(&d->table);
	logpane_done(&d->logs);
	logpane_done(&d->ov.lp);
}

int
dashboard_run(const struct berth_config *cfg, char *const *specs, size_t nspecs)
{
	struct dash d;
	struct berth_error err = { 0 };
	memset(&d, 0, sizeof d);
	setlocale(LC_ALL, "");
	d.cfg = cfg;
	d.refresh_s = cfg && cfg->refresh_s > 0 ? cfg->refresh_s : 2;
	d.zun_refresh_s = cfg && cfg->zun_refresh_s > 0 ? cfg->zun_refresh_s : 5;
	if (keymap_init(cfg, &err) < 0) {
		fprintf(stderr, "berth: %s%s%s\n", cfg && cfg->path ? cfg->path : "",
			cfg && cfg->path ? ": " : "", err.message);
		return 1;
	}
	struct dash_script *sc = NULL;
	const char *script = getenv("BERTH_SCRIPT");
	if (script && *script && !(sc = script_open(script, &err))) {
		fprintf(stderr, "berth: %s\n", err.message);
		return 1;
	}
	d.history = stats_history_new(d.refresh_s, HISTORY_CONTAINERS);
	dash_warn_begin();
	if (open_endpoints(&d, specs, nspecs) < 0) {
		script_close(sc);
		dash_free(&d);
		return 1;
	}
	table_init(&d.table);
	size_t scrollback = cfg && cfg->scrollback > 0 ? (size_t)cfg->scrollback : 10000;
	logpane_init(&d.logs, scrollback, true);
	d.logs.live = true;
	logpane_init(&d.ov.lp, scrollback, false);
	/* Threads share two malloc arenas instead of one each (one saves only
	 * 0.4 MiB, and the UI thread would wait on list parsing), and large blocks
	 * (list replies) go back to the system when freed (doc/performance.md);
	 * MALLOC_ARENA_MAX in the environment still decides. */
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	d.pool = pool_new((cfg && cfg->pool_size > 0 ? cfg->pool_size : 4), &err);
	if (!d.pool || start_curses(&d) < 0) {
		if (!d.pool)
			fprintf(stderr, "berth: %s\n", err.message);
		script_close(sc);
		dash_free(&d);
		return 1;
	}
	install_signals();
	dash_warn_attach(&d);
	dash_feed_attach(&d);
	dash_rebuild(&d);
	int status = run_loop(&d, sc);
	d.quit = true;
	stop_curses();
	script_close(sc);
	dash_free(&d);
	return status;
}
