/* fuzz_config.c: the configuration file (berth.conf), read from disk. */
#include "config.h"

#include "berth.h"
#include "fuzz.h"
#include "fuzzfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("berth.conf", data, size);
	struct berth_config *cfg = NULL;
	struct berth_error err = { 0 };
	if (berth_config_load(path, &cfg, &err) == 0)
		berth_config_free(cfg);
	return 0;
}
