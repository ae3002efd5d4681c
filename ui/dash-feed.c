/* dash-feed.c: everything the dashboard learns from the engines (feed.h),
 * each call on the worker pool but the events streams: a periodic list per
 * endpoint while it has no events stream (the only source on Zun), an event
 * stream per Docker endpoint on the stream loop, one thread for all of them
 * (a status event changes its row at once; a new container asks for a list,
 * at most one per LIST_GAP seconds; no periodic list while the stream is
 * up), one-shot stats for the running rows on screen (CPU% from berth's own
 * previous sample), one inspect per row on screen for its restart count and
 * OOM flag (again after each of its start and die events), and the log
 * follower of the selected container.
 *
 * Stall handling: a liveness probe after PING_EVERY seconds of silence (see
 * "liveness" below) says a frozen engine within a few seconds; a list that gets
 * no answer is cancelled after LIST_DEADLINE seconds (twice as long after
 * each such cancel: a slow engine's list must get through) and retried with a
 * back-off, so a SIGSTOPped engine shows as "not answering" while every key
 * keeps working, and recovers by itself, everything read again at once.
 *
 * Each endpoint's state is data (feed_ep_state); the views word it. */
#include "config.h"

#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "dash-follow.h"
#include "dash-logmerge.h"
#include "dash-outbuf.h"
#include "feed.h"
#include "stats-history.h"
#include "util.h"

#define LIST_DEADLINE 8.0	/* seconds before a list counts as stalled */
#define LIST_DEADLINE_MAX 64.0	/* ... doubled after each stalled one, up to this */
#define STATS_DEADLINE 10.0
#define SLOW_AFTER 1.5
#define STALL_AFTER 4.0
#define PING_EVERY 2.0		/* seconds of silence before a liveness probe */
#define PING_DEADLINE 2.0	/* a probe unanswered this long: not answering */
#define PING_PATIENCE 30.0	/* a probe's deadline once the engine is known silent */
#define PING_WINDOW 0.25	/* the UI wakes this late for a probe, to send those due meanwhile */
#define BACKOFF_MAX 10.0
#define STATS_INFLIGHT_MAX 8	/* per endpoint */
#define LIST_GAP 1.0		/* seconds between two lists an event asks for */
#define LIST_CATCHUP 2.0	/* seconds after an events stream starts: list once more */
#define EVENTS_PENDING_MAX 1024	/* beyond this many events unapplied, list again */
#define EVENTS_RETRY 2.0	/* seconds before an ended events stream opens again, ±20 % */
#define REPLAY_KEEP 10.0	/* seconds an applied event is replayed on lists */
#define TRIM_AFTER 1.0		/* seconds from a list's end to giving memory back */
#define TRIM_EVERY 10.0		/* seconds between two trims, at the least */


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
	double seen;	/* f->ops->now() when it was applied */
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

/* The periodic list: the only source on Zun and without events. While the
 * events stream is up there is none: the stream keeps the table current, and
 * a list follows whenever it might not have (the stream opened, LIST_CATCHUP
 * after, or ended; an event asks for one; events overflowed; the engine
 * answers again after a silence), so a quiet fleet costs no lists. */
