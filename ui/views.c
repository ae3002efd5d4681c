/* views.c: the registry of the dashboard's views, by name (view_open). A new
 * view adds its line here. It sits above the views it lists; only the frame
 * (dashboard.c) looks names up. */
#include "config.h"

#include <string.h>

#include "util.h"
#include "view.h"

extern const struct view_ops table_view, logs_view, help_view, details_view, inspect_view,
	exec_view, leases_view, endpoints_view, prompt_view, confirm_view, menu_view;

static const struct view_ops *const builtin[] = {
	&table_view,
	&logs_view,
	&help_view,
	&details_view,
	&inspect_view,
	&exec_view,
	&leases_view,
	&endpoints_view,
	&prompt_view,
	&confirm_view,
	&menu_view,
};

static const struct view_ops **added;
static size_t nadded;

void
view_register(const struct view_ops *ops)
{
	added = xrealloc(added, (nadded + 1) * sizeof *added);
	added[nadded++] = ops;
}

const struct view_ops *
view_ops_find(const char *name)
{
	for (size_t i = nadded; i-- > 0;)	/* a test's view first */
		if (strcmp(added[i]->name, name) == 0)
			return added[i];
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (strcmp(builtin[i]->name, name) == 0)
			return builtin[i];
	return NULL;
}
