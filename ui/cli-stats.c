/* cli-stats.c: berth stats, docker stats' columns for the running containers of
 * every endpoint, from one-shot samples (never a stream per container).
 *
 * Each round samples every container once, on a few threads; CPU % needs two
 * samples, so the first table comes after the second round, one second after
 * the first (with --no-stream too, as docker stats takes two samples). The
 * formulas are libberth's (berth_cpu_percent, model_stats: docker-api.md §6, §8).
 *
 * A sample that fails (an engine that stalls past the stall timeout, or that
 * errs) is said on stderr, once until that container's samples come back; its
 * row shows -- in every value column, and the verb's status is 1 (docker
 * stats hides the failure behind a row of zeros; berth does not).
 */
#include "config.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli-fleet.h"
#include "cli.h"
#include "util.h"

#define STATS_THREADS 64	/* samples taken at once: dockerd answers a one-shot sample at its collector's next tick, up to 1 s later, one tick for all of them */
#define STATS_ROUND_MS 1000	/* between two rounds, as docker stats' stream */

struct stats_args {
	const struct cli_verb *v;
	bool no_stream, json;
};

/* One container followed by the verb. */
struct stats_target {
	berth_endpoint *ep;	/* borrowed from the verb's list */
	char *id, *name;
	struct berth_stats_sample prev, cur;
	bool have_prev, failed;
	struct berth_error err;	/* why the last sample failed */
	bool said;		/* that failure is on stderr already */
	bool named;		/* given on the command line: shown even when stopped */
};

struct stats_run {
	struct stats_target *t;
	size_t n;
	size_t next;		/* the next target a sampling thread takes */
	bool any_failed;	/* a failure was said: the verb exits 1 */
	pthread_mutex_t lock;
	berth_cancel *cancel;
	bool missing;		/* a container named on the command line is nowhere */
};

