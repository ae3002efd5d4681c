/* fuzz.h: shared pieces of berth's libFuzzer targets. Each target defines
 * LLVMFuzzerTestOneInput; with --enable-fuzzing it links libFuzzer, else
 * replay.c's main runs it over files (the corpora, replayed in make check).
 *
 * fakehttp.c replaces the HTTP transport (http.h) for targets that drive a whole
 * backend: a request whose URL contains a canned reply's needle gets that reply,
 * every other request gets the fuzzer's bytes as the body, with the given status,
 * delivered to a sink in pieces of `chunk` bytes. The rest of http.h (replies,
 * escaping) is the real one, src/http-msg.c. */
#ifndef BERTH_FUZZ_H
#define BERTH_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "berth.h"

struct fake_reply {
	const char *needle;	/* a substring of base_url + path */
	long status;
	const char *header;	/* one "Name: value" header, or NULL */
	const char *body;
};

void fake_http_set(const struct fake_reply *canned, size_t ncanned, long status,
		   const uint8_t *data, size_t len, size_t chunk);
/* How many requests fell through to the fuzzer's bytes since fake_http_set. */
unsigned fake_http_fuzzed(void);
/* After n requests answered with the fuzzer's bytes, answer the rest 404, as
 * an engine that has forgotten the container (0, the default: no limit). It
 * keeps a call that polls until something changes (Zun's remove waits for the
 * row to go) from polling for a minute on every input. */
void fake_http_budget(unsigned n);

/* A sink that takes everything and keeps nothing. */
int fuzz_null_sink(void *ctx, enum berth_stream s, const char *buf, size_t len);
/* The calls every backend target makes: list every container, or inspect "web". */
void fuzz_list_or_inspect(berth_endpoint *ep, bool list, struct berth_error *err);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
