/* dash-leases.c: reservation awareness. For every Zun endpoint, the project's
 * leases are asked of its reservation service (Blazar) on the worker pool at the
 * Zun poll interval, with the client `berth leases` uses (berth_lease_list: the
 * same, cancellable). The UI thread keeps each endpoint's last answer and shows
 * the active leases in a report (for view-leases.c), the soonest end in the
 * status line, and the lease of a container's reservation in its details. Nothing is guessed: an endpoint whose
 * catalog has no Blazar shows no lease, and a failed fetch says so. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dash.h"
#include "sanitize.h"
#include "util.h"

#define LEASES_DEADLINE 20.0	/* seconds before a fetch counts as stalled */

enum blazar { BZ_UNKNOWN, BZ_YES, BZ_NO };

struct lease_job;

/* One Zun endpoint's leases. */
struct ep_leases {
	size_t ep;			/* index in d->eps */
	enum blazar blazar;
	struct berth_lease *v;		/* the last answer */
	size_t n;
	time_t fetched;			/* when it came (wall clock); 0: never */
	char error[600];		/* why the last fetch failed; "" when it worked */
	struct lease_job *job;		/* in flight, or NULL */
	double next;			/* when to fetch again */
};

/* How near the soonest end is: the status line's mark and colour. */
enum nearness { NEAR_NO, NEAR_WARNING, NEAR_ALARM };

struct dash_leases {
	struct ep_leases *v;
	size_t n;
	char status[160];
	enum nearness near;		/* of the lease in status */
	char noticed[64];		/* the lease whose crossing of near was told */
	enum nearness noticed_near;
	time_t left_changes;		/* when a time left shown changes (wall clock) */
	unsigned answers;		/* fetches finished: the report may have changed */
};

struct lease_job {
	struct pool_job job;
	struct dash *d;
	size_t slot;
	berth_endpoint *ep;
	struct berth_lease *v;
	size_t n;
	int rc;
	struct berth_error err;
};

/* ACTIVE, or UPDATING (an active lease being changed). */
static bool
lease_active(const struct berth_lease *l)
{
	return l->status && (strcasecmp(l->status, "ACTIVE") == 0 ||
			     strcasecmp(l->status, "UPDATING") == 0);
}

/* The state, made on first use with a slot per Zun endpoint. */
static struct dash_leases *
state(struct dash *d)
{
	if (d->leases)
		return d->leases;
	struct dash_leases *s = xcalloc(1, sizeof *s);
	s->v = xcalloc(d->neps ? d->neps : 1, sizeof *s->v);
	for (size_t i = 0; i < d->neps; i++)
		if (berth_endpoint_kind(d->eps[i].ep) == BERTH_KIND_ZUN)
			s->v[s->n++].ep = i;
	d->leases = s;
	return s;
}

/* ---------------------------------------------------------------- fetching */

static void
fetch_run(struct pool_job *pj)
{
	struct lease_job *j = (struct lease_job *)pj;
	j->rc = berth_lease_list(j->ep, &j->v, &j->n, pj->cancel, &j->err);
}

static void
fetch_done(struct pool_job *pj)
{
	struct lease_job *j = (struct lease_job *)pj;
	struct dash *d = j->d;
	struct ep_leases *el = d->leases ? &d->leases->v[j->slot] : NULL;
	if (el && !d->quit) {
		el->job = NULL;
		el->next = dash_now() + d->zun_refresh_s;
		if (j->rc == 0) {
			berth_lease_list_free(el->v, el->n);
			el->v = j->v;
			el->n = j->n;
			j->v = NULL;
			el->blazar = BZ_YES;
			el->fetched = time(NULL);
			el->error[0] = '\0';
		} else if (j->err.code == BERTH_EUNSUPPORTED) {
			berth_lease_list_free(el->v, el->n);
			el->v = NULL;
			el->n = 0;
			el->blazar = BZ_NO;
			snprintf(el->error, sizeof el->error, "%s", j->err.message);
		} else if (j->err.code == BERTH_ECANCELLED) {
			snprintf(el->error, sizeof el->error, "Blazar did not answer within %.0f s",
				 LEASES_DEADLINE);
		} else {
			snprintf(el->error, sizeof el->error, "%s", j->err.message);
		}
		d->leases->answers++;
		dash_rebuild(d);	/* the rows' leases were the last answer's */
	} else if (el) {
		el->job = NULL;
	}
	berth_lease_list_free(j->v, j->n);
	free(j);
}

