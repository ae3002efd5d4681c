/* dash-logmerge.h: the log pane following several containers at once (the
 * marked ones), their lines in the engines' time order, each prefixed by its
 * container's name in the pane (logpane_set_sources).
 *
 * Each container's log is read with timestamps=1 into the merge
 * (src/merge.c): followed on the stream loop (dash-follow.h: opened by a job
 * on a worker, paused while its queue is full), or for a polled log (Zun) on
 * a stream thread of the pool; one more stream job runs the merge and hands
 * the ordered lines to the UI through an outbuf, so the UI thread only
 * drains. Memory is bounded by the merge's queues (LOGMERGE_QUEUE lines of at
 * most LOGPANE_LINE_MAX bytes per container, and what one read brings past
 * it), the outbuf's bound and the pane's scrollback. */
#ifndef BERTH_DASH_LOGMERGE_H
#define BERTH_DASH_LOGMERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "berth.h"
#include "dash-follow.h"
#include "logpane.h"
#include "pool.h"

#define LOGMERGE_MAX 16		/* containers merged at most (the pane's sources) */
#define LOGMERGE_QUEUE 64	/* lines waiting per container */

typedef int (*logmerge_logs_fn)(berth_endpoint *ep, const char *id,
				const struct berth_logs_opts *o, berth_sink sink, void *ctx,
				berth_cancel *cancel, struct berth_error *err);

/* How the containers' logs are read: polled ones (Zun) with logs on a
 * stream job each, the others followed on the stream loop. */
struct logmerge_engine {
	logmerge_logs_fn logs;
	const struct log_follow_ops *follow;
};

struct logmerge_source {
	berth_endpoint *ep;
	const char *id;
	const char *name;	/* the prefix and the subject of its errors */
	bool polled;		/* its engine's logs have no stream (Zun) */
};

struct logmerge;

/* UI thread: follow n (<= LOGMERGE_MAX) containers into lp, which is given
 * their names; each replays its lines since `since` (0: from its start), the
 * last tail of them (< 0: all). changed(ctx, ended) runs on the UI thread when
 * lines came, a container's stream ended (ended: it may be resumed) or the
 * merge ended. NULL (err set) when the pool refuses. */
struct logmerge *logmerge_start(struct pool *p, const struct logmerge_engine *eng,
				const struct logmerge_source *src, size_t n, long tail,
				time_t since, struct logpane *lp,
				void (*changed)(void *ctx, bool ended), void *ctx,
				struct berth_error *err);
/* UI thread: stop; nothing more reaches the pane, and lm is freed when its
 * jobs are done. */
void logmerge_stop(struct logmerge *lm);
/* UI thread: follow container i again (it runs again) when its stream ended
 * without an error: from when it ended, so that what it logged since comes. */
void logmerge_resume(struct logmerge *lm, size_t i);
/* Still streaming: some container's log has not ended. */
bool logmerge_live(const struct logmerge *lm);

#endif
