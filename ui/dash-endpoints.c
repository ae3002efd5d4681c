/* dash-endpoints.c: the endpoints' states in words and colours (the feed's
 * feed_ep_state, worded here for the status line, a group header of the table
 * and the endpoints view), and the status line: each endpoint's state while
 * they fit, else one summary ("50 endpoints: 47 up, 2 stalled, 1 down
 * (edge-17: connection refused)") naming the worst few. Everything is read
 * from the feed on the UI thread; nothing here waits on an engine or changes
 * what it reads. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"

const char *const ep_class_word[FEED_NCLASS] = {
	[FEED_DOWN] = "down", [FEED_STALLED] = "stalled", [FEED_SLOW] = "slow",
	[FEED_CONNECTING] = "connecting", [FEED_UP] = "up",
};

const enum theme_elem ep_class_theme[FEED_NCLASS] = {
	[FEED_DOWN] = TH_BAD, [FEED_STALLED] = TH_BAD, [FEED_SLOW] = TH_WARN,
	[FEED_CONNECTING] = TH_WARN, [FEED_UP] = TH_GOOD,
};

#define LABEL_MAX 28	/* a longer name shows its last LABEL_KEEP columns */
#define LABEL_KEEP 24

char *
ep_short_name(const char *name)
{
	char *s = sanitize_str(name);
	if (text_width(s) <= LABEL_MAX)
		return s;
	char *out = xasprintf("…%s", s + text_tail(s, LABEL_KEEP));
	free(s);
	return out;
}

double
ep_seconds_until(double when, double now)
{
	return when > now ? when - now + 0.5 : 0;
}

/* What is wrong, for a line shared with others: the engine's own last words
 * without hints ("connection refused"), or "not answering for 5 s". */
static void
trouble_gist(const struct feed_ep_state *st, double now, char *buf, size_t len)
{
	if (st->cls != FEED_DOWN) {
		snprintf(buf, len, "not answering for %.0f s", now - st->since);
		return;
	}
	if (st->nofiles) {
		snprintf(buf, len, "%s", BERTH_NOFILES_SENTENCE);
		return;
	}
	const char *src = st->reason;
	const char *p = strrchr(src, ':');
	if (p && p[1] == ' ' && p[2])
		src = p + 2;
	size_t n = strcspn(src, "(;");
	while (n > 0 && src[n - 1] == ' ')
		n--;
	snprintf(buf, len, "%.*s", (int)n, src);
}

/* "; retrying in 3 s", "; reconnecting", or nothing. */
static const char *
retry_text(const struct feed_ep_state *st, double now, char *buf, size_t len)
{
	if (st->retrying)
		return "; reconnecting";
	if (!st->next_retry)
		return "";
	snprintf(buf, len, "; retrying in %.0f s", ep_seconds_until(st->next_retry, now));
	return buf;
}

void
ep_state_sentence(const struct feed_ep_state *st, double now, char *buf, size_t len)
{
	char retry[64];
	switch (st->cls) {
	case FEED_DOWN:
		snprintf(buf, len, "unreachable: %s%s", st->reason, retry_text(st, now, retry,
									      sizeof retry));
		break;
	case FEED_STALLED:
		snprintf(buf, len, "not answering for %.0f s%s", now - st->since,
			 retry_text(st, now, retry, sizeof retry));
		break;
	case FEED_SLOW:
		snprintf(buf, len, "slow (%.0f s)", now - st->since);
		break;
	case FEED_CONNECTING:
		snprintf(buf, len, "connecting");
		break;
	default:
		snprintf(buf, len, "connected%s", st->polling ? " (polling)" : "");
		break;
	}
}

const char *
endpoint_state_short(struct dash_ep *e, double now, char *buf, size_t len, enum theme_elem *th)
{
	struct feed_ep_state st = feed_ep_state(e, now);
	*th = ep_class_theme[st.cls];
	if (st.cls != FEED_DOWN && st.cls != FEED_STALLED) {
		ep_state_sentence(&st, now, buf, len);
		return buf;
	}
	char gist[300], retry[64];
	trouble_gist(&st, now, gist, sizeof gist);
	snprintf(buf, len, "%s: %s%s", ep_class_word[st.cls], gist, retry_text(&st, now, retry,
									   sizeof retry));
	return buf;
}

struct ep_line *
ep_lines(struct dash_ep *eps, size_t neps, double now)
{
	struct ep_line *v = xcalloc(neps ? neps : 1, sizeof *v);
	for (size_t i = 0; i < neps; i++) {
		v[i].e = &eps[i];
		v[i].st = feed_ep_state(v[i].e, now);
		ep_state_sentence(&v[i].st, now, v[i].state, sizeof v[i].state);
	}
	return v;
}

