/* dash-endpoints.c: the endpoints at scale. The status line lists each
 * endpoint's state while they fit, else one summary ("50 endpoints: 47 up,
 * 2 stalled, 1 down (edge-17: connection refused)") naming the worst few;
 * the endpoints view (key H) lists every endpoint, worst first, with its
 * kind, state, error, rows, last good answer and back-off, and Enter there
 * filters the table to that endpoint. Everything is read from the feed's
 * per-endpoint state on the UI thread; nothing here waits on an engine. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"

static const char *const class_word[FEED_NCLASS] = {
	[FEED_DOWN] = "down", [FEED_STALLED] = "stalled", [FEED_SLOW] = "slow",
	[FEED_CONNECTING] = "connecting", [FEED_UP] = "up",
};

static const enum theme_elem class_theme[FEED_NCLASS] = {
	[FEED_DOWN] = TH_BAD, [FEED_STALLED] = TH_BAD, [FEED_SLOW] = TH_WARN,
	[FEED_CONNECTING] = TH_WARN, [FEED_UP] = TH_GOOD,
};

#define LABEL_MAX 28	/* a longer name shows its last LABEL_KEEP columns */
#define LABEL_KEEP 24

/* The name, its distinctive end kept when long ("…/s07.sock"); allocated. */
static char *
short_name(const char *name)
{
	char *s = sanitize_str(name);
	if (text_width(s) <= LABEL_MAX)
		return s;
	char *out = xasprintf("…%s", s + text_tail(s, LABEL_KEEP));
	free(s);
	return out;
}

static double
seconds_until(double when, double now)
{
	return when > now ? when - now + 0.5 : 0;
}

/* What is wrong, for a line shared with others: the engine's own last words
 * without hints ("connection refused"), or "not answering for 5 s". */
static void
trouble_gist(const struct feed_ep_state *st, double now, char *buf, size_t len)
{
	if (st->cls != FEED_DOWN) {
		snprintf(buf, len, "not answering for %.0f s", now - st->since);
		return;
	}
	const char *src = st->reason;
	const char *p = strrchr(src, ':');
	if (p && p[1] == ' ' && p[2])
		src = p + 2;
	size_t n = strcspn(src, "(;");
	while (n > 0 && src[n - 1] == ' ')
		n--;
	snprintf(buf, len, "%.*s", (int)n, src);
}

/* "; retrying in 3 s", "; reconnecting", or nothing. */
static const char *
retry_text(const struct feed_ep_state *st, double now, char *buf, size_t len)
{
	if (st->retrying)
		return "; reconnecting";
	if (!st->next_retry)
		return "";
	snprintf(buf, len, "; retrying in %.0f s", seconds_until(st->next_retry, now));
	return buf;
}

/* The whole sentence: "connected", "slow (2 s)", "not answering for 12 s;
 * retrying in 2 s", "unreachable: REASON; reconnecting". */
static void
state_sentence(const struct feed_ep_state *st, double now, char *buf, size_t len)
{
	char retry[64];
	switch (st->cls) {
	case FEED_DOWN:
		snprintf(buf, len, "unreachable: %s%s", st->reason, retry_text(st, now, retry,
									      sizeof retry));
		break;
	case FEED_STALLED:
		snprintf(buf, len, "not answering for %.0f s%s", now - st->since,
			 retry_text(st, now, retry, sizeof retry));
		break;
	case FEED_SLOW:
		snprintf(buf, len, "slow (%.0f s)", now - st->since);
		break;
	case FEED_CONNECTING:
		snprintf(buf, len, "connecting");
		break;
	default:
		snprintf(buf, len, "connected%s", st->polling ? " (polling)" : "");
		break;
	}
}

const char *
endpoint_state_short(struct dash_ep *e, double now, char *buf, size_t len, enum theme_elem *th)
{
	struct feed_ep_state st = feed_ep_state(e, now);
	*th = class_theme[st.cls];
	if (st.cls != FEED_DOWN && st.cls != FEED_STALLED) {
		state_sentence(&st, now, buf, len);
		return buf;
	}
	char gist[300], retry[64];
	trouble_gist(&st, now, gist, sizeof gist);
	snprintf(buf, len, "%s: %s%s", class_word[st.cls], gist, retry_text(&st, now, retry,
									   sizeof retry));
	return buf;
}

/* One endpoint's state read once per frame, and its sentence. */
struct ep_line {
	struct dash_ep *e;
	struct feed_ep_state st;
	char state[700];
};

