/* threads.c: one Zun endpoint used from six threads at once (run by verbs.sh
 * against the test site, with OS_* set): every call must succeed, sharing one
 * token, and a burst of 401s must renew it once, not once per thread.
 * Prints the number of failed calls; exits 1 when there were any. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "berth.h"

static berth_endpoint *ep;
static atomic_int failures;

static void *
run(void *arg)
{
	(void)arg;
	for (int i = 0; i < 6; i++) {
		struct berth_error err = { 0 };
		struct berth_container **list;
		size_t n;
		struct berth_fip *fips;
		size_t nf;
		if (berth_list(ep, true, &list, &n, NULL, &err) < 0) {
			fprintf(stderr, "list: %s\n", err.message);
			atomic_fetch_add(&failures, 1);
		} else {
			berth_container_list_free(list, n);
		}
		if (berth_fip_list(ep, &fips, &nf, NULL, &err) < 0) {
			fprintf(stderr, "fip list: %s\n", err.message);
			atomic_fetch_add(&failures, 1);
		} else {
			berth_fip_list_free(fips, nf);
		}
	}
	return NULL;
}

int
main(void)
{
	struct berth_error err = { 0 };
	berth_init();
	if (berth_endpoint_open("zun", NULL, &ep, &err) < 0) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	pthread_t t[6];
	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, run, NULL);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	berth_endpoint_free(ep);
	printf("%d\n", atomic_load(&failures));
	return atomic_load(&failures) != 0;
}
