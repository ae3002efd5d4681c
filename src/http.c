/* http.c: the HTTP transport over libcurl, shared by every backend.
 *
 * Each thread keeps one multi handle with one easy handle, reused from call to
 * call, so consecutive requests to the same engine share a kept-alive
 * connection (libcurl's connection cache lives in the multi handle and tells
 * unix sockets and hosts apart). A thread keeps at most THREAD_IDLE_CONNECTIONS
 * of them, the oldest closed beyond, so the pool's workers hold a bounded
 * number of descriptors however many endpoints they reach in turn. The transfer loop polls in short slices so a
 * cancel flipped from another thread ends the call within ~100 ms, and the
 * progress callback aborts an active transfer at once.
 *
 * Bodies of 2xx replies go to the sink when there is one; any other reply is
 * collected (bounded) so the caller can read the engine's error message.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "thread.h"
#include "util.h"

#define DEFAULT_MAX_BODY (64u << 20)
#define ERROR_BODY_MAX (256u << 10)
#define POLL_SLICE_MS 100
#define THREAD_IDLE_CONNECTIONS 4L
#define PENDING_MAX (1u << 20)	/* flush sink-bound bytes at least this often */
#define DIRECT_MIN 8192		/* a piece this large goes to the sink as it is */
#define STREAM_BUFFER (256L << 10)	/* libcurl's buffers for streamed bodies (not 16/64 KiB) */
#define TRICKLE_MAX (16u << 10)		/* a round of reads this small: the stream trickles */
#define TRICKLE_WAIT_US 1000		/* ... so the next read waits for more to gather */

/* The calling thread's reusable handles. */
struct http_handles {
	CURLM *multi;
	CURL *easy;
	bool busy;		/* in use by an outer call on this thread */
};

static pthread_key_t handles_key;
static pthread_once_t handles_once = PTHREAD_ONCE_INIT;

static void
handles_destroy(void *p)
{
	struct http_handles *h = p;
	if (!h)
		return;
	curl_easy_cleanup(h->easy);
	curl_multi_cleanup(h->multi);
	free(h);
}

static void
handles_key_init(void)
{
	pthread_key_create(&handles_key, handles_destroy);
}

static struct http_handles *
handles_new(void)
{
	struct http_handles *h = xcalloc(1, sizeof *h);
	h->multi = curl_multi_init();
	h->easy = curl_easy_init();
	if (!h->multi || !h->easy) {
		int saved = errno;	/* why curl could not make them (descriptors), kept past cleanup */
		handles_destroy(h);
		errno = saved;
		return NULL;
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, THREAD_IDLE_CONNECTIONS);
	return h;
}

/* This thread's handles, or fresh private ones when they are busy (re-entry). */
static struct http_handles *
handles_acquire(bool *temporary)
{
	pthread_once(&handles_once, handles_key_init);
	struct http_handles *h = pthread_getspecific(handles_key);
	*temporary = false;
	if (!h) {
		h = handles_new();
		if (h)
			pthread_setspecific(handles_key, h);
	} else if (h->busy) {
		*temporary = true;
		return handles_new();
	}
	if (h)
		h->busy = true;
	return h;
}

static void
handles_release(struct http_handles *h, bool temporary)
{
	if (temporary)
		handles_destroy(h);
	else
		h->busy = false;
}

/* One transfer: libcurl's handle and what its callbacks share, from the
 * set-up to the reading of its result (http_xfer_setup, http_xfer_finish). */
struct http_xfer {
	CURL *easy;
	const struct http_target *t;
	struct http_request *rq;
	struct http_response *resp;
	struct berth_error *err;
	char *url;
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
	bool headers_done;	/* on_headers has run */
	bool aborted_by_headers;
	bool too_large;
	bool upload_failed;
	bool cancelled;
	bool stalled;		/* nothing arrived for rq->stall_s */
	bool held;		/* the sink said BERTH_SINK_FULL: libcurl keeps the bytes */
	unsigned long moved, moved_seen;	/* pieces received or sent; as of last_moved */
	curl_off_t body_sent;	/* of an in-memory body, as curl last reported it */
	double last_moved;	/* when moved was last seen to change (now_monotonic) */
	size_t max_body;
	size_t body_cap;	/* allocated size of resp->body */
	struct buf pending;	/* sink-bound bytes of this round of reads */
	int socket_errno;	/* why libcurl could not open a socket, or 0 */
	void (*on_moved)(void *ctx);	/* told of each piece (http_xfer_watch) */
	void *on_moved_ctx;
};

