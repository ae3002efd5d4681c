/* test_table.c: the container table (table.c) without a terminal: every
 * container sorted once and the filter picking from that order, a new sort
 * keeping the selection on its container, and marks across endpoints found,
 * toggled and forgotten with their container. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dash.h"
#include "tap.h"

static struct berth_container ctr[] = {
	{ .id = (char *)"c3", .name = (char *)"web", .image = (char *)"nginx",
	  .status = BERTH_ST_RUNNING, .running = true },
	{ .id = (char *)"a1", .name = (char *)"db", .image = (char *)"postgres",
	  .status = BERTH_ST_EXITED, .exit_code = 1 },
	{ .id = (char *)"b2", .name = (char *)"cache", .image = (char *)"redis",
	  .status = BERTH_ST_RUNNING, .running = true },
	{ .id = (char *)"d4", .name = (char *)"worker", .image = (char *)"nginx",
	  .status = BERTH_ST_CREATED },
};
static struct berth_container *alpha_ctrs[] = { &ctr[1], &ctr[0] };	/* db, web */
static struct berth_container *beta_ctrs[] = { &ctr[2], &ctr[3] };

/* The names of the rows shown, in their order. */
static const char *
shown(const struct table *t)
{
	static char buf[256];
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->nrows && used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "",
					 t->rows[i].c->name);
	return buf;
}

static void
select_name(struct table *t, const char *name)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].c->name, name) == 0)
			table_select(t, i);
}

static void
refilter(struct table *t, struct dash_ep *eps, const char *filter)
{
	snprintf(t->filter, sizeof t->filter, "%s", filter);
	table_refilter(t, eps, 2);
}

static void
filters_and_sorts(struct table *t, struct dash_ep *eps)
{
	table_rebuild(t, eps, 2);
	is_str(shown(t), "cache db web worker", "every container, by name");
	ok(t->total == 4 && t->running == 2, "counted before the filter: 4, 2 running");
	refilter(t, eps, "nginx");
	is_str(shown(t), "web worker", "a filter picks from the sorted rows");
	refilter(t, eps, "ep:beta");
	is_str(shown(t), "cache worker", "ep:NAME chooses an endpoint");
	refilter(t, eps, "ALPH");
	is_str(shown(t), "db web", "text in an endpoint's name takes its rows");
	refilter(t, eps, "state:running");
	is_str(shown(t), "cache web", "state:WORD");
	refilter(t, eps, "");
	select_name(t, "cache");
	t->sort_col = COL_IMAGE;
	table_resort(t, eps, 2);
	is_str(shown(t), "web worker db cache", "by image, then by name");
	is_str(table_selected(t)->c->name, "cache", "... the selection stays on its container");
	t->sort_rev = true;
	table_resort(t, eps, 2);
	is_str(shown(t), "cache db web worker", "reversed: the image's order turns, the names' does not");
	t->sort_col = COL_NAME;
	t->sort_rev = false;
	table_resort(t, eps, 2);
}

static void
marks(struct table *t, struct dash_ep *eps)
{
	const char *order[] = { "worker", "db", "web" };
	for (size_t i = 0; i < 3; i++) {
		select_name(t, order[i]);
		table_toggle_mark(t);
	}
	ok(t->nmarks == 3 && strcmp(t->marks[0], t->marks[1]) < 0 &&
	   strcmp(t->marks[1], t->marks[2]) < 0, "three marks, kept in order");
	ok(table_is_marked(t, "alpha", "a1") && table_is_marked(t, "beta", "d4") &&
	   !table_is_marked(t, "beta", "b2") && !table_is_marked(t, "alph", "a1"),
	   "each found by endpoint and id, nothing else");
	select_name(t, "db");
	table_toggle_mark(t);
	ok(t->nmarks == 2 && !table_is_marked(t, "alpha", "a1"), "marking again unmarks");
	table_mark(t, &t->rows[0]);
	table_mark(t, &t->rows[0]);
	ok(t->nmarks == 3 && t->rows[0].marked, "table_mark marks once");
	refilter(t, eps, "o");
	ok(t->nrows == 2 && !t->rows[0].marked && t->rows[1].marked, "a refilter keeps the rows' marks");
	refilter(t, eps, "");
	eps[0].nctrs = 1;	/* web (alpha, c3) is gone */
	table_rebuild(t, eps, 2);
	ok(t->nmarks == 2 && !table_is_marked(t, "alpha", "c3") && table_is_marked(t, "beta", "d4") &&
	   table_is_marked(t, "beta", "b2"), "the mark of a container gone goes, the others stay");
	table_clear_marks(t);
	ok(t->nmarks == 0 && !t->rows[0].marked, "cleared");
}

int
main(void)
{
	struct dash_ep eps[2] = {
		{ .name = (char *)"alpha", .ctrs = alpha_ctrs, .nctrs = 2 },
		{ .name = (char *)"beta", .ctrs = beta_ctrs, .nctrs = 2 },
	};
	struct table t;
	table_init(&t);
	filters_and_sorts(&t, eps);
	marks(&t, eps);
	table_done(&t);
	return tap_done();
}
