/* test_feed.c: the dashboard's feed (ui/dash-feed.c) without an engine or a
 * screen. A scripted engine answers its lists, streams its events, samples
 * and logs (struct feed_ops), the clock is a variable the tests move, and the
 * worker pool is the real one. Each rule of the feed is a test: an event
 * changes a row in place, a list answered before an event does not undo it,
 * a stream that ends drops the events it kept, a new container asks for a
 * list at most once a second, the back-off grows and resets, the stall
 * deadline, the state published to the views, stats sampling, the log follow
 * restarting. */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "tap.h"
#include "util.h"

#define HANG_S 10.0	/* a generous bound on waiting for the workers */

/* ---------------------------------------------------------------- the clock */

static double clock_now = 1000.0;

static double
fake_now(void)
{
	return clock_now;
}

/* ---------------------------------------------------------------- the engine */

#define MAXC 16
#define MAXQ 64

struct truth {
	char id[32], name[32];
	enum berth_status status;
	int exit_code;
	int restarts;		/* what an inspect says */
	bool oom;
};

struct qev {
	char action[32], id[32];
	int exit_code;
	time_t time;
};

/* What the scripted engine has and does; under lock, workers and the test. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct truth c[MAXC];
	size_t n;
	bool hold_lists;	/* lists wait, with the truth of when they were asked */
	bool frozen;		/* lists and probes wait (a SIGSTOPped engine) */
	int list_fails;		/* an error code for the lists, or 0 */
	int nlists;
	struct qev q[MAXQ];
	size_t nq;
	bool end_stream;	/* the events stream ends (as when the engine restarts) */
	time_t event_time;	/* the engine's clock for events, a second each */
	time_t since;		/* what the last stream asked for */
	bool stream_up;
	int nstreams;
	int nstats;
	int ninspects;
	int npings;
	int nlogs;
	bool end_logs;
	time_t log_since;
	long log_tail;
} eng;

static void
engine_set(const char *id, enum berth_status st, int exit_code)
{
	pthread_mutex_lock(&lock);
	size_t i = 0;
	while (i < eng.n && strcmp(eng.c[i].id, id) != 0)
		i++;
	if (i == eng.n && eng.n < MAXC) {
		eng.n++;
		snprintf(eng.c[i].id, sizeof eng.c[i].id, "%s", id);
		snprintf(eng.c[i].name, sizeof eng.c[i].name, "name-%s", id);
	}
	eng.c[i].status = st;
	eng.c[i].exit_code = exit_code;
	pthread_mutex_unlock(&lock);
}

/* An event on the stream (the engine's truth is set apart, as events and
 * lists may disagree for a while). */
static void
engine_event(const char *action, const char *id, int exit_code)
{
	pthread_mutex_lock(&lock);
	struct qev *e = &eng.q[eng.nq++];
	snprintf(e->action, sizeof e->action, "%s", action);
	snprintf(e->id, sizeof e->id, "%s", id);
	e->exit_code = exit_code;
	e->time = ++eng.event_time;
	pthread_mutex_unlock(&lock);
}

#define ENG(field) (pthread_mutex_lock(&lock), eng_val_ = (long)(eng.field), \
		    pthread_mutex_unlock(&lock), eng_val_)
static long eng_val_;

static void
engine_set_flag(bool *flag, bool v)
{
	pthread_mutex_lock(&lock);
	*flag = v;
	pthread_mutex_unlock(&lock);
}

static void
nap(void)
{
	pthread_mutex_unlock(&lock);
	usleep(2000);
	pthread_mutex_lock(&lock);
}

static struct berth_container *
ctr_new(const struct truth *t)
{
	struct berth_container *c = xcalloc(1, sizeof *c);
	c->id = xstrdup(t->id);
	c->name = xstrdup(t->name);
	c->status = t->status;
	c->running = t->status == BERTH_ST_RUNNING;
	c->exit_code = t->exit_code;
	c->state_text = xstrdup(c->running ? "Up" : "Exited");
	return c;
}

static int
fake_list(berth_endpoint *ep, bool all, struct berth_container ***out, size_t *n,
	  berth_cancel *cancel, struct berth_error *err)
{
	(void)ep, (void)all;
	pthread_mutex_lock(&lock);
	eng.nlists++;
	struct truth snap[MAXC];
	size_t ns = eng.n;
	memcpy(snap, eng.c, sizeof snap);
	int fails = eng.list_fails;
	while ((eng.hold_lists || eng.frozen) && !berth_cancel_is_set(cancel))
		nap();
	pthread_mutex_unlock(&lock);
	if (berth_cancel_is_set(cancel))
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	if (fails)
		return berth_fail(err, fails, "cannot reach the engine at /x.sock: connection refused");
	*out = xcalloc(ns + 1, sizeof **out);
	for (size_t i = 0; i < ns; i++)
		(*out)[i] = ctr_new(&snap[i]);
	*n = ns;
	return 0;
}

/* The events stream: a thread of the test's own stands for the stream loop. */
struct berth_follow {
	pthread_t thread;
	berth_event_cb cb;	/* an events stream */
	berth_sink sink;	/* a log follow */
	void *sink_ctx;
	berth_follow_end_cb end;
	void *ctx;
	bool closed;		/* under lock */
};

static void *
fake_events_main(void *arg)
{
	struct berth_follow *s = arg;
	pthread_mutex_lock(&lock);
	while (!eng.end_stream && !s->closed) {
		if (!eng.nq) {
			nap();
			continue;
		}
		struct qev e = eng.q[0];
		memmove(eng.q, eng.q + 1, --eng.nq * sizeof *eng.q);
		pthread_mutex_unlock(&lock);
		struct berth_event ev = { .type = "container", .action = e.action, .id = e.id,
					  .exit_code = e.exit_code, .time = e.time };
		s->cb(s->ctx, &ev);
		pthread_mutex_lock(&lock);
	}
	bool closed = s->closed;
	eng.end_stream = false;
	eng.stream_up = false;
	pthread_mutex_unlock(&lock);
	struct berth_error err;
	berth_fail(&err, closed ? BERTH_ECANCELLED : BERTH_ECONNECT, "the events stream ended");
	s->end(s->ctx, -1, &err);
	return NULL;
}