static void
fetch(struct dash *d, size_t slot, double now)
{
	struct ep_leases *el = &d->leases->v[slot];
	struct lease_job *j = xcalloc(1, sizeof *j);
	j->job.run = fetch_run;
	j->job.done = fetch_done;
	j->job.klass = POOL_BULK;	/* never the last free worker: lists come first */
	j->job.deadline = now + LEASES_DEADLINE;
	/* Skipped when its deadline passes in the queue: no answer, not "no leases". */
	j->rc = berth_fail(&j->err, BERTH_ECANCELLED, "cancelled before a worker was free");
	j->d = d;
	j->slot = slot;
	j->ep = d->eps[el->ep].ep;
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		snprintf(el->error, sizeof el->error, "%s", j->err.message);
		el->next = now + d->zun_refresh_s;
		free(j);
		return;
	}
	el->job = j;
}

/* ---------------------------------------------------------------- time */

/* Seconds until the text of a time left to end changes (minutes, rounded). */
static double
left_changes_in(time_t end, time_t now)
{
	long s = (long)(end - now);
	if (s <= 0)
		return 3600;
	long r = s % 60;
	return r ? (double)r : 60;
}

/* The soonest-ending active lease that has not ended, or NULL; *ep its endpoint. */
static const struct berth_lease *
soonest(struct dash_leases *s, time_t now, size_t *ep)
{
	const struct berth_lease *best = NULL;
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].n; k++) {
			const struct berth_lease *l = &s->v[i].v[k];
			if (lease_active(l) && l->end > now && (!best || l->end < best->end)) {
				best = l;
				*ep = s->v[i].ep;
			}
		}
	return best;
}

static enum nearness
nearness(struct dash *d, time_t end, time_t now)
{
	double left = (double)(end - now);
	if (d->lease_alarm_s > 0 && left <= d->lease_alarm_s)
		return NEAR_ALARM;
	if (d->lease_warning_s > 0 && left <= d->lease_warning_s)
		return NEAR_WARNING;
	return NEAR_NO;
}

/* A notice in the message line when the soonest lease comes within a threshold
 * (once per lease and threshold, also when it is already within at first sight). */
static void
notice_nearness(struct dash *d, const struct berth_lease *l, const char *name,
		const char *left)
{
	struct dash_leases *s = d->leases;
	const char *id = l->id ? l->id : "";
	bool same = strncmp(s->noticed, id, sizeof s->noticed - 1) == 0;
	if (s->near == NEAR_NO || (same && s->noticed_near >= s->near))
		return;
	snprintf(s->noticed, sizeof s->noticed, "%s", id);
	s->noticed_near = s->near;
	char leases_key[32];
	snprintf(leases_key, sizeof leases_key, "%s", keymap_keys(ACT_LEASES));	/* static */
	dash_message(d, s->near == NEAR_ALARM, "%s: lease %s ends in %s; extend it in the leases "
		     "view (%s, then %s) or with berth leases extend", s->near == NEAR_ALARM
		     ? "ALARM" : "warning", name, left, leases_key, keymap_keys(ACT_EXTEND));
}

static void
status_update(struct dash *d, time_t now)
{
	struct dash_leases *s = d->leases;
	size_t ep = 0;
	const struct berth_lease *l = soonest(s, now, &ep);
	char text[sizeof s->status] = "";
	s->near = l ? nearness(d, l->end, now) : NEAR_NO;
	if (l) {
		char left[32];
		char *name = sanitize_str(l->name && *l->name ? l->name : l->id);
		berth_lease_left(l->end, now, left, sizeof left);
		snprintf(text, sizeof text, " · lease %.32s ends in %s%s ", name, left,
			 s->near == NEAR_ALARM ? " (ALARM)" : s->near == NEAR_WARNING ? " (warning)" : "");
		notice_nearness(d, l, name, left);
		free(name);
	}
	if (strcmp(text, s->status) != 0) {
		snprintf(s->status, sizeof s->status, "%s", text);
		dash_changed(d);
	}
}

