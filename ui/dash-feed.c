/* dash-feed.c: everything the dashboard learns from the engines, each call on
 * the worker pool: a periodic list per endpoint (the safety net, and the only
 * source on Zun), an event stream per Docker endpoint (a status event changes
 * its row at once; a new container asks for a list, at most one per LIST_GAP
 * seconds; the periodic list slows to LIST_SAFETY while events flow), one-shot stats for the visible running rows (CPU% from
 * berth's own previous sample), and the log follower of the selected container.
 *
 * Stall handling: a list that gets no answer is cancelled after LIST_DEADLINE
 * seconds and retried with a back-off, so a SIGSTOPped engine shows as "not
 * answering" while every key keeps working, and recovers by itself. */
#include "config.h"

#include <malloc.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "dash-outbuf.h"
#include "dash.h"
#include "util.h"

#define LIST_DEADLINE 8.0	/* seconds before a list counts as stalled */
#define STATS_DEADLINE 10.0
#define SLOW_AFTER 1.5
#define STALL_AFTER 4.0
#define BACKOFF_MAX 10.0
#define STATS_INFLIGHT_MAX 8	/* per endpoint */
#define LIST_GAP 1.0		/* seconds between two lists an event asks for */
#define LIST_CATCHUP 2.0	/* seconds after an events stream starts: list once more */
#define LIST_SAFETY 30.0	/* seconds between lists while events arrive */
#define EVENTS_PENDING_MAX 1024	/* beyond this many events unapplied, list again */
#define REPLAY_KEEP 10.0	/* seconds an applied event is replayed on lists */
#define TRIM_AFTER 1.0		/* seconds from a list's end to giving memory back */
#define TRIM_EVERY 10.0		/* seconds between two trims, at the least */

/* When to hand freed memory back to the system (malloc_trim), or 0. A list
 * frees its reply, its parse and the rows it replaces; one trim a moment later
 * serves every list that ended meanwhile (fifty endpoints' lists end within
 * a second or two of each other), and trims come at most every TRIM_EVERY
 * seconds, since a trim walks the whole heap. UI thread only. */
static double trim_at, trimmed_at;

/* What one container event does to the table. */
enum ev_kind {
	EV_IGNORE,	/* no change to any row (noise, or "die" carries it) */
	EV_RUNNING, EV_EXITED, EV_PAUSED, EV_DESTROY, EV_RENAME,
	EV_RELIST,	/* new or changed beyond its status: list the endpoint */
};

/* One event, copied off the worker thread. */
struct ev_rec {
	char *id, *name;
	enum ev_kind kind;
	int exit_code;
	time_t time;
	double seen;	/* dash_now() when it was applied */
};

/* The status events applied in the last REPLAY_KEEP seconds, replayed in
 * order on every list's result: the engine may have answered the list before
 * they happened, or (Docker logs "die" before it updates what /containers/json
 * reads) after it sent them. Replaying an event the list already shows
 * changes nothing. */
struct feed_sync {
	struct ev_rec *replay;
	size_t nreplay;
	bool overflow;	/* too many to keep: list again after this one */
};

/* The periodic list: the only source on Zun and without events; a safety net
 * while the events stream keeps the table current. */
static double
ep_interval(struct dash *d, struct dash_ep *e)
{
	if (e->kind == BERTH_KIND_ZUN)
		return d->zun_refresh_s;
	return e->events ? (d->refresh_s > LIST_SAFETY ? d->refresh_s : LIST_SAFETY) : d->refresh_s;
}

static void
feed_job_init(struct pool_job *job, void (*run)(struct pool_job *),
	      void (*done)(struct pool_job *), enum pool_class klass, double deadline)
{
	job->run = run;
	job->done = done;
	job->klass = klass;
	job->deadline = deadline;
}

void
feed_init_endpoint(struct dash *d, struct dash_ep *e)
{
	e->kind = berth_endpoint_kind(e->ep);
	e->state = EP_CONNECTING;
	e->next_list = 0;
	e->events_retry = 0;
	e->sync = xcalloc(1, sizeof *e->sync);
	d->dirty = true;
}

/* ---------------------------------------------------------------- stats table */