static berth_follow *
fake_events_open(berth_endpoint *ep, time_t since, berth_event_cb cb, berth_follow_end_cb end,
		 void *ctx, struct berth_error *err)
{
	(void)ep, (void)err;
	struct berth_follow *s = xcalloc(1, sizeof *s);
	*s = (struct berth_follow){ .cb = cb, .end = end, .ctx = ctx };
	pthread_mutex_lock(&lock);
	eng.nstreams++;
	eng.since = since;
	eng.stream_up = true;
	pthread_mutex_unlock(&lock);
	pthread_create(&s->thread, NULL, fake_events_main, s);
	return s;
}

static void
fake_events_close(berth_follow *s)
{
	engine_set_flag(&s->closed, true);
	pthread_join(s->thread, NULL);
	free(s);
}

/* Each sample: 10 ms more CPU over 100 ms of the system's, two CPUs. */
static int
fake_stats(berth_endpoint *ep, const char *id, struct berth_stats_sample *out,
	   berth_cancel *cancel, struct berth_error *err)
{
	(void)ep, (void)id;
	pthread_mutex_lock(&lock);
	while (eng.frozen && !berth_cancel_is_set(cancel))
		nap();
	int k = ++eng.nstats;
	pthread_mutex_unlock(&lock);
	if (berth_cancel_is_set(cancel))
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	*out = (struct berth_stats_sample){ .cpu_total_ns = (uint64_t)k * 10000000,
					    .system_ns = (uint64_t)k * 100000000,
					    .online_cpus = 2, .mem_used = 4096, .mem_limit = 8192,
					    .valid = true };
	return 0;
}

/* The restart count and OOM flag of the engine's truth. */
static int
fake_inspect(berth_endpoint *ep, const char *ref, bool refresh, struct berth_container **out,
	     berth_cancel *cancel, struct berth_error *err)
{
	(void)ep, (void)refresh;
	pthread_mutex_lock(&lock);
	while (eng.frozen && !berth_cancel_is_set(cancel))
		nap();
	eng.ninspects++;
	size_t i = 0;
	while (i < eng.n && strcmp(eng.c[i].id, ref) != 0)
		i++;
	struct truth t = i < eng.n ? eng.c[i] : (struct truth){ 0 };
	pthread_mutex_unlock(&lock);
	if (berth_cancel_is_set(cancel))
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	if (!*t.id)
		return berth_fail(err, BERTH_ENOTFOUND, "no such container: %s", ref);
	*out = ctr_new(&t);
	(*out)->restart_count = t.restarts;
	(*out)->oom_killed = t.oom;
	return 0;
}

/* Set what an inspect of id says. */
static void
engine_set_facts(const char *id, int restarts, bool oom)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < eng.n; i++)
		if (strcmp(eng.c[i].id, id) == 0) {
			eng.c[i].restarts = restarts;
			eng.c[i].oom = oom;
		}
	pthread_mutex_unlock(&lock);
}

static void
fake_logs_asked(const struct berth_logs_opts *o)
{
	pthread_mutex_lock(&lock);
	eng.nlogs++;
	eng.log_since = o->since;
	eng.log_tail = o->tail;
	pthread_mutex_unlock(&lock);
}

/* One line, then the stream stays open until ended or cancelled. */
static int
fake_logs(berth_endpoint *ep, const char *id, const struct berth_logs_opts *o, berth_sink sink,
	  void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	(void)ep, (void)id, (void)err;
	fake_logs_asked(o);
	sink(ctx, BERTH_STDOUT, "2026-01-01T00:00:00Z hello\n", 27);
	pthread_mutex_lock(&lock);
	while (!eng.end_logs && !berth_cancel_is_set(cancel))
		nap();
	eng.end_logs = false;
	pthread_mutex_unlock(&lock);
	return 0;
}

/* The same on the stream loop: a thread of the test's own plays the loop. */
static void *
fake_follow_main(void *arg)
{
	struct berth_follow *s = arg;
	s->sink(s->sink_ctx, BERTH_STDOUT, "2026-01-01T00:00:00Z hello\n", 27);
	pthread_mutex_lock(&lock);
	while (!eng.end_logs && !s->closed)
		nap();
	bool closed = s->closed;
	eng.end_logs = false;
	pthread_mutex_unlock(&lock);
	struct berth_error err = { 0 };
	if (closed)
		berth_fail(&err, BERTH_ECANCELLED, "cancelled");
	s->end(s->ctx, closed ? -1 : 0, &err);
	return NULL;
}

static berth_follow *
fake_follow_open(berth_endpoint *ep, const char *ref, const struct berth_logs_opts *o,
		 berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
		 berth_cancel *cancel, struct berth_error *err)
{
	(void)ep, (void)ref, (void)cancel, (void)err;
	fake_logs_asked(o);
	struct berth_follow *s = xcalloc(1, sizeof *s);
	*s = (struct berth_follow){ .sink = sink, .sink_ctx = sink_ctx, .end = end, .ctx = ctx };
	pthread_create(&s->thread, NULL, fake_follow_main, s);
	return s;
}

static void
fake_follow_resume(berth_follow *s)
{
	(void)s;	/* one line never fills the pane's outbuf */
}

static const struct log_follow_ops fake_follow = {
	.open = fake_follow_open, .close = fake_events_close, .resume = fake_follow_resume,
};

static int
fake_ping(berth_endpoint *ep, char **version, berth_cancel *cancel, struct berth_error *err)
{
	(void)ep, (void)version;
	pthread_mutex_lock(&lock);
	eng.npings++;
	while (eng.frozen && !berth_cancel_is_set(cancel))
		nap();
	/* An engine refusing connections refuses probes; one failing lists with
	 * its own error answers them. */
	int fails = eng.list_fails == BERTH_ECONNECT ? BERTH_ECONNECT : 0;
	pthread_mutex_unlock(&lock);
	if (berth_cancel_is_set(cancel))
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	if (fails)
		return berth_fail(err, fails, "cannot reach the engine at /x.sock: connection refused");
	return 0;
}

