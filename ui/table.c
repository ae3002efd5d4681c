/* table.c: the container table. Rows borrow the endpoints' immutable
 * snapshots; a rebuild after every list keeps the selection on the same
 * container (endpoint + id), never on a row number. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "stats-history.h"
#include "table.h"
#include "theme.h"
#include "util.h"

struct col_spec {
	const char *name;
	int min, cap;		/* display columns; cap > min: flexible */
	int priority;		/* lower is kept first on narrow screens */
	bool keep_end;		/* cut at the start: the end tells values apart */
};

#define SPARK_POINTS 12	/* samples in the CPU sparkline column */

static const struct col_spec cols[NCOLS] = {
	[COL_NAME] = { "NAME", 12, 32, 0 },
	[COL_ID] = { "ID", 12, 12, 6 },
	[COL_IMAGE] = { "IMAGE", 8, 32, 7 },
	[COL_STATUS] = { "STATUS", 12, 12, 1 },
	[COL_UP] = { "AGE", 8, 8, 4 },
	[COL_PORTS] = { "PORTS", 8, 30, 8 },
	[COL_IP] = { "IP", 7, 15, 9 },
	[COL_CPU] = { "CPU%", 6, 6, 2 },
	[COL_MEM] = { "MEM", 7, 7, 3 },
	/* unix:///run/a/docker.sock, ssh://pi@edge-017.lab: the end differs,
	 * and with many endpoints it matters more than the id or image. */
	[COL_ENDPOINT] = { "ENDPOINT", 12, 24, 5, true },
	/* Shown only while a row on screen is on a Zun endpoint. */
	[COL_RESERVATION] = { "RESERVATION", 12, 24, 5 },
	/* Shown only while a row on screen has a flag. */
	[COL_FLAGS] = { "FLAGS", 6, 24, 1 },
	/* The last samples, the newest at the right; shown while a row on
	 * screen has any, last of all where room is short. */
	[COL_CPU_HIST] = { "CPU HIST", SPARK_POINTS, SPARK_POINTS, 10 },
};

#define MARK_W 2	/* "* " before the name */
#define FAIR_W 13	/* what a flexible column gets before any gets more */

void
table_init(struct table *t)
{
	memset(t, 0, sizeof *t);
	t->all = true;
	t->sort_col = COL_NAME;
}

void
table_done(struct table *t)
{
	free(t->rows);
	free(t->sorted);
	free(t->lines);
	free(t->sel_ep);
	free(t->sel_id);
	free(t->want_ep);
	free(t->want_id);
	for (size_t i = 0; i < t->nmarks; i++)
		free(t->marks[i]);
	free(t->marks);
	memset(t, 0, sizeof *t);
}

const char *
table_col_name(enum column c)
{
	return cols[c].name;
}

const char *
table_status_text(const struct berth_container *c, char *buf, size_t len)
{
	if (c->status == BERTH_ST_EXITED)
		snprintf(buf, len, "exited (%d)", c->exit_code);
	else
		snprintf(buf, len, "%s", berth_status_name(c->status));
	return buf;
}

static char *
mark_key(const char *ep, const char *id)
{
	return xasprintf("%s\n%s", ep, id);
}

int
table_key_cmp(const char *key, const char *ep, const char *id)
{
	size_t el = strlen(ep);
	int r = strncmp(key, ep, el);
	if (!r)
		r = (unsigned char)key[el] - '\n';
	return r ? r : strcmp(key + el + 1, id);
}

/* The marks are kept sorted: the index of ep's id among them (*found), or
 * where it would go. */
