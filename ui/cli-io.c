/* cli-io.c: verbs that move bytes: logs, exec (also as a terminal session), cp, mount. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli-fleet.h"
#include "cli.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* logs */

struct logs_args {
	const struct cli_verb *v;
	struct berth_logs_opts o;
};

int
cli_parse_time(const char *s, time_t *out)
{
	char *end;
	double d = strtod(s, &end);
	if (end != s && !*end && d >= 0) {
		*out = (time_t)d;
		return 0;
	}
	if (cli_parse_date(s, out) == 0)
		return 0;
	double back;
	if (cli_parse_duration(s, &back) < 0)
		return -1;
	*out = time(NULL) - (time_t)back;
	return 0;
}

static int
logs_option(void *ctx, int opt, const char *arg)
{
	struct logs_args *a = ctx;
	switch (opt) {
	case 'f':
		a->o.follow = true;
		break;
	case 't':
		a->o.timestamps = true;
		break;
	case CLI_OPT_TAIL:
		if (strcmp(arg, "all") == 0)
			a->o.tail = -1;
		else if (cli_parse_int(a->v, "--tail", arg, 0, 1L << 30, &a->o.tail) < 0)
			return CLI_USAGE;
		break;
	case CLI_OPT_SINCE:
		if (cli_parse_time(arg, &a->o.since) < 0 || a->o.since <= 0)
			return cli_usage(a->v, "--since takes unix seconds, a date like "
					 "2024-01-31T12:00:00Z or a duration like 10m, not '%s'", arg);
		break;
	}
	return -1;
}

int
cli_logs(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct logs_args a = { .v = v, .o = { .tail = -1 } };
	int first, rc = cli_parse(v, argc, argv, logs_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(a.v, argc, argv, first, 1, -1, "name a container")) >= 0)
		return rc;
	if (argc - first > 1 || cli->nhosts > 1)
		return cli_logs_merged(cli, &a.o, argv + first, argc - first);
	berth_endpoint *ep;
	if ((rc = cli_open(cli, a.v, &ep)) != CLI_OK)
		return rc;
	cli_catch_interrupt(cli);
	struct berth_error err = { 0 };
	if (berth_logs(ep, argv[first], &a.o, cli_sink_stdio, NULL, cli->cancel, &err) < 0)
		rc = cli_fail(&err);
	else if (berth_cancel_is_set(cli->cancel))
		rc = CLI_INTERRUPTED;
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* exec */

struct exec_args {
	char **env; size_t nenv;
	const char *workdir, *user;
	bool interactive;	/* -i: the command reads berth's stdin */
	bool tty;		/* -t: the command runs on a terminal */
};

static int
exec_option(void *ctx, int opt, const char *arg)
{
	struct exec_args *a = ctx;
	if (opt == 'e')
		strv_push(&a->env, &a->nenv, arg);
	else if (opt == 'w')
		a->workdir = arg;
	else if (opt == 'u')
		a->user = arg;
	else if (opt == 'i')
		a->interactive = true;
	else if (opt == 't')
		a->tty = true;
	return -1;
}

/* The write end of the pipe a session reads window changes from. */
static int exec_winch_fd = -1;

static void
exec_on_winch(int sig)
{
	int saved = errno;
	if (write(exec_winch_fd, "w", 1) < 0) {	/* a full pipe has a change pending already */
	}
	errno = saved;
}

/* A session (-i and/or -t): with -t the terminal's size follows the window
 * (SIGWINCH), and with -i on a terminal stdin is in raw mode for its length. */
