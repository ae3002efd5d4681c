/* dash-notice.c: trouble said in the message line as it happens, without
 * taking the focus: a container that was running and now has stopped with a
 * non-zero code (died, killed, OOM-killed: exit 137) or whose health check
 * turned unhealthy. With `bell = yes` in the configuration the terminal bell
 * rings too.
 *
 * After every rebuild the containers of every endpoint are compared with what
 * the previous rebuild saw (a sorted table of endpoint, id, status, health);
 * the first rebuild of an endpoint only records, so nothing already in trouble
 * at start-up is announced. UI thread only. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "util.h"

struct seen {
	char *key;			/* "endpoint\nid" */
	enum berth_status status;
	enum berth_health health;
	int exit_code;
};

struct dash_notice {
	struct seen *v;			/* sorted by key */
	size_t n;
	bool *listed;			/* per endpoint: recorded at least once */
};

static int
seen_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->key, ((const struct seen *)b)->key);
}

static const struct seen *
seen_find(const struct dash_notice *nt, const char *key)
{
	struct seen k = { .key = (char *)key };
	return nt->n ? bsearch(&k, nt->v, nt->n, sizeof *nt->v, seen_cmp) : NULL;
}

static void
seen_free(struct seen *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

/* What changed for the worse between was and c, as a phrase, or NULL. */
static char *
notice_phrase(const struct seen *was, const struct berth_container *c)
{
	bool stopped = c->status == BERTH_ST_EXITED || c->status == BERTH_ST_DEAD;
	if (was->status == BERTH_ST_RUNNING && stopped && c->exit_code != 0)
		return xasprintf("died (exit %d%s)", c->exit_code,
				 c->exit_code == 137 ? ": killed, or out of memory" : "");
	if (was->health != BERTH_HEALTH_UNHEALTHY && c->health == BERTH_HEALTH_UNHEALTHY)
		return xstrdup("turned unhealthy");
	return NULL;
}

/* Compare endpoint e's containers with what was seen; count and word the news. */
static void
notice_endpoint(struct dash *d, struct dash_ep *e, bool announce, struct seen **v, size_t *n,
		int *count, char *last, size_t lastlen)
{
	for (size_t k = 0; k < e->nctrs; k++) {
		const struct berth_container *c = e->ctrs[k];
		char *key = xasprintf("%s\n%s", e->name, c->id);
		const struct seen *was = announce ? seen_find(d->notice, key) : NULL;
		char *what = was ? notice_phrase(was, c) : NULL;
		if (what) {
			snprintf(last, lastlen, "%s on %s %s", c->name, e->name, what);
			(*count)++;
			free(what);
		}
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = (struct seen){ .key = key, .status = c->status, .health = c->health,
					      .exit_code = c->exit_code };
	}
}

void
notice_rows(struct dash *d)
{
	if (!d->notice) {
		d->notice = xcalloc(1, sizeof *d->notice);
		d->notice->listed = xcalloc(d->neps + 1, sizeof *d->notice->listed);
	}
	struct seen *v = NULL;
	size_t n = 0;
	int count = 0;
	char last[400] = "";
	for (size_t i = 0; i < d->neps; i++) {
		notice_endpoint(d, &d->eps[i], d->notice->listed[i], &v, &n, &count, last, sizeof last);
		d->notice->listed[i] |= d->eps[i].listed;
	}
	if (n)
		qsort(v, n, sizeof *v, seen_cmp);
	seen_free(d->notice->v, d->notice->n);
	d->notice->v = v;
	d->notice->n = n;
	if (!count)
		return;
	if (count > 1)
		dash_message(d, true, "%s (and %d more)", last, count - 1);
	else
		dash_message(d, true, "%s", last);
	if (d->cfg && d->cfg->bell && !d->headless)
		beep();
}

void
notice_free(struct dash *d)
{
	if (!d->notice)
		return;
	seen_free(d->notice->v, d->notice->n);
	free(d->notice->listed);
	free(d->notice);
	d->notice = NULL;
}