/* Seconds until a lease ending at end crosses threshold (0: off), or 60. */
static double
crossing_in(time_t end, double threshold, time_t now)
{
	double in = (double)(end - now) - threshold;
	return threshold > 0 && in > 0 && in < 60 ? in : 60;
}

/* Seconds until any time left shown changes, or a lease crosses a threshold
 * (at most 60). */
static double
next_change(struct dash *d, struct dash_leases *s, time_t wall)
{
	double next = 60;
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].n; k++) {
			const struct berth_lease *l = &s->v[i].v[k];
			if (!lease_active(l) || l->end <= wall)
				continue;
			double in = left_changes_in(l->end, wall);
			double warn = crossing_in(l->end, d->lease_warning_s, wall);
			double alarm = crossing_in(l->end, d->lease_alarm_s, wall);
			in = warn < in ? warn : in;
			in = alarm < in ? alarm : in;
			next = in < next ? in : next;
		}
	return next;
}

void
dash_leases_tick(struct dash *d, double now)
{
	struct dash_leases *s = state(d);
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].job && s->v[i].next <= now)
			fetch(d, i, now);
	time_t wall = time(NULL);
	status_update(d, wall);
	if (wall >= s->left_changes) {	/* the table's lease headers, the stage view */
		s->left_changes = wall + (time_t)next_change(d, s, wall);
		dash_changed(d);
	}
}

double
dash_leases_next_deadline(struct dash *d, double now)
{
	struct dash_leases *s = state(d);
	double next = now + next_change(d, s, time(NULL));
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].job && s->v[i].next < next)
			next = s->v[i].next;
	return next;
}

const char *
dash_leases_status_text(struct dash *d)
{
	return d->leases && d->leases->status[0] ? d->leases->status : NULL;
}

enum theme_elem
dash_leases_status_theme(struct dash *d)
{
	enum nearness near = d->leases ? d->leases->near : NEAR_NO;
	return near == NEAR_ALARM ? TH_BAD : near == NEAR_WARNING ? TH_WARN : TH_STATUS;
}

/* ---------------------------------------------------------------- the report */

static void
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!t || !localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "-");
}

/* One endpoint's part of the view. */
static void
view_endpoint(struct buf *b, struct dash *d, struct ep_leases *el, time_t now)
{
	buf_printf(b, "%s\n", d->eps[el->ep].name);
	if (el->blazar == BZ_NO) {
		buf_printf(b, "  %s\n\n", el->error);
		return;
	}
	if (el->blazar == BZ_UNKNOWN) {
		buf_printf(b, "  %s\n\n", el->error[0] ? el->error : "asking its reservation service...");
		return;
	}
	size_t active = 0;
	for (size_t k = 0; k < el->n; k++)
		active += lease_active(&el->v[k]);
	if (!active)
		buf_printf(b, "  no active lease\n");
	else
		buf_printf(b, "  %-24s %-8s  %-16s  %-16s  %-14s %s\n", "NAME", "ID", "START", "END",
			   "LEFT", "STATUS");
	for (size_t k = 0; k < el->n; k++) {
		const struct berth_lease *l = &el->v[k];
		if (!lease_active(l))
			continue;
		char start[32], end[32], left[32], *left_text;
		fmt_time(l->start, start, sizeof start);
		fmt_time(l->end, end, sizeof end);
		berth_lease_left(l->end, now, left, sizeof left);
		left_text = l->end > now ? xasprintf("%s left", left) : xstrdup(left);
		buf_printf(b, "  %-24.24s %-8.8s  %-16s  %-16s  %-14s %s\n", l->name ? l->name : "",
			   l->id ? l->id : "", start, end, left_text, l->status);
		free(left_text);
		for (size_t r = 0; r < l->nreservations; r++) {
			char *what = berth_reservation_text(&l->reservations[r]);
			buf_printf(b, "    %-22s %s (%.8s)\n", r ? "" : "reservations:", what,
				   l->reservations[r].id);
			free(what);
		}
	}
	if (active < el->n)
		buf_printf(b, "  %zu other lease%s not active (berth leases lists them all)\n",
			   el->n - active, el->n - active == 1 ? "" : "s");
	if (el->error[0]) {
		char at[32];
		fmt_time(el->fetched, at, sizeof at);
		buf_printf(b, "  %s; shown as of %s\n", el->error, at);
	}
	buf_printf(b, "\n");
}

