/* dash-copy.c: copy files between the host and the selected container: a
 * menu for the direction, prompts for the paths, then one job on the pool
 * whose progress the message line shows (copy_progress_text). */
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

struct copy_job {
	struct ctr_job c;
	char *src, *dst;
	bool up;
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
	if (j->up)
		j->c.rc = berth_copy_to(j->c.ep, j->src, j->c.id, j->dst, copy_progress, j, pj->cancel, &j->c.err);
	else
		j->c.rc = berth_copy_from(j->c.ep, j->c.id, j->src, j->dst, copy_progress, j, pj->cancel,
					&j->c.err);
}

static void
copy_done(struct pool_job *pj)
{
	struct copy_job *j = (struct copy_job *)pj;
	struct dash *d = j->c.d;
	d->copy = NULL;
	if (!d->quit) {
		if (j->c.rc == 0)
			dash_message(d, false, j->up ? "copied %s to %s:%s" : "copied %s:%s to %s",
				     j->up ? j->src : j->c.name, j->up ? j->c.name : j->src, j->dst);
		else
			dash_message(d, true, "%s", j->c.err.message);
	}
	free(j->src);
	free(j->dst);
	ctr_job_free(&j->c);
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
	snprintf(buf, len, "copying %s %s: %s%s%s%s", j->up ? "to" : "from", j->c.name, done,
		 t ? " of " : "", t ? total : "", ep_wait_note(j->c.watch.e, note, sizeof note));
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

static void
copy_dest_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (answer_missing(d, text, "destination", t))
		return;
	struct copy_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], t->choice == 0 ? "copy into" : "copy from", copy_run,
		     copy_done, POOL_STREAM);
	j->up = t->choice == 0;
	j->src = xstrdup(t->arg);
	j->dst = xstrdup(text);
	targets_free(t);
	if (!ctr_job_submit(&j->c)) {
		free(j->src);
		free(j->dst);
		ctr_job_free(&j->c);
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
	char *q = t->choice == 0 ? xasprintf("to path in %s:", t->v[0].name)
		: xstrdup("to host path:");
	char *initial = t->choice == 0 ? xstrdup("/tmp/") : xasprintf("./%s", base);
	dialog_prompt(d, q, initial, copy_dest_given, t, targets_free);
	free(q);
	free(initial);
}

static const char *const copy_directions[] = { "Upload: host -> container",
					       "Download: container -> host" };

static void
copy_direction_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (choice == 0 && targets_refused(d, t, "copying files into a container"))
		return;
	t->choice = choice;
	char *q = choice == 0 ? xstrdup("upload host path:")
		: xasprintf("download path in %s:", t->v[0].name);
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
	dialog_menu(d, "Copy files", copy_directions, 2, 0, copy_direction_chosen, t, targets_free);
}

