/* cli.c: the table of verbs, their help, and what every verb shares (option
 * parsing, messages, opening the endpoint, Ctrl-C, output sinks). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

static const struct cli_verb cli_verb_table[] = {
	{ "ps", cli_ps, "ps [-a] [-q] [--format table|json]",
	  "list containers",
	  "  -a, --all            all containers, not only running ones\n"
	  "  -q, --quiet          ids only\n"
	  "      --format FORMAT  table (default) or json: an array of objects with id, name,\n"
	  "                       image, status, ports, ipv4, ipv6, endpoint (and floating_ip,\n"
	  "                       reservation when known)\n"
	  "\nWith several -H, lists the containers of every endpoint (and adds an ENDPOINT\n"
	  "column to the table).\n" },
	{ "inspect", cli_inspect, "inspect CONTAINER...",
	  "the engine's full document of each container, as a JSON array", NULL },
	{ "show", cli_show, "show CONTAINER",
	  "a human summary of a container", NULL },
	{ "status", cli_status, "status CONTAINER",
	  "one word: created, running, paused, restarting, exited, dead, creating, deleting, "
	  "error, unknown",
	  NULL },
	{ "start", cli_start, "start CONTAINER...", "start containers (already running is fine)", NULL },
	{ "stop", cli_stop, "stop [-t SECONDS] CONTAINER...",
	  "stop containers (already stopped is fine)",
	  "  -t, --time SECONDS   wait this long before killing (default: the engine's)\n" },
	{ "restart", cli_restart, "restart [-t SECONDS] CONTAINER...", "restart containers",
	  "  -t, --time SECONDS   wait this long before killing (default: the engine's)\n" },
	{ "kill", cli_kill, "kill [-s SIGNAL] CONTAINER...", "send a signal to containers",
	  "  -s, --signal SIGNAL  a name (TERM, SIGTERM) or a number (default: SIGKILL)\n" },
	{ "rm", cli_rm, "rm [-f] CONTAINER...", "delete containers",
	  "  -f, --force          stop a running container first\n" },
	{ "wait", cli_wait, "wait [--timeout S] [--status STATUS] CONTAINER",
	  "wait until a container stops (and print its exit code) or reaches STATUS",
	  "      --timeout S      give up after S seconds (exit status 124)\n"
	  "      --status STATUS  wait for this status instead (running, exited, ...);\n"
	  "                       fails if the container reaches error instead\n" },
	{ "logs", cli_logs, "logs [-f] [--tail N] [-t] [--since TIME] CONTAINER...",
	  "the container's stdout to stdout and stderr to stderr",
	  "  -f, --follow         keep following until the container stops or Ctrl-C\n"
	  "      --tail N         only the last N lines (or all)\n"
	  "  -t, --timestamps     prefix every line with its time\n"
	  "      --since TIME     from TIME on: unix seconds, 2024-01-31T12:00:00Z, or a\n"
	  "                       duration back from now such as 90s, 10m, 2h, 1h30m\n"
	  "\nWith several containers (on one endpoint or across the -H endpoints), every\n"
	  "line is prefixed with its container's name, in the engines' timestamp order;\n"
	  "when following, a line waits at most 0.3 s for a quiet container's older ones.\n" },
	{ "exec", cli_exec, "exec [-it] [-e K=V]... [-w DIR] [-u USER] CONTAINER CMD [ARG...]",
	  "run a command in a container; berth exits with its status",
	  "  -e, --env K=V        set an environment variable (repeatable)\n"
	  "  -w, --workdir DIR    run in DIR\n"
	  "  -u, --user USER      run as USER\n"
	  "  -i, --interactive    give stdin to the command; its end closes the command's\n"
	  "                       stdin only\n"
	  "  -t, --tty            run the command on a terminal, resized with the window\n"
	  "                       (-it, an interactive shell, needs stdin to be a terminal)\n" },
	{ "cp", cli_cp, "cp SRC DEST",
	  "copy files or directories between a container and the host",
	  "\nExactly one of SRC and DEST is CONTAINER:PATH. A local path holding ':' must\n"
	  "start with ./ or /. '-' as SRC reads a tar stream from stdin into the container\n"
	  "directory DEST; '-' as DEST writes a tar stream of SRC to stdout. A symlink is\n"
	  "copied as a link, unless given with a trailing / (the directory it points to).\n" },
	{ "ports", cli_ports, "ports CONTAINER",
	  "one line per port: 80/tcp -> 127.0.0.1:18080, or 80/tcp when not published", NULL },
	{ "ips", cli_ips, "ips [-4|-6] CONTAINER", "the container's addresses, one per line",
	  "  -4                   IPv4 only\n"
	  "  -6                   IPv6 only\n" },
	{ "pid", cli_pid, "pid CONTAINER",
	  "pid of the container's root process on the engine host (0 when not running)", NULL },
	{ "port-open", cli_port_open, "port-open [--timeout S] CONTAINER PORT",
	  "exit 0 if a TCP connection to the container's port opens, else 1",
	  "      --timeout S      how long to try (default 2)\n" },
	{ "http", cli_http, "http [-X METHOD] [-p PORT] [--host HOST] [-d DATA] [--json] CONTAINER [PATH]",
	  "an HTTP request to the container; prints the body, exit 1 on a status of 400 or more;\n"
	  "redirects are followed within the container, at most 5",
	  "  -X, --request METHOD GET (default), POST, PUT, DELETE, ...\n"
	  "  -p, --port PORT      the container port (default: its first)\n"
	  "      --host HOST      the Host to connect to (default: the container's address)\n"
	  "  -d, --data DATA      the request body\n"
	  "      --json           send DATA as JSON; check that the reply is JSON and\n"
	  "                       pretty-print it\n" },
	{ "connect", cli_connect, "connect [-p PORT] CONTAINER",
	  "connect stdin and stdout to a TCP port of the container, like nc",
	  "  -p, --port PORT      the port (default: the only exposed one)\n" },
	{ "mount", cli_mount, "mount CONTAINER DIR",
	  "unpack the container's filesystem into DIR", NULL },
	{ "run", cli_run,
	  "run [--name N] [-p PORT]... [-e K=V]... [--reservation ID] [--runtime R]\n"
	  "           [--device-profile P]... [--no-start] [--wait] [--timeout S] [--idempotent]\n"
	  "           IMAGE [CMD [ARG...]]",
	  "create and start a container; prints its id",
	  "      --name NAME          the container's name\n"
	  "  -p, --publish PORT       [[HOSTIP:]HOSTPORT:]PORT[/PROTO] (repeatable)\n"
	  "  -e, --env K=V            an environment variable (repeatable)\n"
	  "      --reservation ID     Blazar reservation (Zun endpoints)\n"
	  "      --runtime R          container runtime (Zun endpoints)\n"
	  "      --device-profile P   device profile (Zun endpoints; repeatable)\n"
	  "      --no-start           create only\n"
	  "      --wait               block until it runs\n"
	  "      --timeout S          with --wait: give up after S seconds (default 300;\n"
	  "                           exit status 124)\n"
	  "      --idempotent         reuse a container of the same name\n" },
	{ "snapshot", cli_snapshot, "snapshot CONTAINER REPOSITORY [TAG]",
	  "commit the container's filesystem as an image; prints the image id", NULL },
	{ "fip", cli_fip, "fip list | fip associate CONTAINER [IP] | fip dissociate CONTAINER",
	  "floating IPs (Zun endpoints)",
	  "  list                 the project's floating IPs\n"
	  "  associate            give CONTAINER the floating IP IP, or a free one (allocated\n"
	  "                       from the public network when none is free); prints it\n"
	  "  dissociate           take CONTAINER's floating IP away\n" },
	{ "leases", cli_leases,
	  "leases [--expiring DURATION] | leases show LEASE\n"
	  "       | leases extend LEASE (--by DURATION | --end TIME)",
	  "the project's leases: status, end, time left and reservations (Zun sites with Blazar)",
	  "      --expiring D     only the active leases ending within D (30m, 2h, 1d);\n"
	  "                       exit 1 when there is one (for scripts and cron)\n"
	  "  show LEASE           the lease (id or name) in full, with its reservations\n"
	  "  extend LEASE         Blazar's lease update with a new end: --by DURATION adds to\n"
	  "                       the lease's current end (as blazar lease-update\n"
	  "                       --prolong-for does); --end TIME sets it ('2026-01-31\n"
	  "                       18:00', UTC as Blazar takes it); a refusal by the site's\n"
	  "                       policy is Blazar's own message\n" },
	{ "stats", cli_stats, "stats [--no-stream] [--format table|json] [CONTAINER...]",
	  "docker stats' columns for the running containers of every endpoint",
	  "      --no-stream      one table (two samples a second apart), then exit\n"
	  "      --format FORMAT  table (default) or json: one object per line, container\n"
	  "                       and sample, with endpoint, id, name, cpu_percent,\n"
	  "                       mem_usage_bytes, mem_limit_bytes, mem_percent,\n"
	  "                       net_rx_bytes, net_tx_bytes, block_read_bytes,\n"
	  "                       block_write_bytes, pids\n"
	  "\nWithout CONTAINER, the containers running when it starts, refreshed every second\n"
	  "until Ctrl-C. CPU % is docker stats' formula (Podman: CPU time over wall time).\n"
	  "A sample that fails (a stalled engine, an error) is said on stderr, its row\n"
	  "shows --, and the exit status is 1.\n" },
	{ "events", cli_events, "events [--since T] [--until T] [--filter K=V]... [--format json]",
	  "the engines' events, one line each: time, endpoint, type, action, actor, exit code or signal",
	  "      --since T        from T on (replayed by the engine)\n"
	  "      --until T        up to T, then exit (without it: follow until Ctrl-C)\n"
	  "      --filter K=V     the engine's event filters: type=container, event=die,\n"
	  "                       container=NAME, image=..., label=K=V (repeatable)\n"
	  "      --format json    one JSON object per line: time, time_nano, endpoint,\n"
	  "                       type, action, id, name, image, exit_code, signal\n"
	  "\nT is unix seconds, a date like 2024-01-31T12:00:00Z, or a duration back from\n"
	  "now such as 10m. Zun has no events: its endpoints say so.\n" },
	{ "top", cli_top, "top CONTAINER [PS_OPTIONS]",
	  "the container's processes, as docker top (Zun has no process list)", NULL },
	{ "endpoints", cli_endpoints, "endpoints",
	  "every endpoint, its kind, and whether it answers (with the engine's version)", NULL },
	{ "version", cli_version, "version", "berth's version, and the engine's when it answers", NULL },
	{ "help", cli_help, "help [VERB]", "help on berth or on one verb", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_verb *
cli_verb_find(const char *name)
{
	for (const struct cli_verb *v = cli_verb_table; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

void
cli_print_verbs(FILE *f)
{
	for (const struct cli_verb *v = cli_verb_table; v->name; v++)
		fprintf(f, "  %-10s %s\n", v->name, v->summary);
}

void
cli_verb_help(const struct cli_verb *v, FILE *f)
{
	fprintf(f, "usage: berth %s\n\n%c%s.\n\n", v->usage, toupper((unsigned char)v->summary[0]),
		v->summary + 1);
	fprintf(f, "  -h, --help           this help\n%s", v->options ? v->options : "");
}

int
cli_usage(const struct cli_verb *v, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "berth: %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: berth %s\n", v->usage);
	return CLI_USAGE;
}

int
cli_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "berth: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAILED;
}

int
cli_fail(const struct berth_error *err)
{
	if (err->code == BERTH_ECANCELLED)
		return CLI_INTERRUPTED;
	return cli_error("%s", err->message[0] ? err->message : berth_errcode_name(err->code));
}

int
cli_parse(const struct cli_verb *v, int argc, char **argv, const char *shortopts,
	  const struct option *longopts, int (*handle)(void *ctx, int opt, const char *arg),
	  void *ctx, int *first)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct option *all;
	size_t n = 0;
	while (longopts && longopts[n].name)
		n++;
	all = xcalloc(n + 2, sizeof *all);
	memcpy(all, longopts ? longopts : none, n * sizeof *all);
	all[n] = (struct option){ "help", no_argument, NULL, 'h' };
	char *opts = xasprintf("+:h%s", shortopts);
	int rc = -1, c;
	optind = 0;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, opts, all, NULL)) != -1) {
		if (c == 'h') {
			cli_verb_help(v, stdout);
			rc = CLI_OK;
		} else if (c == '?') {
			rc = optopt ? cli_usage(v, "unknown option -%c", optopt)
				    : cli_usage(v, "unknown option %s", argv[optind - 1]);
		} else if (c == ':') {
			/* a long option's optopt is its value (>= 1000 for long-only ones) */
			rc = optopt > 0 && optopt < 128 ? cli_usage(v, "option -%c needs a value", optopt)
				    : cli_usage(v, "option %s needs a value", argv[optind - 1]);
		} else {
			int r = handle(ctx, c, optarg);
			if (r >= 0)
				rc = r;
		}
	}
	*first = optind;
	free(opts);
	free(all);
	return rc;
}

