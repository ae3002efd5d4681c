/* view-exec.c: run a command in the selected container and show its
 * output as it comes, in a text view over the body: a prompt for the command
 * line, a job on the pool streaming into the view, its exit code at the end.
 * Closing the view stops the command. In several marked containers, the
 * command runs through dash-bulk-exec.c. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dash-actions.h"
#include "dash-outbuf.h"
#include "dash-targets.h"
#include "dash.h"
#include "dialog.h"
#include "sanitize.h"
#include "util.h"
#include "view-pane.h"

struct exec_job {
	struct ctr_job c;
	struct outbuf out;
	char **argv;
	struct pane *pane;	/* the exec view's; NULL when it was closed */
	int exit_code;
};

static int
exec_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct exec_job *j = ctx;
	return outbuf_put(&j->out, s, buf, len);
}

static void
exec_run(struct pool_job *pj)
{
	struct exec_job *j = (struct exec_job *)pj;
	j->c.rc = berth_exec(j->c.ep, j->c.id, j->argv, NULL, exec_sink, j, &j->exit_code, pj->cancel,
			   &j->c.err);
}

static void
exec_note(struct pool_job *pj)
{
	struct exec_job *j = (struct exec_job *)((char *)pj - offsetof(struct exec_job, out.note));
	if (outbuf_take(&j->out, j->pane ? &j->pane->lp : NULL))
		dash_changed(j->c.d);
}

static void
exec_done(struct pool_job *pj)
{
	struct exec_job *j = (struct exec_job *)pj;
	struct dash *d = j->c.d;
	outbuf_take(&j->out, j->pane ? &j->pane->lp : NULL);
	d->nactions--;
	if (j->pane) {
		struct logpane *lp = &j->pane->lp;
		j->pane->owner = NULL;
		logpane_flush(lp);
		char *line = j->c.rc == 0 ? xasprintf("-- exit code %d", j->exit_code)
			: xasprintf("-- %s", j->c.err.message);
		logpane_add_text(lp, j->c.rc == 0 && j->exit_code == 0 ? BERTH_STDOUT : BERTH_STDERR, line);
		free(line);
		dash_changed(d);
	}
	if (!d->quit) {
		if (j->c.rc == 0)
			dash_message(d, j->exit_code != 0, "exec in %s exited with code %d", j->c.name,
				     j->exit_code);
		else
			dash_message(d, true, "%s", j->c.err.message);
	}
	outbuf_done(&j->out);
	berth_strv_free(j->argv);
	ctr_job_free(&j->c);
}

/* The view closed: the command is stopped and its output dropped. */
static void
exec_orphan(struct exec_job *j)
{
	j->pane = NULL;
	pool_cancel(&j->c.job);
}

static void
exec_command_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	char **argv = cli_split_words(text);
	if (!argv) {
		dash_message(d, true, "no command given");
		targets_free(t);
		return;
	}
	if (t->n > 1) {
		bulk_exec_start(d, t, argv, text);
		return;
	}
	struct exec_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], "exec in", exec_run, exec_done, POOL_STREAM);
	j->argv = argv;
	outbuf_init(&j->out, d->pool, &j->c.job, exec_note);
	char *cmd = sanitize_str(text);
	char *title = xasprintf("exec %s: %s", j->c.name, cmd);
	struct view *v = view_open(d, "exec", title);
	free(title);
	free(cmd);
	if (!v || !ctr_job_submit(&j->c)) {
		outbuf_done(&j->out);
		berth_strv_free(argv);
		ctr_job_free(&j->c);
	} else {
		j->pane = v->priv;
		j->pane->owner = j;
		d->nactions++;
		dash_message(d, j->c.wait_note[0], "running in %s%s…", j->c.name, j->c.wait_note);
	}
	targets_free(t);
}

void
exec_ask(struct dash *d, struct targets *t)
{
	char *label = targets_label(t);
	char *q = xasprintf(t->n > 1 ? "exec in each of %s:" : "exec in %s:", label);
	dialog_prompt(d, q, "", exec_command_given, t, targets_free);
	free(q);
	free(label);
}


static void
exec_view_close(struct view *v)
{
	struct pane *p = v->priv;
	if (p->owner)
		exec_orphan(p->owner);
	pane_view_close(v);
}

const struct view_ops exec_view = {
	.name = "exec", PANE_VIEW_HOOKS, .open = pane_view_open_live,
	.close = exec_view_close,
};
