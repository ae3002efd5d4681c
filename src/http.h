/* http.h (private): the HTTP transport over libcurl, shared by every backend.
 *
 * One call performs one request on the calling thread: unix socket or TCP,
 * optional TLS, a connect timeout, a total timeout for ordinary calls, a body
 * streamed to a sink or collected (bounded), a request body from memory or
 * streamed from a reader, and cancellation checked from libcurl's progress
 * callback. Secrets in headers (X-Auth-Token...) never reach error messages.
 */
#ifndef BERTH_HTTP_H
#define BERTH_HTTP_H

#include <curl/curl.h>

#include "backend.h"

struct http_response;

struct http_target {
	const char *unix_path;	/* connect through this socket, or NULL for TCP */
	const char *base_url;	/* "http://localhost", "https://host:2376", "http://127.0.0.1:9517/v1" */
	double connect_timeout;	/* seconds, > 0 */
	/* TLS (ignored for plain http) */
	const char *ca_file, *cert_file, *key_file;
	bool tls_verify;	/* default true */
	const char *what;	/* for messages: "the Docker engine at /var/run/docker.sock" */
};

struct http_request {
	const char *method;		/* "GET" (default), "POST", "PUT", "DELETE", "HEAD" */
	const char *path;		/* appended to base_url, query included */
	const char *const *headers;	/* NULL-terminated "Name: value" lines, or NULL */
	const char *body;		/* in-memory body, or NULL */
	size_t body_len;
	const char *content_type;	/* with a body; NULL: none sent */
	struct tar_reader *upload;	/* streamed body (chunked), instead of body */
	double timeout_s;		/* total; <= 0: none (streams) */
	berth_cancel *cancel;
	berth_sink sink;		/* body bytes as they arrive (BERTH_STDOUT), or NULL */
	void *sink_ctx;			/*  ... with sink NULL the body is collected */
	size_t max_body;		/* limit on a collected body; 0: 64 MiB */
	/* Called once the status and headers are known, before any body byte; return
	 * non-zero to abort. May be NULL. */
	int (*on_headers)(void *ctx, long status, const struct http_response *resp);
	void *headers_ctx;
	/* Streams: when nothing has arrived (nor been sent of an upload) for stall_s
	 * seconds (<= 0: never), the
	 * call fails with BERTH_ETIMEOUT, unless on_stall (may be NULL), asked then,
	 * returns 0: the silence is legitimate and the wait starts again. */
	double stall_s;
	int (*on_stall)(void *ctx);
	void *stall_ctx;
};

struct http_header { char *name; char *value; };

struct http_response {
	long status;
	char *body; size_t body_len;	/* collected body (NUL-terminated), when no sink */
	struct http_header *headers; size_t nheaders;
	bool sink_stopped;		/* the sink asked to stop */
};

/* 0 when the exchange completed (any HTTP status; the caller judges it), -1 on a
 * transport failure, timeout or cancel, with err naming target->what (resp then
 * holds nothing to free). The body of a non-2xx reply is collected even when a
 * sink is given, so the caller can read the engine's error message. */
int http_perform(const struct http_target *t, struct http_request *rq, struct http_response *resp,
		 struct berth_error *err);
void http_response_done(struct http_response *resp);
/* One transfer on a libcurl handle, set up and read the one way http_perform
 * does, for whoever drives the handle (the stream loop, streams.c). setup
 * resets easy and sets it up for rq to t (both must outlive the transfer);
 * finish reads its outcome as http_perform returns it (rc: libcurl's result),
 * clears easy's pointers to the transfer and frees x. */
struct http_xfer;
struct http_xfer *http_xfer_setup(CURL *easy, const struct http_target *t, struct http_request *rq,
				  struct http_response *resp, struct berth_error *err);
int http_xfer_finish(struct http_xfer *x, CURLcode rc);
/* Have on_moved(ctx) called at each piece received or sent (on the thread
 * driving the handle, from within libcurl), so that a driver of many
 * transfers visits only those that moved. */
void http_xfer_watch(struct http_xfer *x, void (*on_moved)(void *ctx), void *ctx);
/* The reply's status and headers have come. */
bool http_xfer_answered(const struct http_xfer *x);
/* Hand the body bytes gathered to the sink; true when it asked to stop. */
bool http_xfer_flush(struct http_xfer *x);
/* The sink said BERTH_SINK_FULL: the transfer holds its bytes back (pauses)
 * until http_xfer_resume, which says whether it did; the driver then lets
 * libcurl go on (curl_easy_pause CURLPAUSE_CONT). Only a driver that does so
 * may give a sink that can be full. */
bool http_xfer_held(const struct http_xfer *x);
bool http_xfer_resume(struct http_xfer *x);
/* Why the driver stopped the transfer, for finish's sentence: silent past
 * rq->stall_s (stalled), or cancelled. */
void http_xfer_stop(struct http_xfer *x, bool stalled);

/* Free the headers only (a new status line starts another header block). */
void http_response_clear_headers(struct http_response *resp);
/* Case-insensitive header lookup; NULL when absent. */
const char *http_header(const struct http_response *resp, const char *name);

/* A hijacked connection (docker exec with a TTY): sends the request with
 * "Connection: Upgrade" / "Upgrade: tcp", reads the status line and headers,
 * and hands over the connected socket. The caller closes *fd. */
int http_hijack(const struct http_target *t, const char *method, const char *path,
		const char *json_body, int *fd, long *status, struct berth_error *err);

/* Percent-encode s for a URL query or path segment (caller frees). */
char *http_escape(const char *s);

/* Write all of buf to fd; to a socket with MSG_NOSIGNAL, so a closed peer is an
 * error and not a SIGPIPE. 0, or -1 with errno set. */
int http_send_all(int fd, const void *buf, size_t n);

#endif