static size_t
mark_find(const struct table *t, const char *ep, const char *id, bool *found)
{
	size_t lo = 0, hi = t->nmarks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = table_key_cmp(t->marks[mid], ep, id);
		if (!r) {
			*found = true;
			return mid;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

bool
table_is_marked(const struct table *t, const char *ep, const char *id)
{
	bool found;
	mark_find(t, ep, id, &found);
	return found;
}

static void
mark_insert(struct table *t, size_t at, struct row *r)
{
	t->marks = xrealloc(t->marks, (t->nmarks + 1) * sizeof *t->marks);
	memmove(t->marks + at + 1, t->marks + at, (t->nmarks - at) * sizeof *t->marks);
	t->marks[at] = mark_key(r->ep->name, r->c->id);
	t->nmarks++;
	r->marked = true;
}

/* What the filter asks of a row: its ep:NAME words choose endpoints (those
 * named exactly NAME, else those whose name contains it); health:WORD,
 * state:WORD and oom ask for a health, a status and the OOM flag; the rest is
 * text a field must contain. */
struct row_filter {
	bool *ep_ok;		/* per endpoint */
	bool *ep_text;		/* per endpoint: its name contains the text */
	int health;		/* enum berth_health wanted, or -1 */
	int state;		/* enum berth_status wanted, or -1 */
	bool oom;		/* only the OOM-killed */
	char *text;		/* allocated */
};

static void
filter_ep_word(const char *name, struct dash_ep *eps, size_t neps, bool *ep_ok)
{
	bool exact = false;
	for (size_t i = 0; i < neps; i++)
		exact |= strcmp(eps[i].name, name) == 0;
	for (size_t i = 0; i < neps; i++)
		ep_ok[i] |= exact ? strcmp(eps[i].name, name) == 0 : !!strcasestr(eps[i].name, name);
}

/* health:WORD (none, starting, healthy, unhealthy); -1 when WORD is none of them. */
static int
filter_health(const char *word)
{
	for (int h = BERTH_HEALTH_NONE; h <= BERTH_HEALTH_UNHEALTHY; h++)
		if (strcasecmp(word, h == BERTH_HEALTH_NONE ? "none" : berth_health_name(h)) == 0)
			return h;
	return -1;
}

/* One word that is a condition, not text; false when it is text. */
static bool
filter_condition(struct row_filter *f, const char *w, struct dash_ep *eps, size_t neps,
		 bool *any_ep)
{
	enum berth_status st;
	if (strncasecmp(w, "ep:", 3) == 0) {
		filter_ep_word(w + 3, eps, neps, f->ep_ok);
		*any_ep = true;
	} else if (strncasecmp(w, "health:", 7) == 0 && filter_health(w + 7) >= 0) {
		f->health = filter_health(w + 7);
	} else if (strncasecmp(w, "state:", 6) == 0 && berth_status_parse(w + 6, &st) == 0) {
		f->state = (int)st;
	} else if (strcasecmp(w, "oom") == 0) {
		f->oom = true;
	} else {
		return false;
	}
	return true;
}

static void
filter_parse(struct row_filter *f, const char *filter, struct dash_ep *eps, size_t neps)
{
	char *copy = xstrdup(filter), *save = NULL;
	struct buf rest = { 0 };
	bool any_ep = false, any_condition = false;
	buf_append(&rest, "", 0);
	f->ep_ok = xcalloc(neps ? neps : 1, sizeof *f->ep_ok);
	f->health = f->state = -1;
	f->oom = false;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (filter_condition(f, w, eps, neps, &any_ep))
			any_condition = true;
		else
			buf_printf(&rest, "%s%s", rest.len ? " " : "", w);
	}
	free(copy);
	for (size_t i = 0; i < neps && !any_ep; i++)
		f->ep_ok[i] = true;
	if (!any_condition) {	/* the filter as typed, spaces and all */
		buf_free(&rest);
		f->text = xstrdup(filter);
	} else {
		f->text = rest.data;
	}
	f->ep_text = xcalloc(neps ? neps : 1, sizeof *f->ep_text);
	for (size_t i = 0; i < neps && *f->text; i++)
		f->ep_text[i] = strcasestr(eps[i].name, f->text) != NULL;
}

static void
filter_done(struct row_filter *f)
{
	free(f->ep_ok);
	free(f->ep_text);
	free(f->text);
}

/* Whether the filter hides rows (beyond choosing endpoints). */
static bool
filter_hides_rows(const struct row_filter *f)
{
	return *f->text || f->health >= 0 || f->state >= 0 || f->oom;
}

/* Whether row r, on endpoint number e, passes the filter. */
static bool
row_matches(const struct row_filter *f, const struct row *r, size_t e)
{
	const struct berth_container *c = r->c;
	const struct dash_stats *facts = r->st;
	char st[32];
	if (!f->ep_ok[e] ||
	    (f->health >= 0 && (int)c->health != f->health) || (f->state >= 0 && (int)c->status != f->state))
		return false;
	if (f->oom && !(facts && facts->facts_known && facts->oom))
		return false;
	if (!*f->text || f->ep_text[e])
		return true;
	const char *fields[] = { c->name, c->image, c->id };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i] && strcasestr(fields[i], f->text))
			return true;
	/* The status last: it is made for the comparison. */
	return strcasestr(table_status_text(c, st, sizeof st), f->text) != NULL;
}

static time_t
row_age_time(const struct berth_container *c)
{
	if (c->running && c->started)
		return c->started;
	if (c->finished)
		return c->finished;
	return c->created;
}

static int
cmp_str(const char *a, const char *b)
{
	return strcasecmp(a ? a : "", b ? b : "");
}

static int
cmp_num(double a, double b)
{
	return (a > b) - (a < b);
}

static double
row_cpu(const struct row *r)
{
	return r->st && r->c->running && r->st->cpu >= 0 ? r->st->cpu : -1;
}

static double
row_mem(const struct row *r)
{
	return r->st && r->c->running && r->st->have_mem ? (double)r->st->mem : -1;
}

/* The words of a row's flags; short: the symbols, for a narrow column. */
static const char *
flags_text(const struct berth_container *c, const struct dash_stats *st, bool short_form,
	   char *buf, size_t len)
{
	struct buf b = { 0 };
	buf_append(&b, "", 0);
	if (c->health == BERTH_HEALTH_UNHEALTHY || c->health == BERTH_HEALTH_STARTING)
		buf_printf(&b, "%s", short_form ? (c->health == BERTH_HEALTH_UNHEALTHY ? "!" : "~")
						: berth_health_name(c->health));
	if (st && st->facts_known && st->oom)
		buf_printf(&b, "%s%s", b.len && !short_form ? " " : "", short_form ? "M" : "oom");
	if (st && st->facts_known && st->restarts > 0)
		buf_printf(&b, "%s%s%d", b.len && !short_form ? " " : "",
			   short_form ? "R" : "restarts ", st->restarts);
	snprintf(buf, len, "%s", b.data);
	buf_free(&b);
	return buf;
}

/* The RESERVATION cell, unsanitized: the lease's name (its id when it has
 * none), else the start of the reservation id while no lease is known. */
static const char *
row_reservation(const struct row *r, char *buf, size_t len)
{
	const struct berth_lease *l = r->lease;
	if (l)
		snprintf(buf, len, "%s", l->name && *l->name ? l->name : l->id ? l->id : "");
	else
		snprintf(buf, len, "%.8s", r->c->reservation ? r->c->reservation : "");
	return buf;
}

