/* dash-notice.c: trouble said in the message line as it happens, without
 * taking the focus: a container that was running and now has stopped with a
 * non-zero code (died, killed, OOM-killed: exit 137) or whose health check
 * turned unhealthy. With `bell = yes` in the configuration the terminal bell
 * rings too.
 *
 * After every rebuild the containers of every endpoint are compared with what
 * the previous rebuild saw (a sorted table of endpoint, id, status, health);
 * the first rebuild of an endpoint only records, so nothing already in trouble
 * at start-up is announced. A container the dashboard itself stopped, killed,
 * restarted or deleted is not announced as dead: its action says what happened.
 * A notice does not overwrite what an action said less than NOTICE_HOLD_S ago:
 * it waits (the newest, counting the others) until that has been readable.
 * UI thread only. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "util.h"

struct seen {
	char *key;			/* "endpoint\nid" */
	enum berth_status status;
	enum berth_health health;
	int exit_code;
	bool moved;			/* its key went on into the next table */
};

/* An end the dashboard asked for: no notice for it until then. */
struct expected_end {
	char *key;			/* "endpoint\nid" */
	double until;			/* dash_now() time */
};

#define EXPECTED_END_S 120.0	/* long enough for a stop's grace period under load */
#define NOTICE_HOLD_S 3.0	/* an action's result stays readable that long */

struct dash_notice {
	struct seen *v;			/* sorted by key */
	size_t n;
	bool *listed;			/* per endpoint: recorded at least once */
	struct expected_end *ends;
	size_t nends;
	char waiting[400];		/* the newest notice held back, "" when none */
	int nwaiting;			/* how many notices it stands for */
};

static struct dash_notice *
notice_state(struct dash *d)
{
	if (!d->notice) {
		d->notice = xcalloc(1, sizeof *d->notice);
		d->notice->listed = xcalloc(d->neps + 1, sizeof *d->notice->listed);
	}
	return d->notice;
}

void
notice_expect_end(struct dash *d, const char *endpoint, const char *id)
{
	struct dash_notice *nt = notice_state(d);
	nt->ends = xrealloc(nt->ends, (nt->nends + 1) * sizeof *nt->ends);
	nt->ends[nt->nends++] = (struct expected_end){ xasprintf("%s\n%s", endpoint, id),
						       dash_now() + EXPECTED_END_S };
}

/* Whether the end of key was asked for; once c is seen stopped, the
 * expectation is used up (its next death is news again). */
static bool
end_asked(struct dash_notice *nt, const char *key, const struct berth_container *c)
{
	for (size_t i = 0; i < nt->nends; i++) {
		if (strcmp(nt->ends[i].key, key) != 0)
			continue;
		if (c->status == BERTH_ST_EXITED || c->status == BERTH_ST_DEAD)
			nt->ends[i].until = 0;
		return true;
	}
	return false;
}

/* Forget the expected ends whose time has passed. */
static void
ends_prune(struct dash_notice *nt, double now)
{
	size_t kept = 0;
	for (size_t i = 0; i < nt->nends; i++) {
		if (nt->ends[i].until > now)
			nt->ends[kept++] = nt->ends[i];
		else
			free(nt->ends[i].key);
	}
	nt->nends = kept;
}

static int
seen_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->key, ((const struct seen *)b)->key);
}

struct seen_ref {
	const char *ep, *id;
};

static int
seen_ref_cmp(const void *ref, const void *elem)
{
	const struct seen_ref *r = ref;
	return -table_key_cmp(((const struct seen *)elem)->key, r->ep, r->id);
}

/* What was seen of e's container id, found without making its key. */
static struct seen *
seen_find(const struct dash_notice *nt, const struct dash_ep *e, const char *id)
{
	struct seen_ref r = { e->name, id };
	return nt->n ? bsearch(&r, nt->v, nt->n, sizeof *nt->v, seen_ref_cmp) : NULL;
}

static void
seen_free(struct seen *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].moved)
			free(v[i].key);
	free(v);
}

