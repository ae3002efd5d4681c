/* view-images.c: the images view (key I): every Docker and Podman endpoint's
 * images, one line per repository:tag (berth images' columns, ENDPOINT when
 * there are several), listed on the pool when it opens and after each change.
 * d removes the selected image after confirming; P asks for an image to pull
 * on the selected line's endpoint, its progress in the message line; n opens
 * the run form (view-runform.c) with the selected image. A Zun
 * endpoint, whose API lists images to administrators only, is said once. */
#include "config.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dash-draw.h"
#include "dash.h"
#include "dialog.h"
#include "sanitize.h"
#include "util.h"

struct image_line {
	struct dash_ep *e;
	struct berth_image im;
};

struct imgview {
	struct image_line *lines;
	size_t n;
	size_t sel, top;
	int height;		/* lines drawn at the last frame, for paging */
	int asked;		/* list jobs whose answer has not come */
	unsigned round;		/* which listing the lines are of: older answers are dropped */
	char *failures;		/* "edge: listing images is not supported by Zun; ..." */
	struct pull_job *pull;	/* a pull in progress, for its progress line */
	bool closed;		/* a job's answer finds the view gone */
};

/* One endpoint's list, on the pool. */
struct list_job {
	struct pool_job job;
	struct dash *d;
	struct imgview *iv;
	unsigned round;
	struct dash_ep *e;
	struct berth_image *list;
	size_t n;
	int rc;
	struct berth_error err;
};

/* A pull or a remove on one endpoint, on the pool. */
struct pull_job {
	struct pool_job job;
	struct pool_job redraw;	/* notified as the progress changes */
	struct dash *d;
	struct view *v;		/* while the view is open (not iv->closed) */
	struct imgview *iv;
	berth_endpoint *ep;
	char *ref;
	bool remove;
	int rc;
	struct berth_error err;
	pthread_mutex_t lock;	/* guards status, for the message line */
	char status[160];
};

static void images_list(struct view *v);

static void
lines_free(struct imgview *iv)
{
	for (size_t i = 0; i < iv->n; i++) {
		free(iv->lines[i].im.id);
		free(iv->lines[i].im.repository);
		free(iv->lines[i].im.tag);
	}
	free(iv->lines);
	iv->lines = NULL;
	iv->n = 0;
}

static void
iv_free(struct imgview *iv)
{
	lines_free(iv);
	free(iv->failures);
	free(iv);
}

static void
list_run(struct pool_job *pj)
{
	struct list_job *j = (struct list_job *)pj;
	j->rc = berth_image_list(j->e->ep, &j->list, &j->n, pj->cancel, &j->err);
}

static void
list_done(struct pool_job *pj)
{
	struct list_job *j = (struct list_job *)pj;
	struct imgview *iv = j->iv;
	iv->asked--;
	bool stale = iv->closed || j->round != iv->round;
	if (!stale && j->rc == 0) {
		iv->lines = xrealloc(iv->lines, (iv->n + j->n + 1) * sizeof *iv->lines);
		for (size_t i = 0; i < j->n; i++)
			iv->lines[iv->n++] = (struct image_line){ .e = j->e, .im = j->list[i] };
		free(j->list);
	} else if (!stale) {
		char *was = iv->failures;
		iv->failures = xasprintf("%s%s%s", was ? was : "", was ? "; " : "", j->err.message);
		free(was);
		dash_message(j->d, true, "%s", iv->failures);
	} else {
		berth_image_list_free(j->list, j->n);
	}
	if (iv->closed && !iv->asked && !iv->pull)
		iv_free(iv);
	else
		dash_changed(j->d);
	free(j);
}

/* Ask every endpoint again; the lines are replaced as the answers come. */
static void
images_list(struct view *v)
{
	struct imgview *iv = v->priv;
	lines_free(iv);
	free(iv->failures);
	iv->failures = NULL;
	iv->round++;
	for (size_t i = 0; i < v->d->neps; i++) {
		struct list_job *j = xcalloc(1, sizeof *j);
		*j = (struct list_job){ .job = { .run = list_run, .done = list_done, .klass = POOL_FAST },
					.d = v->d, .iv = iv, .round = iv->round, .e = &v->d->eps[i] };
		if (pool_submit(v->d->pool, &j->job, &j->err) < 0) {
			dash_message(v->d, true, "%s", j->err.message);
			free(j);
			continue;
		}
		iv->asked++;
	}
}

