/* fuzz_clouds.c: clouds.yaml, read as openstacksdk does, for the named cloud
 * and for the only one defined. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "fuzzfile.h"
#include "clouds.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setenv("OS_CLIENT_CONFIG_FILE", fuzz_file("clouds.yaml", data, size), 1);
	unsetenv("OS_CLOUD");
	const char *clouds[] = { NULL, "edge" };
	for (size_t i = 0; i < 2; i++) {
		struct os_auth a = { 0 };
		struct berth_error err = { 0 };
		clouds_load(clouds[i], &a, &err);
		os_auth_done(&a);
	}
	return 0;
}
