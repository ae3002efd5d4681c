/* test_signals.c: signal names and numbers. */
#include "config.h"

#include <signal.h>

#include "berth.h"
#include "tap.h"

int
main(void)
{
	/* Each word, what berth_signal_parse makes of it, and the test's name (the word
	 * itself when NULL). SIGRTMIN is not a constant, so the table is not static. */
	const struct { const char *word; int want; const char *what; } parses[] = {
		{ "TERM", SIGTERM, NULL },
		{ "SIGTERM", SIGTERM, NULL },
		{ "term", SIGTERM, NULL },
		{ "sigkill", SIGKILL, NULL },
		{ "15", 15, NULL },
		{ "9", SIGKILL, NULL },
		{ "HUP", SIGHUP, NULL },
		{ "USR1", SIGUSR1, NULL },
		{ "SIGUSR2", SIGUSR2, NULL },
		{ "WINCH", SIGWINCH, NULL },
		{ "STOP", SIGSTOP, NULL },
		{ "CONT", SIGCONT, NULL },
		{ "IOT", SIGABRT, "IOT is ABRT" },
		{ "CLD", SIGCHLD, "CLD is CHLD" },
		{ "SYS", SIGSYS, NULL },
		{ "RTMIN", SIGRTMIN, NULL },
		{ "SIGRTMIN+2", SIGRTMIN + 2, NULL },
		{ "RTMAX-1", SIGRTMAX - 1, NULL },
		{ "RTMIN-1", -1, "RTMIN-1 is out of range" },
		{ "BOGUS", -1, "unknown name" },
		{ "SIG", -1, "SIG alone" },
		{ "", -1, "empty" },
		{ NULL, -1, "NULL" },
		{ "0", -1, "0 is no signal" },
		{ "15x", -1, "trailing junk" },
		{ "999", -1, "too large" },
	};
	for (size_t i = 0; i < sizeof parses / sizeof parses[0]; i++)
		is_int(berth_signal_parse(parses[i].word), parses[i].want, "%s",
		       parses[i].what ? parses[i].what : parses[i].word);
	is_str(berth_signal_name(SIGTERM), "SIGTERM", "name of 15");
	is_str(berth_signal_name(SIGKILL), "SIGKILL", "name of 9");
	is_str(berth_signal_name(SIGABRT), "SIGABRT", "the canonical name, not the alias");
	is_str(berth_signal_name(SIGCHLD), "SIGCHLD", "SIGCHLD, not SIGCLD");
	ok(berth_signal_name(0) == NULL, "no name for 0");
	int roundtrip = 0;
	for (int s = 1; s < 32; s++)
		if (berth_signal_name(s) && berth_signal_parse(berth_signal_name(s)) == s)
			roundtrip++;
	is_int(roundtrip, 31, "every standard signal round-trips through its name");
	return tap_done();
}
