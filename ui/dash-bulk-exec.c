/* dash-bulk-exec.c: one command in every marked container, across endpoints,
 * its results in one pane (the "bulk-exec" view).
 *
 * At most FLEET_PARALLEL containers run it at once, each a job on the pool
 * with a thread of its own (a frozen engine holds none of the workers that
 * list) and the stall watch of every container job, so a stalled engine is
 * given up on. A container's output is kept (at most BULK_EXEC_KEEP bytes) and
 * shown when its command ends, under a header "ENDPOINT/NAME: exit N", in the
 * order they end: a slow or stalled endpoint holds back only its own. At the
 * end a summary, in the pane and in the message line: "3 ok, 1 failed
 * (edge-2/web: exit 7; edge-3/db: not answering)". Closing the view stops
 * every command and starts no more. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-fleet.h"
#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"
#include "view-pane.h"

#define BULK_EXEC_KEEP (64u << 10)	/* output kept per container */

struct bulk_exec_job;

struct bulk_exec {
	struct dash *d;
	struct pane *pane;		/* NULL once the view closed */
	struct targets *t;
	char **argv;
	struct bulk_exec_job **live;	/* by target: its job while it runs */
	size_t next, running, ok, failed;
	struct buf failures;		/* "edge-2/web: exit 7; edge-3/db: not answering" */
};

struct bulk_exec_job {
	struct ctr_job c;
	struct bulk_exec *b;
	size_t index;			/* its target */
	struct buf out;			/* stdout and stderr as they came, cut at BULK_EXEC_KEEP */
	bool cut;
	int exit_code;
};

static int
keep_output(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct bulk_exec_job *j = ctx;
	size_t room = BULK_EXEC_KEEP - j->out.len;
	if (len > room) {
		j->cut = true;
		len = room;
	}
	buf_append(&j->out, buf, len);
	return 0;	/* the command runs to its end, its exit code is wanted */
}

static void
bulk_exec_run(struct pool_job *pj)
{
	struct bulk_exec_job *j = (struct bulk_exec_job *)pj;
	j->c.rc = berth_exec(j->c.ep, j->c.id, j->b->argv, NULL, keep_output, j, &j->exit_code,
			     pj->cancel, &j->c.err);
}

/* Why it failed, short, for the summary; NULL when it did not. */
static char *
failure_of(const struct bulk_exec_job *j)
{
	if (j->c.rc == 0)
		return j->exit_code == 0 ? NULL : xasprintf("exit %d", j->exit_code);
	return xstrdup(stall_reason(&j->c.watch, &j->c.err));
}

/* Its header and output at the end of the pane. */
static void
show_result(struct bulk_exec *b, const struct bulk_exec_job *j, const char *failure)
{
	struct logpane *lp = &b->pane->lp;
	char *at = target_where(&b->t->v[j->index]);
	char *head = j->c.rc == 0 ? xasprintf("%s: exit %d", at, j->exit_code)
		: xasprintf("%s: %s", at, j->c.err.message);
	logpane_add_text(lp, failure ? BERTH_STDERR : BERTH_STDOUT, head);
	logpane_feed(lp, BERTH_STDOUT, j->out.data ? j->out.data : "", j->out.len);
	logpane_flush(lp);
	if (j->cut)
		logpane_add_text(lp, BERTH_STDERR, "(the output past 64 KiB is not kept)");
	free(head);
	free(at);
}

static void bulk_exec_pump(struct bulk_exec *b);

static void
bulk_exec_finish(struct bulk_exec *b)
{
	struct dash *d = b->d;
	size_t not_run = b->t->n - b->ok - b->failed;
	char *summary = b->failed ? xasprintf("%zu ok, %zu failed (%s)", b->ok, b->failed,
					      b->failures.data)
		: xasprintf("%zu ok", b->ok);
	char *line = not_run ? xasprintf("%s; %zu not run (stopped)", summary, not_run)
		: xstrdup(summary);
	if (b->pane) {
		b->pane->owner = NULL;
		logpane_add_text(&b->pane->lp, b->failed ? BERTH_STDERR : BERTH_STDOUT, line);
		dash_changed(d);
	}
	if (!d->quit)
		dash_message(d, b->failed > 0, "exec: %s", line);
	free(line);
	free(summary);
	buf_free(&b->failures);
	berth_strv_free(b->argv);
	targets_free(b->t);
	free(b->live);
	free(b);
}

static void
bulk_exec_done(struct pool_job *pj)
{
	struct bulk_exec_job *j = (struct bulk_exec_job *)pj;
	struct bulk_exec *b = j->b;
	b->d->nactions--;
	b->running--;
	b->live[j->index] = NULL;
	char *failure = failure_of(j);
	if (failure) {
		char *at = target_where(&b->t->v[j->index]);
		failures_add(&b->failures, at, failure);
		b->failed++;
		free(at);
	} else {
		b->ok++;
	}
	if (b->pane) {
		show_result(b, j, failure);
		dash_changed(b->d);
	}
	free(failure);
	buf_free(&j->out);
	ctr_job_free(&j->c);
	bulk_exec_pump(b);
}

/* Start jobs up to FLEET_PARALLEL running; the summary when all ended. */
static void
bulk_exec_pump(struct bulk_exec *b)
{
	while (b->pane && !b->d->quit && b->running < FLEET_PARALLEL && b->next < b->t->n) {
		size_t i = b->next++;
		struct bulk_exec_job *j = xcalloc(1, sizeof *j);
		ctr_job_init(&j->c, b->d, &b->t->v[i], "exec in", bulk_exec_run, bulk_exec_done,
			     POOL_STREAM);
		j->b = b;
		j->index = i;
		if (!ctr_job_submit(&j->c)) {
			ctr_job_free(&j->c);
			b->next = b->t->n;	/* the pool refuses: the message line says why */
			break;
		}
		b->live[i] = j;
		b->running++;
		b->d->nactions++;
	}
	if (!b->running && (b->next == b->t->n || !b->pane || b->d->quit))
		bulk_exec_finish(b);
}

/* The view closed: the commands are stopped, no more start. */
static void
bulk_exec_view_close(struct view *v)
{
	struct pane *p = v->priv;
	struct bulk_exec *b = p->owner;
	if (b) {
		b->pane = NULL;
		for (size_t i = 0; i < b->t->n; i++)
			if (b->live[i])
				pool_cancel(&b->live[i]->c.job);
	}
	pane_view_close(v);
}

const struct view_ops bulk_exec_view = {
	.name = "bulk-exec", PANE_VIEW_HOOKS, .open = pane_view_open_live,
	.close = bulk_exec_view_close,
};

void
bulk_exec_start(struct dash *d, struct targets *t, char **argv, const char *text)
{
	char *cmd = sanitize_str(text);
	char *label = targets_label(t);
	char *title = xasprintf("exec in %s: %s", label, cmd);
	struct view *v = view_open(d, "bulk-exec", title);
	free(title);
	free(cmd);
	if (!v) {
		free(label);
		berth_strv_free(argv);
		targets_free(t);
		return;
	}
	struct bulk_exec *b = xcalloc(1, sizeof *b);
	b->d = d;
	b->t = t;
	b->argv = argv;
	b->live = xcalloc(t->n, sizeof *b->live);
	b->pane = v->priv;
	b->pane->owner = b;
	char note[400];
	targets_wait_note(t, note, sizeof note);
	dash_message(d, note[0], "running in %s%s…", label, note);
	free(label);
	bulk_exec_pump(b);
}
