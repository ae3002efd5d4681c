/* dash-base.c: the bottom of the dashboard's shared state (dash.h): the
 * clock, the request for a frame, the message line, the scrollback size and
 * whether graphs are drawn in ASCII. Every file of the dashboard may call
 * these, the table and the notices included; they call nothing of the
 * dashboard's but sanitize.c, so no circle can pass through them. */
#include "config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "sanitize.h"
#include "util.h"

double
dash_now(void)
{
	return now_monotonic();
}

size_t
dash_scrollback(const struct dash *d)
{
	return d->cfg && d->cfg->scrollback > 0 ? (size_t)d->cfg->scrollback : 10000;
}

void
dash_changed(struct dash *d)
{
	d->dirty = true;
}

void
dash_message(struct dash *d, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *raw = xvasprintf(fmt, ap);
	va_end(ap);
	char *s = sanitize_str(raw);	/* messages quote engine text and names */
	snprintf(d->msg, sizeof d->msg, "%s", s);
	free(s);
	free(raw);
	d->msg_error = error;
	d->msg_at = dash_now();
	d->msg_notice = false;
	dash_changed(d);
}

/* Block characters need a UTF-8 terminal, and say nothing in the mono theme. */
bool
dash_graphs_ascii(const struct dash *d)
{
	const char *no_color = getenv("NO_COLOR");
	return strcmp(nl_langinfo(CODESET), "UTF-8") != 0 || (no_color && *no_color) ||
	       (d->cfg && d->cfg->theme && strcmp(d->cfg->theme, "mono") == 0);
}
