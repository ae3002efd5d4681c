/* dash-lifecycle.c: start, stop, restart, delete and kill the targets, and
 * (on Zun) associate or dissociate a floating IP: the dialogs that ask what
 * they must (signal, address, confirmation), then one job per container,
 * each on its own thread; one sentence in the message line when all are
 * done, naming each container that failed with its endpoint and why. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-actions.h"
#include "dash-stall.h"
#include "dash-targets.h"
#include "dash.h"
#include "dialog.h"
#include "util.h"

struct bulk {
	enum action a;
	size_t total, done, failed;
	char first_err[600];
	struct buf failures;	/* "edge-2/web: no such container; edge-3/db: not answering" */
	char *label;
	char *arg;
};

struct act_job {
	struct pool_job job;
	struct dash *d;
	struct bulk *bulk;
	enum action a;
	berth_endpoint *ep;
	char *id;
	char *where;		/* "edge-2/web" */
	const char *arg;	/* borrowed from bulk */
	bool force;		/* delete: kill it first if it runs */
	bool dissociate;	/* floating IP */
	char *assigned;
	int rc;
	struct berth_error err;
	struct stall_watch watch;	/* given up on when its engine stops answering */
};

static void
act_run(struct pool_job *pj)
{
	struct act_job *j = (struct act_job *)pj;
	switch (j->a) {
	case ACT_START: j->rc = berth_start(j->ep, j->id, pj->cancel, &j->err); break;
	case ACT_STOP: j->rc = berth_stop(j->ep, j->id, -1, pj->cancel, &j->err); break;
	case ACT_RESTART: j->rc = berth_restart(j->ep, j->id, -1, pj->cancel, &j->err); break;
	case ACT_DELETE: j->rc = berth_remove(j->ep, j->id, j->force, pj->cancel, &j->err); break;
	case ACT_KILL: j->rc = berth_kill(j->ep, j->id, j->arg, pj->cancel, &j->err); break;
	case ACT_FIP:
		j->rc = j->dissociate ? berth_fip_dissociate(j->ep, j->id, pj->cancel, &j->err)
			: berth_fip_associate(j->ep, j->id, j->arg && *j->arg ? j->arg : NULL,
					      &j->assigned, pj->cancel, &j->err);
		break;
	default: j->rc = berth_fail(&j->err, BERTH_EUSAGE, "not an action on a container"); break;
	}
}

static const char *
past_tense(enum action a)
{
	switch (a) {
	case ACT_START: return "started";
	case ACT_STOP: return "stopped";
	case ACT_RESTART: return "restarted";
	case ACT_DELETE: return "deleted";
	default: return "done";
	}
}

static void
bulk_report(struct dash *d, struct bulk *b, const char *assigned, bool dissociated)
{
	size_t ok = b->done - b->failed;
	if (b->total == 1 && b->failed)
		dash_message(d, true, "%s", b->first_err);
	else if (b->total == 1 && b->a == ACT_KILL)
		dash_message(d, false, "sent %s to %s", b->arg, b->label);
	else if (b->total == 1 && b->a == ACT_FIP && dissociated)
		dash_message(d, false, "dissociated the floating IP of %s", b->label);
	else if (b->total == 1 && b->a == ACT_FIP)
		dash_message(d, false, "associated floating IP %s with %s", assigned ? assigned : "?",
			     b->label);
	else if (b->total == 1)
		dash_message(d, false, "%s %s", past_tense(b->a), b->label);
	else if (b->failed)
		dash_message(d, true, "%s: %zu of %zu done; %s", action_name(b->a), ok, b->total,
			     b->failures.data);
	else
		dash_message(d, false, "%s: all %zu done", action_name(b->a), b->total);
}

static void
act_done(struct pool_job *pj)
{
	struct act_job *j = (struct act_job *)pj;
	struct bulk *b = j->bulk;
	stall_watch_end(j->d, &j->watch, &j->err);
	b->done++;
	if (j->rc < 0) {
		if (!b->failed++)
			snprintf(b->first_err, sizeof b->first_err, "%s", j->err.message);
		failures_add(&b->failures, j->where, stall_reason(&j->watch, &j->err));
	}
	j->d->nactions--;
	if (b->done == b->total) {
		if (!j->d->quit)
			bulk_report(j->d, b, j->assigned, j->dissociate);
		free(b->label);
		free(b->arg);
		buf_free(&b->failures);
		free(b);
	}
	if (!j->d->quit)
		feed_relist_all(&j->d->feed);
	free(j->assigned);
	free(j->id);
	free(j->where);
	free(j);
}

