/* cli-fleet.c: a verb over many endpoints (cli-fleet.h). The endpoints are
 * opened on the calling thread (opening never touches the network; ssh://
 * starts its helpers there), then at most FLEET_PARALLEL threads take them in
 * turn, so a stalled or refusing endpoint holds one thread for as long as its
 * own timeouts allow, and the others go on. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-fleet.h"
#include "thread.h"

size_t
fleet_take(pthread_mutex_t *lock, size_t *next)
{
	pthread_mutex_lock(lock);
	size_t i = (*next)++;
	pthread_mutex_unlock(lock);
	return i;
}

void
fleet_threads(size_t n, void *(*fn)(void *), void *arg)
{
	pthread_t *th = xcalloc(n ? n : 1, sizeof *th);
	size_t started = 0;
	for (size_t i = 0; i < n; i++)
		if (berth_thread_start(&th[started], 0, false, fn, arg) == 0)
			started++;
	if (!started)
		fn(arg);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
}

static void *
fleet_thread(void *p)
{
	struct fleet *f = p;
	for (size_t i; (i = fleet_take(&f->lock, &f->next)) < f->n; ) {
		struct fleet_ep *e = &f->eps[i];
		if (e->ep && !berth_cancel_is_set(f->cli->cancel))
			e->rc = f->work(e, f->ctx);
	}
	return NULL;
}

static void
fleet_open(struct fleet *f, struct cli *cli, char **specs)
{
	f->n = strv_len(specs);
	f->eps = xcalloc(f->n + 1, sizeof *f->eps);
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_ep *e = &f->eps[i];
		e->fleet = f;
		e->spec = specs[i];
		if (berth_endpoint_open(specs[i], &cli->opts, &e->ep, &e->err) < 0) {
			e->ep = NULL;
			e->rc = -1;
		}
		int w = (int)strlen(e->ep ? berth_endpoint_name(e->ep) : e->spec);
		if (w > f->label_width)
			f->label_width = w;
	}
}

void
fleet_run(struct fleet *f, struct cli *cli, char **specs,
	  int (*work)(struct fleet_ep *e, void *ctx), void *ctx)
{
	*f = (struct fleet){ .cli = cli, .work = work, .ctx = ctx };
	pthread_mutex_init(&f->lock, NULL);
	fleet_open(f, cli, specs);
	fleet_threads(f->n < FLEET_PARALLEL ? f->n : FLEET_PARALLEL, fleet_thread, f);
}

/* One whole line of stream fd, under the output lock. */
static void
fleet_line(struct fleet_ep *e, int fd, const char *line, size_t len)
{
	FILE *out = fd == 2 ? stderr : stdout;
	struct fleet *f = e->fleet;
	pthread_mutex_lock(&f->lock);
	if (fd == 2)
		fflush(stdout);
	char *label = cli_clean(berth_endpoint_name(e->ep));
	fprintf(out, "%-*s | ", f->label_width, label);
	fwrite(line, 1, len, out);
	fputc('\n', out);
	fflush(out);
	free(label);
	pthread_mutex_unlock(&f->lock);
}

int
fleet_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct fleet_ep *e = ctx;
	int fd = s == BERTH_STDERR ? 2 : 1;
	struct buf *part = &e->part[fd];
	if (!len)
		return 0;
	buf_append(part, buf, len);
	size_t start = 0;
	for (char *nl; (nl = memchr(part->data + start, '\n', part->len - start)); ) {
		fleet_line(e, fd, part->data + start, (size_t)(nl - (part->data + start)));
		start = (size_t)(nl - part->data) + 1;
	}
	memmove(part->data, part->data + start, part->len - start);
	part->len -= start;
	return 0;
}

int
fleet_report(struct fleet *f)
{
	int rc = CLI_OK;
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_ep *e = &f->eps[i];
		for (int fd = 1; fd <= 2; fd++)	/* a last line without its newline */
			if (e->part[fd].len)
				fleet_line(e, fd, e->part[fd].data, e->part[fd].len);
		if (e->rc == 0 || e->err.code == BERTH_ECANCELLED)
			continue;
		if (f->n == 1) {
			rc = cli_fail(&e->err);
			continue;
		}
		char *label = cli_clean(e->ep ? berth_endpoint_name(e->ep) : e->spec);
		cli_error("%s: %s", label, e->err.message[0] ? e->err.message
							    : berth_errcode_name(e->err.code));
		free(label);
		rc = CLI_FAILED;
	}
	return berth_cancel_is_set(f->cli->cancel) ? CLI_INTERRUPTED : rc;
}

void
fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		berth_endpoint_free(f->eps[i].ep);
		for (int fd = 1; fd <= 2; fd++)
			buf_free(&f->eps[i].part[fd]);
	}
	free(f->eps);
	pthread_mutex_destroy(&f->lock);
}