static enum berth_kind
fake_kind(const berth_endpoint *ep)
{
	(void)ep;
	return BERTH_KIND_DOCKER;
}

static const struct feed_ops fake_ops = {
	.now = fake_now, .kind = fake_kind, .list = fake_list, .events_open = fake_events_open,
	.events_close = fake_events_close,
	.stats = fake_stats, .logs = fake_logs, .follow = &fake_follow, .ping = fake_ping,
	.inspect = fake_inspect,
};

/* ---------------------------------------------------------------- the host */

static struct feed f;
static struct dash_ep ep0;
static struct logpane logs;
static struct pool *pool;
static int nrebuilds;
static long nchanged;	/* host_changed calls: redraws asked */
static char selected_id[32];	/* the selected row, or "" */
static char message[600];

static void
host_changed(void *ctx, bool rows)
{
	(void)ctx;
	nrebuilds += rows;
	nchanged++;
}

/* Every row is on screen, in the list's order. */
static bool
host_shown_row(void *ctx, size_t i, struct feed_row *out)
{
	(void)ctx;
	if (i >= ep0.nctrs)
		return false;
	*out = (struct feed_row){ .e = &ep0, .c = ep0.ctrs[i],
				  .st = feed_stats_find(&ep0, ep0.ctrs[i]->id) };
	return true;
}

static bool marked_all;	/* every row is marked */

static size_t
host_marked_rows(void *ctx, struct feed_row *out, size_t max)
{
	size_t n = 0;
	while (marked_all && n < max && host_shown_row(ctx, n, &out[n]))
		n++;
	return n;
}

static bool
host_selected_row(void *ctx, struct feed_row *out)
{
	for (size_t i = 0; *selected_id && host_shown_row(ctx, i, out); i++)
		if (strcmp(out->c->id, selected_id) == 0)
			return true;
	return false;
}

static void
host_message(void *ctx, const char *sentence)
{
	(void)ctx;
	snprintf(message, sizeof message, "%s", sentence);
}

static void
drain_once(void)
{
	struct pollfd pfd = { .fd = pool_wakeup_fd(pool), .events = POLLIN };
	poll(&pfd, 1, 5);
	pool_drain(pool);
}

/* Run the workers' done() calls until cond holds (or HANG_S passes). */
#define UNTIL(cond) \
	for (double give_up_ = now_monotonic() + HANG_S; !(cond) && now_monotonic() < give_up_;) \
		drain_once()

static void
setup(void)
{
	struct berth_error err;
	memset(&eng, 0, sizeof eng);
	memset(&ep0, 0, sizeof ep0);
	clock_now = 1000.0;
	nrebuilds = 0;
	selected_id[0] = message[0] = '\0';
	marked_all = false;
	if (berth_endpoint_open("unix:///nonexistent/feed-test.sock", NULL, &ep0.ep, &err) < 0) {
		printf("Bail out! %s\n", err.message);
		exit(1);
	}
	ep0.name = xstrdup("unix:///nonexistent/feed-test.sock");
	pool = pool_new(2, &err);
	logpane_init(&logs, 100, true);
	f = (struct feed){ .ops = &fake_ops, .pool = pool, .eps = &ep0, .neps = 1,
			   .refresh_s = 2, .zun_refresh_s = 5, .logs = &logs,
			   .host = { .changed = host_changed, .shown_row = host_shown_row,
				     .selected_row = host_selected_row, .message = host_message,
				     .marked_rows = host_marked_rows } };
	feed_start(&f);
}

static void
teardown(void)
{
	feed_shutdown(&f);
	pool_free(pool);
	feed_events_free(&f);
	feed_free_endpoint(&ep0);
	logpane_done(&logs);
}

/* Tick at the fake clock's time and wait for the list, probe and samples it starts. */
static void
tick_list(void)
{
	feed_tick(&f, clock_now);
	UNTIL(!ep0.list_job && !ep0.ping_job && !ep0.nstats_inflight);
}

/* The next periodic list, the clock moved to it. */
static void
next_list(void)
{
	if (ep0.next_list > clock_now)
		clock_now = ep0.next_list;
	tick_list();
}

static const struct berth_container *
row(const char *id)
{
	for (size_t i = 0; i < ep0.nctrs; i++)
		if (strcmp(ep0.ctrs[i]->id, id) == 0)
			return ep0.ctrs[i];
	return NULL;
}

static enum berth_status
row_status(const char *id)
{
	const struct berth_container *c = row(id);
	return c ? c->status : BERTH_ST_UNKNOWN;
}

/* Listed once, with its events stream up. */
static void
connect_with_events(void)
{
	tick_list();
	feed_tick(&f, clock_now);
	UNTIL(ENG(stream_up));
}

/* A new feed whose engine runs container a, listed, its stream up. */
static void
setup_connected(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	connect_with_events();
}

/* ---------------------------------------------------------------- the tests */

static void
test_state_published(void)
{
	setup();
	struct feed_ep_state st = feed_ep_state(&ep0, clock_now);
	is_int(st.cls, FEED_CONNECTING, "before any answer the endpoint is connecting");
	is_int(st.last_ok, 0, "... and has never answered");
	engine_set_flag(&eng.hold_lists, true);
	feed_tick(&f, clock_now);
	clock_now += 2;
	st = feed_ep_state(&ep0, clock_now);
	is_int(st.cls, FEED_SLOW, "a list unanswered for 2 s: slow");
	is_int(st.since, 1000, "... since the list was asked");
	clock_now += 3;
	st = feed_ep_state(&ep0, clock_now);
	is_int(st.cls, FEED_STALLED, "unanswered for 5 s: stalled");
	engine_set_flag(&eng.hold_lists, false);
	UNTIL(!ep0.list_job);
	st = feed_ep_state(&ep0, clock_now);
	is_int(st.cls, FEED_UP, "answered: up");
	is_int(st.last_ok, clock_now, "... it answered now");
	ok(!st.polling, "... with events to come, not polling");
	ep0.no_events = true;
	ok(feed_ep_state(&ep0, clock_now).polling, "without an events stream it is polled");
	teardown();
}