/* ------------------------------------------------------------------ */
/* Pull and remove. */

static void
pull_progress(void *ctx, const struct berth_pull_progress *p)
{
	struct pull_job *j = ctx;
	char done[32], total[32];
	cli_size_decimal(done, sizeof done, p->bytes_done);
	cli_size_decimal(total, sizeof total, p->bytes_total);
	pthread_mutex_lock(&j->lock);
	if (p->layers)
		snprintf(j->status, sizeof j->status, "%s (%d of %d layers, %s of %s)", p->status,
			 p->layers_done, p->layers, done, total);
	else
		snprintf(j->status, sizeof j->status, "%s", p->status);
	pthread_mutex_unlock(&j->lock);
	pool_notify(j->d->pool, &j->redraw);
}

/* The progress shows in the view's title: a frame is due. */
static void
pull_redraw(struct pool_job *pj)
{
	struct pull_job *j = (struct pull_job *)((char *)pj - offsetof(struct pull_job, redraw));
	dash_changed(j->d);
}

static void
change_run(struct pool_job *pj)
{
	struct pull_job *j = (struct pull_job *)pj;
	if (j->remove)
		j->rc = berth_image_remove(j->ep, j->ref, false, pj->cancel, &j->err);
	else
		j->rc = berth_image_pull(j->ep, j->ref, pull_progress, j, pj->cancel, &j->err);
}

static void
change_done(struct pool_job *pj)
{
	struct pull_job *j = (struct pull_job *)pj;
	struct imgview *iv = j->iv;
	struct dash *d = j->d;
	iv->pull = NULL;
	d->nactions--;
	char *ref = sanitize_str(j->ref);
	if (j->rc == 0)
		dash_message(d, false, "%s %s", j->remove ? "removed" : "pulled", ref);
	else
		dash_message(d, true, "%s", j->err.message);
	free(ref);
	if (iv->closed && !iv->asked)
		iv_free(iv);
	else if (!iv->closed)
		images_list(j->v);
	dash_changed(d);
	pthread_mutex_destroy(&j->lock);
	free(j->ref);
	free(j);
}

static void
change_start(struct view *v, berth_endpoint *ep, const char *ref, bool remove)
{
	struct imgview *iv = v->priv;
	struct pull_job *j = xcalloc(1, sizeof *j);
	*j = (struct pull_job){ .job = { .run = change_run, .done = change_done, .klass = POOL_STREAM },
				.redraw = { .done = pull_redraw }, .d = v->d, .v = v, .iv = iv, .ep = ep,
				.ref = xstrdup(ref), .remove = remove };
	pthread_mutex_init(&j->lock, NULL);
	snprintf(j->status, sizeof j->status, "%s", remove ? "removing" : "starting");
	if (pool_submit(v->d->pool, &j->job, &j->err) < 0) {
		dash_message(v->d, true, "%s", j->err.message);
		pthread_mutex_destroy(&j->lock);
		free(j->ref);
		free(j);
		return;
	}
	iv->pull = j;
	v->d->nactions++;
}

/* What a pull or remove answers to a dialog: the view and the endpoint. */
struct change_ask {
	struct view *v;
	berth_endpoint *ep;
	char *ref;
};

static void
ask_free(void *p)
{
	struct change_ask *a = p;
	free(a->ref);
	free(a);
}

static void
pull_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct change_ask *a = ctx;
	if (!*text)
		dash_message(d, true, "no image given");
	else
		change_start(a->v, a->ep, text, false);
	ask_free(a);
}

static void
remove_confirmed(struct dash *d, const char *text, int choice, void *ctx)
{
	struct change_ask *a = ctx;
	change_start(a->v, a->ep, a->ref, true);
	ask_free(a);
}

/* The selected line's endpoint, else the first; NULL (and a message) when a
 * change is under way or the endpoint is read-only. */
static struct dash_ep *
change_endpoint(struct view *v, const char *what)
{
	struct imgview *iv = v->priv;
	struct dash_ep *e = iv->n ? iv->lines[iv->sel].e : &v->d->eps[0];
	struct berth_error err = { 0 };
	if (iv->pull)
		dash_message(v->d, true, "a pull or removal is already running");
	else if (berth_refuse_if_read_only(e->ep, what, &err) < 0)
		dash_message(v->d, true, "%s", err.message);
	else
		return e;
	return NULL;
}

