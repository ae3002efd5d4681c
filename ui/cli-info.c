/* cli-info.c: the verbs that list and describe containers: ps, inspect, show,
 * status, ports, ips, pid. */
#include "config.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-fleet.h"
#include "cli.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* ps */

struct ps_args {
	const struct cli_verb *v;
	bool all, quiet, json;
};

static int
ps_option(void *ctx, int opt, const char *arg)
{
	struct ps_args *a = ctx;
	switch (opt) {
	case 'a':
		a->all = true;
		break;
	case 'q':
		a->quiet = true;
		break;
	case CLI_OPT_FORMAT:
		if (strcmp(arg, "json") == 0)
			a->json = true;
		else if (strcmp(arg, "table") == 0)
			a->json = false;
		else
			return cli_usage(a->v, "--format is table or json, not '%s'", arg);
		break;
	}
	return -1;
}

static json_object *
json_strv(char **v, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *
json_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *
ps_json_container(const struct berth_container *c)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(c->id ? c->id : ""));
	json_object_object_add(o, "name", json_object_new_string(c->name ? c->name : ""));
	json_object_object_add(o, "image", json_object_new_string(c->image ? c->image : ""));
	json_object_object_add(o, "status", json_object_new_string(berth_status_name(c->status)));
	json_object *ports = json_object_new_array();
	for (size_t i = 0; i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		json_object *po = json_object_new_object();
		json_object_object_add(po, "port", json_object_new_int(p->container_port));
		json_object_object_add(po, "proto", json_object_new_string(p->proto[0] ? p->proto : "tcp"));
		json_object_object_add(po, "host_ip", p->host_port > 0 ?
				       json_object_new_string(p->host_ip[0] ? p->host_ip : "0.0.0.0") : NULL);
		json_object_object_add(po, "host_port",
				       p->host_port > 0 ? json_object_new_int(p->host_port) : NULL);
		json_object_array_add(ports, po);
	}
	json_object_object_add(o, "ports", ports);
	json_object_object_add(o, "ipv4", json_strv(c->ipv4, c->nipv4));
	json_object_object_add(o, "ipv6", json_strv(c->ipv6, c->nipv6));
	json_object_object_add(o, "endpoint", json_object_new_string(c->endpoint ? c->endpoint : ""));
	if (c->floating_ip)
		json_object_object_add(o, "floating_ip", json_str_or_null(c->floating_ip));
	if (c->reservation)
		json_object_object_add(o, "reservation", json_str_or_null(c->reservation));
	if (c->runtime)
		json_object_object_add(o, "runtime", json_str_or_null(c->runtime));
	if (c->device_profiles)
		json_object_object_add(o, "device_profiles", json_str_or_null(c->device_profiles));
	return o;
}

/* PORTS column: docker ps style, "127.0.0.1:18080->80/tcp, 443/tcp". */
static char *
ps_ports_cell(const struct berth_container *c)
{
	struct buf b = { 0 };
	for (size_t i = 0; i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		if (i)
			buf_appends(&b, ", ");
		if (p->host_port > 0)
			buf_printf(&b, "%s:%d->", p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port);
		buf_printf(&b, "%d/%s", p->container_port, p->proto[0] ? p->proto : "tcp");
	}
	buf_appends(&b, "");
	return buf_steal(&b);
}

static void
ps_row(const char *const *row, const size_t *width, int ncol)
{
	for (int k = 0; k < ncol - 1; k++)
		printf("%-*s  ", (int)width[k], row[k]);
	printf("%s\n", row[ncol - 1]);
}

/* The table of cli.md; with several endpoints, an ENDPOINT column at the end. */
static void
ps_table(struct berth_container **list, size_t n, bool with_endpoint)
{
	enum { MAXCOL = 6 };
	static const char *const heads[MAXCOL] = {
		"ID", "NAME", "IMAGE", "STATUS", "PORTS", "ENDPOINT",
	};
	int ncol = with_endpoint ? 6 : 5;
	char **cells = xcalloc(n * MAXCOL + 1, sizeof *cells);
	size_t width[MAXCOL];
	for (int k = 0; k < ncol; k++)
		width[k] = strlen(heads[k]);
	for (size_t i = 0; i < n; i++) {
		const struct berth_container *c = list[i];
		char **row = &cells[i * MAXCOL];
		row[0] = xstrndup(c->id ? c->id : "", 12);
		row[1] = cli_clean(c->name);
		row[2] = cli_clean(c->image);
		row[3] = xstrdup(berth_status_name(c->status));
		row[4] = ps_ports_cell(c);
		if (with_endpoint)
			row[5] = cli_clean(c->endpoint);
		for (int k = 0; k < ncol; k++)
			if (strlen(row[k]) > width[k])
				width[k] = strlen(row[k]);
	}
	ps_row(heads, width, ncol);
	for (size_t i = 0; i < n; i++)
		ps_row((const char *const *)&cells[i * MAXCOL], width, ncol);
	for (size_t i = 0; i < n * MAXCOL; i++)
		free(cells[i]);
	free(cells);
}

