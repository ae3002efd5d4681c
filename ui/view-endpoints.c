/* view-endpoints.c: the endpoints view (key H): every endpoint, worst
 * first, with its kind, state, error, rows, last good answer and back-off.
 * Moving the selection puts the endpoint's whole state sentence in the
 * message line; Enter filters the table to that endpoint; Esc closes it. The
 * states are the feed's, worded by dash-endpoints.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"

struct epview {
	struct dash_ep *sel;	/* the selection, by endpoint (set when it opens) */
	size_t top;		/* the first line drawn */
	int height;		/* lines drawn at the last frame, for paging */
};

static int
ep_line_cmp(const void *pa, const void *pb)
{
	const struct ep_line *a = pa, *b = pb;
	if (a->st.cls != b->st.cls)
		return a->st.cls < b->st.cls ? -1 : 1;
	return a->e < b->e ? -1 : a->e > b->e;
}

/* Every endpoint, worst first, then in the order they were given. */
static struct ep_line *
view_lines(struct dash *d, double now)
{
	struct ep_line *v = ep_lines(d->eps, d->neps, now);
	qsort(v, d->neps, sizeof *v, ep_line_cmp);
	return v;
}

/* Where the selection is in v; the worst (first) when there is none. */
static size_t
sel_index(const struct dash *d, const struct epview *ev, const struct ep_line *v)
{
	for (size_t i = 0; i < d->neps; i++)
		if (v[i].e == ev->sel)
			return i;
	return 0;
}

/* The cells of one endpoint's line: KIND STATE CTRS LAST-OK RETRY. */
static void
view_cells(const struct ep_line *l, double now, char cells[5][48])
{
	const struct dash_ep *e = l->e;
	const struct feed_ep_state *st = &l->st;
	snprintf(cells[0], 48, "%s", e->listed ? berth_kind_name(e->kind) : "?");
	snprintf(cells[1], 48, "%s", ep_class_word[st->cls]);
	if (e->listed)
		snprintf(cells[2], 48, "%zu", e->nctrs);
	else
		snprintf(cells[2], 48, "-");
	if (st->cls == FEED_UP) {
		snprintf(cells[3], 48, "now");
	} else if (st->last_ok > 0) {
		char age[16];
		snprintf(cells[3], 48, "%s ago", table_duration_text((long)(now - st->last_ok), age,
								     sizeof age));
	} else {
		snprintf(cells[3], 48, "never");
	}
	if (st->next_retry)
		snprintf(cells[4], 48, "%.0f s, next %.0f", st->backoff,
			 ep_seconds_until(st->next_retry, now));
	else if (st->retrying)
		snprintf(cells[4], 48, "trying");
	else
		cells[4][0] = '\0';
}

static const struct { const char *name; int w; } view_cols[] = {
	{ "ENDPOINT", 0 }, { "KIND", 7 }, { "STATE", 11 }, { "CTRS", 5 }, { "LAST OK", 12 },
	{ "BACK-OFF", 13 }, { "ERROR", 0 },
};
#define VIEW_NCOLS (sizeof view_cols / sizeof view_cols[0])

/* Column widths for the screen: ENDPOINT its longest name up to a third,
 * ERROR the rest. */
static void
view_layout(struct dash *d, int width, int *x, int *w)
{
	int name_w = 8;
	for (size_t i = 0; i < d->neps; i++) {
		char *s = sanitize_str(d->eps[i].name);
		int nw = text_width(s);
		free(s);
		if (nw > name_w)
			name_w = nw;
	}
	if (name_w > width / 3)
		name_w = width / 3 < 8 ? 8 : width / 3;
	int pos = 2;
	for (size_t c = 0; c < VIEW_NCOLS; c++) {
		x[c] = pos;
		w[c] = c == 0 ? name_w : view_cols[c].w;
		if (c + 1 == VIEW_NCOLS)
			w[c] = width - pos > 0 ? width - pos : 0;
		pos += w[c] + 1;
	}
}

static void
view_draw_line(const struct ep_line *l, int y, bool sel, const int *x, const int *w, double now)
{
	attr_t base = sel ? theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL);
	draw_fill(y, 0, COLS, base);
	char cells[5][48];
	view_cells(l, now, cells);
	char *name = sanitize_str(l->e->name);
	draw_str_cut(y, x[0], w[0], name, base, true);
	free(name);
	for (int c = 0; c < 5; c++) {
		attr_t a = c == 1 && !sel ? theme_attr(ep_class_theme[l->st.cls]) : base;
		draw_str_cut(y, x[c + 1], w[c + 1], cells[c], a, false);
	}
	/* STATE says "down": ERROR says why, in the engine's words. */
	const char *err = l->st.cls == FEED_DOWN ? l->st.reason : l->st.cls != FEED_UP ? l->state : "";
	char *s = sanitize_str(err);
	draw_str_cut(y, x[VIEW_NCOLS - 1], w[VIEW_NCOLS - 1], s,
		     sel ? base : theme_attr(l->st.cls <= FEED_STALLED ? TH_BAD : TH_NORMAL), false);
	free(s);
}

