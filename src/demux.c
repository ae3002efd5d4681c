/* demux.c: the Docker stream demultiplexer.
 *
 * Frame: [type, 0, 0, 0, size as uint32 big-endian] then size payload bytes.
 * Types 0 (stdin, written on stdout) and 1 go to BERTH_STDOUT, 2 to
 * BERTH_STDERR; type 3 is a daemon error that ends the stream. Zero-length
 * frames are skipped. Bytes may arrive split at any offset. Consecutive frames
 * of one stream are joined before they reach the sink: a log of a million
 * one-line frames costs a few hundred sink calls, not a million.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "demux.h"

void
demux_init(struct demux *d, berth_sink sink, void *ctx)
{
	memset(d, 0, sizeof *d);
	d->sink = sink;
	d->ctx = ctx;
}

void
demux_done(struct demux *d)
{
	buf_free(&d->error);
	buf_free(&d->pending);
}

/* Hand the pending payload to the sink; 1 when the sink asked to stop. */
static int
demux_flush(struct demux *d)
{
	if (!d->pending.len)
		return 0;
	int stop = d->sink(d->ctx, d->pending_stream, d->pending.data, d->pending.len);
	d->pending.len = 0;
	if (stop == BERTH_SINK_FULL) {
		d->full = true;
	} else if (stop) {
		d->stopped = true;
		return 1;
	}
	return 0;
}

/* A complete header has arrived: check it and start its frame. */
static int
demux_header(struct demux *d)
{
	const unsigned char *h = d->header;
	d->header_len = 0;
	if (h[0] > 3 || h[1] || h[2] || h[3]) {
		buf_printf(&d->error, "the engine sent a malformed stream (frame header %02x %02x %02x %02x)",
			   h[0], h[1], h[2], h[3]);
		demux_flush(d);
		d->failed = true;
		return -1;
	}
	d->stream = h[0];
	d->left = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	return 0;
}

/* The end of a daemon error frame ends the stream. */
static int
demux_payload(struct demux *d, const char *p, size_t n)
{
	d->left -= (uint32_t)n;
	if (d->stream == 3) {
		buf_append(&d->error, p, n);
		if (d->left == 0) {
			demux_flush(d);
			d->failed = true;
			while (d->error.len && (d->error.data[d->error.len - 1] == '\n' ||
						d->error.data[d->error.len - 1] == '\r'))
				d->error.data[--d->error.len] = '\0';
			return -1;
		}
		return 0;
	}
	enum berth_stream s = d->stream == 2 ? BERTH_STDERR : BERTH_STDOUT;
	if (s != d->pending_stream && demux_flush(d))
		return 1;
	d->pending_stream = s;
	buf_append(&d->pending, p, n);
	return 0;
}

int
demux_feed(struct demux *d, const char *buf, size_t len)
{
	if (d->failed)
		return -1;
	if (d->stopped)
		return 1;
	while (len) {
		if (d->left == 0) {
			size_t take = 8 - d->header_len;
			if (take > len)
				take = len;
			memcpy(d->header + d->header_len, buf, take);
			d->header_len += take;
			buf += take;
			len -= take;
			if (d->header_len == 8 && demux_header(d) < 0)
				return -1;
			continue;
		}
		size_t take = d->left < len ? d->left : len;
		int r = demux_payload(d, buf, take);
		if (r)
			return r;
		buf += take;
		len -= take;
	}
	return demux_flush(d);
}

bool
demux_complete(const struct demux *d)
{
	return !d->failed && d->header_len == 0 && d->left == 0;
}

const char *
demux_error(const struct demux *d)
{
	return d->error.data ? d->error.data : "the stream ended in the middle of a frame";
}
