/* view-leases.c: the leases key's view: the active leases of every Zun
 * endpoint (dash-leases.c's report), asked again when it opens, shown again
 * when an answer comes or a time left in it changes; the extend key extends
 * one (dash-extend.c). */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "dash.h"
#include "util.h"
#include "view-pane.h"

struct leases_view {
	unsigned answers;	/* dash_leases_answers() when last shown */
	time_t changes;		/* when a time left shown changes */
};

static void
leases_render(struct view *v)
{
	struct pane *p = v->priv;
	struct leases_view *l = p->owner;
	l->answers = dash_leases_answers(v->d);
	char *text = dash_leases_report(v->d, time(NULL), &l->changes);
	pane_set_text(p, text);
	free(text);
}

static bool
leases_open(struct view *v, const void *arg)
{
	if (!dash_leases_ask_now(v->d))
		return false;
	pane_new(v, "leases")->owner = xcalloc(1, sizeof(struct leases_view));
	leases_render(v);
	return true;
}

static double
leases_deadline(struct view *v, double now)
{
	struct pane *p = v->priv;
	struct leases_view *l = p->owner;
	if (l->answers != dash_leases_answers(v->d))
		return now;
	return now + (double)(l->changes - time(NULL));
}

static int
leases_tick(struct view *v, double now)
{
	leases_render(v);
	return VIEW_REDRAW;
}

static int
leases_key(struct view *v, enum action a, int key)
{
	if (a != ACT_EXTEND)
		return pane_view_key(v, a, key);
	lease_extend_ask(v->d);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
leases_close(struct view *v)
{
	struct pane *p = v->priv;
	free(p->owner);
	pane_view_close(v);
}

const struct view_ops leases_view = {
	.name = "leases", .place = VIEW_SCREEN, .overlay = true, .by_name = true,
	.draw = pane_view_draw,
	.key = leases_key, .mouse = pane_view_mouse, .title = pane_view_title,
	.open = leases_open,
	.deadline = leases_deadline, .tick = leases_tick,
	.close = leases_close,
};
