/* streams.c: the stream loop (streams.h). One thread drives one libcurl multi
 * handle through its socket interface (curl_multi_socket_action): libcurl
 * says which sockets to watch (on_socket) and when it next needs the thread
 * (on_timer), and the loop waits in epoll_wait for the sockets that are
 * ready, the earliest of libcurl's timer and the streams' stall deadlines,
 * or a wakeup. Other threads hand it streams to open, resume and close
 * through lists under a lock and wake it through an eventfd in the same
 * epoll set. Each stream is an easy handle set up by http.c's
 * http_xfer_setup, the set-up http_perform uses, and ended through
 * http_xfer_finish, so its failure reads as the same call's would.
 *
 * Each turn: take what other threads handed over, start queued streams while
 * fewer than STREAM_CONNECTS_MAX wait for their reply's headers, wait, let
 * libcurl act on the ready sockets (and its timer), end the finished
 * streams, then visit the streams that moved (http_xfer_watch tells: their
 * bytes to their sinks, their connect slot given back once answered). Only
 * when the earliest stall deadline is due are all running streams judged
 * (deadlines close together in one turn: coalesce_slack). So a turn costs
 * what moved, not what is open: a fleet's idle events streams cost nothing
 * while its probes come and go.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "streams.h"
#include "thread.h"
#include "util.h"

#define IDLE_CONNECTIONS 16	/* connections kept for reuse beyond one per stream run at once */
#define NO_DEADLINE_MS (3600 * 1000)
#define STALL_COALESCE_MAX 1.0	/* seconds */
#define LOOP_STACK_SIZE (512u << 10)
#define EVENTS_PER_WAIT 64
#define SPARE_HANDLES 64	/* easy handles kept for the next streams */

struct stream_list {
	struct berth_follow *head, *tail;
};

struct berth_follow {
	struct stream_loop *loop;
	struct berth_follow *prev, *next;	/* in the loop's opened (under the lock), queued or running list */
	struct stream_list *in;		/* which of them, or NULL */
	struct berth_follow *closed_next;	/* in the loop's closed list, under the lock */
	struct berth_follow *resumed_next;	/* in the loop's resumed list, under the lock */
	struct berth_follow *moved_prev, *moved_next;	/* in the loop's moved list */
	bool moved;			/* in it: moved since the last visit */
	bool resume_asked;		/* in the resumed list (under the lock) */
	struct http_target target;
	struct http_request rq;
	char *path;
	char **headers;
	stream_end_fn end;
	void *ctx;
	CURL *easy;
	struct http_xfer *x;		/* while running */
	struct http_response resp;
	struct berth_error err;
	double last_moved;
	bool connecting;		/* running, its reply's headers not come yet */
	bool ended;			/* end has been called (written under the lock) */
};

struct stream_loop {
	pthread_t thread;
	CURLM *multi;
	int epfd;			/* the sockets libcurl watches, and wakefd */
	int wakefd;			/* an eventfd: other threads wake the loop */
	pthread_mutex_t lock;		/* guards opened, closed, resumed, stopping and streams'
					   ended and resume_asked */
	struct stream_list opened;	/* handed over by stream_open, oldest first */
	struct berth_follow *closed;		/* handed over by stream_close */
	struct berth_follow *resumed;		/* handed over by stream_resume */
	bool stopping;
	/* The loop's thread only. */
	struct stream_list queued, running;
	int nconnecting;
	size_t nrunning, nrunning_peak;
	struct berth_follow *moved;	/* running streams that moved since the last visit */
	CURL *spare[SPARE_HANDLES];	/* easy handles of ended streams, for the next */
	size_t nspare;
	double timer_at;		/* when libcurl wants the thread (on_timer); INFINITY */
	double stall_at;		/* no stall deadline falls before this */
	double now;			/* now_monotonic() as of this turn */
};

static void
list_push(struct stream_list *q, struct berth_follow *s)
{
	s->prev = q->tail;
	s->next = NULL;
	if (q->tail)
		q->tail->next = s;
	else
		q->head = s;
	q->tail = s;
	s->in = q;
}

static void
list_remove(struct berth_follow *s)
{
	struct stream_list *q = s->in;
	if (!q)
		return;
	if (s->prev)
		s->prev->next = s->next;
	else
		q->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		q->tail = s->prev;
	s->prev = s->next = NULL;
	s->in = NULL;
}