static void
test_event_in_place(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	engine_set("b", BERTH_ST_RUNNING, 0);
	connect_with_events();
	double next = ep0.next_list;
	engine_set("a", BERTH_ST_PAUSED, 0);
	engine_event("pause", "a", -1);
	UNTIL(row_status("a") == BERTH_ST_PAUSED);
	ok(row_status("a") == BERTH_ST_PAUSED && ep0.next_list == next,
	   "a pause event changes a's row and asks for no list");
	const struct berth_container *before = ep0.ctrs[1];
	ok(row_status("b") == BERTH_ST_RUNNING, "the list shows b running");
	engine_set("b", BERTH_ST_EXITED, 3);
	engine_event("die", "b", 3);
	UNTIL(row_status("b") == BERTH_ST_EXITED);
	is_int(row_status("b"), BERTH_ST_EXITED, "a die event changes b's row");
	is_int(row("b")->exit_code, 3, "... with its exit code");
	is_str(row("b")->state_text, "Exited (3)", "... and its status text");
	ok(ep0.ctrs[1] != before && strcmp(ep0.ctrs[1]->id, "b") == 0,
	   "... in place: a new snapshot at the same position");
	is_int(ep0.nctrs, 2, "... the other rows stay");
	ok(ep0.next_list <= ep0.list_started + 1.0,
	   "... and asks for a list a second after the last (only a list says whether it restarts)");
	engine_event("destroy", "a", -1);
	UNTIL(!row("a"));
	ok(!row("a") && ep0.nctrs == 1, "a destroy event removes the row");
	teardown();
}

static void
test_list_after_event(void)
{
	setup_connected();
	/* A list answered before the container died, received after the event. */
	engine_set_flag(&eng.hold_lists, true);
	feed_relist_all(&f);
	clock_now += 1;
	feed_tick(&f, clock_now);
	UNTIL(ENG(nlists) == 2);
	engine_set("a", BERTH_ST_EXITED, 137);
	engine_event("die", "a", 137);
	UNTIL(row_status("a") == BERTH_ST_EXITED);
	engine_set_flag(&eng.hold_lists, false);
	UNTIL(!ep0.list_job);
	is_int(ENG(nlists), 2, "a list was answered after the event");
	is_int(row_status("a"), BERTH_ST_EXITED, "the older list does not bring the row back to running");
	is_int(row("a")->exit_code, 137, "... its exit code stays");
	teardown();
}

/* A list that says what the rows say already leaves them (and the table) as
 * they are; one that differs replaces them. */
static void
test_unchanged_list_kept(void)
{
	setup_connected();
	const struct berth_container *before = row("a");
	int rebuilds = nrebuilds;
	feed_relist_all(&f);
	clock_now += 2;
	tick_list();
	is_int(nrebuilds, rebuilds, "an unchanged list rebuilds nothing");
	ok(row("a") == before, "... and the rows stay the same objects");
	engine_set("a", BERTH_ST_EXITED, 2);
	feed_relist_all(&f);
	clock_now += 2;
	tick_list();
	is_int(nrebuilds, rebuilds + 1, "a changed list rebuilds the rows once");
	is_int(row_status("a"), BERTH_ST_EXITED, "... with what it says");
	teardown();
}

static void
test_stream_end_drops_kept(void)
{
	setup_connected();
	engine_event("die", "a", 1);
	UNTIL(row_status("a") == BERTH_ST_EXITED);
	/* The container runs again (its restart policy), unseen by the stream,
	 * which then ends, as when the engine restarts. */
	engine_set("a", BERTH_ST_RUNNING, 0);
	long lists = ENG(nlists);
	engine_set_flag(&eng.end_stream, true);
	UNTIL(!ep0.events);
	ok(!ep0.events, "the stream ended");
	clock_now += 1;
	tick_list();
	ok(ENG(nlists) > lists, "a list follows the end of the stream");
	is_int(row_status("a"), BERTH_ST_RUNNING,
	       "the list's running row stands: the ended stream's die is not replayed");
	teardown();
}

static void
test_new_container_list_gap(void)
{
	setup_connected();
	/* The catch-up list after the stream started. */
	clock_now += 2;
	tick_list();
	double listed_at = clock_now;
	long lists = ENG(nlists);
	engine_set("n1", BERTH_ST_CREATED, 0);
	engine_event("create", "n1", -1);
	UNTIL(ep0.next_list <= listed_at + 1.0);
	clock_now += 0.3;
	feed_tick(&f, clock_now);
	ok(!ep0.list_job && ENG(nlists) == lists, "a new container 0.3 s after a list: no list yet");
	clock_now = listed_at + 1.0;
	tick_list();
	is_int(ENG(nlists), lists + 1, "one list a second after the last one");
	ok(row("n1") != NULL, "... which shows the new container");
	/* A burst while a list is in flight costs one more list, a second on. */
	engine_set_flag(&eng.hold_lists, true);
	feed_relist_all(&f);
	clock_now += 1.0;
	double started = clock_now;
	feed_tick(&f, clock_now);
	UNTIL(ENG(nlists) == lists + 2);
	for (int i = 0; i < 5; i++) {
		char id[8];
		snprintf(id, sizeof id, "m%d", i);
		engine_set(id, BERTH_ST_CREATED, 0);
		engine_event("create", id, -1);
	}
	UNTIL(ep0.relist);
	engine_set_flag(&eng.hold_lists, false);
	UNTIL(!ep0.list_job);
	ok(ep0.next_list <= started + 1.0 + 1e-9 && ep0.next_list >= started + 1.0 - 1e-9,
	   "five creations during a list: the next list a second after it started");
	clock_now = started + 1.0;
	tick_list();
	is_int(ENG(nlists), lists + 3, "... one list for the five");
	ok(row("m4") != NULL, "... which shows them");
	teardown();
}

/* A back-off of got seconds is want's, give or take 20 %. */
static bool
within_jitter(double got, double want)
{
	return got >= want * 0.8 - 1e-9 && got <= want * 1.2 + 1e-9;
}