/* A piece received or sent: the transfer moves (and its driver is told). */
static void
xfer_moved(struct http_xfer *x)
{
	x->moved++;
	if (x->on_moved)
		x->on_moved(x->on_moved_ctx);
}

/* Hand bytes to the sink; true when it asked to stop. A full sink took them
 * but holds the next ones back (on_body pauses the transfer). */
static bool
sink_put(struct http_xfer *x, const char *data, size_t len)
{
	int rc = x->rq->sink(x->rq->sink_ctx, BERTH_STDOUT, data, len);
	if (rc == BERTH_SINK_FULL)
		x->held = true;
	else if (rc)
		x->resp->sink_stopped = true;
	return x->resp->sink_stopped;
}

bool
http_xfer_flush(struct http_xfer *x)
{
	if (!x->pending.len || x->resp->sink_stopped)
		return x->resp->sink_stopped;
	sink_put(x, x->pending.data, x->pending.len);
	x->pending.len = 0;
	return x->resp->sink_stopped;
}

bool
http_xfer_held(const struct http_xfer *x)
{
	return x->held;
}

bool
http_xfer_resume(struct http_xfer *x)
{
	bool was = x->held;
	x->held = false;
	return was;
}

static bool
status_is_success(long status)
{
	return status >= 200 && status < 300;
}

static void
response_add_header(struct http_response *resp, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	if (!colon)
		return;
	const char *v = colon + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	resp->headers = xrealloc(resp->headers, (resp->nheaders + 1) * sizeof *resp->headers);
	resp->headers[resp->nheaders].name = xstrndup(line, (size_t)(colon - line));
	resp->headers[resp->nheaders].value = xstrndup(v, (size_t)(end - v));
	resp->nheaders++;
}

/* A status line starts a new header block (after 100 Continue or an upgrade). */
static size_t
on_header_line(char *line, size_t size, size_t n, void *p)
{
	struct http_xfer *x = p;
	size_t len = size * n;
	xfer_moved(x);
	if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		http_response_clear_headers(x->resp);
		const char *sp = memchr(line, ' ', len);
		x->resp->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return len;
	}
	if (len <= 2 && (line[0] == '\r' || line[0] == '\n')) {
		if (x->resp->status >= 200 && !x->headers_done) {
			x->headers_done = true;
			if (x->rq->on_headers &&
			    x->rq->on_headers(x->rq->headers_ctx, x->resp->status, x->resp)) {
				x->aborted_by_headers = true;
				return 0;
			}
		}
		return len;
	}
	response_add_header(x->resp, line, len);
	return len;
}

static size_t
on_body(char *data, size_t size, size_t n, void *p)
{
	struct http_xfer *x = p;
	size_t len = size * n;
	struct http_response *resp = x->resp;
	xfer_moved(x);
	if (x->rq->sink && status_is_success(resp->status)) {
		/* libcurl hands over each chunk of a chunked reply apart (one per log
		 * line from Docker); the sink gets small ones joined, once per round,
		 * and large ones (archives) as they are, without a copy. */
		if (x->held)
			return CURL_WRITEFUNC_PAUSE;	/* delivered again on resume */
		if (len >= DIRECT_MIN) {
			if (http_xfer_flush(x))
				return 0;
			if (x->held)	/* the flush filled the sink: this waits too */
				return CURL_WRITEFUNC_PAUSE;
			return sink_put(x, data, len) ? 0 : len;
		}
		buf_append(&x->pending, data, len);
		if (x->pending.len >= PENDING_MAX && http_xfer_flush(x))
			return 0;
		return len;
	}
	size_t limit = x->rq->sink ? ERROR_BODY_MAX : x->max_body;
	if (resp->body_len + len > limit) {
		if (x->rq->sink)	/* an error body: keep its beginning */
			return len;
		x->too_large = true;
		return 0;
	}
	if (resp->body_len + len + 1 > x->body_cap) {
		size_t cap = x->body_cap ? x->body_cap : 16384;
		while (cap < resp->body_len + len + 1)
			cap *= 2;
		resp->body = xrealloc(resp->body, cap);
		x->body_cap = cap;
	}
	memcpy(resp->body + resp->body_len, data, len);
	resp->body_len += len;
	resp->body[resp->body_len] = '\0';
	return len;
}

