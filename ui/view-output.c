/* view-output.c: the output view: a text an action produced (a port probe's
 * report), over the body, until Esc. */
#include "config.h"

#include "dash-actions.h"
#include "view-pane.h"

/* arg: a struct output_text, copied. */
static bool
output_open(struct view *v, const void *arg)
{
	const struct output_text *o = arg;
	pane_set_text(pane_new(v, o->title), o->text ? o->text : "");
	return true;
}

const struct view_ops output_view = {
	.name = "output", PANE_VIEW_HOOKS, .open = output_open,
	.close = pane_view_close,
};