static int
stats_cmp(const void *a, const void *b)
{
	return strcmp((*(struct dash_stats *const *)a)->id, (*(struct dash_stats *const *)b)->id);
}

struct dash_stats *
feed_stats_find(struct dash_ep *e, const char *id)
{
	struct dash_stats key = { .id = (char *)id }, *kp = &key;
	struct dash_stats **hit = e->nstats ? bsearch(&kp, e->stats, e->nstats, sizeof *e->stats,
						       stats_cmp) : NULL;
	return hit ? *hit : NULL;
}

static void
stats_free(struct dash_stats *s)
{
	free(s->id);
	free(s);
}

/* One entry per listed container, carrying earlier samples over by id. */
static void
stats_rebuild(struct dash_ep *e)
{
	struct dash_stats **v = xcalloc(e->nctrs + 1, sizeof *v);
	for (size_t i = 0; i < e->nctrs; i++) {
		struct dash_stats *old = feed_stats_find(e, e->ctrs[i]->id);
		if (old) {
			v[i] = old;
		} else {
			v[i] = xcalloc(1, sizeof *v[i]);
			v[i]->id = xstrdup(e->ctrs[i]->id);
			v[i]->cpu = -1;
		}
	}
	qsort(v, e->nctrs, sizeof *v, stats_cmp);
	/* Free the entries that were not carried over. */
	for (size_t i = 0; i < e->nstats; i++) {
		struct dash_stats key = { .id = e->stats[i]->id }, *kp = &key;
		struct dash_stats **hit = e->nctrs ? bsearch(&kp, v, e->nctrs, sizeof *v, stats_cmp) : NULL;
		if (!hit || *hit != e->stats[i])
			stats_free(e->stats[i]);
	}
	free(e->stats);
	e->stats = v;
	e->nstats = e->nctrs;
}

/* ---------------------------------------------------------------- events */

struct events_job {
	struct pool_job job;	/* the stream */
	struct pool_job note;	/* events are waiting in pending */
	struct dash *d;
	struct dash_ep *e;
	berth_endpoint *ep;
	pthread_mutex_t lock;	/* pending and overflow: worker and UI */
	struct ev_rec *pending;
	size_t npending;
	bool overflow;		/* more than EVENTS_PENDING_MAX were waiting */
	int rc;
	struct berth_error err;
};

static enum ev_kind
event_kind(const char *action)
{
	static const struct { const char *word; enum ev_kind kind; } map[] = {
		{ "start", EV_RUNNING }, { "restart", EV_RUNNING }, { "unpause", EV_RUNNING },
		{ "die", EV_EXITED }, { "pause", EV_PAUSED }, { "destroy", EV_DESTROY },
		{ "remove", EV_DESTROY }, { "rename", EV_RENAME },
		/* Followed by "die" when they end the container. */
		{ "kill", EV_IGNORE }, { "stop", EV_IGNORE }, { "oom", EV_IGNORE },
		/* Nothing the table shows. */
		{ "exec_", EV_IGNORE }, { "top", EV_IGNORE }, { "resize", EV_IGNORE },
		{ "attach", EV_IGNORE }, { "detach", EV_IGNORE }, { "copy", EV_IGNORE },
		{ "export", EV_IGNORE }, { "commit", EV_IGNORE }, { "archive-path", EV_IGNORE },
		{ "extract-to-dir", EV_IGNORE }, { "health_status", EV_IGNORE },
		{ "mount", EV_IGNORE }, { "unmount", EV_IGNORE }, { "checkpoint", EV_IGNORE },
		{ "init", EV_IGNORE }, { "cleanup", EV_IGNORE }, { "sync", EV_IGNORE },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t n = strlen(map[i].word);
		/* "exec_" is a prefix; the others are whole words ("die", not
		 * "died"), maybe with details ("health_status: healthy"). */
		if (strncmp(action, map[i].word, n) == 0 &&
		    (map[i].word[n - 1] == '_' || action[n] == '\0' || action[n] == ':'))
			return map[i].kind;
	}
	return EV_RELIST;
}

static void
ev_rec_clear(struct ev_rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].id);
		free(r[i].name);
	}
}

