/* verbs.c: the table of verbs, the one source of what each verb is called,
 * its usage, its options and their help: cli_parse parses a verb's argv from
 * it, cli_verb_help writes `berth VERB --help` from it. Also the help verb,
 * which lists the table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "verbs.h"

/* berth's own options, before the verb (main.c parses them with this table;
 * berth --help words them in cli_help). */
const struct cli_option cli_global_options[] = {
	{ 'H', "host", "ENDPOINT", "which engine (repeatable)" },
	{ 'c', "config", "FILE", "configuration file" },
	{ CLI_OPT_READ_ONLY, "read-only", NULL, "refuse every action that changes anything" },
	{ CLI_OPT_STAGE, "stage", NULL, "open the dashboard on its stage view" },
	{ CLI_OPT_VERSION, "version", NULL, "berth's version" },
	{ 0 },
};

/* Each verb's options (a lettered option's key is its letter; see cli.h). */
static const struct cli_option ps_options[] = {
	{ 'a', "all", NULL, "all containers, not only running ones" },
	{ 'q', "quiet", NULL, "ids only" },
	{ CLI_OPT_FORMAT, "format", "FORMAT",
	  "table (default) or json: an array of objects with id, name,\n"
	  "image, status, ports, ipv4, ipv6, endpoint (and floating_ip,\n"
	  "reservation when known)" },
	{ 0 },
};

static const struct cli_option images_options[] = {
	{ 'q', "quiet", NULL, "image ids only, each once" },
	{ CLI_OPT_FORMAT, "format", "FORMAT",
	  "table (default) or json: an array of objects with repository,\n"
	  "tag, id, size (bytes), created (unix seconds), containers" },
	{ 0 },
};

static const struct cli_option rmi_options[] = {
	{ 'f', "force", NULL, "remove it even when containers use it or it has other tags" },
	{ 0 },
};

static const struct cli_option stop_options[] = {
	{ 't', "time", "SECONDS", "wait this long before killing (default: the engine's)" },
	{ 't', "timeout", "SECONDS", NULL },
	{ 0 },
};

static const struct cli_option kill_options[] = {
	{ 's', "signal", "SIGNAL", "a name (TERM, SIGTERM) or a number (default: SIGKILL)" },
	{ 0 },
};

static const struct cli_option rm_options[] = {
	{ 'f', "force", NULL, "stop a running container first" },
	{ 0 },
};

static const struct cli_option wait_options[] = {
	{ CLI_OPT_TIMEOUT, "timeout", "S", "give up after S seconds (exit status 124)" },
	{ CLI_OPT_STATUS, "status", "STATUS",
	  "wait for this status instead (running, exited, ...);\n"
	  "fails if the container reaches error instead" },
	{ 0 },
};

static const struct cli_option logs_options[] = {
	{ 'f', "follow", NULL, "keep following until the container stops or Ctrl-C" },
	{ CLI_OPT_TAIL, "tail", "N", "only the last N lines (or all)" },
	{ 't', "timestamps", NULL, "prefix every line with its time" },
	{ CLI_OPT_SINCE, "since", "TIME",
	  "from TIME on: unix seconds, 2024-01-31T12:00:00Z, or a\n"
	  "duration back from now such as 90s, 10m, 2h, 1h30m" },
	{ 0 },
};

static const struct cli_option exec_options[] = {
	{ 'e', "env", "K=V", "set an environment variable (repeatable)" },
	{ 'w', "workdir", "DIR", "run in DIR" },
	{ 'u', "user", "USER", "run as USER" },
	{ 'i', "interactive", NULL,
	  "give stdin to the command; its end closes the command's\n"
	  "stdin only" },
	{ 't', "tty", NULL,
	  "run the command on a terminal, resized with the window\n"
	  "(-it, an interactive shell, needs stdin to be a terminal)" },
	{ 0 },
};

static const struct cli_option ips_options[] = {
	{ '4', NULL, NULL, "IPv4 only" },
	{ '6', NULL, NULL, "IPv6 only" },
	{ 0 },
};

static const struct cli_option port_open_options[] = {
	{ CLI_OPT_TIMEOUT, "timeout", "S", "how long to try (default 2)" },
	{ 0 },
};