int
cli_check_operands(const struct cli_verb *v, int argc, char **argv, int first, int min, int max,
		   const char *missing)
{
	int n = argc - first;
	if (n < min)
		return cli_usage(v, "%s", missing);
	if (max >= 0 && n > max)
		return cli_usage(v, "unexpected argument %s", argv[first + max]);
	return -1;
}

int
cli_parse_operands(const struct cli_verb *v, int argc, char **argv, int min, int max,
		   const char *missing, int *first)
{
	int rc = cli_parse(v, argc, argv, "", NULL, NULL, NULL, first);
	if (rc >= 0)
		return rc;
	return cli_check_operands(v, argc, argv, *first, min, max, missing);
}

int
cli_parse_seconds(const struct cli_verb *v, const char *opt, const char *arg, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(d) || d < 0)
		return cli_usage(v, "%s needs a number of seconds, not '%s'", opt, arg), -1;
	*out = d;
	return 0;
}

int
cli_parse_int(const struct cli_verb *v, const char *opt, const char *arg, long min, long max,
	      long *out)
{
	char *end;
	errno = 0;
	long l = strtol(arg, &end, 10);
	if (errno || end == arg || *end || l < min || l > max)
		return cli_usage(v, "%s needs a whole number from %ld to %ld, not '%s'", opt, min,
				 max, arg), -1;
	*out = l;
	return 0;
}

