/* dash-copy.c: copy files between the host and the selected container, or
 * from it into another container of any endpoint (berth cp CTR1:PATH
 * CTR2:DIR): a menu for the direction, prompts for the paths, then one job on
 * the pool whose progress the message line shows (copy_progress_text). */
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"
#include "dialog.h"
#include "util.h"

enum copy_way { COPY_UP, COPY_DOWN, COPY_BETWEEN };

struct copy_job {
	struct ctr_job c;
	char *src, *dst;
	enum copy_way way;
	struct target to;	/* COPY_BETWEEN: the destination container */
	atomic_ullong done_bytes, total_bytes;
};

static void
copy_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct copy_job *j = ctx;
	atomic_store(&j->done_bytes, done);
	atomic_store(&j->total_bytes, total);
}

static void
copy_run(struct pool_job *pj)
{
	struct copy_job *j = (struct copy_job *)pj;
	if (j->way == COPY_UP)
		j->c.rc = berth_copy_to(j->c.ep, j->src, j->c.id, j->dst, copy_progress, j, pj->cancel, &j->c.err);
	else if (j->way == COPY_DOWN)
		j->c.rc = berth_copy_from(j->c.ep, j->c.id, j->src, j->dst, copy_progress, j, pj->cancel,
					&j->c.err);
	else
		j->c.rc = berth_copy_between(j->c.ep, j->c.name, j->src, j->to.e->ep, j->to.name,
					     j->dst, strcmp(j->c.id, j->to.id) == 0 && j->c.ep == j->to.e->ep,
					     pj->cancel, &j->c.err);
}

static void
copy_job_free(struct copy_job *j)
{
	free(j->src);
	free(j->dst);
	free(j->to.id);
	free(j->to.name);
	ctr_job_free(&j->c);
}

static void
copy_done(struct pool_job *pj)
{
	struct copy_job *j = (struct copy_job *)pj;
	struct dash *d = j->c.d;
	d->copy = NULL;
	if (!d->quit) {
		if (j->c.rc != 0)
			dash_message(d, true, "%s", j->c.err.message);
		else if (j->way == COPY_UP)
			dash_message(d, false, "copied %s to %s:%s", j->src, j->c.name, j->dst);
		else if (j->way == COPY_DOWN)
			dash_message(d, false, "copied %s:%s to %s", j->c.name, j->src, j->dst);
		else
			dash_message(d, false, "copied %s:%s to %s:%s", j->c.name, j->src, j->to.name,
				     j->dst);
	}
	copy_job_free(j);
}

static void
fmt_size(uint64_t b, char *buf, size_t len)
{
	if (b >= (1u << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (1 << 20));
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)b / 1024);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)b);
}

bool
copy_progress_text(struct dash *d, char *buf, size_t len)
{
	struct copy_job *j = d->copy;
	if (!j)
		return false;
	char done[32], total[32];
	uint64_t t = atomic_load(&j->total_bytes);
	fmt_size(atomic_load(&j->done_bytes), done, sizeof done);
	fmt_size(t, total, sizeof total);
	char note[120];
	if (j->way == COPY_BETWEEN)
		snprintf(buf, len, "copying %s:%s to %s:%s%s", j->c.name, j->src, j->to.name, j->dst,
			 ep_wait_note(j->c.watch.e, note, sizeof note));
	else
		snprintf(buf, len, "copying %s %s: %s%s%s%s", j->way == COPY_UP ? "to" : "from",
			 j->c.name, done, t ? " of " : "", t ? total : "",
			 ep_wait_note(j->c.watch.e, note, sizeof note));
	return true;
}

/* An empty answer ends the dialogs: say what was missing. */
static bool
answer_missing(struct dash *d, const char *text, const char *what, struct targets *t)
{
	if (*text)
		return false;
	dash_message(d, true, "no %s given", what);
	targets_free(t);
	return true;
}

/* The container named name (or whose id starts so, 4 characters at least)
 * on the dashboard's endpoints, in *to; false with the sentence in err when
 * none has it or several do (naming them). */
