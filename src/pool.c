/* pool.c: worker threads, a job queue and a completion list.
 *
 * Design (after redis bio.c and curl's thrdq): one mutex guards two FIFO job
 * queues (fast, bulk), the list of running jobs and a FIFO completion list.
 * Fixed workers sleep on a condition variable; a stream job gets a detached
 * thread of its own. A finished job moves to the completion list and a byte
 * goes into a non-blocking pipe; the UI thread polls the pipe's read end,
 * empties it, swaps the whole completion list out under the lock and runs the
 * done() callbacks unlocked. Every thread the pool starts blocks all signals.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"
#include "thread.h"
#include "util.h"

/* A worker's stack: libcurl, OpenSSL and json-c need well under this; glibc's
 * default of 8 MiB (RLIMIT_STACK) per thread only reserves address space, but
 * a bound keeps fifty endpoints' streams from reserving 400 MiB of it. */
#define POOL_STACK_SIZE (512u << 10)

struct jobq {
	struct pool_job *head, *tail;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;		/* a job was queued, or stopping */
	pthread_cond_t idle;		/* a stream thread ended */
	struct jobq fast, bulk, done;
	struct pool_job **running;	/* jobs inside run() */
	size_t nrunning, caprunning;
	size_t pending;			/* submitted, non-stream, done() not run yet */
	int running_bulk, max_bulk;
	int nstreams;			/* stream threads alive, attached jobs not complete */
	bool stopping;
	int wake[2];			/* wake[0] polled by the UI */
	pthread_t *workers;
	int nworkers;
};

