/* fuzz_extract.c: safe tar extraction (copy and root-filesystem modes) of any
 * bytes into a private directory; afterwards nothing may exist beside the
 * destination, whatever the archive held. */
#include "config.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive-priv.h"
#include "fuzz.h"

static char fuzz_root[64];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* The names in dir, other than . and .., counted. */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!*fuzz_root) {
		snprintf(fuzz_root, sizeof fuzz_root, "/tmp/berth-fuzz-extract.XXXXXX");
		if (!mkdtemp(fuzz_root))
			abort();
	}
	char dest[96];
	snprintf(dest, sizeof dest, "%s/dest", fuzz_root);
	mkdir(dest, 0700);
	struct extract_opts o = {
		.mode = data[0] & 1 ? EXTRACT_ROOTFS : EXTRACT_COPY,
		.dir = dest,
		.from = data[0] & 2 ? "." : "x",
		.to = data[0] & 2 ? NULL : "out",
	};
	struct berth_error err = { 0 };
	struct extractor *x = extractor_start(&o, &err);
	if (x) {
		size_t chunk = 1 + (data[0] >> 2) * 64;
		for (size_t off = 1; off < size; off += chunk) {
			size_t n = size - off < chunk ? size - off : chunk;
			if (extractor_sink(x, BERTH_STDOUT, (const char *)data + off, n) != 0)
				break;
		}
		int rc = extractor_finish(x, 0, NULL, &err);
		if (rc < 0 && count_entries(dest) != 0)
			abort();	/* a refused archive left something behind */
	}
	if (count_entries(fuzz_root) != 1)
		abort();	/* something was written beside the destination */
	nftw(dest, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
