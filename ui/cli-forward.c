/* cli-forward.c: berth forward CONTAINER PORT [LOCAL_PORT]: a listener on
 * 127.0.0.1 whose every connection is relayed to the container's port through
 * berth_open_connection (connect's path: the container's address, or its
 * published port on the engine's host), each on a thread of its own, until
 * Ctrl-C. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "thread.h"
#include "util.h"

struct forward {
	struct cli *cli;
	berth_endpoint *ep;
	struct berth_container *c;
	int port;
	atomic_int relays;	/* running: waited for before f is freed */
};

struct relay {
	const struct forward *f;
	int client;
};

/* Both ways until each side has closed (or one fails). */
static void
relay_pump(int a, int b, berth_cancel *cancel)
{
	struct pollfd fds[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };
	int open = 2;
	while (open > 0 && !berth_cancel_is_set(cancel)) {
		if (poll(fds, 2, 200) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int r = cli_pump_once(fds[i].fd, fds[1 - i].fd);
			if (r < 0)
				return;
			if (r == 0) {	/* this side is done sending: pass the end on */
				shutdown(fds[1 - i].fd, SHUT_WR);
				fds[i].fd = -1;
				open--;
			}
		}
	}
}

static void *
relay_run(void *arg)
{
	struct relay *r = arg;
	const struct forward *f = r->f;
	struct berth_error err = { 0 };
	int sock = -1;
	if (berth_open_connection(f->ep, f->c, f->port, &sock, f->cli->cancel, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.message);
	} else {
		relay_pump(r->client, sock, f->cli->cancel);
		close(sock);
	}
	close(r->client);
	atomic_fetch_sub(&((struct forward *)f)->relays, 1);
	free(r);
	return NULL;
}

/* A TCP listener on 127.0.0.1:port (0: any free port); *bound gets the port. */
static int
forward_listen(int port, int *bound)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cli_error("cannot make a socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

/* Accept until Ctrl-C; each connection is relayed on a detached thread. */
static int
forward_loop(struct forward *f, int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	while (!berth_cancel_is_set(f->cli->cancel)) {
		if (poll(&p, 1, 200) <= 0 || !(p.revents & POLLIN))
			continue;
		int client = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (client < 0)
			continue;
		struct relay *r = xcalloc(1, sizeof *r);
		*r = (struct relay){ .f = f, .client = client };
		atomic_fetch_add(&f->relays, 1);
		int e = berth_thread_start(NULL, 0, true, relay_run, r);
		if (e) {
			fprintf(stderr, "berth: cannot start a thread: %s\n", strerror(e));
			atomic_fetch_sub(&f->relays, 1);
			close(client);
			free(r);
		}
	}
	/* The relays see the same cancel and stop within a poll's 0.2 s. */
	while (atomic_load(&f->relays) > 0) {
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return CLI_INTERRUPTED;
}

int
cli_forward(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 2, 3, "name a container and a port", &first);
	if (rc >= 0)
		return rc;
	struct forward f = { .cli = cli };
	int local = 0;
	if (cli_parse_port(v, "PORT", argv[first + 1], &f.port) < 0)
		return CLI_USAGE;
	if (argc - first == 3 && strcmp(argv[first + 2], "0") != 0 &&
	    cli_parse_port(v, "LOCAL_PORT", argv[first + 2], &local) < 0)
		return CLI_USAGE;
	if (argc - first == 2)
		local = f.port;
	if ((rc = cli_open_container(cli, v, argv[first], &f.ep, &f.c)) != CLI_OK)
		return rc;
	int bound = 0, lfd = forward_listen(local, &bound);
	if (lfd < 0) {
		rc = cli_error("cannot listen on 127.0.0.1:%d: %s", local, strerror(errno));
	} else {
		printf("127.0.0.1:%d\n", bound);
		fflush(stdout);
		fprintf(stderr, "berth: forwarding 127.0.0.1:%d to %s port %d until Ctrl-C\n", bound,
			argv[first], f.port);
		cli_catch_interrupt(cli);
		rc = forward_loop(&f, lfd);
		close(lfd);
	}
	berth_container_free(f.c);
	berth_endpoint_free(f.ep);
	return rc == CLI_INTERRUPTED ? CLI_OK : rc;
}
