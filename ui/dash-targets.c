/* dash-targets.c: the containers an action acts on (dash-targets.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dash-targets.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"

void
targets_free(void *p)
{
	struct targets *t = p;
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].name);
		free(t->v[i].fip);
	}
	free(t->v);
	free(t->arg);
	free(t->arg2);
	free(t);
}

static void
targets_add(struct targets *t, struct row *r)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n++] = (struct target) {
		.e = r->ep, .id = xstrdup(r->c->id), .name = sanitize_str(r->c->name),
		.fip = xstrdup(r->c->floating_ip), .running = r->c->running,
	};
}

struct targets *
targets_collect(struct dash *d, bool bulk)
{
	struct targets *t = xcalloc(1, sizeof *t);
	struct table *tb = &d->table;
	if (bulk && tb->nmarks) {
		for (size_t e = 0; e < d->neps; e++)
			for (size_t k = 0; k < d->eps[e].nctrs; k++) {
				struct berth_container *c = d->eps[e].ctrs[k];
				if (table_is_marked(tb, d->eps[e].name, c->id)) {
					struct row r = { .c = c, .ep = &d->eps[e] };
					targets_add(t, &r);
				}
			}
	} else if (table_selected(tb)) {
		targets_add(t, table_selected(tb));
	}
	if (!t->n) {
		dash_message(d, true, "no container is selected");
		targets_free(t);
		return NULL;
	}
	return t;
}

bool
targets_refused(struct dash *d, struct targets *t, const char *changes)
{
	struct berth_error err = { 0 };
	for (size_t i = 0; changes && i < t->n; i++) {
		if (berth_refuse_if_read_only(t->v[i].e->ep, changes, &err) < 0) {
			dash_message(d, true, "%s", err.message);
			targets_free(t);
			return true;
		}
	}
	return false;
}

char *
targets_label(const struct targets *t)
{
	return t->n == 1 ? xstrdup(t->v[0].name) : xasprintf("%zu containers", t->n);
}

char *
target_where(const struct target *g)
{
	return xasprintf("%s/%s", g->e->name, g->name);
}

void
failures_add(struct buf *list, const char *where, const char *reason)
{
	buf_printf(list, "%s%s: %s", list->len ? "; " : "", where, reason);
}

const char *
stall_reason(const struct stall_watch *w, const struct berth_error *err)
{
	return w->gave_up_after > 0 ? "not answering" : err->message;
}

/* Every ctr_job's done(): the watch ends first, so the job's own done() finds
 * the sentence of a job given up on in its err. */
static void
ctr_job_done(struct pool_job *pj)
{
	struct ctr_job *j = (struct ctr_job *)pj;
	stall_watch_end(j->d, &j->watch, &j->err);
	j->then(pj);
}

void
ctr_job_init(struct ctr_job *j, struct dash *d, const struct target *g, const char *verb,
	     void (*run)(struct pool_job *), void (*done)(struct pool_job *), enum pool_class klass)
{
	j->job.run = run;
	j->job.done = ctr_job_done;
	j->then = done;
	j->job.klass = klass;
	j->d = d;
	j->ep = g->e->ep;
	j->id = xstrdup(g->id);
	j->name = xstrdup(g->name);
	ep_wait_note(g->e, j->wait_note, sizeof j->wait_note);
	char *what = xasprintf("%s %s", verb, j->name);
	stall_watch_init(&j->watch, g->e, what);
	free(what);
}

void
ctr_job_free(struct ctr_job *j)
{
	free(j->id);
	free(j->name);
	free(j);
}

bool
ctr_job_submit(struct ctr_job *j)
{
	if (pool_submit(j->d->pool, &j->job, &j->err) == 0) {
		stall_watch_begin(j->d, &j->watch, &j->job);
		return true;
	}
	dash_message(j->d, true, "%s", j->err.message);
	return false;
}

const char *
ep_wait_note(const struct dash_ep *e, char *buf, size_t len)
{
	double now = dash_now();
	struct feed_ep_state st = feed_ep_state(e, now);
	buf[0] = '\0';
	if (st.cls == FEED_STALLED)
		snprintf(buf, len, " (its engine is not answering for %.0f s; this waits for it)",
			 now - st.since);
	return buf;
}

const char *
targets_wait_note(const struct targets *t, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->n && !buf[0]; i++)
		ep_wait_note(t->v[i].e, buf, len);
	return buf;
}