static double
ep_interval(struct feed *f, struct dash_ep *e)
{
	if (e->kind == BERTH_KIND_ZUN)
		return f->zun_refresh_s;
	return e->events ? INFINITY : f->refresh_s;
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

/* A job's outcome until its run() says otherwise. The pool skips the run() of
 * a job cancelled while queued (its deadline passed waiting for a worker) and
 * still calls its done(): that is no answer from the engine, not an empty
 * list, an unfound container or a probe answered. */
static int
not_run(struct berth_error *err)
{
	return berth_fail(err, BERTH_ECANCELLED, "cancelled: its deadline passed before a worker was free");
}

static void
feed_changed(struct feed *f, bool rows)
{
	f->host.changed(f->host.ctx, rows);
}

/* Hand freed memory back to the system (malloc_trim) soon. A list frees its
 * reply, its parse and the rows it replaces; one trim a moment later serves
 * every list that ended meanwhile (fifty endpoints' lists end within a second
 * or two of each other), and trims come at most every TRIM_EVERY seconds,
 * since a trim walks the whole heap. */
static void
trim_soon(struct feed *f, double now)
{
	if (f->trim_at)
		return;
	double soonest = f->trimmed_at + TRIM_EVERY;
	f->trim_at = now + TRIM_AFTER > soonest ? now + TRIM_AFTER : soonest;
}

void
feed_start(struct feed *f)
{
	for (size_t i = 0; i < f->neps; i++) {
		struct dash_ep *e = &f->eps[i];
		e->kind = f->ops->kind(e->ep);
		e->state = EP_CONNECTING;
		e->next_list = 0;
		e->events_retry = 0;
		e->next_ping = f->ops->now() + PING_EVERY;
		e->sync = xcalloc(1, sizeof *e->sync);
	}
	feed_changed(f, false);
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

static struct dash_stats *
stats_new(const char *id)
{
	struct dash_stats *s = xcalloc(1, sizeof *s);
	s->id = xstrdup(id);
	s->cpu = -1;
	s->facts_due = true;
	return s;
}

static int
ctr_id_cmp(const void *a, const void *b)
{
	return strcmp((*(struct berth_container *const *)a)->id,
		      (*(struct berth_container *const *)b)->id);
}

/* One entry per listed container, carrying earlier samples over by id: the
 * list sorted by id once and walked beside the old entries (10,000 rows: no
 * search per row). */
static void
stats_rebuild(struct dash_ep *e)
{
	struct berth_container **by_id = xcalloc(e->nctrs + 1, sizeof *by_id);
	memcpy(by_id, e->ctrs, e->nctrs * sizeof *by_id);
	qsort(by_id, e->nctrs, sizeof *by_id, ctr_id_cmp);
	struct dash_stats **v = xcalloc(e->nctrs + 1, sizeof *v);
	size_t old = 0;
	for (size_t i = 0; i < e->nctrs; i++) {
		int r = -1;
		while (old < e->nstats && (r = strcmp(e->stats[old]->id, by_id[i]->id)) < 0)
			stats_free(e->stats[old++]);
		v[i] = old < e->nstats && r == 0 ? e->stats[old++] : stats_new(by_id[i]->id);
	}
	while (old < e->nstats)
		stats_free(e->stats[old++]);
	free(by_id);
	free(e->stats);
	e->stats = v;
	e->nstats = e->nctrs;
}

/* An event of container id made its restart count or OOM flag old. */
static void
facts_due(struct dash_ep *e, const char *id)
{
	struct dash_stats *st = feed_stats_find(e, id);
	if (st)
		st->facts_due = true;
}

/* ---------------------------------------------------------------- events */

struct events_job {
	struct pool_job job;	/* the stream: attached, completed at its end */
	struct pool_job note;	/* events are waiting in pending */
	struct feed *f;
	struct dash_ep *e;
	berth_endpoint *ep;
	pthread_mutex_t lock;	/* pending and overflow: worker and UI */
	struct ev_rec *pending;
	size_t npending;
	bool overflow;		/* more than EVENTS_PENDING_MAX were waiting */
	struct feed_event *logged;	/* for the events view; beyond the max, dropped */
	size_t nlogged;
	time_t since;		/* the engine's time of the last event seen, or 0 */
	berth_follow *stream;	/* to give back, or NULL */
	int rc;
	struct berth_error err;
};

/* What an event's action does to the table; *noise: not worth the events
 * view either. */
static enum ev_kind
event_kind(const char *action, bool *noise)
{
	static const struct { const char *word; enum ev_kind kind; bool noise; } map[] = {
		{ "start", EV_RUNNING, false }, { "restart", EV_RUNNING, false },
		{ "unpause", EV_RUNNING, false }, { "die", EV_EXITED, false },
		{ "pause", EV_PAUSED, false }, { "destroy", EV_DESTROY, false },
		{ "remove", EV_DESTROY, false }, { "rename", EV_RENAME, false },
		/* The health the table's FLAGS show comes with the list. */
		{ "health_status", EV_RELIST, false },
		/* Followed by "die" when they end the container. */
		{ "kill", EV_IGNORE, false }, { "stop", EV_IGNORE, false },
		{ "oom", EV_IGNORE, false },
		/* Nothing the table or the events view shows. */
		{ "exec_", EV_IGNORE, true }, { "exec", EV_IGNORE, true },	/* Podman's */
		{ "top", EV_IGNORE, true },
		{ "resize", EV_IGNORE, true }, { "attach", EV_IGNORE, true },
		{ "detach", EV_IGNORE, true }, { "copy", EV_IGNORE, true },
		{ "export", EV_IGNORE, true }, { "commit", EV_IGNORE, true },
		{ "archive-path", EV_IGNORE, true }, { "extract-to-dir", EV_IGNORE, true },
		{ "mount", EV_IGNORE, true }, { "unmount", EV_IGNORE, true },
		{ "checkpoint", EV_IGNORE, true }, { "init", EV_IGNORE, true },
		{ "cleanup", EV_IGNORE, true }, { "sync", EV_IGNORE, true },
	};
	*noise = false;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t n = strlen(map[i].word);
		/* "exec_" is a prefix; the others are whole words ("die", not
		 * "died"), maybe with details ("health_status: healthy"). */
		if (strncmp(action, map[i].word, n) == 0 &&
		    (map[i].word[n - 1] == '_' || action[n] == '\0' || action[n] == ':')) {
			*noise = map[i].noise;
			return map[i].kind;
		}
	}
	return EV_RELIST;
}

/* ---------------------------------------------------------------- the events kept */

static void
feed_event_clear(struct feed_event *ev)
{
	free(ev->id);
	free(ev->name);
	free(ev->action);
	free(ev->signal);
}

/* Keep ev (its strings now the ring's), the oldest giving way. */
static void
feed_event_keep(struct feed *f, struct feed_event *ev)
{
	if (!f->events)
		f->events = xcalloc(FEED_EVENTS_MAX, sizeof *f->events);
	size_t at = (f->events_head + f->events_count) % FEED_EVENTS_MAX;
	if (f->events_count == FEED_EVENTS_MAX) {
		feed_event_clear(&f->events[f->events_head]);
		f->events_head = (f->events_head + 1) % FEED_EVENTS_MAX;
	} else {
		f->events_count++;
	}
	f->events[at] = *ev;
	f->events_seq++;
}

const struct feed_event *
feed_event_newest(const struct feed *f, size_t i)
{
	return &f->events[(f->events_head + f->events_count - 1 - i) % FEED_EVENTS_MAX];
}

void
feed_events_free(struct feed *f)
{
	for (size_t i = 0; i < f->events_count; i++)
		feed_event_clear(&f->events[(f->events_head + i) % FEED_EVENTS_MAX]);
	free(f->events);
	f->events = NULL;
	f->events_count = f->events_head = 0;
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

/* The stream loop's thread: keep one container event for the UI. */
static int
events_cb(void *ctx, const struct berth_event *ev)
{
	struct events_job *j = ctx;
	bool noise = true;
	enum ev_kind k = ev->action ? event_kind(ev->action, &noise) : EV_IGNORE;
	if ((ev->type && strcmp(ev->type, "container") != 0) || (k == EV_IGNORE && noise))
		return 0;
	pthread_mutex_lock(&j->lock);
	if (!noise && j->nlogged < EVENTS_PENDING_MAX) {
		j->logged = xrealloc(j->logged, (j->nlogged + 1) * sizeof *j->logged);
		j->logged[j->nlogged++] = (struct feed_event){
			.time = ev->time, .endpoint = j->e->name, .id = xstrdup(ev->id ? ev->id : ""),
			.name = ev->name ? xstrdup(ev->name) : NULL, .action = xstrdup(ev->action),
			.signal = ev->signal ? xstrdup(ev->signal) : NULL, .exit_code = ev->exit_code };
	}
	if (k == EV_IGNORE) {
		pthread_mutex_unlock(&j->lock);
		pool_notify(j->f->pool, &j->note);
		return 0;
	}
	if (j->npending < EVENTS_PENDING_MAX && ev->id && *ev->id) {
		j->pending = xrealloc(j->pending, (j->npending + 1) * sizeof *j->pending);
		j->pending[j->npending++] = (struct ev_rec){
			.id = xstrdup(ev->id), .name = xstrdup(ev->name), .kind = k,
			.exit_code = ev->exit_code, .time = ev->time };
	} else {
		j->overflow = true;
	}
	pthread_mutex_unlock(&j->lock);
	pool_notify(j->f->pool, &j->note);
	return 0;
}

/* The stream loop's thread: a job attached to the pool ended as rc and err
 * say; keep them in *rc_out and *err_out for its done(), which follows on the
 * UI's thread. */
static void
loop_job_ended(struct feed *f, struct pool_job *job, int *rc_out, struct berth_error *err_out,
	       int rc, const struct berth_error *err)
{
	*rc_out = rc;
	if (rc < 0)
		*err_out = *err;
	pool_complete(f->pool, job);
}

/* The stream loop's thread: the stream ended. */
static void
events_end(void *ctx, int rc, const struct berth_error *err)
{
	struct events_job *j = ctx;
	loop_job_ended(j->f, &j->job, &j->rc, &j->err, rc, err);
}

/* A back-off of s seconds, give or take 20 %: endpoints that dropped
 * together come back apart. */
static double
jittered(double s)
{
	return s * (0.8 + 0.4 * drand48());
}

/* List e soon: at once, but no more than one list per LIST_GAP seconds, so a
 * burst of creations costs one or two lists. */
static void
request_list(struct feed *f, struct dash_ep *e)
{
	if (e->list_job) {
		e->relist = true;
	} else {
		double soonest = e->list_started ? e->list_started + LIST_GAP : 0;
		if (e->next_list > soonest)
			e->next_list = soonest;
	}
	feed_changed(f, false);
}

/* Any reply from e's engine proves it alive. After a silence (a probe
 * unanswered, or lists without a reply), everything is read again at once:
 * the list whatever its back-off, the stats; the events stream opens again
 * after EVENTS_RETRY, jittered (from the last event seen: nothing is lost),
 * so that a fleet that comes back together, after a switch rebooted, does
 * not subscribe in one burst. An engine whose lists fail with its own error
 * keeps their back-off. */
static void
engine_answered(struct feed *f, struct dash_ep *e, double now)
{
	bool was_silent = e->unanswered || (e->state == EP_UNREACHABLE && e->no_reply);
	e->last_ok = now;
	e->waiting_since = 0;
	e->unanswered = false;
	if (!was_silent)
		return;
	if (e->list_job)
		e->relist = true;
	else
		e->next_list = now;
	if (!e->events)
		e->events_retry = now + jittered(EVENTS_RETRY);
	f->next_stats = now;
	feed_changed(f, false);
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

enum apply_result {
	APPLY_SAME,		/* the row already says what the event says */
	APPLY_CHANGED,		/* the event changed the row */
	APPLY_NEEDS_LIST,	/* a container not listed, or a change beyond its status */
};

/* Whether r would change c's status, exit code or name. A die changes
 * nothing on a row the engine lists as restarting: that state only follows
 * a die (its restart policy), so the row is past this event. */
static bool
ev_differs(const struct berth_container *c, const struct ev_rec *r)
{
	switch (r->kind) {
	case EV_RENAME: return r->name && (!c->name || strcmp(c->name, r->name) != 0);
	case EV_RUNNING: return c->status != BERTH_ST_RUNNING;
	case EV_PAUSED: return c->status != BERTH_ST_PAUSED;
	case EV_EXITED:
		return c->status != BERTH_ST_RESTARTING &&
		       (c->status != BERTH_ST_EXITED || c->exit_code != (r->exit_code >= 0 ? r->exit_code : 0));
	default: return true;
	}
}

/* Apply one event to e's list (snapshots are replaced, never changed in
 * place). A live event always lands (its times are news); a replayed one
 * only where it differs, so a list's own times stay. */
static enum apply_result
ev_apply(struct dash_ep *e, const struct ev_rec *r, bool replay)
{
	ssize_t at = find_ctr(e, r->id);
	if (r->kind == EV_RELIST || (at < 0 && r->kind != EV_DESTROY))
		return APPLY_NEEDS_LIST;
	if (at < 0)
		return APPLY_SAME;
	if (r->kind == EV_DESTROY) {
		berth_container_free(e->ctrs[at]);
		memmove(e->ctrs + at, e->ctrs + at + 1,
			(e->nctrs - (size_t)at - 1) * sizeof *e->ctrs);
		e->nctrs--;
		return APPLY_CHANGED;
	}
	bool differs = ev_differs(e->ctrs[at], r);
	if (!differs && (replay || (r->kind == EV_EXITED && e->ctrs[at]->status == BERTH_ST_RESTARTING)))
		return APPLY_SAME;
	struct berth_container *c = berth_container_dup(e->ctrs[at]);
	if (r->kind == EV_RENAME) {
		free(c->name);
		c->name = xstrdup(r->name);
	} else {
		set_status(c, r);
	}
	berth_container_free(e->ctrs[at]);
	e->ctrs[at] = c;
	return differs ? APPLY_CHANGED : APPLY_SAME;
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
	size_t n = j->npending, nlogged = j->nlogged;
	bool overflow = j->overflow;
	struct feed_event *logged = j->logged;
	j->pending = NULL;
	j->npending = 0;
	j->overflow = false;
	j->logged = NULL;
	j->nlogged = 0;
	pthread_mutex_unlock(&j->lock);
	for (size_t i = 0; i < nlogged; i++)
		feed_event_keep(j->f, &logged[i]);
	free(logged);
	if (nlogged)
		feed_changed(j->f, false);
	bool relist = overflow, changed = false;
	double now = j->f->ops->now();
	for (size_t i = 0; i < n && !j->f->quit; i++) {
		if (recs[i].kind != EV_RELIST)
			sync_keep(e->sync, &recs[i], now);
		if (ev_apply(e, &recs[i], false) == APPLY_NEEDS_LIST)
			relist = true;
		else
			changed = true;
		/* Whether the engine restarts a container that died (its restart
		 * policy) only a list says: "restarting", or "exited". */
		if (recs[i].kind == EV_EXITED)
			relist = true;
		if (recs[i].kind == EV_EXITED || recs[i].kind == EV_RUNNING)
			facts_due(e, recs[i].id);
		if (recs[i].time > e->events_seen)
			e->events_seen = recs[i].time;
	}
	ev_rec_free(recs, n);
	if (j->f->quit)
		return;
	engine_answered(j->f, e, now);
	if (changed) {
		stats_rebuild(e);
		feed_changed(j->f, true);
	}
	if (relist)
		request_list(j->f, e);
}

static void
events_done(struct pool_job *pj)
{
	struct events_job *j = (struct events_job *)pj;
	struct dash_ep *e = j->e;
	if (j->stream)
		j->f->ops->events_close(j->stream);
	e->events = NULL;
	if (j->rc < 0 && j->err.code == BERTH_EUNSUPPORTED)
		e->no_events = true;
	else
		e->events_retry = j->f->ops->now() + jittered(EVENTS_RETRY);
	/* Whatever happened while the stream was down, a list catches up; the kept
	 * events may have been overtaken by ones the stream never saw. */
	sync_clear(e->sync);
	if (!j->f->quit && !e->no_events)
		request_list(j->f, e);
	ev_rec_free(j->pending, j->npending);
	for (size_t i = 0; i < j->nlogged; i++)
		feed_event_clear(&j->logged[i]);
	free(j->logged);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static void
events_start(struct feed *f, struct dash_ep *e)
{
	struct events_job *j = xcalloc(1, sizeof *j);
	j->job.done = events_done;
	j->note.done = events_note;
	j->f = f;
	j->e = e;
	j->ep = e->ep;
	/* From the last event seen: the engine sends again what a cut stream lost
	 * (applied again in order, each container ends where its last event
	 * left it). */
	j->since = e->events_seen;
	pthread_mutex_init(&j->lock, NULL);
	pool_attach(f->pool, &j->job);
	e->events = j;
	j->stream = f->ops->events_open(j->ep, j->since, events_cb, events_end, j, &j->err);
	if (!j->stream) {	/* events_done says why, as for a stream that ended */
		j->rc = -1;
		pool_complete(f->pool, &j->job);
		return;
	}
	/* What changed between the last list and the subscription is in neither. */
	if (e->next_list > f->ops->now() + LIST_CATCHUP)
		e->next_list = f->ops->now() + LIST_CATCHUP;
}

/* ---------------------------------------------------------------- list */

struct list_job {
	struct pool_job job;
	struct feed *f;
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
	j->rc = j->f->ops->list(j->ep, true, &j->ctrs, &j->n, pj->cancel, &j->err);
	j->kind = j->f->ops->kind(j->ep);
}

static void
list_failed(struct feed *f, struct dash_ep *e, struct list_job *j, double now)
{
	int code = j->err.code;
	e->stalled = code == BERTH_ECANCELLED;
	e->list_stalls = e->stalled ? e->list_stalls + 1 : 0;
	e->nofiles = code == BERTH_ENOFILES;
	e->no_reply = code == BERTH_ECANCELLED || code == BERTH_ECONNECT || code == BERTH_ETIMEOUT ||
		      code == BERTH_EIO || e->nofiles;
	if (e->stalled) {
		e->reason[0] = '\0';
	} else {
		snprintf(e->reason, sizeof e->reason, "%s", j->err.message);
		e->waiting_since = 0;	/* an error is an answer */
	}
	if (!e->down_since)
		e->down_since = now;
	e->state = EP_UNREACHABLE;
	e->backoff = e->backoff > 0 ? e->backoff * 2 : 1;
	if (e->backoff > BACKOFF_MAX)
		e->backoff = BACKOFF_MAX;
	e->next_list = now + jittered(e->backoff);
	feed_changed(f, false);
}

/* True when a later kept event sets the same container's status: only a
 * container's last status event can say where it stands now. */
static bool
status_overtaken(const struct feed_sync *s, size_t i)
{
	for (size_t k = i + 1; k < s->nreplay; k++)
		if (s->replay[k].kind != EV_RENAME && strcmp(s->replay[k].id, s->replay[i].id) == 0)
			return true;
	return false;
}

/* The kept events onto a new list, each container's last status event and
 * every rename. A list that an event changes was read before the event took
 * effect in the engine (Docker sends "die" before its listing shows it), so
 * another list follows, a second on, until they agree or the events are
 * older than REPLAY_KEEP. An event for a container the list lacks asks for
 * another list only when it came while this one was in flight (the
 * container is newer than the list); too many events to keep, likewise. */
static void
sync_replay(struct dash_ep *e, double now)
{
	struct feed_sync *s = e->sync;
	sync_prune(s, now);
	for (size_t i = 0; i < s->nreplay; i++) {
		const struct ev_rec *r = &s->replay[i];
		if (r->kind != EV_RENAME && status_overtaken(s, i))
			continue;
		enum apply_result res = ev_apply(e, r, true);
		if (res == APPLY_CHANGED || (res == APPLY_NEEDS_LIST && r->seen >= e->list_started))
			e->relist = true;
	}
	if (s->overflow) {
		e->relist = true;
		sync_clear(s);
	}
}

/* Take a list's result (the recent events replayed over it); true when it
 * changed anything. An unchanged one is dropped, so that the rows and their
 * table stay as they are: a fleet's safety lists would otherwise rebuild the
 * whole table several times a second. */
static bool
list_take(struct dash_ep *e, struct list_job *j, double now)
{
	struct berth_container **old = e->ctrs;
	size_t nold = e->nctrs;
	e->ctrs = j->ctrs;
	e->nctrs = j->n;
	sync_replay(e, now);
	bool same = e->listed && berth_container_lists_equal(old, nold, e->ctrs, e->nctrs);
	if (same) {
		berth_container_list_free(e->ctrs, e->nctrs);
		e->ctrs = old;
		e->nctrs = nold;
		return false;
	}
	berth_container_list_free(old, nold);
	stats_rebuild(e);
	return true;
}

static void
list_done(struct pool_job *pj)
{
	struct list_job *j = (struct list_job *)pj;
	struct feed *f = j->f;
	struct dash_ep *e = j->e;
	double now = f->ops->now();
	e->list_job = NULL;
	if (f->quit) {
		berth_container_list_free(j->ctrs, j->n);
		free(j);
		return;
	}
	if (j->rc == 0) {
		e->kind = j->kind;
		e->list_stalls = 0;
		bool changed = list_take(e, j, now);
		engine_answered(f, e, now);
		e->state = EP_CONNECTED;
		e->listed = true;
		e->down_since = 0;
		e->backoff = 0;
		e->reason[0] = '\0';
		e->next_list = e->relist ? e->list_started + LIST_GAP : now + ep_interval(f, e);
		e->relist = false;
		feed_changed(f, changed);
		trim_soon(f, now);
	} else {
		berth_container_list_free(j->ctrs, j->n);
		list_failed(f, e, j, now);
	}
	feed_changed(f, false);
	free(j);
}

/* How long a list may take: an engine that is slow, not frozen (a Zun site
 * whose lists take longer than LIST_DEADLINE), must get its list through
 * rather than have it given up and sent again for ever. */
static double
list_deadline(const struct dash_ep *e)
{
	double d = LIST_DEADLINE;
	for (unsigned i = 0; i < e->list_stalls && d < LIST_DEADLINE_MAX; i++)
		d *= 2;
	return d < LIST_DEADLINE_MAX ? d : LIST_DEADLINE_MAX;
}

static void
list_start(struct feed *f, struct dash_ep *e, double now)
{
	struct list_job *j = xcalloc(1, sizeof *j);
	feed_job_init(&j->job, list_run, list_done, POOL_FAST, now + list_deadline(e));
	j->rc = not_run(&j->err);
	j->f = f;
	j->e = e;
	j->ep = e->ep;
	if (pool_submit(f->pool, &j->job, &j->err) < 0) {
		list_failed(f, e, j, now);
		free(j);
		return;
	}
	e->list_job = j;
	e->list_started = now;
	if (!e->waiting_since)
		e->waiting_since = now;
	e->relist = false;
}

void
feed_relist_all(struct feed *f)
{
	for (size_t i = 0; i < f->neps; i++)
		request_list(f, &f->eps[i]);
}

/* ---------------------------------------------------------------- liveness */

/* A probe is the cheapest request the engine must answer (Docker and Podman:
 * GET /_ping; Zun: its root document). It is sent after PING_EVERY seconds
 * without any reply, when no list is in flight (a list is a probe too): an
 * engine answering lists, events or stats is not probed. Unanswered within
 * PING_DEADLINE, the engine is not answering: lists wait and the next probe
 * waits PING_PATIENCE for a reply, so the engine's first answer is seen at
 * once. Docker and Podman probes are exchanges on the stream loop (its thread
 * does them all, each reusing its endpoint's connection), attached to the
 * pool so ping_done runs from the completion list; Zun's, which the loop
 * cannot do, have a thread of their own (POOL_STREAM). Either way a frozen
 * engine holds none of the workers that list the others. The UI thread wakes
 * for a probe PING_WINDOW after it falls due, and sends every probe due by
 * then, so the probes of a fleet share one wakeup of the UI thread and one
 * of the loop's, not one each (a frozen engine is then said at most
 * PING_EVERY + PING_WINDOW + PING_DEADLINE after its last answer). */
struct ping_job {
	struct pool_job job;
	struct feed *f;
	struct dash_ep *e;
	berth_endpoint *ep;
	berth_follow *probe;	/* on the stream loop, to give back; or NULL */
	int rc;
	struct berth_error err;
};

static void
ping_run(struct pool_job *pj)
{
	struct ping_job *j = (struct ping_job *)pj;
	j->rc = j->f->ops->ping(j->ep, NULL, pj->cancel, &j->err);
}

/* Whether the views would show e otherwise in state b than in a (taken at
 * the same moment): when it is up, when it last answered is not shown. */
static bool
ep_shown_differs(const struct feed_ep_state *a, const struct feed_ep_state *b)
{
	return a->cls != b->cls || strcmp(a->reason, b->reason) != 0 || a->nofiles != b->nofiles ||
	       a->since != b->since || a->retrying != b->retrying ||
	       a->next_retry != b->next_retry || a->backoff != b->backoff ||
	       a->polling != b->polling || (a->cls != FEED_UP && a->last_ok != b->last_ok);
}

/* A probe answered as the one before it changes nothing on screen: the
 * frame is redrawn only when the endpoint's state shows otherwise (a
 * fleet's probes, a few hundred a second, must not redraw it each). */
static void
ping_done(struct pool_job *pj)
{
	struct ping_job *j = (struct ping_job *)pj;
	struct feed *f = j->f;
	struct dash_ep *e = j->e;
	double now = f->ops->now();
	struct feed_ep_state shown = feed_ep_state(e, now);
	e->ping_job = NULL;
	if (j->probe)
		f->ops->ping_close(j->probe);
	if (f->quit) {
		free(j);
		return;
	}
	if (j->rc == 0) {
		engine_answered(f, e, now);
	} else if (j->err.code == BERTH_ECANCELLED || j->err.code == BERTH_ETIMEOUT) {
		e->unanswered = true;
	} else {
		/* Refused, reset: the engine is gone, as a list will say in its words. */
		e->unanswered = false;
		e->waiting_since = 0;
		if (e->state != EP_UNREACHABLE)
			request_list(f, e);
	}
	e->next_ping = e->unanswered ? now : now + PING_EVERY;
	struct feed_ep_state after = feed_ep_state(e, now);
	if (ep_shown_differs(&shown, &after))
		feed_changed(f, false);
	free(j);
}

/* When e is to be probed next (whatever is in flight). */
static double
ping_time(const struct dash_ep *e)
{
	return e->next_ping > e->last_ok + PING_EVERY ? e->next_ping : e->last_ok + PING_EVERY;
}

static bool
ping_due(const struct dash_ep *e, double now)
{
	return !e->ping_job && !e->list_job && now >= ping_time(e);
}

/* The stream loop's thread: the probe's outcome. */
static void
ping_end(void *ctx, int rc, const struct berth_error *err)
{
	struct ping_job *j = ctx;
	loop_job_ended(j->f, &j->job, &j->rc, &j->err, rc, err);
}

/* Whether e's probes go on the stream loop (Docker, Podman) or have a thread
 * each (Zun, whose backend cannot probe there). */
static bool
ping_on_loop(const struct feed *f, const struct dash_ep *e)
{
	return f->ops->ping_open && e->kind != BERTH_KIND_ZUN;
}

/* The probe on the stream loop, attached to the pool: ping_done follows,
 * from ping_end or at once when it could not start (saying why). */
static void
ping_open(struct feed *f, struct ping_job *j, double deadline_s)
{
	j->job.run = NULL;	/* run elsewhere: on the loop */
	pool_attach(f->pool, &j->job);
	j->probe = f->ops->ping_open(j->ep, deadline_s, ping_end, j, &j->err);
	if (!j->probe) {
		j->rc = -1;
		pool_complete(f->pool, &j->job);
	}
}

static void
ping_start(struct feed *f, struct dash_ep *e, double now)
{
	struct ping_job *j = xcalloc(1, sizeof *j);
	bool silent = e->unanswered || e->state == EP_UNREACHABLE;
	double deadline_s = silent ? PING_PATIENCE : PING_DEADLINE;
	feed_job_init(&j->job, ping_run, ping_done, POOL_STREAM, now + deadline_s);
	j->rc = not_run(&j->err);
	j->f = f;
	j->e = e;
	j->ep = e->ep;
	if (ping_on_loop(f, e)) {
		ping_open(f, j, deadline_s);
	} else if (pool_submit(f->pool, &j->job, &j->err) < 0) {
		e->next_ping = now + PING_EVERY;
		free(j);
		return;
	}
	e->ping_job = j;
	if (!e->waiting_since)
		e->waiting_since = now;
}

/* ---------------------------------------------------------------- stats */

/* A one-shot call about one container (a stats sample, an inspect); the
 * job's own struct starts with it. */
struct sample_job {
	struct pool_job job;
	struct feed *f;
	struct dash_ep *e;
	berth_endpoint *ep;
	char *id;
	int rc;
	struct berth_error err;
};

/* Submit j (allocated by the caller) about container id of e, counted in e's
 * budget of calls in flight; false, j freed, when the pool refuses it. */
static bool
sample_job_submit(struct sample_job *j, struct feed *f, struct dash_ep *e, const char *id,
	       void (*run)(struct pool_job *), void (*done)(struct pool_job *), double now)
{
	feed_job_init(&j->job, run, done, POOL_BULK, now + STATS_DEADLINE);
	j->rc = not_run(&j->err);
	j->f = f;
	j->e = e;
	j->ep = e->ep;
	j->id = xstrdup(id);
	if (pool_submit(f->pool, &j->job, &j->err) < 0) {
		free(j->id);
		free(j);
		return false;
	}
	e->nstats_inflight++;
	return true;
}

/* A finished one-shot call leaves e's budget; the entry of its container, if
 * still listed. */
static struct dash_stats *
sample_job_finish(struct sample_job *j)
{
	j->e->nstats_inflight--;
	return feed_stats_find(j->e, j->id);
}

struct stats_job {
	struct sample_job c;
	struct berth_stats_sample s;
};

static void
stats_run(struct pool_job *pj)
{
	struct stats_job *j = (struct stats_job *)pj;
	j->c.rc = j->c.f->ops->stats(j->c.ep, j->c.id, &j->s, pj->cancel, &j->c.err);
}

/* The stats history's hook: every valid sample goes into the host's rings. */
static void
stats_record_history(struct feed *f, const char *id, const struct berth_stats_sample *s,
		     double cpu)
{
	if (f->history)
		stats_history_add(f->history, id, s, cpu);
}

static void
stats_done(struct pool_job *pj)
{
	struct stats_job *j = (struct stats_job *)pj;
	struct dash_ep *e = j->c.e;
	struct feed *f = j->c.f;
	struct dash_stats *st = sample_job_finish(&j->c);
	if (st)
		st->inflight = false;
	if (j->c.rc < 0 && j->c.err.code == BERTH_EUNSUPPORTED)
		e->no_stats = true;
	if (j->c.rc == 0 && !f->quit)
		engine_answered(f, e, f->ops->now());
	if (st && j->c.rc == 0 && j->s.valid) {
		double cpu = berth_cpu_percent(e->kind, &st->prev, &j->s);
		stats_record_history(f, j->c.id, &j->s, cpu);
		if (cpu >= 0)
			st->cpu = cpu;
		st->prev = j->s;
		st->mem = j->s.mem_used;
		st->mem_limit = j->s.mem_limit;
		st->have_mem = true;
		feed_changed(f, false);
	}
	free(j->c.id);
	free(j);
}

static void
stats_start(struct feed *f, struct dash_ep *e, struct dash_stats *st, double now)
{
	struct stats_job *j = xcalloc(1, sizeof *j);
	if (!sample_job_submit(&j->c, f, e, st->id, stats_run, stats_done, now))
		return;
	st->inflight = true;
	st->last = now;
}

/* ---------------------------------------------------------------- trouble facts */

struct facts_job {
	struct sample_job c;
	struct berth_container *ctr;	/* what the inspect says */
};

static void
facts_run(struct pool_job *pj)
{
	struct facts_job *j = (struct facts_job *)pj;
	j->c.rc = j->c.f->ops->inspect(j->c.ep, j->c.id, true, &j->ctr, pj->cancel, &j->c.err);
}

static void
facts_done(struct pool_job *pj)
{
	struct facts_job *j = (struct facts_job *)pj;
	struct dash_stats *st = sample_job_finish(&j->c);
	if (st)
		st->facts_inflight = false;
	if (st && j->c.rc == 0 && !j->c.f->quit) {
		/* Unknown reads as no restart and no OOM kill (the entry starts
		 * zeroed): a row whose facts say so is shown and sorted as
		 * before, and 10,000 rows are not rebuilt for each row on screen. */
		bool changed = st->restarts != j->ctr->restart_count || st->oom != j->ctr->oom_killed;
		st->restarts = j->ctr->restart_count;
		st->oom = j->ctr->oom_killed;
		st->facts_known = true;
		if (changed)
			feed_changed(j->c.f, true);
	}
	if (j->ctr)
		berth_container_free(j->ctr);
	free(j->c.id);
	free(j);
}

static void
facts_start(struct feed *f, struct dash_ep *e, struct dash_stats *st, double now)
{
	struct facts_job *j = xcalloc(1, sizeof *j);
	if (!sample_job_submit(&j->c, f, e, st->id, facts_run, facts_done, now))
		return;
	st->facts_due = false;
	st->facts_inflight = true;
}

/* Whether a container's trouble facts are to be asked now (Zun has neither). */
static bool
facts_wanted(const struct feed *f, const struct dash_ep *e, const struct dash_stats *st)
{
	return f->ops->inspect && st && st->facts_due && !st->facts_inflight &&
	       e->kind != BERTH_KIND_ZUN && e->state == EP_CONNECTED && !e->unanswered &&
	       e->nstats_inflight < STATS_INFLIGHT_MAX;
}

/* Every container killed by SIGKILL (exit 137, as the OOM killer ends them)
 * is asked about, on screen or not, so the oom filter finds them all; they are
 * few. */
static void
facts_of_killed(struct feed *f, double now)
{
	for (size_t i = 0; i < f->neps; i++) {
		struct dash_ep *e = &f->eps[i];
		for (size_t k = 0; k < e->nctrs; k++) {
			const struct berth_container *c = e->ctrs[k];
			struct dash_stats *st;
			if (c->status == BERTH_ST_EXITED && c->exit_code == 137 &&
			    (st = feed_stats_find(e, c->id)) && facts_wanted(f, e, st))
				facts_start(f, e, st, now);
		}
	}
}

/* Sample the running rows on screen (never the whole list), and ask the
 * trouble facts of those whose facts are due. */
static void
stats_tick(struct feed *f, double now)
{
	if (now < f->next_stats)
		return;
	f->next_stats = now + f->refresh_s;
	facts_of_killed(f, now);
	struct feed_row r;
	for (size_t i = 0; f->host.shown_row(f->host.ctx, i, &r); i++) {
		struct dash_ep *e = r.e;
		if (facts_wanted(f, e, r.st))
			facts_start(f, e, r.st, now);
		if (!r.c->running || !r.st || r.st->inflight || e->no_stats ||
		    e->state != EP_CONNECTED || e->unanswered ||
		    e->nstats_inflight >= STATS_INFLIGHT_MAX)
			continue;
		stats_start(f, e, r.st, now);
	}
}

/* ---------------------------------------------------------------- logs */

struct log_job {
	struct pool_job job;	/* the follow: done() once it ended */
	struct pool_job open;	/* on the stream loop: the look-up and the open, on a worker */
	struct follow_slot slot;
	struct outbuf out;
	struct feed *f;
	berth_endpoint *ep;
	char *id;
	time_t since;
	long tail;
	bool polled;		/* no stream (Zun): the follow is a stream job of its own */
	bool attached;		/* worker, then UI: job is attached, its done() comes */
	bool opening;		/* UI: open is in flight (its cancel flag is live) */
	int refs;		/* UI: done() calls still due */
	bool orphan;		/* UI only: the pane follows something else now */
	int rc;
	struct berth_error err;
};

static struct berth_logs_opts
log_opts(const struct log_job *j)
{
	return (struct berth_logs_opts){ .follow = true, .tail = j->tail, .since = j->since,
					 .timestamps = true };
}

static int
log_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct log_job *j = ctx;
	return j->polled ? outbuf_put(&j->out, s, buf, len) : outbuf_offer(&j->out, s, buf, len);
}

/* A polled log's stream job. */
static void
log_run(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)pj;
	struct berth_logs_opts o = log_opts(j);
	j->rc = j->f->ops->logs(j->ep, j->id, &o, log_sink, j, pj->cancel, &j->err);
}

/* The stream loop's thread: the follow ended; log_done follows on the UI's. */
static void
log_end(void *ctx, int rc, const struct berth_error *err)
{
	struct log_job *j = ctx;
	loop_job_ended(j->f, &j->job, &j->rc, &j->err, rc, err);
}

/* Worker: look the container up and open its follow on the stream loop. */
static void
log_open_run(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)((char *)pj - offsetof(struct log_job, open));
	struct berth_logs_opts o = log_opts(j);
	pool_attach(j->f->pool, &j->job);
	j->attached = true;
	if (follow_slot_open(&j->slot, j->ep, j->id, &o, log_sink, j, log_end, j, pj->cancel,
			     &j->err) < 0) {
		j->rc = -1;
		pool_complete(j->f->pool, &j->job);
	}
}

static void
log_release(struct log_job *j)
{
	if (--j->refs)
		return;
	if (!j->polled)
		follow_slot_destroy(&j->slot);
	outbuf_done(&j->out);
	free(j->id);
	free(j);
}

/* Lines waiting: into the pane; a follow that was told the outbuf is full
 * goes on once it has been taken. */
static bool
log_take(struct log_job *j)
{
	bool any = outbuf_take(&j->out, j->orphan ? NULL : j->f->logs);
	if (!j->polled && outbuf_room(&j->out))
		follow_slot_resume(&j->slot);
	return any;
}

static void
log_note(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)((char *)pj - offsetof(struct log_job, out.note));
	if (log_take(j))
		feed_changed(j->f, false);
}

