/* fuzz_endpoint.c: endpoint specs and URLs (-H), resolved against a fuzzed
 * configuration file: the first line is the spec, the rest the file. Inputs
 * naming ssh are left out: opening an ssh:// endpoint starts ssh. */
#include "config.h"

#include <string.h>

#include "berth.h"
#include "fuzz.h"
#include "fuzzfile.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memmem(data, size, "ssh", 3) || memmem(data, size, "SSH", 3))
		return 0;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t speclen = nl ? (size_t)(nl - data) : size;
	char *spec = xstrndup((const char *)data, speclen);
	const char *conf = nl ? fuzz_file("endpoints.conf", nl + 1, size - speclen - 1)
			      : fuzz_file("endpoints.conf", (const uint8_t *)"", 0);
	struct berth_options opts = { .config_file = conf };
	berth_endpoint *ep = NULL;
	struct berth_error err = { 0 };
	if (berth_endpoint_open(spec, &opts, &ep, &err) == 0) {
		(void)berth_endpoint_name(ep);
		(void)berth_endpoint_address(ep);
		berth_endpoint_free(ep);
	}
	free(spec);
	return 0;
}
