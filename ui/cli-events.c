/* cli-events.c: berth events (the engines' events of every endpoint, one line
 * each, in time order) and berth top (a container's processes, as docker top). */
#include "config.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "merge.h"
#include "thread.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* events */

struct events_args {
	const struct cli_verb *v;
	struct berth_events_opts o;
	char **filters; size_t nfilters;
	bool json;
};

/* One endpoint's stream, on a thread of its own. */
struct events_source {
	struct merge *m;
	size_t index;
	berth_endpoint *ep;
	const struct events_args *a;
	berth_cancel *cancel;
	struct berth_error err;
	int rc;
	pthread_t th;
	bool started;
};

static int
events_time(const struct events_args *a, const char *opt, const char *arg, time_t *out)
{
	if (cli_parse_time(arg, out) < 0 || *out <= 0)
		return cli_usage(a->v, "%s takes unix seconds, a date like 2024-01-31T12:00:00Z or a "
				 "duration like 10m, not '%s'", opt, arg);
	return -1;
}

static int
events_option(void *ctx, int opt, const char *arg)
{
	struct events_args *a = ctx;
	switch (opt) {
	case CLI_OPT_SINCE:
		return events_time(a, "--since", arg, &a->o.since);
	case CLI_OPT_UNTIL:
		return events_time(a, "--until", arg, &a->o.until);
	case 'f':
		if (!strchr(arg, '=') || *arg == '=')
			return cli_usage(a->v, "--filter takes KEY=VALUE, not '%s'", arg);
		strv_push(&a->filters, &a->nfilters, arg);
		break;
	case CLI_OPT_FORMAT:
		if (strcmp(arg, "json") != 0)
			return cli_usage(a->v, "--format takes json, not '%s'", arg);
		a->json = true;
		break;
	}
	return -1;
}

/* RFC 3339 in UTC with nanoseconds, as the engines stamp their events. */
static void
events_stamp(char *buf, size_t len, long long ns)
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char day[32];
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
	snprintf(buf, len, "%s.%09lldZ", day, ns % 1000000000LL);
}

/* The actor as people know it: its name, else its short id. */
static char *
events_actor(const struct berth_event *ev)
{
	return ev->name && *ev->name ? cli_clean(ev->name) : xstrndup(ev->id, 12);
}

static char *
events_text(const char *endpoint, const struct berth_event *ev)
{
	char when[48];
	events_stamp(when, sizeof when, ev->time_ns);
	char *actor = events_actor(ev), *action = cli_clean(ev->action);
	struct buf b = { 0 };
	buf_printf(&b, "%s %s %s %s %s", when, endpoint, ev->type, action, actor);
	if (ev->exit_code >= 0)
		buf_printf(&b, " exit %d", ev->exit_code);
	else if (ev->signal)
		buf_printf(&b, " signal %s", ev->signal);
	free(actor);
	free(action);
	return buf_steal(&b);
}

static char *
events_json(const char *endpoint, const struct berth_event *ev)
{
	char when[48];
	events_stamp(when, sizeof when, ev->time_ns);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "time_nano", json_object_new_int64(ev->time_ns));
	json_object_object_add(o, "endpoint", json_object_new_string(endpoint));
	json_object_object_add(o, "type", json_object_new_string(ev->type));
	json_object_object_add(o, "action", json_object_new_string(ev->action));
	json_object_object_add(o, "id", json_object_new_string(ev->id));
	json_object_object_add(o, "name", ev->name ? json_object_new_string(ev->name) : NULL);
	json_object_object_add(o, "image", ev->image ? json_object_new_string(ev->image) : NULL);
	json_object_object_add(o, "exit_code", ev->exit_code >= 0 ?
				   json_object_new_int(ev->exit_code) : NULL);
	json_object_object_add(o, "signal", ev->signal ? json_object_new_string(ev->signal) : NULL);
	char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

static int
events_cb(void *ctx, const struct berth_event *ev)
{
	struct events_source *s = ctx;
	const char *endpoint = berth_endpoint_name(s->ep);
	char *line = s->a->json ? events_json(endpoint, ev) : events_text(endpoint, ev);
	int stop = merge_put(s->m, s->index, ev->time_ns, 1, line, strlen(line));
	free(line);
	return stop;
}

static void *
events_thread(void *p)
{
	struct events_source *s = p;
	s->rc = berth_events_query(s->ep, &s->a->o, events_cb, s, s->cancel, &s->err);
	/* Said at once: the other endpoints' events may go on for hours. */
	if (s->rc < 0 && s->err.code != BERTH_ECANCELLED)
		cli_fail(&s->err);
	merge_end(s->m, s->index);
	return NULL;
}

