/* view-events.c: the events view (key v): the last events of every endpoint
 * as the feed keeps them (FEED_EVENTS_MAX, from the event streams it already
 * follows), newest first: time, endpoint, container, action, and the exit
 * code or the signal. / filters it as you type, as the table's filter does:
 * an ep:NAME word keeps the endpoints whose name contains NAME, every other
 * word must be in the container's name or id, the action, the endpoint or the
 * exit code. New events show as they come, the reader's place kept. An
 * endpoint without events (Zun) is said once, at the top. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dash.h"
#include "dialog.h"
#include "util.h"
#include "view-pane.h"

#define EVENTS_TICK_S 0.5	/* how often new events are looked for */

struct evview {
	struct pane *pane;
	char filter[256];
	uint64_t shown_seq;	/* the feed's events_seq last shown */
};

/* One event's line, without its newline. */
static void
event_line(struct buf *b, const struct feed_event *ev)
{
	char when[32] = "";
	struct tm tm;
	if (ev->time && localtime_r(&ev->time, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	buf_printf(b, "%-19s  %s  %s  %s", when, ev->endpoint, ev->name ? ev->name : ev->id,
		   ev->action);
	if (ev->exit_code >= 0)
		buf_printf(b, "  exit %d", ev->exit_code);
	if (ev->signal)
		buf_printf(b, "  signal %s", ev->signal);
}

/* Whether the line of ev (its text in line) passes every word of filter. */
static bool
event_matches(const struct feed_event *ev, const char *line, const char *filter)
{
	char *copy = xstrdup(filter), *save = NULL;
	bool ok = true;
	for (char *w = strtok_r(copy, " ", &save); w && ok; w = strtok_r(NULL, " ", &save)) {
		if (strncasecmp(w, "ep:", 3) == 0)
			ok = strcasestr(ev->endpoint, w + 3) != NULL;
		else
			ok = strcasestr(line, w) || strcasestr(ev->id, w);
	}
	free(copy);
	return ok;
}

/* The view's text: the endpoints without events, then the events that pass
 * the filter, newest first. */
static void
events_text(struct dash *d, const struct evview *ev, struct buf *b)
{
	buf_append(b, "", 0);
	for (size_t i = 0; i < d->neps; i++)
		if (d->eps[i].no_events || d->eps[i].kind == BERTH_KIND_ZUN)
			buf_printf(b, "%s: this engine has no events (its rows come from lists)\n",
				   d->eps[i].name);
	size_t shown = 0;
	struct buf line = { 0 };
	for (size_t i = 0; i < d->feed.events_count; i++) {
		const struct feed_event *e = feed_event_newest(&d->feed, i);
		line.len = 0;
		event_line(&line, e);
		if (event_matches(e, line.data, ev->filter)) {
			buf_printf(b, "%s\n", line.data);
			shown++;
		}
	}
	buf_free(&line);
	if (!shown)
		buf_printf(b, "%s\n", d->feed.events_count ? "no event matches the filter"
							    : "no events yet");
}

static void
events_refresh(struct view *v)
{
	struct evview *ev = ((struct pane *)v->priv)->owner;
	struct buf b = { 0 };
	events_text(v->d, ev, &b);
	pane_replace_text(ev->pane, b.data);
	buf_free(&b);
	ev->shown_seq = v->d->feed.events_seq;
	if (*ev->filter)
		snprintf(ev->pane->title, sizeof ev->pane->title, "events · filter \"%.150s\"", ev->filter);
	else
		snprintf(ev->pane->title, sizeof ev->pane->title, "events");
}

static bool
events_open(struct view *v, const void *arg)
{
	(void)arg;
	struct evview *ev = xcalloc(1, sizeof *ev);
	ev->pane = pane_new(v, "events");
	ev->pane->owner = ev;
	events_refresh(v);
	logpane_home(&ev->pane->lp);
	return true;
}

static double
events_deadline(struct view *v, double now)
{
	(void)v;
	return now + EVENTS_TICK_S;
}

static int
events_tick(struct view *v, double now)
{
	(void)now;
	struct evview *ev = ((struct pane *)v->priv)->owner;
	if (ev->shown_seq == v->d->feed.events_seq)
		return 0;
	events_refresh(v);
	return VIEW_REDRAW;
}

/* The filter prompt's text, as it is typed (NULL: cancelled, left as it was). */
static void
events_filter_changed(struct dash *d, const char *text)
{
	struct view *v = view_find(d, "events");
	if (!v || !text)
		return;
	struct evview *ev = ((struct pane *)v->priv)->owner;
	snprintf(ev->filter, sizeof ev->filter, "%s", text);
	events_refresh(v);
	logpane_home(&ev->pane->lp);
	dash_changed(d);
}

static void
events_filter_submitted(struct dash *d, const char *text, int choice, void *ctx)
{
	(void)choice, (void)ctx;
	events_filter_changed(d, text);
}

static int
events_key(struct view *v, enum action a, int key)
{
	struct evview *ev = ((struct pane *)v->priv)->owner;
	switch (a) {
	case ACT_FILTER:
		dialog_prompt_live(v->d, "events filter:", ev->filter, events_filter_changed,
				   events_filter_submitted);
		return VIEW_HANDLED | VIEW_REDRAW;
	case ACT_BACK:
		if (!*ev->filter)
			return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
		ev->filter[0] = '\0';	/* Esc clears the filter first, as in the table */
		events_refresh(v);
		return VIEW_HANDLED | VIEW_REDRAW;
	case ACT_EVENTS:
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	default:
		return pane_view_key(v, a, key);
	}
}

static void
events_close(struct view *v)
{
	free(((struct pane *)v->priv)->owner);
	pane_view_close(v);
}

/* The text pane's hooks (PANE_VIEW_HOOKS) but its own key hook. */
const struct view_ops events_view = {
	.name = "events", .place = VIEW_SCREEN, .overlay = true, .draw = pane_view_draw,
	.key = events_key, .mouse = pane_view_mouse, .title = pane_view_title,
	.open = events_open, .deadline = events_deadline, .tick = events_tick,
	.close = events_close,
};