static const struct cli_option http_options[] = {
	{ 'X', "request", "METHOD", "GET (default), POST, PUT, DELETE, ..." },
	{ 'p', "port", "PORT", "the container port (default: its first)" },
	{ CLI_OPT_HOST, "host", "HOST", "the Host to connect to (default: the container's address)" },
	{ 'd', "data", "DATA", "the request body" },
	{ CLI_OPT_JSON, "json", NULL,
	  "send DATA as JSON; check that the reply is JSON and\n"
	  "pretty-print it" },
	{ 0 },
};

static const struct cli_option connect_options[] = {
	{ 'p', "port", "PORT", "the port (default: the only exposed one)" },
	{ 0 },
};

static const struct cli_option run_options[] = {
	{ CLI_OPT_NAME, "name", "NAME", "the container's name" },
	{ 'p', "publish", "PORT", "[[HOSTIP:]HOSTPORT:]PORT[/PROTO] (repeatable)" },
	{ 'e', "env", "K=V", "an environment variable (repeatable)" },
	{ 'l', "label", "K=V", "a label (repeatable)" },
	{ CLI_OPT_RESTART, "restart", "POLICY",
	  "no, always, unless-stopped or on-failure[:N]" },
	{ CLI_OPT_RESERVATION, "reservation", "ID", "Blazar reservation (Zun endpoints)" },
	{ CLI_OPT_RUNTIME, "runtime", "R", "container runtime (Zun endpoints)" },
	{ CLI_OPT_DEVICE_PROFILE, "device-profile", "P", "device profile (Zun endpoints; repeatable)" },
	{ CLI_OPT_COMPUTE_HOST, "compute-host", "HOST",
	  "the compute host to place it on (Zun endpoints; administrators\n"
	  "only, by Zun's default policy)" },
	{ CLI_OPT_NO_START, "no-start", NULL, "create only" },
	{ CLI_OPT_WAIT, "wait", NULL, "block until it runs" },
	{ CLI_OPT_TIMEOUT, "timeout", "S",
	  "with --wait: give up after S seconds (default 300;\n"
	  "exit status 124)" },
	{ CLI_OPT_IDEMPOTENT, "idempotent", NULL, "reuse a container of the same name" },
	{ 0 },
};

static const struct cli_option stats_options[] = {
	{ CLI_OPT_NO_STREAM, "no-stream", NULL, "one table (two samples a second apart), then exit" },
	{ CLI_OPT_FORMAT, "format", "FORMAT",
	  "table (default) or json: one object per line, container\n"
	  "and sample, with endpoint, id, name, cpu_percent,\n"
	  "mem_usage_bytes, mem_limit_bytes, mem_percent,\n"
	  "net_rx_bytes, net_tx_bytes, block_read_bytes,\n"
	  "block_write_bytes, pids" },
	{ 0 },
};

static const struct cli_option events_options[] = {
	{ CLI_OPT_SINCE, "since", "T", "from T on (replayed by the engine)" },
	{ CLI_OPT_UNTIL, "until", "T", "up to T, then exit (without it: follow until Ctrl-C)" },
	{ 'f', "filter", "K=V",
	  "the engine's event filters: type=container, event=die,\n"
	  "container=NAME, image=..., label=K=V (repeatable)" },
	{ CLI_OPT_FORMAT, "format", "json",
	  "one JSON object per line: time, time_nano, endpoint,\n"
	  "type, action, id, name, image, exit_code, signal" },
	{ 0 },
};

static const struct cli_option leases_options[] = {
	{ CLI_OPT_EXPIRING, "expiring", "D",
	  "only the active leases ending within D (30m, 2h, 1d);\n"
	  "exit 1 when there is one (for scripts and cron)" },
	{ CLI_OPT_BY, "by", "DURATION",
	  "with extend: adds DURATION to the lease's current end\n"
	  "(as blazar lease-update --prolong-for does)" },
	{ CLI_OPT_END, "end", "TIME",
	  "with extend: the new end ('2026-01-31 18:00', UTC as\n"
	  "Blazar takes it)" },
	{ 0 },
};

static int completion(struct cli *cli, const struct cli_verb *v, int argc, char **argv);