/* http.c, at each piece s's transfer receives or sends (the loop's thread,
 * within libcurl): s is visited this turn. */
static void
on_moved(void *ctx)
{
	struct berth_follow *s = ctx;
	struct stream_loop *l = s->loop;
	if (s->moved)
		return;
	s->moved = true;
	s->moved_prev = NULL;
	s->moved_next = l->moved;
	if (l->moved)
		l->moved->moved_prev = s;
	l->moved = s;
}

static void
moved_remove(struct stream_loop *l, struct berth_follow *s)
{
	if (!s->moved)
		return;
	if (s->moved_prev)
		s->moved_prev->moved_next = s->moved_next;
	else
		l->moved = s->moved_next;
	if (s->moved_next)
		s->moved_next->moved_prev = s->moved_prev;
	s->moved = false;
}

static void
loop_wake(struct stream_loop *l)
{
	uint64_t one = 1;
	(void)!write(l->wakefd, &one, sizeof one);
}

/* An ended stream's easy handle is kept for the next one (http_xfer_setup
 * resets it): a fleet's probes, a few hundred a second, do not each set up
 * and free a handle. */
static void
easy_give_back(struct stream_loop *l, CURL *easy)
{
	if (l->nspare < SPARE_HANDLES)
		l->spare[l->nspare++] = easy;
	else
		curl_easy_cleanup(easy);
}

static void
stream_free(struct berth_follow *s)
{
	free(s->path);
	for (size_t i = 0; s->headers && s->headers[i]; i++)
		free(s->headers[i]);
	free(s->headers);
	free(s);
}

/* Stop s's transfer (started or not) and call its end: the last the loop
 * does with s. */
static void
stream_finish(struct stream_loop *l, struct berth_follow *s, enum stream_end why, CURLcode rc)
{
	list_remove(s);
	moved_remove(l, s);
	if (s->x) {
		l->nrunning--;
		curl_multi_remove_handle(l->multi, s->easy);
		if (s->connecting)
			l->nconnecting--;
		if (why == STREAM_STALL || why == STREAM_CLOSED)
			http_xfer_stop(s->x, why == STREAM_STALL);
		if (http_xfer_finish(s->x, rc) < 0 && why == STREAM_EOF)
			why = STREAM_ERROR;
		s->x = NULL;
	} else if (why == STREAM_CLOSED) {
		berth_fail(&s->err, BERTH_ECANCELLED, "cancelled");
	}
	if (s->easy)
		easy_give_back(l, s->easy);
	s->easy = NULL;
	s->end(s->ctx, why, &s->resp, &s->err);
	http_response_done(&s->resp);
	pthread_mutex_lock(&l->lock);
	s->ended = true;
	pthread_mutex_unlock(&l->lock);
}

/* An exchange (a request with a deadline: a liveness probe) is short and
 * bounded by its deadline: it starts at once, not behind the connect queue,
 * which holds the streams that would each keep a connection open. */
static bool
is_exchange(const struct berth_follow *s)
{
	return s->rq.timeout_s > 0;
}

/* libcurl keeps the connections of ended transfers for reuse, up to
 * CURLMOPT_MAXCONNECTS, those in use counted, closing the oldest idle one
 * beyond (after a walk over them all, at each transfer's end): besides one
 * for each stream that ran at once, keep as many idle (so each endpoint's
 * probe finds the connection its last probe left, beside its events
 * stream's), and IDLE_CONNECTIONS more; at most half the descriptors the
 * process may open. */
static void
keep_connections_for(struct stream_loop *l, size_t nrunning)
{
	if (nrunning <= l->nrunning_peak)
		return;
	l->nrunning_peak = nrunning;
	size_t keep = 2 * nrunning + IDLE_CONNECTIONS;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    keep > rl.rlim_cur / 2)
		keep = rl.rlim_cur / 2;
	curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, (long)keep);
}

static void stream_start(struct stream_loop *l, struct berth_follow *s);

/* Let a paused stream's bytes flow again (libcurl hands over what it held). */
static void
stream_unpause(struct berth_follow *s)
{
	if (!s->x || !http_xfer_resume(s->x))
		return;
	curl_easy_pause(s->easy, CURLPAUSE_CONT);
}