static void
ev_rec_free(struct ev_rec *r, size_t n)
{
	ev_rec_clear(r, n);
	free(r);
}

/* Worker thread: keep one container event for the UI. */
static int
events_cb(void *ctx, const struct berth_event *ev)
{
	struct events_job *j = ctx;
	enum ev_kind k = ev->action ? event_kind(ev->action) : EV_IGNORE;
	if ((ev->type && strcmp(ev->type, "container") != 0) || k == EV_IGNORE)
		return berth_cancel_is_set(j->job.cancel);
	pthread_mutex_lock(&j->lock);
	if (j->npending < EVENTS_PENDING_MAX && ev->id && *ev->id) {
		j->pending = xrealloc(j->pending, (j->npending + 1) * sizeof *j->pending);
		j->pending[j->npending++] = (struct ev_rec){
			.id = xstrdup(ev->id), .name = xstrdup(ev->name), .kind = k,
			.exit_code = ev->exit_code, .time = ev->time };
	} else {
		j->overflow = true;
	}
	pthread_mutex_unlock(&j->lock);
	pool_notify(j->d->pool, &j->note);
	return berth_cancel_is_set(j->job.cancel);
}

static void
events_run(struct pool_job *pj)
{
	struct events_job *j = (struct events_job *)pj;
	j->rc = berth_events(j->ep, 0, events_cb, j, pj->cancel, &j->err);
}

/* List e soon: at once, but no more than one list per LIST_GAP seconds, so a
 * burst of creations costs one or two lists. */
static void
request_list(struct dash *d, struct dash_ep *e)
{
	if (e->list_job) {
		e->relist = true;
	} else {
		double soonest = e->list_started ? e->list_started + LIST_GAP : 0;
		if (e->next_list > soonest)
			e->next_list = soonest;
	}
	d->dirty = true;
}

static ssize_t
find_ctr(const struct dash_ep *e, const char *id)
{
	for (size_t i = 0; i < e->nctrs; i++)
		if (strcmp(e->ctrs[i]->id, id) == 0)
			return (ssize_t)i;
	return -1;
}

/* A container's new status, from the event alone. */
static void
set_status(struct berth_container *c, const struct ev_rec *r)
{
	free(c->state_text);
	c->running = r->kind == EV_RUNNING;	/* as a list says it */
	if (r->kind == EV_RUNNING) {
		c->status = BERTH_ST_RUNNING;
		c->exit_code = 0;
		c->started = r->time ? r->time : time(NULL);
		c->state_text = xstrdup("Up");
	} else if (r->kind == EV_PAUSED) {
		c->status = BERTH_ST_PAUSED;
		c->state_text = xstrdup("Up (Paused)");
	} else {
		c->status = BERTH_ST_EXITED;
		c->exit_code = r->exit_code >= 0 ? r->exit_code : 0;
		c->pid = 0;
		c->finished = r->time ? r->time : time(NULL);
		c->state_text = xasprintf("Exited (%d)", c->exit_code);
	}
}

/* Apply one event to e's list (snapshots are replaced, never changed in
 * place); false when it needs a list (a container not listed yet). */
static bool
ev_apply(struct dash_ep *e, const struct ev_rec *r)
{
	ssize_t at = find_ctr(e, r->id);
	if (r->kind == EV_RELIST || (at < 0 && r->kind != EV_DESTROY))
		return false;
	if (at < 0)
		return true;
	if (r->kind == EV_DESTROY) {
		berth_container_free(e->ctrs[at]);
		memmove(e->ctrs + at, e->ctrs + at + 1,
			(e->nctrs - (size_t)at - 1) * sizeof *e->ctrs);
		e->nctrs--;
		return true;
	}
	struct berth_container *c = berth_container_dup(e->ctrs[at]);
	if (r->kind == EV_RENAME && r->name) {
		free(c->name);
		c->name = xstrdup(r->name);
	} else if (r->kind != EV_RENAME) {
		set_status(c, r);
	}
	berth_container_free(e->ctrs[at]);
	e->ctrs[at] = c;
	return true;
}

