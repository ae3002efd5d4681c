/* dash-targets.h: the containers an action acts on, and the job every
 * action on one container starts from (dash-targets.c). Targets are kept by
 * endpoint and id, never by row: the table may change while a dialog asks. */
#ifndef BERTH_DASH_TARGETS_H
#define BERTH_DASH_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "berth.h"
#include "dash-stall.h"
#include "pool.h"
#include "util.h"

struct dash;
struct dash_ep;

struct target {
	struct dash_ep *e;
	char *id, *name, *fip;
	bool running;
};

struct targets {
	struct target *v;
	size_t n;
	char *arg;		/* a signal, an address, a path... */
	char *arg2;
	int choice;
};

void targets_free(void *t);
/* The marked containers (bulk) when bulk is allowed and any are marked, else
 * the selected one; NULL (with a message) when there is none. */
struct targets *targets_collect(struct dash *d, bool bulk);
/* When changes (what the action does: "removing containers") is not NULL and
 * a target's endpoint is read-only: the refusal in the message line, t freed,
 * true. */
bool targets_refused(struct dash *d, struct targets *t, const char *changes);
/* "web" or "3 containers" */
char *targets_label(const struct targets *t);
/* "edge-2/web": the container with its endpoint, for what failed where. */
char *target_where(const struct target *g);
/* Append "edge-2/web: exit 7" to a list of failures ("; " between them). */
void failures_add(struct buf *list, const char *where, const char *reason);
/* When a target's engine is not answering: " (its engine is not answering
 * for 12 s; this waits for it)", so an action never waits silently; else "". */
const char *targets_wait_note(const struct targets *t, char *buf, size_t len);
/* The same for one endpoint. */
const char *ep_wait_note(const struct dash_ep *e, char *buf, size_t len);

/* Why a job failed, short: "not answering" when the stall watch gave it up. */
const char *stall_reason(const struct stall_watch *w, const struct berth_error *err);

/* What every job on one container (inspect, exec, shell, copy) starts with. */
struct ctr_job {
	struct pool_job job;
	struct dash *d;
	berth_endpoint *ep;
	char *id, *name;
	int rc;
	struct berth_error err;
	char wait_note[120];		/* targets_wait_note's, for the job's first message */
	struct stall_watch watch;	/* given up on when its engine stops answering */
	void (*then)(struct pool_job *);	/* the job's own done() */
};

/* j is the first member of a calloc'ed job; g its container; verb says what the
 * job does to it ("exec in"), for the sentence of a job given up on. */
void ctr_job_init(struct ctr_job *j, struct dash *d, const struct target *g, const char *verb,
		  void (*run)(struct pool_job *), void (*done)(struct pool_job *),
		  enum pool_class klass);
void ctr_job_free(struct ctr_job *j);
/* Submit j; when the pool refuses, the message line says why and the job's
 * own fields are the caller's to free. */
bool ctr_job_submit(struct ctr_job *j);

#endif
