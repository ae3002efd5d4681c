/* test_threads.c: every thread berth starts has the signals blocked that berth
 * handles on the thread that installed the handlers (SIGINT, SIGTERM, SIGWINCH,
 * SIGCHLD): a thread of berth_thread_start, the ssh:// accept loop (started on
 * the caller's thread when the endpoint opens, which is the dashboard's UI
 * thread) and the pool's workers, read back from /proc/self/task. */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "berth.h"
#include "pool.h"
#include "tap.h"
#include "thread.h"

static const int handled[] = { SIGINT, SIGTERM, SIGWINCH, SIGCHLD };

static bool
blocks_handled(const sigset_t *set)
{
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
		if (!sigismember(set, handled[i]))
			return false;
	return true;
}

static void *
read_own_mask(void *p)
{
	pthread_sigmask(SIG_BLOCK, NULL, p);
	return NULL;
}

/* The SigBlk mask of thread tid, as the kernel reports it; false when unreadable. */
static bool
task_blocked(const char *tid, unsigned long long *mask)
{
	char path[320], line[256];
	snprintf(path, sizeof path, "/proc/self/task/%s/status", tid);
	FILE *f = fopen(path, "r");
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f))
		found = sscanf(line, "SigBlk: %llx", mask) == 1;
	if (f)
		fclose(f);
	return found;
}

/* How many threads besides this one there are; *unblocked gets how many of them
 * leave a handled signal deliverable. */
static int
other_threads(int *unblocked)
{
	char self[32];
	snprintf(self, sizeof self, "%d", (int)getpid());
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;
	*unblocked = 0;
	while (d && (e = readdir(d))) {
		unsigned long long mask;
		if (e->d_name[0] == '.' || strcmp(e->d_name, self) == 0 || !task_blocked(e->d_name, &mask))
			continue;
		n++;
		for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
			if (!(mask & (1ULL << (handled[i] - 1))))
				(*unblocked)++;
	}
	if (d)
		closedir(d);
	return n;
}

int
main(void)
{
	berth_init();
	sigset_t none, mine;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);

	sigset_t theirs;
	sigemptyset(&theirs);
	pthread_t t;
	is_int(berth_thread_start(&t, 0, false, read_own_mask, &theirs), 0, "a thread starts");
	pthread_join(t, NULL);
	ok(blocks_handled(&theirs), "it blocks SIGINT, SIGTERM, SIGWINCH and SIGCHLD");
	pthread_sigmask(SIG_BLOCK, NULL, &mine);
	ok(!sigismember(&mine, SIGWINCH) && !sigismember(&mine, SIGTERM),
	   "the starting thread's own mask is left as it was");

	int unblocked;
	is_int(other_threads(&unblocked), 0, "no other thread runs yet");
	berth_endpoint *ep;
	struct berth_error err;
	int rc = berth_endpoint_open("ssh://berth-core-test@127.0.0.1:1", NULL, &ep, &err);
	is_int(rc, 0, "an ssh:// endpoint opens (no network yet) %s", rc ? err.message : "");
	is_int(other_threads(&unblocked), 1, "its accept loop runs on a thread of its own");
	is_int(unblocked, 0, "the accept loop takes none of the handled signals");
	if (rc == 0)
		berth_endpoint_free(ep);

	struct pool *p = pool_new(3, &err);
	ok(p != NULL, "a pool of three workers starts");
	is_int(other_threads(&unblocked), 3, "three worker threads");
	is_int(unblocked, 0, "no worker takes a handled signal");
	pool_free(p);

	return tap_done();
}