const char *
table_flags_text(const struct berth_container *c, const struct dash_stats *st, char *buf,
		 size_t len)
{
	return flags_text(c, st, false, buf, len);
}

/* Trouble first: unhealthy, OOM-killed, restarted, then starting. */
static int
row_trouble(const struct row *r)
{
	const struct berth_container *c = r->c;
	bool known = r->st && r->st->facts_known;
	return (c->health == BERTH_HEALTH_UNHEALTHY) * 8 + (known && r->st->oom) * 4 +
	       (known && r->st->restarts > 0) * 2 + (c->health == BERTH_HEALTH_STARTING);
}

static int
cmp_col(const struct row *a, const struct row *b, int col)
{
	const struct berth_container *x = a->c, *y = b->c;
	switch (col) {
	case COL_NAME: return cmp_str(x->name, y->name);
	case COL_ID: return cmp_str(x->id, y->id);
	case COL_IMAGE: return cmp_str(x->image, y->image);
	case COL_STATUS:
		return x->status != y->status ? cmp_num(x->status, y->status)
			: cmp_num(x->exit_code, y->exit_code);
	/* Younger first reads naturally for "age", so compare the times reversed. */
	case COL_UP: return cmp_num((double)row_age_time(y), (double)row_age_time(x));
	case COL_PORTS:
		return cmp_num(x->nports ? x->ports[0].container_port : 0,
			       y->nports ? y->ports[0].container_port : 0);
	case COL_IP:
		return cmp_str(x->nipv4 ? x->ipv4[0] : "", y->nipv4 ? y->ipv4[0] : "");
	case COL_CPU: return cmp_num(row_cpu(b), row_cpu(a));	/* busiest first */
	case COL_MEM: return cmp_num(row_mem(b), row_mem(a));
	case COL_ENDPOINT: return cmp_str(a->ep->name, b->ep->name);
	case COL_RESERVATION: {
		char ra[64], rb[64];
		return cmp_str(row_reservation(a, ra, sizeof ra), row_reservation(b, rb, sizeof rb));
	}
	case COL_FLAGS: return cmp_num(row_trouble(b), row_trouble(a));
	case COL_CPU_HIST: return cmp_num(row_cpu(b), row_cpu(a));
	}
	return 0;
}

/* The endpoints' own order. */
static int
cmp_endpoint(const struct row *a, const struct row *b)
{
	return a->ep == b->ep ? 0 : a->ep < b->ep ? -1 : 1;
}

/* The lease that ends first first; the rows on no lease last. */
static int
cmp_lease(const struct row *a, const struct row *b)
{
	const struct berth_lease *x = a->lease, *y = b->lease;
	if (x == y)
		return 0;
	if (!x || !y)
		return x ? -1 : 1;
	int r = cmp_num((double)x->end, (double)y->end);
	return r ? r : x < y ? -1 : 1;
}

/* A compose project's rows together, by name then endpoint; the rows of no
 * project last. */
static int
cmp_project(const struct row *a, const struct row *b)
{
	const char *x = berth_compose_project(a->c), *y = berth_compose_project(b->c);
	if (!x || !y)
		return (x == NULL) - (y == NULL);
	int r = strcmp(x, y);
	return r ? r : cmp_endpoint(a, b);
}

static bool
applies_always(struct dash_ep *eps, size_t neps)
{
	return true;
}

static bool
applies_to_zun(struct dash_ep *eps, size_t neps)
{
	for (size_t i = 0; i < neps; i++)
		if (eps[i].kind == BERTH_KIND_ZUN)
			return true;
	return false;
}

/* Some container carries a compose project's label. */
static bool
applies_to_compose(struct dash_ep *eps, size_t neps)
{
	for (size_t i = 0; i < neps; i++)
		for (size_t k = 0; k < eps[i].nctrs; k++)
			if (berth_compose_project(eps[i].ctrs[k]))
				return true;
	return false;
}

static void lines_by_endpoint(struct table *t, struct dash_ep *eps, size_t neps,
			      const bool *ep_ok, bool text);
static void lines_by_value(struct table *t, struct dash_ep *eps, size_t neps,
			   const bool *ep_ok, bool text);
static void draw_endpoint_header(const struct tline *l, int y, int width);
static void draw_lease_header(const struct tline *l, int y, int width);
static void draw_project_header(const struct tline *l, int y, int width);

/* The values of the grouping key, in the order the group key cycles through
 * them; a value that does not apply to the endpoints shown is skipped. */
static const struct grouping {
	const char *name;	/* "by NAME" in the title; NULL: not grouped */
	bool (*applies)(struct dash_ep *eps, size_t neps);
	int (*cmp)(const struct row *a, const struct row *b);	/* the groups' order */
	/* The display lines: headers (with their count) and rows. */
	void (*lines)(struct table *t, struct dash_ep *eps, size_t neps, const bool *ep_ok,
		      bool text);
	void (*draw)(const struct tline *header, int y, int width);
	bool names_endpoint;	/* its headers name the endpoint: no ENDPOINT column */
} groupings[] = {
	{ NULL, applies_always, NULL, NULL, NULL, false },
	{ "endpoint", applies_always, cmp_endpoint, lines_by_endpoint, draw_endpoint_header, true },
	{ "lease", applies_to_zun, cmp_lease, lines_by_value, draw_lease_header, false },
	{ "project", applies_to_compose, cmp_project, lines_by_value, draw_project_header, false },
};
#define NGROUPINGS (int)(sizeof groupings / sizeof groupings[0])

