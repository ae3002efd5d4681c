/* fuzz_docker.c: the Docker backend against an engine whose replies are the
 * fuzzer's bytes. The first byte picks the call (list, inspect, logs, events,
 * stats, exec, wait, ping), the second the HTTP status, the third the size of
 * the pieces a stream arrives in; /_ping and /version answer as Docker 20.10
 * does, except for the ping call. */
#include "config.h"

#include <stdlib.h>

#include "berth.h"
#include "fuzz.h"

static const struct fake_reply docker_canned[] = {
	{ "/_ping", 200, "Api-Version: 1.41", "OK" },
	{ "/version", 200, NULL,
	  "{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\","
	  "\"Os\":\"linux\",\"Arch\":\"amd64\"}" },
};
static const long statuses[] = { 200, 201, 204, 304, 400, 404, 409, 500 };

static int
count_event(void *ctx, const struct berth_event *ev)
{
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	unsigned op = data[0] % 8;
	fake_http_set(docker_canned, op == 7 ? 0 : 2, statuses[data[1] % 8], data + 3, size - 3,
		      data[2] + 1);
	berth_endpoint *ep = NULL;
	struct berth_error err = { 0 };
	struct berth_options opts = { .config_file = "/dev/null" };
	if (berth_endpoint_open("unix:///nonexistent/fuzz.sock", &opts, &ep, &err) < 0)
		abort();
	struct berth_logs_opts lo = { .follow = data[1] & 8, .tail = -1 };
	struct berth_stats_sample st;
	char *const argv[] = { "sh", "-c", "true", NULL };
	int code = 0;
	char *version = NULL;
	switch (op) {
	case 0:
	case 1:
		fuzz_list_or_inspect(ep, op == 0, &err);
		break;
	case 2:
		berth_logs(ep, "web", &lo, fuzz_null_sink, NULL, NULL, &err);
		break;
	case 3:
		berth_events(ep, 0, count_event, NULL, NULL, &err);
		break;
	case 4:
		berth_stats(ep, "web", &st, NULL, &err);
		break;
	case 5:
		berth_exec(ep, "web", argv, NULL, fuzz_null_sink, NULL, &code, NULL, &err);
		break;
	case 6:
		berth_wait(ep, "web", 1, &code, NULL, &err);
		break;
	case 7:
		if (berth_ping(ep, &version, NULL, &err) == 0)
			free(version);
		break;
	}
	berth_endpoint_free(ep);
	return 0;
}