char *
dash_leases_report(struct dash *d, time_t now, time_t *changes)
{
	struct dash_leases *s = state(d);
	struct buf b = { 0 };
	buf_printf(&b, "Active leases of the Zun endpoints (Blazar), asked every %.0f s; local times.\n\n",
		   d->zun_refresh_s);
	for (size_t i = 0; i < s->n; i++)
		view_endpoint(&b, d, &s->v[i], now);
	*changes = now + (time_t)next_change(d, s, now);
	return buf_steal(&b);
}

unsigned
dash_leases_answers(struct dash *d)
{
	return state(d)->answers;
}

bool
dash_leases_ask_now(struct dash *d)
{
	struct dash_leases *s = state(d);
	size_t without = 0;
	for (size_t i = 0; i < s->n; i++)
		without += s->v[i].blazar == BZ_NO;
	if (s->n == without) {
		dash_message(d, true, "no endpoint has a reservation service (Blazar): leases need a "
			     "Zun site whose catalog lists one");
		return false;
	}
	double now = dash_now();
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].job && s->v[i].blazar != BZ_NO)
			fetch(d, i, now);
	return true;
}

/* ---------------------------------------------------------------- for the views */

static int
cmp_end(const void *a, const void *b)
{
	time_t x = ((const struct dash_lease *)a)->l->end, y = ((const struct dash_lease *)b)->l->end;
	return (x > y) - (x < y);
}

size_t
dash_leases_active(struct dash *d, time_t now, struct dash_lease **out)
{
	struct dash_leases *s = state(d);
	struct dash_lease *v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].n; k++) {
			const struct berth_lease *l = &s->v[i].v[k];
			if (!lease_active(l) || l->end <= now)
				continue;
			v = xrealloc(v, (n + 1) * sizeof *v);
			v[n++] = (struct dash_lease){ .ep = &d->eps[s->v[i].ep], .l = l };
		}
	if (n)
		qsort(v, n, sizeof *v, cmp_end);
	*out = v;
	return n;
}

const struct berth_lease *
dash_leases_holding(struct dash *d, const struct dash_ep *e, const char *reservation)
{
	struct dash_leases *s = d->leases;
	for (size_t i = 0; s && reservation && i < s->n; i++) {
		if (&d->eps[s->v[i].ep] != e)
			continue;
		for (size_t k = 0; k < s->v[i].n; k++) {
			const struct berth_lease *l = &s->v[i].v[k];
			for (size_t r = 0; r < l->nreservations; r++)
				if (l->reservations[r].id && strcmp(l->reservations[r].id, reservation) == 0)
					return l;
		}
	}
	return NULL;
}

const struct berth_lease *
dash_leases_lease_of(void *ctx, const struct dash_ep *e, const char *reservation)
{
	return dash_leases_holding(ctx, e, reservation);
}

/* ---------------------------------------------------------------- details */

char *
dash_leases_reservation_text(struct dash *d, const struct dash_ep *e, const char *id)
{
	if (!id)
		return NULL;
	struct dash_leases *s = d->leases;
	for (size_t i = 0; s && i < s->n; i++) {
		if (&d->eps[s->v[i].ep] != e)
			continue;
		for (size_t k = 0; k < s->v[i].n; k++) {
			const struct berth_lease *l = &s->v[i].v[k];
			for (size_t r = 0; r < l->nreservations; r++) {
				if (strcmp(l->reservations[r].id, id) != 0)
					continue;
				char end[32], left[32];
				time_t now = time(NULL);
				fmt_time(l->end, end, sizeof end);
				berth_lease_left(l->end, now, left, sizeof left);
				return xasprintf("%s (lease %s, %s, %s %s%s%s)", id,
						 l->name ? l->name : l->id, l->status ? l->status : "",
						 l->end > now ? "ends" : "ended", end,
						 l->end > now ? ", " : "", l->end > now ? strcat(left, " left") : "");
			}
		}
	}
	return xstrdup(id);
}

void
dash_leases_free(struct dash *d)
{
	struct dash_leases *s = d->leases;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		berth_lease_list_free(s->v[i].v, s->v[i].n);
	free(s->v);
	free(s);
	d->leases = NULL;
}
