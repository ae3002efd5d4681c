/* dash-shell.c: an interactive shell in the selected container. A probe
 * on the pool finds /bin/bash or /bin/sh; then the frame gives the terminal
 * up (struct frame_ops suspend), the shell runs on a worker with the
 * terminal raw, and the frame takes it back when the shell exits. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"
#include "util.h"

static const char *const shells[] = { "/bin/bash", "/bin/sh" };

struct shell_job {
	struct ctr_job c;
	const char *shell;	/* found by the probe */
	bool interactive;	/* false: probing */
	int rows, cols;		/* the terminal's size, read on the UI thread */
	struct termios saved;
	int exit_code;
};

static int
discard_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	return 0;
}

static void
shell_run(struct pool_job *pj)
{
	struct shell_job *j = (struct shell_job *)pj;
	if (!j->interactive) {
		for (size_t i = 0; i < sizeof shells / sizeof shells[0] && !j->shell; i++) {
			char *argv[] = { (char *)shells[i], "-c", "exit 0", NULL };
			int code = -1;
			j->c.rc = berth_exec(j->c.ep, j->c.id, argv, NULL, discard_sink, NULL, &code,
					   pj->cancel, &j->c.err);
			if (j->c.rc == 0 && code == 0)
				j->shell = shells[i];
		}
		return;
	}
	char *argv[] = { (char *)j->shell, NULL };
	struct berth_session s = { .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO,
				   .err_fd = STDERR_FILENO, .tty = true, .rows = j->rows,
				   .cols = j->cols, .winch_fd = -1, .cancel = pj->cancel };
	j->c.rc = berth_exec_interactive(j->c.ep, j->c.id, argv, &s, &j->exit_code, &j->c.err);
}

static void shell_done(struct pool_job *pj);

/* Give the terminal to the shell: leave curses, raw tty, run it on a worker. */
static void
shell_enter(struct dash *d, struct shell_job *j)
{
	j->rows = LINES;
	j->cols = COLS;
	d->host->suspend(d);
	printf("berth: %s in %s; leave the shell to come back to the dashboard\r\n", j->shell, j->c.name);
	fflush(stdout);
	tcgetattr(STDIN_FILENO, &j->saved);
	struct termios raw = j->saved;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	j->interactive = true;
	if (pool_submit(d->pool, &j->c.job, &j->c.err) < 0) {
		j->c.rc = -1;
		shell_done(&j->c.job);
	}
}

static void
shell_done(struct pool_job *pj)
{
	struct shell_job *j = (struct shell_job *)pj;
	struct dash *d = j->c.d;
	if (!j->interactive) {
		if (!j->shell) {
			dash_message(d, true, j->c.rc < 0 ? "%s" : "no shell in %s (tried /bin/bash and /bin/sh)",
				     j->c.rc < 0 ? j->c.err.message : j->c.name);
		} else if (!d->quit) {
			shell_enter(d, j);
			return;
		}
	} else {
		tcsetattr(STDIN_FILENO, TCSANOW, &j->saved);
		d->host->resume(d);
		if (j->c.rc == 0)
			dash_message(d, j->exit_code != 0, "shell in %s exited with code %d", j->c.name,
				     j->exit_code);
		else
			dash_message(d, true, "%s", j->c.err.message);
		feed_relist_all(&d->feed);
	}
	ctr_job_free(&j->c);
}

void
shell_start(struct dash *d, struct targets *t)
{
	if (!t->v[0].running) {
		dash_message(d, true, "%s is not running", t->v[0].name);
		targets_free(t);
		return;
	}
	struct shell_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], "shell in", shell_run, shell_done, POOL_STREAM);
	targets_free(t);
	if (!ctr_job_submit(&j->c)) {
		ctr_job_free(&j->c);
		return;
	}
	dash_message(d, j->c.wait_note[0], "looking for a shell in %s%s…", j->c.name, j->c.wait_note);
}