/* ---------------------------------------------------------------- status line */

/* True when "name: state" of every endpoint fits in cols (the states as
 * their first word, as a line cut at its end would still show them). */
static bool
each_fits(struct dash *d, const struct ep_line *v, int cols)
{
	int w = 0;
	for (size_t i = 0; i < d->neps && w <= cols; i++) {
		char *name = ep_short_name(v[i].e->name);
		char word[sizeof v[i].state];
		snprintf(word, sizeof word, "%.*s", (int)strcspn(v[i].state, " ;("), v[i].state);
		w += (i ? 2 : 0) + text_width(name) + 2 + text_width(word);
		free(name);
	}
	return w <= cols;
}

static void
draw_each(struct dash *d, const struct ep_line *v, int y)
{
	int x = 0;
	for (size_t i = 0; i < d->neps && x < COLS; i++) {
		char *name = ep_short_name(v[i].e->name);
		char *label = xasprintf("%s%s: ", i ? "  " : "", name);
		x += draw_str(y, x, COLS - x, label, theme_attr(TH_NORMAL) | A_BOLD);
		char *st = sanitize_str(v[i].state);
		x += draw_str(y, x, COLS - x, st, theme_attr(ep_class_theme[v[i].st.cls]));
		free(st);
		free(label);
		free(name);
	}
}

/* "50 endpoints: 47 up, 2 stalled, 1 down (s07.sock: not answering for 5 s;
 * …)": the counts, then the down and stalled ones named, worst first; those
 * berth could not reach for want of descriptors are counted in one sentence
 * before them ("too many open files: raise ulimit -n: 497 not reached"). */
static void
draw_summary(struct dash *d, const struct ep_line *v, int y, double now)
{
	size_t count[FEED_NCLASS] = { 0 };
	for (size_t i = 0; i < d->neps; i++)
		count[v[i].st.cls]++;
	char head[64];
	snprintf(head, sizeof head, "%zu endpoints: ", d->neps);
	int x = draw_str(y, 0, COLS, head, theme_attr(TH_NORMAL) | A_BOLD);
	bool first = true;
	for (int c = FEED_UP; c >= 0; c--) {
		if (!count[c])
			continue;
		char part[64];
		snprintf(part, sizeof part, "%s%zu %s", first ? "" : ", ", count[c], ep_class_word[c]);
		x += draw_str(y, x, COLS - x, part, theme_attr(ep_class_theme[c]));
		first = false;
	}
	struct buf worst = { 0 };
	size_t nofiles = 0;
	for (size_t i = 0; i < d->neps; i++)
		nofiles += v[i].st.nofiles;
	if (nofiles)
		buf_printf(&worst, " (%s: %zu not reached", BERTH_NOFILES_SENTENCE, nofiles);
	for (int c = FEED_DOWN; c <= FEED_STALLED; c++)
		for (size_t i = 0; i < d->neps && worst.len < 600; i++) {
			if (v[i].st.cls != (enum feed_class)c || v[i].st.nofiles)
				continue;
			char gist[300];
			trouble_gist(&v[i].st, now, gist, sizeof gist);
			char *name = ep_short_name(v[i].e->name);
			buf_printf(&worst, "%s%s: %s", worst.len ? "; " : " (", name, gist);
			free(name);
		}
	if (worst.len) {
		buf_printf(&worst, ")");
		char *s = sanitize_str(worst.data);
		draw_str_cut(y, x, COLS - x, s, theme_attr(TH_BAD), false);
		free(s);
	}
	buf_free(&worst);
}

void
endpoints_status_draw(struct dash *d, int y, double now)
{
	struct ep_line *v = ep_lines(d->eps, d->neps, now);
	draw_fill(y, 0, COLS, theme_attr(TH_NORMAL));
	if (each_fits(d, v, COLS))
		draw_each(d, v, y);
	else
		draw_summary(d, v, y, now);
	free(v);
}

void
endpoints_read_only_text(struct dash *d, char *buf, size_t len)
{
	struct buf names = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < d->neps; i++) {
		if (!berth_endpoint_read_only(d->eps[i].ep))
			continue;
		buf_printf(&names, "%s%s", n++ ? ", " : "", d->eps[i].name);
	}
	snprintf(buf, len, "%s%s%s", n ? " · read-only" : "", n && n < d->neps ? ": " : "",
		 n && n < d->neps ? names.data : "");
	buf_free(&names);
}