/* Take what other threads handed over; whether the loop is to stop. Resumes
 * before closes: a stream resumed and then closed is still there. */
static bool
take_handed(struct stream_loop *l)
{
	pthread_mutex_lock(&l->lock);
	struct berth_follow *opened = l->opened.head, *closed = l->closed, *resumed = l->resumed;
	l->opened.head = l->opened.tail = l->closed = l->resumed = NULL;
	for (struct berth_follow *s = resumed; s; s = s->resumed_next)
		s->resume_asked = false;
	bool stopping = l->stopping;
	pthread_mutex_unlock(&l->lock);
	for (struct berth_follow *s = opened, *next; s; s = next) {
		next = s->next;
		s->in = NULL;	/* off the opened list, which the lock guards */
		if (is_exchange(s))
			stream_start(l, s);
		else
			list_push(&l->queued, s);
	}
	for (struct berth_follow *s = resumed; s; s = s->resumed_next)
		stream_unpause(s);
	for (struct berth_follow *s = closed, *next; s; s = next) {
		next = s->closed_next;
		if (!s->ended)
			stream_finish(l, s, STREAM_CLOSED, CURLE_OK);
		stream_free(s);
	}
	return stopping;
}

static void
stream_start(struct stream_loop *l, struct berth_follow *s)
{
	list_remove(s);
	s->easy = l->nspare ? l->spare[--l->nspare] : curl_easy_init();
	if (!s->easy) {
		berth_fail(&s->err, BERTH_EIO, "cannot set up an HTTP transfer (libcurl failed)");
		stream_finish(l, s, STREAM_ERROR, CURLE_OK);
		return;
	}
	s->x = http_xfer_setup(s->easy, &s->target, &s->rq, &s->resp, &s->err);
	http_xfer_watch(s->x, on_moved, s);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	if (curl_multi_add_handle(l->multi, s->easy) != CURLM_OK) {
		stream_finish(l, s, STREAM_EOF, CURLE_FAILED_INIT);
		return;
	}
	list_push(&l->running, s);
	keep_connections_for(l, ++l->nrunning);
	s->connecting = !is_exchange(s);
	l->nconnecting += s->connecting;
	s->last_moved = l->now;
	if (s->rq.stall_s > 0 && l->now + s->rq.stall_s < l->stall_at)
		l->stall_at = l->now + s->rq.stall_s;
}

static void
start_queued(struct stream_loop *l)
{
	while (l->queued.head && l->nconnecting < STREAM_CONNECTS_MAX)
		stream_start(l, l->queued.head);
}

/* End the streams libcurl has finished, their last bytes delivered first. */
static void
end_finished(struct stream_loop *l)
{
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(l->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURLcode rc = msg->data.result;
		struct berth_follow *s = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		if (http_xfer_flush(s->x))
			rc = CURLE_WRITE_ERROR;
		stream_finish(l, s, STREAM_EOF, rc);
	}
}

/* A stall deadline this close after the one the loop woke for is judged in
 * the same turn (a tenth of the timeout, a second at most): streams whose
 * deadlines fall together share one wakeup, and once judged together (their
 * silence vouched for at the same moment) they keep sharing it. */
static double
coalesce_slack(double stall_s)
{
	return stall_s / 10 < STALL_COALESCE_MAX ? stall_s / 10 : STALL_COALESCE_MAX;
}

/* A stream that moved: its bytes to its sink, its connect slot given back
 * once answered, its silence ended. */
static void
stream_visit(struct stream_loop *l, struct berth_follow *s)
{
	if (http_xfer_flush(s->x)) {
		stream_finish(l, s, STREAM_EOF, CURLE_WRITE_ERROR);
		return;
	}
	if (s->connecting && http_xfer_answered(s->x)) {
		s->connecting = false;
		l->nconnecting--;
	}
	s->last_moved = l->now;
}

/* Judge a running stream's silence: its stall deadline, or INFINITY (also
 * when it ended). */
static double
stream_judge(struct stream_loop *l, struct berth_follow *s)
{
	if (http_xfer_held(s->x))	/* paused by its owner: no stall */
		s->last_moved = l->now;
	if (s->rq.stall_s <= 0)
		return INFINITY;
	if (l->now - s->last_moved >= s->rq.stall_s - coalesce_slack(s->rq.stall_s)) {
		if (!s->rq.on_stall || s->rq.on_stall(s->rq.stall_ctx) != 0) {
			stream_finish(l, s, STREAM_STALL, CURLE_OPERATION_TIMEDOUT);
			return INFINITY;
		}
		s->last_moved = l->now;
	}
	return s->last_moved + s->rq.stall_s;
}