static int
exec_session(berth_endpoint *ep, char *const argv[], const struct exec_args *a,
	     const struct berth_exec_opts *o, berth_cancel *cancel, int *code,
	     struct berth_error *err)
{
	if (a->tty && a->interactive && !isatty(0))
		return berth_fail(err, BERTH_EUSAGE, "the input is not a terminal, and -i with -t "
				  "needs one (use -i alone to give the command input from a pipe or file)");
	struct berth_session s = { .opts = o, .in_fd = a->interactive ? 0 : -1, .out_fd = 1,
				   .err_fd = 2, .tty = a->tty, .winch_fd = -1, .cancel = cancel };
	struct winsize ws;
	int winch[2] = { -1, -1 };
	if (a->tty && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col &&
	    pipe2(winch, O_CLOEXEC | O_NONBLOCK) == 0) {
		s.rows = ws.ws_row;
		s.cols = ws.ws_col;
		s.winch_fd = winch[0];
		exec_winch_fd = winch[1];
		struct sigaction sa = { .sa_handler = exec_on_winch, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
	} else if (a->tty) {
		s.rows = 24;
		s.cols = 80;
	}
	struct termios saved, raw;
	bool term = a->tty && a->interactive && tcgetattr(0, &saved) == 0;
	if (term) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	int rc = berth_exec_interactive(ep, argv[0], argv + 1, &s, code, err);
	if (term)
		tcsetattr(0, TCSANOW, &saved);
	if (s.winch_fd >= 0) {
		signal(SIGWINCH, SIG_DFL);
		close(winch[0]);
		close(winch[1]);
	}
	return rc;
}

/* exec on every endpoint of the fleet: argv is CONTAINER CMD [ARG...]. */
struct exec_fleet {
	const struct exec_args *a;
	char **argv;
};

static int
exec_on_one(struct fleet_ep *e, void *ctx)
{
	const struct exec_fleet *x = ctx;
	struct berth_exec_opts o = { .env = x->a->env, .workdir = x->a->workdir, .user = x->a->user };
	int code = 0;
	if (berth_exec(e->ep, x->argv[0], x->argv + 1, &o, fleet_sink, e, &code,
		       e->fleet->cli->cancel, &e->err) < 0)
		return -1;
	if (code != 0)
		return berth_fail(&e->err, BERTH_EFAILED, "%s in %s exited with status %d",
				  x->argv[1], x->argv[0], code);
	return 0;
}

/* Each endpoint's output lines labelled with it, as they come; then one
 * sentence per endpoint that failed (or whose command did); 0 when none. */
static int
exec_fleet(struct cli *cli, const struct exec_args *a, char **argv)
{
	struct exec_fleet x = { .a = a, .argv = argv };
	struct fleet f;
	cli_catch_interrupt(cli);
	fleet_run(&f, cli, cli->hosts, exec_on_one, &x);
	int rc = fleet_report(&f);
	fleet_free(&f);
	return rc;
}

int
cli_exec(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct exec_args a = { 0 };
	int first, rc = cli_parse(v, argc, argv, exec_option, &a, &first);
	if (rc < 0 && argc - first < 2)
		rc = cli_usage(v, "%s", argc - first < 1 ? "name a container and a command"
							 : "name a command to run");
	if (rc < 0 && cli->nhosts > 1 && (a.tty || a.interactive))
		rc = cli_usage(v, "-i and -t work on one endpoint; give a single -H");
	else if (rc < 0 && cli->nhosts > 1)
		rc = exec_fleet(cli, &a, argv + first);
	berth_endpoint *ep = NULL;
	if (rc < 0 && (rc = cli_open(cli, v, &ep)) == CLI_OK)
		rc = -1;
	if (rc >= 0) {
		berth_strv_free(a.env);
		return rc;
	}
	struct berth_exec_opts o = { .env = a.env, .workdir = a.workdir, .user = a.user };
	struct berth_error err = { 0 };
	int code = 0;
	if (!(a.tty && a.interactive))	/* with both, Ctrl-C is a key for the command */
		cli_catch_interrupt(cli);
	if (a.tty || a.interactive)
		rc = exec_session(ep, argv + first, &a, &o, cli->cancel, &code, &err);
	else
		rc = berth_exec(ep, argv[first], argv + first + 1, &o, cli_sink_stdio, NULL, &code,
				cli->cancel, &err);
	rc = rc < 0 ? cli_fail(&err) : code;
	berth_endpoint_free(ep);
	berth_strv_free(a.env);
	return rc;
}

/* ------------------------------------------------------------------ */
/* cp */

struct cp_side {
	const char *arg;
	char *container;	/* NULL for a host path or '-' */
	const char *path;
	bool stream;		/* '-' */
};

/* docker cp's split: an absolute path, or one whose part before ':' starts with
 * '.', or one without ':', is local; otherwise CONTAINER:PATH. */
static void
cp_split(const char *arg, struct cp_side *s)
{
	s->arg = arg;
	s->container = NULL;
	s->path = arg;
	s->stream = strcmp(arg, "-") == 0;
	const char *colon = strchr(arg, ':');
	if (s->stream || arg[0] == '/' || arg[0] == '.' || !colon)
		return;
	s->container = xstrndup(arg, (size_t)(colon - arg));
	s->path = colon + 1;
}

static int
cp_run(struct cli *cli, berth_endpoint *ep, const struct cp_side *src, const struct cp_side *dst,
       struct berth_error *err)
{
	if (src->container && dst->stream)
		return berth_copy_from_tar(ep, src->container, src->path, 1, cli->cancel, err);
	if (src->container)
		return berth_copy_from(ep, src->container, src->path, dst->path, NULL, NULL,
				       cli->cancel, err);
	if (src->stream)
		return berth_copy_to_tar(ep, 0, dst->container, dst->path, cli->cancel, err);
	return berth_copy_to(ep, src->path, dst->container, dst->path, NULL, NULL, cli->cancel, err);
}

int
cli_cp(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 2, 2, "name a source and a destination",
					   &first);
	if (rc >= 0)
		return rc;
	struct cp_side src, dst;
	cp_split(argv[first], &src);
	cp_split(argv[first + 1], &dst);
	bool slash = (src.container && strchr(src.container, '/')) ||
		     (dst.container && strchr(dst.container, '/'));
	if (src.container && dst.container && slash)
		rc = cli_usage(v, "%s is read as CONTAINER:PATH; a local path holding ':' must "
			       "start with ./ or /", strchr(src.container, '/') ? src.arg : dst.arg);
	else if (!src.container && !dst.container)
		rc = cli_usage(v, "one of SRC and DEST must be CONTAINER:PATH "
			       "(a local path holding ':' must start with ./ or /)");
	else if ((src.container && !*src.container) || (dst.container && !*dst.container))
		rc = cli_usage(v, "a container name is missing before ':'");
	else if ((src.container && !*src.path) || (dst.container && !*dst.path))
		rc = cli_usage(v, "a path is missing after CONTAINER:");
	else if ((src.stream && dst.stream) || (src.container && !*dst.path) ||
		 (dst.container && !*src.path))
		rc = cli_usage(v, "a path is missing");
	berth_endpoint *ep = NULL;
	if (rc < 0 && src.container && dst.container)
		rc = cli_cp_between(cli, src.container, src.path, dst.container, dst.path);
	else if (rc < 0)
		rc = cli_open(cli, v, &ep);
	if (rc == CLI_OK && ep) {
		cli_catch_interrupt(cli);
		struct berth_error err = { 0 };
		if (cp_run(cli, ep, &src, &dst, &err) < 0)
			rc = cli_fail(&err);
		berth_endpoint_free(ep);
	}
	free(src.container);
	free(dst.container);
	return rc;
}

/* ------------------------------------------------------------------ */
/* mount */

int
cli_mount(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 2, 2, "name a container and a directory",
					   &first);
	if (rc >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	cli_catch_interrupt(cli);
	struct berth_error err = { 0 };
	if (berth_mount(ep, argv[first], argv[first + 1], cli->cancel, &err) < 0)
		rc = cli_fail(&err);
	berth_endpoint_free(ep);
	return rc;
}
