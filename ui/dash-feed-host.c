/* dash-feed-host.c: the dashboard as the feed's host. The feed (feed.h)
 * tells the dashboard when its lists changed and asks it which rows are on
 * screen and which one is selected; these are the dashboard's answers. */
#include "config.h"

#include "dash.h"

static void
host_changed(void *ctx, bool rows)
{
	struct dash *d = ctx;
	if (rows)
		dash_rebuild(d);
	dash_changed(d);
}

static bool
host_row(struct row *r, struct feed_row *out)
{
	if (!r)
		return false;
	*out = (struct feed_row){ .e = r->ep, .c = r->c, .st = r->st };
	return true;
}

/* The i-th row from the top of the table's window. */
static bool
host_shown_row(void *ctx, size_t i, struct feed_row *out)
{
	struct dash *d = ctx;
	struct table *t = &d->table;
	size_t at = t->top + i;
	if (at >= t->nrows || i >= (size_t)(t->height > 0 ? t->height : 0))
		return false;
	return host_row(&t->rows[at], out);
}

static bool
host_selected_row(void *ctx, struct feed_row *out)
{
	struct dash *d = ctx;
	return host_row(table_selected(&d->table), out);
}

/* The marked containers, in the endpoints' and their lists' order. */
static size_t
host_marked_rows(void *ctx, struct feed_row *out, size_t max)
{
	struct dash *d = ctx;
	size_t n = 0;
	for (size_t e = 0; d->table.nmarks && e < d->neps; e++)
		for (size_t k = 0; k < d->eps[e].nctrs; k++) {
			struct berth_container *c = d->eps[e].ctrs[k];
			if (!table_is_marked(&d->table, d->eps[e].name, c->id))
				continue;
			if (n < max)
				out[n] = (struct feed_row){ .e = &d->eps[e], .c = c,
							    .st = feed_stats_find(&d->eps[e], c->id) };
			n++;
		}
	return n;
}

static void
host_message(void *ctx, const char *sentence)
{
	dash_message(ctx, true, "%s", sentence);
}

void
dash_feed_attach(struct dash *d)
{
	struct feed *f = &d->feed;
	f->ops = &feed_engine_ops;
	f->host = (struct feed_host){ .ctx = d, .changed = host_changed,
				      .shown_row = host_shown_row,
				      .selected_row = host_selected_row,
				      .marked_rows = host_marked_rows, .message = host_message };
	f->pool = d->pool;
	f->eps = d->eps;
	f->neps = d->neps;
	f->refresh_s = d->refresh_s;
	f->zun_refresh_s = d->zun_refresh_s;
	f->logs = &d->logs;
	f->history = d->history;
	feed_start(f);
}