void
table_group_next(struct table *t, struct dash_ep *eps, size_t neps)
{
	do
		t->group = (t->group + 1) % NGROUPINGS;
	while (!groupings[t->group].applies(eps, neps));
}

const char *
table_group_name(const struct table *t)
{
	return groupings[t->group].name;
}

static int
row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct table *t = arg;
	const struct row *a = pa, *b = pb;
	int r = t->group ? groupings[t->group].cmp(a, b) : 0;	/* groups stay together */
	if (r)
		return r;
	r = cmp_col(a, b, t->sort_col);
	if (t->sort_rev)
		r = -r;
	if (!r)
		r = cmp_str(a->c->name, b->c->name);
	if (!r)
		r = cmp_str(a->ep->name, b->ep->name);
	if (!r)
		r = strcmp(a->c->id, b->c->id);
	return r;
}

/* Forget marks of containers that no longer exist anywhere. */
static void
prune_marks(struct table *t, struct dash_ep *eps, size_t neps)
{
	bool *listed = xcalloc(t->nmarks, sizeof *listed), hit;
	for (size_t e = 0; e < neps; e++)
		for (size_t k = 0; k < eps[e].nctrs; k++) {
			size_t at = mark_find(t, eps[e].name, eps[e].ctrs[k]->id, &hit);
			if (hit)
				listed[at] = true;
		}
	size_t keep = 0;
	for (size_t i = 0; i < t->nmarks; i++) {
		if (listed[i])
			t->marks[keep++] = t->marks[i];
		else
			free(t->marks[i]);
	}
	t->nmarks = keep;
	free(listed);
}

static void
remember_selection(struct table *t)
{
	struct row *r = table_selected(t);
	free(t->sel_ep);
	free(t->sel_id);
	t->sel_ep = r ? xstrdup(r->ep->name) : NULL;
	t->sel_id = r ? xstrdup(r->c->id) : NULL;
}

static void
line_add(struct table *t, struct dash_ep *ep, long row)
{
	if (t->nlines == t->lines_cap) {
		t->lines_cap = t->lines_cap ? 2 * t->lines_cap : 64;
		t->lines = xrealloc(t->lines, t->lines_cap * sizeof *t->lines);
	}
	t->lines[t->nlines++] = (struct tline) { .ep = ep, .row = row };
}

/* By lease or by project: a header line per value that has rows, in the
 * grouping's order (the lease that ends soonest first; projects by name), the
 * rows on no lease (or on one Blazar did not list) or of no project last. */
static void
lines_by_value(struct table *t, struct dash_ep *eps, size_t neps, const bool *ep_ok, bool text)
{
	t->nlines = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		if (i == 0 || groupings[t->group].cmp(&t->rows[i - 1], &t->rows[i]) != 0) {
			line_add(t, t->rows[i].ep, -1);
			t->lines[t->nlines - 1].lease = t->rows[i].lease;
			t->lines[t->nlines - 1].project = berth_compose_project(t->rows[i].c);
		}
		struct tline *head = &t->lines[t->nlines - 1];
		while (head->row >= 0)
			head--;
		head->count++;
		t->rows[i].line = t->nlines;
		line_add(t, t->rows[i].ep, (long)i);
	}
}

/* By endpoint: a header line per endpoint that passes the filter (one
 * without matching rows only when no text filter hides its rows), then its
 * rows, which the sort keeps together. */
static void
lines_by_endpoint(struct table *t, struct dash_ep *eps, size_t neps, const bool *ep_ok, bool text)
{
	size_t i = 0;
	t->nlines = 0;
	for (size_t e = 0; e < neps; e++) {
		size_t first = i;
		while (i < t->nrows && t->rows[i].ep == &eps[e])
			i++;
		if (!ep_ok[e] || (i == first && text))
			continue;
		line_add(t, &eps[e], -1);
		t->lines[t->nlines - 1].count = i - first;
		for (size_t k = first; k < i; k++) {
			t->rows[k].line = t->nlines;
			line_add(t, &eps[e], (long)k);
		}
	}
}

struct row *
table_find(struct table *t, const struct dash_ep *ep, const char *id)
{
	for (size_t i = 0; i < t->nsorted; i++)
		if (t->sorted[i].ep == ep && strcmp(t->sorted[i].c->id, id) == 0)
			return &t->sorted[i];
	return NULL;
}

void
table_select_when_shown(struct table *t, const char *ep, const char *id)
{
	free(t->want_ep);
	free(t->want_id);
	t->want_ep = xstrdup(ep);
	t->want_id = xstrdup(id);
}

/* The wanted row, once it shows, becomes the selection. */
static void
take_wanted_selection(struct table *t)
{
	for (size_t i = 0; t->want_id && i < t->nrows; i++)
		if (strcmp(t->rows[i].c->id, t->want_id) == 0 &&
		    strcmp(t->rows[i].ep->name, t->want_ep) == 0) {
			free(t->sel_ep);
			free(t->sel_id);
			t->sel_ep = t->want_ep;
			t->sel_id = t->want_id;
			t->want_ep = t->want_id = NULL;
		}
}

static void
row_push(struct row **v, size_t *n, size_t *cap, struct row r)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = r;
}

