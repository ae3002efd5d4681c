/* views.c: the registry of the dashboard's views, by name (view_open). A new
 * view adds its line to BUILTIN_VIEWS. It sits above the views it lists; only
 * the frame (dashboard.c) looks names up. */
#include "config.h"

#include <string.h>

#include "util.h"
#include "view.h"

/* The built-in views, one line each: the name of its struct view_ops. */
#define BUILTIN_VIEWS(X) \
	X(table_view) \
	X(logs_view) \
	X(help_view) \
	X(details_view) \
	X(inspect_view) \
	X(exec_view) \
	X(bulk_exec_view) \
	X(leases_view) \
	X(endpoints_view) \
	X(prompt_view) \
	X(confirm_view) \
	X(menu_view) \
	X(command_view) \
	X(output_view) \
	X(stats_view) \
	X(images_view) \
	X(runform_view) \
	X(report_view) \
	X(events_view) \
	X(stage_view) \
	X(forwards_view)

#define DECLARE(ops) extern const struct view_ops ops;
BUILTIN_VIEWS(DECLARE)
#define ENTRY(ops) &ops,
static const struct view_ops *const builtin[] = { BUILTIN_VIEWS(ENTRY) };

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
