/* dash-outbuf.h: bytes from a worker's stream (logs, exec output) on their way
 * to a text pane. The worker appends; the UI takes everything at once when the
 * pool runs the note job. A worker that would get more than OUTBUF_MAX bytes
 * ahead of the UI waits, so a flood costs CPU, never memory. Two buffers take
 * turns (the worker fills one while the UI reads the other) and are kept for
 * the stream's life, so a flood allocates nothing after its first second.
 * A producer on the stream loop never waits: outbuf_offer says when it is to
 * hold back, and outbuf_room when it may go on. */
#ifndef BERTH_DASH_OUTBUF_H
#define BERTH_DASH_OUTBUF_H

#include <pthread.h>
#include <stddef.h>

#include "logpane.h"
#include "pool.h"
#include "util.h"

#define OUTBUF_MAX (256u << 10)

/* A record's stream byte: the stream in its low bits; a merged log's whole
 * line also has its source + 1 above them (outbuf_source_stream). */
#define OUTBUF_STREAM_MASK 3u
#define OUTBUF_SOURCE_SHIFT 2
#define outbuf_source_stream(stream, src) \
	((int)((stream) | ((unsigned)(src) + 1u) << OUTBUF_SOURCE_SHIFT))

struct outbuf {
	pthread_mutex_t lock;
	pthread_cond_t space;
	struct buf pending;	/* records: stream byte, 4-byte length, bytes */
	struct buf spare;	/* UI thread only: the other buffer, empty */
	struct pool *pool;
	struct pool_job *job;	/* the producer; its cancel flag stops a wait */
	struct pool_job note;	/* notify-only: bytes are waiting */
	bool held;		/* under the lock: outbuf_offer said full */
	bool room;		/* UI thread only: taken since (outbuf_room) */
};

/* note_done runs on the UI thread; it finds its struct with container_of on note. */
void outbuf_init(struct outbuf *o, struct pool *p, struct pool_job *job,
		 void (*note_done)(struct pool_job *));
void outbuf_done(struct outbuf *o);
/* Worker thread: keep bytes (a berth_sink body), or one whole line of a
 * merged log's source (stream from outbuf_source_stream, src <
 * LOGPANE_SOURCES_MAX); non-zero when cancelled. */
int outbuf_put(struct outbuf *o, int stream, const char *buf, size_t len);
/* As outbuf_put for a producer that must not wait (a stream on the stream
 * loop's thread): the bytes are kept all the same, and BERTH_SINK_FULL says
 * they reach past OUTBUF_MAX (the producer then holds back until room). */
int outbuf_offer(struct outbuf *o, int stream, const char *buf, size_t len);
/* UI thread: what outbuf_offer said full has been taken since (once). */
bool outbuf_room(struct outbuf *o);
/* UI thread: feed everything waiting into lp (NULL discards); true if any. */
bool outbuf_take(struct outbuf *o, struct logpane *lp);

#endif