static size_t
on_upload(char *buf, size_t size, size_t n, void *p)
{
	struct http_xfer *x = p;
	struct tar_reader *rd = x->rq->upload;
	ssize_t got = rd->read(rd, buf, size * n);
	if (got < 0) {
		x->upload_failed = true;
		return CURL_READFUNC_ABORT;
	}
	if (got > 0)	/* an upload the engine takes is no stall */
		xfer_moved(x);
	return (size_t)got;
}

static int
on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct http_xfer *x = p;
	if (berth_cancel_is_set(x->rq->cancel)) {
		x->cancelled = true;
		return 1;
	}
	if (un > x->body_sent) {	/* a body the engine takes is no stall either */
		x->body_sent = un;
		xfer_moved(x);
	}
	return 0;
}

/* Lowercase the first letter of a strerror text for use inside a sentence. */
static void
errno_text(int e, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", e ? strerror(e) : "connection failed");
	if (out[0] && isupper((unsigned char)out[0]) && !isupper((unsigned char)out[1]))
		out[0] = (char)tolower((unsigned char)out[0]);
}

static const char *
what_of(const struct http_target *t)
{
	return t->what ? t->what : "the engine";
}

/* The certificate problem behind a failed TLS set-up, in words; NULL when the
 * failure is not about certificates. detail is libcurl's (OpenSSL's) text. */
static const char *
tls_problem(const struct http_target *t, CURLcode rc, const char *detail, bool fresh, char *out,
	    size_t len)
{
	const char *ca = t->ca_file ? t->ca_file : "the system's CA store";
	const char *cert = t->cert_file;
	if (rc == CURLE_SSL_CACERT_BADFILE) {
		snprintf(out, len, "the CA certificate %s cannot be read", ca);
	} else if (rc == CURLE_SSL_CERTPROBLEM) {
		snprintf(out, len, "the client certificate %s or its key %s cannot be used",
			 cert ? cert : "(none)", t->key_file ? t->key_file : "(none)");
	} else if (strstr(detail, "SSL certificate problem")) {
		if (strstr(detail, "expired"))
			snprintf(out, len, "the engine's certificate has expired");
		else if (strstr(detail, "not yet valid"))
			snprintf(out, len, "the engine's certificate is not valid yet");
		else if (strstr(detail, "self-signed") || strstr(detail, "issuer"))
			snprintf(out, len, "the engine's certificate is not signed by the CA in %s", ca);
		else
			snprintf(out, len, "the engine's certificate was not accepted");
	} else if (strstr(detail, "subject name") || strstr(detail, "host name")) {
		snprintf(out, len, "the engine's certificate does not name the host it was reached at");
	} else if (strstr(detail, "alert certificate required") ||
		   (!cert && fresh && (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR))) {
		snprintf(out, len, "the engine wants a client certificate and none was given; "
			 "put cert.pem and key.pem in DOCKER_CERT_PATH");
	} else if (cert && strstr(detail, "alert certificate expired")) {
		snprintf(out, len, "the engine refused the client certificate %s: it has expired", cert);
	} else if (cert && (strstr(detail, "alert unknown ca") || strstr(detail, "alert bad certificate") ||
			    strstr(detail, "alert certificate unknown") ||
			    strstr(detail, "alert decrypt error"))) {
		snprintf(out, len, "the engine refused the client certificate %s: "
			 "it is not signed by a CA the engine trusts", cert);
	} else if (cert && fresh && (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR)) {
		/* TLS 1.3: the server checks the client's certificate after the client
		 * considers the handshake done, and its alert is often lost in the reset. */
		snprintf(out, len, "the engine closed the connection right after the TLS handshake: "
			 "it refused the client certificate %s (expired, or not signed by a CA it trusts)",
			 cert);
	} else {
		return NULL;
	}
	return out;
}

