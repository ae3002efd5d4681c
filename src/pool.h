/* pool.h: the worker pool, the dashboard's only way to reach an engine.
 *
 * A job's run() executes on a worker thread and may block on the network; its
 * done() executes later on the thread that calls pool_drain() (the UI thread),
 * which learns that done() calls are waiting when pool_wakeup_fd() turns
 * readable. Workers block every signal, so SIGWINCH and friends reach the UI.
 *
 * Three classes of job:
 * - POOL_FAST: short calls (list, inspect, lifecycle); run on the fixed workers.
 * - POOL_BULK: background samples (stats); also on the fixed workers, but never
 *   more than nworkers - 1 at once, so one worker always stays free for FAST jobs.
 * - POOL_STREAM: calls that last (a Zun log follow, exec, copy); each gets
 *   a thread of its own for its lifetime, so streams never starve the others.
 *   The dashboard's events streams and log follows run on the stream loop
 *   instead (one thread for all): their jobs are attached (pool_attach) and
 *   completed from there.
 *
 * Ownership: the caller allocates the job (usually embedded in a larger struct)
 * and keeps it alive until its done() has run; done() may free it. The pool
 * owns job->cancel: it is created by pool_submit and freed after done() returns.
 */
#ifndef BERTH_POOL_H
#define BERTH_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "berth.h"

enum pool_class { POOL_FAST = 0, POOL_BULK, POOL_STREAM };

struct pool_job {
	void (*run)(struct pool_job *job);	/* worker thread; NULL for notify-only jobs */
	void (*done)(struct pool_job *job);	/* UI thread, from pool_drain; may free job */
	enum pool_class klass;
	double deadline;	/* now_monotonic() after which pool_expire cancels it; 0: none */
	berth_cancel *cancel;	/* set by pool_submit; pass it to every berth call */
	/* Private to the pool. */
	struct pool_job *next;
	bool queued_done;	/* waiting on the completion list */
	bool running;
};

struct pool;

/* Start nworkers fixed workers (at least 1). */
struct pool *pool_new(int nworkers, struct berth_error *err);
/* Cancel every job, wait for all threads, run the remaining done() calls, free. */
void pool_free(struct pool *p);

/* Queue job: run() on a worker, then done() from pool_drain. A job cancelled
 * before it starts skips run() but still gets done(). */
int pool_submit(struct pool *p, struct pool_job *job, struct berth_error *err);
/* From any thread: put job (which has no run()) on the completion list so that
 * its done() runs on the next pool_drain. A job already waiting there is not
 * added twice, which makes this a coalescing "something changed" signal.
 * Zero-initialize such a job (run NULL); it must outlive its last done(). */
void pool_notify(struct pool *p, struct pool_job *job);
/* A job run elsewhere (a stream on the stream loop): it has no run() and no
 * cancel flag; pool_complete, from any thread, puts it on the completion list
 * once, and pool_free waits for that as for a stream thread. */
void pool_attach(struct pool *p, struct pool_job *job);
void pool_complete(struct pool *p, struct pool_job *job);
/* Ask a job to stop (its berth calls return BERTH_ECANCELLED). */
void pool_cancel(struct pool_job *job);
/* Cancel every running or queued job whose deadline is before now. */
void pool_expire(struct pool *p, double now);

/* Readable while done() calls are waiting; never blocks. */
int pool_wakeup_fd(const struct pool *p);
/* UI thread: run the waiting done() calls in completion order; returns how many. */
size_t pool_drain(struct pool *p);
/* Jobs submitted whose done() has not run yet, streams excluded (for the spinner). */
size_t pool_pending(struct pool *p);

#endif
