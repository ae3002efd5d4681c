/* dash-command.c: what the dashboard's command line (view-command.c) runs.
 *
 * A line is one of berth's verbs, parsed here with the verb's own entry of the
 * table of verbs (verbs.c) by cli_parse, the parser of the command line: an
 * unknown verb, option or a missing value is the CLI's own sentence. Where the
 * verb names containers and none is given, the selected (or marked) ones are
 * put in. Five verbs given alone open their view (logs, stats, leases,
 * endpoints, events); the others run as `berth -H ENDPOINT VERB ...` (this program,
 * with the dashboard's configuration) on the pool, their output in a text view
 * as it comes, their exit status at its end; closing the view stops the verb,
 * except a forward, which goes on in d->forwards until the forwards view
 * (view-forwards.c) stops it or the dashboard quits.
 * Verbs that need the terminal are refused with a sentence saying what to use
 * instead. exec with rows marked runs in each of them, on any endpoint, through
 * dash-bulk-exec.c. :run alone opens the run form (view-runform.c), whose words
 * are checked the same way and run quietly (command_run_quiet): no view, the
 * child's output and exit status handed back to the form.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "dash-actions.h"
#include "dash-outbuf.h"
#include "dash-targets.h"
#include "dash.h"
#include "util.h"
#include "verbs.h"
#include "view-pane.h"

extern char **environ;

/* The options a line gave, by key, for the checks that keep a verb from
 * waiting on a terminal or following forever. */
struct given {
	int keys[32];
	size_t n;
};

static int
note_option(void *ctx, int key, const char *value)
{
	struct given *g = ctx;
	if (g->n < sizeof g->keys / sizeof g->keys[0])
		g->keys[g->n++] = key;
	return -1;
}

static bool
given(const struct given *g, int key)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->keys[i] == key)
			return true;
	return false;
}

/* Parse argv with v's options, as the CLI does; what the parser says (a usage
 * error, or -h's help) is in *said. Returns -1 to go on, or the CLI's status. */
static int
parse_line(const struct cli_verb *v, int argc, char **argv, struct given *g, int *first,
	   char **said)
{
	size_t size;
	FILE *f = open_memstream(said, &size);
	if (!f)
		return CLI_FAILED;
	cli_capture_messages(f);
	int rc = cli_parse(v, argc, argv, note_option, g, first);
	if (rc < 0 && v->check)
		rc = v->check(v, argc, argv);
	cli_capture_messages(NULL);
	fclose(f);
	return rc;
}

/* Why a line cannot run here, for a verb that needs the terminal (the
 * dashboard holds it); NULL when it can. Verbs that follow until Ctrl-C
 * (logs -f, stats, events) run: closing their view stops them. */
static const char *
needs_terminal(const char *verb, const struct given *g)
{
	if (strcmp(verb, "exec") == 0 && (given(g, 'i') || given(g, 't')))
		return "exec -i and -t need the terminal: E opens a shell in the container";
	if (strcmp(verb, "connect") == 0)
		return "connect needs the terminal: run berth connect outside the dashboard";
	return NULL;
}

/* The view a verb given alone opens, or NULL. */
static const char *
view_of(const char *verb)
{
	static const char *const views[] = { "logs", "stats", "leases", "endpoints", "events" };
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		if (strcmp(verb, views[i]) == 0)
			return views[i];
	return NULL;
}

static bool
is_container(struct dash *d, const char *word)
{
	for (size_t e = 0; e < d->neps; e++)
		for (size_t k = 0; k < d->eps[e].nctrs; k++) {
			const struct berth_container *c = d->eps[e].ctrs[k];
			if ((c->name && strcmp(c->name, word) == 0) ||
			    (strlen(word) >= 4 && str_starts_with(c->id, word)))
				return true;
		}
	return false;
}

/* The line's words with the containers the verb acts on put in where it
 * names none: CONTAINER... given nothing takes the marked or selected ones;
 * CONTAINER first, when the first operand is no container, the selected one;
 * cp's ":PATH" the selected one's. *ep: the endpoint they are on. */