static bool
find_container(struct dash *d, const char *name, struct target *to, char *err, size_t errlen)
{
	struct buf where = { 0 };
	size_t found = 0;
	for (size_t e = 0; e < d->neps; e++)
		for (size_t k = 0; k < d->eps[e].nctrs; k++) {
			const struct berth_container *c = d->eps[e].ctrs[k];
			if (!(c->name && strcmp(c->name, name) == 0) &&
			    !(strlen(name) >= 4 && str_starts_with(c->id, name)))
				continue;
			buf_printf(&where, "%s%s", found++ ? ", " : "", d->eps[e].name);
			if (found == 1)
				*to = (struct target){ .e = &d->eps[e], .id = xstrdup(c->id),
						       .name = xstrdup(c->name ? c->name : c->id) };
		}
	if (found == 0)
		snprintf(err, errlen, "no such container: %s", name);
	else if (found > 1)
		snprintf(err, errlen, "container %s is on several endpoints (%s): name it by its id",
			 name, where.data);
	if (found > 1) {
		free(to->id);
		free(to->name);
		*to = (struct target){ 0 };
	}
	buf_free(&where);
	return found == 1;
}

/* CONTAINER:DIR for a copy between containers, in *to and *dir; false with
 * the sentence said when it is no such thing. */
static bool
destination_container(struct dash *d, const char *text, struct target *to, char **dir)
{
	const char *colon = strchr(text, ':');
	char err[sizeof ((struct berth_error *)0)->message + 100];
	if (!colon || colon == text || !colon[1]) {
		dash_message(d, true, "give the destination as CONTAINER:DIR");
		return false;
	}
	char *name = xstrndup(text, (size_t)(colon - text));
	bool ok = find_container(d, name, to, err, sizeof err);
	free(name);
	struct berth_error refusal = { 0 };
	if (ok && berth_refuse_if_read_only(to->e->ep, "copying files into a container", &refusal) < 0) {
		snprintf(err, sizeof err, "%s", refusal.message);
		free(to->id);
		free(to->name);
		*to = (struct target){ 0 };
		ok = false;
	}
	if (!ok)
		dash_message(d, true, "%s", err);
	*dir = ok ? xstrdup(colon + 1) : NULL;
	return ok;
}

static void
copy_dest_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (answer_missing(d, text, "destination", t))
		return;
	struct copy_job *j = xcalloc(1, sizeof *j);
	j->way = (enum copy_way)t->choice;
	if (j->way != COPY_BETWEEN) {
		j->dst = xstrdup(text);
	} else if (!destination_container(d, text, &j->to, &j->dst)) {
		free(j);
		targets_free(t);
		return;
	}
	static const char *const verbs[] = { "copy into", "copy from", "copy from" };
	ctr_job_init(&j->c, d, &t->v[0], verbs[j->way], copy_run, copy_done, POOL_STREAM);
	j->src = xstrdup(t->arg);
	targets_free(t);
	if (!ctr_job_submit(&j->c)) {
		copy_job_free(j);
		return;
	}
	d->copy = j;
	dash_changed(d);
}

static void
copy_source_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (answer_missing(d, text, "source", t))
		return;
	t->arg = xstrdup(text);
	const char *base = strrchr(text, '/');
	base = base && base[1] ? base + 1 : text;
	char *q = t->choice == COPY_UP	 ? xasprintf("to path in %s:", t->v[0].name)
		: t->choice == COPY_DOWN ? xstrdup("to host path:")
					 : xstrdup("to CONTAINER:DIR (any endpoint):");
	char *initial = t->choice == COPY_UP	? xstrdup("/tmp/")
			: t->choice == COPY_DOWN ? xasprintf("./%s", base)
						 : xstrdup("");
	dialog_prompt(d, q, initial, copy_dest_given, t, targets_free);
	free(q);
	free(initial);
}

static const char *const copy_directions[] = { "Upload: host -> container",
					       "Download: container -> host",
					       "Between: container -> another container" };

static void
copy_direction_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (choice == COPY_UP && targets_refused(d, t, "copying files into a container"))
		return;
	t->choice = choice;
	char *q = choice == COPY_UP ? xstrdup("upload host path:")
		: xasprintf("%s path in %s:", choice == COPY_DOWN ? "download" : "copy",
			    t->v[0].name);
	dialog_prompt(d, q, "", copy_source_given, t, targets_free);
	free(q);
}

void
copy_ask(struct dash *d, struct targets *t)
{
	if (d->copy) {
		dash_message(d, true, "a copy is already running");
		targets_free(t);
		return;
	}
	dialog_menu(d, "Copy files", copy_directions, 3, 0, copy_direction_chosen, t, targets_free);
}

