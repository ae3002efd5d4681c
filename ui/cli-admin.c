/* cli-admin.c: run, snapshot, fip, endpoints, version. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "thread.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* run */

struct run_args {
	const struct cli_verb *v;
	struct berth_create_opts o;
	char **ports, **env, **labels, **profiles;
	size_t nports, nenv, nlabels, nprofiles;
	double timeout;
	const char *zun_only;	/* the first Zun-only option given */
};

static int
run_option(void *ctx, int opt, const char *arg)
{
	struct run_args *a = ctx;
	switch (opt) {
	case CLI_OPT_NAME: a->o.name = arg; break;
	case 'p': strv_push(&a->ports, &a->nports, arg); break;
	case 'e': strv_push(&a->env, &a->nenv, arg); break;
	case 'l': strv_push(&a->labels, &a->nlabels, arg); break;
	case CLI_OPT_RESTART: a->o.restart = arg; break;
	case CLI_OPT_RESERVATION:
		a->o.reservation = arg;
		a->zun_only = a->zun_only ? a->zun_only : "--reservation";
		break;
	case CLI_OPT_RUNTIME:
		a->o.runtime = arg;
		a->zun_only = a->zun_only ? a->zun_only : "--runtime";
		break;
	case CLI_OPT_COMPUTE_HOST:
		a->o.host = arg;
		a->zun_only = a->zun_only ? a->zun_only : "--compute-host";
		break;
	case CLI_OPT_DEVICE_PROFILE:
		strv_push(&a->profiles, &a->nprofiles, arg);
		a->zun_only = a->zun_only ? a->zun_only : "--device-profile";
		break;
	case CLI_OPT_NO_START: a->o.start = false; break;
	case CLI_OPT_WAIT: a->o.wait = true; break;
	case CLI_OPT_IDEMPOTENT: a->o.idempotent = true; break;
	case CLI_OPT_TIMEOUT:
		if (cli_parse_seconds(a->v, "--timeout", arg, &a->timeout) < 0)
			return CLI_USAGE;
		break;
	}
	return -1;
}

/* K=V words (-e, -l): a key, then '='. */
static int
check_pairs(const struct cli_verb *v, const char *opt, char **pairs)
{
	for (char **e = pairs; e && *e; e++)
		if (!strchr(*e, '=') || **e == '=')
			return cli_usage(v, "%s takes KEY=VALUE, not '%s'", opt, *e);
	return -1;
}

/* What can be told wrong before an engine is asked: the operands, -e and -l,
 * the ports, the restart policy and the name. */
static int
run_check_args(struct run_args *a, int argc, char **argv, int first)
{
	int rc = cli_check_operands(a->v, argc, argv, first, 1, -1, "name an image");
	if (rc >= 0)
		return rc;
	if (a->o.wait && !a->o.start)
		return cli_usage(a->v, "--wait and --no-start cannot be combined");
	if ((rc = check_pairs(a->v, "-e", a->env)) >= 0 ||
	    (rc = check_pairs(a->v, "-l", a->labels)) >= 0)
		return rc;
	struct berth_error err = { 0 };
	struct berth_port port;
	char policy[16];
	int retries;
	for (char **p = a->ports; p && *p; p++)
		if (berth_port_spec_parse(*p, &port, &err) < 0)
			return cli_usage(a->v, "%s", err.message);
	if (a->o.restart && berth_restart_parse(a->o.restart, policy, &retries, &err) < 0)
		return cli_usage(a->v, "%s", err.message);
	if (a->o.name && berth_name_check(a->o.name, &err) < 0)
		return cli_usage(a->v, "%s", err.message);
	return -1;
}