/* Every endpoint, in the order they were given. */
static struct ep_line *
ep_lines(struct dash *d, double now)
{
	struct ep_line *v = xcalloc(d->neps ? d->neps : 1, sizeof *v);
	for (size_t i = 0; i < d->neps; i++) {
		v[i].e = &d->eps[i];
		v[i].st = feed_ep_state(v[i].e, now);
		state_sentence(&v[i].st, now, v[i].state, sizeof v[i].state);
	}
	return v;
}

/* ---------------------------------------------------------------- status line */

/* True when "name: state" of every endpoint fits in cols (the states as
 * their first word, as a line cut at its end would still show them). */
static bool
each_fits(struct dash *d, const struct ep_line *v, int cols)
{
	int w = 0;
	for (size_t i = 0; i < d->neps && w <= cols; i++) {
		char *name = short_name(v[i].e->name);
		char word[sizeof v[i].state];
		snprintf(word, sizeof word, "%.*s", (int)strcspn(v[i].state, " ;("), v[i].state);
		w += (i ? 2 : 0) + text_width(name) + 2 + text_width(word);
		free(name);
	}
	return w <= cols;
}

static void
draw_each(struct dash *d, const struct ep_line *v, int y)
{
	int x = 0;
	for (size_t i = 0; i < d->neps && x < COLS; i++) {
		char *name = short_name(v[i].e->name);
		char *label = xasprintf("%s%s: ", i ? "  " : "", name);
		x += draw_str(y, x, COLS - x, label, theme_attr(TH_NORMAL) | A_BOLD);
		char *st = sanitize_str(v[i].state);
		x += draw_str(y, x, COLS - x, st, theme_attr(class_theme[v[i].st.cls]));
		free(st);
		free(label);
		free(name);
	}
}

/* "50 endpoints: 47 up, 2 stalled, 1 down (s07.sock: not answering for 5 s;
 * …)": the counts, then the down and stalled ones named, worst first. */
static void
draw_summary(struct dash *d, const struct ep_line *v, int y, double now)
{
	size_t count[FEED_NCLASS] = { 0 };
	for (size_t i = 0; i < d->neps; i++)
		count[v[i].st.cls]++;
	char head[64];
	snprintf(head, sizeof head, "%zu endpoints: ", d->neps);
	int x = draw_str(y, 0, COLS, head, theme_attr(TH_NORMAL) | A_BOLD);
	bool first = true;
	for (int c = FEED_UP; c >= 0; c--) {
		if (!count[c])
			continue;
		char part[64];
		snprintf(part, sizeof part, "%s%zu %s", first ? "" : ", ", count[c], class_word[c]);
		x += draw_str(y, x, COLS - x, part, theme_attr(class_theme[c]));
		first = false;
	}
	struct buf worst = { 0 };
	for (int c = FEED_DOWN; c <= FEED_STALLED; c++)
		for (size_t i = 0; i < d->neps && worst.len < 600; i++) {
			if (v[i].st.cls != (enum feed_class)c)
				continue;
			char gist[300];
			trouble_gist(&v[i].st, now, gist, sizeof gist);
			char *name = short_name(v[i].e->name);
			buf_printf(&worst, "%s%s: %s", worst.len ? "; " : " (", name, gist);
			free(name);
		}
	if (worst.len) {
		buf_printf(&worst, ")");
		char *s = sanitize_str(worst.data);
		draw_str_cut(y, x, COLS - x, s, theme_attr(TH_BAD), false);
		free(s);
	}
	buf_free(&worst);
}

void
endpoints_status_draw(struct dash *d, int y, double now)
{
	struct ep_line *v = ep_lines(d, now);
	draw_fill(y, 0, COLS, theme_attr(TH_NORMAL));
	if (each_fits(d, v, COLS))
		draw_each(d, v, y);
	else
		draw_summary(d, v, y, now);
	free(v);
}

/* ---------------------------------------------------------------- the view */

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
	struct ep_line *v = ep_lines(d, now);
	qsort(v, d->neps, sizeof *v, ep_line_cmp);
	return v;
}

