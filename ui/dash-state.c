/* dash-state.c: the calls of the dashboard's shared state (dash.h), below
 * the views and the feed: the table rebuilt after the data changed (and the
 * trouble notices it may raise), the log follow that goes with the selection
 * (or with the marks: merged logs),
 * the mouse, and whether jobs are running. It sits above the table and the
 * notices it drives; what they call in turn (the clock, the message line, the
 * request for a frame) is in dash-base.c, below them all. Nothing here
 * reaches the loop or a view. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "util.h"

#define LOG_DEBOUNCE_S 0.15

/* Follow the selection with the log pane after a short pause (holding j
 * down must not open a log stream per row). */
static void
log_follow_soon(struct dash *d)
{
	if (!d->logs_shown)
		return;
	if (d->table.nmarks || d->feed.log_merge) {	/* the feed sees whether they changed */
		if (!d->feed.log_start_at)
			d->feed.log_start_at = dash_now() + LOG_DEBOUNCE_S;
		return;
	}
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

/* The table shows the same data otherwise: no notices to compare. */
static void
table_reshown(struct dash *d)
{
	log_follow_soon(d);
	dash_changed(d);
}

void
dash_resort(struct dash *d)
{
	table_resort(&d->table, d->eps, d->neps);
	table_reshown(d);
}

void
dash_refilter(struct dash *d)
{
	table_refilter(&d->table, d->eps, d->neps);
	table_reshown(d);
}

void
dash_selection_moved(struct dash *d)
{
	log_follow_soon(d);
}

void
dash_marks_changed(struct dash *d)
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