/* BERTH_ENOFILES: the engine was not reached, whether it answers or not. */
static int
fail_nofiles(const struct http_target *t, struct berth_error *err)
{
	char *what = xasprintf("%s was not reached", what_of(t));
	berth_fail_nofiles(err, what);
	free(what);
	return -1;
}

/* Open libcurl's sockets, keeping socket()'s errno: libcurl reports running
 * out of descriptors as "couldn't connect", with no OS error. */
static curl_socket_t
open_socket(void *p, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)purpose;
	int *socket_errno = p;
	curl_socket_t s = socket(a->family, a->socktype, a->protocol);
	*socket_errno = s == CURL_SOCKET_BAD ? errno : 0;
	return s;
}

/* Turn a failed transfer into one sentence; socket_errno is open_socket's. */
static int
transfer_error(const struct http_target *t, const struct http_request *rq, CURL *easy,
	       CURLcode rc, const char *errbuf, int socket_errno, struct berth_error *err)
{
	const char *what = what_of(t);
	if (errno_is_nofiles(socket_errno))
		return fail_nofiles(t, err);
	long os_errno = 0;
	curl_off_t connect_us = 0, pretransfer_us = 0;
	curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
	curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
	char text[256];
	if (str_starts_with(t->base_url, "https:")) {
		long header_bytes = 0, connects = 0;
		curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &header_bytes);
		curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
		const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
		if (tls_problem(t, rc, detail, connects > 0 && header_bytes == 0, text, sizeof text))
			return berth_fail(err, BERTH_ECONNECT, "cannot reach %s: TLS failed: %s (%s)",
					  what, text, detail);
	}
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		errno_text((int)os_errno, text, sizeof text);
		return berth_fail(err, BERTH_ECONNECT, "cannot reach %s: %s", what, text);
	case CURLE_COULDNT_RESOLVE_HOST:
		return berth_fail(err, BERTH_ECONNECT, "cannot reach %s: the host name does not resolve",
				  what);
	case CURLE_OPERATION_TIMEDOUT:
		/* A reused connection has no connect time, but a pretransfer time. A
		 * deadline shorter than the connect timeout bounds the connecting too:
		 * an engine that took the connection and then answered nothing (a
		 * frozen one behind TLS, whose handshake it never answers) did not
		 * answer within it. */
		if (connect_us == 0 && pretransfer_us == 0 &&
		    !(rq->timeout_s > 0 && rq->timeout_s < t->connect_timeout))
			return berth_fail(err, BERTH_ECONNECT, "cannot reach %s: timed out after %g s",
					  what, t->connect_timeout);
		return berth_fail(err, BERTH_ETIMEOUT, "%s did not answer within %g s", what,
				  rq->timeout_s);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return berth_fail(err, BERTH_ECONNECT, "cannot reach %s: TLS failed: %s", what,
				  errbuf[0] ? errbuf : curl_easy_strerror(rc));
	case CURLE_GOT_NOTHING:
		return berth_fail(err, BERTH_EPROTOCOL, "%s closed the connection without answering",
				  what);
	default:
		return berth_fail(err, BERTH_EIO, "the connection to %s failed: %s", what,
				  errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
}

static struct curl_slist *
request_headers(const struct http_request *rq)
{
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Expect:");
	if (rq->content_type && (rq->body || rq->upload)) {
		char *ct = xasprintf("Content-Type: %s", rq->content_type);
		h = curl_slist_append(h, ct);
		free(ct);
	} else {
		h = curl_slist_append(h, "Content-Type:");
	}
	if (rq->upload)
		h = curl_slist_append(h, "Transfer-Encoding: chunked");
	for (size_t i = 0; rq->headers && rq->headers[i]; i++)
		h = curl_slist_append(h, rq->headers[i]);
	return h;
}

/* libcurl looks for a connection to reuse among the kept ones of the same
 * host and port, checking each it walks (a poll each): every unix socket was
 * "localhost:80" to it, so at 500 endpoints each request walked the kept
 * connections of all of them. A port of the socket's own, from its path (the
 * socket is what connects; two paths sharing one only share that walk),
 * keeps each endpoint's connections apart. */
