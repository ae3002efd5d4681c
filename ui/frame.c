/* frame.c: the frame (frame.h): the stack of views, drawing a frame (the
 * title line, the views, the status and message lines) and handing keys and
 * the mouse to the views. The views reach it through struct frame_ops. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-actions.h"
#include "dash-draw.h"
#include "dash.h"
#include "frame.h"
#include "sanitize.h"
#include "theme.h"
#include "util.h"

/* The views open, topmost first through ->below, and the one keys go to first. */
static struct view *top, *focus;

/* ---------------------------------------------------------------- the stack */

static struct view *
frame_find(struct dash *d, const char *name)
{
	for (struct view *v = top; v; v = v->below)
		if (strcmp(v->ops->name, name) == 0)
			return v;
	return NULL;
}

static bool
in_stack(const struct view *w)
{
	for (struct view *v = top; v; v = v->below)
		if (v == w)
			return true;
	return false;
}

static void
frame_close(struct dash *d, struct view *v)
{
	struct view **p = &top;
	while (*p && *p != v)
		p = &(*p)->below;
	if (!*p)
		return;
	*p = v->below;
	for (struct view *w = top; w; w = w->below)
		if (w->prev_focus == v)
			w->prev_focus = v->prev_focus;
	if (focus == v)
		focus = v->prev_focus && in_stack(v->prev_focus) ? v->prev_focus : top;
	if (v->ops->close)
		v->ops->close(v);
	free(v);
	dash_changed(d);
}

/* A popup or a line (a menu, a prompt): drawn over the rest; while it has the
 * focus, the mouse reaches nothing but it. */
static bool
modal(const struct view *v)
{
	return v && (v->place == VIEW_POPUP || v->place == VIEW_LINE);
}

static struct view *
frame_open(struct dash *d, const char *name, const void *arg)
{
	const struct view_ops *ops = view_ops_find(name);
	if (!ops) {
		dash_message(d, true, "no view is named %s", name);
		return NULL;
	}
	struct view *v = xcalloc(1, sizeof *v);
	v->ops = ops;
	v->d = d;
	v->place = ops->place;
	if (ops->open && !ops->open(v, arg)) {
		free(v);
		return NULL;
	}
	if (ops->overlay && top && top->ops->overlay)
		frame_close(d, top);
	v->below = top;
	top = v;
	v->prev_focus = focus;
	if (!(v->place == VIEW_PANE && focus && focus->place == VIEW_PANE))
		focus = v;
	dash_changed(d);
	return v;
}

static bool
frame_focused(struct dash *d, const struct view *v)
{
	return v == focus;
}

/* The views the body shows, from the top of the screen down (n of them): the
 * topmost screen view alone, or the panes side by side. */
