/* test_notice.c: the notices (dash-notice.c) without an engine or a
 * terminal: a running container that dies with a non-zero code is news in the
 * message line, unless the dashboard itself stopped, killed, restarted or
 * deleted it; nothing is said on an endpoint's first listing. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dash.h"
#include "tap.h"

static struct berth_container web = { .id = (char *)"c0ffee", .name = (char *)"web" };
static struct berth_container *ctrs[] = { &web };

/* The rows change to status/code and the table is rebuilt: what the message line says. */
static const char *
rebuild(struct dash *d, enum berth_status status, int code)
{
	web.status = status;
	web.exit_code = code;
	d->msg[0] = '\0';
	notice_rows(d);
	return d->msg;
}

int
main(void)
{
	struct dash_ep ep = { .name = (char *)"local", .ctrs = ctrs, .nctrs = 1, .listed = true };
	struct dash d = { .eps = &ep, .neps = 1 };

	is_str(rebuild(&d, BERTH_ST_EXITED, 1), "", "the first listing announces nothing, even an exit");
	rebuild(&d, BERTH_ST_RUNNING, 0);
	is_str(rebuild(&d, BERTH_ST_EXITED, 137), "web on local died (exit 137: killed, or out of memory)",
	       "a running container that dies with 137 is news");
	rebuild(&d, BERTH_ST_RUNNING, 0);
	notice_expect_end(&d, "local", "c0ffee");
	is_str(rebuild(&d, BERTH_ST_EXITED, 137), "", "one the dashboard killed is not");
	rebuild(&d, BERTH_ST_RUNNING, 0);
	is_str(rebuild(&d, BERTH_ST_EXITED, 2), "web on local died (exit 2)",
	       "its next death is news again: the expected end was used up");
	rebuild(&d, BERTH_ST_RUNNING, 0);
	notice_expect_end(&d, "local", "c0ffee");
	notice_free(&d);
	rebuild(&d, BERTH_ST_RUNNING, 0);
	rebuild(&d, BERTH_ST_RUNNING, 0);
	is_str(rebuild(&d, BERTH_ST_EXITED, 2), "web on local died (exit 2)",
	       "an expected end goes with the notices' state");
	notice_free(&d);

	/* What an action just said is not overwritten: the notice waits its turn. */
	rebuild(&d, BERTH_ST_RUNNING, 0);
	rebuild(&d, BERTH_ST_RUNNING, 0);
	dash_message(&d, false, "started db");
	web.status = BERTH_ST_EXITED;
	web.exit_code = 3;
	notice_rows(&d);
	is_str(d.msg, "started db", "a notice does not overwrite an action's fresh result");
	ok(notice_next_deadline(&d, dash_now()) <= d.msg_at + 3.0 + 1e-9, "... it is due when the hold ends");
	d.msg_at -= 10;
	notice_tick(&d, dash_now());
	is_str(d.msg, "web on local died (exit 3)", "... and shows once the result has been readable");
	ok(notice_next_deadline(&d, dash_now()) == HUGE_VAL, "... then nothing is waiting");
	notice_free(&d);
	return tap_done();
}
