/* fuzz_zun.c: the Zun backend, Keystone, Neutron and Blazar against replies that
 * are the fuzzer's bytes. The first byte picks the call (list, inspect, logs,
 * exec, floating IPs, leases, remove, or the Keystone token reply itself), the
 * second the HTTP status, the third the size of the pieces a stream arrives in.
 * Keystone answers with a good token and catalog, except for the token call. */
#include "config.h"

#include <stdlib.h>

#include "berth.h"
#include "fuzz.h"

static const struct fake_reply zun_canned[] = {
	{ "ks.fuzz/v3/auth/tokens", 201, "X-Subject-Token: gAAAAAfuzztoken",
	  "{\"token\":{\"expires_at\":\"2099-01-01T00:00:00.000000Z\","
	  "\"issued_at\":\"2020-01-01T00:00:00.000000Z\",\"project\":{\"id\":\"p\",\"name\":\"x\"},"
	  "\"catalog\":[{\"type\":\"container\",\"endpoints\":[{\"interface\":\"public\","
	  "\"region_id\":\"R\",\"url\":\"http://zun.fuzz/v1\"}]},{\"type\":\"network\","
	  "\"endpoints\":[{\"interface\":\"public\",\"region_id\":\"R\",\"url\":\"http://neutron.fuzz\"}]},"
	  "{\"type\":\"reservation\",\"endpoints\":[{\"interface\":\"public\",\"region_id\":\"R\","
	  "\"url\":\"http://blazar.fuzz/v1\"}]}]}}" },
};
static const long statuses[] = { 200, 201, 202, 204, 400, 401, 404, 500 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	static int env_set;
	if (!env_set) {
		setenv("OS_AUTH_URL", "http://ks.fuzz/v3", 1);
		setenv("OS_AUTH_TYPE", "password", 1);
		setenv("OS_USERNAME", "u", 1);
		setenv("OS_PASSWORD", "fuzz-password", 1);
		setenv("OS_PROJECT_NAME", "x", 1);
		setenv("OS_USER_DOMAIN_NAME", "Default", 1);
		setenv("OS_PROJECT_DOMAIN_NAME", "Default", 1);
		setenv("OS_REGION_NAME", "R", 1);
		setenv("HOME", "/nonexistent", 1);
		setenv("XDG_STATE_HOME", "/nonexistent", 1);
		unsetenv("OS_CLOUD");
		unsetenv("OS_CLIENT_CONFIG_FILE");
		env_set = 1;
	}
	unsigned op = data[0] % 8;
	fake_http_set(zun_canned, op == 7 ? 0 : 1, statuses[data[1] % 8], data + 3, size - 3,
		      data[2] + 1);
	berth_endpoint *ep = NULL;
	struct berth_error err = { 0 };
	struct berth_options opts = { .config_file = "/dev/null" };
	if (berth_endpoint_open("zun", &opts, &ep, &err) < 0)
		abort();
	size_t n = 0;
	struct berth_logs_opts lo = { .tail = data[1] & 8 ? 5 : -1 };
	char *const argv[] = { "sh", "-c", "echo hi", NULL };
	int code = 0;
	struct berth_fip *fips = NULL;
	struct berth_lease *leases = NULL;
	/* A list follows next links for up to 1000 pages and remove waits while the
	 * container is still there: a few fuzzed replies each, then 404s. */
	fake_http_budget(op == 6 ? 1 : 16);
	switch (op) {
	case 0:
	case 1:
	case 7:
		fuzz_list_or_inspect(ep, op != 1, &err);
		break;
	case 2:
		berth_logs(ep, "web", &lo, fuzz_null_sink, NULL, NULL, &err);
		break;
	case 3:
		berth_exec(ep, "web", argv, NULL, fuzz_null_sink, NULL, &code, NULL, &err);
		break;
	case 4:
		if (berth_fip_list(ep, &fips, &n, NULL, &err) == 0)
			berth_fip_list_free(fips, n);
		break;
	case 5:
		if (berth_lease_list(ep, &leases, &n, NULL, &err) == 0)
			berth_lease_list_free(leases, n);
		break;
	case 6:
		berth_remove(ep, "web", data[1] & 16, NULL, &err);
		break;
	}
	berth_endpoint_free(ep);
	return 0;
}
