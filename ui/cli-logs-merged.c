/* cli-logs-merged.c: berth logs [-f] A B C: the logs of several containers, on
 * one endpoint or across the -H endpoints, each line prefixed with its
 * container's name, in the engines' timestamp order.
 *
 * Each container's logs are read with timestamps=1: followed (-f), on the
 * stream loop (berth_logs_open: one thread for them all, each paused while
 * its queue in the merge is full); otherwise, and on Zun whose logs have no
 * stream, on a thread of its own. Every line goes to the merge (src/merge.c)
 * stamped with the engine's time, and comes out in that order (the stamp
 * stays only with -t). stdout lines go to stdout and stderr lines to stderr,
 * as with one container.
 */
#include "config.h"

#include <errno.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-fleet.h"
#include "cli.h"
#include "merge.h"
#include "thread.h"
#include "util.h"

#define LOG_LINE_MAX (64 * 1024)	/* a longer line is cut into pieces */

/* The follows on the stream loop still running (their ends come on its thread). */
struct mlog_open {
	pthread_mutex_t lock;
	pthread_cond_t ended;
	size_t n;
};

/* One container's log stream. */
struct mlog_source {
	struct merge_lines lines;	/* its lines into the merge (-t keeps the stamps) */
	berth_endpoint *ep;	/* where it was found (the fleet's) */
	char *id, *name;
	const struct berth_logs_opts *o;
	berth_cancel *cancel;
	struct berth_error err;	/* written by its end (on the loop) before it counts down */
	int rc;
	pthread_t th;
	bool started;		/* on a thread of its own */
	bool no_thread;		/* its thread could not start */
	berth_follow *stream;	/* or on the stream loop */
	struct mlog_open *open;
};

struct mlog_out {
	struct mlog_source *src;
	int width;		/* the longest name */
	bool colour[3];		/* per fd: a terminal */
	berth_cancel *cancel;	/* triggered when a write fails */
	int write_errno;	/* why it failed, or 0 */
};

static void *
mlog_thread(void *p)
{
	struct mlog_source *s = p;
	s->rc = berth_logs(s->ep, s->id, s->o, merge_lines_sink, &s->lines, s->cancel, &s->err);
	merge_lines_end(&s->lines);
	return NULL;
}

/* The loop's thread: the follow ended. */
static void
mlog_follow_end(void *ctx, int rc, const struct berth_error *err)
{
	struct mlog_source *s = ctx;
	s->rc = rc;
	if (rc < 0)
		s->err = *err;
	merge_lines_end(&s->lines);
	pthread_mutex_lock(&s->open->lock);
	s->open->n--;
	pthread_cond_signal(&s->open->ended);
	pthread_mutex_unlock(&s->open->lock);
}

/* merge_run's thread: the queue of a paused follow has room again. */
static void
mlog_follow_room(void *ctx)
{
	struct mlog_source *s = ctx;
	berth_follow_resume(s->stream);
}

/* Follow s on the stream loop; false when its engine's logs have no stream
 * (s is then read on a thread). A follow that cannot open ends at once. */
static bool
mlog_follow(struct mlog_source *s, struct merge *m, struct mlog_open *open)
{
	s->open = open;
	merge_on_room(m, s->lines.index, mlog_follow_room, s);
	pthread_mutex_lock(&open->lock);
	open->n++;
	pthread_mutex_unlock(&open->lock);
	s->stream = berth_logs_open(s->ep, s->id, s->o, merge_lines_sink, &s->lines,
				    mlog_follow_end, s, s->cancel, &s->err);
	if (s->stream)
		return true;
	pthread_mutex_lock(&open->lock);
	open->n--;
	pthread_mutex_unlock(&open->lock);
	if (s->err.code == BERTH_EUNSUPPORTED) {
		merge_on_room(m, s->lines.index, NULL, NULL);
		return false;
	}
	s->rc = -1;
	merge_end(m, s->lines.index);
	return true;
}

/* Close the follows and wait for their ends, which use the sources. */
static void
mlog_follows_close(struct mlog_source *src, size_t n, struct mlog_open *open)
{
	for (size_t i = 0; i < n; i++)
		if (src[i].stream)
			berth_follow_close(src[i].stream);
	pthread_mutex_lock(&open->lock);
	while (open->n)
		pthread_cond_wait(&open->ended, &open->lock);
	pthread_mutex_unlock(&open->lock);
}

static void
mlog_emit(void *ctx, size_t src, int stream, const char *line, size_t len)
{
	static const int colours[] = { 36, 33, 32, 35, 34, 31 };
	struct mlog_out *out = ctx;
	int fd = stream == BERTH_STDERR ? 2 : 1;
	FILE *f = fd == 2 ? stderr : stdout;
	const char *name = out->src[src].name;
	if (fd == 2)
		fflush(stdout);
	if (out->colour[fd])
		fprintf(f, "\033[%dm%-*s |\033[0m ", colours[src % 6], out->width, name);
	else
		fprintf(f, "%-*s | ", out->width, name);
	fwrite(line, 1, len, f);
	fputc('\n', f);
	if (out->src[src].o->follow || fd == 2)
		fflush(f);
	if (ferror(f) && !out->write_errno) {
		/* The reader is gone (a pipe to head) or the disk is full: stop. */
		out->write_errno = errno ? errno : EIO;
		berth_cancel_trigger(out->cancel);
	}
}

/* The containers of refs on one endpoint (on a thread of the fleet): found[k]
 * the container refs[k] names there, or NULL. */
struct mlog_lookup {
	char **refs;
	int nrefs;
};

