/* cli-life.c: lifecycle verbs: start, stop, restart, kill, rm, wait. Verbs that
 * take several containers go on past a failing one and then exit 1. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct life_args {
	const struct cli_verb *v;
	long timeout;		/* stop/restart -t; -1: the engine's */
	const char *signal;	/* kill -s */
	bool force;		/* rm -f */
};

static int
life_option(void *ctx, int opt, const char *arg)
{
	struct life_args *a = ctx;
	switch (opt) {
	case 't':
		if (cli_parse_int(a->v, "-t", arg, 0, 86400 * 365, &a->timeout) < 0)
			return CLI_USAGE;
		break;
	case 's':
		if (berth_signal_parse(arg) < 0)
			return cli_usage(a->v, "unknown signal %s", arg);
		a->signal = arg;
		break;
	case 'f':
		a->force = true;
		break;
	}
	return -1;
}

/* Run one lifecycle action on ref. */
static int
life_apply(const char *verb, berth_endpoint *ep, const char *ref, const struct life_args *a,
	   struct berth_error *err)
{
	if (strcmp(verb, "start") == 0)
		return berth_start(ep, ref, NULL, err);
	if (strcmp(verb, "stop") == 0)
		return berth_stop(ep, ref, (int)a->timeout, NULL, err);
	if (strcmp(verb, "restart") == 0)
		return berth_restart(ep, ref, (int)a->timeout, NULL, err);
	if (strcmp(verb, "kill") == 0)
		return berth_kill(ep, ref, a->signal, NULL, err);
	return berth_remove(ep, ref, a->force, NULL, err);
}

int
cli_lifecycle(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct life_args a = { .v = v, .timeout = -1 };
	int first, rc = cli_parse(v, argc, argv, life_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(a.v, argc, argv, first, 1, -1, "name a container")) >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, a.v, &ep)) != CLI_OK)
		return rc;
	for (int i = first; i < argc; i++) {
		struct berth_error err = { 0 };
		if (life_apply(v->name, ep, argv[i], &a, &err) < 0)
			rc = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
		fflush(stdout);
	}
	berth_endpoint_free(ep);
	return rc;
}

struct wait_args {
	const struct cli_verb *v;
	double timeout;
	bool has_status;
	enum berth_status status;
};

static int
wait_option(void *ctx, int opt, const char *arg)
{
	struct wait_args *a = ctx;
	if (opt == CLI_OPT_TIMEOUT && cli_parse_seconds(a->v, "--timeout", arg, &a->timeout) < 0)
		return CLI_USAGE;
	if (opt == CLI_OPT_STATUS) {
		if (berth_status_parse(arg, &a->status) < 0)
			return cli_usage(a->v, "unknown status %s (running, exited, created, ...)", arg);
		a->has_status = true;
	}
	return -1;
}

int
cli_wait(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct wait_args a = { .v = v, .timeout = -1 };
	int first, rc = cli_parse(v, argc, argv, wait_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(a.v, argc, argv, first, 1, 1, "name a container")) >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, a.v, &ep)) != CLI_OK)
		return rc;
	cli_catch_interrupt(cli);
	struct berth_error err = { 0 };
	int code = 0;
	if (a.has_status)
		rc = berth_wait_status(ep, argv[first], a.status, a.timeout, cli->cancel, &err);
	else
		rc = berth_wait(ep, argv[first], a.timeout, &code, cli->cancel, &err);
	berth_endpoint_free(ep);
	if (rc < 0) {
		int status = cli_fail(&err);
		return err.code == BERTH_ETIMEOUT ? CLI_TIMEOUT : status;
	}
	if (!a.has_status)
		printf("%d\n", code);
	return CLI_OK;
}