int
cli_parse_port(const struct cli_verb *v, const char *opt, const char *arg, int *out)
{
	long port;
	if (cli_parse_int(v, opt, arg, 1, 65535, &port) < 0)
		return -1;
	*out = (int)port;
	return 0;
}

int
cli_parse_duration(const char *s, double *seconds)
{
	double total = 0;
	while (*s) {
		char *end;
		double d = strtod(s, &end);
		if (end == s || d < 0)
			return -1;
		switch (*end) {
		case 's': total += d; break;
		case 'm': total += d * 60; break;
		case 'h': total += d * 3600; break;
		case 'd': total += d * 86400; break;
		default: return -1;
		}
		s = end + 1;
	}
	*seconds = total;
	return 0;
}

/* After a date: " hh:mm[:ss[.frac]]" or "Thh:mm...", or nothing. */
static const char *
parse_clock(const char *p, struct tm *tm)
{
	if (*p != 'T' && *p != ' ')
		return p;
	p = strptime(p + 1, "%H:%M", tm);
	if (p && *p == ':')
		p = strptime(p + 1, "%S", tm);
	if (p && *p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	return p;
}

int
cli_parse_date(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	if (p)
		p = parse_clock(p, &tm);
	if (!p)
		return -1;
	long offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		offset = (hh * 3600L + mm * 60L) * (*p == '+' ? 1 : -1);
		p += 6;
	}
	if (*p)
		return -1;
	*out = timegm(&tm) - offset;
	return 0;
}

