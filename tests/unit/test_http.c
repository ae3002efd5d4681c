/* test_http.c: the HTTP transport against a scripted server on a unix socket:
 * Docker's wire rules, keep-alive, sinks and error bodies, limits, timeouts,
 * cancellation, streamed uploads, hijacking and escaping. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "tap.h"
#include "util.h"

static char sock_path[108];
static int listen_fd;
static int accepts;			/* connections accepted so far */
static struct buf last_request;		/* the last request, head and body */
static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;

static void
reply(int fd, const char *s)
{
	(void)!send(fd, s, strlen(s), MSG_NOSIGNAL);
}

/* Read one whole request (head plus Content-Length or chunked body); -1 at EOF. */
static int
read_request(int fd, struct buf *req)
{
	char c;
	while (!req->data || !strstr(req->data, "\r\n\r\n")) {
		if (recv(fd, &c, 1, 0) != 1)
			return -1;
		buf_append(req, &c, 1);
	}
	const char *cl = strcasestr(req->data, "Content-Length:");
	/* A body cut short is no request: recording it would race the next one. */
	if (cl) {
		long n = strtol(cl + 15, NULL, 10);
		for (long i = 0; i < n; i++) {
			if (recv(fd, &c, 1, 0) != 1)
				return -1;
			buf_append(req, &c, 1);
		}
	} else if (strcasestr(req->data, "Transfer-Encoding: chunked")) {
		while (!str_ends_with(req->data, "\r\n0\r\n\r\n")) {
			if (recv(fd, &c, 1, 0) != 1)
				return -1;
			buf_append(req, &c, 1);
		}
	}
	return 0;
}

