/* stall.c: how long a call may go without a byte before it is given up
 * (BERTH_STALL_TIMEOUT, else the endpoint's stall_timeout, else 60 s). The
 * engines' files call it, and endpoint.c lists those engines, so it sits below
 * both in a file of its own. */
#include "config.h"

#include <stdlib.h>

#include "backend.h"
#include "util.h"

int
berth_stall_timeout(const berth_endpoint *ep, double *out, struct berth_error *err)
{
	const char *v = getenv("BERTH_STALL_TIMEOUT");
	const char *what = "BERTH_STALL_TIMEOUT";
	if (!v || !*v) {
		v = berth_config_endpoint_opt(ep->conf, "stall_timeout");
		what = "stall_timeout";
	}
	*out = 60;
	if (!v)
		return 0;
	char *end;
	*out = strtod(v, &end);
	if (end == v || *end || !(*out >= 0))	/* NaN too */
		return berth_fail(err, BERTH_EUSAGE, "%s must be a number of seconds, 0 for none (not %s)",
				  what, v);
	return 0;
}
