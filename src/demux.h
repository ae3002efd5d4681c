/* demux.h (private): Docker's multiplexed stream (8-byte frame headers) taken
 * apart incrementally, whatever the split of the bytes across reads. */
#ifndef BERTH_DEMUX_H
#define BERTH_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#include "berth.h"
#include "util.h"

struct demux {
	berth_sink sink;
	void *ctx;
	unsigned char header[8];
	size_t header_len;	/* bytes of the current header seen so far */
	uint32_t left;		/* payload bytes still due in the current frame */
	int stream;		/* the current frame's stream type */
	struct buf error;	/* a daemon error frame (type 3), or why the stream broke */
	struct buf pending;	/* payload of one stream not yet handed to the sink */
	enum berth_stream pending_stream;
	bool stopped;		/* the sink asked to stop */
	bool full;		/* the sink said BERTH_SINK_FULL (its reader clears it) */
	bool failed;		/* a bad header or a daemon error ended the stream */
};

void demux_init(struct demux *d, berth_sink sink, void *ctx);
void demux_done(struct demux *d);
/* Feed bytes; returns 0 to go on, 1 when the sink asked to stop, -1 when the
 * stream is broken or the daemon reported an error (see demux_error). Frames of
 * the same stream within one call reach the sink as one piece, and everything
 * fed has reached the sink when the call returns. */
int demux_feed(struct demux *d, const char *buf, size_t len);
/* True when the stream ended between frames. */
bool demux_complete(const struct demux *d);
/* The daemon's error text (type 3 frame) or a description of a bad header. */
const char *demux_error(const struct demux *d);

#endif
