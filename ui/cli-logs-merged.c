/* cli-logs-merged.c: berth logs [-f] A B C: the logs of several containers, on
 * one endpoint or across the -H endpoints, each line prefixed with its
 * container's name, in the engines' timestamp order.
 *
 * Each container's logs are read on a thread of its own with timestamps=1;
 * every line goes to the merge (cli-merge.c) stamped with the engine's time,
 * and comes out in that order (the stamp stays only with -t). stdout lines go
 * to stdout and stderr lines to stderr, as with one container.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-merge.h"
#include "cli.h"
#include "thread.h"
#include "util.h"

#define LOG_LINE_MAX (64 * 1024)	/* a longer line is cut into pieces */

/* One container's log stream. */
struct mlog_source {
	struct merge *m;
	size_t index;
	berth_endpoint *ep;	/* where it was found (owned) */
	char *id, *name;
	const struct berth_logs_opts *o;
	bool keep_stamps;	/* -t */
	struct buf part[3];	/* an unfinished line of stdout [1] and stderr [2] */
	long long last_ns;	/* for a line without a stamp */
	berth_cancel *cancel;
	struct berth_error err;
	int rc;
	pthread_t th;
	bool started;
};

struct mlog_out {
	struct mlog_source *src;
	int width;		/* the longest name */
	bool colour[3];		/* per fd: a terminal */
};

/* One whole line (without its newline) of stream fd. */
static int
mlog_line(struct mlog_source *s, int fd, const char *line, size_t len)
{
	size_t rest = 0;
	long long ns = merge_parse_stamp(line, len, &rest);
	if (ns < 0)
		ns = s->last_ns;
	else
		s->last_ns = ns;
	if (s->keep_stamps)
		rest = 0;
	return merge_put(s->m, s->index, ns, fd, line + rest, len - rest);
}

static int
mlog_sink(void *ctx, enum berth_stream st, const char *buf, size_t len)
{
	struct mlog_source *s = ctx;
	int fd = st == BERTH_STDERR ? 2 : 1;
	struct buf *part = &s->part[fd];
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) : len;
		buf_append(part, buf, take);
		buf += take + (nl ? 1 : 0);
		len -= take + (nl ? 1 : 0);
		if ((nl || part->len >= LOG_LINE_MAX) &&
		    mlog_line(s, fd, part->data ? part->data : "", part->len) < 0)
			return 1;
		if (nl || part->len >= LOG_LINE_MAX)
			part->len = 0;
	}
	return 0;
}

static void *
mlog_thread(void *p)
{
	struct mlog_source *s = p;
	s->rc = berth_logs(s->ep, s->id, s->o, mlog_sink, s, s->cancel, &s->err);
	for (int fd = 1; fd <= 2; fd++)	/* a last line without its newline */
		if (s->part[fd].len)
			mlog_line(s, fd, s->part[fd].data, s->part[fd].len);
	merge_end(s->m, s->index);
	return NULL;
}

static void
mlog_emit(void *ctx, size_t src, int fd, const char *line, size_t len)
{
	static const int colours[] = { 36, 33, 32, 35, 34, 31 };
	const struct mlog_out *out = ctx;
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
}

/* Find ref on the endpoints: exactly one must have it. */
static int
mlog_find(struct cli *cli, char **specs, const char *ref, struct mlog_source *s)
{
	struct berth_error err = { 0 };
	int found = 0;
	for (size_t i = 0; specs[i]; i++) {
		berth_endpoint *ep;
		struct berth_container *c;
		if (berth_endpoint_open(specs[i], &cli->opts, &ep, &err) < 0)
			return cli_fail(&err);
		if (berth_inspect(ep, ref, true, &c, cli->cancel, &err) < 0) {
			berth_endpoint_free(ep);
			if (err.code == BERTH_ENOTFOUND)
				continue;
			return cli_fail(&err);
		}
		if (found++) {
			berth_container_free(c);
			berth_endpoint_free(ep);
			return cli_error("%s is on several endpoints (%s and %s): give one -H",
					 ref, berth_endpoint_name(s->ep), specs[i]);
		}
		s->ep = ep;
		s->id = xstrdup(c->id);
		s->name = cli_clean(c->name);
		berth_container_free(c);
	}
	return found ? CLI_OK : cli_error("no such container: %s", ref);
}

static void
mlog_sources_free(struct mlog_source *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		berth_endpoint_free(src[i].ep);
		free(src[i].id);
		free(src[i].name);
		for (int fd = 1; fd <= 2; fd++)
			buf_free(&src[i].part[fd]);
	}
	free(src);
}

/* The sources' threads read until their logs end (or, following, until
 * Ctrl-C or their containers stop) while this thread writes the merge. */
static int
mlog_run(struct cli *cli, struct mlog_source *src, size_t n, struct merge *m)
{
	struct mlog_out out = { .src = src, .colour = { false, isatty(1), isatty(2) } };
	for (size_t i = 0; i < n; i++) {
		if ((int)strlen(src[i].name) > out.width)
			out.width = (int)strlen(src[i].name);
		src[i].started = berth_thread_start(&src[i].th, 0, false, mlog_thread, &src[i]) == 0;
		if (!src[i].started)
			merge_end(m, i);
	}
	merge_run(m, mlog_emit, &out, cli->cancel);
	int rc = berth_cancel_is_set(cli->cancel) ? CLI_INTERRUPTED : CLI_OK;
	berth_cancel_trigger(cli->cancel);	/* the merge is over: end every stream */
	for (size_t i = 0; i < n; i++) {
		if (!src[i].started) {
			rc = cli_error("cannot start a thread for the logs of %s", src[i].name);
			continue;
		}
		pthread_join(src[i].th, NULL);
		if (src[i].rc < 0 && src[i].err.code != BERTH_ECANCELLED)
			rc = cli_fail(&src[i].err);
	}
	return rc;
}

int
cli_logs_merged(struct cli *cli, const struct berth_logs_opts *user, char **refs, int nrefs)
{
	struct berth_logs_opts o = *user;
	o.timestamps = true;
	char **specs = cli_specs(cli);
	struct mlog_source *src = xcalloc((size_t)nrefs, sizeof *src);
	struct merge *m = merge_new((size_t)nrefs, o.follow);
	int rc = CLI_OK;
	for (int i = 0; i < nrefs && rc == CLI_OK; i++) {
		src[i] = (struct mlog_source){ .m = m, .index = (size_t)i, .o = &o,
					       .keep_stamps = user->timestamps, .cancel = cli->cancel };
		rc = mlog_find(cli, specs, refs[i], &src[i]);
	}
	berth_strv_free(specs);
	if (rc == CLI_OK) {
		cli_catch_interrupt(cli);
		rc = mlog_run(cli, src, (size_t)nrefs, m);
	}
	merge_free(m);
	mlog_sources_free(src, (size_t)nrefs);
	return rc;
}