int
cli_open(struct cli *cli, const struct cli_verb *v, berth_endpoint **ep)
{
	struct berth_error err = { 0 };
	if (cli->nhosts > 1)
		return cli_usage(v, "works on one endpoint; give a single -H");
	if (berth_endpoint_open(cli->nhosts ? cli->hosts[0] : NULL, &cli->opts, ep, &err) < 0)
		return cli_fail(&err);
	return CLI_OK;
}

int
cli_open_container(struct cli *cli, const struct cli_verb *v, const char *ref, berth_endpoint **ep,
		   struct berth_container **c)
{
	int rc = cli_open(cli, v, ep);
	if (rc != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	if (berth_inspect(*ep, ref, true, c, cli->cancel, &err) < 0) {
		berth_endpoint_free(*ep);
		*ep = NULL;
		return cli_fail(&err);
	}
	return CLI_OK;
}

int
cli_open_and_list(struct cli *cli, const char *spec, bool all, berth_endpoint **ep,
		  struct berth_container ***list, size_t *n)
{
	struct berth_error err = { 0 };
	*list = NULL;
	*n = 0;
	if (berth_endpoint_open(spec, &cli->opts, ep, &err) < 0) {
		*ep = NULL;
		return cli_fail(&err);
	}
	if (berth_list(*ep, all, list, n, cli->cancel, &err) < 0)
		return cli_fail(&err);
	return CLI_OK;
}

char **
cli_specs(struct cli *cli)
{
	if (cli->nhosts)
		return strv_dup(cli->hosts);
	char **specs = NULL;
	berth_default_endpoints(cli->cfg, &specs, NULL);
	return specs;
}

static berth_cancel *cli_interrupt_target;

static void
cli_on_interrupt(int sig)
{
	berth_cancel_trigger(cli_interrupt_target);
	signal(sig, SIG_DFL);
}

void
cli_catch_interrupt(struct cli *cli)
{
	cli_interrupt_target = cli->cancel;
	struct sigaction sa = { .sa_handler = cli_on_interrupt };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
cli_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
cli_sink_stdio(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	(void)ctx;
	return cli_write_all(s == BERTH_STDERR ? 2 : 1, buf, len) < 0;
}

char *
cli_clean(const char *s)
{
	char *c = xstrdup(s ? s : "");
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

void
cli_print_json(struct json_object *doc)
{
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;
	printf("%s\n", json_object_to_json_string_ext(doc, flags));
}

char *
cli_port_string(const struct berth_port *p)
{
	const char *proto = p->proto[0] ? p->proto : "tcp";
	if (p->host_port <= 0)
		return xasprintf("%d/%s", p->container_port, proto);
	const char *ip = p->host_ip[0] ? p->host_ip : "0.0.0.0";
	bool v6 = strchr(ip, ':') != NULL;
	return xasprintf("%d/%s -> %s%s%s:%d", p->container_port, proto, v6 ? "[" : "", ip,
			 v6 ? "]" : "", p->host_port);
}

int
cli_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	const struct cli_verb *self = cli_verb_find("help");
	if (argc > 2)
		return cli_usage(self, "give one verb");
	if (argc == 2) {
		bool self_help = strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0;
		const struct cli_verb *v = self_help ? self : cli_verb_find(argv[1]);
		if (!v)
			return cli_usage(self, "unknown verb %s", argv[1]);
		cli_verb_help(v, stdout);
		return CLI_OK;
	}
	printf("usage: berth [-H ENDPOINT]... [-c FILE] [VERB [ARG...]]\n"
	       "\n"
	       "With no verb, berth opens the dashboard. With a verb, it acts once and exits.\n"
	       "\n"
	       "Options:\n"
	       "  -H, --host ENDPOINT  which engine: unix:///PATH, tcp://HOST:PORT (or HOST:PORT),\n"
	       "                       ssh://[USER@]HOST[:PORT], zun, zun:CLOUD, an endpoint of\n"
	       "                       the configuration file, or a Docker context; repeatable\n"
	       "                       for the dashboard and ps.\n"
	       "  -c, --config FILE    configuration file (default: $BERTH_CONFIG, else\n"
	       "                       $XDG_CONFIG_HOME/berth/berth.conf)\n"
	       "      --version        berth's version\n"
	       "  -h, --help           this help\n"
	       "\n"
	       "Verbs:\n");
	cli_print_verbs(stdout);
	printf("\nberth help VERB, or berth VERB --help, describes a verb. See berth(1).\n");
	return CLI_OK;
}