/* Answer by path; returns 0 to keep the connection. */
static int
serve(int fd, const char *req)
{
	if (strstr(req, " /ok ")) {
		reply(fd, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 5\r\n\r\nhello");
	} else if (strstr(req, " /missing ")) {
		reply(fd, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
			  "Content-Length: 27\r\n\r\n{\"message\":\"No such thing\"}");
	} else if (strstr(req, " /big ")) {
		reply(fd, "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n");
		char block[4096];
		memset(block, 'x', sizeof block);
		(void)!send(fd, block, sizeof block, MSG_NOSIGNAL);
	} else if (strstr(req, " /stall ")) {
		reply(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
		sleep(3);
		return -1;
	} else if (strstr(req, " /hijack ")) {
		reply(fd, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nSTREAM");
		return -1;
	} else {
		reply(fd, "HTTP/1.1 204 No Content\r\n\r\n");
	}
	return 0;
}

/* One connection: requests answered in turn until the client or a script closes it. */
static void *
connection(void *p)
{
	int fd = (int)(intptr_t)p;
	for (;;) {
		struct buf req = { 0 };
		if (read_request(fd, &req) < 0) {
			buf_free(&req);
			break;
		}
		pthread_mutex_lock(&srv_lock);
		buf_free(&last_request);
		last_request = req;
		char *copy = xstrdup(req.data);
		pthread_mutex_unlock(&srv_lock);
		int keep = serve(fd, copy);
		free(copy);
		if (keep < 0)
			break;
	}
	close(fd);
	return NULL;
}

static void *
server(void *p)
{
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			return NULL;
		pthread_mutex_lock(&srv_lock);
		accepts++;
		pthread_mutex_unlock(&srv_lock);
		pthread_t th;
		if (pthread_create(&th, NULL, connection, (void *)(intptr_t)fd) == 0)
			pthread_detach(th);
		else
			close(fd);
	}
}

static char *
last(void)
{
	pthread_mutex_lock(&srv_lock);
	char *s = xstrdup(last_request.data ? last_request.data : "");
	pthread_mutex_unlock(&srv_lock);
	return s;
}

static struct http_target target = { .base_url = "http://localhost", .connect_timeout = 2,
				     .tls_verify = true, .what = "the test server" };

static void
test_wire_rules(void)
{
	struct http_request rq = { .method = "POST", .path = "/start", .timeout_s = 5 };
	struct http_response resp;
	struct berth_error err = { 0 };
	is_int(http_perform(&target, &rq, &resp, &err), 0, "a bodyless POST completes");
	is_int(resp.status, 204, "with its status");
	char *req = last();
	ok(strstr(req, "Content-Length: 0\r\n") != NULL, "a bodyless POST sends Content-Length: 0");
	ok(!strcasestr(req, "Content-Type"), "and no Content-Type");
	ok(!strcasestr(req, "Expect:"), "and no Expect");
	if (!ok(strstr(req, "User-Agent: berth/") != NULL, "berth names itself"))
		printf("# %s\n", req);
	free(req);
	http_response_done(&resp);

	static const char body[] = "{\"Detach\":false}";
	rq = (struct http_request){ .method = "POST", .path = "/json", .body = body,
				    .body_len = sizeof body - 1, .content_type = "application/json",
				    .timeout_s = 5 };
	is_int(http_perform(&target, &rq, &resp, &err), 0, "a JSON POST completes");
	req = last();
	ok(strstr(req, "Content-Type: application/json\r\n") && str_ends_with(req, body),
	   "a JSON body carries Content-Type: application/json");
	ok(!strcasestr(req, "Expect:"), "no Expect: 100-continue");
	free(req);
	http_response_done(&resp);
}

static void
test_keepalive_and_headers(void)
{
	int before = accepts;
	struct berth_error err = { 0 };
	for (int i = 0; i < 3; i++) {
		struct http_request rq = { .path = "/ok", .timeout_s = 5 };
		struct http_response resp;
		http_perform(&target, &rq, &resp, &err);
		if (i == 2) {
			is_str(resp.body, "hello", "a collected body");
			is_str(http_header(&resp, "api-version"), "1.41", "headers, case-insensitive");
			ok(http_header(&resp, "X-None") == NULL, "a missing header is NULL");
		}
		http_response_done(&resp);
	}
	ok(accepts - before <= 1, "three calls on this thread share one connection");
}

struct sink_log {
	struct buf data;
	long status_at_headers;
	size_t bytes_at_headers;
};

static int
log_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	buf_append(&((struct sink_log *)ctx)->data, buf, len);
	return 0;
}

static int
log_headers(void *ctx, long status, const struct http_response *resp)
{
	struct sink_log *l = ctx;
	l->status_at_headers = status;
	l->bytes_at_headers = l->data.len;
	return 0;
}

static void
test_sinks(void)
{
	struct sink_log l = { 0 };
	struct http_request rq = { .path = "/ok", .timeout_s = 5, .sink = log_sink, .sink_ctx = &l,
				   .on_headers = log_headers, .headers_ctx = &l };
	struct http_response resp;
	struct berth_error err = { 0 };
	is_int(http_perform(&target, &rq, &resp, &err), 0, "a streamed GET");
	is_str(l.data.data, "hello", "the body went to the sink");
	is_int(l.status_at_headers, 200, "on_headers saw the status");
	is_int(l.bytes_at_headers, 0, "before the first body byte");
	http_response_done(&resp);
	buf_free(&l.data);

	rq.path = "/missing";
	is_int(http_perform(&target, &rq, &resp, &err), 0, "a 404 is a completed exchange");
	is_int(resp.status, 404, "with status 404");
	ok(l.data.len == 0, "an error body never reaches the sink");
	ok(strstr(resp.body, "No such thing") != NULL, "it is collected for the message");
	http_response_done(&resp);
}

static void
test_limits_and_failures(void)
{
	struct http_request rq = { .path = "/big", .timeout_s = 5, .max_body = 1000 };
	struct http_response resp;
	struct berth_error err = { 0 };
	is_int(http_perform(&target, &rq, &resp, &err), -1, "a reply over max_body fails");
	is_int(err.code, BERTH_EPROTOCOL, "as a protocol error");
	ok(strstr(err.message, "too large") != NULL, "saying it is too large: %s", err.message);

	rq = (struct http_request){ .path = "/stall", .timeout_s = 0.5 };
	double t0 = now_monotonic();
	is_int(http_perform(&target, &rq, &resp, &err), -1, "a stalled reply times out");
	is_int(err.code, BERTH_ETIMEOUT, "as a timeout");
	ok(strstr(err.message, "the test server did not answer within 0.5 s") != NULL,
	   "naming the target: %s", err.message);
	ok(now_monotonic() - t0 < 2, "promptly");

	berth_cancel *c = berth_cancel_new();
	berth_cancel_trigger(c);
	rq = (struct http_request){ .path = "/ok", .cancel = c };
	is_int(http_perform(&target, &rq, &resp, &err), -1, "a call cancelled beforehand fails");
	is_int(err.code, BERTH_ECANCELLED, "as cancelled");
	berth_cancel_free(c);

	struct http_target nowhere = target;
	nowhere.unix_path = "/nonexistent/berth.sock";
	nowhere.what = "the engine at /nonexistent/berth.sock";
	rq = (struct http_request){ .path = "/ok", .timeout_s = 5 };
	is_int(http_perform(&nowhere, &rq, &resp, &err), -1, "a missing socket fails");
	is_int(err.code, BERTH_ECONNECT, "as a connection failure");
	is_str(err.message,
	       "cannot reach the engine at /nonexistent/berth.sock: no such file or directory",
	       "in one sentence");
}

struct cancel_later {
	berth_cancel *c;
};

static void *
cancel_after(void *p)
{
	struct timespec delay = { 0, 300000000 };
	nanosleep(&delay, NULL);
	berth_cancel_trigger(((struct cancel_later *)p)->c);
	return NULL;
}

/* A deadline shorter than the connect timeout bounds the connecting too: an
 * engine behind TLS that takes the connection and answers nothing (frozen:
 * the kernel accepts for it) did not answer, which is not failing to reach it. */
static void
test_silent_tls(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		ok(0, "a TCP listener on 127.0.0.1");
		return;
	}
	char *url = xasprintf("https://127.0.0.1:%d", ntohs(a.sin_port));
	struct http_target t = { .base_url = url, .connect_timeout = 5, .what = "the silent engine" };
	struct http_request rq = { .path = "/_ping", .timeout_s = 0.5 };
	struct http_response resp;
	struct berth_error err = { 0 };
	is_int(http_perform(&t, &rq, &resp, &err), -1, "a TLS handshake never answered fails");
	is_int(err.code, BERTH_ETIMEOUT, "as not answering within the deadline: %s", err.message);
	close(fd);
	free(url);
}