static void
log_done(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)pj;
	struct feed *f = j->f;
	if (!j->polled)
		follow_slot_stop(&j->slot);	/* gives back the stream that ended */
	log_take(j);
	if (!j->orphan) {
		f->log_job = NULL;
		logpane_flush(f->logs);
		if (j->rc < 0 && j->err.code != BERTH_ECANCELLED && !f->quit) {
			char *line = xasprintf("-- berth: %s", j->err.message);
			logpane_add_text(f->logs, BERTH_STDERR, line);
			free(line);
		}
		feed_changed(f, false);
	}
	log_release(j);
}

/* The open's done(): a follow that never opened (cancelled before its turn)
 * ends here, as one that ended. */
static void
log_opened(struct pool_job *pj)
{
	struct log_job *j = (struct log_job *)((char *)pj - offsetof(struct log_job, open));
	j->opening = false;
	if (!j->attached)
		log_done(&j->job);
	log_release(j);
}

void
feed_shutdown(struct feed *f)
{
	f->quit = true;
	feed_log_stop(f);
	for (size_t i = 0; i < f->neps; i++) {
		struct events_job *j = f->eps[i].events;
		if (j && j->stream) {
			f->ops->events_close(j->stream);	/* its end and done follow */
			j->stream = NULL;
		}
		struct ping_job *p = f->eps[i].ping_job;
		if (p && p->probe) {
			f->ops->ping_close(p->probe);	/* likewise */
			p->probe = NULL;
		}
	}
}

