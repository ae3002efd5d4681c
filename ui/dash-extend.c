/* dash-extend.c: extend a lease from the leases view (the extend key): which
 * lease (a menu when several are active), by how much (a menu of durations),
 * a confirmation naming the new end, then Blazar's lease update on the pool
 * (berth_lease_extend, as `berth leases extend LEASE --by` does). The answer is
 * one sentence in the message line: the new end, or Blazar's refusal in its own
 * words; the leases are asked again either way. The leases of read-only
 * endpoints are not offered (all of them read-only: the mode's sentence). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dash.h"
#include "dialog.h"
#include "sanitize.h"
#include "util.h"

static const struct {
	const char *label;
	long seconds;
} durations[] = {
	{ "30 minutes", 1800 }, { "1 hour", 3600 }, { "2 hours", 7200 },
	{ "6 hours", 21600 }, { "1 day", 86400 },
};
#define NDURATIONS (int)(sizeof durations / sizeof durations[0])

/* What the dialogs carry to the job: copies, since the leases may be asked
 * again while a dialog is open. */
struct extend {
	char **names;			/* the active leases, as the menu shows them */
	char **ids;
	berth_endpoint **eps;
	time_t *ends;
	size_t n;
	size_t lease;			/* the one chosen */
	int duration;			/* index in durations */
};

struct extend_job {
	struct pool_job job;
	struct dash *d;
	struct extend *x;
	struct berth_lease out;
	int rc;
	struct berth_error err;
};

static void
extend_free(void *ctx)
{
	struct extend *x = ctx;
	for (size_t i = 0; i < x->n; i++) {
		free(x->names[i]);
		free(x->ids[i]);
	}
	free(x->names);
	free(x->ids);
	free(x->eps);
	free(x->ends);
	free(x);
}

static void
fmt_end(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "-");
}

static void
extend_run(struct pool_job *pj)
{
	struct extend_job *j = (struct extend_job *)pj;
	const struct extend *x = j->x;
	j->rc = berth_lease_extend(x->eps[x->lease], x->ids[x->lease], durations[x->duration].seconds,
				   0, &j->out, pj->cancel, &j->err);
}

static void
extend_done(struct pool_job *pj)
{
	struct extend_job *j = (struct extend_job *)pj;
	struct dash *d = j->d;
	d->nactions--;
	if (!d->quit && j->rc == 0) {
		char end[32], left[32];
		fmt_end(j->out.end, end, sizeof end);
		dash_message(d, false, "lease %s extended by %s: it ends %s, %s left",
			     j->x->names[j->x->lease],
			     durations[j->x->duration].label, end,
			     berth_lease_left(j->out.end, time(NULL), left, sizeof left));
	} else if (!d->quit) {
		dash_message(d, true, "%s", j->err.message);
	}
	if (!d->quit)
		dash_leases_ask_now(d);
	berth_lease_done(&j->out);
	extend_free(j->x);
	free(j);
}

static void
extend_confirmed(struct dash *d, const char *text, int choice, void *ctx)
{
	struct extend_job *j = xcalloc(1, sizeof *j);
	j->job.run = extend_run;
	j->job.done = extend_done;
	j->d = d;
	j->x = ctx;
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		dash_message(d, true, "%s", j->err.message);
		extend_free(j->x);
		free(j);
		return;
	}
	d->nactions++;
	dash_message(d, false, "extending lease %s by %s...", j->x->names[j->x->lease],
		     durations[j->x->duration].label);
}

static void
duration_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct extend *x = ctx;
	char end[32], label[200];
	x->duration = choice;
	fmt_end(x->ends[x->lease] + durations[choice].seconds, end, sizeof end);
	snprintf(label, sizeof label, "extend lease %s by %s, to end %s?", x->names[x->lease],
		 durations[choice].label, end);
	dialog_confirm(d, label, extend_confirmed, x, extend_free);
}

static void
ask_duration(struct dash *d, struct extend *x)
{
	static const char *labels[NDURATIONS];
	for (int i = 0; i < NDURATIONS; i++)
		labels[i] = durations[i].label;
	char label[120];
	snprintf(label, sizeof label, "extend lease %s by", x->names[x->lease]);
	dialog_menu(d, label, labels, NDURATIONS, 1, duration_chosen, x, extend_free);
}

static void
lease_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct extend *x = ctx;
	x->lease = (size_t)choice;
	ask_duration(d, x);
}

void
lease_extend_ask(struct dash *d)
{
	struct dash_lease *v;
	size_t all = dash_leases_active(d, time(NULL), &v), n = 0;
	struct berth_error err = { 0 };
	for (size_t i = 0; i < all; i++)	/* read-only endpoints' leases are not offered */
		if (berth_refuse_if_read_only(v[i].ep->ep, "extending leases", &err) == 0)
			v[n++] = v[i];
	if (!n) {
		if (all)
			dash_message(d, true, "%s", err.message);
		else
			dash_message(d, true, "no active lease to extend (the leases are asked every "
				     "%.0f s)", d->zun_refresh_s);
		free(v);
		return;
	}
	struct extend *x = xcalloc(1, sizeof *x);
	x->n = n;
	x->names = xcalloc(n, sizeof *x->names);
	x->ids = xcalloc(n, sizeof *x->ids);
	x->eps = xcalloc(n, sizeof *x->eps);
	x->ends = xcalloc(n, sizeof *x->ends);
	for (size_t i = 0; i < n; i++) {
		const struct berth_lease *l = v[i].l;
		x->names[i] = sanitize_str(l->name && *l->name ? l->name : l->id);
		x->ids[i] = xstrdup(l->id ? l->id : "");
		x->eps[i] = v[i].ep->ep;
		x->ends[i] = l->end;
	}
	free(v);
	if (n == 1) {
		ask_duration(d, x);
	} else {
		dialog_menu(d, "extend which lease?", (const char *const *)x->names, (int)x->n, 0,
			    lease_chosen, x, extend_free);
	}
}
