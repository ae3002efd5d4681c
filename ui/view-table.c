/* view-table.c: the container table, the view at the bottom of the stack.
 * Its keys move the selection, filter, mark, sort and toggle what the table
 * shows, open the other views (logs, details, help, endpoints, leases) and
 * start the actions on containers (dash-actions.c); Esc clears the filter,
 * then the marks. A click on a header sorts by that column, on a row selects
 * it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dash-actions.h"
#include "dash.h"
#include "dialog.h"

static void
filter_changed(struct dash *d, const char *text)
{
	snprintf(d->table.filter, sizeof d->table.filter, "%s", text ? text : "");
	dash_refilter(d);
}

static void
filter_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	filter_changed(d, text);
}

static void
sort_by(struct dash *d, int col)
{
	if (d->table.sort_col == col) {
		d->table.sort_rev = !d->table.sort_rev;
	} else {
		d->table.sort_col = col;
		d->table.sort_rev = false;
	}
	dash_resort(d);
}

static void
sort_next(struct dash *d)
{
	int c = d->table.sort_col;
	do
		c = (c + 1) % NCOLS;
	while (!d->table.col_w[c] && c != d->table.sort_col);
	d->table.sort_col = c;
	d->table.sort_rev = false;
	dash_resort(d);
}

/* Movement, the filter prompt and marks; VIEW_IGNORED for other keys. */
static int
move_key(struct dash *d, enum action a)
{
	struct table *t = &d->table;
	long page = t->height > 1 ? t->height - 1 : 1;
	size_t before = t->sel;
	switch (a) {
	case ACT_UP: table_move(t, -1); break;
	case ACT_DOWN: table_move(t, 1); break;
	case ACT_PAGE_UP: table_move(t, -page); break;
	case ACT_PAGE_DOWN: table_move(t, page); break;
	case ACT_TOP: table_select(t, 0); break;
	case ACT_BOTTOM: table_select(t, t->nrows ? t->nrows - 1 : 0); break;
	case ACT_FILTER:
		dialog_prompt_live(d, "filter:", t->filter, filter_changed, filter_submitted);
		break;
	case ACT_MARK:
		table_toggle_mark(t);
		table_move(t, 1);
		dash_marks_changed(d);
		break;
	default: return VIEW_IGNORED;
	}
	if (t->sel != before)
		dash_selection_moved(d);
	return VIEW_HANDLED | VIEW_REDRAW;
}

/* Esc: the filter goes, else the marks; else it is not the table's. */
static int
back_key(struct dash *d)
{
	if (d->table.filter[0])
		filter_changed(d, NULL);
	else if (d->table.nmarks) {
		table_clear_marks(&d->table);
		dash_marks_changed(d);
	} else
		return VIEW_IGNORED;
	return VIEW_HANDLED | VIEW_REDRAW;
}

/* The table's toggles: running only or all, sort reversed; the next grouping. */
static void
toggle(struct dash *d, enum action a)
{
	if (a == ACT_ALL) {
		d->table.all = !d->table.all;
		dash_refilter(d);
		return;
	}
	if (a == ACT_GROUP)
		table_group_next(&d->table, d->eps, d->neps);
	else
		d->table.sort_rev = !d->table.sort_rev;
	dash_resort(d);
}

static int
table_key(struct view *v, enum action a, int key)
{
	struct dash *d = v->d;
	switch (a) {
	case ACT_NONE: return VIEW_IGNORED;
	case ACT_QUIT: d->quit = true; break;
	case ACT_BACK: return back_key(d);
	case ACT_LOGS:
		if (view_find(d, "logs"))
			return VIEW_IGNORED;	/* the pane's own key then */
		view_open(d, "logs", NULL);
		break;
	case ACT_FOCUS: d->host->focus(d, NULL); break;
	case ACT_SORT: sort_next(d); break;
	case ACT_SORT_REVERSE: case ACT_ALL: case ACT_GROUP: toggle(d, a); break;
	case ACT_MOUSE: dash_set_mouse(d, !d->mouse); break;
	case ACT_LEASES: view_open(d, "leases", NULL); break;
	case ACT_STATS: view_open(d, "stats", NULL); break;
	case ACT_EVENTS: view_open(d, "events", NULL); break;
	case ACT_ENDPOINTS: view_open(d, "endpoints", NULL); break;
	case ACT_IMAGES: view_open(d, "images", NULL); break;
	case ACT_PROJECT: compose_mark_project(d); break;
	case ACT_COMMAND: view_open(d, "command", NULL); break;
	case ACT_NEXT: view_open(d, "runform", NULL); break;
	case ACT_HELP: view_open(d, "help", NULL); break;
	case ACT_DETAILS: view_open(d, "details", NULL); break;
	case ACT_REFRESH:
		feed_relist_all(&d->feed);
		return VIEW_HANDLED | VIEW_REPAINT;
	case ACT_INSPECT: case ACT_EXEC: case ACT_SHELL: case ACT_COPY: case ACT_KILL:
	case ACT_FIP: case ACT_START: case ACT_STOP: case ACT_RESTART: case ACT_DELETE:
	case ACT_PORT: case ACT_YANK:
		action_run(d, a);
		break;
	default: return move_key(d, a);
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

static int
table_mouse(struct view *v, const MEVENT *ev)
{
	struct dash *d = v->d;
	struct table *t = &d->table;
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		table_move(t, ev->bstate & BUTTON4_PRESSED ? -3 : 3);
		dash_selection_moved(d);
	} else if (ev->y == v->area.y) {
		int c = table_col_at(t, ev->x);
		if (c >= 0)
			sort_by(d, c);
	} else {
		long i = table_row_at(t, ev->y - v->area.y - 1);
		if (i >= 0)
			table_select(t, (size_t)i);
		d->host->focus(d, v);
		dash_selection_moved(d);
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
table_view_draw(struct view *v, const struct view_area *a, bool focused)
{
	v->d->table.history = v->d->history;
	v->d->table.graph_ascii = dash_graphs_ascii(v->d);
	table_draw(&v->d->table, a->y, a->h, a->w, v->d->neps > 1, focused);
}

const struct view_ops table_view = {
	.name = "table", .place = VIEW_PANE, .draw = table_view_draw, .key = table_key,
	.mouse = table_mouse,
};
