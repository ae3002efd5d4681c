/* view-stage.c: the stage view (`:stage`, `berth --stage`), a screen for an
 * audience: each active lease with its time left counting down by the second,
 * its containers, whether each answers on its exposed port (probed on the pool
 * with berth_port_open, as `berth port-open` does, every zun_refresh seconds)
 * and the address to show (floating IP:port). Read-only: every key but Esc, q
 * and ^L is refused with one sentence. Everything is said in words (running,
 * answers, no answer), never by colour alone, and fits 80x24. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"

#define PROBE_TIMEOUT_S 2.0

enum answer { ANS_UNKNOWN, ANS_YES, ANS_NO, ANS_ERROR };

/* The last probe of one container's first exposed port. */
struct probe {
	char *key;		/* "endpoint\nid" */
	enum answer answer;
	bool in_flight;
	double next;		/* when to probe again (dash_now) */
};

struct stage {
	struct probe *v;
	size_t n;
	size_t in_flight;
	double tick_at;		/* the next second of the countdown (dash_now) */
	bool closed;		/* the view is gone; the last job frees this */
};

struct probe_job {
	struct pool_job job;
	struct dash *d;
	struct stage *st;
	berth_endpoint *ep;
	struct berth_container *c;
	char *key;
	int port, rc;
	struct berth_error err;
};

static char *
probe_key(const struct dash_ep *e, const struct berth_container *c)
{
	return xasprintf("%s\n%s", e->name, c->id);
}

static struct probe *
probe_find(struct stage *st, const char *key)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i].key, key) == 0)
			return &st->v[i];
	return NULL;
}

static void
stage_free(struct stage *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->v[i].key);
	free(st->v);
	free(st);
}

static void
probe_run(struct pool_job *pj)
{
	struct probe_job *j = (struct probe_job *)pj;
	j->rc = berth_port_open(j->ep, j->c, j->port, PROBE_TIMEOUT_S, pj->cancel, &j->err);
}

static void
probe_done(struct pool_job *pj)
{
	struct probe_job *j = (struct probe_job *)pj;
	struct stage *st = j->st;
	st->in_flight--;
	struct probe *p = st->closed ? NULL : probe_find(st, j->key);
	if (p) {
		p->in_flight = false;
		p->answer = j->rc == 1 ? ANS_YES : j->rc == 0 ? ANS_NO : ANS_ERROR;
		p->next = dash_now() + j->d->zun_refresh_s;
		dash_changed(j->d);
	}
	if (st->closed && !st->in_flight)
		stage_free(st);
	berth_container_free(j->c);
	free(j->key);
	free(j);
}

static void
probe_start(struct dash *d, struct stage *st, struct probe *p, const struct dash_ep *e,
	    const struct berth_container *c)
{
	struct probe_job *j = xcalloc(1, sizeof *j);
	j->job.run = probe_run;
	j->job.done = probe_done;
	j->job.klass = POOL_BULK;
	j->d = d;
	j->st = st;
	j->ep = e->ep;
	j->c = berth_container_dup(c);
	j->key = xstrdup(p->key);
	j->port = c->ports[0].container_port;
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		berth_container_free(j->c);
		free(j->key);
		free(j);
		p->next = dash_now() + d->zun_refresh_s;
		return;
	}
	st->in_flight++;
	p->in_flight = true;
}

/* Calls fn for every container on an active lease (the soonest end first). */
typedef void (*each_fn)(struct view *v, const struct dash_lease *l, const struct dash_ep *e,
			const struct berth_container *c, void *arg);

static size_t
each_container(struct view *v, const struct dash_lease *l, each_fn fn, void *arg)
{
	size_t n = 0;
	const struct dash_ep *e = l->ep;
	for (size_t k = 0; k < e->nctrs; k++) {
		const struct berth_container *c = e->ctrs[k];
		if (dash_leases_holding(v->d, e, c->reservation) != l->l)
			continue;
		n++;
		if (fn)
			fn(v, l, e, c, arg);
	}
	return n;
}

static void
probe_due(struct view *v, const struct dash_lease *l, const struct dash_ep *e,
	  const struct berth_container *c, void *arg)
{
	struct stage *st = v->priv;
	double now = *(const double *)arg;
	if (!c->running || !c->nports)
		return;
	char *key = probe_key(e, c);
	struct probe *p = probe_find(st, key);
	if (!p) {
		st->v = xrealloc(st->v, (st->n + 1) * sizeof *st->v);
		p = &st->v[st->n++];
		*p = (struct probe){ .key = key };
	} else {
		free(key);
	}
	if (!p->in_flight && p->next <= now)
		probe_start(v->d, st, p, e, c);
}

/* Every second: the countdown, and the probes that are due. */
static int
stage_tick(struct view *v, double now)
{
	struct stage *st = v->priv;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	st->tick_at = now + 1.0 - (double)ts.tv_nsec / 1e9;	/* when the wall second turns */
	struct dash_lease *ls;
	size_t n = dash_leases_active(v->d, time(NULL), &ls);
	for (size_t i = 0; i < n; i++)
		each_container(v, &ls[i], probe_due, &now);
	free(ls);
	return VIEW_REDRAW;	/* the countdown moved */
}

static double
stage_deadline(struct view *v, double now)
{
	return ((struct stage *)v->priv)->tick_at;
}

static bool
stage_open(struct view *v, const void *arg)
{
	if (!dash_leases_ask_now(v->d))
		return false;
	v->priv = xcalloc(1, sizeof(struct stage));
	stage_tick(v, dash_now());
	return true;
}

