/* test_streams.c: the stream loop (src/streams.c) against a scripted server on
 * a unix socket, itself one thread polling all its connections: streams
 * opened and their data delivered in order, a reply cut mid-chunk, a silent
 * stream ending as stalled, a stream closed from another thread, 200 streams
 * on the loop's one thread, and at most STREAM_CONNECTS_MAX waiting for
 * their reply at once, the others queued; exchanges (the dashboard's
 * probes): one unanswered ending at its deadline, many started at once
 * past the connect queue, and each endpoint's next one reusing the
 * connection its last one left. No duration is asserted but generous hang
 * bounds. */
#include "config.h"

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "streams.h"
#include "tap.h"
#include "util.h"

#define HANG_S 20.0
#define MAXCONN 256
#define NLINES 2000

/* ---------------------------------------------------------------- the server */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;	/* srv */
static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;	/* the records (apart: the server writes locked) */

struct conn {
	int fd;
	struct buf req;
	bool held;		/* a /hold request, not answered yet */
};

static struct {
	int listen_fd;
	struct conn c[MAXCONN];
	size_t n;
	int held, held_max;	/* /hold requests waiting now; the most at once */
	bool release;		/* answer the held ones */
	int accepted;		/* connections */
	int closed_by_client;
	bool stop;
} srv;

static char sock_path[108];

static void
say(int fd, const char *s)
{
	(void)!send(fd, s, strlen(s), MSG_NOSIGNAL);
}

#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"

static void
say_chunk(int fd, const char *s)
{
	char head[32];
	snprintf(head, sizeof head, "%zx\r\n", strlen(s));
	say(fd, head);
	say(fd, s);
	say(fd, "\r\n");
}

/* NLINES numbered lines, each a chunk, then the end: the connection closes. */
static void
serve_lines(int fd)
{
	say(fd, CHUNKED_HEAD);
	for (int i = 0; i < NLINES; i++) {
		char line[32];
		snprintf(line, sizeof line, "line %05d\n", i);
		say_chunk(fd, line);
	}
	say(fd, "0\r\n\r\n");
}

/* Called locked: answer a whole request by its path; false to close the connection. */
static bool
serve(struct conn *c)
{
	const char *r = c->req.data;
	if (strstr(r, " /lines ")) {
		serve_lines(c->fd);
		return false;
	}
	if (strstr(r, " /cut ")) {	/* a chunk of 100 bytes cut after 10 */
		say(c->fd, CHUNKED_HEAD "64\r\n0123456789");
		return false;
	}
	if (strstr(r, " /hold ") && !srv.release) {
		c->held = true;
		if (++srv.held > srv.held_max)
			srv.held_max = srv.held;
		return true;
	}
	if (strstr(r, " /_ping ")) {	/* kept alive: the next request may follow */
		say(c->fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
		buf_free(&c->req);
		return true;
	}
	if (strstr(r, " /missing ")) {
		say(c->fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 27\r\nConnection: close\r\n\r\n"
			   "{\"message\":\"No such thing\"}");
		return false;
	}
	/* /silent, and /hold once released: one line, then silence. */
	say(c->fd, CHUNKED_HEAD);
	say_chunk(c->fd, "hello\n");
	return true;
}

/* Called locked. */
static void
conn_drop(size_t i)
{
	if (srv.c[i].held)
		srv.held--;
	close(srv.c[i].fd);
	buf_free(&srv.c[i].req);
	srv.c[i] = srv.c[--srv.n];
}

/* Called locked: read what conn i sent; false when it is to go. */
static bool
conn_read(size_t i)
{
	struct conn *c = &srv.c[i];
	char piece[4096];
	ssize_t got = recv(c->fd, piece, sizeof piece, MSG_DONTWAIT);
	if (got <= 0) {
		srv.closed_by_client++;
		return false;
	}
	bool had_head = c->req.data && strstr(c->req.data, "\r\n\r\n");
	buf_append(&c->req, piece, (size_t)got);
	if (had_head || !strstr(c->req.data, "\r\n\r\n"))
		return true;
	return serve(c);
}

/* Called locked. */
static void
release_held(void)
{
	for (size_t i = 0; i < srv.n; i++)
		if (srv.c[i].held) {
			srv.c[i].held = false;
			srv.held--;
			serve(&srv.c[i]);
		}
}

static void
server_turn(void)
{
	struct pollfd p[MAXCONN + 1];
	pthread_mutex_lock(&lock);
	size_t n = srv.n;
	p[0] = (struct pollfd){ .fd = srv.listen_fd, .events = n < MAXCONN ? POLLIN : 0 };
	for (size_t i = 0; i < n; i++)
		p[i + 1] = (struct pollfd){ .fd = srv.c[i].fd, .events = POLLIN };
	pthread_mutex_unlock(&lock);
	poll(p, n + 1, 10);
	pthread_mutex_lock(&lock);
	for (size_t i = n; i-- > 0;)	/* from the end: conn_drop moves the last into i */
		if (p[i + 1].revents && !conn_read(i))
			conn_drop(i);
	if (p[0].revents & POLLIN) {
		int fd = accept(srv.listen_fd, NULL, NULL);
		if (fd >= 0) {
			srv.c[srv.n++] = (struct conn){ .fd = fd };
			srv.accepted++;
		}
	}
	if (srv.release)
		release_held();
	pthread_mutex_unlock(&lock);
}

static void *
server_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		bool stop = srv.stop;
		pthread_mutex_unlock(&lock);
		if (stop)
			break;
		server_turn();
	}
	pthread_mutex_lock(&lock);
	while (srv.n)
		conn_drop(srv.n - 1);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static pthread_t server_thread;

