/* signals.c: Linux signal names and numbers, as `kill -l` and Docker spell them. */
#include "config.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "berth.h"

static const struct { const char *name; int signo; } signals[] = {
	{ "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGQUIT", SIGQUIT },
	{ "SIGILL", SIGILL }, { "SIGTRAP", SIGTRAP }, { "SIGABRT", SIGABRT },
	{ "SIGBUS", SIGBUS }, { "SIGFPE", SIGFPE }, { "SIGKILL", SIGKILL },
	{ "SIGUSR1", SIGUSR1 }, { "SIGSEGV", SIGSEGV }, { "SIGUSR2", SIGUSR2 },
	{ "SIGPIPE", SIGPIPE }, { "SIGALRM", SIGALRM }, { "SIGTERM", SIGTERM },
	{ "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD }, { "SIGCONT", SIGCONT },
	{ "SIGSTOP", SIGSTOP }, { "SIGTSTP", SIGTSTP }, { "SIGTTIN", SIGTTIN },
	{ "SIGTTOU", SIGTTOU }, { "SIGURG", SIGURG }, { "SIGXCPU", SIGXCPU },
	{ "SIGXFSZ", SIGXFSZ }, { "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },
	{ "SIGWINCH", SIGWINCH }, { "SIGIO", SIGIO }, { "SIGPWR", SIGPWR },
	{ "SIGSYS", SIGSYS },
	/* aliases, after the canonical names so berth_signal_name finds those */
	{ "SIGIOT", SIGIOT }, { "SIGPOLL", SIGPOLL }, { "SIGCLD", SIGCHLD },
};

#define NSIGNALS (sizeof signals / sizeof signals[0])

/* "RTMIN", "RTMIN+3", "RTMAX-2" (after any SIG prefix). */
static int
parse_realtime(const char *s)
{
	int base, sign = 0;
	const char *rest;
	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		sign = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		sign = -1;
	} else {
		return -1;
	}
	rest = s + 5;
	if (!*rest)
		return base;
	if ((*rest != '+' && *rest != '-') || !isdigit((unsigned char)rest[1]))
		return -1;
	char *end;
	long off = strtol(rest + 1, &end, 10);
	if (*end || (*rest == '+' ? sign < 0 : sign > 0))
		return -1;
	int signo = base + sign * (int)off;
	return signo >= SIGRTMIN && signo <= SIGRTMAX ? signo : -1;
}

int
berth_signal_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)*s)) {
		char *end;
		long n = strtol(s, &end, 10);
		return *end || n < 1 || n > SIGRTMAX ? -1 : (int)n;
	}
	const char *bare = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (size_t i = 0; i < NSIGNALS; i++)
		if (strcasecmp(bare, signals[i].name + 3) == 0)
			return signals[i].signo;
	return parse_realtime(bare);
}

const char *
berth_signal_name(int signo)
{
	for (size_t i = 0; i < NSIGNALS; i++)
		if (signals[i].signo == signo)
			return signals[i].name;
	return NULL;
}
