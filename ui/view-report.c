/* view-report.c: the report view: a text an action produced (a port probe's
 * report), over the body, until Esc. */
#include "config.h"

#include "dash-actions.h"
#include "view-pane.h"

/* arg: a struct report_text, copied. */
static bool
report_open(struct view *v, const void *arg)
{
	const struct report_text *o = arg;
	pane_set_text(pane_new(v, o->title), o->text ? o->text : "");
	return true;
}

const struct view_ops report_view = {
	.name = "report", PANE_VIEW_HOOKS, .open = report_open,
	.close = pane_view_close,
};
