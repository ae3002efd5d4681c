/* dashboard.c: the ncurses dashboard's event loop and curses setup; the
 * frame it drives (the views, their drawing and keys) is frame.c.
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
 * (views.c), and they reach it only through struct frame_ops (d->host,
 * frame.c's frame_ops).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dash-script.h"
#include "dash-stall.h"
#include "dash.h"
#include "dashboard.h"
#include "frame.h"
#include "stats-history.h"
#include "theme.h"
#include "util.h"

#define FRAME_S (1.0 / 60)
/* What only the engines changed waits this long after the last frame: a fleet's
 * completions would otherwise redraw the screen sixty times a second. */
#define BACKGROUND_FRAME_S 0.1
#define KEYS_PER_TURN 256

static volatile sig_atomic_t got_signal;
static bool curses_up;
static SCREEN *screen;
static FILE *headless_out, *headless_in;

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
				      .config_file = d->cfg ? d->cfg->path : NULL,
				      .read_only = d->cfg && d->cfg->read_only };
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

/* The least time between two frames: short after a key, longer otherwise. */
static double
frame_gap(const struct dash *d)
{
	return d->keyed ? FRAME_S : BACKGROUND_FRAME_S;
}

/* How long poll() may sleep, in ms. */
static int
poll_timeout(struct dash *d, struct dash_script *sc, double now)
{
	double next = frame_deadline(feed_next_deadline(&d->feed, now), now);
	double leases = dash_leases_next_deadline(d, now);
	if (leases < next)
		next = leases;
	double watches = stall_watch_next_deadline(d, now);
	if (watches < next)
		next = watches;
	double notices = notice_next_deadline(d, now);
	if (notices < next)
		next = notices;
	if (d->dirty && d->last_frame + frame_gap(d) < next)
		next = d->last_frame + frame_gap(d);
	if (dash_busy(d) && now + 0.1 < next)
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
		d->keyed = true;
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
		stall_watch_tick(d, now);
		notice_tick(d, now);
		frame_tick(d, now);
		if (dash_busy(d)) {
			unsigned spin = (unsigned)(now * 10);
			if (spin != d->spin) {
				d->spin = spin;
				d->dirty = true;
			}
		}
		if (d->dirty && now - d->last_frame >= frame_gap(d))
			frame_draw(d);
		if (sc && (status = script_step(sc, d)) != 0)
			break;
	}
	return status < 0 ? 1 : 0;
}

static void
dash_free(struct dash *d)
{
	dash_warn_end();
	frame_close_all(d);
	feed_shutdown(&d->feed);
	pool_free(d->pool);
	feed_events_free(&d->feed);
	dash_leases_free(d);
	stats_history_free(d->history);
	notice_free(d);
	for (size_t i = 0; i < d->neps; i++)
		feed_free_endpoint(&d->eps[i]);
	free(d->eps);
	table_done(&d->table);
	logpane_done(&d->logs);
}

int
dashboard_run(const struct berth_config *cfg, char *const *specs, size_t nspecs,
	      const char *view)
{
	struct dash d;
	struct berth_error err = { 0 };
	memset(&d, 0, sizeof d);
	d.host = &frame_ops;
	setlocale(LC_ALL, "");
	d.cfg = cfg;
	d.refresh_s = cfg && cfg->refresh_s > 0 ? cfg->refresh_s : 2;
	d.zun_refresh_s = cfg && cfg->zun_refresh_s > 0 ? cfg->zun_refresh_s : 5;
	d.lease_warning_s = cfg ? cfg->lease_warning_s : 1800;
	d.lease_alarm_s = cfg ? cfg->lease_alarm_s : 300;
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
	d.table.lease_of = dash_leases_lease_of;
	d.table.lease_ctx = &d;
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
	else if (view)
		view_open(&d, view, NULL);
	int status = run_loop(&d, sc);
	d.quit = true;
	stop_curses();
	script_close(sc);
	dash_free(&d);
	return status;
}