static void
test_cancel_midway(void)
{
	struct cancel_later cl = { berth_cancel_new() };
	struct http_request rq = { .path = "/stall", .cancel = cl.c };
	struct http_response resp;
	struct berth_error err = { 0 };
	pthread_t th;
	pthread_create(&th, NULL, cancel_after, &cl);
	double t0 = now_monotonic();
	int rc = http_perform(&target, &rq, &resp, &err);
	double took = now_monotonic() - t0;
	pthread_join(th, NULL);
	is_int(rc, -1, "a transfer cancelled from another thread stops");
	is_int(err.code, BERTH_ECANCELLED, "as cancelled");
	ok(took < 0.8, "within a few hundred ms of the cancel (%.3f s)", took);
	berth_cancel_free(cl.c);
}

struct chunks {
	int left;
};

static ssize_t
chunk_read(struct tar_reader *rd, char *buf, size_t len)
{
	struct chunks *c = rd->ctx;
	if (c->left-- <= 0)
		return 0;
	memcpy(buf, "part;", 5);
	return 5;
}

static ssize_t
failing_read(struct tar_reader *rd, char *buf, size_t len)
{
	berth_fail(rd->err, BERTH_EIO, "cannot read the source: broken");
	return -1;
}

static void
test_upload(void)
{
	struct chunks ch = { 3 };
	struct berth_error rerr = { 0 }, err = { 0 };
	struct tar_reader rd = { .read = chunk_read, .ctx = &ch, .err = &rerr };
	struct http_request rq = { .method = "PUT", .path = "/archive", .upload = &rd,
				   .content_type = "application/x-tar", .timeout_s = 5 };
	struct http_response resp;
	if (!is_int(http_perform(&target, &rq, &resp, &err), 0, "a streamed upload completes"))
		printf("# %s\n", err.message);
	char *req = last();
	ok(str_starts_with(req, "PUT /archive HTTP/1.1"), "as a PUT");
	ok(strstr(req, "Transfer-Encoding: chunked") != NULL, "chunked");
	ok(strstr(req, "Content-Type: application/x-tar") != NULL, "with its content type");
	ok(strstr(req, "part;") != NULL && str_ends_with(req, "0\r\n\r\n"), "the body arrived");
	free(req);
	http_response_done(&resp);

	rd.read = failing_read;
	is_int(http_perform(&target, &rq, &resp, &err), -1, "a failing reader fails the call");
	is_str(err.message, "cannot read the source: broken", "with the reader's own sentence");
}

static void
test_hijack(void)
{
	int fd = -1;
	long status = 0;
	struct berth_error err = { 0 };
	is_int(http_hijack(&target, "POST", "/hijack", "{\"Tty\":true}", &fd, &status, &err), 0,
	       "a hijacked connection opens");
	is_int(status, 101, "with the upgrade status");
	char buf[16] = { 0 };
	ssize_t n = read(fd, buf, sizeof buf - 1);
	ok(n == 6 && strcmp(buf, "STREAM") == 0, "the stream after the headers is left in the socket");
	close(fd);
	char *req = last();
	ok(strstr(req, "Upgrade: tcp") && strstr(req, "Connection: Upgrade") &&
	   str_ends_with(req, "{\"Tty\":true}"), "the raw request carries the upgrade and the body");
	free(req);
}

static void
test_escape(void)
{
	char *e = http_escape("a b/c?d=e&f~_.-é");
	is_str(e, "a%20b%2Fc%3Fd%3De%26f~_.-%C3%A9", "http_escape");
	free(e);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char dir[] = "/tmp/berth-test-http-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof sock_path, "%s/s", dir);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(listen_fd, 8) < 0)
		return 1;
	target.unix_path = sock_path;
	pthread_t th;
	pthread_create(&th, NULL, server, NULL);

	test_wire_rules();
	test_keepalive_and_headers();
	test_sinks();
	test_limits_and_failures();
	test_cancel_midway();
	test_silent_tls();
	test_upload();
	test_hijack();
	test_escape();

	unlink(sock_path);
	rmdir(dir);
	return tap_done();
}
