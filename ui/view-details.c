/* view-details.c: a summary of the selected container from the last list
 * (no engine call; read again from its row every second while the view is
 * open, so that it follows the lists): names, image, state, health, restarts
 * and OOM kill (as the feed learned them), times, ports, addresses, its
 * lease, the last stats sample and labels; under it the last health check
 * (exit code, time, output; nothing for a container without one) from an
 * inspect, and the container's processes (the engine's top call), both on
 * the pool and asked again every refresh interval while the view is open and
 * the container runs. Zun has no process list: one sentence says so, once. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dash-targets.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"
#include "view-pane.h"

static void
add_field(struct buf *b, const char *label, const char *value)
{
	if (value && *value)
		buf_printf(b, "%-13s %s\n", label, value);
}

static void
add_time(struct buf *b, const char *label, time_t t)
{
	char s[64];
	struct tm tm;
	if (t && localtime_r(&t, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S %Z", &tm))
		add_field(b, label, s);
}

/* ---------------------------------------------------------------- processes */

struct top_job;

/* What the details view keeps besides its pane (the pane's owner). */
struct details {
	struct pane *pane;
	char *summary;			/* the text above the last check and the processes */
	char *check;			/* the last health check, or NULL: none */
	char *procs;			/* the processes, or what is known of them */
	struct target g;		/* the container (its endpoint borrowed) */
	struct top_job *job;		/* in flight, or NULL */
	double next_top;		/* when to ask again; 0: never (not running, Zun) */
	double next_summary;		/* when to read the summary again from its row */
};

#define SUMMARY_EVERY 1.0	/* seconds between readings of the summary's row */

struct top_job {
	struct ctr_job c;
	struct berth_container *inspected;	/* for its last health check; NULL: failed */
	bool running;			/* ask for the processes too */
	struct berth_top *top;
	struct details *det;		/* NULL once the view closed */
};

static void
top_run(struct pool_job *pj)
{
	struct top_job *j = (struct top_job *)pj;
	struct berth_error err = { 0 };
	if (berth_inspect(j->c.ep, j->c.id, true, &j->inspected, pj->cancel, &err) < 0)
		j->inspected = NULL;	/* the check is left as it was shown */
	if (j->running)
		j->c.rc = berth_top(j->c.ep, j->c.id, NULL, &j->top, pj->cancel, &j->c.err);
}

/* "exit 1 at 2026-12-06 16:40:15 UTC" and the check's output, its lines
 * indented; NULL for a container without a health check. */
static char *
check_text(const struct berth_container *c)
{
	if (!c->health_output)
		return NULL;
	struct buf b = { 0 };
	char when[64] = "";
	struct tm tm;
	time_t t = c->health_time;
	if (t && localtime_r(&t, &tm))
		strftime(when, sizeof when, " at %Y-%m-%d %H:%M:%S %Z", &tm);
	buf_printf(&b, "exit %d%s\n", c->health_exit, when);
	const char *line = c->health_output;
	while (*line) {
		size_t n = strcspn(line, "\n");
		buf_printf(&b, "  %.*s\n", (int)n, line);
		line += n + (line[n] == '\n');
	}
	return b.data;
}

/* The processes as docker top lays them out, tighter: every column but the
 * last padded to its widest cell and two blanks. */
static void
top_text(struct buf *b, const struct berth_top *t)
{
	size_t *width = xcalloc(t->ncols + 1, sizeof *width);
	for (size_t r = 0; r <= t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = r ? t->cells[(r - 1) * t->ncols + c] : t->titles[c];
			if (strlen(cell) + 2 > width[c])
				width[c] = strlen(cell) + 2;
		}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = r ? t->cells[(r - 1) * t->ncols + c] : t->titles[c];
			buf_printf(b, "%-*s", c + 1 < t->ncols ? (int)width[c] : 0, cell);
		}
		buf_printf(b, "\n");
	}
	free(width);
}

/* The summary, the last health check when there is one, then the processes
 * section saying what is known. */
