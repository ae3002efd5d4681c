/* cli-leases.c: the leases verb (Zun sites with Blazar): the project's leases with
 * their reservations, one lease in full, a lease extended, and --expiring for
 * scripts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util.h"

#define LEASE_ROW "%-24s  %-10s  %-16s  %-8s  %s\n"

/* "2026-12-06 18:37" in local time, "-" when unknown. */
static const char *
lease_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!t)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", localtime_r(&t, &tm));
	return buf;
}

/* Every reservation of the lease in words, joined with "; ". */
static char *
lease_reservations_text(const struct berth_lease *l)
{
	struct buf b = { 0 };
	for (size_t i = 0; i < l->nreservations; i++) {
		char *text = berth_reservation_text(&l->reservations[i]);
		buf_printf(&b, "%s%s", i ? "; " : "", text);
		free(text);
	}
	char *raw = buf_steal(&b), *clean = cli_clean(raw);
	free(raw);
	return clean;
}

static void
lease_row(const struct berth_lease *l, time_t now)
{
	char end[32], left[32];
	char *name = cli_clean(l->name ? l->name : l->id), *res = lease_reservations_text(l);
	printf(LEASE_ROW, name, l->status ? l->status : "", lease_time(l->end, end, sizeof end),
	       berth_lease_left(l->end, now, left, sizeof left), *res ? res : "-");
	free(name);
	free(res);
}

/* An active lease ending within `within` seconds of now. */
static bool
lease_expiring(const struct berth_lease *l, time_t now, double within)
{
	return l->status && strcmp(l->status, "ACTIVE") == 0 && l->end &&
	       (double)(l->end - now) <= within;
}

/* `leases [--expiring D]`: every lease, or only the active ones ending within D
 * (exit 1 when there is one). */
static int
leases_list(berth_endpoint *ep, double expiring, berth_cancel *cancel)
{
	struct berth_error err = { 0 };
	struct berth_lease *list;
	size_t n, shown = 0;
	if (berth_lease_list(ep, &list, &n, cancel, &err) < 0)
		return cli_fail(&err);
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		if (expiring >= 0 && !lease_expiring(&list[i], now, expiring))
			continue;
		if (shown++ == 0)
			printf(LEASE_ROW, "NAME", "STATUS", "END", "LEFT", "RESERVATIONS");
		lease_row(&list[i], now);
	}
	berth_lease_list_free(list, n);
	return expiring >= 0 && shown ? CLI_FAILED : CLI_OK;
}

static void
show_line(const char *label, const char *value)
{
	char *clean = cli_clean(value ? value : "-");
	printf("%-13s %s\n", label, clean);
	free(clean);
}

static void
lease_show(const struct berth_lease *l)
{
	char start[32], end[32], left[32];
	show_line("Lease:", l->name);
	show_line("Id:", l->id);
	show_line("Status:", l->status);
	show_line("Start:", lease_time(l->start, start, sizeof start));
	show_line("End:", lease_time(l->end, end, sizeof end));
	show_line("Left:", berth_lease_left(l->end, time(NULL), left, sizeof left));
	for (size_t i = 0; i < l->nreservations; i++) {
		const struct berth_reservation *r = &l->reservations[i];
		char *text = berth_reservation_text(r);
		char *line = xasprintf("%s (%s)", text, r->status ? r->status : "status unknown");
		show_line(i ? "" : "Reservations:", line);
		show_line("", r->id);
		free(line);
		free(text);
	}
	if (!l->nreservations)
		show_line("Reservations:", "none");
}

/* The leases verb's options (verbs.c): --expiring goes with the list, --by and
 * --end with extend. */
struct leases_args {
	const struct cli_verb *v;
	double expiring;	/* seconds; -1 when not given */
	double by;		/* seconds; 0 when not given */
	time_t end;		/* 0 when not given */
};

static int
leases_option(void *ctx, int key, const char *arg)
{
	struct leases_args *a = ctx;
	if (key == CLI_OPT_EXPIRING && cli_parse_duration(arg, &a->expiring) < 0)
		return cli_usage(a->v, "--expiring needs a duration such as 30m or 2h, not '%s'", arg);
	if (key == CLI_OPT_BY && (cli_parse_duration(arg, &a->by) < 0 || a->by < 60))
		return cli_usage(a->v, "--by needs a duration of a minute or more such as 30m, "
				 "2h or 1d, not '%s'", arg);
	if (key == CLI_OPT_END && cli_parse_date(arg, &a->end) < 0)
		return cli_usage(a->v, "--end needs a time such as '2026-01-31 18:00' (UTC, as "
				 "Blazar takes it), not '%s'", arg);
	return -1;
}