static void
server_start(void)
{
	snprintf(sock_path, sizeof sock_path, "/tmp/berth-test-streams-%d.sock", (int)getpid());
	unlink(sock_path);
	srv.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
	if (bind(srv.listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(srv.listen_fd, 512) < 0) {
		printf("Bail out! cannot listen on %s\n", sock_path);
		exit(1);
	}
	pthread_create(&server_thread, NULL, server_main, NULL);
}

static void
server_stop(void)
{
	pthread_mutex_lock(&lock);
	srv.stop = true;
	pthread_mutex_unlock(&lock);
	pthread_join(server_thread, NULL);
	close(srv.listen_fd);
	unlink(sock_path);
}

#define SRV(field) (pthread_mutex_lock(&lock), srv_val_ = (long)(srv.field), \
		    pthread_mutex_unlock(&lock), srv_val_)
static long srv_val_;

/* ---------------------------------------------------------------- a stream's record */

struct rec {
	struct buf data;	/* what the sink got */
	int ends;		/* end calls */
	enum stream_end why;
	long status;
	char message[600];
	pthread_t end_thread;
};

static int
rec_sink(void *ctx, enum berth_stream which, const char *data, size_t len)
{
	(void)which;
	struct rec *r = ctx;
	pthread_mutex_lock(&rec_lock);
	buf_append(&r->data, data, len);
	pthread_mutex_unlock(&rec_lock);
	return 0;
}

static void
rec_end(void *ctx, enum stream_end why, const struct http_response *resp,
	const struct berth_error *err)
{
	struct rec *r = ctx;
	pthread_mutex_lock(&rec_lock);
	r->ends++;
	r->why = why;
	r->status = resp->status;
	snprintf(r->message, sizeof r->message, "%s", why == STREAM_EOF ? "" : err->message);
	r->end_thread = pthread_self();
	pthread_mutex_unlock(&rec_lock);
}

static int
rec_ends(struct rec *r)
{
	pthread_mutex_lock(&rec_lock);
	int n = r->ends;
	pthread_mutex_unlock(&rec_lock);
	return n;
}

static size_t
rec_len(struct rec *r)
{
	pthread_mutex_lock(&rec_lock);
	size_t n = r->data.len;
	pthread_mutex_unlock(&rec_lock);
	return n;
}

#define UNTIL(cond) \
	for (double give_up_ = now_monotonic() + HANG_S; !(cond) && now_monotonic() < give_up_;) \
		usleep(2000)

static const struct http_target target = {
	.unix_path = sock_path, .base_url = "http://localhost", .connect_timeout = 5,
	.tls_verify = true, .what = "the test server",
};

static struct stream_loop *loop;

static struct berth_follow *
open_path(const char *path, struct rec *r, double stall_s)
{
	struct http_request rq = { .path = path, .sink = rec_sink, .sink_ctx = r, .stall_s = stall_s };
	struct berth_error err;
	struct berth_follow *s = stream_open(loop, &target, &rq, rec_end, r, &err);
	if (!s)
		printf("# stream_open: %s\n", err.message);
	return s;
}

static void
rec_free(struct rec *r)
{
	buf_free(&r->data);
}