static size_t
view_sel_index(struct dash *d, const struct ep_line *v)
{
	for (size_t i = 0; i < d->neps; i++)
		if (v[i].e == d->epv.sel)
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
	snprintf(cells[1], 48, "%s", class_word[st->cls]);
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
			 seconds_until(st->next_retry, now));
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
		attr_t a = c == 1 && !sel ? theme_attr(class_theme[l->st.cls]) : base;
		draw_str_cut(y, x[c + 1], w[c + 1], cells[c], a, false);
	}
	/* STATE says "down": ERROR says why, in the engine's words. */
	const char *err = l->st.cls == FEED_DOWN ? l->st.reason : l->st.cls != FEED_UP ? l->state : "";
	char *s = sanitize_str(err);
	draw_str_cut(y, x[VIEW_NCOLS - 1], w[VIEW_NCOLS - 1], s,
		     sel ? base : theme_attr(l->st.cls <= FEED_STALLED ? TH_BAD : TH_NORMAL), false);
	free(s);
}

void
endpoints_view_draw(struct dash *d, int y, int h, double now)
{
	if (h < 2)
		return;
	struct ep_line *v = view_lines(d, now);
	size_t sel = view_sel_index(d, v);
	d->epv.sel = d->neps ? v[sel].e : NULL;
	int rows = h - 1;
	d->epv.height = rows;
	if (sel < d->epv.top)
		d->epv.top = sel;
	if (sel >= d->epv.top + (size_t)rows)
		d->epv.top = sel - (size_t)rows + 1;
	int x[VIEW_NCOLS], w[VIEW_NCOLS];
	view_layout(d, COLS, x, w);
	attr_t hd = theme_attr(TH_HEADER);
	draw_fill(y, 0, COLS, hd);
	for (size_t c = 0; c < VIEW_NCOLS; c++)
		draw_str(y, x[c], w[c], view_cols[c].name, hd);
	for (int k = 0; k < rows; k++) {
		size_t i = d->epv.top + (size_t)k;
		if (i < d->neps)
			view_draw_line(&v[i], y + 1 + k, i == sel, x, w, now);
		else
			draw_fill(y + 1 + k, 0, COLS, theme_attr(TH_NORMAL));
	}
	free(v);
}

/* Enter: the table, filtered to the selected endpoint (Esc clears it). */
static void
view_filter(struct dash *d)
{
	struct dash_ep *e = d->epv.sel;
	d->epv.open = false;
	if (!e)
		return;
	snprintf(d->table.filter, sizeof d->table.filter, "ep:%s", e->name);
	d->table.sel = 0;
	free(d->table.sel_id);
	d->table.sel_id = NULL;
	dash_rebuild(d);
	char *name = sanitize_str(e->name);
	dash_message(d, false, "showing %s only; Esc shows every endpoint", name);
	free(name);
}

/* Move the selection by delta lines; the message line gets the selected
 * endpoint's whole state sentence (the view's ERROR column may cut it). */
static void
view_move(struct dash *d, long delta)
{
	double now = dash_now();
	struct ep_line *v = view_lines(d, now);
	long i = (long)view_sel_index(d, v) + delta;
	if (i < 0)
		i = 0;
	if (d->neps && (size_t)i >= d->neps)
		i = (long)d->neps - 1;
	d->epv.sel = d->neps ? v[i].e : NULL;
	if (d->neps) {
		char *name = short_name(v[i].e->name);
		dash_message(d, v[i].st.cls <= FEED_STALLED, "%s: %s", name, v[i].state);
		free(name);
	}
	free(v);
}

bool
endpoints_view_key(struct dash *d, enum action a)
{
	if (a == ACT_ENDPOINTS && !d->epv.open) {
		d->epv.open = true;
		d->epv.sel = NULL;	/* the worst one */
		d->epv.top = 0;
		view_move(d, 0);
		d->dirty = true;
		return true;
	}
	if (!d->epv.open)
		return false;
	long page = d->epv.height > 1 ? d->epv.height - 1 : 1;
	switch (a) {
	case ACT_UP: view_move(d, -1); break;
	case ACT_DOWN: view_move(d, 1); break;
	case ACT_PAGE_UP: view_move(d, -page); break;
	case ACT_PAGE_DOWN: view_move(d, page); break;
	case ACT_TOP: view_move(d, -(long)d->neps); break;
	case ACT_BOTTOM: view_move(d, (long)d->neps); break;
	case ACT_DETAILS: view_filter(d); break;
	case ACT_ENDPOINTS: case ACT_BACK: case ACT_QUIT:
		d->epv.open = false;
		d->msg[0] = '\0';	/* the selected endpoint's sentence */
		break;
	case ACT_REFRESH: feed_relist_all(&d->feed); break;
	default: return a != ACT_HELP;	/* the others do nothing here */
	}
	d->dirty = true;
	return true;
}