static int
run_create(struct cli *cli, struct run_args *a, int argc, char **argv, int first)
{
	berth_endpoint *ep;
	int rc;
	if ((rc = cli_open(cli, a->v, &ep)) != CLI_OK)
		return rc;
	if (a->zun_only && berth_endpoint_kind(ep) != BERTH_KIND_ZUN) {
		rc = cli_error("%s needs a Zun endpoint; %s is a Docker engine", a->zun_only,
			       berth_endpoint_name(ep));
		berth_endpoint_free(ep);
		return rc;
	}
	a->o.image = argv[first];
	a->o.argv = first + 1 < argc ? argv + first + 1 : NULL;
	a->o.env = a->env;
	a->o.labels = a->labels;
	a->o.ports = a->ports;
	a->o.device_profiles = a->profiles;
	a->o.wait_timeout = a->timeout;
	cli_catch_interrupt(cli);
	struct berth_error err = { 0 };
	char *id = NULL;
	if (berth_create(ep, &a->o, &id, cli->cancel, &err) < 0) {
		rc = cli_fail(&err);
		if (err.code == BERTH_ETIMEOUT)
			rc = CLI_TIMEOUT;
	} else {
		printf("%s\n", id);
	}
	free(id);
	berth_endpoint_free(ep);
	return rc;
}

static void
run_args_done(struct run_args *a)
{
	berth_strv_free(a->ports);
	berth_strv_free(a->env);
	berth_strv_free(a->labels);
	berth_strv_free(a->profiles);
}

/* Parse and check: -1 to go on, else the exit status. */
static int
run_parse(struct run_args *a, int argc, char **argv, int *first)
{
	int rc = cli_parse(a->v, argc, argv, run_option, a, first);
	return rc < 0 ? run_check_args(a, argc, argv, *first) : rc;
}

int
cli_run_check(const struct cli_verb *v, int argc, char **argv)
{
	struct run_args a = { .v = v, .o = { .start = true }, .timeout = 300 };
	int first, rc = run_parse(&a, argc, argv, &first);
	run_args_done(&a);
	return rc;
}

int
cli_run(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct run_args a = { .v = v, .o = { .start = true }, .timeout = 300 };
	int first, rc = run_parse(&a, argc, argv, &first);
	if (rc < 0)
		rc = run_create(cli, &a, argc, argv, first);
	run_args_done(&a);
	return rc;
}

/* ------------------------------------------------------------------ */
/* snapshot */

int
cli_snapshot(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 2, 3, "name a container and a repository",
					   &first);
	if (rc >= 0)
		return rc;
	int n = argc - first;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	char *image = NULL;
	if (berth_snapshot(ep, argv[first], argv[first + 1], n == 3 ? argv[first + 2] : NULL,
			   &image, cli->cancel, &err) < 0)
		rc = cli_fail(&err);
	else
		printf("%s\n", image);
	free(image);
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* fip */

static void
fip_print(struct berth_fip *list, size_t n)
{
	printf("%-16s  %-16s  %-8s  %s\n", "ADDRESS", "FIXED", "STATUS", "ID");
	for (size_t i = 0; i < n; i++) {
		const struct berth_fip *f = &list[i];
		printf("%-16s  %-16s  %-8s  %s\n", f->address ? f->address : "",
		       f->fixed_address ? f->fixed_address : "-", f->status ? f->status : "",
		       f->id ? f->id : "");
	}
}

int
cli_fip(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 1, -1,
					   "name an action: list, associate or dissociate", &first);
	if (rc >= 0)
		return rc;
	int n = argc - first;
	const char *sub = argv[first];
	int min, max;
	if (strcmp(sub, "list") == 0)
		min = max = 1;
	else if (strcmp(sub, "associate") == 0)
		min = 2, max = 3;
	else if (strcmp(sub, "dissociate") == 0)
		min = max = 2;
	else
		return cli_usage(v, "unknown action %s: use list, associate or dissociate", sub);
	if (n < min)
		return cli_usage(v, "fip %s needs a container", sub);
	if (n > max)
		return cli_usage(v, "unexpected argument %s", argv[first + max]);
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	if (strcmp(sub, "list") == 0) {
		struct berth_fip *list;
		size_t nl;
		if (berth_fip_list(ep, &list, &nl, cli->cancel, &err) < 0) {
			rc = cli_fail(&err);
		} else {
			fip_print(list, nl);
			berth_fip_list_free(list, nl);
		}
	} else if (strcmp(sub, "associate") == 0) {
		char *ip = NULL;
		if (berth_fip_associate(ep, argv[first + 1], n == 3 ? argv[first + 2] : NULL, &ip,
					cli->cancel, &err) < 0)
			rc = cli_fail(&err);
		else
			printf("%s\n", ip);
		free(ip);
	} else if (berth_fip_dissociate(ep, argv[first + 1], cli->cancel, &err) < 0) {
		rc = cli_fail(&err);
	}
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* endpoints */