const struct cli_verb cli_verbs[] = {
	{ "ps", cli_ps, "ps [-a] [-q] [--format table|json]",
	  "list containers", ps_options,
	  "\nWith several -H (or a -H @GROUP), lists the containers of every endpoint at\n"
	  "once, at most 8 at a time, with an ENDPOINT column; an endpoint that fails is\n"
	  "one line naming it, and the exit status is 1.\n",
	  .target = CLI_TARGET_NONE },
	{ "inspect", cli_inspect, "inspect CONTAINER...",
	  "the engine's full document of each container, as a JSON array", NULL, NULL,
	  .target = CLI_TARGET_MANY },
	{ "show", cli_show, "show CONTAINER",
	  "a human summary of a container", NULL, NULL,
	  .target = CLI_TARGET_ONE },
	{ "status", cli_status, "status CONTAINER",
	  "one word: created, running, paused, restarting, exited, dead, creating, deleting, "
	  "error, unknown",
	  NULL, NULL,
	  .target = CLI_TARGET_ONE },
	{ "start", cli_lifecycle, "start CONTAINER...", "start containers (already running is fine)",
	  NULL, NULL,
	  .target = CLI_TARGET_MANY },
	{ "stop", cli_lifecycle, "stop [-t SECONDS] CONTAINER...",
	  "stop containers (already stopped is fine)", stop_options, NULL,
	  .target = CLI_TARGET_MANY },
	{ "restart", cli_lifecycle, "restart [-t SECONDS] CONTAINER...", "restart containers",
	  stop_options, NULL,
	  .target = CLI_TARGET_MANY },
	{ "kill", cli_lifecycle, "kill [-s SIGNAL] CONTAINER...", "send a signal to containers",
	  kill_options, NULL,
	  .target = CLI_TARGET_MANY },
	{ "rm", cli_lifecycle, "rm [-f] CONTAINER...", "delete containers", rm_options, NULL,
	  .target = CLI_TARGET_MANY },
	{ "wait", cli_wait, "wait [--timeout S] [--status STATUS] CONTAINER",
	  "wait until a container stops (and print its exit code) or reaches STATUS",
	  wait_options, NULL,
	  .target = CLI_TARGET_ONE },
	{ "logs", cli_logs, "logs [-f] [--tail N] [-t] [--since TIME] CONTAINER...",
	  "the container's stdout to stdout and stderr to stderr", logs_options,
	  "\nWith several containers (on one endpoint or across the -H endpoints), every\n"
	  "line is prefixed with its container's name, in the engines' timestamp order;\n"
	  "when following, a line waits at most 0.3 s for a quiet container's older ones.\n"
	  "With several -H, each container is followed on every endpoint that has it\n"
	  "(ENDPOINT/NAME | line); an endpoint that fails is one line naming it (exit 1).\n",
	  .target = CLI_TARGET_MANY },
	{ "exec", cli_exec, "exec [-it] [-e K=V]... [-w DIR] [-u USER] CONTAINER CMD [ARG...]",
	  "run a command in a container; berth exits with its status", exec_options,
	  "\nWith several -H (or a -H @GROUP), runs it in the container of that name on\n"
	  "every endpoint at once (at most 8 at a time), each output line labelled\n"
	  "ENDPOINT | ; an endpoint where it fails or exits non-zero is one line, and the\n"
	  "exit status is 1 (0 when all exited 0). -i and -t take one endpoint.\n",
	  .target = CLI_TARGET_ONE },
	{ "cp", cli_cp, "cp SRC DEST",
	  "copy files or directories between a container and the host, or two containers", NULL,
	  "\nCTR1:PATH CTR2:DIR copies into the existing directory DIR of another container,\n"
	  "found on any -H endpoint (one name on several is an error naming them), streamed.\n"
	  "Otherwise exactly one of SRC and DEST is CONTAINER:PATH. A local path holding ':' must\n"
	  "start with ./ or /. '-' as SRC reads a tar stream from stdin into the container\n"
	  "directory DEST; '-' as DEST writes a tar stream of SRC to stdout. A symlink is\n"
	  "copied as a link, unless given with a trailing / (the directory it points to).\n",
	  .target = CLI_TARGET_NONE, .operands = CLI_OPERANDS_COPY },
	{ "ports", cli_ports, "ports CONTAINER",
	  "one line per port: 80/tcp -> 127.0.0.1:18080, or 80/tcp when not published",
	  NULL, NULL,
	  .target = CLI_TARGET_ONE },
	{ "ips", cli_ips, "ips [-4|-6] CONTAINER", "the container's addresses, one per line",
	  ips_options, NULL,
	  .target = CLI_TARGET_ONE },
	{ "pid", cli_pid, "pid CONTAINER",
	  "pid of the container's root process on the engine host (0 when not running)",
	  NULL, NULL,
	  .target = CLI_TARGET_ONE },
	{ "port-open", cli_port_open, "port-open [--timeout S] CONTAINER PORT",
	  "exit 0 if a TCP connection to the container's port opens, else 1",
	  port_open_options, NULL,
	  .target = CLI_TARGET_ONE },
	{ "http", cli_http,
	  "http [-X METHOD] [-p PORT] [--host HOST] [-d DATA] [--json] CONTAINER [PATH]",
	  "an HTTP request to the container; prints the body, exit 1 on a status of 400 or more;\n"
	  "redirects are followed within the container, at most 5",
	  http_options, NULL,
	  .target = CLI_TARGET_ONE },
	{ "connect", cli_connect, "connect [-p PORT] CONTAINER",
	  "connect stdin and stdout to a TCP port of the container, like nc",
	  connect_options, NULL,
	  .target = CLI_TARGET_ONE },
	{ "forward", cli_forward, "forward CONTAINER PORT [LOCAL_PORT]",
	  "relay connections to 127.0.0.1:LOCAL_PORT to the container's PORT, until Ctrl-C", NULL,
	  "\nLOCAL_PORT is PORT when not given, any free port when 0; berth prints\n"
	  "127.0.0.1:LOCAL_PORT once it listens. Each connection goes the way connect does\n"
	  "(the container's address, or its published port on the engine's host), so it\n"
	  "works for remote engines too.\n",
	  .target = CLI_TARGET_ONE },
	{ "mount", cli_mount, "mount CONTAINER DIR",
	  "unpack the container's filesystem into DIR", NULL, NULL,
	  .target = CLI_TARGET_ONE, .operands = CLI_OPERANDS_PATH },
	{ "run", cli_run,
	  "run [--name N] [-p PORT]... [-e K=V]... [-l K=V]... [--restart POLICY]\n"
	  "           [--reservation ID] [--runtime R] [--device-profile P]... [--compute-host HOST]\n"
	  "           [--no-start] [--wait] [--timeout S] [--idempotent] IMAGE [CMD [ARG...]]",
	  "create and start a container; prints its id", run_options, NULL,
	  .target = CLI_TARGET_NONE, .operands = CLI_OPERANDS_IMAGE, .check = cli_run_check },
	{ "snapshot", cli_snapshot, "snapshot CONTAINER REPOSITORY [TAG]",
	  "commit the container's filesystem as an image; prints the image id", NULL, NULL,
	  .target = CLI_TARGET_ONE },
	{ "images", cli_images, "images [-q] [--format table|json]",
	  "the endpoint's images: repository, tag, id, created, size, and how many\n"
	  "containers (in any state) were made from each", images_options,
	  "\nDocker and Podman; a Zun site's API lists images to administrators only, so a\n"
	  "Zun endpoint says it cannot.\n",
	  .target = CLI_TARGET_NONE },
	{ "pull", cli_pull, "pull IMAGE",
	  "pull IMAGE (NAME[:TAG], :latest by default, or NAME@DIGEST) from its registry;\n"
	  "prints it when done", NULL,
	  "\nOn a terminal a progress line shows the engine's status, the layers done and\n"
	  "the bytes downloaded; on a pipe nothing but the result is printed. A failure\n"
	  "(no such image, a registry that cannot be reached) ends with the engine's own\n"
	  "message.\n",
	  .target = CLI_TARGET_NONE, .operands = CLI_OPERANDS_IMAGE },
	{ "rmi", cli_rmi, "rmi [-f] IMAGE...", "remove images (by name or id); prints each one removed",
	  rmi_options, NULL,
	  .target = CLI_TARGET_NONE, .operands = CLI_OPERANDS_IMAGES },
	{ "fip", cli_fip, "fip list | fip associate CONTAINER [IP] | fip dissociate CONTAINER",
	  "floating IPs (Zun endpoints)", NULL,
	  "  list                 the project's floating IPs\n"
	  "  associate            give CONTAINER the floating IP IP, or a free one (allocated\n"
	  "                       from the public network when none is free); prints it\n"
	  "  dissociate           take CONTAINER's floating IP away\n",
	  .target = CLI_TARGET_NONE },
	{ "leases", cli_leases,
	  "leases [--expiring DURATION] | leases show LEASE\n"
	  "       | leases extend LEASE (--by DURATION | --end TIME)",
	  "the project's leases: status, end, time left and reservations (Zun sites with Blazar)",
	  leases_options,
	  "  show LEASE           the lease (id or name) in full, with its reservations\n"
	  "  extend LEASE         Blazar's lease update with a new end (--by or --end); a\n"
	  "                       refusal by the site's policy is Blazar's own message\n",
	  .target = CLI_TARGET_NONE },
	{ "stats", cli_stats, "stats [--no-stream] [--format table|json] [CONTAINER...]",
	  "docker stats' columns for the running containers of every endpoint", stats_options,
	  "\nWithout CONTAINER, the containers running when it starts, refreshed every second\n"
	  "until Ctrl-C. CPU % is docker stats' formula (Podman: CPU time over wall time).\n"
	  "A sample that fails (a stalled engine, an error) is said on stderr, its row\n"
	  "shows --, and the exit status is 1. The endpoints are listed at once (at most\n"
	  "8 at a time); one that fails is one line naming it, the others' rows come.\n",
	  .target = CLI_TARGET_MANY },
	{ "events", cli_events, "events [--since T] [--until T] [--filter K=V]... [--format json]",
	  "the engines' events, one line each: time, endpoint, type, action, actor, exit code or signal",
	  events_options,
	  "\nT is unix seconds, a date like 2024-01-31T12:00:00Z, or a duration back from\n"
	  "now such as 10m. Zun has no events: its endpoints say so.\n",
	  .target = CLI_TARGET_NONE },
	{ "top", cli_top, "top CONTAINER [PS_OPTIONS]",
	  "the container's processes, as docker top (Zun has no process list)", NULL, NULL,
	  .target = CLI_TARGET_ONE },
	{ "endpoints", cli_endpoints, "endpoints",
	  "every endpoint, its kind, and whether it answers (with the engine's version)",
	  NULL, NULL,
	  .target = CLI_TARGET_NONE },
	{ "version", cli_version, "version", "berth's version, and the engine's when it answers",
	  NULL, NULL,
	  .target = CLI_TARGET_NONE },
	{ "help", cli_help, "help [VERB]", "help on berth or on one verb", NULL, NULL,
	  .target = CLI_TARGET_NONE, .operands = CLI_OPERANDS_VERB },
	{ "completion", completion, "completion bash|zsh|fish | completion containers|images|endpoints",
	  "shell completions for berth, written from its tables of verbs and options", NULL,
	  "\nbash, zsh and fish print the completion script of that shell (make install puts\n"
	  "them where each shell looks). containers, images and endpoints print the names\n"
	  "the scripts offer, one a line: the containers of the -H endpoints (all states),\n"
	  "the first endpoint's tagged images, and the configured endpoints, @groups and\n"
	  "Docker contexts (none is asked whether it answers).\n",
	  .target = CLI_TARGET_NONE },
	{ .name = NULL },
};

