/* view-logs.c: the log pane: the selected container's log, or the marked
 * containers' logs merged (dash-logmerge.c), followed by the feed
 * (dash-feed.c) into d->logs. Opened by the logs key beside the table
 * (a pane; Tab moves the focus), the same key again shows it on the whole
 * body, and again closes it; Esc goes from the whole body back beside the
 * table. Scrolling and search act on it when it has the focus, the log
 * toggles (pause, wrap, times, save, n/N) whenever it shows. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dash-logmerge.h"
#include "dash.h"
#include "view-pane.h"

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
	char title[300], flags[400];
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
	logpane_flags(&d->logs, flags, sizeof flags);
	snprintf(buf, len, "%s · %s", title, flags);
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
