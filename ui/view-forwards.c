/* view-forwards.c: the forwards view (:forwards, issue 13 item 5). Every
 * forward started on the command line (:forward CONTAINER PORT [LOCAL_PORT])
 * runs on after its output view closes, until it is stopped here (d or S on
 * its line) or the dashboard quits; this view lists them with where each
 * listens (dash-command.c keeps them). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "command.h"
#include "dash-draw.h"
#include "dash.h"
#include "theme.h"
#include "util.h"

struct fwview {
	size_t sel;
};

static void
forwards_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct fwview *fv = v->priv;
	size_t n = command_forward_count(v->d);
	if (a->h < 2)
		return;
	if (fv->sel >= n)
		fv->sel = n ? n - 1 : 0;
	int wide = a->w / 2;
	attr_t hd = theme_attr(TH_HEADER);
	draw_fill(a->y, 0, a->w, hd);
	draw_str(a->y, 0, wide, "FORWARD (CONTAINER PORT [LOCAL_PORT] (ENDPOINT))", hd);
	draw_str(a->y, wide, a->w - wide, "LISTENS ON", hd);
	for (int k = 1; k < a->h; k++) {
		size_t i = (size_t)k - 1;
		attr_t at = i < n && i == fv->sel ? theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL);
		draw_fill(a->y + k, 0, a->w, at);
		if (i >= n) {
			if (n == 0 && k == 1)
				draw_str(a->y + k, 0, a->w, "no forward runs: :forward CONTAINER PORT "
					 "[LOCAL_PORT] starts one", theme_attr(TH_STALE));
			continue;
		}
		char what[300], where[64];
		command_forward_describe(v->d, i, what, sizeof what, where, sizeof where);
		draw_str_cut(a->y + k, 0, wide - 1, what, at, false);
		draw_str(a->y + k, wide, a->w - wide, where, at);
	}
}

static void
forwards_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, "forwards · %zu running · d stops the selected one · Esc closes",
		 command_forward_count(v->d));
}

static int
forwards_key(struct view *v, enum action a, int key)
{
	struct fwview *fv = v->priv;
	size_t n = command_forward_count(v->d);
	switch (a) {
	case ACT_NONE: case ACT_HELP: return VIEW_IGNORED;
	case ACT_UP: fv->sel = fv->sel ? fv->sel - 1 : 0; break;
	case ACT_DOWN: fv->sel = fv->sel + 1 < n ? fv->sel + 1 : fv->sel; break;
	case ACT_DELETE: case ACT_STOP:
		if (fv->sel < n) {
			command_forward_stop(v->d, fv->sel);
			dash_message(v->d, false, "stopping the forward");
		}
		break;
	case ACT_BACK: case ACT_QUIT: return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	default: break;	/* the table's keys wait until it closes */
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

static bool
forwards_open(struct view *v, const void *arg)
{
	v->priv = xcalloc(1, sizeof(struct fwview));
	return true;
}

static void
forwards_close(struct view *v)
{
	free(v->priv);
}

const struct view_ops forwards_view = {
	.name = "forwards", .place = VIEW_SCREEN, .by_name = true, .open = forwards_open,
	.draw = forwards_draw, .title = forwards_title, .key = forwards_key, .close = forwards_close,
};