void
feed_log_stop(struct feed *f)
{
	logmerge_stop(f->log_merge);
	f->log_merge = NULL;
	free(f->log_merge_key);
	f->log_merge_key = NULL;
	f->log_merged = f->log_marked = 0;
	struct log_job *j = f->log_job;
	if (j) {
		j->orphan = true;
		if (j->polled)
			pool_cancel(&j->job);
		else
			follow_slot_stop(&j->slot);
		if (j->opening)
			pool_cancel(&j->open);
		f->log_job = NULL;
	}
	free(f->log_ep);
	free(f->log_id);
	f->log_ep = f->log_id = NULL;
	f->log_start_at = 0;
}

/* Where the log window starts: the engine's since for a follow (0: all). */
static time_t
log_window_start(const struct feed *f)
{
	return f->log_window_s ? time(NULL) - f->log_window_s : 0;
}

/* Start following (ep, id): every line from resume_at on, or, when 0, the last
 * scrollback lines of the log window (the engine's since, not a cut here). */
static void
log_start(struct feed *f, struct dash_ep *e, const char *id, time_t resume_at)
{
	struct log_job *j = xcalloc(1, sizeof *j);
	j->polled = e->kind == BERTH_KIND_ZUN;
	if (j->polled) {
		feed_job_init(&j->job, log_run, log_done, POOL_STREAM, 0);
		j->refs = 1;
	} else {
		feed_job_init(&j->job, NULL, log_done, POOL_STREAM, 0);
		feed_job_init(&j->open, log_open_run, log_opened, POOL_FAST, 0);
		follow_slot_init(&j->slot, f->ops->follow);
		j->refs = 2;
		j->opening = true;
	}
	j->f = f;
	j->ep = e->ep;
	j->id = xstrdup(id);
	j->since = resume_at ? resume_at : log_window_start(f);
	j->tail = resume_at ? -1 : (long)f->logs->cap;
	outbuf_init(&j->out, f->pool, &j->job, log_note);
	if (pool_submit(f->pool, j->polled ? &j->job : &j->open, &j->err) < 0) {
		f->host.message(f->host.ctx, j->err.message);
		j->refs = 1;
		log_release(j);
		return;
	}
	f->log_job = j;
}

