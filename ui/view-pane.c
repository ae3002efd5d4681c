/* view-pane.c: the text views' common part (view-pane.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "dialog.h"
#include "sanitize.h"
#include "util.h"
#include "view-pane.h"

static void
search_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	struct logpane *lp = ctx;
	snprintf(lp->search, sizeof lp->search, "%s", text);
	if (!*text)
		return;
	if (!logpane_find(lp, -1) && !logpane_find(lp, 1))
		dash_message(d, true, "no line matches \"%s\"", text);
	else
		d->msg[0] = '\0';
}

static void
save_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	struct logpane *lp = ctx;
	if (!*text)
		return;
	if (logpane_save(lp, text) < 0)
		dash_message(d, true, "cannot write %s: %s", text, strerror(errno));
	else
		dash_message(d, false, "saved %zu lines to %s", logpane_shown_count(lp), text);
}

static bool
is_scroll(enum action a)
{
	return a == ACT_UP || a == ACT_DOWN || a == ACT_PAGE_UP || a == ACT_PAGE_DOWN ||
	       a == ACT_TOP || a == ACT_BOTTOM || a == ACT_FILTER || a == ACT_NEXT ||
	       a == ACT_PREV;
}

int
pane_keys(struct view *v, struct logpane *lp, enum action a, bool focused, const char *save_name)
{
	if (is_scroll(a) && !focused)
		return VIEW_IGNORED;
	long page = lp->height > 1 ? lp->height - 1 : 1;
	switch (a) {
	case ACT_UP: logpane_scroll(lp, -1); break;
	case ACT_DOWN: logpane_scroll(lp, 1); break;
	case ACT_PAGE_UP: logpane_scroll(lp, -page); break;
	case ACT_PAGE_DOWN: logpane_scroll(lp, page); break;
	case ACT_TOP: logpane_home(lp); break;
	case ACT_BOTTOM: logpane_end(lp); break;
	case ACT_FILTER:
		dialog_prompt(v->d, "search:", lp->search, search_submitted, lp, NULL);
		break;
	case ACT_LOG_PAUSE: logpane_toggle_follow(lp); break;
	case ACT_LOG_WRAP: lp->wrap = !lp->wrap; break;
	case ACT_LOG_TIMESTAMPS: lp->show_ts = !lp->show_ts; break;
	case ACT_NEXT:
	case ACT_PREV:
		if (!logpane_find(lp, a == ACT_NEXT ? -1 : 1))
			dash_message(v->d, true, lp->search[0] ? "no more matches"
				     : "nothing to search for: press /");
		break;
	case ACT_LOG_SAVE: {
		char *name = sanitize_str(save_name);
		char *initial = xasprintf("berth-%s.log", name);
		dialog_prompt(v->d, "save to:", initial, save_submitted, lp, NULL);
		free(initial);
		free(name);
		break;
	}
	default: return VIEW_IGNORED;
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

int
pane_mouse(struct logpane *lp, const MEVENT *ev)
{
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		logpane_scroll(lp, ev->bstate & BUTTON4_PRESSED ? -3 : 3);
	return VIEW_HANDLED | VIEW_REDRAW;
}

/* ---------------------------------------------------------------- overlays */

struct pane *
pane_new(struct view *v, const char *title)
{
	struct pane *p = xcalloc(1, sizeof *p);
	char *t = sanitize_str(title);
	snprintf(p->title, sizeof p->title, "%s", t);
	free(t);
	logpane_init(&p->lp, dash_scrollback(v->d), false);
	v->priv = p;
	return p;
}

void
pane_set_text(struct pane *p, const char *text)
{
	logpane_clear(&p->lp);
	logpane_add_text(&p->lp, BERTH_STDOUT, text);
	logpane_home(&p->lp);
}

void
pane_replace_text(struct pane *p, const char *text)
{
	struct logpane *lp = &p->lp;
	bool top = lp->at_top, follow = lp->follow;
	uint64_t from_first = lp->anchor - lp->first_seq;
	char search[sizeof lp->search];
	memcpy(search, lp->search, sizeof search);
	logpane_clear(lp);
	logpane_add_text(lp, BERTH_STDOUT, text);
	memcpy(lp->search, search, sizeof search);
	if (top) {
		logpane_home(lp);
	} else if (!follow && lp->count) {
		lp->follow = false;
		lp->anchor = lp->first_seq + (from_first < lp->count ? from_first : lp->count - 1);
	}
}

int
pane_view_key(struct view *v, enum action a, int key)
{
	struct pane *p = v->priv;
	int flags = pane_keys(v, &p->lp, a, true, "pane");
	if (flags)
		return flags;
	switch (a) {
	case ACT_NONE: return VIEW_IGNORED;	/* ^C still quits */
	case ACT_QUIT: case ACT_BACK: case ACT_DETAILS:
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	case ACT_HELP:
		view_open(v->d, "help", NULL);	/* in its place */
		return VIEW_HANDLED | VIEW_REDRAW;
	default: return VIEW_HANDLED;	/* the table's keys wait until it closes */
	}
}

int
pane_view_mouse(struct view *v, const MEVENT *ev)
{
	struct pane *p = v->priv;
	return pane_mouse(&p->lp, ev);
}

void
pane_view_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct pane *p = v->priv;
	logpane_draw(&p->lp, a->y, a->h, a->w);
}

void
pane_view_title(struct view *v, char *buf, size_t len)
{
	struct pane *p = v->priv;
	char flags[400];
	logpane_flags(&p->lp, flags, sizeof flags);
	snprintf(buf, len, "%s · %s", p->title, flags);
}

bool
pane_view_open_live(struct view *v, const void *arg)
{
	pane_new(v, arg)->lp.live = true;
	return true;
}

void
pane_view_close(struct view *v)
{
	struct pane *p = v->priv;
	logpane_done(&p->lp);
	free(p);
}