/* The completion verb is handed the tables it writes from: it lives below
 * this table, in cli-completion.c, like every other verb. */
static int
completion(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	return cli_completion(cli, v, cli_verbs, cli_global_options, argc, argv);
}

const struct cli_verb *
cli_verb_find(const char *name)
{
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

int
cli_help(struct cli *cli, const struct cli_verb *self, int argc, char **argv)
{
	(void)cli;
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
	printf("usage: berth [-H ENDPOINT]... [-c FILE] [--read-only] [--stage | VERB [ARG...]]\n"
	       "\n"
	       "With no verb, berth opens the dashboard. With a verb, it acts once and exits.\n"
	       "\n"
	       "Options:\n"
	       "  -H, --host ENDPOINT  which engine: unix:///PATH, tcp://HOST:PORT (or HOST:PORT),\n"
	       "                       ssh://[USER@]HOST[:PORT], zun, zun:CLOUD, an endpoint of\n"
	       "                       the configuration file, or a Docker context; repeatable\n"
	       "                       for the dashboard and ps. @GROUP: the endpoints of a\n"
	       "                       [group GROUP] of the configuration file\n"
	       "  -c, --config FILE    configuration file (default: $BERTH_CONFIG, else\n"
	       "                       $XDG_CONFIG_HOME/berth/berth.conf)\n"
	       "      --read-only      refuse every action that changes anything (kill, rm,\n"
	       "                       run, cp into a container, exec...); reading verbs work\n"
	       "      --stage          open the dashboard on its stage view: the active leases,\n"
	       "                       their time left, containers, ports and addresses,\n"
	       "                       read-only, for an audience (Zun sites with Blazar)\n"
	       "      --version        berth's version\n"
	       "  -h, --help           this help\n"
	       "\n"
	       "Verbs:\n");
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		printf("  %-10s %s\n", v->name, v->summary);
	printf("\nberth help VERB, or berth VERB --help, describes a verb. See berth(1).\n");
	return CLI_OK;
}