static int
stats_option(void *ctx, int opt, const char *arg)
{
	struct stats_args *a = ctx;
	if (opt == CLI_OPT_NO_STREAM) {
		a->no_stream = true;
	} else if (opt == CLI_OPT_FORMAT) {
		if (strcmp(arg, "json") != 0 && strcmp(arg, "table") != 0)
			return cli_usage(a->v, "--format is table or json, not '%s'", arg);
		a->json = strcmp(arg, "json") == 0;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Choosing the containers. */

/* A name, a full id or a unique id prefix, as docker resolves them. */
static bool
stats_matches(const struct berth_container *c, const char *ref)
{
	return strcmp(c->name, ref) == 0 || strcmp(c->id, ref) == 0 ||
	       (strlen(ref) >= 1 && str_starts_with(c->id, ref));
}

static void
stats_add(struct stats_run *r, berth_endpoint *ep, const struct berth_container *c, bool named)
{
	r->t = xrealloc(r->t, (r->n + 1) * sizeof *r->t);
	r->t[r->n++] = (struct stats_target){ .ep = ep, .id = xstrdup(c->id),
					      .name = xstrdup(c->name), .named = named };
}

/* A container removed since the listing leaves the table quietly, as in docker
 * stats, unless it was named on the command line. */
static bool
stats_vanished(const struct stats_target *t)
{
	return t->failed && t->err.code == BERTH_ENOTFOUND && !t->named;
}

/* A container that stopped (or went) since the listing leaves the table, as
 * in docker stats, unless it was named; one whose sample failed stays (--). */
static bool
stats_shown(const struct stats_target *t)
{
	return t->named || (t->failed ? !stats_vanished(t) : t->cur.valid);
}

/* The running containers of ep, or those named by refs (found[i] set for each
 * ref that matched one). */
static void
stats_pick(struct stats_run *r, berth_endpoint *ep, struct berth_container **list, size_t n,
	   char **refs, int nrefs, bool *found)
{
	for (size_t i = 0; i < n; i++) {
		bool want = nrefs == 0 && list[i]->running;
		for (int k = 0; k < nrefs; k++)
			if (stats_matches(list[i], refs[k]))
				want = found[k] = true;
		if (want)
			stats_add(r, ep, list[i], nrefs > 0);
	}
}

/* One endpoint's list (on a thread of the fleet): all containers when some
 * are named, else the running ones. */
struct stats_list {
	struct berth_container **list;
	size_t n;
};

static int
stats_list_one(struct fleet_ep *e, void *ctx)
{
	const bool *all = ctx;
	struct stats_list *l = xcalloc(1, sizeof *l);
	e->data = l;
	return berth_list(e->ep, *all, &l->list, &l->n, e->fleet->cli->cancel, &e->err);
}

/* List every endpoint at once (f keeps them open) and pick the containers. */
static int
stats_targets(struct cli *cli, struct stats_run *r, char **refs, int nrefs, struct fleet *f)
{
	char **specs = cli_specs(cli);
	bool all = nrefs > 0;
	fleet_run(f, cli, specs, stats_list_one, &all);
	bool *found = xcalloc((size_t)nrefs + 1, sizeof *found);
	for (size_t i = 0; i < f->n; i++) {
		struct stats_list *l = f->eps[i].data;
		if (l && f->eps[i].rc == 0)
			stats_pick(r, f->eps[i].ep, l->list, l->n, refs, nrefs, found);
		if (l)
			berth_container_list_free(l->list, l->n);
		free(l);
	}
	int rc = fleet_report(f);
	for (int k = 0; k < nrefs; k++)
		if (!found[k]) {
			rc = cli_error("no such container: %s", refs[k]);
			r->missing = true;
		}
	free(found);
	berth_strv_free(specs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Sampling. */

static void *
stats_worker(void *p)
{
	struct stats_run *r = p;
	size_t i;
	while ((i = fleet_take(&r->lock, &r->next)) < r->n && !berth_cancel_is_set(r->cancel)) {
		struct stats_target *t = &r->t[i];
		t->have_prev = t->cur.read_ns != 0;
		t->prev = t->cur;
		t->failed = berth_stats(t->ep, t->id, &t->cur, r->cancel, &t->err) < 0;
	}
	return NULL;
}

/* One round: every target sampled once, STATS_THREADS at a time. */
static void
stats_round(struct stats_run *r)
{
	r->next = 0;
	fleet_threads(r->n < STATS_THREADS ? r->n : STATS_THREADS, stats_worker, r);
}

/* Say each new failure once (a stalled engine, an error), on stderr. */
static void
stats_say_failures(struct stats_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct stats_target *t = &r->t[i];
		if (!t->failed || t->err.code == BERTH_ECANCELLED) {
			t->said = false;
			continue;
		}
		if (t->said || stats_vanished(t))
			continue;
		char *name = cli_clean(t->name);
		cli_error("stats of %s: %s", name,
			  t->err.message[0] ? t->err.message : berth_errcode_name(t->err.code));
		free(name);
		t->said = r->any_failed = true;
	}
}

/* Sleep ms, in slices, returning early once cancel is set. */
static void
stats_nap(berth_cancel *cancel, int ms)
{
	for (; ms > 0 && !berth_cancel_is_set(cancel); ms -= 50) {
		struct timespec ts = { 0, (ms < 50 ? ms : 50) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* ------------------------------------------------------------------ */
/* Output. */

/* Go's units.CustomSize: "%.<prec>g" of the value in base steps, with units. */
static void
stats_size(char *buf, size_t len, double v, double base, const char *const *units, int prec)
{
	int i = 0;
	while (v >= base && units[i + 1]) {
		v /= base;
		i++;
	}
	snprintf(buf, len, "%.*g%s", prec, v, units[i]);
}

/* docker stats' memory (units.BytesSize) and I/O (units.HumanSizeWithPrecision 3). */
static void
stats_binary(char *buf, size_t len, uint64_t v)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", NULL };
	stats_size(buf, len, (double)v, 1024, u, 4);
}

void
cli_size_decimal(char *buf, size_t len, uint64_t v)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB", NULL };
	stats_size(buf, len, (double)v, 1000, u, 3);
}

static double
stats_mem_percent(const struct berth_stats_sample *s)
{
	return s->mem_limit ? (double)s->mem_used / (double)s->mem_limit * 100.0 : 0;
}

static double
stats_cpu(const struct stats_target *t)
{
	if (!t->failed && !t->cur.valid)
		return 0;	/* stopped: docker stats shows 0.00% */
	if (t->failed || !t->have_prev)
		return -1;
	return berth_cpu_percent(berth_endpoint_kind(t->ep), &t->prev, &t->cur);
}

/* A value of the sample, or null when the sample failed. */
static json_object *
stats_json_bytes(const struct stats_target *t, uint64_t v)
{
	return t->failed ? NULL : json_object_new_uint64(v);
}

static void
stats_json_line(const struct stats_target *t)
{
	const struct berth_stats_sample *s = &t->cur;
	json_object *o = json_object_new_object();
	double cpu = stats_cpu(t);
	json_object_object_add(o, "endpoint", json_object_new_string(berth_endpoint_name(t->ep)));
	json_object_object_add(o, "id", json_object_new_string(t->id));
	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "time", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "cpu_percent", cpu >= 0 ? json_object_new_double(cpu) : NULL);
	json_object_object_add(o, "mem_usage_bytes", stats_json_bytes(t, s->mem_used));
	json_object_object_add(o, "mem_limit_bytes", stats_json_bytes(t, s->mem_limit));
	json_object_object_add(o, "mem_percent",
			       t->failed ? NULL : json_object_new_double(stats_mem_percent(s)));
	json_object_object_add(o, "net_rx_bytes", stats_json_bytes(t, s->net_rx));
	json_object_object_add(o, "net_tx_bytes", stats_json_bytes(t, s->net_tx));
	json_object_object_add(o, "block_read_bytes", stats_json_bytes(t, s->blk_read));
	json_object_object_add(o, "block_write_bytes", stats_json_bytes(t, s->blk_write));
	json_object_object_add(o, "pids", stats_json_bytes(t, s->pids));
	if (t->failed)
		json_object_object_add(o, "error", json_object_new_string(t->err.message));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

#define STATS_COLS 9

/* The cells of one table row (the header when t is NULL); the endpoint last. */
static void
stats_cells(const struct stats_target *t, char cells[STATS_COLS][64])
{
	static const char *const head[STATS_COLS] = { "CONTAINER ID", "NAME", "CPU %",
		"MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS", "ENDPOINT" };
	if (!t) {
		for (int i = 0; i < STATS_COLS; i++)
			snprintf(cells[i], 64, "%s", head[i]);
		return;
	}
	const struct berth_stats_sample *s = &t->cur;
	char a[24], b[24];
	double cpu = stats_cpu(t);
	snprintf(cells[0], 64, "%.12s", t->id);
	char *name = cli_clean(t->name);
	snprintf(cells[1], 64, "%s", name);
	free(name);
	snprintf(cells[8], 64, "%s", berth_endpoint_name(t->ep));
	if (t->failed) {
		for (int i = 2; i < STATS_COLS - 1; i++)
			snprintf(cells[i], 64, "--");
		return;
	}
	if (cpu >= 0)
		snprintf(cells[2], 64, "%.2f%%", cpu);
	else
		snprintf(cells[2], 64, "--");
	stats_binary(a, sizeof a, s->mem_used);
	stats_binary(b, sizeof b, s->mem_limit);
	snprintf(cells[3], 64, "%s / %s", a, b);
	snprintf(cells[4], 64, "%.2f%%", stats_mem_percent(s));
	cli_size_decimal(a, sizeof a, s->net_rx);
	cli_size_decimal(b, sizeof b, s->net_tx);
	snprintf(cells[5], 64, "%s / %s", a, b);
	cli_size_decimal(a, sizeof a, s->blk_read);
	cli_size_decimal(b, sizeof b, s->blk_write);
	snprintf(cells[6], 64, "%s / %s", a, b);
	snprintf(cells[7], 64, "%llu", (unsigned long long)s->pids);
}

/* Columns padded to max(10, their widest cell plus three blanks), as docker's
 * tabwriter does; the ENDPOINT column only with several endpoints. */
static void
stats_table(const struct stats_run *r, bool several)
{
	int ncol = several ? STATS_COLS : STATS_COLS - 1;
	char (*cells)[STATS_COLS][64] = xcalloc(r->n + 1, sizeof *cells);
	size_t width[STATS_COLS], rows = 0;
	for (int c = 0; c < STATS_COLS; c++)
		width[c] = 10;
	for (size_t i = 0; i <= r->n; i++) {
		if (i && !stats_shown(&r->t[i - 1]))
			continue;
		stats_cells(i ? &r->t[i - 1] : NULL, cells[rows]);
		for (int c = 0; c < ncol; c++)
			if (strlen(cells[rows][c]) + 3 > width[c])
				width[c] = strlen(cells[rows][c]) + 3;
		rows++;
	}
	for (size_t i = 0; i < rows; i++)
		for (int c = 0; c < ncol; c++)
			printf("%-*s%s", c + 1 < ncol ? (int)width[c] : 0, cells[i][c],
			       c + 1 < ncol ? "" : "\n");
	free(cells);
}

static void
stats_print(const struct stats_run *r, const struct stats_args *a, bool several, bool clear)
{
	if (a->json) {
		for (size_t i = 0; i < r->n; i++)
			if (stats_shown(&r->t[i]))
				stats_json_line(&r->t[i]);
	} else {
		if (clear)
			fputs("\033[H\033[2J", stdout);
		stats_table(r, several);
	}
	fflush(stdout);
}

/* Sample until Ctrl-C (or twice with --no-stream), printing each round after
 * the first. */
static void
stats_loop(struct stats_run *r, const struct stats_args *a, bool several)
{
	bool clear = !a->json && isatty(1);
	for (int round = 0; !berth_cancel_is_set(r->cancel); round++) {
		stats_round(r);
		if (berth_cancel_is_set(r->cancel))
			break;
		stats_say_failures(r);
		if (round > 0)
			stats_print(r, a, several, clear);
		if (round > 0 && a->no_stream)
			break;
		stats_nap(r->cancel, STATS_ROUND_MS);
	}
}

int
cli_stats(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct stats_args a = { .v = v };
	int first, rc = cli_parse(v, argc, argv, stats_option, &a, &first);
	if (rc >= 0)
		return rc;
	struct stats_run r = { .cancel = cli->cancel };
	pthread_mutex_init(&r.lock, NULL);
	struct fleet f;
	cli_catch_interrupt(cli);
	rc = stats_targets(cli, &r, argv + first, argc - first, &f);
	/* A named container that is nowhere is an error; an endpoint that did not
	 * answer leaves the others' rows (and exit status 1), as ps does. */
	if (!r.missing && (rc == CLI_OK || r.n))
		stats_loop(&r, &a, f.n > 1);
	if (r.any_failed && rc == CLI_OK)
		rc = CLI_FAILED;
	if (berth_cancel_is_set(cli->cancel))
		rc = CLI_INTERRUPTED;
	for (size_t i = 0; i < r.n; i++) {
		free(r.t[i].id);
		free(r.t[i].name);
	}
	free(r.t);
	fleet_free(&f);
	pthread_mutex_destroy(&r.lock);
	return rc;
}