static void
ask_pull(struct view *v)
{
	struct dash_ep *e = change_endpoint(v, "pulling images");
	if (!e)
		return;
	struct change_ask *a = xcalloc(1, sizeof *a);
	*a = (struct change_ask){ .v = v, .ep = e->ep };
	char *name = ep_short_name(e->name);
	char *q = v->d->neps > 1 ? xasprintf("pull image on %s:", name) : xstrdup("pull image:");
	dialog_prompt(v->d, q, "", pull_given, a, ask_free);
	free(q);
	free(name);
}

/* "busybox:latest", or the id when the image has no tag. */
static char *
line_ref(const struct image_line *l)
{
	if (strcmp(l->im.repository, "<none>") == 0)
		return xstrdup(l->im.id);
	return xasprintf("%s:%s", l->im.repository, l->im.tag);
}

static void
ask_remove(struct view *v)
{
	struct imgview *iv = v->priv;
	if (!iv->n) {
		dash_message(v->d, true, "no image is selected");
		return;
	}
	struct dash_ep *e = change_endpoint(v, "removing images");
	if (!e)
		return;
	struct change_ask *a = xcalloc(1, sizeof *a);
	*a = (struct change_ask){ .v = v, .ep = e->ep, .ref = line_ref(&iv->lines[iv->sel]) };
	char *ref = sanitize_str(a->ref);
	char *q = xasprintf("Remove image %s?", ref);
	dialog_confirm(v->d, q, remove_confirmed, a, ask_free);
	free(q);
	free(ref);
}

/* ------------------------------------------------------------------ */
/* Drawing and keys. */

static const struct { const char *name; int w; } cols[] = {
	{ "REPOSITORY", 0 }, { "TAG", 16 }, { "IMAGE ID", 12 }, { "CREATED", 18 },
	{ "SIZE", 9 }, { "CONTAINERS", 10 }, { "ENDPOINT", 0 },
};
#define NCOLS (sizeof cols / sizeof cols[0])

static void
line_cells(const struct image_line *l, time_t now, char cells[NCOLS][64])
{
	const char *id = str_starts_with(l->im.id, "sha256:") ? l->im.id + 7 : l->im.id;
	snprintf(cells[0], 64, "%s", l->im.repository);
	snprintf(cells[1], 64, "%s", l->im.tag);
	snprintf(cells[2], 64, "%.12s", id);
	cli_ago(l->im.created, now, cells[3], 64);
	cli_size_decimal(cells[4], 64, (uint64_t)(l->im.size > 0 ? l->im.size : 0));
	snprintf(cells[5], 64, "%d", l->im.containers);
	snprintf(cells[6], 64, "%s", l->e->name);
}

/* REPOSITORY takes what the fixed columns leave (ENDPOINT a share of it). */
static void
layout(int width, size_t neps, int *x, int *w)
{
	int fixed = 0;
	for (size_t c = 1; c + 1 < NCOLS; c++)
		fixed += cols[c].w + 1;
	int rest = width - 2 - fixed;
	int ep_w = neps > 1 ? rest / 3 : 0;
	int pos = 2;
	for (size_t c = 0; c < NCOLS; c++) {
		x[c] = pos;
		w[c] = c == 0 ? rest - ep_w - 1 : c + 1 == NCOLS ? ep_w : cols[c].w;
		if (w[c] < 0)
			w[c] = 0;
		pos += w[c] + 1;
	}
}