/* Every listed container as a row, and the counts before the filter. */
static void
collect_rows(struct table *t, struct dash_ep *eps, size_t neps)
{
	t->nsorted = t->running = 0;
	for (size_t e = 0; e < neps; e++)
		for (size_t k = 0; k < eps[e].nctrs; k++) {
			struct berth_container *c = eps[e].ctrs[k];
			t->running += c->running;
			row_push(&t->sorted, &t->nsorted, &t->sorted_cap, (struct row) {
				.c = c, .ep = &eps[e], .st = feed_stats_find(&eps[e], c->id),
				.lease = t->lease_of && c->reservation
					? t->lease_of(t->lease_ctx, &eps[e], c->reservation) : NULL,
			});
		}
	t->total = t->nsorted;
}

void
table_rebuild(struct table *t, struct dash_ep *eps, size_t neps)
{
	if (t->nmarks)
		prune_marks(t, eps, neps);
	collect_rows(t, eps, neps);
	table_resort(t, eps, neps);
}

void
table_resort(struct table *t, struct dash_ep *eps, size_t neps)
{
	if (t->nsorted)
		qsort_r(t->sorted, t->nsorted, sizeof *t->sorted, row_cmp, t);
	table_refilter(t, eps, neps);
}

/* The rows that pass the filter, in the order of the sorted ones. */
void
table_refilter(struct table *t, struct dash_ep *eps, size_t neps)
{
	struct row_filter f;
	filter_parse(&f, t->filter, eps, neps);
	t->nrows = 0;
	for (size_t i = 0; i < t->nsorted; i++) {
		struct row r = t->sorted[i];
		if ((!t->all && !r.c->running) || !row_matches(&f, &r, (size_t)(r.ep - eps)))
			continue;
		r.marked = t->nmarks && table_is_marked(t, r.ep->name, r.c->id);
		row_push(&t->rows, &t->nrows, &t->cap, r);
	}
	t->nlines = 0;
	if (t->group)
		groupings[t->group].lines(t, eps, neps, f.ep_ok, filter_hides_rows(&f));
	filter_done(&f);
	take_wanted_selection(t);
	if (t->sel_id) {
		for (size_t i = 0; i < t->nrows; i++)
			if (strcmp(t->rows[i].c->id, t->sel_id) == 0 &&
			    strcmp(t->rows[i].ep->name, t->sel_ep) == 0) {
				t->sel = i;
				return;
			}
	}
	if (t->sel >= t->nrows)
		t->sel = t->nrows ? t->nrows - 1 : 0;
	remember_selection(t);
}

struct row *
table_selected(struct table *t)
{
	return t->sel < t->nrows ? &t->rows[t->sel] : NULL;
}

void
table_select(struct table *t, size_t i)
{
	if (!t->nrows)
		return;
	t->sel = i < t->nrows ? i : t->nrows - 1;
	remember_selection(t);
}

void
table_move(struct table *t, long delta)
{
	long i = (long)t->sel + delta;
	if (i < 0)
		i = 0;
	table_select(t, (size_t)i);
}

void
table_toggle_mark(struct table *t)
{
	struct row *r = table_selected(t);
	if (!r)
		return;
	bool found;
	size_t at = mark_find(t, r->ep->name, r->c->id, &found);
	if (!found) {
		mark_insert(t, at, r);
		return;
	}
	free(t->marks[at]);
	memmove(t->marks + at, t->marks + at + 1, (t->nmarks - at - 1) * sizeof *t->marks);
	t->nmarks--;
	r->marked = false;
}

void
table_mark(struct table *t, struct row *r)
{
	bool found;
	size_t at = mark_find(t, r->ep->name, r->c->id, &found);
	if (!found)
		mark_insert(t, at, r);
}

void
table_clear_marks(struct table *t)
{
	for (size_t i = 0; i < t->nmarks; i++)
		free(t->marks[i]);
	t->nmarks = 0;
	for (size_t i = 0; i < t->nrows; i++)
		t->rows[i].marked = false;
}

/* ---------------------------------------------------------------- cells */

const char *
table_duration_text(long s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh", s / 3600);
	else
		snprintf(buf, len, "%ldd", s / 86400);
	return buf;
}

static void
fmt_bytes(double b, char *buf, size_t len)
{
	const char *units = "BKMGT";
	int u = 0;
	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%c" : "%.0f%c", b, units[u]);
}

/* The text of one cell (sanitized where it comes from the container). */
static char *
cell_text(const struct row *r, int col)
{
	const struct berth_container *c = r->c;
	char buf[64];
	switch (col) {
	case COL_NAME: return sanitize_str(c->name);
	case COL_ID: return xstrndup(c->id ? c->id : "", 12);
	case COL_IMAGE: return sanitize_str(c->image);
	case COL_STATUS: return xstrdup(table_status_text(c, buf, sizeof buf));
	case COL_UP: {
		time_t t = row_age_time(c);
		if (!t)
			return xstrdup("");
		table_duration_text((long)(time(NULL) - t), buf, sizeof buf);
		return c->running ? xasprintf("up %s", buf) : xasprintf("%s ago", buf);
	}
	case COL_PORTS: {
		struct buf b = { 0 };
		buf_append(&b, "", 0);
		for (size_t i = 0; i < c->nports; i++) {
			const struct berth_port *p = &c->ports[i];
			if (p->host_port)
				buf_printf(&b, "%s%d->%d/%s", i ? "," : "", p->host_port,
					   p->container_port, p->proto);
			else
				buf_printf(&b, "%s%d/%s", i ? "," : "", p->container_port, p->proto);
		}
		char *s = sanitize_str(b.data);
		buf_free(&b);
		return s;
	}
	case COL_IP:
		return sanitize_str(c->floating_ip ? c->floating_ip : c->nipv4 ? c->ipv4[0] : "");
	case COL_CPU:
		if (row_cpu(r) < 0)
			return xstrdup(c->running ? "-" : "");
		return xasprintf("%.1f", row_cpu(r));
	case COL_MEM:
		if (row_mem(r) < 0)
			return xstrdup(c->running ? "-" : "");
		fmt_bytes(row_mem(r), buf, sizeof buf);
		return xstrdup(buf);
	case COL_ENDPOINT: return sanitize_str(r->ep->name);
	case COL_RESERVATION: return sanitize_str(row_reservation(r, buf, sizeof buf));
	case COL_FLAGS: return xstrdup(table_flags_text(c, r->st, buf, sizeof buf));
	case COL_CPU_HIST: return xstrdup("");	/* drawn by draw_sparkline */
	}
	return xstrdup("");
}