/* Lines came, or a container's stream ended: whether it runs again (a
 * restart's start event may have come first) is seen at the next tick. */
static void
log_merge_changed(void *ctx, bool ended)
{
	struct feed *f = ctx;
	if (ended && !f->log_start_at)
		f->log_start_at = f->ops->now();
	feed_changed(f, false);
}

/* Marked containers: the pane follows them all, merged (the first
 * LOGMERGE_MAX). A set that changed starts over; a container whose stream
 * ended (it stopped) is followed again when it runs, and the same set picks
 * up again once its streams all ended and one of them runs.
 * False when none is marked (a merged follow is stopped). */
static bool
log_follow_marked(struct feed *f)
{
	struct feed_row rows[LOGMERGE_MAX];
	size_t marked = f->host.marked_rows ? f->host.marked_rows(f->host.ctx, rows, LOGMERGE_MAX)
		: 0;
	if (!marked) {
		if (f->log_merge_key) {
			feed_log_stop(f);
			logpane_clear(f->logs);
		}
		return false;
	}
	size_t n = marked < LOGMERGE_MAX ? marked : LOGMERGE_MAX;
	struct logmerge_source src[LOGMERGE_MAX];
	struct buf key = { 0 };
	bool running = false;
	for (size_t i = 0; i < n; i++) {
		const struct berth_container *c = rows[i].c;
		src[i] = (struct logmerge_source){ .ep = rows[i].e->ep, .id = c->id,
						   .name = c->name ? c->name : c->id,
						   .polled = rows[i].e->kind == BERTH_KIND_ZUN };
		buf_printf(&key, "%s\n%s\n", rows[i].e->name, c->id);
		running |= c->running;
	}
	bool same = f->log_merge_key && strcmp(f->log_merge_key, key.data) == 0;
	if (same && (logmerge_live(f->log_merge) || !running)) {
		for (size_t i = 0; i < n && f->log_merge; i++)	/* one that runs again */
			if (rows[i].c->running)
				logmerge_resume(f->log_merge, i);
		f->log_marked = marked;
		buf_free(&key);
		return true;
	}
	feed_log_stop(f);
	if (!same)
		logpane_clear(f->logs);
	struct berth_error err = { 0 };
	time_t resume_at = same ? time(NULL) : 0;
	long tail = resume_at ? -1 : (long)(f->logs->cap / n) + 1;
	struct logmerge_engine eng = { .logs = f->ops->logs, .follow = f->ops->follow };
	f->log_merge = logmerge_start(f->pool, &eng, src, n, tail,
				      resume_at ? resume_at : log_window_start(f), f->logs,
				      log_merge_changed, f, &err);
	if (!f->log_merge)
		f->host.message(f->host.ctx, err.message);
	f->log_merge_key = key.data;
	f->log_merged = n;
	f->log_marked = marked;
	return true;
}