static void
test_backoff(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	ep0.no_stats = true;	/* a sample answered would end the silence */
	pthread_mutex_lock(&lock);
	eng.list_fails = BERTH_ECONNECT;
	pthread_mutex_unlock(&lock);
	static const double want[] = { 1, 2, 4, 8, 10, 10 };
	bool grows = true, apart = false;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		tick_list();
		grows &= within_jitter(ep0.next_list - clock_now, want[i]);
		apart |= ep0.next_list - clock_now != want[i];
		if (!grows)
			printf("# try %zu: next in %.2f s, want %.1f s ±20 %%\n", i + 1,
			       ep0.next_list - clock_now, want[i]);
		clock_now = ep0.next_list;
	}
	ok(grows, "a refused list is retried after 1, 2, 4, 8, 10, 10 s, each ±20 %");
	ok(apart, "... jittered: endpoints that dropped together do not come back in step");
	struct feed_ep_state st = feed_ep_state(&ep0, clock_now - 3);
	is_int(st.cls, FEED_DOWN, "the endpoint is down");
	is_str(st.reason, "cannot reach the engine at /x.sock: connection refused",
	       "... with the engine's sentence");
	is_int(st.since, 1000, "... since the first failure");
	is_int(st.next_retry, clock_now, "... and the time of the next try");
	pthread_mutex_lock(&lock);
	eng.list_fails = 0;
	pthread_mutex_unlock(&lock);
	tick_list();
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_UP, "a list that succeeds: up");
	is_int(ep0.backoff, 0, "... and the back-off resets");
	is_int(ep0.next_list, clock_now + f.refresh_s, "... the next list at the refresh interval");
	pthread_mutex_lock(&lock);
	eng.list_fails = BERTH_ECONNECT;
	pthread_mutex_unlock(&lock);
	clock_now = ep0.next_list;
	tick_list();
	ok(within_jitter(ep0.next_list - clock_now, 1), "failing again starts from 1 s ±20 %");
	teardown();
}

static void
test_engine_error_backoff(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	pthread_mutex_lock(&lock);
	eng.list_fails = BERTH_EENGINE;
	pthread_mutex_unlock(&lock);
	tick_list();
	clock_now = ep0.next_list;
	tick_list();
	double next = ep0.next_list;
	clock_now += 1.5;
	tick_list();
	is_int(ENG(npings), 1, "an engine whose lists fail with its own error is probed");
	is_int(ep0.next_list, next, "... its probe answers, and the lists keep their back-off");
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_DOWN, "... it is down, in its own words");
	teardown();
}

static void
test_stall_deadline(void)
{
	setup();
	engine_set_flag(&eng.hold_lists, true);
	feed_tick(&f, clock_now);
	UNTIL(ENG(nlists) == 1);
	clock_now += 7.9;
	feed_tick(&f, clock_now);
	ok(ep0.list_job != NULL, "a list unanswered for 7.9 s is still waited for");
	clock_now += 0.2;
	feed_tick(&f, clock_now);
	UNTIL(!ep0.list_job);
	struct feed_ep_state st = feed_ep_state(&ep0, clock_now);
	is_int(st.cls, FEED_STALLED, "after 8 s it is cancelled: stalled, not down");
	is_int(st.since, 1000, "... unanswered since the list was asked");
	is_str(st.reason, "", "... no engine sentence");
	ok(within_jitter(st.next_retry - clock_now, 1), "... retried after a second, ±20 %");
	teardown();
}

/* Tick until the engine has been asked for its nth list. */
static void
until_list_asked(int nth)
{
	for (double give_up = now_monotonic() + HANG_S; ENG(nlists) < nth && now_monotonic() < give_up;) {
		feed_tick(&f, clock_now);
		drain_once();
	}
}

/* The nth list asked at the clock's time, the clock moved on by `waited`:
 * true when the list is still in flight then (after a while for the workers
 * to end it, had the tick cancelled it). */
static bool
list_still_waited(int nth, double waited)
{
	until_list_asked(nth);
	clock_now += waited;
	feed_tick(&f, clock_now);
	for (int i = 0; i < 50; i++)
		drain_once();
	return ep0.list_job != NULL;
}

/* The list in flight given up: the clock moved past its deadline. */
static void
list_given_up(double more)
{
	clock_now += more;
	feed_tick(&f, clock_now);
	UNTIL(!ep0.list_job);
	clock_now = ep0.next_list;
}

static void
test_slow_engine_listed(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	engine_set_flag(&eng.hold_lists, true);
	until_list_asked(1);
	list_given_up(8.1);
	ok(list_still_waited(2, 15.9), "after a stalled list, the next one is waited for twice as long");
	list_given_up(0.2);
	ok(list_still_waited(3, 30), "... and the one after that, twice as long again");
	engine_set_flag(&eng.hold_lists, false);
	UNTIL(!ep0.list_job);
	ok(row("a") != NULL, "a slow engine's list gets through: its rows show");
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_UP, "... and it is up");
	is_int(ep0.list_stalls, 0, "... the next list has the first deadline again");
	teardown();
}

static void
test_stats(void)
{
	setup();
	engine_set("r1", BERTH_ST_RUNNING, 0);
	engine_set("r2", BERTH_ST_RUNNING, 0);
	engine_set("x", BERTH_ST_EXITED, 0);
	ep0.no_events = true;
	tick_list();
	clock_now += f.refresh_s;
	feed_tick(&f, clock_now);
	UNTIL(ENG(nstats) == 2 && ep0.nstats_inflight == 0);
	is_int(ENG(nstats), 2, "the two running rows on screen are sampled, not the exited one");
	struct dash_stats *st = feed_stats_find(&ep0, "r1");
	ok(st && st->have_mem && st->mem == 4096 && st->mem_limit == 8192, "a sample gives the memory");
	ok(st && st->cpu < 0, "... but no CPU%% from one sample");
	clock_now += 1;
	feed_tick(&f, clock_now);
	ok(ep0.nstats_inflight == 0 && ENG(nstats) == 2, "no new sample before the refresh interval");
	clock_now += 1;
	feed_tick(&f, clock_now);
	UNTIL(ENG(nstats) == 4 && ep0.nstats_inflight == 0);
	st = feed_stats_find(&ep0, "r1");
	ok(st && st->cpu > 19.9 && st->cpu < 20.1, "the second sample gives CPU%% from the first (%.1f)",
	   st ? st->cpu : -1);
	teardown();
}

