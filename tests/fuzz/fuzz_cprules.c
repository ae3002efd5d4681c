/* fuzz_cprules.c: docker cp's path rules on any strings: the split, the symlink
 * join and the plan, for every combination of what the destination is. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "archive-priv.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0];
	char *text = xstrndup((const char *)data + 1, size - 1);
	char *src = text, *dst = strchr(text, '\n');
	if (dst)
		*dst++ = '\0';
	else
		dst = "";
	char *dir = NULL, *base = NULL;
	cp_split(src, &dir, &base);
	free(dir);
	free(base);
	free(cp_link_join(src, dst));
	struct cp_plan plan = { 0 };
	struct berth_error err = { 0 };
	if (cp_plan_make(src, flags & 1, dst, flags & 2, flags & 4, "fuzz:/x", &plan, &err) == 0)
		cp_plan_done(&plan);
	free(text);
	return 0;
}
