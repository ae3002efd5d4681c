/* dashboard.c: the frame: the ncurses dashboard's event loop, the stack of
 * views (view.h) and curses setup.
 *
 * One thread owns the terminal. Each turn of the loop:
 *   1. poll() on the terminal, the pool's wakeup pipe and the next timer
 *      (the feed's, the leases', the views' deadlines);
 *   2. pool_drain(): finished jobs update the model and mark a frame due;
 *   3. read every waiting key (nodelay) and hand it to the views: the
 *      focused one first, then the others from the top, until one takes it;
 *   4. start the work that is due (lists, event streams, stats, log follow)
 *      and tick the views whose deadline came;
 *   5. if a frame is due, draw the title, the views, the status and message
 *      lines into stdscr (no clear()) and show it with one wnoutrefresh +
 *      doupdate, at most once per FRAME_S (a log flood costs frames, never
 *      key latency).
 * The frame names no view: it opens them by name through the registry
 * (views.c), and they reach it only through struct frame_ops (d->host).
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

#include "dash-actions.h"
#include "dash-draw.h"
#include "dash-script.h"
#include "dash.h"
#include "dashboard.h"
#include "sanitize.h"
#include "stats-history.h"
#include "theme.h"
#include "util.h"

#define FRAME_S (1.0 / 60)
#define KEYS_PER_TURN 256

static volatile sig_atomic_t got_signal;
static bool curses_up;
static SCREEN *screen;
static FILE *headless_out, *headless_in;

/* The views open, topmost first through ->below, and the one keys go to first. */
static struct view *top, *focus;

/* ---------------------------------------------------------------- the stack */

static struct view *
frame_find(struct dash *d, const char *name)
{
	for (struct view *v = top; v; v = v->below)
		if (strcmp(v->ops->name, name) == 0)
			return v;
	return NULL;
}

static bool
in_stack(const struct view *w)
{
	for (struct view *v = top; v; v = v->below)
		if (v == w)
			return true;
	return false;
}

static void
frame_close(struct dash *d, struct view *v)
{
	struct view **p = &top;
	while (*p && *p != v)
		p = &(*p)->below;
	if (!*p)
		return;
	*p = v->below;
	for (struct view *w = top; w; w = w->below)
		if (w->prev_focus == v)
			w->prev_focus = v->prev_focus;
	if (focus == v)
		focus = v->prev_focus && in_stack(v->prev_focus) ? v->prev_focus : top;
	if (v->ops->close)
		v->ops->close(v);
	free(v);
	dash_changed(d);
}

/* A popup or a line (a menu, a prompt): drawn over the rest; while it has the
 * focus, the mouse reaches nothing but it. */
static bool
modal(const struct view *v)
{
	return v && (v->place == VIEW_POPUP || v->place == VIEW_LINE);
}

static struct view *
frame_open(struct dash *d, const char *name, const void *arg)
{
	const struct view_ops *ops = view_ops_find(name);
	if (!ops) {
		dash_message(d, true, "no view is named %s", name);
		return NULL;
	}
	struct view *v = xcalloc(1, sizeof *v);
	v->ops = ops;
	v->d = d;
	v->place = ops->place;
	if (ops->open && !ops->open(v, arg)) {
		free(v);
		return NULL;
	}
	if (ops->overlay && top && top->ops->overlay)
		frame_close(d, top);
	v->below = top;
	top = v;
	v->prev_focus = focus;
	if (!(v->place == VIEW_PANE && focus && focus->place == VIEW_PANE))
		focus = v;
	dash_changed(d);
	return v;
}

static bool
frame_focused(struct dash *d, const struct view *v)
{
	return v == focus;
}

/* The views the body shows, from the top of the screen down (n of them): the
 * topmost screen view alone, or the panes side by side. */
