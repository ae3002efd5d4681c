/* dash-base.c: the bottom of the dashboard's shared state (dash.h): the
 * clock, the request for a frame, the message line and the scrollback size.
 * Every file of the dashboard may call these, the table and the notices
 * included; they call nothing of the dashboard's but sanitize.c, so no
 * circle can pass through them. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
	dash_changed(d);
}
