/* dash-state.c: the calls of the dashboard's shared state (dash.h), below
 * the views and the feed: the message line, the table rebuilt after the data
 * changed, the log follow that goes with the selection, and the one call that
 * asks for a frame when something changes outside a key. Nothing here reaches
 * the loop or a view. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "sanitize.h"
#include "util.h"

#define LOG_DEBOUNCE_S 0.15

double
dash_now(void)
{
	return now_monotonic();
}

size_t
dash_scrollback(const struct dash *d)
{
	return d->cfg && d->cfg->scrollback > 0 ? (size_t)d->cfg->scrollback : 10000;
}

void
dash_changed(struct dash *d)
{
	d->dirty = true;
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
	dash_changed(d);
}

/* Follow the selection with the log pane after a short pause (holding j
 * down must not open a log stream per row). */
static void
log_follow_soon(struct dash *d)
{
	if (!d->logs_shown)
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
	notice_rows(d);
	log_follow_soon(d);
	dash_changed(d);
}

void
dash_selection_moved(struct dash *d)
{
	log_follow_soon(d);
}

void
dash_set_mouse(struct dash *d, bool on)
{
	d->mouse = on;
	mousemask(on ? (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0,
		  NULL);
	dash_changed(d);
}

bool
dash_busy(struct dash *d)
{
	if (pool_pending(d->pool) || d->copy || d->nactions)
		return true;
	for (size_t i = 0; i < d->neps; i++)
		if (d->eps[i].list_job && !d->eps[i].listed)
			return true;
	return false;
}
