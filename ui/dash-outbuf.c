/* dash-outbuf.c: the bounded hand-off from a stream worker to the UI. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "dash-outbuf.h"

void
outbuf_init(struct outbuf *o, struct pool *p, struct pool_job *job,
	    void (*note_done)(struct pool_job *))
{
	memset(o, 0, sizeof *o);
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->space, NULL);
	o->pool = p;
	o->job = job;
	o->note.done = note_done;
}

void
outbuf_done(struct outbuf *o)
{
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->space);
	buf_free(&o->pending);
	buf_free(&o->spare);
}

/* Under the lock: one record. */
static void
append_record(struct outbuf *o, int stream, const char *buf, size_t len)
{
	unsigned char hdr[5] = { (unsigned char)stream, (unsigned char)(len >> 24),
				 (unsigned char)(len >> 16), (unsigned char)(len >> 8),
				 (unsigned char)len };
	buf_append(&o->pending, hdr, sizeof hdr);
	buf_append(&o->pending, buf, len);
}

int
outbuf_put(struct outbuf *o, int stream, const char *buf, size_t len)
{
	pthread_mutex_lock(&o->lock);
	while (o->pending.len > 0 && o->pending.len + 5 + len >= OUTBUF_MAX &&
	       !berth_cancel_is_set(o->job->cancel)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&o->space, &o->lock, &ts);
	}
	if (berth_cancel_is_set(o->job->cancel)) {
		pthread_mutex_unlock(&o->lock);
		return 1;
	}
	append_record(o, stream, buf, len);
	pthread_mutex_unlock(&o->lock);
	pool_notify(o->pool, &o->note);
	return 0;
}

int
outbuf_offer(struct outbuf *o, int stream, const char *buf, size_t len)
{
	pthread_mutex_lock(&o->lock);
	append_record(o, stream, buf, len);
	bool full = o->pending.len >= OUTBUF_MAX;
	o->held |= full;
	pthread_mutex_unlock(&o->lock);
	pool_notify(o->pool, &o->note);
	return full ? BERTH_SINK_FULL : 0;
}

bool
outbuf_room(struct outbuf *o)
{
	bool room = o->room;
	o->room = false;
	return room;
}

bool
outbuf_take(struct outbuf *o, struct logpane *lp)
{
	pthread_mutex_lock(&o->lock);
	struct buf b = o->pending;
	o->pending = o->spare;
	if (o->held) {
		o->held = false;
		o->room = true;
	}
	pthread_cond_signal(&o->space);
	pthread_mutex_unlock(&o->lock);
	for (size_t off = 0; lp && off + 5 <= b.len;) {
		const unsigned char *h = (const unsigned char *)b.data + off;
		size_t len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
		if (h[0] >> OUTBUF_SOURCE_SHIFT)	/* a merged line of source h[0] >> 2, less one */
			logpane_add_sourced(lp, h[0] & OUTBUF_STREAM_MASK,
					    (h[0] >> OUTBUF_SOURCE_SHIFT) - 1u, b.data + off + 5, len);
		else
			logpane_feed(lp, h[0], b.data + off + 5, len);
		off += 5 + len;
	}
	bool any = b.len > 0;
	b.len = 0;
	o->spare = b;
	return any;
}