/* Forget the events older than REPLAY_KEEP seconds. */
static void
sync_prune(struct feed_sync *s, double now)
{
	size_t old = 0;
	while (old < s->nreplay && s->replay[old].seen < now - REPLAY_KEEP)
		old++;
	if (!old)
		return;
	ev_rec_clear(s->replay, old);
	memmove(s->replay, s->replay + old, (s->nreplay - old) * sizeof *s->replay);
	s->nreplay -= old;
}

/* Remember r, applied now, for the lists to come. */
static void
sync_keep(struct feed_sync *s, const struct ev_rec *r, double now)
{
	sync_prune(s, now);
	if (s->nreplay >= EVENTS_PENDING_MAX) {
		s->overflow = true;
		return;
	}
	s->replay = xrealloc(s->replay, (s->nreplay + 1) * sizeof *s->replay);
	struct ev_rec *k = &s->replay[s->nreplay++];
	*k = *r;
	k->id = xstrdup(r->id);
	k->name = xstrdup(r->name);
	k->seen = now;
}

static void
sync_clear(struct feed_sync *s)
{
	ev_rec_free(s->replay, s->nreplay);
	s->replay = NULL;
	s->nreplay = 0;
	s->overflow = false;
}

/* UI thread: the events that came since the last note. */
static void
events_note(struct pool_job *pj)
{
	struct events_job *j = (struct events_job *)((char *)pj - offsetof(struct events_job, note));
	struct dash_ep *e = j->e;
	pthread_mutex_lock(&j->lock);
	struct ev_rec *recs = j->pending;
	size_t n = j->npending;
	bool overflow = j->overflow;
	j->pending = NULL;
	j->npending = 0;
	j->overflow = false;
	pthread_mutex_unlock(&j->lock);
	bool relist = overflow, changed = false;
	double now = dash_now();
	for (size_t i = 0; i < n && !j->d->quit; i++) {
		if (recs[i].kind != EV_RELIST)
			sync_keep(e->sync, &recs[i], now);
		if (ev_apply(e, &recs[i]))
			changed = true;
		else
			relist = true;
	}
	ev_rec_free(recs, n);
	if (j->d->quit)
		return;
	if (changed) {
		stats_rebuild(e);
		dash_rebuild(j->d);
		j->d->dirty = true;
	}
	if (relist)
		request_list(j->d, e);
}

static void
events_done(struct pool_job *pj)
{
	struct events_job *j = (struct events_job *)pj;
	struct dash_ep *e = j->e;
	e->events = NULL;
	if (j->rc < 0 && j->err.code == BERTH_EUNSUPPORTED)
		e->no_events = true;
	else
		e->events_retry = dash_now() + 2;
	/* Whatever happened while the stream was down, a list catches up; the kept
	 * events may have been overtaken by ones the stream never saw. */
	sync_clear(e->sync);
	if (!j->d->quit && !e->no_events)
		request_list(j->d, e);
	ev_rec_free(j->pending, j->npending);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static void
events_start(struct dash *d, struct dash_ep *e)
{
	struct events_job *j = xcalloc(1, sizeof *j);
	feed_job_init(&j->job, events_run, events_done, POOL_STREAM, 0);
	j->note.done = events_note;
	j->d = d;
	j->e = e;
	j->ep = e->ep;
	pthread_mutex_init(&j->lock, NULL);
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		e->events_retry = dash_now() + 5;
		pthread_mutex_destroy(&j->lock);
		free(j);
		return;
	}
	e->events = j;
	/* What changed between the last list and the subscription is in neither. */
	if (e->next_list > dash_now() + LIST_CATCHUP)
		e->next_list = dash_now() + LIST_CATCHUP;
}

/* ---------------------------------------------------------------- list */

struct list_job {
	struct pool_job job;
	struct dash *d;
	struct dash_ep *e;
	berth_endpoint *ep;
	struct berth_container **ctrs;
	size_t n;
	enum berth_kind kind;
	int rc;
	struct berth_error err;
};

static void
list_run(struct pool_job *pj)
{
	struct list_job *j = (struct list_job *)pj;
	j->rc = berth_list(j->ep, true, &j->ctrs, &j->n, pj->cancel, &j->err);
	j->kind = berth_endpoint_kind(j->ep);
}