/* The threads of this process. */
static int
threads_now(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* How many of the n streams got the server's one line (waiting HANG_S at most). */
static int
wait_delivered(struct rec *r, int n)
{
	int delivered = 0;
	for (double give_up = now_monotonic() + HANG_S; now_monotonic() < give_up; usleep(5000)) {
		delivered = 0;
		for (int i = 0; i < n; i++)
			delivered += rec_len(&r[i]) == 6;
		if (delivered == n)
			break;
	}
	return delivered;
}

/* ---------------------------------------------------------------- the tests */

static void
test_in_order(void)
{
	struct rec a = { 0 }, b = { 0 };
	struct berth_follow *sa = open_path("/lines", &a, 0), *sb = open_path("/lines", &b, 0);
	UNTIL(rec_ends(&a) && rec_ends(&b));
	struct buf want = { 0 };
	for (int i = 0; i < NLINES; i++)
		buf_printf(&want, "line %05d\n", i);
	ok(a.ends == 1 && a.why == STREAM_EOF && a.status == 200, "a stream that completes ends once, EOF, 200");
	ok(a.data.len == want.len && memcmp(a.data.data, want.data, want.len) == 0,
	   "its %d chunks reach the sink whole and in order (%zu bytes)", NLINES, a.data.len);
	ok(b.data.len == want.len && memcmp(b.data.data, want.data, want.len) == 0,
	   "so do those of a second stream beside it");
	ok(!pthread_equal(a.end_thread, pthread_self()), "end runs on the loop's thread");
	stream_close(sa);
	stream_close(sb);
	buf_free(&want);
	rec_free(&a);
	rec_free(&b);
}

/* A sink that is full once it holds full_at bytes, until resumed. */
struct held_rec {
	struct rec r;
	size_t full_at;
	int fulls;		/* times it said BERTH_SINK_FULL */
};

static int
held_sink(void *ctx, enum berth_stream which, const char *data, size_t len)
{
	struct held_rec *h = ctx;
	rec_sink(&h->r, which, data, len);
	pthread_mutex_lock(&rec_lock);
	bool full = h->r.data.len >= h->full_at;
	h->fulls += full;
	pthread_mutex_unlock(&rec_lock);
	return full ? BERTH_SINK_FULL : 0;
}

static void
test_paused_until_resumed(void)
{
	struct held_rec h = { .full_at = 1000 };
	struct http_request rq = { .path = "/lines", .sink = held_sink, .sink_ctx = &h };
	struct berth_error err;
	struct berth_follow *s = stream_open(loop, &target, &rq, rec_end, &h.r, &err);
	UNTIL(rec_len(&h.r) >= h.full_at);
	size_t held = rec_len(&h.r);
	usleep(300000);
	ok(rec_len(&h.r) == held && !rec_ends(&h.r),
	   "a sink that says it is full gets nothing more, and the stream waits (%zu bytes)", held);
	pthread_mutex_lock(&rec_lock);
	ok(h.fulls == 1, "... its sink is not called again while paused (%d)", h.fulls);
	h.full_at = SIZE_MAX;
	pthread_mutex_unlock(&rec_lock);
	stream_resume(s);
	UNTIL(rec_ends(&h.r));
	struct buf want = { 0 };
	for (int i = 0; i < NLINES; i++)
		buf_printf(&want, "line %05d\n", i);
	ok(h.r.ends == 1 && h.r.why == STREAM_EOF && h.r.data.len == want.len &&
	   memcmp(h.r.data.data, want.data, want.len) == 0,
	   "resumed, the rest comes whole and in order, and the stream ends (%zu bytes)", h.r.data.len);
	stream_close(s);
	buf_free(&want);
	rec_free(&h.r);
}

static void
test_cut_and_refused(void)
{
	struct rec r = { 0 }, m = { 0 };
	struct berth_follow *s = open_path("/cut", &r, 0), *sm = open_path("/missing", &m, 0);
	UNTIL(rec_ends(&r) && rec_ends(&m));
	ok(r.why == STREAM_ERROR, "a reply cut mid-chunk ends in an error");
	ok(strstr(r.message, "the test server") != NULL, "... whose sentence names the target: %s",
	   r.message);
	ok(m.why == STREAM_EOF && m.status == 404 && m.data.len == 0,
	   "a 404 is an exchange completed, its status for the owner to judge, nothing to the sink");
	stream_close(s);
	stream_close(sm);
	rec_free(&r);
	rec_free(&m);

	struct http_target nowhere = target;
	nowhere.unix_path = "/nonexistent/berth-streams.sock";
	struct http_request rq = { .path = "/silent", .sink = rec_sink, .sink_ctx = &r };
	struct berth_error err;
	memset(&r, 0, sizeof r);
	s = stream_open(loop, &nowhere, &rq, rec_end, &r, &err);
	UNTIL(rec_ends(&r));
	ok(r.why == STREAM_ERROR && strstr(r.message, "cannot reach the test server"),
	   "a socket nobody listens on: %s", r.message);
	stream_close(s);
	rec_free(&r);
}

static void
test_stall(void)
{
	struct rec r = { 0 }, quiet = { 0 };
	struct berth_follow *s = open_path("/silent", &r, 0.3), *sq = open_path("/silent", &quiet, 0);
	UNTIL(rec_ends(&r));
	ok(r.why == STREAM_STALL, "a stream silent past its stall timeout ends as stalled");
	ok(strstr(r.message, "sent nothing for 0.3 s") != NULL, "... in the transport's words: %s",
	   r.message);
	ok(strcmp(r.data.data ? r.data.data : "", "hello\n") == 0, "what came before the silence was delivered");
	ok(rec_ends(&quiet) == 0, "a silent stream without a stall timeout goes on");
	stream_close(s);
	stream_close(sq);
	UNTIL(rec_ends(&quiet));
	ok(quiet.why == STREAM_CLOSED, "closed, it ends as closed");
	rec_free(&r);
	rec_free(&quiet);
}

static void *
closer_main(void *arg)
{
	stream_close(arg);
	return NULL;
}

static void
test_close_from_another_thread(void)
{
	struct rec r = { 0 };
	int closed_before = (int)SRV(closed_by_client);
	struct berth_follow *s = open_path("/silent", &r, 0);
	UNTIL(rec_len(&r) > 0);
	pthread_t t;
	pthread_create(&t, NULL, closer_main, s);
	pthread_join(t, NULL);
	UNTIL(rec_ends(&r));
	ok(r.ends == 1 && r.why == STREAM_CLOSED, "a stream closed from another thread ends once, as closed");
	UNTIL(SRV(closed_by_client) > closed_before);
	ok(SRV(closed_by_client) > closed_before, "... and its connection is closed");
	rec_free(&r);
}

#define MANY 200

static void
test_many_on_one_thread(void)
{
	static struct rec r[MANY];
	static struct berth_follow *s[MANY];
	int before = threads_now();
	for (int i = 0; i < MANY; i++)
		s[i] = open_path("/silent", &r[i], 60);
	int delivered = wait_delivered(r, MANY);
	is_int(delivered, MANY, "%d streams open at once, each got its line", MANY);
	is_int(threads_now(), before, "... with no thread more than before (%d)", before);
	int ended = 0;
	for (int i = 0; i < MANY; i++)
		ended += rec_ends(&r[i]);
	is_int(ended, 0, "none ended");
	for (int i = 0; i < MANY; i++)
		stream_close(s[i]);
	for (int i = 0; i < MANY; i++)
		UNTIL(rec_ends(&r[i]));
	ended = 0;
	for (int i = 0; i < MANY; i++) {
		ended += r[i].ends == 1 && r[i].why == STREAM_CLOSED;
		rec_free(&r[i]);
	}
	is_int(ended, MANY, "closed, each ended once");
}

#define QUEUED 40

static void
test_connects_capped(void)
{
	static struct rec r[QUEUED];
	static struct berth_follow *s[QUEUED];
	for (int i = 0; i < QUEUED; i++)
		s[i] = open_path("/hold", &r[i], 0);
	UNTIL(SRV(held) >= STREAM_CONNECTS_MAX);
	usleep(300 * 1000);	/* room for a seventeenth, which must not come */
	is_int(SRV(held_max), STREAM_CONNECTS_MAX, "of %d streams opened at once, %d wait for a reply, the rest queued",
	       QUEUED, STREAM_CONNECTS_MAX);
	pthread_mutex_lock(&lock);
	srv.release = true;
	pthread_mutex_unlock(&lock);
	int delivered = wait_delivered(r, QUEUED);
	is_int(delivered, QUEUED, "answered, the queued ones connect in turn and all %d get their line", QUEUED);
	ok(SRV(held_max) <= STREAM_CONNECTS_MAX, "never more than %d at once", STREAM_CONNECTS_MAX);
	for (int i = 0; i < QUEUED; i++)
		stream_close(s[i]);
	for (int i = 0; i < QUEUED; i++) {
		UNTIL(rec_ends(&r[i]));
		rec_free(&r[i]);
	}
}

/* An exchange: GET path with a deadline, to t. */
static struct berth_follow *
exchange(const struct http_target *t, const char *path, double deadline_s, struct rec *r)
{
	struct http_request rq = { .path = path, .sink = rec_sink, .sink_ctx = r,
				   .timeout_s = deadline_s };
	struct berth_error err;
	struct berth_follow *s = stream_open(loop, t, &rq, rec_end, r, &err);
	if (!s)
		printf("# stream_open: %s\n", err.message);
	return s;
}

static void
test_exchange_deadline(void)
{
	struct rec r = { 0 };
	pthread_mutex_lock(&lock);
	srv.release = false;
	pthread_mutex_unlock(&lock);
	struct berth_follow *s = exchange(&target, "/hold", 0.3, &r);
	UNTIL(rec_ends(&r));
	ok(r.ends == 1 && r.why == STREAM_ERROR, "an exchange unanswered past its deadline ends in an error");
	ok(strstr(r.message, "did not answer within 0.3 s") != NULL, "... in the transport's words: %s",
	   r.message);
	stream_close(s);
	rec_free(&r);
}

#define PROBED 40	/* more than STREAM_CONNECTS_MAX and than IDLE_CONNECTIONS (16) */

static void
test_exchanges_not_queued(void)
{
	static struct rec r[PROBED];
	static struct berth_follow *s[PROBED];
	pthread_mutex_lock(&lock);
	srv.release = false;
	srv.held_max = 0;
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < PROBED; i++)
		s[i] = exchange(&target, "/hold", HANG_S, &r[i]);
	UNTIL(SRV(held) == PROBED);
	is_int(SRV(held_max), PROBED, "%d exchanges opened at once all wait for their reply: none queued "
	       "behind the %d connects", PROBED, STREAM_CONNECTS_MAX);
	for (int i = 0; i < PROBED; i++)
		stream_close(s[i]);
	for (int i = 0; i < PROBED; i++) {
		UNTIL(rec_ends(&r[i]));
		rec_free(&r[i]);
	}
	pthread_mutex_lock(&lock);
	srv.release = true;
	pthread_mutex_unlock(&lock);
}