/* Parse the options at argv (argv[0] is not one) into *a. */
static int
leases_parse(const struct cli_verb *v, int argc, char **argv, struct leases_args *a, int *first)
{
	*a = (struct leases_args){ .v = v, .expiring = -1 };
	return cli_parse(v, argc, argv, leases_option, a, first);
}

/* extend's operands and options (argv[0] is LEASE) into *a. */
static int
extend_check(const struct cli_verb *v, int argc, char **argv, struct leases_args *a)
{
	int first, rc = leases_parse(v, argc, argv, a, &first);
	if (rc < 0)
		rc = cli_check_operands(v, argc, argv, first, 0, 0, NULL);
	if (rc < 0 && a->expiring >= 0)
		rc = cli_usage(v, "--expiring goes with the list, not with extend");
	if (rc < 0 && (a->by > 0) == (a->end != 0))
		rc = cli_usage(v, "extend takes one of --by DURATION and --end TIME");
	return rc;
}

/* `leases extend LEASE (--by D | --end T)`. */
static int
leases_extend(berth_endpoint *ep, const char *ref, const struct leases_args *a,
	      berth_cancel *cancel)
{
	struct berth_error err = { 0 };
	struct berth_lease l;
	if (berth_lease_extend(ep, ref, (long)a->by, a->end, &l, cancel, &err) < 0)
		return cli_fail(&err);
	char end[32], left[32];
	char *name = cli_clean(l.name ? l.name : l.id);
	printf("%s now ends %s (%s left)\n", name, lease_time(l.end, end, sizeof end),
	       berth_lease_left(l.end, time(NULL), left, sizeof left));
	free(name);
	berth_lease_done(&l);
	return CLI_OK;
}

static int
leases_show(berth_endpoint *ep, const char *ref, berth_cancel *cancel)
{
	struct berth_error err = { 0 };
	struct berth_lease l;
	if (berth_lease_find(ep, ref, &l, cancel, &err) < 0)
		return cli_fail(&err);
	lease_show(&l);
	berth_lease_done(&l);
	return CLI_OK;
}

/* What the operands ask for: the list, show LEASE or extend LEASE ...; CLI_USAGE
 * (after the message) when they make no sense. */
static int
leases_check(const struct cli_verb *v, int argc, char **argv, int first,
	     const struct leases_args *a)
{
	if (a->by > 0 || a->end)
		return cli_usage(v, "--by and --end go with extend: leases extend LEASE --by DURATION");
	if (first == argc)
		return -1;
	const char *sub = argv[first];
	if (strcmp(sub, "show") != 0 && strcmp(sub, "extend") != 0)
		return cli_usage(v, "unknown subcommand %s (show or extend)", sub);
	if (a->expiring >= 0)
		return cli_usage(v, "--expiring goes with the list, not with %s", sub);
	if (first + 1 == argc || argv[first + 1][0] == '-')
		return cli_usage(v, "%s needs a lease first: leases %s LEASE ...", sub, sub);
	if (strcmp(sub, "show") == 0 && first + 2 < argc)
		return cli_usage(v, "unexpected argument %s", argv[first + 2]);
	return -1;
}

int
cli_leases(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct leases_args a, extend;
	int first, rc = leases_parse(v, argc, argv, &a, &first);
	if (rc < 0)
		rc = leases_check(v, argc, argv, first, &a);
	if (rc < 0 && first < argc && strcmp(argv[first], "extend") == 0)
		rc = extend_check(v, argc - first - 1, argv + first + 1, &extend);
	if (rc >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	cli_catch_interrupt(cli);
	if (first == argc)
		rc = leases_list(ep, a.expiring, cli->cancel);
	else if (strcmp(argv[first], "show") == 0)
		rc = leases_show(ep, argv[first + 1], cli->cancel);
	else
		rc = leases_extend(ep, argv[first + 1], &extend, cli->cancel);
	berth_endpoint_free(ep);
	return rc;
}