static size_t
body_views(struct view **out, size_t max)
{
	size_t n = 0;
	for (struct view *v = top; v; v = v->below) {
		if (modal(v))
			continue;
		if (v->place == VIEW_SCREEN) {
			if (!n)
				out[n++] = v;
			break;
		}
		if (n < max)
			out[n++] = v;
	}
	for (size_t i = 0; i < n / 2; i++) {	/* the stack's bottom at the top */
		struct view *t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

#define MAX_PANES 8

static void
frame_focus(struct dash *d, struct view *v)
{
	if (v) {
		focus = v;
	} else {
		struct view *panes[MAX_PANES];
		size_t n = body_views(panes, MAX_PANES);
		for (size_t i = 0; n > 1 && i < n; i++)
			if (panes[i] == focus) {
				focus = panes[(i + 1) % n];
				break;
			}
	}
	dash_changed(d);
}

/* ---------------------------------------------------------------- drawing */

static const char spinner[] = "|/-\\";

static bool
busy(struct dash *d)
{
	if (pool_pending(d->pool) || d->copy || d->nactions)
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

/* The bar over a view that has a title: " title · flags", bold when focused. */
static void
draw_view_header(struct view *v, int y, bool focused)
{
	char title[600];
	v->ops->title(v, title, sizeof title);
	char *line = xasprintf(" %s", title);
	char *s = sanitize_str(line);
	attr_t a = theme_attr(TH_BORDER) | A_REVERSE | (focused ? A_BOLD : 0);
	draw_cell(y, 0, COLS, s, a);
	free(s);
	free(line);
}

/* The header goes on after the view has drawn, so that it tells what the
 * view shows now (the lines of a text pane), not at the frame before. */
static void
draw_view(struct view *v, int y, int h, bool focused)
{
	bool header = v->ops->title && h > 0;
	v->area = (struct view_area){ .y = y + header, .x = 0, .h = h - header, .w = COLS };
	v->ops->draw(v, &v->area, focused);
	if (header)
		draw_view_header(v, y, focused);
}

/* The pane the focus last rested on (a menu's focus goes back to it). */
static struct view *
pane_focus(void)
{
	struct view *f = focus;
	while (f && modal(f))
		f = f->prev_focus;
	return f;
}

/* The body: one screen view, or the panes, each but the last max(3, h/n)
 * rows high; too low for them all, the first alone. */
static void
draw_body(struct view **shown, size_t n, int y, int h)
{
	if (n > 1 && h < 2 * (int)n)
		n = 1;
	struct view *pf = pane_focus();
	for (size_t i = 0; i < n; i++) {
		int vh = i + 1 == n ? h : h / (int)n < 3 ? 3 : h / (int)n;
		draw_view(shown[i], y, vh, n == 1 || shown[i] == pf);
		y += vh;
		h -= vh;
	}
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
	draw_fill(y, 0, COLS, theme_attr(TH_NORMAL));
	int x = 0;
	if (busy(d)) {
		char sp[3] = { spinner[d->spin % 4], ' ', 0 };
		x += draw_str(y, 0, COLS, sp, theme_attr(TH_WARN));
	}
	char progress[300];
	if (copy_progress_text(d, progress, sizeof progress)) {
		char *s = sanitize_str(progress);
		draw_str(y, x, COLS - x, s, theme_attr(TH_NORMAL));
		free(s);
	} else {
		draw_str(y, x, COLS - x, d->msg, theme_attr(d->msg_error ? TH_BAD : TH_NORMAL));
	}
}

/* The line and popup views, bottom first, over the rest. */
static void
draw_modals(struct view *v)
{
	if (!v)
		return;
	draw_modals(v->below);
	if (v->place == VIEW_LINE)
		draw_view(v, LINES - 1, 1, v == focus);
	else if (v->place == VIEW_POPUP)
		draw_view(v, 1, LINES - 3, v == focus);
}

static void
draw_frame(struct dash *d)
{
	double now = dash_now();
	struct view *shown[MAX_PANES];
	size_t n = body_views(shown, MAX_PANES);
	for (struct view *v = top; v; v = v->below)
		v->area.h = 0;
	draw_title(d);
	draw_body(shown, n, 1, LINES - 3);
	draw_status(d, now);
	draw_message(d);
	draw_modals(top);
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

static void
honour(struct dash *d, struct view *v, int flags)
{
	if (flags & (VIEW_REDRAW | VIEW_REPAINT))
		dash_changed(d);
	if (flags & VIEW_REPAINT)
		d->full_redraw = true;
	if (flags & VIEW_CLOSE)
		frame_close(d, v);
}

/* The focused view first, then the others from the top down; true when one
 * took the key. */
static bool
dispatch_key(struct dash *d, enum action a, int key)
{
	struct view *order[64];
	size_t n = 0;
	if (focus)
		order[n++] = focus;
	for (struct view *v = top; v && n < 64; v = v->below)
		if (v != focus)
			order[n++] = v;
	for (size_t i = 0; i < n; i++) {
		if (!in_stack(order[i]) || !order[i]->ops->key)
			continue;	/* closed by a view before it */
		int flags = order[i]->ops->key(order[i], a, key);
		if (flags & VIEW_HANDLED) {
			honour(d, order[i], flags);
			return true;
		}
	}
	return false;
}

static bool
contains(const struct view *v, const MEVENT *ev)
{
	return v->area.h > 0 && ev->y >= v->area.y && ev->y < v->area.y + v->area.h &&
	       ev->x >= v->area.x && ev->x < v->area.x + v->area.w;
}

/* To the view under the pointer, the wheel elsewhere to the focused one; a
 * focused popup or line takes it only over itself. */
static void
mouse_event(struct dash *d)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	struct view *to = NULL;
	if (modal(focus)) {
		to = contains(focus, &ev) ? focus : NULL;
	} else {
		for (struct view *v = top; v && !to; v = v->below)
			if (!modal(v) && contains(v, &ev))
				to = v;
		if (!to && (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)))
			to = focus;
	}
	if (to && to->ops->mouse)
		honour(d, to, to->ops->mouse(to, &ev));
}

static void
on_resize(struct dash *d)
{
	for (struct view *v = top; v; v = v->below)
		if (v->ops->resize)
			v->ops->resize(v);
	d->full_redraw = true;
	dash_changed(d);
}

static void
frame_key(struct dash *d, int key)
{
	if (key == KEY_RESIZE) {
		on_resize(d);
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_event(d);
		return;
	}
	enum action a = keymap_lookup(key);
	if (dispatch_key(d, a, key))
		return;
	if (key == 3)	/* ^C in raw mode */
		d->quit = true;
	else if (a == ACT_BACK && top && top->below)	/* Esc no view took: close the top one */
		frame_close(d, top);
}

static void
frame_resize(struct dash *d, int rows, int cols)
{
	resizeterm(rows, cols);
	on_resize(d);
}

static void
frame_suspend(struct dash *d)
{
	def_prog_mode();
	endwin();
	d->suspended = true;
}

static void
frame_resume(struct dash *d)
{
	reset_prog_mode();
	clearok(curscr, TRUE);
	d->suspended = false;
	d->full_redraw = true;
	dash_changed(d);
}

static const struct frame_ops frame = {
	.open = frame_open, .find = frame_find, .close = frame_close, .focus = frame_focus,
	.focused = frame_focused, .suspend = frame_suspend, .resume = frame_resume,
	.key = frame_key, .draw = draw_frame, .resize = frame_resize,
};

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
	dash_set_mouse(d, d->cfg ? d->cfg->mouse : true);
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

/* The soonest deadline of the views' ticks. */
static double
views_deadline(double next, double now)
{
	for (struct view *v = top; v; v = v->below)
		if (v->ops->deadline) {
			double t = v->ops->deadline(v, now);
			if (t < next)
				next = t;
		}
	return next;
}

static void
views_tick(struct dash *d, double now)
{
	for (struct view *v = top; v; v = v->below)
		if (v->ops->tick && v->ops->deadline && v->ops->deadline(v, now) <= now)
			honour(d, v, v->ops->tick(v, now) & ~VIEW_CLOSE);
}

/* How long poll() may sleep, in ms. */
static int
poll_timeout(struct dash *d, struct dash_script *sc, double now)
{
	double next = views_deadline(feed_next_deadline(&d->feed, now), now);
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
		frame_key(d, ch);
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
		views_tick(d, now);
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
	while (top)
		frame_close(d, top);
	focus = NULL;
	feed_shutdown(&d->feed);
	pool_free(d->pool);
	dash_leases_free(d);
	stats_history_free(d->history);
	for (size_t i = 0; i < d->neps; i++)
		feed_free_endpoint(&d->eps[i]);
	free(d->eps);
	table_done(&d->table);
	logpane_done(&d->logs);
}

int
dashboard_run(const struct berth_config *cfg, char *const *specs, size_t nspecs)
{
	struct dash d;
	struct berth_error err = { 0 };
	memset(&d, 0, sizeof d);
	d.host = &frame;
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
	logpane_init(&d.logs, dash_scrollback(&d), true);
	d.logs.live = true;
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
	if (!view_open(&d, "table", NULL))
		d.quit = true;
	int status = run_loop(&d, sc);
	d.quit = true;
	stop_curses();
	script_close(sc);
	dash_free(&d);
	return status;
}
