/* cancel.c: every libberth call that can block honours its berth_cancel.
 *
 *   cancel SPEC CONTAINER          each blocking call on CONTAINER, given a cancel
 *                                  already set, returns BERTH_ECANCELLED
 *   cancel --inflight SPEC CONTAINER
 *                                  a stop that the container ignores (a 60 s grace)
 *                                  and an interactive session are cancelled from
 *                                  another thread while they wait
 *
 * Prints one line per call, "NAME: cancelled" or "NAME: rc CODE MESSAGE", and
 * exits 0 when every call was cancelled (run by cancel-docker.sh and zun/verbs.sh). */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "berth.h"

static int failures;

static void
report(const char *name, int rc, const struct berth_error *err)
{
	if (rc < 0 && err->code == BERTH_ECANCELLED) {
		printf("%s: cancelled\n", name);
		return;
	}
	printf("%s: rc %d %s %s\n", name, rc, berth_errcode_name(err->code), err->message);
	failures++;
}

/* The calls of berth.h that talk to an engine, a cloud or a container, with cancel set. */
static void
preset(berth_endpoint *ep, const char *ref)
{
	berth_cancel *c = berth_cancel_new();
	berth_cancel_trigger(c);
	struct berth_error err;
	struct berth_container *ctr = NULL;
	char *s = NULL;
	int code = 0, fd = -1;
	report("ping", berth_ping(ep, &s, c, &err), &err);
	report("start", berth_start(ep, ref, c, &err), &err);
	report("stop", berth_stop(ep, ref, 1, c, &err), &err);
	report("restart", berth_restart(ep, ref, 1, c, &err), &err);
	report("kill", berth_kill(ep, ref, "KILL", c, &err), &err);
	report("remove", berth_remove(ep, ref, true, c, &err), &err);
	report("snapshot", berth_snapshot(ep, ref, "berth-cancelled", NULL, &s, c, &err), &err);
	if (berth_endpoint_kind(ep) != BERTH_KIND_ZUN) {
		char *argv[] = { "true", NULL };
		struct berth_session ss = { .in_fd = -1, .out_fd = -1, .err_fd = -1, .winch_fd = -1,
					    .cancel = c };
		report("exec_interactive", berth_exec_interactive(ep, ref, argv, &ss, &code, &err), &err);
	} else {
		struct berth_fip *fips;
		struct berth_lease *leases;
		size_t n;
		report("fip_list", berth_fip_list(ep, &fips, &n, c, &err), &err);
		report("fip_associate", berth_fip_associate(ep, ref, NULL, &s, c, &err), &err);
		report("fip_dissociate", berth_fip_dissociate(ep, ref, c, &err), &err);
		report("lease_list", berth_lease_list(ep, &leases, &n, c, &err), &err);
	}
	/* A fresh inspect (no cancel) for the address, then the connections. */
	if (berth_inspect(ep, ref, true, &ctr, NULL, &err) == 0) {
		report("port_open", berth_port_open(ep, ctr, 80, 5, c, &err), &err);
		report("open_connection", berth_open_connection(ep, ctr, 80, &fd, c, &err), &err);
		berth_container_free(ctr);
	} else {
		report("inspect", -1, &err);
	}
	berth_cancel_free(c);
}

struct inflight {
	berth_endpoint *ep;
	const char *ref;
	berth_cancel *cancel;
	int in_fd, out_fd;
	int rc;
	struct berth_error err;
};

static void *
stop_run(void *p)
{
	struct inflight *f = p;
	f->rc = berth_stop(f->ep, f->ref, 60, f->cancel, &f->err);
	return NULL;
}

static void *
session_run(void *p)
{
	struct inflight *f = p;
	char *argv[] = { "sleep", "600", NULL };
	int code;
	struct berth_session s = { .in_fd = f->in_fd, .out_fd = f->out_fd, .err_fd = f->out_fd,
				   .tty = true, .rows = 24, .cols = 80, .winch_fd = -1,
				   .cancel = f->cancel };
	f->rc = berth_exec_interactive(f->ep, f->ref, argv, &s, &code, &f->err);
	return NULL;
}

/* Start fn on a thread, let it reach the engine, cancel, and report its end. */
static void
cancel_while_waiting(const char *name, void *(*fn)(void *), struct inflight *f)
{
	f->cancel = berth_cancel_new();
	pthread_t th;
	pthread_create(&th, NULL, fn, f);
	sleep(1);
	berth_cancel_trigger(f->cancel);
	pthread_join(th, NULL);
	report(name, f->rc, &f->err);
	berth_cancel_free(f->cancel);
}

int
main(int argc, char **argv)
{
	bool inflight = argc == 4 && strcmp(argv[1], "--inflight") == 0;
	if (argc != 3 && !inflight) {
		fprintf(stderr, "usage: cancel [--inflight] SPEC CONTAINER\n");
		return 2;
	}
	const char *spec = argv[argc - 2], *ref = argv[argc - 1];
	struct berth_error err;
	berth_endpoint *ep;
	berth_init();
	if (berth_endpoint_open(spec, NULL, &ep, &err) < 0) {
		fprintf(stderr, "%s\n", err.message);
		return 2;
	}
	if (!inflight) {
		preset(ep, ref);
	} else {
		struct inflight f = { .ep = ep, .ref = ref };
		cancel_while_waiting("stop while the grace period runs", stop_run, &f);
		int in[2];
		if (pipe(in) < 0)
			return 2;
		int out = open("/dev/null", O_WRONLY);
		f = (struct inflight){ .ep = ep, .ref = ref, .in_fd = in[0], .out_fd = out };
		cancel_while_waiting("interactive session", session_run, &f);
		close(in[0]);
		close(in[1]);
		close(out);
	}
	berth_endpoint_free(ep);
	return failures ? 1 : 0;
}
