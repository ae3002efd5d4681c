/* dash-logmerge.c: the log pane following several containers at once (see
 * dash-logmerge.h). A reader per container feeds the merge: a follow on the
 * stream loop (opened by a job on a worker, paused while its queue in the
 * merge is full), or for a polled log (Zun) a stream job of its own; the
 * merge job writes the lines in time order into an outbuf, each record marked
 * with its source; the UI takes them into the pane. Whoever finishes last
 * frees it all: every job's done() and logmerge_stop each drop one
 * reference. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "dash-logmerge.h"
#include "dash-outbuf.h"
#include "merge.h"
#include "util.h"

struct lm_reader {
	struct pool_job job;	/* one container's log: done() once it ended */
	struct pool_job open;	/* on the stream loop: the look-up and the open, on a worker */
	struct follow_slot slot;
	bool polled;		/* a stream job of its own (Zun) */
	bool attached;		/* worker, then UI: job is attached, its done() comes */
	bool opening;		/* UI: open is submitted and not done */
	struct logmerge *lm;
	struct merge_lines lines;
	berth_endpoint *ep;
	char *id, *name;
	struct berth_logs_opts o;
	int rc;
	struct berth_error err;
	bool running;		/* UI: submitted and not done (its cancel flag is live) */
	time_t ended;		/* UI: when its stream ended; 0: it has not */
};

struct logmerge {
	struct pool_job job;	/* the merge: lines out in time order */
	struct outbuf out;
	struct merge *m;
	struct lm_reader *r;
	size_t n;
	logmerge_logs_fn logs;
	struct logpane *lp;
	void (*changed)(void *ctx, bool ended);
	void *ctx;
	size_t refs;		/* UI: jobs not done, and the owner's */
	bool stopped;		/* UI: nothing more reaches the pane */
	bool live;		/* UI: the merge job has not ended */
};

static void
lm_release(struct logmerge *lm)
{
	if (--lm->refs)
		return;
	for (size_t i = 0; i < lm->n; i++) {
		if (!lm->r[i].polled)
			follow_slot_destroy(&lm->r[i].slot);
		merge_lines_free(&lm->r[i].lines);
		free(lm->r[i].id);
		free(lm->r[i].name);
	}
	free(lm->r);
	merge_free(lm->m);
	outbuf_done(&lm->out);
	free(lm);
}

static void
reader_run(struct pool_job *pj)
{
	struct lm_reader *r = (struct lm_reader *)pj;
	r->rc = r->lm->logs(r->ep, r->id, &r->o, merge_lines_sink, &r->lines, pj->cancel, &r->err);
	merge_lines_end(&r->lines);
}

/* The stream loop's thread: the follow ended; reader_done follows on the UI's. */
static void
reader_end(void *ctx, int rc, const struct berth_error *err)
{
	struct lm_reader *r = ctx;
	r->rc = rc;
	if (rc < 0)
		r->err = *err;
	merge_lines_end(&r->lines);
	pool_complete(r->lm->out.pool, &r->job);
}

/* Worker: look the container up and open its follow on the stream loop. */
static void
reader_open_run(struct pool_job *pj)
{
	struct lm_reader *r = (struct lm_reader *)((char *)pj - offsetof(struct lm_reader, open));
	pool_attach(r->lm->out.pool, &r->job);
	r->attached = true;
	if (follow_slot_open(&r->slot, r->ep, r->id, &r->o, merge_lines_sink, &r->lines, reader_end,
			     r, pj->cancel, &r->err) < 0) {
		r->rc = -1;
		merge_lines_end(&r->lines);
		pool_complete(r->lm->out.pool, &r->job);
	}
}

/* merge_run's thread: a paused follow's queue has room again. */
static void
reader_room(void *ctx)
{
	struct lm_reader *r = ctx;
	follow_slot_resume(&r->slot);
}

/* A container's stream that failed says so in the pane, under its name. */
static void
reader_failed(struct logmerge *lm, const char *name, const char *why)
{
	char *line = xasprintf("-- berth: %s: %s", name, why);
	logpane_add_text(lm->lp, BERTH_STDERR, line);
	free(line);
	lm->changed(lm->ctx, false);
}

static void
reader_done(struct pool_job *pj)
{
	struct lm_reader *r = (struct lm_reader *)pj;
	struct logmerge *lm = r->lm;
	if (!r->polled)
		follow_slot_stop(&r->slot);	/* gives back the stream that ended */
	r->running = false;
	r->ended = time(NULL);
	if (!lm->stopped && r->rc < 0 && r->err.code != BERTH_ECANCELLED)
		reader_failed(lm, r->name, r->err.message);
	else if (!lm->stopped && r->rc == 0)
		lm->changed(lm->ctx, true);
	lm_release(lm);
}

/* The open's done(): a follow that never opened (cancelled before its turn)
 * ends here, as one that ended. */
static void
reader_opened(struct pool_job *pj)
{
	struct lm_reader *r = (struct lm_reader *)((char *)pj - offsetof(struct lm_reader, open));
	r->opening = false;
	if (!r->attached) {
		merge_lines_end(&r->lines);
		reader_done(&r->job);
	}
	lm_release(r->lm);
}

static void
merge_emit(void *ctx, size_t src, int stream, const char *line, size_t len)
{
	struct logmerge *lm = ctx;
	outbuf_put(&lm->out, outbuf_source_stream(stream, src), line, len);
}

