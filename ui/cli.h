/* cli.h: the verbs of the berth program (cli.md) and what they share.
 *
 * Every verb is a function taking the global state, its own entry of the
 * table of verbs (verbs.h) and its own argv (argv[0] is the verb). It returns the process exit status: 0 done, 1 failed, 2 usage,
 * 124 a --timeout ran out, or exec's own status. Failures print one line,
 * "berth: ...", on stderr.
 */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <stdio.h>

#include "berth.h"

#define CLI_OK 0
#define CLI_FAILED 1
#define CLI_USAGE 2
#define CLI_TIMEOUT 124
#define CLI_INTERRUPTED 130

/* Global state built by main() from the global options. */
struct cli {
	char **hosts; size_t nhosts;	/* -H, in order (NULL-terminated) */
	const char *config_path;	/* -c, or NULL */
	struct berth_config *cfg;	/* the loaded configuration */
	struct berth_options opts;	/* for berth_endpoint_open */
	berth_cancel *cancel;		/* triggered by Ctrl-C while a verb runs */
};

/* One option of a verb, for getopt_long and for the verb's help. A lettered
 * option (-t) has its letter as key; one with only a long name has a
 * CLI_OPT_* key. An alias (help NULL) is parsed but not listed. */
struct cli_option {
	int key;		/* what the verb's option handler is given */
	const char *name;	/* the long name (--time), or NULL */
	const char *value;	/* the value's name in help (SECONDS), or NULL: takes none */
	const char *help;	/* its lines in berth VERB --help ('\n' between), or NULL */
};

/* The keys of the options that have no letter (keys below are letters). */
enum cli_option_key {
	CLI_OPT_LONG_ONLY = 256,
	CLI_OPT_FORMAT = CLI_OPT_LONG_ONLY, CLI_OPT_TIMEOUT, CLI_OPT_STATUS, CLI_OPT_TAIL, CLI_OPT_SINCE,
	CLI_OPT_HOST, CLI_OPT_JSON, CLI_OPT_NAME, CLI_OPT_RESERVATION, CLI_OPT_RUNTIME,
	CLI_OPT_DEVICE_PROFILE, CLI_OPT_NO_START, CLI_OPT_WAIT, CLI_OPT_IDEMPOTENT,
	CLI_OPT_NO_STREAM, CLI_OPT_UNTIL, CLI_OPT_EXPIRING, CLI_OPT_BY, CLI_OPT_RESTART, CLI_OPT_COMPUTE_HOST, CLI_OPT_END,
	CLI_OPT_READ_ONLY, CLI_OPT_STAGE, CLI_OPT_VERSION,
};

/* What a verb's first operand is, for the dashboard's command line, which
 * fills it with the selected (or marked) containers when it is not given. */
enum cli_target {
	CLI_TARGET_NONE,	/* no container operand */
	CLI_TARGET_ONE,		/* CONTAINER first */
	CLI_TARGET_MANY,	/* CONTAINER... */
};

/* What a verb's other operands are (after its container, if it takes one),
 * for completion: the dashboard's command line and the shell completions. */
enum cli_operands {
	CLI_OPERANDS_OTHER,	/* nothing to complete */
	CLI_OPERANDS_IMAGE,	/* an image first (run IMAGE CMD...) */
	CLI_OPERANDS_IMAGES,	/* images (rmi IMAGE...) */
	CLI_OPERANDS_PATH,	/* a local path first (mount CONTAINER DIR) */
	CLI_OPERANDS_COPY,	/* local paths and CONTAINER: (cp SRC DEST) */
	CLI_OPERANDS_VERB,	/* a verb (help VERB) */
};

/* A verb, as the table of verbs (verbs.c) lists it. run is handed its own
 * entry, for its messages and its options. */
struct cli_verb {
	const char *name;
	int (*run)(struct cli *cli, const struct cli_verb *v, int argc, char **argv);
	const char *usage;		/* after "berth " */
	const char *summary;		/* one line for berth --help */
	const struct cli_option *options; /* ends with a 0 key; NULL: none but -h */
	const char *notes;		/* text after the options in berth VERB --help, or NULL */
	enum cli_target target;		/* its container operand */
	enum cli_operands operands;	/* its other operands */
	/* The checks it makes before it opens an endpoint (options, operands,
	 * their syntax): CLI_OK... as run would exit, or -1 when it would go on.
	 * The dashboard's command line and run form call it too; NULL: cli_parse. */
	int (*check)(const struct cli_verb *v, int argc, char **argv);
};