static enum theme_elem
status_elem(const struct berth_container *c)
{
	switch (c->status) {
	case BERTH_ST_RUNNING: return TH_RUNNING;
	case BERTH_ST_PAUSED: return TH_PAUSED;
	case BERTH_ST_EXITED: return c->exit_code ? TH_EXITED_ERR : TH_EXITED_OK;
	case BERTH_ST_DEAD: return TH_DEAD;
	case BERTH_ST_ERROR: return TH_ERROR;
	case BERTH_ST_CREATING: case BERTH_ST_RESTARTING: case BERTH_ST_DELETING:
		return TH_CREATING;
	default: return TH_NORMAL;
	}
}

/* Choose the columns that fit in width and their widths (htop-style priority). */
static void
layout(struct table *t, int width, bool multi_ep)
{
	int want[NCOLS];
	bool on[NCOLS];
	/* Flexible columns want their widest cell (at least the header and its
	 * sort mark) and may be narrower than min when that is less. */
	for (int c = 0; c < NCOLS; c++) {
		int head = (int)strlen(cols[c].name) + 1;
		want[c] = cols[c].cap > cols[c].min ? head : cols[c].min;
		on[c] = false;
	}
	/* Measure the rows on screen (and a few around), not the whole list. */
	size_t first = t->top, last = t->top + (size_t)(t->height > 0 ? t->height : 50) + 1;
	for (size_t i = first; i < t->nrows && i < last; i++)
		for (int c = 0; c < NCOLS; c++)
			if (cols[c].cap > cols[c].min && want[c] < cols[c].cap) {
				char *s = cell_text(&t->rows[i], c);
				int w = text_width(s);
				free(s);
				if (w > want[c])
					want[c] = w < cols[c].cap ? w : cols[c].cap;
			}
	bool flags = false, spark = false, zun = false;
	char fb[64];
	for (size_t i = first; i < t->nrows && i < last && !flags; i++)
		flags = *table_flags_text(t->rows[i].c, t->rows[i].st, fb, sizeof fb) != '\0';
	for (size_t i = first; t->history && i < t->nrows && i < last && !spark; i++)
		spark = t->rows[i].c->running && stats_history_last(t->history, t->rows[i].c->id);
	for (size_t i = first; i < t->nrows && i < last && !zun; i++)
		zun = t->rows[i].ep->kind == BERTH_KIND_ZUN;
	int used = MARK_W, need[NCOLS];
	for (int p = 0; p < NCOLS; p++)
		for (int c = 0; c < NCOLS; c++) {
			need[c] = want[c] < cols[c].min ? want[c] : cols[c].min;
			if (cols[c].priority == p && (c != COL_ENDPOINT || multi_ep) &&
			    (c != COL_FLAGS || flags) && (c != COL_CPU_HIST || spark) &&
			    (c != COL_RESERVATION || zun) &&
			    used + need[c] + 1 <= width) {
				on[c] = true;
				used += need[c] + 1;
			}
		}
	int extra = width - used;
	for (int c = 0; c < NCOLS; c++)
		t->col_w[c] = on[c] ? need[c] : 0;
	/* Room left: the name all it wants, the others a fair share, then more. */
	for (int pass = 0; pass < 2; pass++)
		for (int c = 0; c < NCOLS && extra > 0; c++) {
			int target = pass == 0 && c != COL_NAME && want[c] > FAIR_W ? FAIR_W : want[c];
			if (!on[c] || t->col_w[c] >= target)
				continue;
			int add = target - t->col_w[c];
			if (add > extra)
				add = extra;
			t->col_w[c] += add;
			extra -= add;
		}
	int x = MARK_W;
	for (int c = 0; c < NCOLS; c++) {
		t->col_x[c] = x;
		if (t->col_w[c])
			x += t->col_w[c] + 1;
	}
}

int
table_col_at(const struct table *t, int x)
{
	for (int c = 0; c < NCOLS; c++)
		if (t->col_w[c] && x >= t->col_x[c] && x < t->col_x[c] + t->col_w[c] + 1)
			return c;
	return -1;
}

static void
draw_header(struct table *t, int y, int width)
{
	attr_t h = theme_attr(TH_HEADER);
	draw_fill(y, 0, width, h);
	for (int c = 0; c < NCOLS; c++) {
		if (!t->col_w[c])
			continue;
		char *s = c == t->sort_col ? xasprintf("%s%s", cols[c].name, t->sort_rev ? "^" : "v")
			: xstrdup(cols[c].name);
		draw_str(y, t->col_x[c], t->col_w[c], s, h);
		free(s);
	}
}