static long
unix_socket_port(const char *path)
{
	unsigned long h = 5381;
	for (const char *p = path; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return (long)(1024 + h % (65536 - 1024));
}

/* ... while the Host header stays the URL's host, without that port. */
static struct curl_slist *
add_unix_host_header(struct curl_slist *h, const char *base_url)
{
	const char *host = strstr(base_url, "://");
	host = host ? host + 3 : base_url;
	char *line = xasprintf("Host: %.*s", (int)strcspn(host, "/:"), host);
	h = curl_slist_append(h, line);
	free(line);
	return h;
}

static void
setup_target(CURL *easy, const struct http_target *t, char *errbuf, int *socket_errno)
{
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, socket_errno);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "berth/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
	if (t->unix_path) {
		curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, t->unix_path);
		curl_easy_setopt(easy, CURLOPT_PORT, unix_socket_port(t->unix_path));
	} else {
		/* A silent stream (logs -f, events) over a dead TCP path is noticed
		 * within about two minutes (30 s idle, then 9 probes 10 s apart). */
		curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, 30L);
		curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, 10L);
	}
	long cms = (long)((t->connect_timeout > 0 ? t->connect_timeout : 5) * 1000);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, cms);
	if (t->ca_file)
		curl_easy_setopt(easy, CURLOPT_CAINFO, t->ca_file);
	if (t->cert_file)
		curl_easy_setopt(easy, CURLOPT_SSLCERT, t->cert_file);
	if (t->key_file)
		curl_easy_setopt(easy, CURLOPT_SSLKEY, t->key_file);
	/* Resuming sessions trips some TLS front ends (socat: "session id context
	 * uninitialized"); connections are kept alive, so resumption gains little. */
	curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	if (!t->tls_verify) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static void
setup_method(CURL *easy, struct http_request *rq)
{
	const char *m = rq->method ? rq->method : "GET";
	if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
		return;
	}
	if (strcmp(m, "GET") == 0 && !rq->body && !rq->upload)
		return;
	if (rq->upload) {
		if (strcmp(m, "PUT") == 0)
			curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
		else
			curl_easy_setopt(easy, CURLOPT_POST, 1L);
	} else if (rq->body || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(rq->body ? rq->body_len : 0));
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
	}
	if (strcmp(m, "POST") != 0)
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m);
}

/* Whether the stream has been silent past its stall timeout, and on_stall
 * does not vouch for the silence. Time spent in a slow sink does not count. */
static bool
stall_expired(struct http_xfer *x)
{
	const struct http_request *rq = x->rq;
	if (rq->stall_s <= 0)
		return false;
	if (x->moved != x->moved_seen) {
		x->moved_seen = x->moved;
		x->last_moved = now_monotonic();
		return false;
	}
	if (now_monotonic() - x->last_moved < rq->stall_s)
		return false;
	if (rq->on_stall && rq->on_stall(rq->stall_ctx) == 0) {
		x->last_moved = now_monotonic();
		return false;
	}
	x->stalled = true;
	return true;
}

/* Drive the transfer in short poll slices, watching the cancel flag and the
 * stall timeout. */
static CURLcode
run_transfer(struct http_handles *h, struct http_xfer *x)
{
	CURLMcode mc = curl_multi_add_handle(h->multi, h->easy);
	if (mc != CURLM_OK)
		return CURLE_FAILED_INIT;
	CURLcode rc = CURLE_OK;
	for (;;) {
		int running = 0;
		mc = curl_multi_perform(h->multi, &running);
		if (mc != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
		size_t round = x->pending.len;
		if (http_xfer_flush(x)) {
			rc = CURLE_WRITE_ERROR;
			break;
		}
		if (!running) {
			int left;
			CURLMsg *msg;
			while ((msg = curl_multi_info_read(h->multi, &left)))
				if (msg->msg == CURLMSG_DONE && msg->easy_handle == h->easy)
					rc = msg->data.result;
			break;
		}
		if (berth_cancel_is_set(x->rq->cancel)) {
			x->cancelled = true;
			rc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		if (stall_expired(x)) {
			rc = CURLE_OPERATION_TIMEDOUT;
			break;
		}
		/* A stream of small pieces (a log: one chunk per line) is read once a
		 * little has gathered, not at each piece: the CPU of a `logs` was in
		 * waking up, reading a line and writing it. What came is out already. */
		if (round && round < TRICKLE_MAX)
			usleep(TRICKLE_WAIT_US);
		mc = curl_multi_poll(h->multi, NULL, 0, POLL_SLICE_MS, NULL);
		if (mc != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
	}
	curl_multi_remove_handle(h->multi, h->easy);
	return rc;
}

static void
setup_callbacks(CURL *easy, struct http_xfer *x)
{
	if (x->rq->upload) {
		curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_upload);
		curl_easy_setopt(easy, CURLOPT_READDATA, x);
		curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, STREAM_BUFFER);
	}
	if (x->rq->sink)	/* fewer, larger reads of a long stream (logs, archives) */
		curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, STREAM_BUFFER);
	if (x->rq->timeout_s > 0)
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(x->rq->timeout_s * 1000));
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header_line);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(easy, CURLOPT_XFERINFODATA, x);
}

