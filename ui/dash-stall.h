/* dash-stall.h: the dashboard's own stall timeout for the jobs it starts on
 * one container (lifecycle, floating IP, inspect, exec, shell, copy): a job
 * whose endpoint has not answered for the stall timeout while it ran is
 * cancelled and ends with one sentence, whatever call it was waiting in
 * (dash-stall.c). */
#ifndef BERTH_DASH_STALL_H
#define BERTH_DASH_STALL_H

#include <stdbool.h>
#include <stddef.h>

#include "berth.h"
#include "pool.h"

struct dash;
struct dash_ep;

struct stall_watch {
	struct pool_job *job;
	struct dash_ep *e;
	char what[200];		/* "start web", for the sentence */
	double started;
	double limit_s;		/* the endpoint's stall timeout; 0: never */
	double gave_up_after;	/* > 0: cancelled when the engine had been silent this long */
	struct stall_watch *next;
};

/* A watch of a job on e; what names the job ("start web"). */
void stall_watch_init(struct stall_watch *w, struct dash_ep *e, const char *what);
/* Watch job (submitted) until stall_watch_end. */
void stall_watch_begin(struct dash *d, struct stall_watch *w, struct pool_job *job);
/* From the job's done(): stop watching. When the watch gave up on the job and
 * it ended cancelled, err gets the sentence that says why. */
void stall_watch_end(struct dash *d, struct stall_watch *w, struct berth_error *err);
/* Cancel the jobs whose engine has been silent for their stall timeout. */
void stall_watch_tick(struct dash *d, double now);
/* When stall_watch_tick must run next (a second while any job is watched). */
double stall_watch_next_deadline(struct dash *d, double now);

#endif