static void
details_show(struct details *det)
{
	char *text = xasprintf("%s%s%s\nProcesses\n%s", det->summary,
			       det->check ? "\nLast health check\n" : "",
			       det->check ? det->check : "", det->procs);
	pane_replace_text(det->pane, text);
	free(text);
}

static void
details_set(char **field, char *text)
{
	free(*field);
	*field = text;
}

static void
top_done(struct pool_job *pj)
{
	struct top_job *j = (struct top_job *)pj;
	struct details *det = j->det;
	if (det && !j->c.d->quit) {
		struct buf b = { 0 };
		det->job = NULL;
		det->next_top = j->running ? dash_now() + j->c.d->refresh_s : 0;
		if (j->inspected)
			details_set(&det->check, check_text(j->inspected));
		if (!j->running) {
			buf_printf(&b, "none: it is not running\n");
		} else if (j->c.rc == 0) {
			top_text(&b, j->top);
		} else if (j->c.err.code == BERTH_EUNSUPPORTED) {
			buf_printf(&b, "%s has no process list.\n",
				   det->g.e->kind == BERTH_KIND_ZUN ? "Zun" : "This engine");
			det->next_top = 0;
		} else {
			buf_printf(&b, "(%s)\n", j->c.err.message);
		}
		details_set(&det->procs, b.data ? b.data : xstrdup(""));
		details_show(det);
		dash_changed(j->c.d);
	}
	berth_container_free(j->inspected);
	if (j->top)
		berth_top_free(j->top);
	ctr_job_free(&j->c);
}

static void
top_start(struct details *det, struct dash *d)
{
	struct top_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &det->g, "the processes of", top_run, top_done, POOL_BULK);
	j->c.job.deadline = dash_now() + 20;	/* a frozen engine must not hold a worker */
	j->det = det;
	j->running = det->g.running;
	if (!ctr_job_submit(&j->c)) {
		ctr_job_free(&j->c);
		det->next_top = dash_now() + d->refresh_s;
		return;
	}
	det->job = j;
}

static void
details_close(struct view *v)
{
	struct details *det = ((struct pane *)v->priv)->owner;
	if (det->job) {	/* its done() frees it */
		det->job->det = NULL;
		pool_cancel(&det->job->c.job);
	}
	free(det->summary);
	free(det->check);
	free(det->procs);
	free(det->g.id);
	free(det->g.name);
	free(det);
	pane_view_close(v);
}

/* ---------------------------------------------------------------- summary */