static void
ps_print(const struct ps_args *a, struct berth_container **all, size_t nall, bool several)
{
	if (a->json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < nall; i++)
			json_object_array_add(arr, ps_json_container(all[i]));
		cli_print_json(arr);
		json_object_put(arr);
	} else if (a->quiet) {
		for (size_t i = 0; i < nall; i++)
			printf("%s\n", all[i]->id);
	} else {
		ps_table(all, nall, several);
	}
}

/* One endpoint's list (on a thread of the fleet); the list in e->data. */
struct ps_list {
	struct berth_container **list;
	size_t n;
};

static int
ps_list_one(struct fleet_ep *e, void *ctx)
{
	const struct ps_args *a = ctx;
	struct ps_list *l = xcalloc(1, sizeof *l);
	e->data = l;
	return berth_list(e->ep, a->all, &l->list, &l->n, e->fleet->cli->cancel, &e->err);
}

int
cli_ps(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct ps_args a = { .v = v };
	int first, rc = cli_parse(v, argc, argv, ps_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(a.v, argc, argv, first, 0, 0, NULL)) >= 0)
		return rc;
	char **specs = cli_specs(cli);
	struct fleet f;
	cli_catch_interrupt(cli);
	fleet_run(&f, cli, specs, ps_list_one, &a);
	struct berth_container **all = NULL;
	size_t nall = 0, answered = 0;
	for (size_t i = 0; i < f.n; i++) {
		struct ps_list *l = f.eps[i].data;
		if (l && f.eps[i].rc == 0) {
			all = xrealloc(all, (nall + l->n + 1) * sizeof *all);
			if (l->n)	/* an empty list may be NULL */
				memcpy(all + nall, l->list, l->n * sizeof *l->list);
			nall += l->n;
			answered++;
			free(l->list);
		} else if (l) {
			berth_container_list_free(l->list, l->n);
		}
		free(l);
	}
	rc = fleet_report(&f);
	if (answered)
		ps_print(&a, all, nall, f.n > 1);
	berth_container_list_free(all, nall);
	fleet_free(&f);
	berth_strv_free(specs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Verbs that take containers and no options. */

int
cli_inspect(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 1, -1, "name a container", &first);
	if (rc >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	json_object *arr = json_object_new_array();
	for (int i = first; i < argc; i++) {
		struct berth_error err = { 0 };
		struct berth_container *c;
		if (berth_inspect(ep, argv[i], true, &c, cli->cancel, &err) < 0) {
			rc = cli_fail(&err);
			continue;
		}
		json_object_array_add(arr, c->raw ? json_object_get(c->raw) : json_object_new_object());
		berth_container_free(c);
	}
	cli_print_json(arr);
	json_object_put(arr);
	berth_endpoint_free(ep);
	return rc;
}

/* What a verb about one container prints; ctx holds the verb's options. */
typedef void describe_fn(berth_endpoint *ep, const struct berth_container *c, const void *ctx);

/* Inspect ref afresh and print what describe makes of it. */
static int
describe(struct cli *cli, const struct cli_verb *v, const char *ref, describe_fn *print,
	 const void *ctx)
{
	berth_endpoint *ep;
	struct berth_container *c;
	int rc = cli_open_container(cli, v, ref, &ep, &c);
	if (rc != CLI_OK)
		return rc;
	print(ep, c, ctx);
	berth_container_free(c);
	berth_endpoint_free(ep);
	return CLI_OK;
}

/* A verb whose only operand is one container, and no options. */
static int
describe_verb(struct cli *cli, const struct cli_verb *v, int argc, char **argv,
	      describe_fn *print)
{
	int first, rc = cli_parse_operands(v, argc, argv, 1, 1, "name a container", &first);
	if (rc >= 0)
		return rc;
	return describe(cli, v, argv[first], print, NULL);
}

static void
show_time(const char *label, time_t t)
{
	if (!t)
		return;
	char when[64];
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", localtime_r(&t, &tm));
	printf("%-13s %s\n", label, when);
}

static void
show_list(const char *label, char **v, size_t n)
{
	if (n == 0)
		return;
	printf("%-13s ", label);
	for (size_t i = 0; i < n; i++) {
		char *s = cli_clean(v[i]);
		printf("%s%s", i ? ", " : "", s);
		free(s);
	}
	printf("\n");
}

static void
show_field(const char *label, const char *value)
{
	if (!value || !*value)
		return;
	char *s = cli_clean(value);
	printf("%-13s %s\n", label, s);
	free(s);
}

/* Health (nothing without a check), the last check, restarts and OOM. */
static void
show_trouble(const struct berth_container *c)
{
	show_field("Health:", berth_health_name(c->health));
	if (c->health_output) {
		size_t n = strlen(c->health_output);
		while (n && (c->health_output[n - 1] == '\n' || c->health_output[n - 1] == ' '))
			n--;
		char *out = xasprintf("exit %d%s%.*s", c->health_exit, n ? ": " : "", (int)n,
				      c->health_output);
		show_field("Last check:", out);
		free(out);
	}
	if (c->restart_count > 0)
		printf("%-13s %d\n", "Restarts:", c->restart_count);
	if (c->oom_killed)
		show_field("OOM killed:", "yes");
}

static void
show_print(berth_endpoint *ep, const struct berth_container *c, const void *ctx)
{
	(void)ctx;
	show_field("Name:", c->name);
	show_field("ID:", c->id);
	show_field("Image:", c->image);
	char *status = c->status == BERTH_ST_EXITED ?
		xasprintf("exited (%d)", c->exit_code) : xstrdup(berth_status_name(c->status));
	show_field("Status:", status);
	free(status);
	show_field("Reason:", c->status_reason);
	show_trouble(c);
	show_time("Created:", c->created);
	show_time("Started:", c->started);
	if (!c->running)
		show_time("Finished:", c->finished);
	show_field("Command:", c->command);
	show_field("Hostname:", c->hostname);
	show_list("IPv4:", c->ipv4, c->nipv4);
	show_list("IPv6:", c->ipv6, c->nipv6);
	char **ports = xcalloc(c->nports + 1, sizeof *ports);
	for (size_t i = 0; i < c->nports; i++)
		ports[i] = cli_port_string(&c->ports[i]);
	show_list("Ports:", ports, c->nports);
	berth_strv_free(ports);
	show_field("Floating IP:", c->floating_ip);
	show_field("Reservation:", c->reservation);
	show_field("Runtime:", c->runtime);
	show_field("Dev profiles:", c->device_profiles);
	if (c->pid > 0)
		printf("%-13s %ld\n", "PID:", c->pid);
	show_field("Endpoint:", berth_endpoint_name(ep));
}

int
cli_show(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	return describe_verb(cli, v, argc, argv, show_print);
}

static void
status_print(berth_endpoint *ep, const struct berth_container *c, const void *ctx)
{
	(void)ep;
	(void)ctx;
	printf("%s\n", berth_status_name(c->status));
}

int
cli_status(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	return describe_verb(cli, v, argc, argv, status_print);
}

static void
ports_print(berth_endpoint *ep, const struct berth_container *c, const void *ctx)
{
	(void)ep;
	(void)ctx;
	for (size_t i = 0; i < c->nports; i++) {
		char *s = cli_port_string(&c->ports[i]);
		printf("%s\n", s);
		free(s);
	}
}

int
cli_ports(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	return describe_verb(cli, v, argc, argv, ports_print);
}

struct ips_args {
	bool v4, v6;
};

static int
ips_option(void *ctx, int opt, const char *arg)
{
	struct ips_args *a = ctx;
	(void)arg;
	if (opt == '4')
		a->v4 = true;
	else if (opt == '6')
		a->v6 = true;
	return -1;
}

static void
ips_print(berth_endpoint *ep, const struct berth_container *c, const void *ctx)
{
	const struct ips_args *a = ctx;
	(void)ep;
	for (size_t i = 0; !a->v6 && i < c->nipv4; i++)
		printf("%s\n", c->ipv4[i]);
	for (size_t i = 0; !a->v4 && i < c->nipv6; i++)
		printf("%s\n", c->ipv6[i]);
}

int
cli_ips(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct ips_args a = { 0 };
	int first, rc = cli_parse(v, argc, argv, ips_option, &a, &first);
	if (rc >= 0)
		return rc;
	if (a.v4 && a.v6)
		return cli_usage(v, "-4 and -6 cannot be combined");
	if ((rc = cli_check_operands(v, argc, argv, first, 1, 1, "name a container")) >= 0)
		return rc;
	return describe(cli, v, argv[first], ips_print, &a);
}

static void
pid_print(berth_endpoint *ep, const struct berth_container *c, const void *ctx)
{
	(void)ep;
	(void)ctx;
	printf("%ld\n", c->running ? c->pid : 0L);
}

int
cli_pid(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	return describe_verb(cli, v, argc, argv, pid_print);
}
