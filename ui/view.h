/* view.h: the dashboard's views, and the narrow interface they are handed.
 *
 * The screen is a title line, a body, a status line and a message line. The
 * body shows a stack of views: the container table at the bottom, then what
 * was opened over it (the log pane, details, help, the endpoints view, a
 * menu...). The frame (dashboard.c) draws the views and hands each key to
 * them; it knows no view by name except through the registry (views.c).
 *
 * Writing a view (see doc/architecture.md for a worked example):
 *   1. In a new file ui/view-NAME.c, fill a `const struct view_ops NAME_view`:
 *      .name (what view_open takes), .place (below), and the hooks you need;
 *      every hook may be NULL except draw.
 *   2. Keep the view's own state behind v->priv: make it in .open, free it in
 *      .close. The dashboard's shared state (the endpoints, the table, the
 *      pool) is v->d (dash.h).
 *   3. .key gets the action the key is bound to (keymap.h) and the raw key;
 *      it returns VIEW_HANDLED when it took the key, with VIEW_REDRAW when the
 *      screen must change and VIEW_CLOSE to be closed. A key the view does not
 *      take (VIEW_IGNORED) goes on to the views under it.
 *   4. .draw only draws: it must not change the dashboard's state (a view may
 *      remember where it drew, for its mouse and its paging). Something that
 *      changes outside a key (a job finishing) calls dash_changed(v->d).
 *      A view's area changes with the terminal and with the views beside it:
 *      draw fits what it shows (the selection, a scroll offset) to the area
 *      it is given; there is no resize hook.
 *   5. Add one line to BUILTIN_VIEWS in views.c, and the file to dashboard.am.
 *
 * A view asks the frame for nothing but what struct frame_ops offers, through
 * the inline helpers at the end of dash.h (view_open, view_find...).
 */
#ifndef BERTH_VIEW_H
#define BERTH_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"

struct dash;
struct view;

/* What a view's key or mouse hook did (htop's handler flags). */
enum view_flags {
	VIEW_IGNORED = 0,	/* not for this view: try the views under it */
	VIEW_HANDLED = 1 << 0,	/* taken: the key goes no further */
	VIEW_REDRAW = 1 << 1,	/* draw the frame again */
	VIEW_CLOSE = 1 << 2,	/* close this view */
	VIEW_REPAINT = 1 << 3,	/* repaint every cell (the terminal may be stale) */
};

/* Where a view draws: its layout hint. */
enum view_place {
	VIEW_PANE,	/* shares the body with the other panes, stacked (table over log) */
	VIEW_SCREEN,	/* the whole body, hiding the views under it */
	VIEW_POPUP,	/* a box over the views under it, which are drawn first */
	VIEW_LINE,	/* the message line */
};

/* The part of the screen a view was given: the body (or the message line). */
struct view_area {
	int y, x, h, w;
};

struct view_ops {
	const char *name;		/* view_open(d, name, arg) */
	enum view_place place;		/* where it draws when opened */
	/* Overlays replace each other: opening one over another closes that one. */
	bool overlay;
	/* It may be opened by its name on the command line when no verb has that
	 * name (":stage", dash-command.c): its open takes a NULL arg. */
	bool by_name;
	/* Set v->priv from arg; false when it cannot open (it says why in the
	 * message line) and nothing is opened. NULL: nothing to set up. */
	bool (*open)(struct view *v, const void *arg);
	/* Draw into a (and only there). Never changes the dashboard's state. */
	void (*draw)(struct view *v, const struct view_area *a, bool focused);
	/* A key: its action (ACT_NONE when unbound) and its curses code. */
	int (*key)(struct view *v, enum action a, int key);
	/* A mouse event inside the view's area. */
	int (*mouse)(struct view *v, const MEVENT *ev);
	/* The pane header the frame draws over the view ("help · lines 1-20 of 54"),
	 * in buf; NULL: the view draws its whole area. */
	void (*title)(struct view *v, char *buf, size_t len);
	/* When the view next needs its tick (dash_now() time; a large value: none). */
	double (*deadline)(struct view *v, double now);
	/* Time passed: VIEW_REDRAW when what it shows changed. */
	int (*tick)(struct view *v, double now);
	/* Free v->priv and stop what the view started. */
	void (*close)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	struct dash *d;			/* the dashboard's state */
	void *priv;			/* the view's own state */
	enum view_place place;		/* starts as ops->place; a view may change it */
	struct view_area area;		/* where the last frame drew it (h 0: hidden) */
	struct view *below;		/* the stack, towards the table */
	struct view *prev_focus;	/* who gets the focus back when it closes */
};

/* What the frame does for views and jobs: the only calls back into the loop.
 * dash.h's struct dash holds a pointer to the frame's table (d->host). */
struct frame_ops {
	/* Open the registered view name over the others (it takes the focus,
	 * unless it is a pane opened beside a focused pane); NULL when it did not
	 * open. */
	struct view *(*open)(struct dash *d, const char *name, const void *arg);
	/* The topmost open view of that name, or NULL. */
	struct view *(*find)(struct dash *d, const char *name);
	/* The registered view of that name, open or not, or NULL (:stage). */
	const struct view_ops *(*lookup)(const char *name);
	void (*close)(struct dash *d, struct view *v);
	/* Give the focus to v; or (v NULL) to the next pane shown beside it. */
	void (*focus)(struct dash *d, struct view *v);
	bool (*focused)(struct dash *d, const struct view *v);
	/* The terminal goes to a program (a shell) and comes back. */
	void (*suspend)(struct dash *d);
	void (*resume)(struct dash *d);
	/* A key, as if typed; a frame drawn now; a new terminal size (dash-script.c). */
	void (*key)(struct dash *d, int key);
	void (*draw)(struct dash *d);
	void (*resize)(struct dash *d, int rows, int cols);
};

/* Registry (views.c). */
const struct view_ops *view_ops_find(const char *name);
/* Add a view (a test's own); the built-in ones are registered already. */
void view_register(const struct view_ops *ops);

#endif