/* What the last list says of r's container (no network). */
static char *
summary_text(struct dash *d, const struct row *r)
{
	const struct berth_container *c = r->c;
	struct buf b = { 0 };
	char st[64], *tmp;
	add_field(&b, "Name", c->name);
	add_field(&b, "ID", c->id);
	add_field(&b, "Image", c->image);
	add_field(&b, "Status", table_status_text(c, st, sizeof st));
	add_field(&b, "State", c->state_text);
	add_field(&b, "Reason", c->status_reason);
	add_field(&b, "Health", berth_health_name(c->health));	/* none: nothing */
	if (r->st && r->st->facts_known && r->st->restarts > 0) {
		tmp = xasprintf("%d", r->st->restarts);
		add_field(&b, "Restarts", tmp);
		free(tmp);
	}
	if (r->st && r->st->facts_known && r->st->oom)
		add_field(&b, "OOM-killed", "yes (its last exit)");
	add_field(&b, "Endpoint", r->ep->name);
	add_time(&b, "Created", c->created);
	add_time(&b, "Started", c->started);
	add_time(&b, "Finished", c->finished);
	add_field(&b, "Command", c->command);
	add_field(&b, "Hostname", c->hostname);
	if (c->pid) {
		tmp = xasprintf("%ld", c->pid);
		add_field(&b, "PID", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		tmp = p->host_port ? xasprintf("%d/%s -> %s:%d", p->container_port, p->proto,
					       *p->host_ip ? p->host_ip : "0.0.0.0", p->host_port)
			: xasprintf("%d/%s", p->container_port, p->proto);
		add_field(&b, i ? "" : "Ports", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nipv4; i++)
		add_field(&b, i ? "" : "IPv4", c->ipv4[i]);
	for (size_t i = 0; i < c->nipv6; i++)
		add_field(&b, i ? "" : "IPv6", c->ipv6[i]);
	add_field(&b, "Floating IP", c->floating_ip);
	tmp = dash_leases_reservation_text(d, r->ep, c->reservation);	/* known, never guessed */
	add_field(&b, "Reservation", tmp);
	free(tmp);
	add_field(&b, "Runtime", c->runtime);
	add_field(&b, "Dev profiles", c->device_profiles);
	if (r->st && r->st->cpu >= 0 && c->running) {
		tmp = xasprintf("%.1f%%", r->st->cpu);
		add_field(&b, "CPU", tmp);
		free(tmp);
	}
	if (r->st && r->st->have_mem && c->running) {
		tmp = xasprintf("%llu MiB of %llu MiB", (unsigned long long)(r->st->mem >> 20),
				(unsigned long long)(r->st->mem_limit >> 20));
		add_field(&b, "Memory", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nlabels; i++) {
		tmp = xasprintf("%s=%s", c->labels[i].key, c->labels[i].value ? c->labels[i].value : "");
		add_field(&b, i ? "" : "Labels", tmp);
		free(tmp);
	}
	return b.data ? b.data : xstrdup("");
}

/* The summary again from the container's row as the last list left it, so
 * that what changed since the view opened shows (its state, a runtime the
 * list learned later); true when it changed. A row no longer listed leaves
 * the summary as it was. */
static bool
summary_refresh(struct details *det, struct dash *d)
{
	struct row *r = table_find(&d->table, det->g.e, det->g.id);
	if (!r)
		return false;
	det->g.running = r->c->running;
	char *text = summary_text(d, r);
	if (strcmp(text, det->summary) == 0) {
		free(text);
		return false;
	}
	details_set(&det->summary, text);
	return true;
}

static double
details_deadline(struct view *v, double now)
{
	struct details *det = ((struct pane *)v->priv)->owner;
	(void)now;
	return det->next_top && !det->job && det->next_top < det->next_summary ? det->next_top
									: det->next_summary;
}

static int
details_tick(struct view *v, double now)
{
	struct details *det = ((struct pane *)v->priv)->owner;
	int flags = 0;
	if (now >= det->next_summary) {
		bool was_running = det->g.running;
		det->next_summary = now + SUMMARY_EVERY;
		if (summary_refresh(det, v->d)) {
			details_show(det);
			flags |= VIEW_REDRAW;
		}
		/* Started again: its processes are asked for again (Zun has none). */
		if (det->g.running && !was_running && !det->job && det->g.e->kind != BERTH_KIND_ZUN)
			det->next_top = now;
	}
	if (det->next_top && !det->job && now >= det->next_top)
		top_start(det, v->d);
	return flags;
}

/* A summary of the selected container from the last list (no network),
 * kept up with the lists, and its processes from the engine. */
static bool
details_open(struct view *v, const void *arg)
{
	struct dash *d = v->d;
	struct row *r = table_selected(&d->table);
	if (!r) {
		dash_message(d, true, "no container is selected");
		return false;
	}
	const struct berth_container *c = r->c;
	char *name = sanitize_str(c->name);
	char *title = xasprintf("details %s", name);
	struct details *det = xcalloc(1, sizeof *det);
	det->pane = pane_new(v, title);
	det->pane->owner = det;
	det->summary = summary_text(d, r);
	det->next_summary = dash_now() + SUMMARY_EVERY;
	det->g = (struct target){ .e = r->ep, .id = xstrdup(c->id), .name = xstrdup(c->name),
				  .running = c->running };
	pane_set_text(det->pane, "");
	det->procs = xstrdup(c->running ? "(asking the engine)\n" : "none: it is not running\n");
	details_show(det);
	logpane_home(&det->pane->lp);
	top_start(det, d);
	free(title);
	free(name);
	return true;
}

const struct view_ops details_view = {
	.name = "details", PANE_VIEW_HOOKS, .open = details_open,
	.deadline = details_deadline, .tick = details_tick, .close = details_close,
};