/* The restart count and OOM flag: one inspect per row on screen, again after
 * a start or die event of it, none otherwise. */
static void
test_trouble_facts(void)
{
	setup_connected();
	engine_set("k", BERTH_ST_EXITED, 137);
	engine_set_facts("k", 0, true);
	engine_set_facts("a", 2, false);
	clock_now = ep0.next_list;
	tick_list();
	clock_now = f.next_stats;
	tick_list();
	UNTIL(ENG(ninspects) == 2 && !ep0.nstats_inflight);
	struct dash_stats *a = feed_stats_find(&ep0, "a"), *k = feed_stats_find(&ep0, "k");
	ok(a && a->facts_known && a->restarts == 2 && !a->oom, "a row's restart count comes from an inspect");
	ok(k && k->facts_known && k->oom, "an OOM-killed row is flagged");
	clock_now = f.next_stats;
	tick_list();
	is_int(ENG(ninspects), 2, "no inspect again without an event");
	engine_set_facts("a", 3, false);
	engine_event("die", "a", 1);
	engine_event("start", "a", -1);
	UNTIL(!ENG(nq));
	drain_once();
	clock_now = f.next_stats;
	tick_list();
	UNTIL(ENG(ninspects) == 3 && !ep0.nstats_inflight);
	a = feed_stats_find(&ep0, "a");
	ok(a && a->restarts == 3, "after its start event, the row's restart count is asked again (%d)",
	   a ? a->restarts : -1);
	is_int(ENG(ninspects), 3, "... once for the die and start that came together");
	teardown();
}

/* The events view's source: every container event but the noise, newest first. */
static void
test_events_kept(void)
{
	setup_connected();
	engine_event("exec_start: sh", "a", -1);
	engine_event("exec", "a", -1);	/* Podman's word */
	engine_event("kill", "a", -1);
	engine_event("die", "a", 137);
	UNTIL(!ENG(nq) && f.events_count == 2);
	drain_once();
	is_int((long)f.events_count, 2, "the kill and the die are kept, Docker's and Podman's exec are not");
	const struct feed_event *ev = f.events_count ? feed_event_newest(&f, 0) : NULL;
	ok(ev && strcmp(ev->action, "die") == 0 && ev->exit_code == 137 &&
	   strcmp(ev->endpoint, ep0.name) == 0, "the newest first: the die, its exit code, its endpoint");
	ev = f.events_count == 2 ? feed_event_newest(&f, 1) : NULL;
	ok(ev && strcmp(ev->action, "kill") == 0, "then the kill");
	teardown();
}

/* A running container "a", selected, its log followed and its first line in. */
static void
follow_running(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	ep0.no_events = true;
	tick_list();
	snprintf(selected_id, sizeof selected_id, "a");
	feed_log_follow(&f);
	UNTIL(ENG(nlogs) == 1 && logs.count > 0);
}

static void
test_log_follow(void)
{
	follow_running();
	is_int(ENG(log_tail), 100, "the log follow starts with the last scrollback lines");
	ok(f.log_job != NULL && logs.count > 0, "... and shows them");
	/* The container stops: the stream ends. */
	engine_set_flag(&eng.end_logs, true);
	UNTIL(!f.log_job);
	ok(!f.log_job, "the stream ended with the container");
	engine_set("a", BERTH_ST_EXITED, 0);
	next_list();
	feed_log_follow(&f);
	ok(!f.log_job, "a stopped container's logs are not followed again");
	engine_set("a", BERTH_ST_RUNNING, 0);
	next_list();
	feed_log_follow(&f);
	UNTIL(ENG(nlogs) == 2);
	ok(f.log_job != NULL && ENG(log_since) > 0 && ENG(log_tail) < 0,
	   "once it runs again the follow restarts from now, not from the scrollback");
	selected_id[0] = '\0';
	feed_log_follow(&f);
	ok(!f.log_job && !f.log_id, "no selection: no follow");
	teardown();
}

/* Issue 12, item 5: the log window is the engine's since on a new follow,
 * the pane cleared and refilled from what the engine sends. */
static void
test_log_window(void)
{
	follow_running();
	logpane_add_text(&logs, BERTH_STDOUT, "a line of the old follow");
	size_t before = logs.count;
	f.log_window_s = 600;
	time_t t0 = time(NULL);
	feed_log_refill(&f);
	ok(logs.count == 0, "a new window clears the pane (it had %zu lines)", before);
	UNTIL(ENG(nlogs) == 2 && logs.count > 0);
	time_t t1 = time(NULL);
	long since = (long)ENG(log_since);
	ok(since >= t0 - 600 && since <= t1 - 600,
	   "the follow asks the engine for the lines since 600 s ago (%ld s ago)", (long)t1 - since);
	is_int(ENG(log_tail), 100, "at most the scrollback's lines of them");
	ok(logs.count == 1 && strcmp(logpane_line(&logs, 0), "hello") == 0,
	   "the pane holds what the engine sent, only");
	f.log_window_s = 0;
	feed_log_refill(&f);
	UNTIL(ENG(nlogs) == 3);
	ok(ENG(log_since) == 0 && ENG(log_tail) == 100, "all: the last scrollback lines, no since");
	engine_set_flag(&eng.end_logs, true);
	UNTIL(!f.log_job);
	engine_set("a", BERTH_ST_EXITED, 0);
	next_list();
	feed_log_follow(&f);
	f.log_window_s = 60;
	feed_log_refill(&f);
	UNTIL(ENG(nlogs) == 4);
	ok(ENG(log_since) > 0 && ENG(log_tail) == 100,
	   "a stopped container's log is asked again for the new window");
	teardown();

	/* The marked containers' merged logs take the window too. */
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	engine_set("b", BERTH_ST_RUNNING, 0);
	ep0.no_events = true;
	tick_list();
	marked_all = true;
	f.log_window_s = 3600;
	t0 = time(NULL);
	feed_log_refill(&f);
	UNTIL(ENG(nlogs) == 2);
	t1 = time(NULL);
	since = (long)ENG(log_since);
	long tail = ENG(log_tail);
	ok(f.log_merged == 2 && since >= t0 - 3600 && since <= t1 - 3600 && tail == 51,
	   "merged: each container is asked for its last 50 + 1 lines since an hour ago "
	   "(%ld s ago, tail %ld)", (long)t1 - since, tail);
	teardown();
}