static char **
with_targets(struct dash *d, const struct cli_verb *v, char **argv, int first,
	     struct dash_ep **ep, char *err, size_t errlen)
{
	int argc = (int)strv_len(argv);
	bool cp_colon = strcmp(v->name, "cp") == 0 &&
			((first < argc && argv[first][0] == ':') ||
			 (first + 1 < argc && argv[first + 1][0] == ':'));
	bool fill = (v->target == CLI_TARGET_MANY && first == argc) ||
		    (v->target == CLI_TARGET_ONE && (first == argc || !is_container(d, argv[first])));
	struct row *sel = table_selected(&d->table);
	*ep = sel ? sel->ep : &d->eps[0];
	if (!fill && !cp_colon)
		return strv_dup(argv);
	struct targets *t = targets_collect(d, v->target == CLI_TARGET_MANY);
	if (!t) {
		snprintf(err, errlen, "%s needs a container: select one, or name it", v->name);
		return NULL;
	}
	for (size_t i = 1; i < t->n; i++)
		if (t->v[i].e != t->v[0].e) {
			snprintf(err, errlen, "the marked containers are on several endpoints: "
				 "mark those of one");
			targets_free(t);
			return NULL;
		}
	*ep = t->v[0].e;
	char **out = NULL;
	size_t n = 0;
	for (int i = 0; i < argc; i++) {
		if (i == first && fill)
			for (size_t k = 0; k < t->n; k++)
				strv_push(&out, &n, t->v[k].name);
		if (cp_colon && i >= first && argv[i][0] == ':') {
			char *full = xasprintf("%s%s", t->v[0].name, argv[i]);
			strv_push(&out, &n, full);
			free(full);
		} else {
			strv_push(&out, &n, argv[i]);
		}
	}
	if (first == argc && fill)
		for (size_t k = 0; k < t->n; k++)
			strv_push(&out, &n, t->v[k].name);
	targets_free(t);
	return out;
}

/* :exec CMD with rows marked: CMD in each of them, across endpoints, their
 * results in one pane (dash-bulk-exec.c). */
static bool
exec_on_marks(struct dash *d, char **words, int first, const struct given *g, char *err,
	      size_t errlen)
{
	if (g->n) {
		snprintf(err, errlen, "with rows marked, exec runs the command in each of them and "
			 "takes no options: Esc clears the marks");
		return false;
	}
	struct targets *t = targets_collect(d, true);
	if (!t || targets_refused(d, t, "running commands"))
		return true;	/* the message line says why */
	struct buf text = { 0 };
	for (size_t i = (size_t)first; words[i]; i++)
		buf_printf(&text, "%s%s", i > (size_t)first ? " " : "", words[i]);
	bulk_exec_start(d, t, strv_dup(words + first), text.data);
	buf_free(&text);
	return true;
}

/* ------------------------------------------------------------------ */
/* The run: this program as a child, its output in the "output" view. */

struct command_job {
	struct pool_job job;
	struct dash *d;
	char **argv;		/* the child's */
	char *verb;
	struct outbuf out;
	struct pane *pane;	/* the output view's; NULL once it closed */
	int status;		/* the child's exit status; -1: it did not start */
	char err[200];
	/* A forward runs on when its view closes, in d->forwards until it ends. */
	bool forward;
	char *what;		/* "web 80 (local)": the title's words */
	bool stopping;		/* stopped from the forwards view */
	bool in_background;	/* its view closed: no more in d->nactions (the spinner) */
	pthread_mutex_t lock;	/* guards listening: the worker writes it */
	char listening[64];	/* the child's first line: "127.0.0.1:8080" */
	size_t nlistening;
	/* Run quietly (the run form): no view, the output kept for quiet_done. */
	command_done_fn quiet_done;
	void *quiet_ctx;
	struct buf kept[2];	/* stdout, stderr */
};

static int
spawn_child(struct command_job *j, int out[2], int errp[2], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, errp[0]);
	/* The worker blocks signals; the child must take SIGTERM (the view
	 * closed) and Ctrl-C as berth does. */
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawn(pid, "/proc/self/exe", &fa, &attr, j->argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(errp[1]);
	return rc;
}