/* The header, then the lines from ev->top, moved so that the selection shows. */
static void
endpoints_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct dash *d = v->d;
	struct epview *ev = v->priv;
	if (a->h < 2)
		return;
	double now = dash_now();
	struct ep_line *lines = view_lines(d, now);
	size_t sel = sel_index(d, ev, lines);
	int rows = a->h - 1;
	ev->height = rows;
	if (sel < ev->top)
		ev->top = sel;
	if (sel >= ev->top + (size_t)rows)
		ev->top = sel - (size_t)rows + 1;
	int x[VIEW_NCOLS], w[VIEW_NCOLS];
	view_layout(d, a->w, x, w);
	attr_t hd = theme_attr(TH_HEADER);
	draw_fill(a->y, 0, a->w, hd);
	for (size_t c = 0; c < VIEW_NCOLS; c++)
		draw_str(a->y, x[c], w[c], view_cols[c].name, hd);
	for (int k = 0; k < rows; k++) {
		size_t i = ev->top + (size_t)k;
		if (i < d->neps)
			view_draw_line(&lines[i], a->y + 1 + k, i == sel, x, w, now);
		else
			draw_fill(a->y + 1 + k, 0, a->w, theme_attr(TH_NORMAL));
	}
	free(lines);
}

/* Move the selection by delta lines; the message line gets the selected
 * endpoint's whole state sentence (the view's ERROR column may cut it). */
static void
view_move(struct view *v, long delta)
{
	struct dash *d = v->d;
	struct epview *ev = v->priv;
	struct ep_line *lines = view_lines(d, dash_now());
	long i = (long)sel_index(d, ev, lines) + delta;
	if (i < 0)
		i = 0;
	if (d->neps && (size_t)i >= d->neps)
		i = (long)d->neps - 1;
	ev->sel = d->neps ? lines[i].e : NULL;
	if (d->neps) {
		char *name = ep_short_name(lines[i].e->name);
		dash_message(d, lines[i].st.cls <= FEED_STALLED, "%s: %s", name, lines[i].state);
		free(name);
	}
	free(lines);
}

/* Opens on the worst endpoint. */
static bool
endpoints_open(struct view *v, const void *arg)
{
	v->priv = xcalloc(1, sizeof(struct epview));
	view_move(v, 0);
	return true;
}

/* Enter: the table, filtered to the selected endpoint (Esc clears it). */
static void
filter_table(struct dash *d, const struct dash_ep *e)
{
	snprintf(d->table.filter, sizeof d->table.filter, "ep:%s", e->name);
	d->table.sel = 0;
	free(d->table.sel_id);
	d->table.sel_id = NULL;
	dash_refilter(d);
	char *name = sanitize_str(e->name);
	dash_message(d, false, "showing %s only; Esc shows every endpoint", name);
	free(name);
}

static int
endpoints_key(struct view *v, enum action a, int key)
{
	struct dash *d = v->d;
	struct epview *ev = v->priv;
	long page = ev->height > 1 ? ev->height - 1 : 1;
	switch (a) {
	case ACT_NONE: case ACT_HELP: return VIEW_IGNORED;
	case ACT_UP: view_move(v, -1); break;
	case ACT_DOWN: view_move(v, 1); break;
	case ACT_PAGE_UP: view_move(v, -page); break;
	case ACT_PAGE_DOWN: view_move(v, page); break;
	case ACT_TOP: view_move(v, -(long)d->neps); break;
	case ACT_BOTTOM: view_move(v, (long)d->neps); break;
	case ACT_DETAILS:
		if (ev->sel)
			filter_table(d, ev->sel);
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	case ACT_ENDPOINTS: case ACT_BACK: case ACT_QUIT:
		d->msg[0] = '\0';	/* the selected endpoint's sentence */
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	case ACT_REFRESH: feed_relist_all(&d->feed); break;
	default: break;	/* the table's keys wait until it closes */
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

/* The wheel moves the selection. */
static int
endpoints_mouse(struct view *v, const MEVENT *ev)
{
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		view_move(v, ev->bstate & BUTTON4_PRESSED ? -3 : 3);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
endpoints_close(struct view *v)
{
	free(v->priv);
}

const struct view_ops endpoints_view = {
	.name = "endpoints", .place = VIEW_SCREEN, .by_name = true, .open = endpoints_open,
	.draw = endpoints_draw,
	.key = endpoints_key, .mouse = endpoints_mouse, .close = endpoints_close,
};