/* A stale row's AGE cell: when its engine last confirmed it ("seen 12s"). */
static char *
stale_age(const struct feed_ep_state *st, double now)
{
	char buf[16];
	return xasprintf("seen %s", table_duration_text((long)(now - st->last_ok), buf, sizeof buf));
}

/* A running row's last CPU % samples, one cell each, the newest at the right,
 * on a scale of 0 to its highest (at least 1%), as the stats view draws them. */
static void
draw_sparkline(const struct table *t, const struct row *r, int y, attr_t a)
{
	struct stats_point pts[SPARK_POINTS];
	int w = t->col_w[COL_CPU_HIST] < SPARK_POINTS ? t->col_w[COL_CPU_HIST] : SPARK_POINTS;
	size_t n = r->c->running ? stats_history_series(t->history, r->c->id, pts, SPARK_POINTS) : 0;
	size_t first = n > (size_t)w ? n - (size_t)w : 0;
	double top = 1;
	for (size_t i = first; i < n; i++)
		if (pts[i].cpu > top)
			top = pts[i].cpu;
	for (size_t i = first; i < n; i++)
		draw_str(y, t->col_x[COL_CPU_HIST] + w - (int)(n - i), 1,
			 draw_graph_cell(pts[i].cpu, top, 0, 1, t->graph_ascii), a);
}

static void
draw_row(struct table *t, size_t i, int y, int width, bool focused)
{
	struct row *r = &t->rows[i];
	bool sel = i == t->sel;
	double now = dash_now();
	struct feed_ep_state st = feed_ep_state(r->ep, now);
	bool stale = st.cls <= FEED_STALLED;	/* its engine does not answer */
	attr_t base = stale ? theme_attr(TH_STALE) : theme_attr(TH_NORMAL);
	if (sel)
		base = focused ? theme_attr(TH_SELECTED) : base | A_BOLD;
	draw_fill(y, 0, width, base);
	if (r->marked)
		draw_str(y, 0, 1, "*", base | theme_attr(TH_MARKED));
	for (int c = 0; c < NCOLS; c++) {
		if (!t->col_w[c])
			continue;
		attr_t a = base;
		enum theme_elem th = c == COL_FLAGS ? TH_EXITED_ERR : status_elem(r->c);
		if ((c == COL_STATUS || c == COL_FLAGS) && !stale)
			a = sel && focused ? base | (theme_attr(th) & ~A_DIM) : theme_attr(th);
		char *s = stale && c == COL_UP ? stale_age(&st, now) : cell_text(r, c);
		if (c == COL_FLAGS && text_width(s) > t->col_w[c]) {	/* narrow: symbols */
			char fb[64];
			free(s);
			s = xstrdup(flags_text(r->c, r->st, true, fb, sizeof fb));
		}
		if (c == COL_CPU_HIST)
			draw_sparkline(t, r, y, a);
		else if (c == COL_CPU || c == COL_MEM)	/* numbers align right */
			draw_str(y, t->col_x[c] + t->col_w[c] - text_width(s), t->col_w[c], s, a);
		else
			draw_str_cut(y, t->col_x[c], t->col_w[c], s, a, cols[c].keep_end);
		free(s);
	}
}

/* An endpoint's header line in the grouped table: its name, its state, its
 * rows, so a dead endpoint's trouble stays in its own group. */
static void
draw_endpoint_header(const struct tline *l, int y, int width)
{
	struct dash_ep *e = l->ep;
	size_t shown = l->count;
	char state[700], count[64];
	enum theme_elem th;
	endpoint_state_short(e, now_monotonic(), state, sizeof state, &th);
	if (shown == e->nctrs)
		snprintf(count, sizeof count, "%zu container%s", shown, shown == 1 ? "" : "s");
	else
		snprintf(count, sizeof count, "%zu of %zu containers", shown, e->nctrs);
	attr_t h = theme_attr(TH_BORDER) | A_BOLD;
	draw_fill(y, 0, width, h);
	char *name = sanitize_str(e->name);
	char *st = sanitize_str(state);
	int x = draw_str(y, 0, 2, "▸ ", h);
	/* The name may take half the line; the state and count follow it. */
	x += draw_str_cut(y, x, width / 2 > 12 ? width / 2 : 12, name, h, true);
	x += draw_str(y, x, width - x, " · ", h);
	x += draw_str(y, x, width - x, st, theme_attr(th) | A_BOLD);
	x += draw_str(y, x, width - x, " · ", h);
	draw_str(y, x, width - x, count, h);
	free(st);
	free(name);
}

/* A group's header line of one text (taken). */
static void
draw_group_text(char *text, int y, int width)
{
	attr_t h = theme_attr(TH_BORDER) | A_BOLD;
	draw_fill(y, 0, width, h);
	draw_str(y, 0, width, text, h);
	free(text);
}

/* A lease's header line: its name, its time left and state, its rows; or the
 * header of the rows on no lease Blazar listed. */
static void
draw_lease_header(const struct tline *l, int y, int width)
{
	const struct berth_lease *ls = l->lease;
	char *text;
	const char *count = l->count == 1 ? "container" : "containers";
	if (ls) {
		char left[32];
		time_t now = time(NULL);
		char *name = sanitize_str(ls->name && *ls->name ? ls->name : ls->id);
		char *status = sanitize_str(ls->status ? ls->status : "");
		berth_lease_left(ls->end, now, left, sizeof left);
		text = xasprintf("▸ lease %s · %s%s · %s · %zu %s", name, left,
				 ls->end > now ? " left" : "", status, l->count, count);
		free(status);
		free(name);
	} else {
		text = xasprintf("▸ no lease · %zu %s", l->count, count);
	}
	draw_group_text(text, y, width);
}