struct http_xfer *
http_xfer_setup(CURL *easy, const struct http_target *t, struct http_request *rq,
		struct http_response *resp, struct berth_error *err)
{
	memset(resp, 0, sizeof *resp);
	curl_easy_reset(easy);
	struct http_xfer *x = xcalloc(1, sizeof *x);
	*x = (struct http_xfer){ .easy = easy, .t = t, .rq = rq, .resp = resp, .err = err,
				 .last_moved = now_monotonic(),
				 .max_body = rq->max_body ? rq->max_body : DEFAULT_MAX_BODY };
	x->url = xasprintf("%s%s", t->base_url, rq->path ? rq->path : "/");
	x->hdrs = request_headers(rq);
	if (t->unix_path)
		x->hdrs = add_unix_host_header(x->hdrs, t->base_url);
	setup_target(easy, t, x->errbuf, &x->socket_errno);
	curl_easy_setopt(easy, CURLOPT_URL, x->url);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, x->hdrs);
	setup_method(easy, rq);
	setup_callbacks(easy, x);
	return x;
}

void
http_xfer_watch(struct http_xfer *x, void (*on_moved)(void *ctx), void *ctx)
{
	x->on_moved = on_moved;
	x->on_moved_ctx = ctx;
}

bool
http_xfer_answered(const struct http_xfer *x)
{
	return x->headers_done;
}

void
http_xfer_stop(struct http_xfer *x, bool stalled)
{
	if (stalled)
		x->stalled = true;
	else
		x->cancelled = true;
}

/* The outcome of a transfer that ended with rc, in http_perform's terms. */
static int
xfer_outcome(struct http_xfer *x, CURLcode rc)
{
	const struct http_target *t = x->t;
	struct http_request *rq = x->rq;
	struct berth_error *err = x->err;
	if (x->cancelled)
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	if (x->stalled)
		return berth_fail(err, BERTH_ETIMEOUT, "%s sent nothing for %g s, so berth gave up "
				  "(BERTH_STALL_TIMEOUT or stall_timeout sets how long to wait)",
				  what_of(t), rq->stall_s);
	if (x->too_large)
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent a reply too large (over %zu MiB)",
				  what_of(t), x->max_body >> 20);
	if (x->upload_failed) {
		if (err && rq->upload->err && rq->upload->err != err)
			*err = *rq->upload->err;
		return -1;
	}
	if (x->aborted_by_headers || (rc == CURLE_WRITE_ERROR && x->resp->sink_stopped))
		return 0;
	if (rc != CURLE_OK)
		return transfer_error(t, rq, x->easy, rc, x->errbuf, x->socket_errno, x->err);
	return 0;
}

int
http_xfer_finish(struct http_xfer *x, CURLcode rc)
{
	struct http_response *resp = x->resp;
	buf_free(&x->pending);
	int ret = xfer_outcome(x, rc);
	if (ret == 0 && !resp->body)
		resp->body = xstrdup("");
	if (ret < 0) {
		if (x->err)
			x->err->http_status = (int)resp->status;
		http_response_done(resp);	/* nothing to hand back after a failure */
	}
	/* The handle keeps pointers to x; clear them before reuse. */
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(x->hdrs);
	free(x->url);
	free(x);
	return ret;
}

