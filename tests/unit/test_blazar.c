/* test_blazar.c: the time-left wording of the lease views (berth_lease_left)
 * and libberth's warning hook (berth_set_warning_handler). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "berth.h"
#include "tap.h"
#include "util.h"

static const char *
left(long seconds)
{
	static char buf[32];
	time_t now = 1700000000;
	return berth_lease_left(now + seconds, now, buf, sizeof buf);
}

static void
test_left(void)
{
	char buf[32];
	is_str(berth_lease_left(0, 1700000000, buf, sizeof buf), "-", "no end date: -");
	is_str(left(0), "ended", "the end itself: ended");
	is_str(left(-3600), "ended", "an hour past: ended");
	is_str(left(1), "1m", "one second: 1m (rounded up)");
	is_str(left(60), "1m", "sixty seconds: 1m");
	is_str(left(61), "2m", "61 seconds: 2m");
	is_str(left(59 * 60 + 1), "1h 00m", "59 min 1 s: 1h 00m, never 60m");
	is_str(left(62 * 60), "1h 02m", "62 minutes: 1h 02m");
	is_str(left(2 * 3600 + 13 * 60), "2h 13m", "2 h 13 min: 2h 13m");
	is_str(left(2 * 3600 + 12 * 60 + 30), "2h 13m", "2 h 12 min 30 s: 2h 13m");
	is_str(left(86400 - 30), "1d 00h", "a day less 30 s: 1d 00h");
	is_str(left(3 * 86400 + 4 * 3600 + 5), "3d 04h", "3 d 4 h 5 s: 3d 04h");
	char small[4];
	berth_lease_left(1700000000 + 2 * 3600, 1700000000, small, sizeof small);
	is_str(small, "2h ", "a short buffer is cut, never overrun");
}

struct seen {
	int calls;
	char last[256];
};

static void
handler(void *ctx, const char *sentence)
{
	struct seen *s = ctx;
	s->calls++;
	snprintf(s->last, sizeof s->last, "%s", sentence);
}

static void
test_hook(void)
{
	struct seen s = { 0 };
	berth_set_warning_handler(handler, &s);
	berth_warn("TLS certificate verification is off for %s", "Keystone at https://k/v3");
	is_int(s.calls, 1, "the handler gets the warning");
	is_str(s.last, "TLS certificate verification is off for Keystone at https://k/v3",
	       "as one sentence, without the stderr prefix");
	berth_secret_add("hunter2-secret");
	berth_warn("cannot use hunter2-secret here");
	is_str(s.last, "cannot use *** here", "secrets are blanked out of warnings too");
	berth_set_warning_handler(NULL, NULL);
	berth_warn("this one goes to stderr");
	ok(s.calls == 2, "once removed, the handler is not called again");
}

int
main(void)
{
	test_left();
	test_hook();
	return tap_done();
}
