/* view-endpoints.c: the endpoints view (key H) on the frame: every endpoint,
 * worst first, drawn and moved by dash-endpoints.c; Enter filters the table
 * to the selected endpoint, Esc closes it. */
#include "config.h"

#include "dash.h"

static bool
endpoints_open(struct view *v, const void *arg)
{
	endpoints_view_key(v->d, ACT_ENDPOINTS);
	return true;
}

static int
endpoints_key(struct view *v, enum action a, int key)
{
	if (a == ACT_NONE || !endpoints_view_key(v->d, a))
		return VIEW_IGNORED;
	return VIEW_HANDLED | VIEW_REDRAW | (v->d->epv.open ? 0 : VIEW_CLOSE);
}

/* The wheel moves the selection. */
static int
endpoints_mouse(struct view *v, const MEVENT *ev)
{
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		for (int i = 0; i < 3; i++)
			endpoints_view_key(v->d, ev->bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
endpoints_draw(struct view *v, const struct view_area *a, bool focused)
{
	endpoints_view_draw(v->d, a->y, a->h, dash_now());
}

static void
endpoints_close(struct view *v)
{
	v->d->epv.open = false;
}

const struct view_ops endpoints_view = {
	.name = "endpoints", .place = VIEW_SCREEN, .open = endpoints_open, .draw = endpoints_draw,
	.key = endpoints_key, .mouse = endpoints_mouse, .close = endpoints_close,
};
