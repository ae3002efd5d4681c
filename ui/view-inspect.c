/* view-inspect.c: the engine's own JSON of a container, asked on the pool
 * and shown, pretty-printed, in a text view over the body. */
#include "config.h"

#include <json-c/json.h>
#include <stdlib.h>

#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"
#include "util.h"
#include "view-pane.h"

struct inspect_job {
	struct ctr_job c;
	char *json;
};

static void
inspect_run(struct pool_job *pj)
{
	struct inspect_job *j = (struct inspect_job *)pj;
	struct berth_container *c = NULL;
	j->c.rc = berth_inspect(j->c.ep, j->c.id, true, &c, pj->cancel, &j->c.err);
	if (j->c.rc == 0) {
		j->json = xstrdup(c->raw ? json_object_to_json_string_ext(c->raw,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}");
		berth_container_free(c);
	}
}

static void
inspect_done(struct pool_job *pj)
{
	struct inspect_job *j = (struct inspect_job *)pj;
	if (!j->c.d->quit) {
		if (j->c.rc == 0) {
			view_open(j->c.d, "inspect", j);
			dash_message(j->c.d, false, "inspected %s", j->c.name);
		} else {
			dash_message(j->c.d, true, "%s", j->c.err.message);
		}
	}
	free(j->json);
	ctr_job_free(&j->c);
}

void
inspect_start(struct dash *d, struct targets *t)
{
	struct inspect_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], "inspect", inspect_run, inspect_done, POOL_FAST);
	j->c.job.deadline = dash_now() + 20;	/* a frozen engine must not hold a worker */
	char note[400];
	if (!ctr_job_submit(&j->c))
		ctr_job_free(&j->c);
	else if (*targets_wait_note(t, note, sizeof note))
		dash_message(d, true, "inspecting %s%s…", t->v[0].name, note);
	targets_free(t);
}

/* arg: the finished job. */
static bool
inspect_open(struct view *v, const void *arg)
{
	const struct inspect_job *j = arg;
	char *title = xasprintf("inspect %s", j->c.name);
	pane_set_text(pane_new(v, title), j->json);
	free(title);
	return true;
}

const struct view_ops inspect_view = {
	.name = "inspect", PANE_VIEW_HOOKS, .open = inspect_open,
	.close = pane_view_close,
};
