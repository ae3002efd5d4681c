/* cli-fleet.h: a verb over many endpoints (cli-fleet.c): the endpoints opened
 * in order, each one's work on one of at most FLEET_PARALLEL threads at once,
 * output lines labelled with their endpoint, and one sentence per endpoint
 * that failed, in the order the endpoints were given. */
#ifndef BERTH_CLI_FLEET_H
#define BERTH_CLI_FLEET_H

#include <pthread.h>
#include <stdbool.h>

#include "cli.h"
#include "util.h"

#define FLEET_PARALLEL 8	/* endpoints worked on at once */

struct fleet;

/* One endpoint of the verb. */
struct fleet_ep {
	struct fleet *fleet;
	const char *spec;
	berth_endpoint *ep;	/* NULL when it did not open (err says why) */
	int rc;			/* the work's: 0, or -1 with err set */
	struct berth_error err;
	void *data;		/* the verb's */
	struct buf part[3];	/* an unfinished output line of stdout [1], stderr [2] */
};

struct fleet {
	struct cli *cli;
	struct fleet_ep *eps;
	size_t n;
	size_t next;		/* the next endpoint a thread takes */
	int (*work)(struct fleet_ep *e, void *ctx);
	void *ctx;
	pthread_mutex_t lock;	/* next, and the output */
	int label_width;
};

/* Open the endpoints of specs (cli_specs), then run work on each that opened,
 * FLEET_PARALLEL at a time; returns when all are done. */
void fleet_run(struct fleet *f, struct cli *cli, char **specs,
	       int (*work)(struct fleet_ep *e, void *ctx), void *ctx);
/* A berth_sink (ctx: the fleet_ep) writing whole lines, each prefixed with
 * its endpoint's name, stdout's to stdout and stderr's to stderr. */
int fleet_sink(void *ctx, enum berth_stream s, const char *buf, size_t len);
/* Print "berth: ENDPOINT: sentence" for each endpoint that failed, in order
 * ("berth: sentence" when there is one endpoint);
 * CLI_OK when none did, CLI_INTERRUPTED after Ctrl-C, else CLI_FAILED. */
int fleet_report(struct fleet *f);
void fleet_free(struct fleet *f);
/* Run fn(arg) on n threads (the caller bounds n) and join them; on this
 * thread when none starts. fn takes its work from arg until there is none. */
void fleet_threads(size_t n, void *(*fn)(void *), void *arg);
/* (*next)++ under lock: the next piece of work a thread takes. */
size_t fleet_take(pthread_mutex_t *lock, size_t *next);

#endif