void
feed_log_follow(struct feed *f)
{
	struct feed_row r;
	f->log_start_at = 0;
	if (log_follow_marked(f))
		return;
	if (!f->host.selected_row(f->host.ctx, &r)) {
		feed_log_stop(f);
		logpane_clear(f->logs);
		return;
	}
	bool same = f->log_id && strcmp(f->log_id, r.c->id) == 0 &&
		    strcmp(f->log_ep, r.e->name) == 0;
	if (same && f->log_job)
		return;
	if (same) {	/* the stream ended (container stopped); pick up when it runs */
		if (r.c->running)
			log_start(f, r.e, r.c->id, time(NULL));
		return;
	}
	feed_log_stop(f);
	logpane_clear(f->logs);
	f->log_ep = xstrdup(r.e->name);
	f->log_id = xstrdup(r.c->id);
	log_start(f, r.e, r.c->id, 0);
}

void
feed_log_refill(struct feed *f)
{
	feed_log_stop(f);
	feed_log_follow(f);
}

/* ---------------------------------------------------------------- schedule */

void
feed_tick(struct feed *f, double now)
{
	pool_expire(f->pool, now);
	for (size_t i = 0; i < f->neps; i++) {
		struct dash_ep *e = &f->eps[i];
		if (!e->list_job && !e->unanswered && now >= e->next_list)
			list_start(f, e, now);
		if (ping_due(e, now))
			ping_start(f, e, now);
		if (e->state == EP_CONNECTED && !e->events && !e->no_events &&
		    e->kind != BERTH_KIND_ZUN && now >= e->events_retry)
			events_start(f, e);
	}
	stats_tick(f, now);
	if (f->log_start_at && now >= f->log_start_at)
		feed_log_follow(f);
	if (f->trim_at && now >= f->trim_at) {
		malloc_trim(0);
		f->trim_at = 0;
		f->trimmed_at = now;
	}
}

