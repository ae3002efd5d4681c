/* view-stats.c: the stats key's view: the selected container's last ten
 * minutes (stats-history.c) as graphs, one per figure (CPU %, memory, network
 * received and sent, block I/O read and written, PIDs), each under a line with
 * its name, its latest value and its scale. Block characters under a UTF-8
 * locale, plain ASCII under another locale or the mono theme. It draws again
 * at every refresh, as samples come. */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "stats-history.h"
#include "theme.h"
#include "util.h"

struct stats_view {
	char *id, *name, *ep;	/* the container, fixed when opened */
	struct stats_point *pts;	/* a copy of its series, per draw */
	size_t cap;
	bool ascii;
};

/* One figure of a point; < 0 when unknown. */
typedef double (*figure_fn)(const struct stats_point *p);

static double fig_cpu(const struct stats_point *p) { return p->cpu; }
static double fig_mem(const struct stats_point *p) { return (double)p->mem_used; }
static double fig_rx(const struct stats_point *p) { return p->net_rx; }
static double fig_tx(const struct stats_point *p) { return p->net_tx; }
static double fig_read(const struct stats_point *p) { return p->blk_read; }
static double fig_write(const struct stats_point *p) { return p->blk_write; }
static double fig_pids(const struct stats_point *p) { return p->pids; }

enum unit { UNIT_PERCENT, UNIT_BYTES, UNIT_RATE, UNIT_COUNT };

static const struct graph {
	const char *label;
	figure_fn fig;
	enum unit unit;
} graphs[] = {
	{ "CPU", fig_cpu, UNIT_PERCENT }, { "memory", fig_mem, UNIT_BYTES },
	{ "net rx", fig_rx, UNIT_RATE }, { "net tx", fig_tx, UNIT_RATE },
	{ "block read", fig_read, UNIT_RATE }, { "block write", fig_write, UNIT_RATE },
	{ "PIDs", fig_pids, UNIT_COUNT },
};
#define NGRAPHS (sizeof graphs / sizeof graphs[0])

/* "12.5%", "3.2 MiB", "1.1 kB/s", "7". */
static void
unit_text(char *buf, size_t len, double v, enum unit u)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const dec[] = { "B/s", "kB/s", "MB/s", "GB/s", "TB/s" };
	int i = 0;
	switch (u) {
	case UNIT_PERCENT: snprintf(buf, len, "%.1f%%", v); return;
	case UNIT_COUNT: snprintf(buf, len, "%.0f", v); return;
	case UNIT_BYTES:
		for (; v >= 1024 && i < 4; i++)
			v /= 1024;
		snprintf(buf, len, "%.1f %s", v, bin[i]);
		return;
	case UNIT_RATE:
		for (; v >= 1000 && i < 4; i++)
			v /= 1000;
		snprintf(buf, len, "%.1f %s", v, dec[i]);
		return;
	}
}

/* The top of the scale: the largest value shown, at least a small floor. */
static double
graph_scale(const struct graph *g, const struct stats_point *p, size_t n)
{
	double top = g->unit == UNIT_PERCENT ? 1 : g->unit == UNIT_COUNT ? 1 : 1024;
	for (size_t i = 0; i < n; i++)
		if (g->fig(&p[i]) > top)
			top = g->fig(&p[i]);
	return top;
}

/* One graph: its line (label, last value, scale), then rows of cells. */
static void
graph_draw(const struct stats_view *s, const struct graph *g, size_t n, int y, int x, int w,
	   int rows)
{
	char last[32] = "-", top[32], line[160];
	double scale = graph_scale(g, s->pts, n);
	if (n && g->fig(&s->pts[n - 1]) >= 0)
		unit_text(last, sizeof last, g->fig(&s->pts[n - 1]), g->unit);
	unit_text(top, sizeof top, scale, g->unit);
	snprintf(line, sizeof line, "%-12s %-14s scale 0 to %s", g->label, last, top);
	draw_cell(y, x, w, line, theme_attr(TH_TITLE));
	size_t shown = n < (size_t)w ? n : (size_t)w, first = n - shown;
	for (int r = 0; r < rows; r++) {
		draw_fill(y + rows - r, x, w, theme_attr(TH_NORMAL));
		for (size_t i = 0; i < shown; i++)
			draw_str(y + rows - r, x + w - (int)shown + (int)i, 1,
				 draw_graph_cell(g->fig(&s->pts[first + i]), scale, r, rows, s->ascii),
				 theme_attr(TH_RUNNING));
	}
}

static void
stats_draw(struct view *v, const struct view_area *a, bool focused)
{
	(void)focused;
	struct stats_view *s = v->priv;
	size_t n = stats_history_series(v->d->history, s->id, s->pts, s->cap);
	for (int y = a->y; y < a->y + a->h; y++)
		draw_fill(y, a->x, a->w, theme_attr(TH_NORMAL));
	if (n == 0) {
		draw_cell(a->y, a->x, a->w, "no samples yet: berth samples running containers on screen",
			  theme_attr(TH_NORMAL));
		return;
	}
	int rows = (a->h - (int)NGRAPHS) / (int)NGRAPHS;
	if (rows < 1)
		rows = 1;
	for (size_t g = 0; g < NGRAPHS; g++) {
		int y = a->y + (int)g * (rows + 1);
		if (y + rows >= a->y + a->h + 1)
			break;
		graph_draw(s, &graphs[g], n, y, a->x, a->w, rows);
	}
}

static void
stats_title(struct view *v, char *buf, size_t len)
{
	struct stats_view *s = v->priv;
	snprintf(buf, len, "stats %s on %s · last %d min, newest at the right", s->name, s->ep,
		 HISTORY_SECONDS / 60);
}

static bool
stats_open(struct view *v, const void *arg)
{
	(void)arg;
	struct row *r = table_selected(&v->d->table);
	if (!r) {
		dash_message(v->d, true, "no container is selected");
		return false;
	}
	struct stats_view *s = xcalloc(1, sizeof *s);
	s->id = xstrdup(r->c->id);
	s->name = sanitize_str(r->c->name);
	s->ep = sanitize_str(r->ep->name);
	s->cap = stats_history_capacity(v->d->history);
	s->pts = xcalloc(s->cap, sizeof *s->pts);
	s->ascii = dash_graphs_ascii(v->d);
	v->priv = s;
	return true;
}

static int
stats_key(struct view *v, enum action a, int key)
{
	(void)v;
	(void)key;
	return a == ACT_BACK || a == ACT_STATS ? VIEW_HANDLED | VIEW_CLOSE : VIEW_IGNORED;
}

static double
stats_deadline(struct view *v, double now)
{
	return now + v->d->refresh_s;
}

static int
stats_tick(struct view *v, double now)
{
	(void)v;
	(void)now;
	return VIEW_REDRAW;
}

static void
stats_close(struct view *v)
{
	struct stats_view *s = v->priv;
	free(s->id);
	free(s->name);
	free(s->ep);
	free(s->pts);
	free(s);
}

const struct view_ops stats_view = {
	.name = "stats", .place = VIEW_SCREEN, .overlay = true, .open = stats_open,
	.draw = stats_draw, .key = stats_key, .title = stats_title, .deadline = stats_deadline,
	.tick = stats_tick, .close = stats_close,
};