/* getopt_long's tables for options (ends with a 0 key): "+:h" and the
 * letters (with ':' for a value) in *shortopts, every long name and --help in
 * the array returned; both the caller's to free. */
struct option;
struct option *cli_getopt_tables(const struct cli_option *options, char **shortopts);

/* berth VERB --help, written from v. */
void cli_verb_help(const struct cli_verb *v, FILE *f);

/* Where cli_usage and cli_error write, and cli_parse the help of -h: f, or
 * (NULL) stderr and stdout again. The dashboard's command line parses with
 * the verbs' own tables and shows what they say. */
void cli_capture_messages(FILE *f);

/* Print "berth: VERB: MESSAGE" and the usage line on stderr; returns CLI_USAGE. */
int cli_usage(const struct cli_verb *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "berth: MESSAGE" on stderr; returns CLI_FAILED. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print err's sentence; returns CLI_FAILED (CLI_INTERRUPTED when cancelled). */
int cli_fail(const struct berth_error *err);

/* Parse a verb's options (v->options and -h/--help, which prints the verb's
 * help) with getopt_long, stopping at the first operand. Calls handle(ctx,
 * key, value) for each option. Returns -1 to go on (operands start at
 * *first), or an exit status. */
int cli_parse(const struct cli_verb *v, int argc, char **argv,
	      int (*handle)(void *ctx, int key, const char *value), void *ctx, int *first);
/* Check that a verb got between min and max operands (max < 0: no limit);
 * fewer prints missing ("name a container"). Returns -1 to go on, or CLI_USAGE. */
int cli_check_operands(const struct cli_verb *v, int argc, char **argv, int first, int min, int max,
		       const char *missing);
/* cli_parse and cli_check_operands for a verb with no options but -h. */
int cli_parse_operands(const struct cli_verb *v, int argc, char **argv, int min, int max,
		       const char *missing, int *first);
/* Number parsing for option values; -1 (after a usage message) when bad. */
int cli_parse_seconds(const struct cli_verb *v, const char *opt, const char *arg, double *out);
int cli_parse_int(const struct cli_verb *v, const char *opt, const char *arg, long min, long max,
		  long *out);
/* A TCP port, 1 to 65535. */
int cli_parse_port(const struct cli_verb *v, const char *opt, const char *arg, int *out);
/* A duration: 90s, 10m, 2h, 1d, 1h30m; -1 (no message) when it is not one. */
int cli_parse_duration(const char *s, double *seconds);
/* A date: 2024-01-31, 2024-01-31 12:00, 2024-01-31T12:00[:00[.frac]][Z|+hh:mm|-hh:mm]
 * (UTC when no zone is given); -1 (no message) when it is not one. */
int cli_parse_date(const char *s, time_t *out);

/* Open the one endpoint a verb works on (the first -H, else the default). */
int cli_open(struct cli *cli, const struct cli_verb *v, berth_endpoint **ep);
/* cli_open, then inspect ref afresh; on failure nothing is left open. */
int cli_open_container(struct cli *cli, const struct cli_verb *v, const char *ref,
		       berth_endpoint **ep, struct berth_container **c);
/* Open spec and list its containers (all, or the running ones), printing
 * what fails. *ep is left open when opening worked, even if listing failed
 * (NULL otherwise); *list is the caller's. */
int cli_open_and_list(struct cli *cli, const char *spec, bool all, berth_endpoint **ep,
		      struct berth_container ***list, size_t *n);
/* Replace every -H @GROUP by the group's endpoints (berth.conf(5)), each
 * endpoint once; -1 to go on, else the exit status after its error. */
int cli_expand_groups(struct cli *cli);
/* The specs a verb spanning endpoints works on: -H, else the defaults. */
char **cli_specs(struct cli *cli);

/* TIME as logs --since and events take it: unix seconds, an RFC 3339 date, or a
 * duration back from now (90s, 10m, 1h30m); -1 when it is none of these. */
int cli_parse_time(const char *s, time_t *out);
/* berth cp CTR1:PATH CTR2:DIR, each container found on the -H endpoints
 * (cli-cp-between.c). */
int cli_cp_between(struct cli *cli, const char *src_ref, const char *src_path, const char *dst_ref,
		   const char *dst_dir);
/* berth logs with several containers (cli-logs-merged.c). */
int cli_logs_merged(struct cli *cli, const struct berth_logs_opts *o, char **refs, int nrefs);

/* Catch Ctrl-C into cli->cancel while a long call runs (a second one kills). */
void cli_catch_interrupt(struct cli *cli);

/* Copy what is readable on from to to; 0 at end of input, -1 on error (cli-net.c). */
int cli_pump_once(int from, int to);
/* Write all of buf to fd; -1 on error (errno set). */
int cli_write_all(int fd, const char *buf, size_t len);
/* A sink writing BERTH_STDOUT to fd 1 and BERTH_STDERR to fd 2 byte for byte. */
int cli_sink_stdio(void *ctx, enum berth_stream s, const char *buf, size_t len);
/* A command line split into words on blanks, with '...' and "..." quoting and
 * \ escapes (NULL-terminated; NULL when there is none). */
char **cli_split_words(const char *s);
/* A copy of s with control characters replaced by '?', for tables. */
char *cli_clean(const char *s);
/* Print a JSON document indented, on stdout. */
void cli_print_json(struct json_object *doc);
/* docker's decimal sizes (units.HumanSizeWithPrecision 3): "1.98MB" (cli-stats.c). */
void cli_size_decimal(char *buf, size_t len, uint64_t v);
/* docker's "4 hours ago" (units.HumanDuration) for a time before now (cli-images.c). */
void cli_ago(time_t t, time_t now, char *buf, size_t len);
/* "80/tcp -> 127.0.0.1:18080" or "80/tcp". */
char *cli_port_string(const struct berth_port *p);

/* The verbs (verbs.c lists them; the help verb is there too). */
int cli_ps(struct cli *, const struct cli_verb *, int, char **);
int cli_inspect(struct cli *, const struct cli_verb *, int, char **);
int cli_show(struct cli *, const struct cli_verb *, int, char **);
int cli_status(struct cli *, const struct cli_verb *, int, char **);
/* start, stop, restart, kill and rm: the action is the verb's name. */
int cli_lifecycle(struct cli *, const struct cli_verb *, int, char **);
int cli_wait(struct cli *, const struct cli_verb *, int, char **);
int cli_ports(struct cli *, const struct cli_verb *, int, char **);
int cli_ips(struct cli *, const struct cli_verb *, int, char **);
int cli_pid(struct cli *, const struct cli_verb *, int, char **);
int cli_logs(struct cli *, const struct cli_verb *, int, char **);
int cli_exec(struct cli *, const struct cli_verb *, int, char **);
int cli_cp(struct cli *, const struct cli_verb *, int, char **);
int cli_mount(struct cli *, const struct cli_verb *, int, char **);
int cli_port_open(struct cli *, const struct cli_verb *, int, char **);
int cli_http(struct cli *, const struct cli_verb *, int, char **);
int cli_connect(struct cli *, const struct cli_verb *, int, char **);
int cli_run(struct cli *, const struct cli_verb *, int, char **);
int cli_run_check(const struct cli_verb *v, int argc, char **argv);
int cli_snapshot(struct cli *, const struct cli_verb *, int, char **);
int cli_fip(struct cli *, const struct cli_verb *, int, char **);
int cli_leases(struct cli *, const struct cli_verb *, int, char **);
int cli_endpoints(struct cli *, const struct cli_verb *, int, char **);
int cli_version(struct cli *, const struct cli_verb *, int, char **);
int cli_stats(struct cli *, const struct cli_verb *, int, char **);
int cli_events(struct cli *, const struct cli_verb *, int, char **);
int cli_forward(struct cli *, const struct cli_verb *, int, char **);
int cli_images(struct cli *, const struct cli_verb *, int, char **);
int cli_pull(struct cli *, const struct cli_verb *, int, char **);
int cli_rmi(struct cli *, const struct cli_verb *, int, char **);
int cli_top(struct cli *, const struct cli_verb *, int, char **);
/* berth completion bash|zsh|fish (the scripts, from verbs, the table of
 * verbs, and global, berth's own options), and berth completion
 * containers|images|endpoints (the names the scripts offer). */
int cli_completion(struct cli *cli, const struct cli_verb *v, const struct cli_verb *verbs,
		   const struct cli_option *global, int argc, char **argv);

#endif
