/* view-pane.h: what the text views share (view-pane.c): the keys of a text
 * pane (scrolling, search, pause, wrap, times, save), and the overlay that
 * shows a text over the body (help, details, inspect, exec output, leases). */
#ifndef BERTH_VIEW_PANE_H
#define BERTH_VIEW_PANE_H

#include <stdbool.h>
#include <stddef.h>

#include "logpane.h"
#include "view.h"

/* The keys of a text pane: scrolling and search when focused, the toggles
 * always; save_name names the file the save prompt offers ("web" gives
 * berth-web.log). VIEW_IGNORED when a is not one of them. */
int pane_keys(struct view *v, struct logpane *lp, enum action a, bool focused,
	      const char *save_name);
/* The wheel scrolls lp; a click does nothing. */
int pane_mouse(struct logpane *lp, const MEVENT *ev);

/* An overlay's state: its title and text (v->priv of every overlay view). */
struct pane {
	char title[200];
	struct logpane lp;
	void *owner;		/* the view's own: exec's job */
};

/* Make v's pane titled title (sanitized here); its text is empty. */
struct pane *pane_new(struct view *v, const char *title);
/* Replace its text with text, shown from the top. */
void pane_set_text(struct pane *p, const char *text);
/* Replace its text with text, the reader's place (top, a line, the bottom) and
 * search kept: a text refreshed while shown. */
void pane_replace_text(struct pane *p, const char *text);
/* The overlay hooks: every key stays in it; Esc, q and the details key close it. */
int pane_view_key(struct view *v, enum action a, int key);
int pane_view_mouse(struct view *v, const MEVENT *ev);
void pane_view_draw(struct view *v, const struct view_area *a, bool focused);
void pane_view_title(struct view *v, char *buf, size_t len);
void pane_view_close(struct view *v);
/* An open hook for a view of a command's output as it comes (arg: the title). */
bool pane_view_open_live(struct view *v, const void *arg);

/* An overlay text view's hooks, for its struct view_ops (tig's DEFINE_VIEW):
 * { .name = "help", PANE_VIEW_HOOKS, .open = help_open, .close = pane_view_close } */
#define PANE_VIEW_HOOKS \
	.place = VIEW_SCREEN, .overlay = true, .draw = pane_view_draw, .key = pane_view_key, \
	.mouse = pane_view_mouse, .title = pane_view_title

#endif