static void
list_failed(struct dash *d, struct dash_ep *e, struct list_job *j, double now)
{
	e->stalled = j->err.code == BERTH_ECANCELLED;
	if (e->stalled)
		snprintf(e->reason, sizeof e->reason, "not answering (no reply within %.0f s)",
			 LIST_DEADLINE);
	else
		snprintf(e->reason, sizeof e->reason, "unreachable: %s", j->err.message);
	e->state = EP_UNREACHABLE;
	e->backoff = e->backoff > 0 ? e->backoff * 2 : 1;
	if (e->backoff > BACKOFF_MAX)
		e->backoff = BACKOFF_MAX;
	e->next_list = now + e->backoff;
	d->dirty = true;
}

/* The kept events onto a new list. An event for a container the list lacks
 * asks for another list only when it came while this one was in flight (the
 * container is newer than the list); too many events to keep, likewise. */
static void
sync_replay(struct dash_ep *e)
{
	struct feed_sync *s = e->sync;
	sync_prune(s, dash_now());
	for (size_t i = 0; i < s->nreplay; i++)
		if (!ev_apply(e, &s->replay[i]) && s->replay[i].seen >= e->list_started)
			e->relist = true;
	if (s->overflow) {
		e->relist = true;
		sync_clear(s);
	}
}

static void
list_done(struct pool_job *pj)
{
	struct list_job *j = (struct list_job *)pj;
	struct dash *d = j->d;
	struct dash_ep *e = j->e;
	double now = dash_now();
	e->list_job = NULL;
	if (d->quit) {
		berth_container_list_free(j->ctrs, j->n);
		free(j);
		return;
	}
	if (j->rc == 0) {
		e->kind = j->kind;
		berth_container_list_free(e->ctrs, e->nctrs);
		e->ctrs = j->ctrs;
		e->nctrs = j->n;
		sync_replay(e);
		stats_rebuild(e);
		e->state = EP_CONNECTED;
		e->listed = true;
		e->backoff = 0;
		e->reason[0] = '\0';
		e->next_list = e->relist ? e->list_started + LIST_GAP : now + ep_interval(d, e);
		e->relist = false;
		dash_rebuild(d);
		if (!trim_at) {
			double soonest = trimmed_at + TRIM_EVERY;
			trim_at = now + TRIM_AFTER > soonest ? now + TRIM_AFTER : soonest;
		}
	} else {
		berth_container_list_free(j->ctrs, j->n);
		list_failed(d, e, j, now);
	}
	d->dirty = true;
	free(j);
}

static void
list_start(struct dash *d, struct dash_ep *e, double now)
{
	struct list_job *j = xcalloc(1, sizeof *j);
	feed_job_init(&j->job, list_run, list_done, POOL_FAST, now + LIST_DEADLINE);
	j->d = d;
	j->e = e;
	j->ep = e->ep;
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		list_failed(d, e, j, now);
		free(j);
		return;
	}
	e->list_job = j;
	e->list_started = now;
	e->relist = false;
}

void
feed_relist_all(struct dash *d)
{
	for (size_t i = 0; i < d->neps; i++)
		request_list(d, &d->eps[i]);
}

/* ---------------------------------------------------------------- stats */

struct stats_job {
	struct pool_job job;
	struct dash *d;
	struct dash_ep *e;
	berth_endpoint *ep;
	char *id;
	struct berth_stats_sample s;
	int rc;
	struct berth_error err;
};

static void
stats_run(struct pool_job *pj)
{
	struct stats_job *j = (struct stats_job *)pj;
	j->rc = berth_stats(j->ep, j->id, &j->s, pj->cancel, &j->err);
}