static void
images_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct imgview *iv = v->priv;
	if (a->h < 2)
		return;
	int rows = a->h - 1;
	iv->height = rows;
	if (iv->sel >= iv->n)
		iv->sel = iv->n ? iv->n - 1 : 0;
	if (iv->sel < iv->top)
		iv->top = iv->sel;
	if (iv->sel >= iv->top + (size_t)rows)
		iv->top = iv->sel - (size_t)rows + 1;
	int x[NCOLS], w[NCOLS];
	layout(a->w, v->d->neps, x, w);
	attr_t hd = theme_attr(TH_HEADER);
	draw_fill(a->y, 0, a->w, hd);
	for (size_t c = 0; c < NCOLS; c++)
		draw_str(a->y, x[c], w[c], cols[c].name, hd);
	time_t now = time(NULL);
	for (int k = 0; k < rows; k++) {
		size_t i = iv->top + (size_t)k;
		int y = a->y + 1 + k;
		attr_t base = i == iv->sel ? theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL);
		draw_fill(y, 0, a->w, theme_attr(TH_NORMAL));
		if (i >= iv->n) {
			if (i == 0)
				draw_str(y, 2, a->w - 2, iv->asked ? "listing images..." : "no images", base);
			continue;
		}
		draw_fill(y, 0, a->w, base);
		char cells[NCOLS][64];
		line_cells(&iv->lines[i], now, cells);
		for (size_t c = 0; c < NCOLS; c++) {
			char *s = sanitize_str(cells[c]);
			draw_str_cut(y, x[c], w[c], s, base, c == NCOLS - 1);
			free(s);
		}
	}
}

/* n: the run form, on the selected line's endpoint, its image filled in. */
static void
run_selected(struct view *v)
{
	struct imgview *iv = v->priv;
	if (!iv->n) {
		dash_message(v->d, true, "no image is selected");
		return;
	}
	const struct image_line *l = &iv->lines[iv->sel];
	char *ref = strcmp(l->im.repository, "<none>") == 0 ? xstrdup(l->im.id)
		: xasprintf("%s:%s", l->im.repository, l->im.tag);
	struct runform_arg arg = { .ep = l->e, .image = ref };
	view_open(v->d, "runform", &arg);
	free(ref);
}

static void
images_move(struct imgview *iv, long delta)
{
	long i = (long)iv->sel + delta;
	iv->sel = i < 0 || !iv->n ? 0 : (size_t)i >= iv->n ? iv->n - 1 : (size_t)i;
}

static int
images_key(struct view *v, enum action a, int key)
{
	struct imgview *iv = v->priv;
	long page = iv->height > 1 ? iv->height - 1 : 1;
	switch (a) {
	case ACT_NONE: case ACT_HELP: case ACT_FILTER: return VIEW_IGNORED;
	case ACT_UP: images_move(iv, -1); break;
	case ACT_DOWN: images_move(iv, 1); break;
	case ACT_PAGE_UP: images_move(iv, -page); break;
	case ACT_PAGE_DOWN: images_move(iv, page); break;
	case ACT_TOP: images_move(iv, -(long)iv->n); break;
	case ACT_BOTTOM: images_move(iv, (long)iv->n); break;
	case ACT_DELETE: ask_remove(v); break;
	case ACT_PULL: ask_pull(v); break;
	case ACT_NEXT: run_selected(v); break;
	case ACT_REFRESH: images_list(v); break;
	case ACT_IMAGES: case ACT_BACK: case ACT_QUIT:
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	default: break;	/* the table's keys wait until it closes */
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
images_title(struct view *v, char *buf, size_t len)
{
	struct imgview *iv = v->priv;
	struct pull_job *j = iv->pull;
	if (j) {
		char *ref = sanitize_str(j->ref);
		pthread_mutex_lock(&j->lock);
		snprintf(buf, len, "images · %s %s: %s", j->remove ? "removing" : "pulling", ref,
			 j->status);
		pthread_mutex_unlock(&j->lock);
		free(ref);
		return;
	}
	char *ref = iv->n ? line_ref(&iv->lines[iv->sel]) : NULL;
	snprintf(buf, len, "images · %zu%s%s%s%s%s · d remove · P pull · Esc back", iv->n,
		 iv->asked ? " · listing..." : "", ref ? " · " : "", ref ? ref : "",
		 ref && v->d->neps > 1 ? " on " : "", ref && v->d->neps > 1 ? iv->lines[iv->sel].e->name : "");
	free(ref);
}

static bool
images_open(struct view *v, const void *arg)
{
	v->priv = xcalloc(1, sizeof(struct imgview));
	images_list(v);
	return true;
}

/* Jobs still out free the view's state when they come back. */
static void
images_close(struct view *v)
{
	struct imgview *iv = v->priv;
	iv->closed = true;
	if (iv->pull)
		pool_cancel(&iv->pull->job);
	if (!iv->asked && !iv->pull)
		iv_free(iv);
}

const struct view_ops images_view = {
	.name = "images", .place = VIEW_SCREEN, .open = images_open, .draw = images_draw,
	.key = images_key, .title = images_title, .close = images_close,
};