static void
test_frozen_engine(void)
{
	setup();
	engine_set("a", BERTH_ST_RUNNING, 0);
	engine_set("b", BERTH_ST_RUNNING, 0);
	connect_with_events();
	clock_now += 2;
	tick_list();	/* the catch-up list; the next one is 30 s away */
	long pings = ENG(npings);
	clock_now += 1.9;
	feed_tick(&f, clock_now);
	ok(!ep0.ping_job, "no probe within 2 s of the last answer");
	engine_set("a", BERTH_ST_PAUSED, 0);
	engine_event("pause", "a", -1);
	UNTIL(row_status("a") == BERTH_ST_PAUSED);
	double event_at = clock_now;
	clock_now += 1.5;
	feed_tick(&f, clock_now);
	ok(!ep0.ping_job, "an event proves the engine alive: no probe 1.5 s after it");
	clock_now = event_at + 2;
	feed_tick(&f, clock_now);
	ok(ep0.ping_job != NULL, "2 s of silence: a probe");
	/* The samples that tick began too: one answered after the freeze below
	 * would be an answer then, and the probe not yet slow. */
	UNTIL(!ep0.ping_job && !ep0.nstats_inflight);
	is_int(ENG(npings), pings + 1, "... answered");
	is_int(feed_ep_state(&ep0, clock_now).last_ok, clock_now, "... which counts as an answer");

	/* The engine freezes; b exits meanwhile, unseen by the stream. */
	engine_set_flag(&eng.frozen, true);
	engine_set("b", BERTH_ST_EXITED, 2);
	clock_now += 2;
	double asked = clock_now;
	feed_tick(&f, clock_now);
	UNTIL(ENG(npings) == pings + 2);
	clock_now += 1.6;
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_SLOW, "a probe unanswered for 1.6 s: slow");
	clock_now = asked + 2.1;
	feed_tick(&f, clock_now);
	UNTIL(ep0.unanswered);
	struct feed_ep_state st = feed_ep_state(&ep0, clock_now);
	is_int(st.cls, FEED_STALLED, "unanswered for 2 s: not answering");
	is_int(st.since, asked, "... since the probe was sent");
	ok(st.since + 2.1 - st.last_ok <= 5.0, "... said %.1f s after the last answer",
	   clock_now - st.last_ok);
	feed_tick(&f, clock_now);
	ok(ep0.ping_job != NULL, "the next probe goes at once, and waits for the engine");
	feed_relist_all(&f);	/* a list falls due */
	clock_now += 1;
	feed_tick(&f, clock_now);
	ok(!ep0.list_job, "no list is sent to an engine that does not answer");
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_STALLED, "... still not answering");
	f.next_stats = clock_now + 100;

	engine_set_flag(&eng.frozen, false);
	UNTIL(!ep0.unanswered);
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_UP, "the probe answered: up again");
	ok(ep0.next_list <= clock_now && f.next_stats <= clock_now,
	   "... the list and the stats are due at once");
	tick_list();
	is_int(row_status("b"), BERTH_ST_EXITED, "the list brings what changed during the freeze");
	is_int(row("b")->exit_code, 2, "... with its exit code");
	teardown();
}

/* Issue 15, point 3: a fleet's probes, a few hundred a second, do not
 * redraw the frame each; one that changes what the views show does. */
static void
test_quiet_probe(void)
{
	setup_connected();
	clock_now += 2;
	tick_list();
	f.next_stats = clock_now + 100;
	long pings = ENG(npings), changed = nchanged;
	clock_now += 2;
	feed_tick(&f, clock_now);
	ok(ep0.ping_job != NULL, "2 s of silence: a probe");
	UNTIL(!ep0.ping_job);
	is_int(ENG(npings), pings + 1, "... answered");
	is_int(nchanged, changed, "... in time, it asks for no redraw (nothing shown changed)");
	engine_set_flag(&eng.frozen, true);
	clock_now += 2;
	feed_tick(&f, clock_now);
	clock_now += 2.1;
	feed_tick(&f, clock_now);
	UNTIL(ep0.unanswered);
	ok(nchanged > changed, "a probe left unanswered asks for one (not answering)");
	changed = nchanged;
	feed_tick(&f, clock_now);	/* the next probe, waiting for the engine */
	engine_set_flag(&eng.frozen, false);
	UNTIL(!ep0.unanswered);
	ok(nchanged > changed, "... and so does the answer that ends the silence");
	teardown();
}

/* Issue 15, point 3: no list while the events stream is up and quiet, the
 * probes answered; the stream's end has one at once. */
static void
test_no_list_while_events_flow(void)
{
	setup_connected();
	clock_now += 2;
	tick_list();	/* the catch-up list */
	int lists = ENG(nlists), pings = ENG(npings);
	for (int i = 0; i < 60; i++) {	/* two minutes */
		clock_now += 2;
		tick_list();
	}
	ok(ENG(npings) > pings, "two quiet minutes: the engine is probed (%d probes)",
	   ENG(npings) - pings);
	is_int(ENG(nlists), lists, "... and never listed while its events stream is up");
	engine_set_flag(&eng.end_stream, true);
	UNTIL(!ep0.events);
	tick_list();
	is_int(ENG(nlists), lists + 1, "the stream's end has it listed at once");
	teardown();
}