/* What changed for the worse between was and c, as a phrase, or NULL. */
static char *
notice_phrase(const struct seen *was, const struct berth_container *c, bool end_asked)
{
	bool stopped = c->status == BERTH_ST_EXITED || c->status == BERTH_ST_DEAD;
	if (was->status == BERTH_ST_RUNNING && stopped && c->exit_code != 0 && !end_asked)
		return xasprintf("died (exit %d%s)", c->exit_code,
				 c->exit_code == 137 ? ": killed, or out of memory" : "");
	if (was->health != BERTH_HEALTH_UNHEALTHY && c->health == BERTH_HEALTH_UNHEALTHY)
		return xstrdup("turned unhealthy");
	return NULL;
}

/* Compare endpoint e's containers with what was seen; count and word the news.
 * v has room for them all. */
static void
notice_endpoint(struct dash *d, struct dash_ep *e, bool announce, struct seen *v, size_t *n,
		int *count, char *last, size_t lastlen)
{
	for (size_t k = 0; k < e->nctrs; k++) {
		const struct berth_container *c = e->ctrs[k];
		struct seen *was = seen_find(d->notice, e, c->id);
		bool reuse = was && !was->moved;	/* an id listed twice gets a key of its own */
		char *key = reuse ? was->key : xasprintf("%s\n%s", e->name, c->id);
		if (reuse)
			was->moved = true;
		char *what = was && announce ? notice_phrase(was, c, end_asked(d->notice, key, c))
			: NULL;
		if (what) {
			snprintf(last, lastlen, "%s on %s %s", c->name, e->name, what);
			(*count)++;
			free(what);
		}
		v[(*n)++] = (struct seen){ .key = key, .status = c->status, .health = c->health,
					      .exit_code = c->exit_code };
	}
}

void
notice_rows(struct dash *d)
{
	ends_prune(notice_state(d), dash_now());
	size_t n = 0, all = 0;
	for (size_t i = 0; i < d->neps; i++)
		all += d->eps[i].nctrs;
	struct seen *v = xcalloc(all + 1, sizeof *v);
	int count = 0;
	char last[400] = "";
	for (size_t i = 0; i < d->neps; i++) {
		notice_endpoint(d, &d->eps[i], d->notice->listed[i], v, &n, &count, last, sizeof last);
		d->notice->listed[i] |= d->eps[i].listed;
	}
	if (n)
		qsort(v, n, sizeof *v, seen_cmp);
	seen_free(d->notice->v, d->notice->n);
	d->notice->v = v;
	d->notice->n = n;
	if (!count)
		return;
	snprintf(d->notice->waiting, sizeof d->notice->waiting, "%s", last);
	d->notice->nwaiting += count;
	if (d->cfg && d->cfg->bell && !d->headless)
		beep();
	notice_tick(d, dash_now());
}

/* Whether the message line still holds an action's result to be read. */
static bool
holding(const struct dash *d, double now)
{
	return d->msg[0] && !d->msg_notice && now < d->msg_at + NOTICE_HOLD_S;
}

void
notice_tick(struct dash *d, double now)
{
	struct dash_notice *nt = d->notice;
	if (!nt || !nt->nwaiting || holding(d, now))
		return;
	if (nt->nwaiting > 1)
		dash_message(d, true, "%s (and %d more)", nt->waiting, nt->nwaiting - 1);
	else
		dash_message(d, true, "%s", nt->waiting);
	d->msg_notice = true;
	nt->waiting[0] = '\0';
	nt->nwaiting = 0;
}

double
notice_next_deadline(const struct dash *d, double now)
{
	if (!d->notice || !d->notice->nwaiting)
		return HUGE_VAL;
	return holding(d, now) ? d->msg_at + NOTICE_HOLD_S : now;
}

void
notice_free(struct dash *d)
{
	if (!d->notice)
		return;
	seen_free(d->notice->v, d->notice->n);
	free(d->notice->listed);
	ends_prune(d->notice, HUGE_VAL);
	free(d->notice->ends);
	free(d->notice);
	d->notice = NULL;
}