double
feed_next_deadline(struct feed *f, double now)
{
	double next = f->next_stats > now ? f->next_stats : now + f->refresh_s;
	for (size_t i = 0; i < f->neps; i++) {
		struct dash_ep *e = &f->eps[i];
		if (e->list_job || e->ping_job) {
			double tick = now + 0.5;	/* keep "slow (N s)" and deadlines moving */
			if (tick < next)
				next = tick;
		} else {
			double ping = ping_time(e) + PING_WINDOW;
			if (ping < next)
				next = ping;
			if (e->next_list < next && !e->unanswered)
				next = e->next_list;
		}
		if (e->state == EP_CONNECTED && !e->events && !e->no_events &&
		    e->kind != BERTH_KIND_ZUN && e->events_retry < next)
			next = e->events_retry;
	}
	if (f->log_start_at && f->log_start_at < next)
		next = f->log_start_at;
	if (f->trim_at && f->trim_at < next)
		next = f->trim_at;
	return next;
}

/* Where e stands: a probe unanswered, its lists' outcome, or how long the
 * request in flight has gone unanswered. */
struct feed_ep_state
feed_ep_state(const struct dash_ep *e, double now)
{
	struct feed_ep_state st = { .cls = FEED_UP, .reason = "", .last_ok = e->last_ok,
				    .polling = e->no_events || e->kind == BERTH_KIND_ZUN };
	double waited = (e->list_job || e->ping_job) && e->waiting_since ? now - e->waiting_since : 0;
	if (e->unanswered) {
		st.cls = FEED_STALLED;
		st.since = e->waiting_since;
	} else if (e->state == EP_UNREACHABLE) {
		st.cls = e->stalled ? FEED_STALLED : FEED_DOWN;
		st.reason = e->stalled ? "" : e->reason;
		st.nofiles = !e->stalled && e->nofiles;
		st.since = e->stalled ? e->waiting_since : e->down_since;
		st.retrying = e->list_job != NULL;
		st.next_retry = e->list_job ? 0 : e->next_list;
		st.backoff = e->backoff;
	} else if (waited >= STALL_AFTER || waited >= SLOW_AFTER) {
		st.cls = waited >= STALL_AFTER ? FEED_STALLED : FEED_SLOW;
		st.since = e->waiting_since;
	} else if (e->state == EP_CONNECTING) {
		st.cls = FEED_CONNECTING;
	}
	return st;
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

const struct feed_ops feed_engine_ops = {
	.now = now_monotonic,
	.kind = berth_endpoint_kind,
	.list = berth_list,
	.events_open = berth_events_open,
	.events_close = berth_follow_close,
	.stats = berth_stats,
	.inspect = berth_inspect,
	.logs = berth_logs,
	.follow = &log_follow_engine_ops,
	.ping = berth_ping,
	.ping_open = berth_ping_open,
	.ping_close = berth_follow_close,
};
