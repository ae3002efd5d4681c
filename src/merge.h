/* merge.h: lines from several sources, each in time order, written out in
 * one time order (berth logs A B C, berth events across endpoints, the
 * dashboard's merged logs of the marked containers).
 *
 * Producers (one thread per source) put lines; the consumer (the verb's own
 * thread, or a stream thread of the dashboard's pool) runs merge_run, which writes the oldest line whenever every live
 * source has one waiting, so a finished replay comes out exactly in order.
 * When following, a quiet source cannot hold the others back for ever: a line
 * that has waited MERGE_HOLD_MS goes out anyway (a later line of the quiet
 * source older than it then comes after it). Each source's queue is bounded (a
 * number of lines, each at most the line bound of struct merge_lines): a
 * producer whose queue is full waits, which slows its transfer, not memory;
 * one on the stream loop is paused instead (merge_on_room), its queue then
 * past the bound by what one read brought at most.
 */
#ifndef BERTH_MERGE_H
#define BERTH_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "berth.h"
#include "util.h"

#define MERGE_HOLD_MS 300	/* how long a line waits for a quiet source (following) */
#define MERGE_QUEUE 2048	/* lines waiting per source: the command line's */

struct merge;

/* Writes one line (without its newline) of source src and stream (an enum
 * berth_stream: BERTH_STDOUT or BERTH_STDERR). */
typedef void (*merge_emit_fn)(void *ctx, size_t src, int stream, const char *line, size_t len);

/* queue: the lines that may wait per source. */
struct merge *merge_new(size_t nsources, bool follow, size_t queue);
void merge_free(struct merge *m);
/* Any thread: a line of source src stamped ns (nanoseconds since the epoch);
 * the text is copied. Waits while src's queue is full; returns -1 (dropping
 * the line) once the merge is stopped. A source given a room callback never
 * waits: the line is kept past the bound and the call returns 1 when the
 * queue is full (its producer is to hold back until room). */
int merge_put(struct merge *m, size_t src, long long ns, int stream, const char *line,
	      size_t len);
/* Before src's first line: its producer must not wait (a stream on the stream
 * loop); room(ctx) runs on merge_run's thread once src's queue, which was
 * full, has room again. */
void merge_on_room(struct merge *m, size_t src, void (*room)(void *ctx), void *ctx);
/* Any thread: source src has no more lines. */
void merge_end(struct merge *m, size_t src);
/* Any thread: source src, which ended, has lines again (a container's log
 * followed anew after it restarted); false when the merge is over. */
bool merge_reopen(struct merge *m, size_t src);
/* The calling thread writes lines in order until every source ended or cancel
 * is set; then the merge is stopped (producers' merge_put return -1). */
void merge_run(struct merge *m, merge_emit_fn emit, void *ctx, berth_cancel *cancel);

/* "2026-12-06T16:40:07.714969874Z " (or +hh:mm) at the start of s: its time in
 * ns since the epoch, *rest after the blank; -1 when s does not start so. */
long long merge_parse_stamp(const char *s, size_t len, size_t *rest);

/* One log stream (read with timestamps=1) cut into lines for source index of
 * m: merge_lines_sink is its berth_sink, each line stamped with the engine's
 * time (a line without a stamp takes the one before it); a line longer than
 * line_max is cut into pieces. With keep_stamps the stamp stays on the line. */
struct merge_lines {
	struct merge *m;
	size_t index;
	size_t line_max;
	bool keep_stamps;
	struct buf part[3];	/* an unfinished line of stdout [1] and stderr [2] */
	long long last_ns;
};

/* BERTH_SINK_FULL when the source's queue is full (a source with a room
 * callback: the lines are kept all the same). */
int merge_lines_sink(void *ctx, enum berth_stream st, const char *buf, size_t len);
/* The stream ended: a last line without its newline goes, then merge_end
 * (after merge_reopen, l takes a new stream). */
void merge_lines_end(struct merge_lines *l);
void merge_lines_free(struct merge_lines *l);

#endif