/* Visit the streams that moved; once the earliest stall deadline is due,
 * judge every running stream and find the next earliest. A deadline only
 * moves later as its stream moves, so stall_at stays at or before all. */
static void
sweep(struct stream_loop *l)
{
	while (l->moved) {
		struct berth_follow *s = l->moved;
		moved_remove(l, s);
		stream_visit(l, s);
	}
	if (l->now < l->stall_at)
		return;
	double earliest = INFINITY;
	for (struct berth_follow *s = l->running.head, *next; s; s = next) {
		next = s->next;
		double d = stream_judge(l, s);
		if (d < earliest)
			earliest = d;
	}
	l->stall_at = earliest;
}

/* libcurl (CURLMOPT_SOCKETFUNCTION): which events of a socket to wait for.
 * socketp is set once the socket is in the epoll set. */
static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	(void)easy;
	struct stream_loop *l = userp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	struct epoll_event ev = { .events = (what & CURL_POLL_IN ? EPOLLIN : 0u) |
					    (what & CURL_POLL_OUT ? EPOLLOUT : 0u),
				  .data.fd = fd };
	int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(l->epfd, op, fd, &ev) < 0) {
		/* A socket closed without a word left the set; a number reused
		 * by a new socket may still be in it. */
		op = errno == ENOENT ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
		if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
			return -1;
	}
	curl_multi_assign(l->multi, fd, l);
	return 0;
}

/* libcurl (CURLMOPT_TIMERFUNCTION): when it next needs the thread; -1:
 * not. */
static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	struct stream_loop *l = userp;
	l->timer_at = timeout_ms < 0 ? INFINITY : now_monotonic() + timeout_ms / 1000.0;
	return 0;
}

static int
wait_ms(struct stream_loop *l)
{
	if (l->queued.head && l->nconnecting < STREAM_CONNECTS_MAX)
		return 0;
	double deadline = l->timer_at < l->stall_at ? l->timer_at : l->stall_at;
	if (deadline == INFINITY)
		return NO_DEADLINE_MS;
	double ms = (deadline - now_monotonic()) * 1000;
	return ms <= 0 ? 0 : ms >= NO_DEADLINE_MS ? NO_DEADLINE_MS : (int)ms + 1;
}

static int
select_bits(uint32_t events)
{
	return (events & (EPOLLIN | EPOLLHUP | EPOLLERR) ? CURL_CSELECT_IN : 0) |
	       (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) | (events & EPOLLERR ? CURL_CSELECT_ERR : 0);
}

/* Sleep until a socket is ready, a deadline falls due or another thread
 * wakes the loop; let libcurl act on what is ready and on its timer. */
static void
wait_and_act(struct stream_loop *l)
{
	struct epoll_event evs[EVENTS_PER_WAIT];
	int n = epoll_wait(l->epfd, evs, EVENTS_PER_WAIT, wait_ms(l));
	int running;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.fd == l->wakefd) {
			uint64_t count;
			(void)!read(l->wakefd, &count, sizeof count);
			continue;
		}
		curl_multi_socket_action(l->multi, evs[i].data.fd, select_bits(evs[i].events),
					 &running);
	}
	if (l->timer_at <= now_monotonic()) {
		/* The timer goes off once: libcurl sets it again (on_timer) when it
		 * wants the thread again, not when it still wants it then. */
		l->timer_at = INFINITY;
		curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
}

static void
end_all(struct stream_loop *l)
{
	while (l->queued.head)
		stream_finish(l, l->queued.head, STREAM_CLOSED, CURLE_OK);
	while (l->running.head)
		stream_finish(l, l->running.head, STREAM_CLOSED, CURLE_OK);
}

static void *
loop_main(void *arg)
{
	struct stream_loop *l = arg;
	for (;;) {
		l->now = now_monotonic();
		if (take_handed(l))
			break;
		start_queued(l);
		wait_and_act(l);
		l->now = now_monotonic();
		end_finished(l);
		sweep(l);
	}
	end_all(l);
	return NULL;
}