static void
stats_done(struct pool_job *pj)
{
	struct stats_job *j = (struct stats_job *)pj;
	struct dash_ep *e = j->e;
	e->nstats_inflight--;
	struct dash_stats *st = feed_stats_find(e, j->id);
	if (st)
		st->inflight = false;
	if (j->rc < 0 && j->err.code == BERTH_EUNSUPPORTED)
		e->no_stats = true;
	if (st && j->rc == 0 && j->s.valid) {
		double cpu = berth_cpu_percent(e->kind, &st->prev, &j->s);
		if (cpu >= 0)
			st->cpu = cpu;
		st->prev = j->s;
		st->mem = j->s.mem_used;
		st->mem_limit = j->s.mem_limit;
		st->have_mem = true;
		j->d->dirty = true;
	}
	free(j->id);
	free(j);
}

static void
stats_start(struct dash *d, struct dash_ep *e, struct dash_stats *st, double now)
{
	struct stats_job *j = xcalloc(1, sizeof *j);
	feed_job_init(&j->job, stats_run, stats_done, POOL_BULK, now + STATS_DEADLINE);
	j->d = d;
	j->e = e;
	j->ep = e->ep;
	j->id = xstrdup(st->id);
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		free(j->id);
		free(j);
		return;
	}
	st->inflight = true;
	st->last = now;
	e->nstats_inflight++;
}

/* Sample the running rows on screen (never the whole list). */
static void
stats_tick(struct dash *d, double now)
{
	struct table *t = &d->table;
	if (now < d->next_stats)
		return;
	d->next_stats = now + d->refresh_s;
	for (size_t i = t->top; i < t->nrows && i < t->top + (size_t)t->height; i++) {
		struct row *r = &t->rows[i];
		struct dash_ep *e = r->ep;
		if (!r->c->running || !r->st || r->st->inflight || e->no_stats ||
		    e->state != EP_CONNECTED || e->nstats_inflight >= STATS_INFLIGHT_MAX)
			continue;
		stats_start(d, e, r->st, now);
	}
}

/* ---------------------------------------------------------------- logs */

struct log_job {
	struct pool_job job;	/* the stream */
	struct outbuf out;
	struct dash *d;
	berth_endpoint *ep;
	char *id;
	time_t since;
	long tail;
	bool orphan;		/* UI only: the pane follows something else now */
	int rc;
	struct berth_error err;
};

static int
log_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct log_job *j = ctx;
	return outbuf_put(&j->out, s, buf, len);
}

static void
log_run(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)pj;
	struct berth_logs_opts o = { .follow = true, .tail = j->tail, .since = j->since,
				     .timestamps = true };
	j->rc = berth_logs(j->ep, j->id, &o, log_sink, j, pj->cancel, &j->err);
}

static void
log_note(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)((char *)pj - offsetof(struct log_job, out.note));
	if (outbuf_take(&j->out, j->orphan ? NULL : &j->d->logs))
		j->d->dirty = true;
}

static void
log_done(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)pj;
	struct dash *d = j->d;
	outbuf_take(&j->out, j->orphan ? NULL : &d->logs);
	if (!j->orphan) {
		d->log_job = NULL;
		logpane_flush(&d->logs);
		if (j->rc < 0 && j->err.code != BERTH_ECANCELLED && !d->quit) {
			char *line = xasprintf("-- berth: %s", j->err.message);
			logpane_add_text(&d->logs, BERTH_STDERR, line);
			free(line);
		}
		d->dirty = true;
	}
	outbuf_done(&j->out);
	free(j->id);
	free(j);
}

void
feed_log_stop(struct dash *d)
{
	if (d->log_job) {
		d->log_job->orphan = true;
		pool_cancel(&d->log_job->job);
		d->log_job = NULL;
	}
	free(d->log_ep);
	free(d->log_id);
	d->log_ep = d->log_id = NULL;
	d->log_start_at = 0;
}

/* Start following (ep, id); since 0 means "the last scrollback lines". */
static void
log_start(struct dash *d, struct dash_ep *e, const char *id, time_t since)
{
	struct log_job *j = xcalloc(1, sizeof *j);
	feed_job_init(&j->job, log_run, log_done, POOL_STREAM, 0);
	j->d = d;
	j->ep = e->ep;
	j->id = xstrdup(id);
	j->since = since;
	j->tail = since ? -1 : (long)d->logs.cap;
	outbuf_init(&j->out, d->pool, &j->job, log_note);
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		dash_message(d, true, "%s", j->err.message);
		outbuf_done(&j->out);
		free(j->id);
		free(j);
		return;
	}
	d->log_job = j;
}