static size_t
body_views(struct view **out, size_t max)
{
	size_t n = 0;
	for (struct view *v = top; v; v = v->below) {
		if (modal(v))
			continue;
		if (v->place == VIEW_SCREEN) {
			if (!n)
				out[n++] = v;
			break;
		}
		if (n < max)
			out[n++] = v;
	}
	for (size_t i = 0; i < n / 2; i++) {	/* the stack's bottom at the top */
		struct view *t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

#define MAX_PANES 8

static void
frame_focus(struct dash *d, struct view *v)
{
	if (v) {
		focus = v;
	} else {
		struct view *panes[MAX_PANES];
		size_t n = body_views(panes, MAX_PANES);
		for (size_t i = 0; n > 1 && i < n; i++)
			if (panes[i] == focus) {
				focus = panes[(i + 1) % n];
				break;
			}
	}
	dash_changed(d);
}

/* ---------------------------------------------------------------- drawing */

static const char spinner[] = "|/-\\";

/* The rows whose engine does not answer, and how many of them it last said
 * were running: the title does not count those as running now. */
static size_t
unconfirmed_rows(const struct dash *d, size_t *running)
{
	size_t rows = 0;
	double now = dash_now();
	*running = 0;
	for (size_t e = 0; e < d->neps; e++) {
		const struct dash_ep *ep = &d->eps[e];
		if (!ep->nctrs || feed_ep_state(ep, now).cls > FEED_STALLED)
			continue;
		rows += ep->nctrs;
		for (size_t k = 0; k < ep->nctrs; k++)
			*running += ep->ctrs[k]->running;
	}
	return rows;
}

static void
draw_title(struct dash *d)
{
	struct table *t = &d->table;
	char left[300], right[64];
	size_t stale_running, stale = unconfirmed_rows(d, &stale_running);
	int n = snprintf(left, sizeof left, " berth · %zu container%s, %zu running", t->total,
			 t->total == 1 ? "" : "s",
			 t->running > stale_running ? t->running - stale_running : 0);
	if (stale && n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, ", %zu unconfirmed", stale);
	if (n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, " · %s · sort %s%s",
			      t->all ? "all" : "running only",
			      table_col_name(t->sort_col), t->sort_rev ? " (reversed)" : "");
	if (t->filter[0] && n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, " · filter \"%s\"", t->filter);
	if (t->group && n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, " · by %s", table_group_name(t));
	if (t->nmarks && n > 0 && (size_t)n < sizeof left)
		n += snprintf(left + n, sizeof left - (size_t)n, " · %zu marked", t->nmarks);
	if (n > 0 && (size_t)n < sizeof left)
		endpoints_read_only_text(d, left + n, sizeof left - (size_t)n);
	snprintf(right, sizeof right, "%s? help ", d->mouse ? "" : "mouse off · ");
	attr_t a = theme_attr(TH_TITLE);
	draw_fill(0, 0, COLS, a);
	char *l = sanitize_str(left);
	int rw = text_width(right);
	int used = draw_str(0, 0, COLS, l, a);
	if (used + rw < COLS)
		draw_str(0, COLS - rw, rw, right, a);
	free(l);
}

/* The bar over a view that has a title: " title · flags", bold when focused. */
static void
draw_view_header(struct view *v, int y, bool focused)
{
	char title[600];
	v->ops->title(v, title, sizeof title);
	char *line = xasprintf(" %s", title);
	char *s = sanitize_str(line);
	attr_t a = theme_attr(TH_BORDER) | A_REVERSE | (focused ? A_BOLD : 0);
	draw_cell(y, 0, COLS, s, a);
	free(s);
	free(line);
}

/* The header goes on after the view has drawn, so that it tells what the
 * view shows now (the lines of a text pane), not at the frame before. */
static void
draw_view(struct view *v, int y, int h, bool focused)
{
	bool header = v->ops->title && h > 0;
	v->area = (struct view_area){ .y = y + header, .x = 0, .h = h - header, .w = COLS };
	v->ops->draw(v, &v->area, focused);
	if (header)
		draw_view_header(v, y, focused);
}

/* The pane the focus last rested on (a menu's focus goes back to it). */
static struct view *
pane_focus(void)
{
	struct view *f = focus;
	while (f && modal(f))
		f = f->prev_focus;
	return f;
}

/* The body: one screen view, or the panes, each but the last max(3, h/n)
 * rows high; too low for them all, the first alone. */
static void
draw_body(struct view **shown, size_t n, int y, int h)
{
	if (n > 1 && h < 2 * (int)n)
		n = 1;
	struct view *pf = pane_focus();
	for (size_t i = 0; i < n; i++) {
		int vh = i + 1 == n ? h : h / (int)n < 3 ? 3 : h / (int)n;
		draw_view(shown[i], y, vh, n == 1 || shown[i] == pf);
		y += vh;
		h -= vh;
	}
}

static void
draw_status(struct dash *d, double now)
{
	int y = LINES - 2;
	endpoints_status_draw(d, y, now);
	const char *lease = dash_leases_status_text(d);	/* right-aligned, over the rest */
	if (lease && text_width(lease) < COLS)
		draw_str(y, COLS - text_width(lease), COLS, lease,
			 theme_attr(dash_leases_status_theme(d)));
}

static void
draw_message(struct dash *d)
{
	int y = LINES - 1;
	draw_fill(y, 0, COLS, theme_attr(TH_NORMAL));
	int x = 0;
	if (dash_busy(d)) {
		char sp[3] = { spinner[d->spin % 4], ' ', 0 };
		x += draw_str(y, 0, COLS, sp, theme_attr(TH_WARN));
	}
	char progress[300];
	if (copy_progress_text(d, progress, sizeof progress)) {
		char *s = sanitize_str(progress);
		draw_str(y, x, COLS - x, s, theme_attr(TH_NORMAL));
		free(s);
	} else {
		draw_str(y, x, COLS - x, d->msg, theme_attr(d->msg_error ? TH_BAD : TH_NORMAL));
	}
}

/* The line and popup views, bottom first, over the rest. */
static void
draw_modals(struct view *v)
{
	if (!v)
		return;
	draw_modals(v->below);
	if (v->place == VIEW_LINE)
		draw_view(v, LINES - 1, 1, v == focus);
	else if (v->place == VIEW_POPUP)
		draw_view(v, 1, LINES - 3, v == focus);
}

void
frame_draw(struct dash *d)
{
	double now = dash_now();
	struct view *shown[MAX_PANES];
	size_t n = body_views(shown, MAX_PANES);
	for (struct view *v = top; v; v = v->below)
		v->area.h = 0;
	draw_title(d);
	draw_body(shown, n, 1, LINES - 3);
	draw_status(d, now);
	draw_message(d);
	draw_modals(top);
	if (d->full_redraw) {
		clearok(curscr, TRUE);
		d->full_redraw = false;
	}
	move(LINES - 1, COLS - 1);
	wnoutrefresh(stdscr);
	doupdate();
	d->dirty = false;
	d->keyed = false;
	d->last_frame = now;
}

/* ---------------------------------------------------------------- keys */

static void
honour(struct dash *d, struct view *v, int flags)
{
	if (flags & (VIEW_REDRAW | VIEW_REPAINT))
		dash_changed(d);
	if (flags & VIEW_REPAINT)
		d->full_redraw = true;
	if (flags & VIEW_CLOSE)
		frame_close(d, v);
}

/* The focused view first, then the others from the top down; true when one
 * took the key. */
static bool
dispatch_key(struct dash *d, enum action a, int key)
{
	struct view *order[64];
	size_t n = 0;
	if (focus)
		order[n++] = focus;
	for (struct view *v = top; v && n < 64; v = v->below)
		if (v != focus)
			order[n++] = v;
	for (size_t i = 0; i < n; i++) {
		if (!in_stack(order[i]) || !order[i]->ops->key)
			continue;	/* closed by a view before it */
		int flags = order[i]->ops->key(order[i], a, key);
		if (flags & VIEW_HANDLED) {
			honour(d, order[i], flags);
			return true;
		}
	}
	return false;
}

static bool
contains(const struct view *v, const MEVENT *ev)
{
	return v->area.h > 0 && ev->y >= v->area.y && ev->y < v->area.y + v->area.h &&
	       ev->x >= v->area.x && ev->x < v->area.x + v->area.w;
}

/* To the view under the pointer, the wheel elsewhere to the focused one; a
 * focused popup or line takes it only over itself. */
static void
mouse_event(struct dash *d)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	struct view *to = NULL;
	if (modal(focus)) {
		to = contains(focus, &ev) ? focus : NULL;
	} else {
		for (struct view *v = top; v && !to; v = v->below)
			if (!modal(v) && contains(v, &ev))
				to = v;
		if (!to && (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)))
			to = focus;
	}
	if (to && to->ops->mouse)
		honour(d, to, to->ops->mouse(to, &ev));
}