/* Worker: a forward's first line of output, where it listens. */
static void
keep_first_line(struct command_job *j, const char *buf, size_t n)
{
	pthread_mutex_lock(&j->lock);
	for (size_t i = 0; i < n && j->nlistening < sizeof j->listening - 1; i++) {
		if (buf[i] == '\n') {
			j->nlistening = sizeof j->listening - 1;	/* the line is whole */
			break;
		}
		j->listening[j->nlistening++] = buf[i];
	}
	pthread_mutex_unlock(&j->lock);
}

/* Worker: read the child's stdout and stderr into the view until both end;
 * cancelled (the view closed), the child is stopped. */
static void
command_run_job(struct pool_job *pj)
{
	struct command_job *j = (struct command_job *)pj;
	int out[2], errp[2];
	pid_t pid;
	j->status = -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(j->err, sizeof j->err, "cannot run %s: %s", j->verb, strerror(errno));
		return;
	}
	int rc = spawn_child(j, out, errp, &pid);
	if (rc != 0) {	/* posix_spawn returns its error, it does not set errno */
		snprintf(j->err, sizeof j->err, "cannot run %s: %s", j->verb, strerror(rc));
		close(out[0]);
		close(errp[0]);
		return;
	}
	struct pollfd p[2] = { { out[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
	int open_fds = 2;
	bool stopped = false;
	while (open_fds > 0) {
		if (!stopped && berth_cancel_is_set(pj->cancel)) {
			kill(pid, SIGTERM);
			stopped = true;
		}
		if (poll(p, 2, 200) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			char buf[8192];
			ssize_t n = read(p[i].fd, buf, sizeof buf);
			if (n > 0 && i == 0 && j->forward)
				keep_first_line(j, buf, (size_t)n);
			if (n > 0 && j->quiet_done) {
				buf_append(&j->kept[i], buf, (size_t)n);
				continue;
			}
			if (n > 0 && outbuf_put(&j->out, i ? BERTH_STDERR : BERTH_STDOUT, buf,
						(size_t)n) == 0)
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			open_fds--;
		}
	}
	int st, w;
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		snprintf(j->err, sizeof j->err, "cannot wait for %s: %s", j->verb, strerror(errno));
	else
		j->status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

static void
command_note(struct pool_job *pj)
{
	struct command_job *j = (struct command_job *)((char *)pj -
						       offsetof(struct command_job, out.note));
	if (outbuf_take(&j->out, j->pane ? &j->pane->lp : NULL))
		dash_changed(j->d);
}

/* "berth: stop: unknown option --x\nusage: ..." -> "stop: unknown option --x" */
static void
first_sentence(const char *said, char *err, size_t errlen)
{
	const char *s = str_starts_with(said, "berth: ") ? said + 7 : said;
	snprintf(err, errlen, "%.*s", (int)strcspn(s, "\n"), s);
}

static void
job_free(struct command_job *j)
{
	outbuf_done(&j->out);
	buf_free(&j->kept[0]);
	buf_free(&j->kept[1]);
	berth_strv_free(j->argv);
	free(j->verb);
	free(j->what);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

/* A forward that ended leaves d->forwards. */
static void
forward_forget(struct dash *d, struct command_job *j)
{
	for (size_t i = 0; i < d->nforwards; i++)
		if (d->forwards[i] == j) {
			memmove(d->forwards + i, d->forwards + i + 1,
				(d->nforwards - i - 1) * sizeof *d->forwards);
			d->nforwards--;
			break;
		}
	if (d->nforwards == 0) {
		free(d->forwards);
		d->forwards = NULL;
	}
	dash_changed(d);
}

static void
command_done(struct pool_job *pj)
{
	struct command_job *j = (struct command_job *)pj;
	struct dash *d = j->d;
	if (j->quiet_done) {
		d->nactions--;
		buf_append(&j->kept[0], "", 0);
		buf_append(&j->kept[1], "", 0);
		char said[400];
		first_sentence(j->status >= 0 ? j->kept[1].data : j->err, said, sizeof said);
		j->quiet_done(d, j->status, j->kept[0].data, said, j->quiet_ctx);
		job_free(j);
		return;
	}
	outbuf_take(&j->out, j->pane ? &j->pane->lp : NULL);
	if (!j->in_background)
		d->nactions--;
	if (j->pane) {
		j->pane->owner = NULL;
		logpane_flush(&j->pane->lp);
		char *line = j->status >= 0 ? xasprintf("-- exit status %d", j->status)
					    : xasprintf("-- %s", j->err);
		logpane_add_text(&j->pane->lp, j->status == 0 ? BERTH_STDOUT : BERTH_STDERR, line);
		free(line);
	}
	if (!d->quit && j->status >= 0)
		dash_message(d, j->status != 0, "%s exited with status %d", j->verb, j->status);
	else if (!d->quit)
		dash_message(d, true, "%s", j->err);
	if (j->forward)
		forward_forget(d, j);
	job_free(j);
}

/* berth [-c FILE] [--read-only] -H ENDPOINT WORDS... */
static char **
child_argv(struct dash *d, struct dash_ep *ep, char **words)
{
	char **argv = NULL;
	size_t n = 0;
	strv_push(&argv, &n, "berth");
	if (d->cfg && d->cfg->path) {
		strv_push(&argv, &n, "-c");
		strv_push(&argv, &n, d->cfg->path);
	}
	if (d->cfg && d->cfg->read_only)
		strv_push(&argv, &n, "--read-only");
	strv_push(&argv, &n, "-H");
	strv_push(&argv, &n, ep->name);
	for (size_t i = 0; words[i]; i++)
		strv_push(&argv, &n, words[i]);
	return argv;
}

/* The view's title: the words as they run (with the containers put in). */
static char *
run_title(struct dash_ep *ep, char **words)
{
	struct buf b = { 0 };
	buf_appends(&b, ":");
	for (size_t i = 0; words[i]; i++)
		buf_printf(&b, "%s%s", i ? " " : "", words[i]);
	buf_printf(&b, "  (%s)", ep->name);
	return buf_steal(&b);
}

/* A forward joins d->forwards, named by its operands and endpoint. */
static void
forward_keep(struct dash *d, struct command_job *j, struct dash_ep *ep, char **words)
{
	struct buf b = { 0 };
	for (size_t i = 1; words[i]; i++)
		buf_printf(&b, "%s ", words[i]);
	buf_printf(&b, "(%s)", ep->name);
	j->what = buf_steal(&b);
	d->forwards = xrealloc(d->forwards, (d->nforwards + 1) * sizeof *d->forwards);
	d->forwards[d->nforwards++] = j;
}

static struct command_job *
command_job_new(struct dash *d, struct dash_ep *ep, char **words)
{
	struct command_job *j = xcalloc(1, sizeof *j);
	j->d = d;
	j->argv = child_argv(d, ep, words);
	j->verb = xstrdup(words[0]);
	j->forward = strcmp(words[0], "forward") == 0;
	pthread_mutex_init(&j->lock, NULL);
	j->job.run = command_run_job;
	j->job.done = command_done;
	j->job.klass = POOL_STREAM;
	outbuf_init(&j->out, d->pool, &j->job, command_note);
	return j;
}

static void
start_child(struct dash *d, struct dash_ep *ep, char **words)
{
	struct command_job *j = command_job_new(d, ep, words);
	char *title = run_title(ep, words);
	struct view *v = view_open(d, "output", title);
	free(title);
	struct berth_error err = { 0 };
	if (v && pool_submit(d->pool, &j->job, &err) == 0) {
		j->pane = v->priv;
		j->pane->owner = j;
		d->nactions++;
		if (j->forward)
			forward_keep(d, j, ep, words);
		return;
	}
	if (v)
		dash_message(d, true, "%s", err.message);
	job_free(j);
}

/* A text shown in the output view (a verb's -h). */
static void
show_text(struct dash *d, const char *title, const char *text)
{
	struct view *v = view_open(d, "output", title);
	if (!v)
		return;
	struct pane *p = v->priv;
	p->lp.live = false;
	pane_set_text(p, text);
}

static bool
run_words(struct dash *d, char **words, char *err, size_t errlen)
{
	const struct cli_verb *v = cli_verb_find(words[0]);
	const struct view_ops *named = v || words[1] ? NULL : d->host->lookup(words[0]);
	if (named && named->by_name)	/* :stage, a view no verb names */
		return view_open(d, words[0], NULL) != NULL;
	if (!v) {
		snprintf(err, errlen, "unknown verb %s (:help lists them)", words[0]);
		return false;
	}
	int argc = (int)strv_len(words), first;
	if (argc == 1 && strcmp(v->name, "run") == 0)	/* :run alone: the run form */
		return view_open(d, "runform", NULL) != NULL;
	struct given g = { .n = 0 };
	char *said = NULL;
	int rc = parse_line(v, argc, words, &g, &first, &said);
	bool ok = true;
	const char *refusal = rc < 0 ? needs_terminal(v->name, &g) : NULL;
	if (rc == CLI_OK) {
		char *title = xasprintf("berth %s --help", v->name);
		show_text(d, title, said ? said : "");
		free(title);
	} else if (rc >= 0) {
		first_sentence(said ? said : "", err, errlen);
		ok = false;
	} else if (refusal) {
		snprintf(err, errlen, "%s", refusal);
		ok = false;
	} else if (argc == 1 && view_of(v->name)) {
		view_open(d, view_of(v->name), NULL);
	} else if (strcmp(v->name, "exec") == 0 && d->table.nmarks && first < argc &&
		   !is_container(d, words[first])) {
		ok = exec_on_marks(d, words, first, &g, err, errlen);
	} else {
		struct dash_ep *ep;
		char **full = with_targets(d, v, words, first, &ep, err, errlen);
		if (full)
			start_child(d, ep, full);
		ok = full != NULL;
		berth_strv_free(full);
	}
	free(said);
	return ok;
}

bool
command_run(struct dash *d, const char *text, char *err, size_t errlen)
{
	char **words = cli_split_words(text);
	if (!words)
		return true;	/* nothing typed: nothing to do */
	bool ok = run_words(d, words, err, errlen);
	berth_strv_free(words);
	return ok;
}

bool
command_run_quiet(struct dash *d, struct dash_ep *ep, char **words, command_done_fn done,
		  void *ctx, char *err, size_t errlen)
{
	const struct cli_verb *v = cli_verb_find(words[0]);
	if (!v) {
		snprintf(err, errlen, "unknown verb %s", words[0]);
		return false;
	}
	struct given g = { .n = 0 };
	int first;
	char *said = NULL;
	int rc = parse_line(v, (int)strv_len(words), words, &g, &first, &said);
	if (rc >= 0)
		first_sentence(said ? said : "", err, errlen);
	free(said);
	if (rc >= 0)
		return false;
	struct command_job *j = command_job_new(d, ep, words);
	j->quiet_done = done;
	j->quiet_ctx = ctx;
	struct berth_error e = { 0 };
	if (pool_submit(d->pool, &j->job, &e) < 0) {
		snprintf(err, errlen, "%s", e.message);
		job_free(j);
		return false;
	}
	d->nactions++;
	return true;
}

/* ------------------------------------------------------------------ */
/* The output view: a text view whose closing stops the command. */

static void
output_close(struct view *v)
{
	struct pane *p = v->priv;
	struct command_job *j = p->owner;
	if (j) {
		j->pane = NULL;
		if (j->forward) {
			j->in_background = true;
			v->d->nactions--;
			dash_message(v->d, false, "the forward goes on: :forwards lists it, d there stops it");
		} else {
			pool_cancel(&j->job);
		}
	}
	pane_view_close(v);
}

const struct view_ops output_view = {
	.name = "output", PANE_VIEW_HOOKS, .open = pane_view_open_live, .close = output_close,
};

/* ------------------------------------------------------------------ */
/* The forwards, for their view (view-forwards.c). */

size_t
command_forward_count(const struct dash *d)
{
	return d->nforwards;
}

void
command_forward_describe(const struct dash *d, size_t i, char *what, size_t wlen, char *where,
			 size_t len)
{
	struct command_job *j = d->forwards[i];
	snprintf(what, wlen, "%s", j->what);
	pthread_mutex_lock(&j->lock);
	snprintf(where, len, "%s", j->stopping ? "stopping" : j->listening);
	pthread_mutex_unlock(&j->lock);
}

void
command_forward_stop(struct dash *d, size_t i)
{
	struct command_job *j = d->forwards[i];
	j->stopping = true;
	pool_cancel(&j->job);
}
