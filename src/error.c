/* error.c: one-sentence errors and cancellation flags. */
#include "config.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "berth.h"
#include "util.h"

int
berth_fail(struct berth_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	err->code = code;
	return -1;
}

const char *
berth_errcode_name(int code)
{
	static const char *const names[] = {
		[BERTH_OK] = "ok", [BERTH_EUSAGE] = "usage", [BERTH_ENOTFOUND] = "not found",
		[BERTH_ECONNECT] = "cannot connect", [BERTH_ETIMEOUT] = "timed out",
		[BERTH_ECANCELLED] = "cancelled", [BERTH_EENGINE] = "engine error",
		[BERTH_ECONFLICT] = "conflict", [BERTH_EUNSUPPORTED] = "unsupported",
		[BERTH_EPROTOCOL] = "protocol error", [BERTH_EIO] = "i/o error",
		[BERTH_EUNSAFE] = "unsafe", [BERTH_EAUTH] = "authentication failed",
		[BERTH_EFAILED] = "failed",
	};
	if (code < 0 || (size_t)code >= sizeof names / sizeof names[0] || !names[code])
		return "error";
	return names[code];
}

struct berth_cancel {
	atomic_bool set;
};

berth_cancel *
berth_cancel_new(void)
{
	berth_cancel *c = xcalloc(1, sizeof *c);
	atomic_init(&c->set, false);
	return c;
}

void
berth_cancel_free(berth_cancel *c)
{
	free(c);
}

void
berth_cancel_trigger(berth_cancel *c)
{
	if (c)
		atomic_store(&c->set, true);
}

bool
berth_cancel_is_set(const berth_cancel *c)
{
	return c && atomic_load(&((berth_cancel *)c)->set);
}