/* The loop's epoll set with its wakeup in it, and libcurl's multi handle
 * driven through them; NULL, or why not. */
static const char *
loop_setup(struct stream_loop *l)
{
	l->wakefd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0 || (l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return strerror(errno);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l->wakefd };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) < 0)
		return strerror(errno);
	l->multi = curl_multi_init();
	if (!l->multi)
		return "libcurl failed";
	curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, (long)IDLE_CONNECTIONS);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	l->timer_at = l->stall_at = INFINITY;
	return NULL;
}

/* After libcurl's: its clean-up tells on_socket what it stops watching. */
static void
loop_teardown(struct stream_loop *l)
{
	while (l->nspare)
		curl_easy_cleanup(l->spare[--l->nspare]);
	if (l->multi)
		curl_multi_cleanup(l->multi);
	if (l->wakefd >= 0)
		close(l->wakefd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

struct stream_loop *
stream_loop_new(struct berth_error *err)
{
	struct stream_loop *l = xcalloc(1, sizeof *l);
	const char *why = loop_setup(l);
	if (why) {
		berth_fail(err, BERTH_EIO, "cannot set up the stream loop: %s", why);
		loop_teardown(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	int rc = berth_thread_start(&l->thread, LOOP_STACK_SIZE, false, loop_main, l);
	if (rc) {
		pthread_mutex_destroy(&l->lock);
		loop_teardown(l);
		berth_fail(err, BERTH_EIO, "cannot start the stream loop's thread: %s", strerror(rc));
		return NULL;
	}
	return l;
}

struct stream_loop *
stream_loop_shared(struct berth_error *err)
{
	static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
	static struct stream_loop *shared;
	pthread_mutex_lock(&shared_lock);
	if (!shared)
		shared = stream_loop_new(err);
	struct stream_loop *l = shared;
	pthread_mutex_unlock(&shared_lock);
	return l;
}

void
stream_loop_free(struct stream_loop *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_mutex_unlock(&l->lock);
	loop_wake(l);
	pthread_join(l->thread, NULL);
	pthread_mutex_destroy(&l->lock);
	loop_teardown(l);
}

struct berth_follow *
stream_open(struct stream_loop *l, const struct http_target *t, const struct http_request *rq,
	    stream_end_fn end, void *ctx, struct berth_error *err)
{
	struct berth_follow *s = xcalloc(1, sizeof *s);
	*s = (struct berth_follow){ .loop = l, .target = *t, .rq = *rq, .end = end, .ctx = ctx };
	s->path = xstrdup(rq->path ? rq->path : "/");
	s->headers = rq->headers ? strv_dup((char *const *)rq->headers) : NULL;
	s->rq.path = s->path;
	s->rq.headers = (const char *const *)s->headers;
	s->rq.body = NULL;
	s->rq.body_len = 0;
	s->rq.upload = NULL;
	s->rq.cancel = NULL;
	pthread_mutex_lock(&l->lock);
	bool stopping = l->stopping;
	/* Streams opened together (a round of probes) share one wakeup: the
	 * first into the empty list wakes the loop, which takes them all. */
	bool wake = !l->opened.head;
	if (!stopping)
		list_push(&l->opened, s);
	pthread_mutex_unlock(&l->lock);
	if (stopping) {
		stream_free(s);
		berth_fail(err, BERTH_ECANCELLED, "the stream loop is stopping");
		return NULL;
	}
	if (wake)
		loop_wake(l);
	return s;
}

void
stream_close(struct berth_follow *s)
{
	struct stream_loop *l = s->loop;
	pthread_mutex_lock(&l->lock);
	bool forget = s->ended && !s->resume_asked;	/* else the loop still holds it */
	bool wake = !l->closed;
	if (!forget) {
		s->closed_next = l->closed;
		l->closed = s;
	}
	pthread_mutex_unlock(&l->lock);
	if (forget)
		stream_free(s);
	else if (wake)
		loop_wake(l);
}

void
stream_resume(struct berth_follow *s)
{
	struct stream_loop *l = s->loop;
	pthread_mutex_lock(&l->lock);
	bool ask = !s->ended && !s->resume_asked;
	if (ask) {
		s->resume_asked = true;
		s->resumed_next = l->resumed;
		l->resumed = s;
	}
	pthread_mutex_unlock(&l->lock);
	if (ask)
		loop_wake(l);
}
