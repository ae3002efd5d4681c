/* cli-net.c: verbs that reach a container over the network: port-open, http,
 * connect. */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* port-open */

struct port_open_args {
	const struct cli_verb *v;
	double timeout;
};

static int
port_open_option(void *ctx, int opt, const char *arg)
{
	struct port_open_args *a = ctx;
	if (opt == CLI_OPT_TIMEOUT && cli_parse_seconds(a->v, "--timeout", arg, &a->timeout) < 0)
		return CLI_USAGE;
	return -1;
}

int
cli_port_open(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct port_open_args a = { .v = v, .timeout = 2 };
	int first, rc = cli_parse(v, argc, argv, port_open_option, &a, &first);
	if (rc >= 0 ||
	    (rc = cli_check_operands(a.v, argc, argv, first, 2, 2, "name a container and a port")) >= 0)
		return rc;
	int port;
	if (cli_parse_port(a.v, "PORT", argv[first + 1], &port) < 0)
		return CLI_USAGE;
	berth_endpoint *ep;
	struct berth_container *c;
	if ((rc = cli_open_container(cli, a.v, argv[first], &ep, &c)) != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	int open = berth_port_open(ep, c, port, a.timeout, cli->cancel, &err);
	if (open < 0)
		rc = cli_fail(&err);
	else if (!open)
		rc = cli_error("port %d of %s did not open within %g s", port, argv[first], a.timeout);
	berth_container_free(c);
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* http */

struct http_args {
	const struct cli_verb *v;
	struct berth_http_opts o;
	bool json;
};

static int
http_option(void *ctx, int opt, const char *arg)
{
	struct http_args *a = ctx;
	switch (opt) {
	case 'X':
		a->o.method = arg;
		break;
	case 'p':
		if (cli_parse_port(a->v, "-p", arg, &a->o.port) < 0)
			return CLI_USAGE;
		break;
	case CLI_OPT_HOST:
		a->o.host = arg;
		break;
	case 'd':
		a->o.data = arg;
		break;
	case CLI_OPT_JSON:
		a->json = true;
		break;
	}
	return -1;
}

static int
http_collect(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	(void)s;
	buf_append(ctx, buf, len);
	return 0;
}

/* Check that body is JSON and print it pretty. */
static int
http_print_json(const struct buf *body)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *doc = json_tokener_parse_ex(tok, body->data ? body->data : "", (int)body->len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	int rc = CLI_OK;
	if (!doc || jerr != json_tokener_success || json_tokener_get_parse_end(tok) < body->len)
		rc = cli_error("the reply is not JSON: %s",
			       doc ? "trailing data after the document" : json_tokener_error_desc(jerr));
	else
		cli_print_json(doc);
	json_object_put(doc);
	json_tokener_free(tok);
	return rc;
}

int
cli_http(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct http_args a = { .v = v };
	int first, rc = cli_parse(v, argc, argv, http_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(a.v, argc, argv, first, 1, 2, "name a container")) >= 0)
		return rc;
	a.o.path = argc - first == 2 ? argv[first + 1] : "/";
	a.o.json = a.json;
	berth_endpoint *ep;
	struct berth_container *c;
	if ((rc = cli_open_container(cli, a.v, argv[first], &ep, &c)) != CLI_OK)
		return rc;
	cli_catch_interrupt(cli);
	struct berth_error err = { 0 };
	struct buf body = { 0 };
	long status = 0;
	if (berth_http_request(ep, c, &a.o, a.json ? http_collect : cli_sink_stdio, &body, &status,
			       cli->cancel, &err) < 0) {
		rc = cli_fail(&err);
	} else {
		if (a.json)
			rc = http_print_json(&body);
		if (status >= 400)
			rc = cli_error("%s %s on %s answered HTTP %ld", a.o.method ? a.o.method : "GET",
				       a.o.path, argv[first], status);
	}
	buf_free(&body);
	berth_container_free(c);
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* connect */

struct connect_args {
	const struct cli_verb *v;
	int port;
};

static int
connect_option(void *ctx, int opt, const char *arg)
{
	struct connect_args *a = ctx;
	if (opt == 'p' && cli_parse_port(a->v, "-p", arg, &a->port) < 0)
		return CLI_USAGE;
	return -1;
}

int
cli_pump_once(int from, int to)
{
	char buf[16384];
	ssize_t r = read(from, buf, sizeof buf);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0)
		return (int)r;
	return cli_write_all(to, buf, (size_t)r) < 0 ? -1 : 1;
}

/* stdin to the socket and the socket to stdout until the far side closes. */
static int
connect_pump(struct cli *cli, int sock)
{
	struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = sock, .events = POLLIN } };
	bool in_open = true;
	while (!berth_cancel_is_set(cli->cancel)) {
		fds[0].fd = in_open ? 0 : -1;
		if (poll(fds, 2, 200) < 0) {
			if (errno == EINTR)
				continue;
			return cli_error("cannot wait for input: %s", strerror(errno));
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = cli_pump_once(sock, 1);
			if (r < 0)
				return cli_error("the connection failed: %s", strerror(errno));
			if (r == 0)
				return CLI_OK;
		}
		if (in_open && fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = cli_pump_once(0, sock);
			if (r < 0)
				return cli_error("cannot send to the container: %s", strerror(errno));
			if (r == 0) {
				in_open = false;
				shutdown(sock, SHUT_WR);
			}
		}
	}
	return CLI_INTERRUPTED;
}

int
cli_connect(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct connect_args a = { .v = v };
	int first, rc = cli_parse(v, argc, argv, connect_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(a.v, argc, argv, first, 1, 1, "name a container")) >= 0)
		return rc;
	berth_endpoint *ep;
	struct berth_container *c;
	if ((rc = cli_open_container(cli, a.v, argv[first], &ep, &c)) != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	int sock = -1;
	if (berth_open_connection(ep, c, a.port, &sock, cli->cancel, &err) < 0) {
		rc = cli_fail(&err);
	} else {
		cli_catch_interrupt(cli);
		rc = connect_pump(cli, sock);
		close(sock);
	}
	berth_container_free(c);
	berth_endpoint_free(ep);
	return rc;
}
