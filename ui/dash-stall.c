/* dash-stall.c: the dashboard's stall timeout for its jobs (dash-stall.h).
 * The feed knows when an endpoint stopped answering (its liveness probe); a
 * job on it that has waited the endpoint's stall timeout since then (or since
 * it began, if later) is cancelled, so an action on a frozen engine ends with
 * one sentence instead of waiting for the engine's own timeouts. */
#include "config.h"

#include <stdio.h>

#include "dash-stall.h"
#include "dash.h"

#define WATCH_TICK_S 1.0	/* how often the watched jobs are looked at */

void
stall_watch_init(struct stall_watch *w, struct dash_ep *e, const char *what)
{
	w->e = e;
	snprintf(w->what, sizeof w->what, "%s", what);
}

void
stall_watch_begin(struct dash *d, struct stall_watch *w, struct pool_job *job)
{
	struct berth_error err;
	w->job = job;
	w->started = dash_now();
	if (berth_stall_timeout(w->e->ep, &w->limit_s, &err) < 0)
		w->limit_s = 0;	/* the job's own calls say what is wrong with the value */
	w->gave_up_after = 0;
	w->next = d->stall_watches;
	d->stall_watches = w;
}

void
stall_watch_end(struct dash *d, struct stall_watch *w, struct berth_error *err)
{
	for (struct stall_watch **p = &d->stall_watches; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	if (w->gave_up_after > 0 && err && err->code == BERTH_ECANCELLED)
		berth_fail(err, BERTH_ETIMEOUT, "%s: its engine has not answered for %.0f s, so berth "
			   "gave up (BERTH_STALL_TIMEOUT or stall_timeout sets how long to wait)",
			   w->what, w->gave_up_after);
}

void
stall_watch_tick(struct dash *d, double now)
{
	for (struct stall_watch *w = d->stall_watches; w; w = w->next) {
		if (w->limit_s <= 0 || w->gave_up_after > 0)
			continue;
		struct feed_ep_state st = feed_ep_state(w->e, now);
		if (st.cls != FEED_STALLED)
			continue;
		double silent = now - (st.since > w->started ? st.since : w->started);
		if (silent >= w->limit_s) {
			w->gave_up_after = silent;
			pool_cancel(w->job);
		}
	}
}

double
stall_watch_next_deadline(struct dash *d, double now)
{
	return d->stall_watches ? now + WATCH_TICK_S : now + 3600;
}