/* The states of a project's containers on its endpoint, shown or not:
 * "3 running, 1 exited". */
static void
project_state(const struct tline *l, char *buf, size_t len)
{
	size_t count[BERTH_ST_ERROR + 1] = { 0 };
	for (size_t k = 0; k < l->ep->nctrs; k++) {
		const struct berth_container *c = l->ep->ctrs[k];
		const char *p = berth_compose_project(c);
		if (p && strcmp(p, l->project) == 0 && (unsigned)c->status <= BERTH_ST_ERROR)
			count[c->status]++;
	}
	/* The states in the order a reader asks about them: running first. */
	static const enum berth_status order[] = {
		BERTH_ST_RUNNING, BERTH_ST_RESTARTING, BERTH_ST_PAUSED, BERTH_ST_CREATING,
		BERTH_ST_CREATED, BERTH_ST_EXITED, BERTH_ST_DEAD, BERTH_ST_ERROR,
		BERTH_ST_DELETING, BERTH_ST_UNKNOWN,
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof order / sizeof order[0] && used < len; i++)
		if (count[order[i]])
			used += (size_t)snprintf(buf + used, len - used, "%s%zu %s", used ? ", " : "",
						 count[order[i]], berth_status_name(order[i]));
}

/* A compose project's header line: its name, its containers' states, its
 * rows; or the header of the rows of no project. */
static void
draw_project_header(const struct tline *l, int y, int width)
{
	const char *count = l->count == 1 ? "container" : "containers";
	char *text;
	if (l->project) {
		char state[256];
		project_state(l, state, sizeof state);
		char *name = sanitize_str(l->project);
		text = xasprintf("▸ project %s · %s · %zu %s shown", name, state, l->count, count);
		free(name);
	} else {
		text = xasprintf("▸ no project · %zu %s", l->count, count);
	}
	draw_group_text(text, y, width);
}

/* Grouped: scroll by display lines so the selection shows. The first line
 * always shows the header of the group under it (sticky), so the selection
 * never sits on it. */
static void
scroll_lines(struct table *t, int rows)
{
	size_t sl = t->nrows ? t->rows[t->sel].line : 0;
	if (t->nrows && sl <= t->ltop)
		t->ltop = sl - 1;	/* line 0 is a header: sl >= 1 */
	if (rows > 0 && sl >= t->ltop + (size_t)rows)
		t->ltop = sl - (size_t)rows + 1;
	/* The last row: the empty groups after it show too. */
	if (t->nrows && t->sel == t->nrows - 1 && t->nlines > (size_t)rows &&
	    t->nlines - (size_t)rows > t->ltop && t->nlines - (size_t)rows < sl)
		t->ltop = t->nlines - (size_t)rows;
	if (t->ltop + (size_t)rows > t->nlines)
		t->ltop = t->nlines > (size_t)rows ? t->nlines - (size_t)rows : 0;
	/* The first row shown: what the layout and the stats sampler look at. */
	t->top = t->sel;
	for (size_t l = t->ltop; l < t->nlines && l < t->ltop + (size_t)rows; l++)
		if (t->lines[l].row >= 0) {
			t->top = (size_t)t->lines[l].row;
			break;
		}
}

long
table_row_at(const struct table *t, int k)
{
	if (k < 0)
		return -1;
	if (!t->group)
		return t->top + (size_t)k < t->nrows ? (long)(t->top + (size_t)k) : -1;
	size_t l = t->ltop + (size_t)k;
	return l < t->nlines && (k > 0 || t->height < 2) ? t->lines[l].row : -1;
}

/* The header line of the group that display line l belongs to. */
static const struct tline *
group_header(const struct table *t, size_t l)
{
	while (l > 0 && t->lines[l].row >= 0)
		l--;
	return &t->lines[l];
}

void
table_draw(struct table *t, int y, int height, int width, bool multi_ep, bool focused)
{
	if (height < 1)
		return;
	int rows = height - 1;
	t->height = rows;
	if (t->group) {
		scroll_lines(t, rows);
	} else {
		if (t->sel < t->top)
			t->top = t->sel;
		if (rows > 0 && t->sel >= t->top + (size_t)rows)
			t->top = t->sel - (size_t)rows + 1;
		if (t->top + (size_t)rows > t->nrows)
			t->top = t->nrows > (size_t)rows ? t->nrows - (size_t)rows : 0;
	}
	layout(t, width, multi_ep && !groupings[t->group].names_endpoint);
	draw_header(t, y, width);
	for (int k = 0; k < rows; k++) {
		size_t l = t->ltop + (size_t)k;
		long i = table_row_at(t, k);
		if (i >= 0)
			draw_row(t, (size_t)i, y + 1 + k, width, focused);
		else if (t->group && l < t->nlines)
			groupings[t->group].draw(group_header(t, l), y + 1 + k, width);
		else
			draw_fill(y + 1 + k, 0, width, theme_attr(TH_NORMAL));
	}
	if (!t->nrows && !t->nlines && rows > 0)
		draw_str(y + 1, MARK_W, width - MARK_W,
			 t->total ? "no container matches" : "no containers", theme_attr(TH_STALE));
}
