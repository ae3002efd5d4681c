/* test_pool.c: the worker pool's queue, classes, cancellation, completion
 * order and wakeup pipe. Also run under ThreadSanitizer (configure --enable-tsan). */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"
#include "tap.h"
#include "util.h"

static pthread_t ui_thread;
static atomic_int running_now, running_max, ran;

struct tjob {
	struct pool_job job;
	int id;
	bool block;		/* run() waits until released or cancelled */
	bool ran;
	bool done_on_ui;
	bool sigwinch_blocked;
	int *order;		/* done() appends id here */
	int *norder;
};

static atomic_bool release;

static void
tjob_run(struct pool_job *j)
{
	struct tjob *t = (struct tjob *)j;
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	t->sigwinch_blocked = sigismember(&cur, SIGWINCH);
	bool bulk = j->klass == POOL_BULK;
	if (bulk) {
		int now = atomic_fetch_add(&running_now, 1) + 1;
		int max = atomic_load(&running_max);
		while (now > max && !atomic_compare_exchange_weak(&running_max, &max, now))
			;
	}
	while (t->block && !atomic_load(&release) && !berth_cancel_is_set(j->cancel))
		usleep(1000);
	if (bulk)
		atomic_fetch_sub(&running_now, 1);
	atomic_fetch_add(&ran, 1);
	t->ran = true;
}

static void
tjob_done(struct pool_job *j)
{
	struct tjob *t = (struct tjob *)j;
	t->done_on_ui = pthread_equal(pthread_self(), ui_thread);
	if (t->order)
		t->order[(*t->norder)++] = t->id;
}

static struct tjob *
tjob_new(int id, enum pool_class k, bool block)
{
	struct tjob *t = xcalloc(1, sizeof *t);
	t->job.run = tjob_run;
	t->job.done = tjob_done;
	t->job.klass = k;
	t->id = id;
	t->block = block;
	return t;
}

/* Drain until every job in v has had its done() (a 10 s deadline). */
static bool
drain_until(struct pool *p, size_t *ndone, size_t want)
{
	double end = now_monotonic() + 10;
	while (*ndone < want && now_monotonic() < end) {
		struct pollfd pfd = { .fd = pool_wakeup_fd(p), .events = POLLIN };
		poll(&pfd, 1, 100);
		*ndone += pool_drain(p);
	}
	return *ndone >= want;
}

static void
test_fast_jobs(void)
{
	struct berth_error err;
	struct pool *p = pool_new(3, &err);
	ok(p != NULL, "pool_new starts 3 workers");
	enum { N = 200 };
	struct tjob *v[N];
	atomic_store(&ran, 0);
	for (int i = 0; i < N; i++) {
		v[i] = tjob_new(i, POOL_FAST, false);
		pool_submit(p, &v[i]->job, &err);
	}
	size_t ndone = 0;
	ok(drain_until(p, &ndone, N), "all %d fast jobs complete", N);
	is_int(atomic_load(&ran), N, "every run() ran once");
	bool ui = true, masked = true;
	for (int i = 0; i < N; i++) {
		ui &= v[i]->done_on_ui;
		masked &= v[i]->sigwinch_blocked;
		free(v[i]);
	}
	ok(ui, "every done() ran on the draining thread");
	ok(masked, "workers block SIGWINCH");
	is_int(pool_pending(p), 0, "nothing pending afterwards");
	struct pollfd pfd = { .fd = pool_wakeup_fd(p), .events = POLLIN };
	is_int(poll(&pfd, 1, 0), 0, "wakeup fd is quiet when nothing is waiting");
	pool_free(p);
}

static void
test_bulk_limit(void)
{
	struct berth_error err;
	struct pool *p = pool_new(3, &err);
	enum { N = 6 };
	struct tjob *v[N + 1];
	atomic_store(&running_max, 0);
	atomic_store(&release, false);
	for (int i = 0; i < N; i++) {
		v[i] = tjob_new(i, POOL_BULK, true);
		pool_submit(p, &v[i]->job, &err);
	}
	double end = now_monotonic() + 10;
	while (atomic_load(&running_now) < 2 && now_monotonic() < end)
		usleep(1000);
	v[N] = tjob_new(N, POOL_FAST, false);
	pool_submit(p, &v[N]->job, &err);
	size_t ndone = 0;
	ok(drain_until(p, &ndone, 1) && v[N]->ran,
	   "a fast job completes while bulk jobs hold the other workers");
	ok(atomic_load(&running_max) == 2, "at most nworkers-1 bulk jobs run at once (saw %d)",
	   atomic_load(&running_max));
	is_int(pool_pending(p), N, "the blocked bulk jobs are pending");
	atomic_store(&release, true);
	ok(drain_until(p, &ndone, N + 1), "the bulk jobs complete once released");
	for (int i = 0; i <= N; i++)
		free(v[i]);
	pool_free(p);
}

