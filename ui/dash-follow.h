/* dash-follow.h: a container's log followed on the stream loop, as the
 * dashboard holds it (the log pane, each container of the merged logs). The
 * follow is opened on a worker (berth_logs_open asks the engine first), and
 * stopped or resumed from the UI thread or the merge's, whichever comes
 * first: the slot hands the stream over under a lock, so a stop that comes
 * before the stream closes it as soon as it opens, and a resume that comes
 * before it is not lost. Stopping or resuming never blocks. */
#ifndef BERTH_DASH_FOLLOW_H
#define BERTH_DASH_FOLLOW_H

#include <pthread.h>
#include <stdbool.h>

#include "berth.h"

/* berth_logs_open, berth_follow_close and berth_follow_resume in the program;
 * scripted in tests/unit/test_feed.c. */
struct log_follow_ops {
	berth_follow *(*open)(berth_endpoint *ep, const char *ref, const struct berth_logs_opts *o,
			      berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
			      berth_cancel *cancel, struct berth_error *err);
	void (*close)(berth_follow *s);
	void (*resume)(berth_follow *s);
};

extern const struct log_follow_ops log_follow_engine_ops;

struct follow_slot {
	pthread_mutex_t lock;
	const struct log_follow_ops *ops;
	berth_follow *stream;	/* open and not stopped */
	bool stopped;
	bool resume_due;	/* resumed before it opened */
};

void follow_slot_init(struct follow_slot *s, const struct log_follow_ops *ops);
/* After the follow's end (or a failed open) and follow_slot_stop. */
void follow_slot_destroy(struct follow_slot *s);
/* Worker: open the follow (the arguments are berth_logs_open's); -1 with err
 * filled when it cannot (end then never runs). One stopped meanwhile is
 * closed at once, its end following as for any close. */
int follow_slot_open(struct follow_slot *s, berth_endpoint *ep, const char *id,
		     const struct berth_logs_opts *o, berth_sink sink, void *sink_ctx,
		     berth_follow_end_cb end, void *ctx, berth_cancel *cancel,
		     struct berth_error *err);
/* Any thread: stop the follow (its end follows if it runs) and give it back;
 * also once it has ended. */
void follow_slot_stop(struct follow_slot *s);
/* The follow ended and was stopped: ready to open another. */
void follow_slot_reset(struct follow_slot *s);
/* Any thread: its sink, which said BERTH_SINK_FULL, has room again. */
void follow_slot_resume(struct follow_slot *s);

#endif