static void
events_emit(void *ctx, size_t src, int stream, const char *line, size_t len)
{
	(void)ctx;
	(void)src;
	(void)stream;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Open every endpoint and start its stream. */
static struct events_source *
events_start(struct cli *cli, const struct events_args *a, struct merge **m, size_t *n, int *rc)
{
	char **specs = cli_specs(cli);
	*n = strv_len(specs);
	*m = merge_new(*n, a->o.until == 0, MERGE_QUEUE);
	struct events_source *src = xcalloc(*n + 1, sizeof *src);
	for (size_t i = 0; i < *n; i++) {
		struct events_source *s = &src[i];
		*s = (struct events_source){ .m = *m, .index = i, .a = a, .cancel = cli->cancel };
		if (berth_endpoint_open(specs[i], &cli->opts, &s->ep, &s->err) < 0 ||
		    berth_thread_start(&s->th, 0, false, events_thread, s) != 0) {
			if (s->ep)
				berth_fail(&s->err, BERTH_EIO, "cannot start a thread for %s", specs[i]);
			*rc = cli_fail(&s->err);
			merge_end(*m, i);
			continue;
		}
		s->started = true;
	}
	berth_strv_free(specs);
	return src;
}

int
cli_events(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct events_args a = { .v = v };
	int first, rc = cli_parse(v, argc, argv, events_option, &a, &first);
	if (rc < 0)
		rc = cli_check_operands(a.v, argc, argv, first, 0, 0, NULL);
	if (rc < 0 && a.o.since && a.o.until && a.o.until < a.o.since)
		rc = cli_usage(a.v, "--until is before --since");
	if (rc >= 0) {
		berth_strv_free(a.filters);
		return rc;
	}
	a.o.filters = a.filters;
	cli_catch_interrupt(cli);
	struct merge *m;
	size_t n;
	rc = CLI_OK;
	struct events_source *src = events_start(cli, &a, &m, &n, &rc);
	merge_run(m, events_emit, NULL, cli->cancel);
	if (berth_cancel_is_set(cli->cancel))
		rc = CLI_INTERRUPTED;
	berth_cancel_trigger(cli->cancel);	/* the merge is over: end every stream */
	for (size_t i = 0; i < n; i++) {
		if (src[i].started)
			pthread_join(src[i].th, NULL);
		if (src[i].started && src[i].rc < 0 && src[i].err.code != BERTH_ECANCELLED)
			rc = CLI_FAILED;	/* said when it ended */
		berth_endpoint_free(src[i].ep);
	}
	free(src);
	merge_free(m);
	berth_strv_free(a.filters);
	return rc;
}

/* ------------------------------------------------------------------ */
/* top */

/* docker top's layout (Go's tabwriter, minimum width 20, padding 3): every
 * column but the last is padded to max(20, its widest cell + 3). */
static void
top_print(const struct berth_top *t)
{
	size_t *width = xcalloc(t->ncols + 1, sizeof *width);
	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->titles[c]) + 3;
		for (size_t r = 0; r < t->nrows; r++)
			if (strlen(t->cells[r * t->ncols + c]) + 3 > width[c])
				width[c] = strlen(t->cells[r * t->ncols + c]) + 3;
		if (width[c] < 20)
			width[c] = 20;
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		char **row = r ? t->cells + (r - 1) * t->ncols : t->titles;
		for (size_t c = 0; c < t->ncols; c++) {
			char *cell = cli_clean(row[c]);
			if (c + 1 < t->ncols)
				printf("%-*s", (int)width[c], cell);
			else
				printf("%s", cell);
			free(cell);
		}
		putchar('\n');
	}
	free(width);
}

int
cli_top(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse(v, argc, argv, NULL, NULL, &first);
	if (rc >= 0 || (rc = cli_check_operands(v, argc, argv, first, 1, -1, "name a container")) >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	struct buf ps_args = { 0 };	/* docker top's [ps OPTIONS], joined by blanks */
	for (int i = first + 1; i < argc; i++)
		buf_printf(&ps_args, "%s%s", i > first + 1 ? " " : "", argv[i]);
	struct berth_error err = { 0 };
	struct berth_top *t;
	int got = berth_top(ep, argv[first], ps_args.data, &t, cli->cancel, &err);
	buf_free(&ps_args);
	if (got < 0) {
		rc = cli_fail(&err);
	} else {
		top_print(t);
		berth_top_free(t);
	}
	berth_endpoint_free(ep);
	return rc;
}
