/* test_cprules.c: docker cp's destination rules (docker-api.md §5), every case,
 * without an engine. */
#include "config.h"

#include <stdlib.h>

#include "archive-priv.h"
#include "tap.h"

static void
check_split(const char *path, const char *want_dir, const char *want_base)
{
	char *dir, *base;
	cp_split(path, &dir, &base);
	is_str(dir, want_dir, "split \"%s\": parent", path);
	is_str(base, want_base, "split \"%s\": base", path);
	free(dir);
	free(base);
}

static void
check_join(const char *path, const char *target, const char *want)
{
	char *got = cp_link_join(path, target);
	is_str(got, want, "symlink %s -> %s points at %s", path, target, want);
	free(got);
}

/* One rule: want_dir NULL means an error with code want_code. */
static void
check_plan(const char *what, const char *src, bool src_is_dir, const char *dst, bool dst_exists,
	   bool dst_is_dir, const char *want_dir, const char *want_top, int want_code)
{
	struct cp_plan plan;
	struct berth_error err = { 0 };
	int rc = cp_plan_make(src, src_is_dir, dst, dst_exists, dst_is_dir, "ctr:dst", &plan, &err);
	if (!want_dir) {
		is_int(rc, -1, "%s: refused", what);
		is_int(err.code, want_code, "%s: error code (%s)", what, err.message);
		ok(strstr(err.message, "ctr:dst") != NULL, "%s: the message names the destination",
		   what);
		return;
	}
	is_int(rc, 0, "%s: accepted", what);
	is_str(plan.dir, want_dir, "%s: unpacked in %s", what, want_dir);
	is_str(plan.top, want_top, "%s: named %s", what, want_top ? want_top : "(contents)");
	cp_plan_done(&plan);
}

int
main(void)
{
	/* Go's archive.SplitPathDirEntry. */
	check_split("a/b", "a", "b");
	check_split("a/b/", "a", "b");
	check_split("a/b/.", "a/b", ".");
	check_split("a/b/./", "a/b", ".");
	check_split("b", ".", "b");
	check_split(".", ".", ".");
	check_split("/", "/", "/");
	check_split("/etc", "/", "etc");
	check_split("/etc/", "/", "etc");
	check_split("/etc/.", "/etc", ".");
	check_split("a//b", "a", "b");
	check_split("./a", ".", "a");
	check_split("../a", "..", "a");
	check_split("../../a/b", "../../a", "b");
	check_split("/a/../b", "/", "b");
	check_split("/../b", "/", "b");
	check_split("a/../../b", "..", "b");
	check_split("dir with space/file name", "dir with space", "file name");

	/* A symlink followed once. */
	check_join("/bin/sh", "busybox", "/bin/busybox");
	check_join("/a/b", "/x/y/", "/x/y");
	check_join("/a/b", "../c", "/c");
	check_join("/a/b/", "c", "/a/c");
	check_join("rel/l", "t", "rel/t");
	check_join("l", "../t", "../t");

	/* Destination is an existing directory: into it, under the source's name. */
	check_plan("file into dir", "/h/file", false, "/ctr/dir", true, true, "/ctr/dir", "file", 0);
	check_plan("dir into dir", "/h/tree", true, "/ctr/dir", true, true, "/ctr/dir", "tree", 0);
	check_plan("dir/ into dir", "/h/tree/", true, "/ctr/dir/", true, true, "/ctr/dir/", "tree", 0);
	check_plan("dir/. into dir: its contents", "/h/tree/.", true, "/ctr/dir", true, true,
		   "/ctr/dir", NULL, 0);
	check_plan("/ into dir: its contents", "/", true, "/ctr/dir", true, true, "/ctr/dir", NULL, 0);
	check_plan("file into /", "f", false, "/", true, true, "/", "f", 0);
	check_plan("name with spaces", "/h/a b", false, "/ctr/d d", true, true, "/ctr/d d", "a b", 0);

	/* Destination is an existing file. */
	check_plan("dir onto file", "/h/tree", true, "/ctr/file", true, false, NULL, NULL,
		   BERTH_ECONFLICT);
	check_plan("dir/. onto file", "/h/tree/.", true, "/ctr/file", true, false, NULL, NULL,
		   BERTH_ECONFLICT);
	check_plan("file onto file: replaced under its name", "/h/new", false, "/ctr/d/old", true,
		   false, "/ctr/d", "old", 0);
	check_plan("file onto relative file", "x", false, "old", true, false, ".", "old", 0);

	/* Destination is missing. */
	check_plan("dir to missing: created under the new name", "/h/tree", true, "/ctr/d/new",
		   false, false, "/ctr/d", "new", 0);
	check_plan("dir to missing/: created", "/h/tree", true, "/ctr/d/new/", false, false,
		   "/ctr/d", "new", 0);
	check_plan("dir/. to missing: created", "/h/tree/.", true, "/ctr/d/new", false, false,
		   "/ctr/d", "new", 0);
	check_plan("file to missing/: the directory must exist", "/h/file", false, "/ctr/d/new/",
		   false, false, NULL, NULL, BERTH_ENOTFOUND);
	check_plan("file to missing/.: the directory must exist", "/h/file", false, "/ctr/d/new/.",
		   false, false, NULL, NULL, BERTH_ENOTFOUND);
	check_plan("file to missing: renamed", "/h/file", false, "/ctr/d/new", false, false,
		   "/ctr/d", "new", 0);
	check_plan("file to missing relative", "/h/file", false, "new", false, false, ".", "new", 0);
	check_plan("file to missing at the root", "/h/file", false, "/new", false, false, "/", "new",
		   0);
	return tap_done();
}