struct probe {
	struct cli *cli;
	const char *spec;
	char *name, *kind, *address, *answer;
	pthread_t thread;
	bool started;
};

/* Open and ping one endpoint (on its own thread, so slow ones overlap). */
static void *
probe_run(void *arg)
{
	struct probe *p = arg;
	struct berth_error err = { 0 };
	berth_endpoint *ep;
	if (berth_endpoint_open(p->spec, &p->cli->opts, &ep, &err) < 0) {
		p->name = xstrdup(p->spec);
		p->answer = xasprintf("no: %s", err.message);
		return NULL;
	}
	char *version = NULL;
	if (berth_ping(ep, &version, NULL, &err) < 0)
		p->answer = xasprintf("no: %s", err.message);
	else
		p->answer = xasprintf("yes: %s", version);
	free(version);
	p->name = xstrdup(berth_endpoint_name(ep));
	p->kind = xstrdup(berth_kind_name(berth_endpoint_kind(ep)));
	p->address = xstrdup(berth_endpoint_address(ep));
	berth_endpoint_free(ep);
	return NULL;
}

/* Append spec to the n specs unless it is there already. */
static void
specs_add(char ***specs, size_t *n, const char *spec)
{
	for (size_t k = 0; k < *n; k++)
		if (strcmp((*specs)[k], spec) == 0)
			return;
	strv_push(specs, n, spec);
}

/* -H if given; else the default endpoints, every config-file endpoint and
 * every Docker context. */
static char **
endpoints_specs(struct cli *cli)
{
	char **specs = cli_specs(cli);
	if (cli->nhosts)
		return specs;
	size_t n = strv_len(specs);
	for (size_t i = 0; cli->cfg && i < cli->cfg->nendpoints; i++)
		specs_add(&specs, &n, cli->cfg->endpoints[i].name);
	char **contexts = berth_docker_contexts();
	for (size_t i = 0; contexts[i]; i++)
		specs_add(&specs, &n, contexts[i]);
	berth_strv_free(contexts);
	return specs;
}

int
cli_endpoints(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 0, 0, NULL, &first);
	if (rc >= 0)
		return rc;
	char **specs = endpoints_specs(cli);
	size_t n = strv_len(specs);
	struct probe *probes = xcalloc(n + 1, sizeof *probes);
	for (size_t i = 0; i < n; i++) {
		probes[i] = (struct probe){ .cli = cli, .spec = specs[i] };
		probes[i].started =
			berth_thread_start(&probes[i].thread, 0, false, probe_run, &probes[i]) == 0;
		if (!probes[i].started)
			probe_run(&probes[i]);
	}
	size_t wname = 4, wkind = 4, waddr = 7;
	for (size_t i = 0; i < n; i++) {
		if (probes[i].started)
			pthread_join(probes[i].thread, NULL);
		struct probe *p = &probes[i];
		wname = strlen(p->name) > wname ? strlen(p->name) : wname;
		wkind = p->kind && strlen(p->kind) > wkind ? strlen(p->kind) : wkind;
		waddr = p->address && strlen(p->address) > waddr ? strlen(p->address) : waddr;
	}
	printf("%-*s  %-*s  %-*s  %s\n", (int)wname, "NAME", (int)wkind, "KIND", (int)waddr,
	       "ADDRESS", "ANSWERS");
	for (size_t i = 0; i < n; i++) {
		struct probe *p = &probes[i];
		printf("%-*s  %-*s  %-*s  %s\n", (int)wname, p->name, (int)wkind, p->kind ? p->kind : "-",
		       (int)waddr, p->address ? p->address : "-", p->answer);
		free(p->name);
		free(p->kind);
		free(p->address);
		free(p->answer);
	}
	free(probes);
	berth_strv_free(specs);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* version */

int
cli_version(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 0, 0, NULL, &first);
	if (rc >= 0)
		return rc;
	printf("berth %s\n", berth_version_string());
	fflush(stdout);
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	char *version = NULL;
	if (berth_ping(ep, &version, cli->cancel, &err) < 0)
		rc = cli_fail(&err);
	else
		printf("engine: %s at %s\n", version, berth_endpoint_name(ep));
	free(version);
	berth_endpoint_free(ep);
	return rc;
}