static void
test_cancel_and_order(void)
{
	struct berth_error err;
	struct pool *p = pool_new(1, &err);
	int order[8], norder = 0;
	atomic_store(&release, false);
	struct tjob *a = tjob_new(1, POOL_FAST, true);	/* holds the only worker */
	struct tjob *b = tjob_new(2, POOL_FAST, false);
	struct tjob *c = tjob_new(3, POOL_FAST, false);
	struct tjob *all[] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		all[i]->order = order;
		all[i]->norder = &norder;
		pool_submit(p, &all[i]->job, &err);
	}
	pool_cancel(&b->job);
	a->job.deadline = now_monotonic() - 1;
	pool_expire(p, now_monotonic());
	size_t ndone = 0;
	ok(drain_until(p, &ndone, 3), "the expired and the cancelled jobs complete");
	ok(!b->ran, "a job cancelled while queued skips run()");
	ok(c->ran, "the job behind it runs");
	ok(norder == 3 && order[0] == 1 && order[1] == 2 && order[2] == 3,
	   "done() calls come in completion order");
	for (int i = 0; i < 3; i++)
		free(all[i]);
	pool_free(p);
}

struct feeder {
	struct pool_job job;	/* the stream */
	struct pool_job note;	/* notify-only */
	struct pool *p;
	atomic_int produced;
	int seen_notes;
	int consumed_at_end;
	bool notes_after_done;
	bool done;
};

static void
feeder_run(struct pool_job *j)
{
	struct feeder *f = (struct feeder *)j;
	for (int i = 0; i < 5000; i++) {
		atomic_fetch_add(&f->produced, 1);
		pool_notify(f->p, &f->note);
	}
}

static void
feeder_note(struct pool_job *j)
{
	struct feeder *f = (struct feeder *)((char *)j - offsetof(struct feeder, note));
	f->seen_notes++;
	if (f->done)
		f->notes_after_done = true;
}

static void
feeder_done(struct pool_job *j)
{
	struct feeder *f = (struct feeder *)j;
	f->done = true;
	f->consumed_at_end = atomic_load(&f->produced);
}

static void
test_stream_notify(void)
{
	struct berth_error err;
	struct pool *p = pool_new(1, &err);
	atomic_store(&release, false);
	struct tjob *hog = tjob_new(9, POOL_FAST, true);
	pool_submit(p, &hog->job, &err);
	struct feeder *f = xcalloc(1, sizeof *f);
	f->p = p;
	f->job.run = feeder_run;
	f->job.done = feeder_done;
	f->job.klass = POOL_STREAM;
	f->note.done = feeder_note;
	pool_submit(p, &f->job, &err);
	double end = now_monotonic() + 10;
	while (!f->done && now_monotonic() < end) {
		struct pollfd pfd = { .fd = pool_wakeup_fd(p), .events = POLLIN };
		poll(&pfd, 1, 100);
		pool_drain(p);
	}
	ok(f->done, "a stream job runs while every fixed worker is busy");
	ok(f->seen_notes >= 1 && f->seen_notes <= 5000,
	   "notifications coalesce (%d done() calls for 5000 notifies)", f->seen_notes);
	ok(!f->notes_after_done, "no notification arrives after the stream's own done()");
	is_int(f->consumed_at_end, 5000, "everything produced was visible at done()");
	atomic_store(&release, true);
	size_t ndone = 0;
	drain_until(p, &ndone, 1);
	free(hog);
	free(f);
	pool_free(p);
}

static void
test_free_cancels(void)
{
	struct berth_error err;
	struct pool *p = pool_new(2, &err);
	atomic_store(&release, false);
	struct tjob *s = tjob_new(1, POOL_STREAM, true);
	struct tjob *q = tjob_new(2, POOL_FAST, true);
	pool_submit(p, &s->job, &err);
	pool_submit(p, &q->job, &err);
	double t0 = now_monotonic();
	pool_free(p);
	ok(now_monotonic() - t0 < 5, "pool_free cancels blocked jobs and returns");
	ok(s->done_on_ui && q->done_on_ui, "pool_free runs the last done() calls");
	free(s);
	free(q);
}

int
main(void)
{
	ui_thread = pthread_self();
	test_fast_jobs();
	test_bulk_limit();
	test_cancel_and_order();
	test_stream_notify();
	test_free_cancels();
	return tap_done();
}