static void
jobq_push(struct jobq *q, struct pool_job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct pool_job *
jobq_pop(struct jobq *q)
{
	struct pool_job *j = q->head;
	if (j) {
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		j->next = NULL;
	}
	return j;
}

/* Poke the UI; a full pipe already means "wake up", so EAGAIN is fine. */
static void
pool_poke(struct pool *p)
{
	char c = 'j';
	ssize_t r;
	do
		r = write(p->wake[1], &c, 1);
	while (r < 0 && errno == EINTR);
}

/* Called locked. */
static void
running_add(struct pool *p, struct pool_job *j)
{
	if (p->nrunning == p->caprunning) {
		p->caprunning = p->caprunning ? 2 * p->caprunning : 16;
		p->running = xrealloc(p->running, p->caprunning * sizeof *p->running);
	}
	p->running[p->nrunning++] = j;
	j->running = true;
}

/* Called locked. */
static void
running_remove(struct pool *p, struct pool_job *j)
{
	for (size_t i = 0; i < p->nrunning; i++)
		if (p->running[i] == j) {
			p->running[i] = p->running[--p->nrunning];
			break;
		}
	j->running = false;
}

/* Called locked: hand a finished job to the UI. */
static void
complete_locked(struct pool *p, struct pool_job *j)
{
	bool was_empty = !p->done.head;
	jobq_push(&p->done, j);
	j->queued_done = true;
	if (was_empty)
		pool_poke(p);
}

/* Run one job outside the lock unless it was cancelled while queued. */
static void
run_job(struct pool *p, struct pool_job *j)
{
	if (!berth_cancel_is_set(j->cancel))
		j->run(j);
	pthread_mutex_lock(&p->lock);
	running_remove(p, j);
	if (j->klass == POOL_BULK) {
		p->running_bulk--;
		pthread_cond_signal(&p->work);
	}
	complete_locked(p, j);
	pthread_mutex_unlock(&p->lock);
}

/* Called locked: the next job this worker may take, or NULL. */
static struct pool_job *
next_job(struct pool *p)
{
	struct pool_job *j = jobq_pop(&p->fast);
	if (!j && p->running_bulk < p->max_bulk && (j = jobq_pop(&p->bulk)))
		p->running_bulk++;
	if (j)
		running_add(p, j);
	return j;
}

static void *
worker_main(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct pool_job *j = next_job(p);
		if (j) {
			pthread_mutex_unlock(&p->lock);
			run_job(p, j);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		if (p->stopping)
			break;
		pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct stream_arg {
	struct pool *p;
	struct pool_job *job;
};

static void *
stream_main(void *arg)
{
	struct stream_arg a = *(struct stream_arg *)arg;
	free(arg);
	run_job(a.p, a.job);
	pthread_mutex_lock(&a.p->lock);
	if (--a.p->nstreams == 0)
		pthread_cond_broadcast(&a.p->idle);
	pthread_mutex_unlock(&a.p->lock);
	return NULL;
}

/* Start a thread (every signal blocked) on the pool's stack size. */
static int
start_thread(pthread_t *t, bool detached, void *(*fn)(void *), void *arg)
{
	return berth_thread_start(t, POOL_STACK_SIZE, detached, fn, arg);
}

static int
set_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct pool *
pool_new(int nworkers, struct berth_error *err)
{
	struct pool *p = xcalloc(1, sizeof *p);
	if (nworkers < 1)
		nworkers = 1;
	if (pipe(p->wake) < 0 || set_nonblock_cloexec(p->wake[0]) < 0 ||
	    set_nonblock_cloexec(p->wake[1]) < 0) {
		berth_fail(err, BERTH_EIO, "cannot create the worker pool's wakeup pipe: %s",
			   strerror(errno));
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->max_bulk = nworkers > 1 ? nworkers - 1 : 1;
	p->workers = xcalloc((size_t)nworkers, sizeof *p->workers);
	for (int i = 0; i < nworkers; i++) {
		int rc = start_thread(&p->workers[i], false, worker_main, p);
		if (rc) {
			berth_fail(err, BERTH_EIO, "cannot start a worker thread: %s", strerror(rc));
			p->nworkers = i;
			pool_free(p);
			return NULL;
		}
	}
	p->nworkers = nworkers;
	return p;
}

static void
cancel_queue(struct jobq *q)
{
	for (struct pool_job *j = q->head; j; j = j->next)
		berth_cancel_trigger(j->cancel);
}

void
pool_free(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	cancel_queue(&p->fast);
	cancel_queue(&p->bulk);
	for (size_t i = 0; i < p->nrunning; i++)
		berth_cancel_trigger(p->running[i]->cancel);
	pthread_cond_broadcast(&p->work);
	while (p->nstreams > 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	while (pool_drain(p) > 0)
		;
	close(p->wake[0]);
	close(p->wake[1]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->idle);
	free(p->running);
	free(p->workers);
	free(p);
}

int
pool_submit(struct pool *p, struct pool_job *job, struct berth_error *err)
{
	job->cancel = berth_cancel_new();
	job->next = NULL;
	job->queued_done = false;
	job->running = false;
	pthread_mutex_lock(&p->lock);
	if (job->klass == POOL_STREAM) {
		struct stream_arg *a = xmalloc(sizeof *a);
		pthread_t t;
		a->p = p;
		a->job = job;
		running_add(p, job);
		p->nstreams++;
		int rc = start_thread(&t, true, stream_main, a);
		if (rc) {
			running_remove(p, job);
			p->nstreams--;
			pthread_mutex_unlock(&p->lock);
			free(a);
			berth_cancel_free(job->cancel);
			job->cancel = NULL;
			return berth_fail(err, BERTH_EIO, "cannot start a thread: %s", strerror(rc));
		}
	} else {
		jobq_push(job->klass == POOL_BULK ? &p->bulk : &p->fast, job);
		p->pending++;
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void
pool_notify(struct pool *p, struct pool_job *job)
{
	pthread_mutex_lock(&p->lock);
	if (!job->queued_done)
		complete_locked(p, job);
	pthread_mutex_unlock(&p->lock);
}

void
pool_attach(struct pool *p, struct pool_job *job)
{
	job->cancel = NULL;
	job->next = NULL;
	job->queued_done = false;
	job->running = false;
	pthread_mutex_lock(&p->lock);
	p->nstreams++;
	pthread_mutex_unlock(&p->lock);
}

void
pool_complete(struct pool *p, struct pool_job *job)
{
	pthread_mutex_lock(&p->lock);
	complete_locked(p, job);
	if (--p->nstreams == 0)
		pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->lock);
}

void
pool_cancel(struct pool_job *job)
{
	berth_cancel_trigger(job->cancel);
}

static void
expire_queue(struct jobq *q, double now)
{
	for (struct pool_job *j = q->head; j; j = j->next)
		if (j->deadline > 0 && j->deadline < now)
			berth_cancel_trigger(j->cancel);
}

void
pool_expire(struct pool *p, double now)
{
	pthread_mutex_lock(&p->lock);
	expire_queue(&p->fast, now);
	expire_queue(&p->bulk, now);
	for (size_t i = 0; i < p->nrunning; i++) {
		struct pool_job *j = p->running[i];
		if (j->deadline > 0 && j->deadline < now)
			berth_cancel_trigger(j->cancel);
	}
	pthread_mutex_unlock(&p->lock);
}

int
pool_wakeup_fd(const struct pool *p)
{
	return p->wake[0];
}

size_t
pool_drain(struct pool *p)
{
	char sink[64];
	while (read(p->wake[0], sink, sizeof sink) > 0)
		;
	pthread_mutex_lock(&p->lock);
	struct pool_job *list = p->done.head;
	p->done.head = p->done.tail = NULL;
	for (struct pool_job *j = list; j; j = j->next)
		if (j->run && j->klass != POOL_STREAM)
			p->pending--;
	pthread_mutex_unlock(&p->lock);
	size_t n = 0;
	while (list) {
		struct pool_job *j = list;
		list = j->next;
		/* Only now may a worker queue j again (pool_notify). */
		pthread_mutex_lock(&p->lock);
		j->queued_done = false;
		j->next = NULL;
		pthread_mutex_unlock(&p->lock);
		/* A notify-only job owns no cancel flag; a finished job's is ours. */
		berth_cancel *c = j->run ? j->cancel : NULL;
		j->done(j);
		berth_cancel_free(c);
		n++;
	}
	return n;
}

size_t
pool_pending(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	size_t n = p->pending;
	pthread_mutex_unlock(&p->lock);
	return n;
}
