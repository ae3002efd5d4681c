/* cli.c: what every verb shares: option parsing and help from the verb's
 * entry in the table of verbs, messages, opening the endpoint, Ctrl-C, output
 * sinks. It knows no verb by name; the table (verbs.c) is above it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
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

/* Where an option's description starts in berth VERB --help, unless one of
 * the verb's options is too long for it: then three columns past the longest. */
#define CLI_HELP_COLUMN 23

/* "  -t, --time SECONDS": an option as its help line starts. */
static char *
cli_option_synopsis(const struct cli_option *o)
{
	char letter[8] = "    ";	/* "-t, ", or spaces for an option with no letter */
	if (o->key < CLI_OPT_LONG_ONLY)
		snprintf(letter, sizeof letter, o->name ? "-%c, " : "-%c", o->key);
	return xasprintf("  %s%s%s%s%s", letter, o->name ? "--" : "", o->name ? o->name : "",
			 o->value ? " " : "", o->value ? o->value : "");
}

static int
cli_help_column(const struct cli_verb *v)
{
	size_t longest = 0;
	for (const struct cli_option *o = v->options; o && o->key; o++) {
		if (!o->help)
			continue;
		char *synopsis = cli_option_synopsis(o);
		if (strlen(synopsis) > longest)
			longest = strlen(synopsis);
		free(synopsis);
	}
	return longest < CLI_HELP_COLUMN ? CLI_HELP_COLUMN : (int)longest + 3;
}

/* One option's help: synopsis, then the help's lines under each other at column. */
static void
cli_option_help(FILE *f, int column, const char *synopsis, const char *help)
{
	fprintf(f, "%-*s", column, synopsis);
	for (const char *line = help;; line++) {
		size_t len = strcspn(line, "\n");
		fprintf(f, "%.*s\n", (int)len, line);
		line += len;
		if (!*line)
			break;
		fprintf(f, "%*s", column, "");
	}
}

void
cli_verb_help(const struct cli_verb *v, FILE *f)
{
	fprintf(f, "usage: berth %s\n\n%c%s.\n\n", v->usage, toupper((unsigned char)v->summary[0]),
		v->summary + 1);
	int column = cli_help_column(v);
	cli_option_help(f, column, "  -h, --help", "this help");
	for (const struct cli_option *o = v->options; o && o->key; o++) {
		if (!o->help)
			continue;
		char *synopsis = cli_option_synopsis(o);
		cli_option_help(f, column, synopsis, o->help);
		free(synopsis);
	}
	fputs(v->notes ? v->notes : "", f);
}

static FILE *captured;	/* cli_capture_messages */

void
cli_capture_messages(FILE *f)
{
	captured = f;
}

int
cli_usage(const struct cli_verb *v, const char *fmt, ...)
{
	FILE *f = captured ? captured : stderr;
	va_list ap;
	fprintf(f, "berth: %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, "\nusage: berth %s\n", v->usage);
	return CLI_USAGE;
}

int
cli_error(const char *fmt, ...)
{
	FILE *f = captured ? captured : stderr;
	va_list ap;
	flockfile(f);	/* one whole line, whatever other threads say meanwhile */
	fprintf(f, "berth: ");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	funlockfile(f);
	return CLI_FAILED;
}

int
cli_fail(const struct berth_error *err)
{
	if (err->code == BERTH_ECANCELLED)
		return CLI_INTERRUPTED;
	return cli_error("%s", err->message[0] ? err->message : berth_errcode_name(err->code));
}

struct option *
cli_getopt_tables(const struct cli_option *options, char **shortopts)
{
	size_t n = 0;
	while (options && options[n].key)
		n++;
	struct option *longopts = xcalloc(n + 2, sizeof *longopts), *l = longopts;
	char *s = *shortopts = xcalloc(2 * n + 4, 1);
	s = stpcpy(s, "+:h");
	for (const struct cli_option *o = options; o && o->key; o++) {
		if (o->name)
			*l++ = (struct option){ o->name, o->value ? required_argument : no_argument,
						NULL, o->key };
		if (o->key < CLI_OPT_LONG_ONLY && !strchr(*shortopts, o->key)) {
			*s++ = (char)o->key;
			if (o->value)
				*s++ = ':';
		}
	}
	*l = (struct option){ "help", no_argument, NULL, 'h' };
	return longopts;
}

int
cli_parse(const struct cli_verb *v, int argc, char **argv,
	  int (*handle)(void *ctx, int key, const char *value), void *ctx, int *first)
{
	char *shortopts;
	struct option *longopts = cli_getopt_tables(v->options, &shortopts);
	int rc = -1, c;
	optind = 0;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const char *typed = argv[optind - 1];
		if (c == 'h') {
			cli_verb_help(v, captured ? captured : stdout);
			rc = CLI_OK;
		} else if (c == '?' && !optopt) {
			rc = cli_usage(v, "unknown option %s", typed);
		} else if (c == '?' && strncmp(typed, "--", 2) == 0) {
			/* a known long option given a value it does not take */
			rc = cli_usage(v, "option %.*s takes no value", (int)strcspn(typed, "="), typed);
		} else if (c == '?') {
			rc = cli_usage(v, "unknown option -%c", optopt);
		} else if (c == ':' && strncmp(typed, "--", 2) == 0) {
			/* a long option's optopt is its key, not what was typed */
			rc = cli_usage(v, "option %s needs a value", typed);
		} else if (c == ':') {
			rc = cli_usage(v, "option -%c needs a value", optopt);
		} else {
			int r = handle(ctx, c, optarg);
			if (r >= 0)
				rc = r;
		}
	}
	*first = optind;
	free(shortopts);
	free(longopts);
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
	int rc = cli_parse(v, argc, argv, NULL, NULL, first);
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

int
cli_expand_groups(struct cli *cli)
{
	char **specs = NULL;
	size_t n = 0;
	for (size_t i = 0; i < cli->nhosts; i++) {
		struct berth_error err = { 0 };
		if (cli->hosts[i][0] != '@') {
			strv_push_new(&specs, &n, cli->hosts[i]);
		} else if (berth_config_group(cli->cfg, cli->hosts[i] + 1, &specs, &n, &err) < 0) {
			berth_strv_free(specs);
			return cli_fail(&err);
		}
	}
	berth_strv_free(cli->hosts);
	cli->hosts = specs;
	cli->nhosts = n;
	return -1;
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

char **
cli_split_words(const char *s)
{
	char **v = NULL;
	size_t n = 0;
	struct buf w = { 0 };
	bool in_word = false;
	char quote = 0;
	for (;; s++) {
		char c = *s;
		if (!c || (!quote && (c == ' ' || c == '\t'))) {
			if (in_word) {
				buf_append(&w, "", 0);
				strv_push(&v, &n, w.data);
				w.len = 0;
				in_word = false;
			}
			if (!c)
				break;
		} else if (quote && c == quote) {
			quote = 0;
		} else if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			in_word = true;
		} else if (c == '\\' && quote != '\'' && s[1]) {
			buf_append(&w, ++s, 1);
			in_word = true;
		} else {
			buf_append(&w, &c, 1);
			in_word = true;
		}
	}
	buf_free(&w);
	return v;
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
