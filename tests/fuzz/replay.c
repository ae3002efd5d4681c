/* replay.c: main for a fuzz target built without libFuzzer: runs the target
 * once on each file named, as `make check` does with the corpora. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, len = 0, n;
		uint8_t *data = malloc(cap);
		while (data && (n = fread(data + len, 1, cap - len, f)) > 0)
			if ((len += n) == cap)
				data = realloc(data, cap *= 2);
		fclose(f);
		if (!data)
			return 1;
		LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	return 0;
}