/* PROBED endpoints (each its own socket path, a link to the server's): two
 * rounds of a probe each, all at once. */
static void
test_probe_reuses_connection(void)
{
	static char paths[PROBED][128];
	static struct http_target eps[PROBED];
	for (int i = 0; i < PROBED; i++) {
		snprintf(paths[i], sizeof paths[i], "%s.ep%d", sock_path, i);
		unlink(paths[i]);
		if (symlink(sock_path, paths[i]) < 0)
			printf("# symlink %s: failed\n", paths[i]);
		eps[i] = target;
		eps[i].unix_path = paths[i];
	}
	int accepted[3], answered[2] = { 0, 0 };
	accepted[0] = (int)SRV(accepted);
	for (int round = 0; round < 2; round++) {
		static struct rec r[PROBED];
		static struct berth_follow *s[PROBED];
		for (int i = 0; i < PROBED; i++)
			s[i] = exchange(&eps[i], "/_ping", HANG_S, &r[i]);
		for (int i = 0; i < PROBED; i++) {
			UNTIL(rec_ends(&r[i]));
			answered[round] += r[i].why == STREAM_EOF && r[i].status == 200;
			stream_close(s[i]);
			rec_free(&r[i]);
			memset(&r[i], 0, sizeof r[i]);
		}
		accepted[round + 1] = (int)SRV(accepted);
	}
	is_int(answered[0] + answered[1], 2 * PROBED, "%d endpoints' probes answered, twice", PROBED);
	is_int(accepted[1] - accepted[0], PROBED, "the first round connected to each endpoint once");
	is_int(accepted[2] - accepted[1], 0, "the second reused every endpoint's kept-alive connection");
	for (int i = 0; i < PROBED; i++)
		unlink(paths[i]);
}

static void
test_free_ends_the_rest(void)
{
	struct rec r = { 0 };
	struct berth_follow *s = open_path("/silent", &r, 0);
	UNTIL(rec_len(&r) > 0);
	stream_close(s);
	stream_loop_free(loop);
	loop = NULL;
	ok(r.ends == 1 && r.why == STREAM_CLOSED, "freeing the loop ends what was still open");
	rec_free(&r);
}

int
main(void)
{
	server_start();
	struct berth_error err;
	loop = stream_loop_new(&err);
	if (!loop) {
		printf("Bail out! %s\n", err.message);
		return 1;
	}
	test_in_order();
	test_paused_until_resumed();
	test_cut_and_refused();
	test_stall();
	test_close_from_another_thread();
	test_many_on_one_thread();
	test_connects_capped();
	test_exchange_deadline();
	test_exchanges_not_queued();
	test_probe_reuses_connection();
	test_free_ends_the_rest();
	server_stop();
	return tap_done();
}
