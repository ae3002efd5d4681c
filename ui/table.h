/* table.h: the container table: rows from every endpoint, filter, sort,
 * selection by container id, marks, column layout and drawing. */
#ifndef BERTH_TABLE_H
#define BERTH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct dash_ep;
struct dash_stats;
struct stats_history;
struct berth_container;
struct berth_lease;

enum column {
	COL_NAME, COL_ID, COL_IMAGE, COL_STATUS, COL_UP, COL_PORTS, COL_IP, COL_CPU,
	COL_MEM, COL_ENDPOINT,
	COL_RESERVATION,	/* Zun: the short name of the lease the container runs on */
	COL_FLAGS,	/* trouble: "unhealthy", "starting", "oom", "restarts 3" */
	COL_CPU_HIST,	/* a sparkline of the last CPU % samples */
	NCOLS
};

struct row {
	struct berth_container *c;	/* borrowed from its endpoint's list */
	struct dash_ep *ep;
	struct dash_stats *st;		/* NULL when no sample yet */
	const struct berth_lease *lease;	/* Zun: the lease holding its reservation, or NULL */
	bool marked;
	size_t line;			/* grouped: its display line */
};

/* A display line of the grouped table: a group's header (row -1) or a row. */
struct tline {
	struct dash_ep *ep;		/* the group's endpoint (by endpoint) */
	const struct berth_lease *lease;	/* the group's lease (by lease; NULL: none) */
	const char *project;		/* the group's compose project (by project; NULL: none) */
	long row;
	size_t count;			/* a header: its rows shown */
};

/* The lease that holds a Zun container's reservation on e, or NULL: the
 * dashboard's answer (dash-leases.c), valid until the next table_rebuild. */
typedef const struct berth_lease *(*table_lease_fn)(void *ctx, const struct dash_ep *e,
						     const char *reservation);

struct table {
	struct row *rows;		/* the rows shown: those of sorted that pass the filter */
	size_t nrows, cap;
	struct row *sorted;		/* every listed container, in the table's order */
	size_t nsorted, sorted_cap;
	size_t total, running;		/* before the filter */
	size_t sel, top;		/* selected row, first row shown */
	int height;			/* rows shown at the last draw */
	int sort_col;
	bool sort_rev;
	bool all;			/* all containers, or running only */
	char filter[256];		/* text; its ep:NAME words choose endpoints */
	int group;			/* the grouping value (table.c's groupings); 0: none */
	table_lease_fn lease_of;	/* NULL: no lease is known */
	void *lease_ctx;
	struct tline *lines;		/* grouped display lines */
	size_t nlines, lines_cap, ltop;	/* ltop: first line shown */
	char *sel_ep, *sel_id;		/* the selection's identity */
	char *want_ep, *want_id;	/* to select once its row shows (a new container) */
	char **marks;			/* "endpoint\nid" */
	size_t nmarks;
	int col_x[NCOLS], col_w[NCOLS];	/* layout of the last draw; w 0: hidden */
	/* The CPU sparkline's source and characters, set by the view that draws. */
	const struct stats_history *history;	/* NULL: no sparkline column */
	bool graph_ascii;
};

void table_init(struct table *t);
void table_done(struct table *t);
/* Rebuild the rows from the endpoints' lists, keeping selection and marks. */
void table_rebuild(struct table *t, struct dash_ep *eps, size_t neps);
/* The same data in another order (the sort or the grouping changed). */
void table_resort(struct table *t, struct dash_ep *eps, size_t neps);
/* The same data and order, another filter or running-only: no sort. */
void table_refilter(struct table *t, struct dash_ep *eps, size_t neps);
struct row *table_selected(struct table *t);
/* The row of container id on ep, shown or filtered out; NULL when the last
 * lists have none (valid until the next table_rebuild). */
struct row *table_find(struct table *t, const struct dash_ep *ep, const char *id);
/* The next grouping value that applies to these endpoints (none, endpoint, and
 * lease when one is Zun); its name for the title ("endpoint"), NULL for none. */
void table_group_next(struct table *t, struct dash_ep *eps, size_t neps);
const char *table_group_name(const struct table *t);
/* Select the row of this container once a rebuild shows it (a container the
 * dashboard just made; its list may not have it yet). */
void table_select_when_shown(struct table *t, const char *ep, const char *id);
void table_move(struct table *t, long delta);	/* clamps */
void table_select(struct table *t, size_t i);
void table_toggle_mark(struct table *t);
void table_mark(struct table *t, struct row *r);	/* marked already: nothing */
void table_clear_marks(struct table *t);
bool table_is_marked(const struct table *t, const char *ep, const char *id);
/* A container's key "ENDPOINT\nID" (a mark's) against the key of ep and id, as
 * strcmp compares the two, without making the second. */
int table_key_cmp(const char *key, const char *ep, const char *id);
const char *table_col_name(enum column c);
/* Draw the header at y and rows below it, height lines in all. */
void table_draw(struct table *t, int y, int height, int width, bool multi_ep, bool focused);
/* The row drawn on the k-th line under the header, or -1 (none, or a group
 * header). */
long table_row_at(const struct table *t, int k);
/* The column under screen column x, or -1. */
int table_col_at(const struct table *t, int x);
/* "45s", "3m", "2h", "5d": a duration in its largest whole unit. */
const char *table_duration_text(long s, char *buf, size_t len);
/* The flags of c (st: its feed entry, or NULL): "unhealthy oom restarts 3",
 * "starting", "" when none. */
const char *table_flags_text(const struct berth_container *c, const struct dash_stats *st,
			     char *buf, size_t len);
/* "exited (1)" */
const char *table_status_text(const struct berth_container *c, char *buf, size_t len);

#endif