static int
mlog_lookup_one(struct fleet_ep *e, void *ctx)
{
	const struct mlog_lookup *l = ctx;
	struct berth_container **found = xcalloc((size_t)l->nrefs, sizeof *found);
	e->data = found;
	for (int k = 0; k < l->nrefs; k++) {
		struct berth_error err = { 0 };
		if (berth_inspect(e->ep, l->refs[k], true, &found[k], e->fleet->cli->cancel, &err) == 0)
			continue;
		found[k] = NULL;
		if (err.code != BERTH_ENOTFOUND) {
			e->err = err;
			return -1;
		}
	}
	return 0;
}

/* A source for each endpoint that has the container refs[k] (labelled with
 * the endpoint when there are several); false when none has it. */
static bool
mlog_add_sources(struct fleet *f, int k, struct mlog_source **src, size_t *n,
		 const struct mlog_source *proto)
{
	bool any = false;
	for (size_t i = 0; i < f->n; i++) {
		struct berth_container **found = f->eps[i].data;
		struct berth_container *c = found ? found[k] : NULL;
		if (!c)
			continue;
		*src = xrealloc(*src, (*n + 1) * sizeof **src);
		struct mlog_source *s = &(*src)[*n];
		*s = *proto;
		s->lines.index = (*n)++;
		s->ep = f->eps[i].ep;
		s->id = xstrdup(c->id);
		char *name = cli_clean(c->name);
		s->name = f->n > 1 ? xasprintf("%s/%s", berth_endpoint_name(s->ep), name) : name;
		if (f->n > 1)
			free(name);
		any = true;
	}
	return any;
}

static void
mlog_lookup_free(struct fleet *f, int nrefs)
{
	for (size_t i = 0; i < f->n; i++) {
		struct berth_container **found = f->eps[i].data;
		for (int k = 0; found && k < nrefs; k++)
			berth_container_free(found[k]);
		free(found);
	}
}

static void
mlog_sources_free(struct mlog_source *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(src[i].id);
		free(src[i].name);
		merge_lines_free(&src[i].lines);
	}
	free(src);
}

/* The sources' streams (on the loop, or threads) read until their logs end
 * (or, following, until Ctrl-C or their containers stop) while this thread
 * writes the merge. */
static int
mlog_run(struct cli *cli, struct mlog_source *src, size_t n, struct merge *m)
{
	struct mlog_out out = { .src = src, .colour = { false, isatty(1), isatty(2) },
				.cancel = cli->cancel };
	struct mlog_open open = { .n = 0 };
	pthread_mutex_init(&open.lock, NULL);
	pthread_cond_init(&open.ended, NULL);
	for (size_t i = 0; i < n; i++) {
		if ((int)strlen(src[i].name) > out.width)
			out.width = (int)strlen(src[i].name);
		if (src[i].o->follow && mlog_follow(&src[i], m, &open))
			continue;
		src[i].started = berth_thread_start(&src[i].th, 0, false, mlog_thread, &src[i]) == 0;
		src[i].no_thread = !src[i].started;
		if (!src[i].started)
			merge_end(m, i);
	}
	merge_run(m, mlog_emit, &out, cli->cancel);
	int rc = out.write_errno == EPIPE ? CLI_OK
		: out.write_errno ? cli_error("cannot write the logs: %s", strerror(out.write_errno))
		: berth_cancel_is_set(cli->cancel) ? CLI_INTERRUPTED : CLI_OK;
	berth_cancel_trigger(cli->cancel);	/* the merge is over: end every stream */
	mlog_follows_close(src, n, &open);
	for (size_t i = 0; i < n; i++) {
		if (src[i].no_thread) {
			rc = cli_error("cannot start a thread for the logs of %s", src[i].name);
			continue;
		}
		if (src[i].started)
			pthread_join(src[i].th, NULL);
		if (src[i].rc < 0 && src[i].err.code != BERTH_ECANCELLED)
			rc = cli_fail(&src[i].err);
	}
	pthread_cond_destroy(&open.ended);
	pthread_mutex_destroy(&open.lock);
	return rc;
}

/* Each container is looked for on every endpoint at once (cli-fleet.c), and
 * followed on each that has it; one that is nowhere is an error before any
 * log is read. An endpoint that fails (refusing, stalled) is one sentence,
 * and the others' logs are read all the same (exit status 1). */
int
cli_logs_merged(struct cli *cli, const struct berth_logs_opts *user, char **refs, int nrefs)
{
	struct berth_logs_opts o = *user;
	o.timestamps = true;
	char **specs = cli_specs(cli);
	struct mlog_lookup lookup = { .refs = refs, .nrefs = nrefs };
	struct fleet f;
	cli_catch_interrupt(cli);
	fleet_run(&f, cli, specs, mlog_lookup_one, &lookup);
	struct mlog_source *src = NULL, proto = {
		.lines = { .line_max = LOG_LINE_MAX, .keep_stamps = user->timestamps },
		.o = &o, .cancel = cli->cancel,
	};
	size_t n = 0;
	int rc = CLI_OK;
	for (int k = 0; k < nrefs; k++)
		if (!mlog_add_sources(&f, k, &src, &n, &proto))
			rc = cli_error("no such container: %s", refs[k]);
	mlog_lookup_free(&f, nrefs);
	int failed = fleet_report(&f);
	if (rc == CLI_OK && n) {
		struct merge *m = merge_new(n, o.follow, MERGE_QUEUE);
		for (size_t i = 0; i < n; i++)
			src[i].lines.m = m;
		rc = mlog_run(cli, src, n, m);
		merge_free(m);
	}
	mlog_sources_free(src, n);
	fleet_free(&f);
	berth_strv_free(specs);
	return rc == CLI_OK ? failed : rc;
}