static void
stage_close(struct view *v)
{
	struct stage *st = v->priv;
	st->closed = true;
	if (!st->in_flight)
		stage_free(st);
}

/* ---------------------------------------------------------------- drawing */

/* "1:02:09 left", "4:05 left", "ended". */
static void
countdown(time_t end, time_t now, char *buf, size_t len)
{
	long s = (long)(end - now);
	if (s <= 0)
		snprintf(buf, len, "ended");
	else if (s >= 86400)
		snprintf(buf, len, "%ldd %02ldh left", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld left", s / 3600, s % 3600 / 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld left", s / 60, s % 60);
}

/* The port cell: whether the container answers on its first exposed port. */
static void
port_text(struct stage *st, const struct dash_ep *e, const struct berth_container *c,
	  char *buf, size_t len)
{
	if (!c->running) {
		snprintf(buf, len, "not running");
		return;
	}
	if (!c->nports) {
		snprintf(buf, len, "no exposed port");
		return;
	}
	char *key = probe_key(e, c);
	struct probe *p = probe_find(st, key);
	free(key);
	int port = c->ports[0].container_port;
	enum answer a = p ? p->answer : ANS_UNKNOWN;
	snprintf(buf, len, a == ANS_YES ? "port %d answers" : a == ANS_NO ? "port %d: NO ANSWER"
		 : a == ANS_ERROR ? "port %d: probe failed" : "port %d: probing", port);
}

struct cursor {
	int y, end, w;
};

static void
draw_container(struct view *v, const struct dash_lease *l, const struct dash_ep *e,
	       const struct berth_container *c, void *arg)
{
	struct cursor *cu = arg;
	if (cu->y >= cu->end)
		return;
	char status[32], port[48], url[80];
	table_status_text(c, status, sizeof status);
	port_text(v->priv, e, c, port, sizeof port);
	if (c->floating_ip && c->nports)
		snprintf(url, sizeof url, "%s:%d", c->floating_ip, c->ports[0].container_port);
	else
		snprintf(url, sizeof url, "%s", c->floating_ip ? c->floating_ip : "no floating IP");
	char *name = sanitize_str(c->name ? c->name : c->id);
	char *u = sanitize_str(url);
	char *line = xasprintf("    %-20.20s %-12.12s %-22.22s %s", name, status, port, u);
	draw_str(cu->y++, 0, cu->w, line, theme_attr(TH_NORMAL));
	free(line);
	free(u);
	free(name);
}

static void
draw_lease(struct view *v, const struct dash_lease *l, struct cursor *cu, time_t now)
{
	char left[32], line[200];
	char *name = sanitize_str(l->l->name && *l->l->name ? l->l->name : l->l->id);
	char *status = sanitize_str(l->l->status ? l->l->status : "");
	countdown(l->l->end, now, left, sizeof left);
	size_t n = each_container(v, l, NULL, NULL);
	snprintf(line, sizeof line, "  LEASE %-22.22s %-16s %s · %zu container%s", name, left,
		 status, n, n == 1 ? "" : "s");
	draw_str(cu->y++, 0, cu->w, line, theme_attr(TH_NORMAL) | A_BOLD);
	if (!n && cu->y < cu->end)
		draw_str(cu->y++, 0, cu->w, "    no container on this lease", theme_attr(TH_NORMAL));
	each_container(v, l, draw_container, cu);
	cu->y++;
	free(status);
	free(name);
}

static void
stage_draw(struct view *v, const struct view_area *a, bool focused)
{
	for (int y = a->y; y < a->y + a->h; y++)
		draw_fill(y, a->x, a->w, theme_attr(TH_NORMAL));
	struct cursor cu = { .y = a->y + 1, .end = a->y + a->h, .w = a->w };
	time_t now = time(NULL);
	struct dash_lease *ls;
	size_t n = dash_leases_active(v->d, now, &ls);
	if (!n)
		draw_str(cu.y, 0, cu.w, "  No active lease (the leases are asked of Blazar every few "
			 "seconds).", theme_attr(TH_NORMAL));
	for (size_t i = 0; i < n && cu.y < cu.end; i++)
		draw_lease(v, &ls[i], &cu, now);
	free(ls);
}

static void
stage_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, "STAGE · read-only · Esc leaves");
}

/* ---------------------------------------------------------------- keys */

static int
stage_key(struct view *v, enum action a, int key)
{
	if (a == ACT_BACK || a == ACT_QUIT)
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	if (a == ACT_REFRESH)
		return VIEW_HANDLED | VIEW_REPAINT;
	if (a == ACT_NONE)
		dash_message(v->d, true, "the stage view is read-only: Esc leaves it");
	else
		dash_message(v->d, true, "the stage view is read-only: %s is refused here; Esc "
			     "leaves it", action_name(a));
	return VIEW_HANDLED | VIEW_REDRAW;
}

static int
stage_mouse(struct view *v, const MEVENT *ev)
{
	return VIEW_HANDLED;	/* nothing to click: read-only */
}

const struct view_ops stage_view = {
	.name = "stage", .place = VIEW_SCREEN, .overlay = true, .by_name = true,
	.open = stage_open, .draw = stage_draw, .key = stage_key, .mouse = stage_mouse,
	.title = stage_title, .deadline = stage_deadline, .tick = stage_tick,
	.close = stage_close,
};
