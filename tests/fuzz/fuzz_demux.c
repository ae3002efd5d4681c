/* fuzz_demux.c: Docker's multiplexed stream (8-byte frame headers), fed in
 * pieces whose size the first byte picks. */
#include "config.h"

#include "fuzz.h"
#include "demux.h"

static int
fuzz_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	size_t *total = ctx;
	*total += len;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = data[0] ? data[0] : 1, total = 0;
	data++, size--;
	struct demux d;
	demux_init(&d, fuzz_sink, &total);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (demux_feed(&d, (const char *)data + off, n) != 0)
			break;
	}
	(void)demux_complete(&d);
	(void)demux_error(&d);
	demux_done(&d);
	return 0;
}
