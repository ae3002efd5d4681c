/* test_signals.c: signal names and numbers. */
#include "config.h"

#include <signal.h>

#include "berth.h"
#include "tap.h"

int
main(void)
{
	is_int(berth_signal_parse("TERM"), SIGTERM, "TERM");
	is_int(berth_signal_parse("SIGTERM"), SIGTERM, "SIGTERM");
	is_int(berth_signal_parse("term"), SIGTERM, "term");
	is_int(berth_signal_parse("sigkill"), SIGKILL, "sigkill");
	is_int(berth_signal_parse("15"), 15, "15");
	is_int(berth_signal_parse("9"), SIGKILL, "9");
	is_int(berth_signal_parse("HUP"), SIGHUP, "HUP");
	is_int(berth_signal_parse("USR1"), SIGUSR1, "USR1");
	is_int(berth_signal_parse("SIGUSR2"), SIGUSR2, "SIGUSR2");
	is_int(berth_signal_parse("WINCH"), SIGWINCH, "WINCH");
	is_int(berth_signal_parse("STOP"), SIGSTOP, "STOP");
	is_int(berth_signal_parse("CONT"), SIGCONT, "CONT");
	is_int(berth_signal_parse("IOT"), SIGABRT, "IOT is ABRT");
	is_int(berth_signal_parse("CLD"), SIGCHLD, "CLD is CHLD");
	is_int(berth_signal_parse("SYS"), SIGSYS, "SYS");
	is_int(berth_signal_parse("RTMIN"), SIGRTMIN, "RTMIN");
	is_int(berth_signal_parse("SIGRTMIN+2"), SIGRTMIN + 2, "SIGRTMIN+2");
	is_int(berth_signal_parse("RTMAX-1"), SIGRTMAX - 1, "RTMAX-1");
	is_int(berth_signal_parse("RTMIN-1"), -1, "RTMIN-1 is out of range");
	is_int(berth_signal_parse("BOGUS"), -1, "unknown name");
	is_int(berth_signal_parse("SIG"), -1, "SIG alone");
	is_int(berth_signal_parse(""), -1, "empty");
	is_int(berth_signal_parse(NULL), -1, "NULL");
	is_int(berth_signal_parse("0"), -1, "0 is no signal");
	is_int(berth_signal_parse("15x"), -1, "trailing junk");
	is_int(berth_signal_parse("999"), -1, "too large");
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
