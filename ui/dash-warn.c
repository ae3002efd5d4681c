/* dash-warn.c: libberth's warnings while the dashboard owns the terminal.
 * A warning may come from any thread (a worker fetching a Keystone token, an
 * endpoint opening); written to stderr it would scribble over the screen. The
 * handler keeps each one (once) under a lock and wakes the UI thread through
 * the pool, which shows the newest in the message line; when the screen is
 * gone, every warning kept is printed on stderr, where the command line puts
 * them. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "util.h"

#define WARN_MAX 32

static struct {
	pthread_mutex_t lock;
	char *kept[WARN_MAX];	/* distinct warnings, oldest first */
	size_t nkept, shown;	/* shown: how many reached the message line */
	size_t dropped;		/* beyond WARN_MAX */
	struct dash *d;		/* set while the screen is up */
	struct pool_job note;	/* wakes the UI thread */
} w = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Any thread (libberth serializes the calls). */
static void
warn_handler(void *ctx, const char *sentence)
{
	(void)ctx;
	pthread_mutex_lock(&w.lock);
	bool known = false;
	for (size_t i = 0; i < w.nkept && !known; i++)
		known = strcmp(w.kept[i], sentence) == 0;
	if (!known && w.nkept < WARN_MAX)
		w.kept[w.nkept++] = xstrdup(sentence);
	else if (!known)
		w.dropped++;
	if (!known && w.d)
		pool_notify(w.d->pool, &w.note);
	pthread_mutex_unlock(&w.lock);
}

/* UI thread: the newest warning not shown yet goes to the message line. */
static void
warn_show(struct pool_job *pj)
{
	(void)pj;
	pthread_mutex_lock(&w.lock);
	if (w.d && w.shown < w.nkept) {
		size_t fresh = w.nkept - w.shown;
		dash_message(w.d, true, "warning: %s%s", w.kept[w.nkept - 1],
			     fresh > 1 ? " (and more; all are printed when berth quits)" : "");
		w.shown = w.nkept;
	}
	pthread_mutex_unlock(&w.lock);
}

void
dash_warn_begin(void)
{
	berth_set_warning_handler(warn_handler, NULL);
}

void
dash_warn_attach(struct dash *d)
{
	pthread_mutex_lock(&w.lock);
	w.d = d;
	w.note.done = warn_show;
	pthread_mutex_unlock(&w.lock);
	warn_show(NULL);
}

void
dash_warn_end(void)
{
	berth_set_warning_handler(NULL, NULL);
	pthread_mutex_lock(&w.lock);
	w.d = NULL;
	for (size_t i = 0; i < w.nkept; i++) {
		fprintf(stderr, "berth: warning: %s\n", w.kept[i]);
		free(w.kept[i]);
	}
	if (w.dropped)
		fprintf(stderr, "berth: %zu more warnings were not kept\n", w.dropped);
	w.nkept = w.shown = w.dropped = 0;
	pthread_mutex_unlock(&w.lock);
}