/* Submit action a for every target; the targets are freed. */
static void
act_submit(struct dash *d, enum action a, struct targets *t, bool dissociate)
{
	struct bulk *b = xcalloc(1, sizeof *b);
	b->a = a;
	b->total = t->n;
	b->label = targets_label(t);
	b->arg = xstrdup(t->arg);
	for (size_t i = 0; i < t->n; i++) {
		struct act_job *j = xcalloc(1, sizeof *j);
		j->job.run = act_run;
		j->job.done = act_done;
		/* A thread each: actions on a frozen engine must not hold the
		 * workers that list the other endpoints. */
		j->job.klass = POOL_STREAM;
		j->d = d;
		j->bulk = b;
		j->a = a;
		j->ep = t->v[i].e->ep;
		j->id = xstrdup(t->v[i].id);
		j->where = target_where(&t->v[i]);
		j->arg = b->arg;
		j->force = true;	/* confirmed: delete even if it started since */
		j->dissociate = dissociate;
		char *what = a == ACT_FIP ? xasprintf("the floating IP of %s", t->v[i].name)
			: xasprintf("%s %s", action_name(a), t->v[i].name);
		stall_watch_init(&j->watch, t->v[i].e, what);
		free(what);
		if (a == ACT_STOP || a == ACT_RESTART || a == ACT_KILL || a == ACT_DELETE)
			notice_expect_end(d, t->v[i].e->name, t->v[i].id);
		d->nactions++;
		if (pool_submit(d->pool, &j->job, &j->err) < 0) {
			j->rc = -1;
			act_done(&j->job);
		} else {
			stall_watch_begin(d, &j->watch, &j->job);
		}
	}
	char note[400];
	targets_wait_note(t, note, sizeof note);
	dash_message(d, note[0], "%s %s%s…", action_name(a), b->label, note);
	targets_free(t);
}

static void
confirmed(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	act_submit(d, (enum action)t->choice, t, false);
}

static void
ask_delete(struct dash *d, struct targets *t)
{
	t->choice = ACT_DELETE;
	bool running = false;
	for (size_t i = 0; i < t->n; i++)
		running |= t->v[i].running;
	char *label = targets_label(t);
	char *q = xasprintf("Delete %s%s?", label, running ? " (running: it will be killed)" : "");
	dialog_confirm(d, q, confirmed, t, targets_free);
	free(q);
	free(label);
}

static const char *const kill_signals[] = {
	"SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP",
	"SIGCONT",
};

static void
kill_signal_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	t->arg = xstrdup(kill_signals[choice]);
	t->choice = ACT_KILL;
	char *label = targets_label(t);
	char *q = xasprintf("Send %s to %s?", t->arg, label);
	dialog_confirm(d, q, confirmed, t, targets_free);
	free(q);
	free(label);
}

static void
ask_kill(struct dash *d, struct targets *t)
{
	dialog_menu(d, "Signal to send", kill_signals,
		    (int)(sizeof kill_signals / sizeof kill_signals[0]), 0, kill_signal_chosen, t,
		    targets_free);
}

/* The floating IP. */

static void
fip_address_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	t->arg = xstrdup(text);
	act_submit(d, ACT_FIP, t, false);
}

static void
fip_dissociate_confirmed(struct dash *d, const char *text, int choice, void *ctx)
{
	act_submit(d, ACT_FIP, ctx, true);
}

static const char *const fip_choices[] = { "Associate a floating IP", "Dissociate its floating IP" };

static void
fip_choice_made(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	struct target *g = &t->v[0];
	if (choice == 1) {
		char *q = g->fip ? xasprintf("Dissociate floating IP %s from %s?", g->fip, g->name)
			: xasprintf("Dissociate the floating IP of %s?", g->name);
		dialog_confirm(d, q, fip_dissociate_confirmed, t, targets_free);
		free(q);
	} else {
		char *q = xasprintf("Floating IP for %s (empty: allocate one):", g->name);
		dialog_prompt(d, q, "", fip_address_given, t, targets_free);
		free(q);
	}
}

/* On Zun, a menu (the list does not always say whether an address is
 * associated); elsewhere the library's one sentence says why it cannot. */
static void
ask_fip(struct dash *d, struct targets *t)
{
	struct target *g = &t->v[0];
	if (g->e->kind != BERTH_KIND_ZUN) {
		act_submit(d, ACT_FIP, t, false);
		return;
	}
	char *q = xasprintf("Floating IP of %s", g->name);
	dialog_menu(d, q, fip_choices, 2, g->fip ? 1 : 0, fip_choice_made, t, targets_free);
	free(q);
}

void
lifecycle_action(struct dash *d, enum action a, struct targets *t)
{
	switch (a) {
	case ACT_DELETE: ask_delete(d, t); break;
	case ACT_KILL: ask_kill(d, t); break;
	case ACT_FIP: ask_fip(d, t); break;
	default: act_submit(d, a, t, false); break;
	}
}