static void
test_probe_refused(void)
{
	setup_connected();
	clock_now += 2;
	tick_list();
	pthread_mutex_lock(&lock);
	eng.list_fails = BERTH_ECONNECT;
	pthread_mutex_unlock(&lock);
	clock_now += 2;
	feed_tick(&f, clock_now);
	ok(ep0.ping_job != NULL, "2 s of silence: a probe");
	/* The samples that tick began too: one answered after the freeze below
	 * would be an answer then, and the probe not yet slow. */
	UNTIL(!ep0.ping_job && !ep0.nstats_inflight);
	tick_list();
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_DOWN,
	       "a refused probe asks for a list, which says the engine is down");
	/* The engine comes back between two tries of the back-off. */
	pthread_mutex_lock(&lock);
	eng.list_fails = 0;
	pthread_mutex_unlock(&lock);
	ep0.backoff = 10;
	ep0.next_list = clock_now + 10;
	clock_now += 2;
	feed_tick(&f, clock_now);
	UNTIL(!ep0.ping_job && ep0.next_list <= clock_now);
	ok(ep0.next_list <= clock_now, "a probe answering a down endpoint lists it at once, not after its back-off");
	tick_list();
	is_int(feed_ep_state(&ep0, clock_now).cls, FEED_UP, "... and it is up");
	teardown();
}

static void
test_restart_policy(void)
{
	setup_connected();
	clock_now += 2;
	tick_list();
	/* a dies; its restart policy restarts it after a delay, meanwhile the
	 * engine lists it as restarting. */
	engine_set("a", BERTH_ST_RESTARTING, 5);
	engine_event("die", "a", 5);
	UNTIL(row_status("a") == BERTH_ST_EXITED);
	is_int(row_status("a"), BERTH_ST_EXITED, "a die shows exited at once");
	clock_now = ep0.next_list;
	tick_list();
	is_int(row_status("a"), BERTH_ST_RESTARTING,
	       "the list the die asked for says restarting, and the kept die does not undo it");
	is_int(row("a")->exit_code, 5, "... with the exit code");
	engine_set("a", BERTH_ST_RUNNING, 0);
	engine_event("start", "a", -1);
	UNTIL(row_status("a") == BERTH_ST_RUNNING);
	engine_set("a", BERTH_ST_RESTARTING, 5);
	engine_event("die", "a", 5);
	UNTIL(row_status("a") == BERTH_ST_EXITED);
	clock_now = ep0.next_list;
	tick_list();
	is_int(row_status("a"), BERTH_ST_RESTARTING,
	       "restarted and dead again: the list's restarting stands (a container's last event counts)");
	engine_event("die", "a", 5);
	UNTIL(!ENG(nq));
	drain_once();
	is_int(row_status("a"), BERTH_ST_RESTARTING, "a die arriving after the list that says restarting changes nothing");
	teardown();
}

static void
test_stale_list_relists(void)
{
	setup_connected();
	clock_now += 2;
	tick_list();
	/* Docker sends "die" before its listing shows it. */
	engine_event("die", "a", 1);
	UNTIL(row_status("a") == BERTH_ST_EXITED);
	clock_now = ep0.next_list;
	tick_list();
	is_int(row_status("a"), BERTH_ST_EXITED, "a list read before the die took effect does not undo it");
	double listed = ep0.list_started;
	ok(ep0.next_list <= listed + 1.0, "... and another list follows a second on");
	clock_now = ep0.next_list;
	tick_list();
	ok(ep0.next_list <= ep0.list_started + 1.0, "while the engine's list disagrees with the event, lists go on");
	engine_set("a", BERTH_ST_EXITED, 1);
	clock_now = ep0.next_list;
	tick_list();
	is_int(row_status("a"), BERTH_ST_EXITED, "the engine's list agrees");
	ok(ep0.next_list >= clock_now + 29, "... and lists are back to their interval");
	teardown();
}

/* A job that keeps a worker busy until workers_held is false. */
static bool workers_held;
static void
hold_worker(struct pool_job *pj)
{
	(void)pj;
	pthread_mutex_lock(&lock);
	while (workers_held)
		nap();
	pthread_mutex_unlock(&lock);
}
static void
held_done(struct pool_job *pj)
{
	(void)pj;
}

/* A list that waits for a worker past its deadline is cancelled before it
 * runs: that is no answer, not an empty list (the rows stay). */
static void
test_list_expired_in_queue(void)
{
	setup_connected();
	struct berth_error err;
	struct pool_job holders[2] = { { .run = hold_worker, .done = held_done, .klass = POOL_FAST },
				       { .run = hold_worker, .done = held_done, .klass = POOL_FAST } };
	engine_set_flag(&workers_held, true);
	for (int i = 0; i < 2; i++)
		pool_submit(pool, &holders[i], &err);
	clock_now = ep0.next_list;
	feed_tick(&f, clock_now);
	ok(ep0.list_job != NULL, "both workers busy: the list waits in the queue");
	clock_now += 9;
	feed_tick(&f, clock_now);	/* its deadline, 8 s, passed: cancelled */
	engine_set_flag(&workers_held, false);
	UNTIL(!ep0.list_job);
	ok(row("a") != NULL, "the list cancelled before it ran does not empty the table");
	ok(feed_ep_state(&ep0, clock_now).cls != FEED_UP || ep0.nctrs == 1,
	   "... nor says the engine up with no container");
	teardown();
}

static void
test_resubscribe_since(void)
{
	setup_connected();
	is_int(ENG(since), 0, "the first stream starts from now");
	engine_event("stop", "a", -1);
	engine_event("die", "a", 0);
	UNTIL(row_status("a") == BERTH_ST_EXITED);
	engine_set_flag(&eng.end_stream, true);
	UNTIL(!ep0.events);
	clock_now += 2 * 1.2;	/* the back-off: 2 s, give or take 20 % */
	feed_tick(&f, clock_now);
	UNTIL(ENG(stream_up));
	is_int(ENG(nstreams), 2, "a stream that ended is started again");
	is_int(ENG(since), 2, "... from the engine's time of the last event seen, so what it lost comes again");
	teardown();
}

int
main(void)
{
	test_state_published();
	test_event_in_place();
	test_list_after_event();
	test_unchanged_list_kept();
	test_quiet_probe();
	test_no_list_while_events_flow();
	test_stream_end_drops_kept();
	test_new_container_list_gap();
	test_backoff();
	test_engine_error_backoff();
	test_stall_deadline();
	test_slow_engine_listed();
	test_stats();
	test_trouble_facts();
	test_events_kept();
	test_log_follow();
	test_log_window();
	test_frozen_engine();
	test_probe_refused();
	test_restart_policy();
	test_stale_list_relists();
	test_resubscribe_since();
	test_list_expired_in_queue();
	return tap_done();
}
