/* view-logs.c: the log pane: the selected container's log, or the marked
 * containers' logs merged (dash-logmerge.c), followed by the feed
 * (dash-feed.c) into d->logs. Opened by the logs key beside the table
 * (a pane; Tab moves the focus), the same key again shows it on the whole
 * body, and again closes it; Esc goes from the whole body back beside the
 * table. Scrolling and search act on it when it has the focus, the log
 * toggles (pause, wrap, times, save, n/N), its line filter (&) and its time
 * window (T) whenever it shows. Esc in it clears its filter first. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-logmerge.h"
#include "dash.h"
#include "dialog.h"
#include "util.h"
#include "view-pane.h"

/* The time windows T goes through, in seconds (0: all the scrollback holds). */
static const int log_windows[] = { 0, 60, 600, 3600 };
#define FILTER_LABEL "filter lines (text, /regex/, ! inverts):"

/* "10 m" for a window of 600 s. */
static void
window_words(int seconds, char *buf, size_t len)
{
	if (seconds >= 3600)
		snprintf(buf, len, "%d h", seconds / 3600);
	else
		snprintf(buf, len, "%d m", seconds / 60);
}

/* The next window, the pane refilled from the engine with its lines. */
static void
next_window(struct dash *d)
{
	size_t n = sizeof log_windows / sizeof log_windows[0], i = 0;
	while (i < n && log_windows[i] != d->feed.log_window_s)
		i++;
	d->feed.log_window_s = log_windows[(i + 1) % n];
	feed_log_refill(&d->feed);
	char words[16];
	window_words(d->feed.log_window_s, words, sizeof words);
	if (d->feed.log_window_s)
		dash_message(d, false, "log: the engine's lines of the last %s", words);
	else
		dash_message(d, false, "log: the last %zu lines, whatever their time", d->logs.cap);
}

/* A filter that cannot be one asks again, saying why, with what was typed. */
static void
filter_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	char why[300];
	if (logpane_set_filter(&d->logs, text, why, sizeof why)) {
		d->msg[0] = '\0';
		return;
	}
	char *label = xasprintf("%s; " FILTER_LABEL, why);
	dialog_prompt(d, label, text, filter_submitted, NULL, NULL);
	free(label);
}

/* The log's own keys: the filter and the time window. */
static int
log_filter_keys(struct view *v, enum action a)
{
	struct dash *d = v->d;
	if (a == ACT_LOG_FILTER)
		dialog_prompt(d, FILTER_LABEL, d->logs.filter, filter_submitted, NULL, NULL);
	else if (a == ACT_LOG_WINDOW)
		next_window(d);
	else if (a == ACT_BACK && view_focused(v) && d->logs.filter[0])
		logpane_set_filter(&d->logs, "", NULL, 0);
	else
		return VIEW_IGNORED;
	return VIEW_HANDLED | VIEW_REDRAW;
}

static bool
logs_open(struct view *v, const void *arg)
{
	v->d->logs_shown = true;
	feed_log_follow(&v->d->feed);
	return true;
}

static void
logs_close(struct view *v)
{
	struct dash *d = v->d;
	d->logs_shown = false;
	feed_log_stop(&d->feed);
	logpane_clear(&d->logs);
}

/* Beside the table (a pane), or on the whole body with the focus. */
static void
logs_place(struct view *v, enum view_place place)
{
	v->place = place;
	struct view *to = place == VIEW_SCREEN ? v : v->prev_focus;
	if (to)
		v->d->host->focus(v->d, to);
	feed_log_follow(&v->d->feed);
}

static int
logs_key(struct view *v, enum action a, int key)
{
	struct dash *d = v->d;
	struct row *r = table_selected(&d->table);
	int flags = pane_keys(v, &d->logs, a, view_focused(v), r ? r->c->name : "pane");
	if (!flags)
		flags = log_filter_keys(v, a);
	if (flags)
		return flags;
	if (a == ACT_LOGS && v->place == VIEW_PANE)
		logs_place(v, VIEW_SCREEN);
	else if (a == ACT_LOGS)
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	else if (a == ACT_BACK && v->place == VIEW_SCREEN)
		logs_place(v, VIEW_PANE);
	else
		return VIEW_IGNORED;
	return VIEW_HANDLED | VIEW_REDRAW;
}

static int
logs_mouse(struct view *v, const MEVENT *ev)
{
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		return pane_mouse(&v->d->logs, ev);
	if (v->place == VIEW_PANE)
		v->d->host->focus(v->d, v);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
logs_title(struct view *v, char *buf, size_t len)
{
	struct dash *d = v->d;
	char title[300], flags[400], window[32] = "";
	struct row *r = table_selected(&d->table);
	if (d->feed.log_merge_key && d->feed.log_merged < d->feed.log_marked)
		snprintf(title, sizeof title, "logs merged: %zu of %zu marked containers%s",
			 d->feed.log_merged, d->feed.log_marked,
			 logmerge_live(d->feed.log_merge) ? "" : " (not streaming)");
	else if (d->feed.log_merge_key)
		snprintf(title, sizeof title, "logs merged: %zu container%s%s", d->feed.log_merged,
			 d->feed.log_merged == 1 ? "" : "s",
			 logmerge_live(d->feed.log_merge) ? "" : " (not streaming)");
	else if (d->feed.log_id && r && strcmp(r->c->id, d->feed.log_id) == 0)
		snprintf(title, sizeof title, "logs %s%s", r->c->name ? r->c->name : r->c->id,
			 d->feed.log_job ? "" : " (not streaming)");
	else
		snprintf(title, sizeof title, "logs");
	if (d->feed.log_window_s) {
		char words[16];
		window_words(d->feed.log_window_s, words, sizeof words);
		snprintf(window, sizeof window, " · last %s", words);
	}
	logpane_flags(&d->logs, flags, sizeof flags);
	snprintf(buf, len, "%s%s · %s", title, window, flags);
}

static void
logs_draw(struct view *v, const struct view_area *a, bool focused)
{
	logpane_draw(&v->d->logs, a->y, a->h, a->w);
}

const struct view_ops logs_view = {
	.name = "logs", .place = VIEW_PANE, .open = logs_open, .draw = logs_draw, .key = logs_key,
	.mouse = logs_mouse, .title = logs_title, .close = logs_close,
};