int
http_perform(const struct http_target *t, struct http_request *rq, struct http_response *resp,
	     struct berth_error *err)
{
	memset(resp, 0, sizeof *resp);
	if (berth_cancel_is_set(rq->cancel))
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	bool temporary;
	struct http_handles *h = handles_acquire(&temporary);
	if (!h && errno_is_nofiles(errno))
		return fail_nofiles(t, err);
	if (!h)
		return berth_fail(err, BERTH_EIO, "cannot set up an HTTP transfer (libcurl failed)");
	struct http_xfer *x = http_xfer_setup(h->easy, t, rq, resp, err);
	int ret = http_xfer_finish(x, run_transfer(h, x));
	handles_release(h, temporary);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Hijacked connections. */

/* Split base_url into the Host header value and the path prefix. */
static void
url_host_and_prefix(const char *base_url, char **host, char **prefix)
{
	const char *p = strstr(base_url, "://");
	p = p ? p + 3 : base_url;
	const char *slash = strchr(p, '/');
	if (!slash) {
		*host = xstrdup(p);
		*prefix = xstrdup("");
	} else {
		*host = xstrndup(p, (size_t)(slash - p));
		*prefix = xstrdup(slash);
		size_t n = strlen(*prefix);
		if (n && (*prefix)[n - 1] == '/')
			(*prefix)[n - 1] = '\0';
	}
}


/* Read the reply's status line and headers, exactly up to the blank line, so
 * the stream that follows stays in the socket for the caller. */
static int
read_reply_head(int fd, double timeout_s, struct buf *head)
{
	double deadline = now_monotonic() + timeout_s;
	for (;;) {
		double left = deadline - now_monotonic();
		if (left <= 0)
			return -2;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return pr == 0 ? -2 : -1;
		char peek[4096];
		ssize_t n = recv(fd, peek, sizeof peek, MSG_PEEK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		/* Consume up to the end of the head, or all that was peeked. */
		size_t take = (size_t)n;
		buf_append(head, peek, (size_t)n);
		char *end = strstr(head->data, "\r\n\r\n");
		if (end) {
			size_t head_len = (size_t)(end - head->data) + 4;
			take = (size_t)n - (head->len - head_len);
			head->len = head_len;
			head->data[head_len] = '\0';
		}
		char sink[4096];
		if (recv(fd, sink, take, 0) != (ssize_t)take)
			return -1;
		if (end)
			return 0;
		if (head->len > 65536)
			return -1;
	}
}

/* A TLS connection handed out as a plain socket: a detached thread copies
 * between one end of a socket pair and libcurl's TLS stream. */
struct tls_bridge {
	CURL *easy;
	curl_socket_t sock;	/* the TLS connection's socket, for poll() */
	int local;		/* our end of the pair */
};

/* Send all of buf over TLS, waiting while the socket is full; -1 on failure. */
static int
bridge_send(struct tls_bridge *br, const char *buf, size_t n)
{
	while (n) {
		size_t sent = 0;
		CURLcode rc = curl_easy_send(br->easy, buf, n, &sent);
		if (rc == CURLE_AGAIN) {
			struct pollfd p = { .fd = br->sock, .events = POLLOUT };
			poll(&p, 1, 1000);
			continue;
		}
		if (rc != CURLE_OK)
			return -1;
		buf += sent;
		n -= sent;
	}
	return 0;
}

/* Copy everything TLS has decrypted to the local end; 1 when the remote closed. */
static int
bridge_drain(struct tls_bridge *br, char *buf, size_t len)
{
	for (;;) {
		size_t got = 0;
		CURLcode rc = curl_easy_recv(br->easy, buf, len, &got);
		if (rc == CURLE_AGAIN)
			return 0;
		if (rc != CURLE_OK || got == 0)
			return 1;
		if (http_send_all(br->local, buf, got) < 0)
			return 1;
	}
}

static void *
tls_bridge_run(void *p)
{
	struct tls_bridge *br = p;
	char buf[16384];
	bool local_open = true;
	for (;;) {
		struct pollfd fds[2] = { { .fd = br->sock, .events = POLLIN },
					 { .fd = br->local, .events = local_open ? POLLIN : 0 } };
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents && bridge_drain(br, buf, sizeof buf)) {
			shutdown(br->local, SHUT_WR);
			if (!local_open)
				break;
		}
		if (fds[1].revents & POLLHUP)
			break;	/* the caller closed its end */
		if (local_open && (fds[1].revents & POLLIN)) {
			ssize_t n = read(br->local, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {	/* the caller's half-close: pass it on */
				local_open = false;
				shutdown(br->sock, SHUT_WR);
			} else if (bridge_send(br, buf, (size_t)n) < 0) {
				break;
			}
		}
	}
	close(br->local);
	curl_easy_cleanup(br->easy);
	free(br);
	return NULL;
}

/* Our end of a socket pair bridged to the TLS connection, or -1. */
static int
tls_bridge_start(CURL *easy, curl_socket_t sock)
{
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		curl_easy_cleanup(easy);
		return -1;
	}
	struct tls_bridge *br = xmalloc(sizeof *br);
	*br = (struct tls_bridge){ .easy = easy, .sock = sock, .local = pair[1] };
	if (berth_thread_start(NULL, 0, true, tls_bridge_run, br) != 0) {
		close(pair[0]);
		close(pair[1]);
		curl_easy_cleanup(easy);
		free(br);
		return -1;
	}
	return pair[0];
}

int
http_hijack(const struct http_target *t, const char *method, const char *path,
	    const char *json_body, int *fd, long *status, struct berth_error *err)
{
	const char *what = what_of(t);
	CURL *easy = curl_easy_init();
	if (!easy)
		return berth_fail(err, BERTH_EIO, "cannot set up an HTTP transfer (libcurl failed)");
	char errbuf[CURL_ERROR_SIZE] = "";
	int socket_errno = 0;
	setup_target(easy, t, errbuf, &socket_errno);
	curl_easy_setopt(easy, CURLOPT_URL, t->base_url);
	curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
	CURLcode rc = curl_easy_perform(easy);
	if (rc != CURLE_OK) {
		struct http_request rq = { 0 };
		transfer_error(t, &rq, easy, rc, errbuf, socket_errno, err);
		curl_easy_cleanup(easy);
		return -1;
	}
	curl_socket_t sock = CURL_SOCKET_BAD;
	curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &sock);
	int s = -1, s_errno = 0;	/* the failed call's errno, before cleanup can change it */
	if (sock != CURL_SOCKET_BAD && str_starts_with(t->base_url, "https:")) {
		s = tls_bridge_start(easy, sock);	/* the bridge owns easy now */
		s_errno = errno;
	} else {
		s = sock == CURL_SOCKET_BAD ? -1 : dup(sock);
		s_errno = sock == CURL_SOCKET_BAD ? 0 : errno;
		curl_easy_cleanup(easy);
	}
	if (s < 0 && errno_is_nofiles(s_errno))
		return fail_nofiles(t, err);
	if (s < 0)
		return berth_fail(err, BERTH_EIO, "cannot open a connection to %s", what);

	char *host, *prefix;
	url_host_and_prefix(t->base_url, &host, &prefix);
	size_t blen = json_body ? strlen(json_body) : 0;
	char *req = xasprintf("%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: berth\r\n"
			      "Connection: Upgrade\r\nUpgrade: tcp\r\n"
			      "%sContent-Length: %zu\r\n\r\n%s",
			      method, prefix, path, host,
			      json_body ? "Content-Type: application/json\r\n" : "", blen,
			      json_body ? json_body : "");
	free(host);
	free(prefix);
	int sent = http_send_all(s, req, strlen(req));
	free(req);
	struct buf head = { 0 };
	int rr = sent < 0 ? -1 : read_reply_head(s, t->connect_timeout > 0 ? t->connect_timeout * 6 : 30,
						   &head);
	if (rr < 0) {
		buf_free(&head);
		close(s);
		if (rr == -2)
			return berth_fail(err, BERTH_ETIMEOUT, "%s did not answer the session request",
					  what);
		return berth_fail(err, BERTH_EIO, "the connection to %s broke during the session request",
				  what);
	}
	const char *sp = strchr(head.data, ' ');
	*status = sp ? strtol(sp + 1, NULL, 10) : 0;
	buf_free(&head);
	*fd = s;
	return 0;
}