/* The terminal changed size: every view fits itself to its new area when it
 * is drawn; every cell is painted again. */
static void
on_resize(struct dash *d)
{
	d->full_redraw = true;
	dash_changed(d);
}

void
frame_key(struct dash *d, int key)
{
	if (key == KEY_RESIZE) {
		on_resize(d);
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_event(d);
		return;
	}
	enum action a = keymap_lookup(key);
	if (dispatch_key(d, a, key))
		return;
	if (key == 3)	/* ^C in raw mode */
		d->quit = true;
	else if (a == ACT_BACK && top && top->below)	/* Esc no view took: close the top one */
		frame_close(d, top);
}

static void
frame_resize(struct dash *d, int rows, int cols)
{
	resizeterm(rows, cols);
	on_resize(d);
}

static void
frame_suspend(struct dash *d)
{
	def_prog_mode();
	endwin();
	d->suspended = true;
}

static void
frame_resume(struct dash *d)
{
	reset_prog_mode();
	clearok(curscr, TRUE);
	d->suspended = false;
	d->full_redraw = true;
	dash_changed(d);
}

const struct frame_ops frame_ops = {
	.open = frame_open, .find = frame_find, .lookup = view_ops_find, .close = frame_close,
	.focus = frame_focus, .focused = frame_focused, .suspend = frame_suspend, .resume = frame_resume,
	.key = frame_key, .draw = frame_draw, .resize = frame_resize,
};

double
frame_deadline(double next, double now)
{
	for (struct view *v = top; v; v = v->below)
		if (v->ops->deadline) {
			double t = v->ops->deadline(v, now);
			if (t < next)
				next = t;
		}
	return next;
}

void
frame_tick(struct dash *d, double now)
{
	for (struct view *v = top; v; v = v->below)
		if (v->ops->tick && v->ops->deadline && v->ops->deadline(v, now) <= now)
			honour(d, v, v->ops->tick(v, now) & ~VIEW_CLOSE);
}

void
frame_close_all(struct dash *d)
{
	while (top)
		frame_close(d, top);
	focus = NULL;
}
