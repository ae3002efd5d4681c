/* cpdrive.c: drive libberth's copy calls directly, for the file tests.
 *
 *   cpdrive ENDPOINT to HOST_SRC CONTAINER PATH
 *   cpdrive ENDPOINT from CONTAINER PATH HOST_DEST
 *   cpdrive ENDPOINT mount CONTAINER DIR
 *
 * Prints how the progress callback was called ("progress: CALLS calls, DONE of
 * TOTAL bytes, monotonic") and the process's peak resident memory ("peak rss:
 * KIB KiB"), so that a test can check both; exits 1 with the error on stderr.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "berth.h"

struct seen {
	unsigned long calls;
	uint64_t done, total;
	bool monotonic;
};

static void
on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;
	if (done < s->done)
		s->monotonic = false;
	s->calls++;
	s->done = done;
	s->total = total;
}

int
main(int argc, char **argv)
{
	if (argc != 6 && !(argc == 5 && !strcmp(argv[2], "mount"))) {
		fprintf(stderr, "usage: cpdrive ENDPOINT to|from|mount ARGS...\n");
		return 2;
	}
	berth_init();
	struct berth_error err = { 0 };
	berth_endpoint *ep;
	if (berth_endpoint_open(argv[1], NULL, &ep, &err) < 0) {
		fprintf(stderr, "cpdrive: %s\n", err.message);
		return 1;
	}
	struct seen s = { .monotonic = true };
	int rc;
	if (!strcmp(argv[2], "to"))
		rc = berth_copy_to(ep, argv[3], argv[4], argv[5], on_progress, &s, NULL, &err);
	else if (!strcmp(argv[2], "from"))
		rc = berth_copy_from(ep, argv[3], argv[4], argv[5], on_progress, &s, NULL, &err);
	else
		rc = berth_mount(ep, argv[3], argv[4], NULL, &err);
	berth_endpoint_free(ep);
	if (rc < 0) {
		fprintf(stderr, "cpdrive: %s\n", err.message);
		return 1;
	}
	if (err.message[0])
		printf("note: %s\n", err.message);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("progress: %lu calls, %llu of %llu bytes, %s\n", s.calls,
	       (unsigned long long)s.done, (unsigned long long)s.total,
	       s.monotonic ? "monotonic" : "not monotonic");
	printf("peak rss: %ld KiB\n", ru.ru_maxrss);
	return 0;
}