void
feed_log_follow(struct dash *d)
{
	struct row *r = table_selected(&d->table);
	d->log_start_at = 0;
	if (!r) {
		feed_log_stop(d);
		logpane_clear(&d->logs);
		return;
	}
	bool same = d->log_id && strcmp(d->log_id, r->c->id) == 0 &&
		    strcmp(d->log_ep, r->ep->name) == 0;
	if (same && d->log_job)
		return;
	if (same) {	/* the stream ended (container stopped); pick up when it runs */
		if (r->c->running)
			log_start(d, r->ep, r->c->id, time(NULL));
		return;
	}
	feed_log_stop(d);
	logpane_clear(&d->logs);
	d->log_ep = xstrdup(r->ep->name);
	d->log_id = xstrdup(r->c->id);
	log_start(d, r->ep, r->c->id, 0);
}

/* ---------------------------------------------------------------- schedule */

void
feed_tick(struct dash *d, double now)
{
	pool_expire(d->pool, now);
	for (size_t i = 0; i < d->neps; i++) {
		struct dash_ep *e = &d->eps[i];
		if (!e->list_job && now >= e->next_list)
			list_start(d, e, now);
		if (e->state == EP_CONNECTED && !e->events && !e->no_events &&
		    e->kind != BERTH_KIND_ZUN && now >= e->events_retry)
			events_start(d, e);
	}
	stats_tick(d, now);
	if (d->log_start_at && now >= d->log_start_at)
		feed_log_follow(d);
	if (trim_at && now >= trim_at) {
		malloc_trim(0);
		trim_at = 0;
		trimmed_at = now;
	}
}

double
feed_next_deadline(struct dash *d, double now)
{
	double next = d->next_stats > now ? d->next_stats : now + d->refresh_s;
	for (size_t i = 0; i < d->neps; i++) {
		struct dash_ep *e = &d->eps[i];
		if (e->list_job) {
			double tick = now + 0.5;	/* keep "slow (N s)" and deadlines moving */
			if (tick < next)
				next = tick;
		} else if (e->next_list < next) {
			next = e->next_list;
		}
		if (e->state == EP_CONNECTED && !e->events && !e->no_events &&
		    e->kind != BERTH_KIND_ZUN && e->events_retry < next)
			next = e->events_retry;
	}
	if (d->log_start_at && d->log_start_at < next)
		next = d->log_start_at;
	if (trim_at && trim_at < next)
		next = trim_at;
	return next;
}

const char *
feed_ep_state_text(struct dash_ep *e, double now, char *buf, size_t len, enum theme_elem *th)
{
	double waited = e->list_job ? now - e->list_started : 0;
	if (e->state == EP_UNREACHABLE) {
		*th = TH_BAD;
		if (e->list_job)
			snprintf(buf, len, "%s; reconnecting", e->reason);
		else
			snprintf(buf, len, "%s; retrying in %.0f s", e->reason,
				 e->next_list > now ? e->next_list - now + 0.5 : 0);
	} else if (waited >= STALL_AFTER) {
		*th = TH_BAD;
		snprintf(buf, len, "not answering for %.0f s", waited);
	} else if (waited >= SLOW_AFTER) {
		*th = TH_WARN;
		snprintf(buf, len, "slow (%.0f s)", waited);
	} else if (e->state == EP_CONNECTING) {
		*th = TH_WARN;
		snprintf(buf, len, "connecting");
	} else {
		*th = TH_GOOD;
		snprintf(buf, len, "connected%s", e->no_events || e->kind == BERTH_KIND_ZUN
			 ? " (polling)" : "");
	}
	return buf;
}

void
feed_free_endpoint(struct dash_ep *e)
{
	berth_container_list_free(e->ctrs, e->nctrs);
	if (e->sync)
		sync_clear(e->sync);
	free(e->sync);
	for (size_t i = 0; i < e->nstats; i++)
		stats_free(e->stats[i]);
	free(e->stats);
	berth_endpoint_free(e->ep);
	free(e->name);
}
