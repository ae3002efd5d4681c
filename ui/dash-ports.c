/* dash-ports.c: a container's port from its row (conu's is_port_open and
 * http_request): a prompt for the port, then a job that reads the container
 * afresh, tries a TCP connection, makes a GET / when it opens, and shows the
 * result in the output view with the URL to give people, if any. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"
#include "dialog.h"
#include "util.h"

#define PROBE_CONNECT_S 3.0
#define PROBE_HTTP_S 10.0
#define BODY_SHOWN 4096

struct port_job {
	struct ctr_job c;
	int port;		/* 0: the only one it exposes */
	struct buf report;
	struct buf body;
};

static int
body_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct buf *b = ctx;
	size_t room = b->len < BODY_SHOWN ? BODY_SHOWN - b->len : 0;
	buf_append(b, buf, len < room ? len : room);
	return 0;
}

static void
report_http(struct port_job *j, berth_endpoint *ep, const struct berth_container *c, int port,
	    berth_cancel *cancel)
{
	struct berth_http_opts o = { .port = port, .timeout_s = PROBE_HTTP_S };
	struct berth_error err = { 0 };
	long status = 0;
	if (berth_http_request(ep, c, &o, body_sink, &j->body, &status, cancel, &err) < 0) {
		buf_printf(&j->report, "GET /: %s\n", err.message);
		return;
	}
	buf_printf(&j->report, "GET /: HTTP %ld, %s%zu bytes shown\n\n%s", status,
		   j->body.len >= BODY_SHOWN ? "first " : "", j->body.len, j->body.data ? j->body.data : "");
}

static void
port_run(struct pool_job *pj)
{
	struct port_job *j = (struct port_job *)pj;
	struct berth_container *c = NULL;
	j->c.rc = berth_inspect(j->c.ep, j->c.id, true, &c, pj->cancel, &j->c.err);
	if (j->c.rc < 0)
		return;
	struct berth_error err = { 0 };
	int open = berth_port_open(j->c.ep, c, j->port, PROBE_CONNECT_S, pj->cancel, &err);
	if (open < 0) {
		j->c.rc = -1;
		j->c.err = err;
	} else {
		buf_printf(&j->report, "%s: %s within %.0f s\n", j->port > 0 ? "the port" : "its port",
			   open ? "open (a TCP connection was accepted)" : "closed (no connection)",
			   PROBE_CONNECT_S);
		char *url = berth_published_url(j->c.ep, c, j->port, &err);
		buf_printf(&j->report, "URL for others: %s\n", url ? url : err.message);
		free(url);
		if (open)
			report_http(j, j->c.ep, c, j->port, pj->cancel);
	}
	berth_container_free(c);
}

static void
port_done(struct pool_job *pj)
{
	struct port_job *j = (struct port_job *)pj;
	struct dash *d = j->c.d;
	d->nactions--;
	if (!d->quit) {
		if (j->c.rc < 0) {
			dash_message(d, true, "%s", j->c.err.message);
		} else {
			char *title = j->port > 0 ? xasprintf("port %d of %s", j->port, j->c.name)
				: xasprintf("the port of %s", j->c.name);
			struct report_text report = { title, j->report.data };
			view_open(d, "report", &report);
			free(title);
			dash_message(d, false, "probed %s", j->c.name);
		}
	}
	buf_free(&j->report);
	buf_free(&j->body);
	ctr_job_free(&j->c);
}

static void
port_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	char *end;
	long port = strtol(text, &end, 10);
	if (*text && (*end || port < 1 || port > 65535)) {
		dash_message(d, true, "%s is not a port: give 1 to 65535, or nothing for the one it exposes",
			     text);
		targets_free(t);
		return;
	}
	struct port_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], "probe a port of", port_run, port_done, POOL_FAST);
	j->port = *text ? (int)port : 0;
	targets_free(t);
	if (!ctr_job_submit(&j->c)) {
		ctr_job_free(&j->c);
		return;
	}
	d->nactions++;
	dash_message(d, j->c.wait_note[0], "probing %s%s…", j->c.name, j->c.wait_note);
}

void
port_ask(struct dash *d, struct targets *t)
{
	char *q = xasprintf("probe which port of %s (empty: the one it exposes):", t->v[0].name);
	dialog_prompt(d, q, "", port_given, t, targets_free);
	free(q);
}
