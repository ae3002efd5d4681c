/* dash-compose.c: compose projects in the dashboard. A container carries its
 * project in the labels docker compose and podman-compose set; M marks every
 * row of the selected container's project, on its endpoint, so that the bulk
 * actions (s, S, r, d, K) act on the whole project at once. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "sanitize.h"

void
compose_mark_project(struct dash *d)
{
	struct table *t = &d->table;
	struct row *sel = table_selected(t);
	const char *project = sel ? berth_compose_project(sel->c) : NULL;
	if (!project) {
		dash_message(d, true, "%s", sel ? "the selected container is in no compose project"
						 : "no container is selected");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		const char *p = berth_compose_project(t->rows[i].c);
		if (t->rows[i].ep == sel->ep && p && strcmp(p, project) == 0) {
			table_mark(t, &t->rows[i]);
			n++;
		}
	}
	char *name = sanitize_str(project);
	dash_message(d, false, "marked the %zu container%s of compose project %s: s, S, r act on them",
		     n, n == 1 ? "" : "s", name);
	free(name);
	dash_marks_changed(d);
	dash_changed(d);
}
