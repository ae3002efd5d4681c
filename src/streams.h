/* streams.h (private): the stream loop, one thread driving every long-lived
 * HTTP stream (an endpoint's events, a log follow) through one libcurl multi
 * handle, instead of a thread per stream (streams.c).
 *
 * Threads: stream_open and stream_close may be called from any thread. A
 * stream's sink, on_stall and end run on the loop's thread and must not
 * block: they hand what they got to their owner (a queue and pool_notify).
 *
 * Lifetime: every stream_open that returns a stream is paired with exactly one
 * stream_close, and its end is called exactly once, before or after the
 * stream_close (STREAM_CLOSED when the close came first). ctx must live until
 * end has been called; the target's strings until then too (an endpoint's
 * target does: close its streams before closing the endpoint).
 *
 * Time: a stream whose stall_s > 0 ends with STREAM_STALL once nothing has
 * arrived for that long, less at most a tenth of it (a second at most) when
 * another stream's deadline woke the loop just before (unless on_stall, asked
 * then, returns 0). The loop keeps one timer, the earliest of all its
 * streams' deadlines, so an idle loop sleeps until then whatever the number
 * of streams, and deadlines that fall together share one wakeup.
 *
 * Back-pressure: a sink that returns BERTH_SINK_FULL has taken the bytes
 * but wants no more; the stream is paused (what arrives waits in libcurl, and
 * the silence is no stall) until its owner calls stream_resume.
 *
 * Connects: at most STREAM_CONNECTS_MAX streams wait for their reply's
 * headers at once; the others wait in a queue, in the order opened, so a
 * fleet coming back at once is reached a few endpoints at a time. An
 * exchange (rq->timeout_s > 0: a liveness probe) starts at once instead: it
 * keeps no connection busy past its deadline, and its owner has one at a
 * time per endpoint, so a frozen engine's probe never holds back the others.
 *
 * Wakeups: streams opened (or closed) together, before the loop takes them,
 * share one wakeup. Connections: the loop keeps, besides one for each
 * stream that ran at once, as many idle, and IDLE_CONNECTIONS more (at most
 * half the descriptors the process may open), so an endpoint's next probe
 * reuses the connection its last one left.
 *
 * Cost: the loop waits in epoll for the sockets libcurl watches, and each
 * turn visits only the streams that moved; all running streams are judged
 * only when the earliest stall deadline is due. An idle stream costs
 * nothing per turn.
 */
#ifndef BERTH_STREAMS_H
#define BERTH_STREAMS_H

#include "http.h"

#define STREAM_CONNECTS_MAX 16

enum stream_end {
	STREAM_EOF,	/* the exchange completed (any HTTP status: resp says), or the sink stopped it */
	STREAM_ERROR,	/* the transfer failed: err says why */
	STREAM_STALL,	/* nothing arrived for stall_s: err says so */
	STREAM_CLOSED,	/* stream_close came first */
};

/* resp: the status and headers, and a non-2xx reply's body (the engine's
 * message); err: the sentence of STREAM_ERROR and STREAM_STALL. Both are the
 * loop's, valid during the call only. */
typedef void (*stream_end_fn)(void *ctx, enum stream_end why, const struct http_response *resp,
			      const struct berth_error *err);

struct stream_loop;
struct berth_follow;

/* The process's loop, started at the first call (the dashboard's streams);
 * it lives as long as the process. NULL with err filled when it cannot start. */
struct stream_loop *stream_loop_shared(struct berth_error *err);
/* Start a loop's thread; NULL with err filled when it cannot. */
struct stream_loop *stream_loop_new(struct berth_error *err);
/* End every stream still open (STREAM_CLOSED), stop the thread, free. Every
 * stream must have been given back with stream_close first. */
void stream_loop_free(struct stream_loop *l);

/* Queue the request rq (its method, path, headers, sink, on_headers, stall_s,
 * on_stall and timeout_s, 0 for a stream; no body, no cancel: stream_close
 * stops it) to t, set up as
 * http_perform sets one up. The loop copies rq's path and headers. NULL with
 * err filled when the loop is stopping. */
struct berth_follow *stream_open(struct stream_loop *l, const struct http_target *t,
			   const struct http_request *rq, stream_end_fn end, void *ctx,
			   struct berth_error *err);
/* Give the stream back: stop it when it runs (its end follows, on the loop's
 * thread), or forget it when it has ended. s is not to be used after. */
void stream_close(struct berth_follow *s);
/* Any thread, before stream_close: the sink, which returned BERTH_SINK_FULL
 * (the stream's bytes have waited in libcurl since), takes bytes again. */
void stream_resume(struct berth_follow *s);

#endif
