/* fuzzfile.h: a private scratch directory for the fuzz targets that read files;
 * HOME and XDG_CONFIG_HOME point into it, so nothing of the user's is read. */
#ifndef BERTH_FUZZFILE_H
#define BERTH_FUZZFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static char fuzz_dir[64];

/* Write data to NAME in the scratch directory; returns its path (static). */
static const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[128];
	if (!*fuzz_dir) {
		umask(077);	/* no warning about secrets readable by others */
		snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/berth-fuzz.XXXXXX");
		if (!mkdtemp(fuzz_dir))
			abort();
		setenv("HOME", fuzz_dir, 1);
		setenv("XDG_CONFIG_HOME", fuzz_dir, 1);
		setenv("DOCKER_CONFIG", fuzz_dir, 1);
	}
	snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return path;
}

#endif