static void
merger_run(struct pool_job *pj)
{
	struct logmerge *lm = (struct logmerge *)pj;
	merge_run(lm->m, merge_emit, lm, pj->cancel);
}

/* Lines are waiting in the outbuf (UI thread). */
static void
merger_note(struct pool_job *pj)
{
	struct logmerge *lm = (struct logmerge *)((char *)pj - offsetof(struct logmerge, out.note));
	if (outbuf_take(&lm->out, lm->stopped ? NULL : lm->lp))
		lm->changed(lm->ctx, false);
}

static void
merger_done(struct pool_job *pj)
{
	struct logmerge *lm = (struct logmerge *)pj;
	lm->live = false;
	outbuf_take(&lm->out, lm->stopped ? NULL : lm->lp);
	if (!lm->stopped)
		lm->changed(lm->ctx, false);
	lm_release(lm);
}

static struct logmerge *
lm_new(struct pool *p, const struct logmerge_engine *eng, const struct logmerge_source *src,
       size_t n, struct logpane *lp, const struct berth_logs_opts *o)
{
	struct logmerge *lm = xcalloc(1, sizeof *lm);
	lm->job = (struct pool_job){ .run = merger_run, .done = merger_done, .klass = POOL_STREAM };
	outbuf_init(&lm->out, p, &lm->job, merger_note);
	lm->m = merge_new(n, true, LOGMERGE_QUEUE);
	lm->r = xcalloc(n, sizeof *lm->r);
	lm->n = n;
	lm->logs = eng->logs;
	lm->lp = lp;
	for (size_t i = 0; i < n; i++) {
		struct lm_reader *r = &lm->r[i];
		*r = (struct lm_reader){
			.job = { .run = src[i].polled ? reader_run : NULL, .done = reader_done,
				 .klass = POOL_STREAM },
			.open = { .run = reader_open_run, .done = reader_opened, .klass = POOL_FAST },
			.polled = src[i].polled, .lm = lm, .ep = src[i].ep, .id = xstrdup(src[i].id),
			.o = *o, .name = xstrdup(src[i].name),
			.lines = { .m = lm->m, .index = i, .line_max = LOGPANE_LINE_MAX,
				   .keep_stamps = true },
		};
		if (!r->polled) {
			follow_slot_init(&r->slot, eng->follow);
			merge_on_room(lm->m, i, reader_room, r);
		}
	}
	return lm;
}

/* UI: start reader r (again); it holds a reference per done() due. */
static int
reader_submit(struct logmerge *lm, struct lm_reader *r, struct berth_error *err)
{
	r->attached = false;
	if (pool_submit(lm->out.pool, r->polled ? &r->job : &r->open, err) < 0)
		return -1;
	lm->refs += r->polled ? 1 : 2;
	r->opening = !r->polled;
	r->running = true;
	return 0;
}

struct logmerge *
logmerge_start(struct pool *p, const struct logmerge_engine *eng,
	       const struct logmerge_source *src, size_t n, long tail, time_t since,
	       struct logpane *lp, void (*changed)(void *ctx, bool ended), void *ctx,
	       struct berth_error *err)
{
	if (n > LOGMERGE_MAX)
		n = LOGMERGE_MAX;
	struct berth_logs_opts o = { .follow = true, .timestamps = true, .since = since,
				     .tail = tail };
	struct logmerge *lm = lm_new(p, eng, src, n, lp, &o);
	lm->changed = changed;
	lm->ctx = ctx;
	lm->refs = 1;
	if (pool_submit(p, &lm->job, err) < 0) {
		lm_release(lm);
		return NULL;
	}
	lm->refs++;
	lm->live = true;
	const char *names[LOGMERGE_MAX];
	for (size_t i = 0; i < n; i++)
		names[i] = src[i].name;
	logpane_set_sources(lp, names, n);
	for (size_t i = 0; i < n; i++) {
		struct berth_error rerr = { 0 };
		if (reader_submit(lm, &lm->r[i], &rerr) == 0)
			continue;
		merge_end(lm->m, i);
		reader_failed(lm, lm->r[i].name, rerr.message);
	}
	return lm;
}

void
logmerge_resume(struct logmerge *lm, size_t i)
{
	struct lm_reader *r = &lm->r[i];
	if (lm->stopped || r->running || r->opening || !r->ended || r->rc < 0 ||
	    !merge_reopen(lm->m, i))
		return;
	r->o.since = r->ended;
	r->o.tail = -1;
	r->ended = 0;
	r->rc = 0;
	if (!r->polled)
		follow_slot_reset(&r->slot);
	struct berth_error err = { 0 };
	if (reader_submit(lm, r, &err) < 0) {
		merge_end(lm->m, i);
		reader_failed(lm, r->name, err.message);
	}
}

/* UI: stop reader r's follow; its done() follows. */
static void
reader_stop(struct lm_reader *r)
{
	if (r->polled) {
		pool_cancel(&r->job);
		return;
	}
	follow_slot_stop(&r->slot);
	if (r->opening)
		pool_cancel(&r->open);
}

void
logmerge_stop(struct logmerge *lm)
{
	if (!lm)
		return;
	lm->stopped = true;
	if (lm->live)
		pool_cancel(&lm->job);
	for (size_t i = 0; i < lm->n; i++)
		if (lm->r[i].running)
			reader_stop(&lm->r[i]);
	lm_release(lm);
}

bool
logmerge_live(const struct logmerge *lm)
{
	return lm && lm->live;
}
