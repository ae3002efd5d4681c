/* test_extract.c: safe extraction and streaming packing, without an engine.
 *
 * Hostile archives are built here with libarchive (and one header by hand),
 * fed to the extractor in small chunks as a transfer would, and each test
 * checks that nothing was written outside the destination and that a refused
 * archive leaves no partial destination and no temporary directory behind.
 * A host tree is also packed and unpacked again and compared entry by entry.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive-priv.h"
#include "util.h"
#include "tap.h"

#define TB_CAP (8u << 20)
#define MTIME 1000000000

static char scratch[PATH_MAX];

/* ------------------------------------------------------------------ */
/* Building archives in memory. */

struct tarbuf {
	struct archive *a;
	char *mem;
	size_t used;
};

static void
tb_begin(struct tarbuf *t)
{
	t->mem = xmalloc(TB_CAP);
	t->used = 0;
	t->a = archive_write_new();
	archive_write_set_format_pax_restricted(t->a);
	archive_write_set_bytes_per_block(t->a, 0);	/* every byte out at once */
	archive_write_open_memory(t->a, t->mem, TB_CAP, &t->used);
}

/* One entry; type AE_IFREG with hard != NULL makes a hard link. */
static void
tb_add(struct tarbuf *t, const char *name, mode_t type, mode_t perm, const char *data,
       const char *symlink, const char *hard)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_mtime(e, MTIME, 0);
	if (symlink)
		archive_entry_set_symlink(e, symlink);
	if (hard)
		archive_entry_set_hardlink(e, hard);
	if (type == AE_IFCHR)
		archive_entry_set_rdev(e, makedev(1, 3));
	archive_entry_set_size(e, data ? (la_int64_t)strlen(data) : 0);
	archive_write_header(t->a, e);
	if (data)
		archive_write_data(t->a, data, strlen(data));
	archive_entry_free(e);
}

static void tb_dir(struct tarbuf *t, const char *n, mode_t p) { tb_add(t, n, AE_IFDIR, p, NULL, NULL, NULL); }
static void tb_file(struct tarbuf *t, const char *n, mode_t p, const char *d) { tb_add(t, n, AE_IFREG, p, d, NULL, NULL); }
static void tb_link(struct tarbuf *t, const char *n, const char *to) { tb_add(t, n, AE_IFLNK, 0777, NULL, to, NULL); }
static void tb_hard(struct tarbuf *t, const char *n, const char *to) { tb_add(t, n, AE_IFREG, 0644, NULL, NULL, to); }

static size_t
tb_end(struct tarbuf *t)
{
	archive_write_close(t->a);
	archive_write_free(t->a);
	return t->used;
}

/* A raw ustar header, for what libarchive's writer will not produce. */
static void
ustar_header(char h[512], const char *name, char type, unsigned long long size)
{
	memset(h, 0, 512);
	snprintf(h, 100, "%s", name);
	snprintf(h + 100, 8, "%07o", 0644);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	if (size <= 077777777777ULL) {
		snprintf(h + 124, 12, "%011llo", size);
	} else {	/* GNU base-256 for what octal cannot hold */
		h[124] = (char)0x80;
		for (int i = 0; i < 8; i++)
			h[135 - i] = (char)(size >> (8 * i) & 0xff);
	}
	snprintf(h + 136, 12, "%011o", MTIME);
	h[156] = type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 7, "%06o", sum);
	h[155] = ' ';
}

/* ------------------------------------------------------------------ */
/* Running the extractor and looking at the result. */

struct run {
	int rc;
	struct berth_error err;
	struct extract_stats st;
};

static struct run
extract_mem(enum extract_mode mode, const char *dir, const char *from, const char *to,
	    const char *mem, size_t len, int transfer_rc, berth_cancel *cancel)
{
	struct run r = { 0 };
	struct extract_opts o = { .mode = mode, .dir = dir, .from = from, .to = to,
				  .cancel = cancel };
	struct extractor *x = extractor_start(&o, &r.err);
	if (!x) {
		r.rc = -1;
		return r;
	}
	for (size_t off = 0; off < len; off += 777)	/* odd chunks, as a transfer sends */
		if (extractor_sink(x, BERTH_STDOUT, mem + off, len - off < 777 ? len - off : 777))
			break;
	if (transfer_rc < 0)
		berth_fail(&r.err, BERTH_EIO, "the connection broke");
	r.rc = extractor_finish(x, transfer_rc, &r.st, &r.err);
	return r;
}

static char *
path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* A fresh case directory holding dest/ and outside/. */
static char *
case_dir(const char *name)
{
	char *c = path_in(scratch, name);
	char *d = path_in(c, "dest"), *o = path_in(c, "outside");
	mkdir(c, 0755);
	mkdir(d, 0755);
	mkdir(o, 0755);
	free(d);
	free(o);
	return c;
}

static int
count_entries(const char *dir)
{
	char *const paths[] = { (char *)dir, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	int n = 0;
	for (FTSENT *f; (f = fts_read(fts));)
		if (f->fts_level > 0 && f->fts_info != FTS_DP)
			n++;
	fts_close(fts);
	return n;
}

static bool
exists_in(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	struct stat st;
	bool e = lstat(p, &st) == 0;
	free(p);
	return e;
}

static mode_t
mode_of(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	struct stat st;
	mode_t m = lstat(p, &st) == 0 ? st.st_mode : 0;
	free(p);
	return m;
}

static char *
read_text(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	FILE *f = fopen(p, "r");
	free(p);
	if (!f)
		return NULL;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return xstrdup(buf);
}

static char *
link_of(const char *dir, const char *name)
{
	char *p = path_in(dir, name), t[PATH_MAX];
	ssize_t n = readlink(p, t, sizeof t - 1);
	free(p);
	if (n < 0)
		return NULL;
	t[n] = '\0';
	return xstrdup(t);
}

/* A refused archive: the error code, and nothing anywhere around. */
static void
expect_refused(const char *what, const char *c, struct run r, int code)
{
	char *dest = path_in(c, "dest"), *outside = path_in(c, "outside");
	is_int(r.rc, -1, "%s: refused", what);
	is_int(r.err.code, code, "%s: error code (%s)", what, r.err.message);
	is_int(count_entries(dest), 0, "%s: the destination holds nothing, not even a temporary directory", what);
	is_int(count_entries(outside), 0, "%s: nothing written outside", what);
	is_int(count_entries(c), 2, "%s: nothing written beside the destination", what);
	free(dest);
	free(outside);
}

/* Extract the finished archive t whole into c's dest/ and expect it refused as
 * unsafe, as expect_refused checks; the run is returned for its message. */
static struct run
expect_unsafe(struct tarbuf *t, enum extract_mode mode, const char *c, const char *what)
{
	char *dest = path_in(c, "dest");
	struct run r = extract_mem(mode, dest, ".", NULL, t->mem, t->used, 0, NULL);
	free(dest);
	expect_refused(what, c, r, BERTH_EUNSAFE);
	return r;
}

static void write_file(const char *dir, const char *name, mode_t mode, const char *data,
		       size_t len);

/* ------------------------------------------------------------------ */
/* Hostile archives. */

static void
test_dotdot(void)
{
	char *c = case_dir("dotdot");
	struct tarbuf t;
	tb_begin(&t);
	tb_file(&t, "ok", 0644, "fine\n");
	tb_file(&t, "../x", 0644, "escaped\n");
	tb_end(&t);
	struct run r = expect_unsafe(&t, EXTRACT_COPY, c, "../x");
	ok(strstr(r.err.message, "\"../x\"") != NULL, "../x: the message names the entry (%s)", r.err.message);
	free(t.mem);

	tb_begin(&t);
	tb_file(&t, "title\033]0;pwned\007\xc2\x9b" "31m\n/../x", 0644, "escaped\n");
	tb_end(&t);
	r = expect_unsafe(&t, EXTRACT_COPY, c, "a name with escape sequences");
	ok(!strpbrk(r.err.message, "\033\007\n") && !strstr(r.err.message, "\xc2\x9b"),
	   "no control character reaches the message (%s)", r.err.message);
	free(t.mem);

	tb_begin(&t);
	tb_dir(&t, "a/", 0755);
	tb_file(&t, "a/b/../../../outside/x", 0644, "escaped\n");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_ROOTFS, c, "a/b/../../../outside/x (rootfs mode)");
	free(t.mem);
	free(c);
}

static void
test_absolute(void)
{
	char *c = case_dir("absolute");
	char *target = xasprintf("%s/outside/abs", c);
	struct tarbuf t;
	tb_begin(&t);
	tb_file(&t, target, 0644, "escaped\n");
	tb_end(&t);
	struct run r = expect_unsafe(&t, EXTRACT_COPY, c, "an absolute path");
	ok(strstr(r.err.message, "absolute") != NULL, "absolute: said so (%s)", r.err.message);
	expect_unsafe(&t, EXTRACT_ROOTFS, c, "an absolute path (rootfs mode)");
	free(t.mem);

	tb_begin(&t);
	tb_file(&t, "/etc/berth-test-never", 0644, "escaped\n");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "/etc/x");
	ok(access("/etc/berth-test-never", F_OK) < 0, "/etc/x: /etc untouched");
	free(t.mem);
	free(target);
	free(c);
}

static void
test_symlink_escape(void)
{
	char *c = case_dir("symlink");
	char *outside = xasprintf("%s/outside", c);
	struct tarbuf t;
	struct run r;

	/* Copy mode: a symlink to outside is refused as it arrives. */
	tb_begin(&t);
	tb_link(&t, "evil", outside);
	tb_file(&t, "evil/pwned", 0644, "escaped\n");
	tb_end(&t);
	r = expect_unsafe(&t, EXTRACT_COPY, c, "an absolute symlink, then a write through it");
	ok(strstr(r.err.message, "\"evil\"") != NULL, "the message names the symlink (%s)", r.err.message);

	/* Rootfs mode keeps absolute symlinks as data, but never writes through them. */
	r = expect_unsafe(&t, EXTRACT_ROOTFS, c, "a write through an absolute symlink (rootfs mode)");
	ok(strstr(r.err.message, "through the symlink") != NULL, "said why (%s)", r.err.message);
	free(t.mem);

	tb_begin(&t);
	tb_link(&t, "up", "../../outside");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "a relative symlink climbing out");
	free(t.mem);

	/* Inside by its text, outside through another symlink: found after the fact. */
	tb_begin(&t);
	tb_link(&t, "a", ".");
	tb_link(&t, "b", "a/..");
	tb_end(&t);
	r = expect_unsafe(&t, EXTRACT_COPY, c, "a symlink escaping through another");
	ok(strstr(r.err.message, "\"b\"") != NULL, "the message names it (%s)", r.err.message);
	free(t.mem);

	tb_begin(&t);
	tb_link(&t, "loop1", "loop2/x");
	tb_link(&t, "loop2", "loop1/y");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "a symlink loop");
	free(t.mem);

	/* A symlink that stays inside is fine, but nothing is written through it either. */
	tb_begin(&t);
	tb_dir(&t, "sub/", 0755);
	tb_link(&t, "in", "sub");
	tb_file(&t, "in/f", 0644, "through\n");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "a write through a symlink inside");
	free(t.mem);

	/* A directory replaced by a symlink would redirect libarchive's late fixups. */
	tb_begin(&t);
	tb_dir(&t, "d/", 0700);
	tb_link(&t, "d", outside);
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_ROOTFS, c, "a directory replaced by a symlink");
	struct stat st;
	stat(outside, &st);
	is_int(st.st_mode & 07777, 0755, "the outside directory kept its mode");
	free(t.mem);
	free(outside);
	free(c);
}

static void
test_hardlinks(void)
{
	char *c = case_dir("hardlink");
	struct stat before, after;
	stat("/etc/passwd", &before);
	struct tarbuf t;

	tb_begin(&t);
	tb_hard(&t, "pw", "/etc/passwd");
	tb_file(&t, "pw", 0644, "overwrite\n");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "a hard link to /etc/passwd");
	expect_unsafe(&t, EXTRACT_ROOTFS, c, "a hard link to /etc/passwd (rootfs mode)");
	free(t.mem);

	tb_begin(&t);
	tb_hard(&t, "pw", "../../../../../../../../etc/passwd");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "a hard link climbing out");
	free(t.mem);

	tb_begin(&t);
	tb_link(&t, "etc", "/etc");
	tb_hard(&t, "pw", "etc/passwd");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_ROOTFS, c, "a hard link through a symlink");
	free(t.mem);

	tb_begin(&t);
	tb_hard(&t, "pw", "not-there");
	tb_end(&t);
	expect_unsafe(&t, EXTRACT_COPY, c, "a hard link to nothing");
	free(t.mem);

	stat("/etc/passwd", &after);
	is_int(after.st_nlink, before.st_nlink, "/etc/passwd has no new link");
	ok(after.st_mtime == before.st_mtime && after.st_size == before.st_size,
	   "/etc/passwd unchanged");
	free(c);
}

static void
test_devices(void)
{
	char *c = case_dir("devices"), *dest = path_in(c, "dest");
	struct tarbuf t;
	tb_begin(&t);
	tb_dir(&t, "dev/", 0755);
	tb_add(&t, "dev/null", AE_IFCHR, 0666, NULL, NULL, NULL);
	tb_add(&t, "dev/sda", AE_IFBLK, 0660, NULL, NULL, NULL);
	tb_add(&t, "fifo", AE_IFIFO, 0644, NULL, NULL, NULL);
	tb_file(&t, "plain", 0644, "data\n");
	size_t n = tb_end(&t);
	struct run r = extract_mem(EXTRACT_ROOTFS, dest, ".", NULL, t.mem, n, 0, NULL);
	is_int(r.rc, 0, "device nodes and FIFOs are no error (%s)", r.err.message);
	is_int(r.st.skipped, 3, "three left out");
	ok(!exists_in(dest, "dev/null") && !exists_in(dest, "dev/sda") && !exists_in(dest, "fifo"),
	   "no device node or FIFO was made");
	ok(S_ISDIR(mode_of(dest, "dev")) && S_ISREG(mode_of(dest, "plain")), "the rest is there");
	free(t.mem);
	free(dest);
	free(c);
}

static void
test_claimed_size(void)
{
	char *c = case_dir("size"), *dest = path_in(c, "dest");
	struct tarbuf t;
	tb_begin(&t);
	tb_file(&t, "first", 0644, "complete\n");
	size_t n = tb_end(&t) - 1024;	/* without the end-of-archive marker */
	ustar_header(t.mem + n, "big", '0', 10ULL << 30);	/* 10 GiB claimed */
	memcpy(t.mem + n + 512, "only a few bytes", 16);
	n += 512 + 16;
	double t0 = now_monotonic();
	struct run r = extract_mem(EXTRACT_COPY, dest, ".", NULL, t.mem, n, 0, NULL);
	expect_refused("a 10 GiB header with a short body", c, r, BERTH_EPROTOCOL);
	ok(now_monotonic() - t0 < 5, "and no hang");
	free(t.mem);

	/* A pax extended header claiming 8 GiB: no allocation of that size. */
	char raw[512 * 4];
	memset(raw, 0, sizeof raw);
	ustar_header(raw, "PaxHeader/x", 'x', 077777777777ULL);
	memcpy(raw + 512, "30 path=whatever/name/here\n", 27);
	r = extract_mem(EXTRACT_COPY, dest, ".", NULL, raw, sizeof raw, 0, NULL);
	expect_refused("an 8 GiB pax header", c, r, BERTH_EPROTOCOL);

	/* Not a tar at all. */
	r = extract_mem(EXTRACT_COPY, dest, ".", NULL, "<html>no</html>", 15, 0, NULL);
	expect_refused("an HTML page instead of a tar", c, r, BERTH_EPROTOCOL);
	free(dest);
	free(c);
}

/* Refusals that depend on the requested source. */
static void
test_outside_source(void)
{
	char *c = case_dir("source"), *dest = path_in(c, "dest");
	struct tarbuf t;
	tb_begin(&t);
	tb_dir(&t, "etc/", 0755);
	tb_file(&t, "etc/hosts", 0644, "127.0.0.1 localhost\n");
	tb_file(&t, "bashrc", 0644, "evil\n");
	size_t n = tb_end(&t);
	struct run r = extract_mem(EXTRACT_COPY, dest, "etc", "etc", t.mem, n, 0, NULL);
	expect_refused("an entry beside the requested path", c, r, BERTH_EUNSAFE);
	free(t.mem);

	/* A failed transfer keeps its own error and leaves nothing. */
	tb_begin(&t);
	tb_dir(&t, "etc/", 0755);
	tb_file(&t, "etc/hosts", 0644, "127.0.0.1 localhost\n");
	n = tb_end(&t);
	r = extract_mem(EXTRACT_COPY, dest, "etc", "etc", t.mem, n / 2, -1, NULL);
	expect_refused("a transfer that broke", c, r, BERTH_EIO);
	is_str(r.err.message, "the connection broke", "the transfer's error is kept");

	/* Cancelled. */
	berth_cancel *cancel = berth_cancel_new();
	berth_cancel_trigger(cancel);
	r = extract_mem(EXTRACT_COPY, dest, "etc", "etc", t.mem, n, 0, cancel);
	expect_refused("cancelled", c, r, BERTH_ECANCELLED);
	berth_cancel_free(cancel);
	free(t.mem);

	/* An empty archive of a named source says so. */
	tb_begin(&t);
	n = tb_end(&t);
	r = extract_mem(EXTRACT_COPY, dest, "etc", "etc", t.mem, n, 0, NULL);
	expect_refused("an empty archive", c, r, BERTH_EPROTOCOL);
	free(t.mem);
	free(dest);
	free(c);
}

/* ------------------------------------------------------------------ */
/* Good archives. */

static void
normal_tree(struct tarbuf *t, const char *top)
{
	char name[256], name2[256];
#define N(s) (snprintf(name, sizeof name, "%s/%s", top, s), name)
	tb_dir(t, N(""), 0755);
	tb_file(t, N("a file with spaces.txt"), 0640, "spaces\n");
	tb_dir(t, N("empty dir/"), 0700);
	tb_dir(t, N("sub/"), 0750);
	tb_file(t, N("sub/f"), 0600, "in sub\n");
	tb_link(t, N("link"), "sub/f");
	tb_link(t, N("dirlink"), "sub");
	tb_link(t, N("sub/back"), "../link");
	snprintf(name2, sizeof name2, "%s/sub/f", top);
	tb_hard(t, N("hard"), name2);
	tb_file(t, N("setuid"), 04755, "#!/bin/sh\n");
#undef N
}

static void
check_normal_tree(const char *what, const char *root)
{
	char *s = read_text(root, "a file with spaces.txt"), *l = link_of(root, "link");
	char *d = link_of(root, "dirlink"), *b = link_of(root, "sub/back");
	is_str(s, "spaces\n", "%s: a name with spaces", what);
	is_int(mode_of(root, "a file with spaces.txt") & 07777, 0640, "%s: its mode", what);
	ok(S_ISDIR(mode_of(root, "empty dir")), "%s: the empty directory", what);
	is_int(mode_of(root, "empty dir") & 07777, 0700, "%s: its mode", what);
	is_int(mode_of(root, "sub") & 07777, 0750, "%s: sub's mode", what);
	is_str(l, "sub/f", "%s: a symlink kept as a symlink", what);
	is_str(d, "sub", "%s: a symlink to a directory", what);
	is_str(b, "../link", "%s: a symlink going up and back in", what);
	char *h = path_in(root, "hard"), *f = path_in(root, "sub/f");
	struct stat hs, fs;
	ok(lstat(h, &hs) == 0 && lstat(f, &fs) == 0 && hs.st_ino == fs.st_ino,
	   "%s: the hard link shares its inode", what);
	is_int(fs.st_mtime, MTIME, "%s: mtime kept", what);
	is_int(mode_of(root, "setuid") & 07777, 0755, "%s: no setuid bit from a container", what);
	free(h);
	free(f);
	free(s);
	free(l);
	free(d);
	free(b);
}

static void
test_normal(void)
{
	char *c = case_dir("normal"), *dest = path_in(c, "dest");
	struct tarbuf t;
	tb_begin(&t);
	normal_tree(&t, "src");
	size_t n = tb_end(&t);

	/* Renamed on the way (docker cp to a missing destination). */
	struct run r = extract_mem(EXTRACT_COPY, dest, "src", "renamed", t.mem, n, 0, NULL);
	is_int(r.rc, 0, "a normal tree extracts (%s)", r.err.message);
	char *root = path_in(dest, "renamed");
	check_normal_tree("renamed", root);
	is_int(count_entries(dest), 10, "exactly the tree, no temporary directory left");

	/* Again into the same place: merged, files replaced, others kept. */
	char *old = path_in(root, "old");
	write_file(root, "old", 0644, "mine\n", 5);
	r = extract_mem(EXTRACT_COPY, dest, "src", "renamed", t.mem, n, 0, NULL);
	is_int(r.rc, 0, "extracting over an existing tree merges (%s)", r.err.message);
	char *mine = read_text(root, "old");
	is_str(mine, "mine\n", "files already there stay");
	check_normal_tree("merged", root);
	free(mine);
	free(t.mem);

	/* A conflict is found before anything moves. */
	tb_begin(&t);
	tb_dir(&t, "src/", 0755);
	tb_file(&t, "src/aaa-new", 0644, "new\n");
	tb_file(&t, "src/sub", 0644, "a file where a directory is\n");
	n = tb_end(&t);
	r = extract_mem(EXTRACT_COPY, dest, "src", "renamed", t.mem, n, 0, NULL);
	is_int(r.rc, -1, "a file over a directory is refused");
	is_int(r.err.code, BERTH_ECONFLICT, "as a conflict (%s)", r.err.message);
	ok(!exists_in(root, "aaa-new"), "and nothing of that archive was moved in");
	ok(S_ISDIR(mode_of(root, "sub")), "the directory is intact");
	is_int(count_entries(dest), 11, "no temporary directory left");
	free(t.mem);

	/* A file replaces a file under the destination's name. */
	tb_begin(&t);
	tb_file(&t, "hosts", 0644, "new content\n");
	n = tb_end(&t);
	r = extract_mem(EXTRACT_COPY, root, "hosts", "old", t.mem, n, 0, NULL);
	is_int(r.rc, 0, "a file replaces a file (%s)", r.err.message);
	mine = read_text(root, "old");
	is_str(mine, "new content\n", "with the new content");
	free(mine);
	free(t.mem);

	/* SRC/. : the entries are "./x", and go straight into the directory. */
	char *flat = path_in(c, "flat");
	mkdir(flat, 0755);
	tb_begin(&t);
	tb_dir(&t, "./", 0700);
	tb_file(&t, "./x y", 0644, "xy\n");
	n = tb_end(&t);
	r = extract_mem(EXTRACT_COPY, flat, ".", NULL, t.mem, n, 0, NULL);
	is_int(r.rc, 0, "a ./ archive into a directory (%s)", r.err.message);
	ok(exists_in(flat, "x y"), "its contents land in the directory");
	is_int(mode_of(flat, ".") & 07777, 0755, "the directory itself is left alone");
	r = extract_mem(EXTRACT_COPY, flat, ".", "made", t.mem, n, 0, NULL);
	is_int(r.rc, 0, "a ./ archive to a new name (%s)", r.err.message);
	ok(exists_in(flat, "made/x y"), "lands under the new name");
	is_int(mode_of(flat, "made") & 07777, 0700, "which gets the archive's mode");
	free(t.mem);

	/* Docker names the entries of "/" "/x": accepted for that source only. */
	tb_begin(&t);
	tb_dir(&t, "/", 0755);
	tb_dir(&t, "/bin/", 0755);
	tb_file(&t, "/bin/x", 0755, "x\n");
	n = tb_end(&t);
	char *rootcopy = path_in(c, "rootcopy");
	mkdir(rootcopy, 0755);
	r = extract_mem(EXTRACT_COPY, rootcopy, "/", NULL, t.mem, n, 0, NULL);
	is_int(r.rc, 0, "the archive of / (%s)", r.err.message);
	ok(exists_in(rootcopy, "bin/x"), "lands inside");
	free(t.mem);
	free(rootcopy);
	free(flat);
	free(old);
	free(root);
	free(dest);
	free(c);
}

static void
test_rootfs(void)
{
	char *c = case_dir("rootfs"), *dest = path_in(c, "dest");
	struct tarbuf t;
	tb_begin(&t);
	tb_file(&t, ".dockerenv", 0755, "");
	tb_dir(&t, "bin/", 0755);
	tb_file(&t, "bin/busybox", 0755, "ELF\n");
	tb_link(&t, "bin/sh", "/bin/busybox");
	tb_dir(&t, "etc/", 0755);
	tb_link(&t, "etc/mtab", "/proc/mounts");
	tb_dir(&t, "dev/", 0755);
	tb_add(&t, "dev/console", AE_IFCHR, 0600, NULL, NULL, NULL);
	tb_dir(&t, "tmp/", 01777);
	size_t n = tb_end(&t);
	struct run r = extract_mem(EXTRACT_ROOTFS, dest, ".", NULL, t.mem, n, 0, NULL);
	is_int(r.rc, 0, "a root filesystem unpacks (%s)", r.err.message);
	char *sh = link_of(dest, "bin/sh"), *mtab = link_of(dest, "etc/mtab");
	is_str(sh, "/bin/busybox", "absolute symlinks are kept as data");
	is_str(mtab, "/proc/mounts", "and not followed");
	is_int(r.st.skipped, 1, "the device node is left out");
	is_int(mode_of(dest, "tmp") & 07777, 01777, "the sticky /tmp keeps its mode");
	free(sh);
	free(mtab);

	/* Into a directory that does not exist yet: made beside, renamed into place. */
	r = extract_mem(EXTRACT_ROOTFS, c, ".", "fresh", t.mem, n, 0, NULL);
	is_int(r.rc, 0, "into a new directory (%s)", r.err.message);
	char *fresh = path_in(c, "fresh");
	ok(S_ISLNK(mode_of(fresh, "bin/sh")), "everything is under it");
	is_int(count_entries(c), 2 + 8 + 1 + 8, "and nothing else was left beside it");
	free(fresh);

	/* Copy mode keeps absolute symlinks as data too, as docker cp does. */
	char *d2 = path_in(c, "outside");
	mkdir(d2, 0755);
	r = extract_mem(EXTRACT_COPY, d2, ".", NULL, t.mem, n, 0, NULL);
	is_int(r.rc, 0, "copy mode keeps bin/sh -> /bin/busybox (%s)", r.err.message);
	ok(S_ISLNK(mode_of(d2, "bin/sh")), "as a symlink, not followed");
	free(d2);
	free(t.mem);
	free(dest);
	free(c);
}

/* ------------------------------------------------------------------ */
/* Packing a host tree and unpacking it again. */

static void
write_file(const char *dir, const char *name, mode_t mode, const char *data, size_t len)
{
	char *p = path_in(dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (write(fd, data, len) != (ssize_t)len)
		perror(p);
	fchmod(fd, mode);
	close(fd);
	free(p);
}

static void
make_host_tree(const char *src)
{
	mkdir(src, 0755);
	char *p;
	write_file(src, "plain", 0644, "plain\n", 6);
	write_file(src, "exec script", 0750, "#!/bin/sh\necho hi\n", 18);
	size_t big = 3u << 20;
	char *data = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)(i * 2654435761u >> 13);
	write_file(src, "big.bin", 0600, data, big);
	free(data);
	p = path_in(src, "empty dir");
	mkdir(p, 0700);
	free(p);
	p = path_in(src, "nested");
	mkdir(p, 0755);
	free(p);
	p = path_in(src, "nested/deeper");
	mkdir(p, 0711);
	free(p);
	write_file(src, "nested/deeper/leaf file", 0444, "leaf\n", 5);
	p = path_in(src, "rel link");
	symlink("nested/deeper/leaf file", p);
	free(p);
	p = path_in(src, "nested/up");
	symlink("../plain", p);
	free(p);
	p = path_in(src, "nested/sock");	/* left out, as docker cp does */
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", p);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(s, (struct sockaddr *)&sun, sizeof sun);
	close(s);
	free(p);
	char *a = path_in(src, "plain"), *b = path_in(src, "nested/hard");
	link(a, b);
	free(a);
	free(b);
	/* Fixed mtimes, directories last so that writing into them does not move theirs. */
	const char *order[] = { "plain", "exec script", "big.bin", "nested/deeper/leaf file",
				"rel link", "nested/up", "empty dir", "nested/deeper", "nested", "" };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct timespec ts[2] = { { MTIME, 0 }, { MTIME + (time_t)i, 0 } };
		p = order[i][0] ? path_in(src, order[i]) : xstrdup(src);
		utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW);
		free(p);
	}
}

static bool
same_content(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	bool same = fa && fb;
	while (same) {
		char x[8192], y[8192];
		size_t na = fread(x, 1, sizeof x, fa), nb = fread(y, 1, sizeof y, fb);
		same = na == nb && memcmp(x, y, na) == 0;
		if (na == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Compare two trees entry by entry: type, mode, size, mtime, content, link text. */
static int
compare_trees(const char *a, const char *b)
{
	char *const paths[] = { (char *)a, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	int diffs = 0;
	size_t skip = strlen(a);
	for (FTSENT *f; (f = fts_read(fts));) {
		if (f->fts_info == FTS_DP || S_ISSOCK(f->fts_statp->st_mode))
			continue;
		char *other = xasprintf("%s%s", b, f->fts_path + skip);
		struct stat sa = *f->fts_statp, sb;
		bool same = lstat(other, &sb) == 0 && (sa.st_mode & S_IFMT) == (sb.st_mode & S_IFMT) &&
			    (S_ISLNK(sa.st_mode) || (sa.st_mode & 07777) == (sb.st_mode & 07777)) &&
			    (S_ISDIR(sa.st_mode) || sa.st_size == sb.st_size) &&
			    sa.st_mtime == sb.st_mtime;
		if (same && S_ISREG(sa.st_mode))
			same = same_content(f->fts_path, other);
		if (same && S_ISLNK(sa.st_mode)) {
			char la[PATH_MAX], lb[PATH_MAX];
			ssize_t na = readlink(f->fts_path, la, sizeof la), nb = readlink(other, lb, sizeof lb);
			same = na == nb && memcmp(la, lb, (size_t)na) == 0;
		}
		if (!same) {
			printf("# differs: %s\n", f->fts_path + skip);
			diffs++;
		}
		free(other);
	}
	fts_close(fts);
	return diffs;
}

struct progress_seen {
	int calls;
	uint64_t last_done, last_total;
	bool backwards;
};

static void
on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress_seen *p = ctx;
	p->backwards |= done < p->last_done;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

/* Pump the packer's stream into the extractor, as archive_put would. */
static int
pump(struct packer *p, struct extractor *x)
{
	struct tar_reader *rd = packer_reader(p);
	char buf[16384];
	ssize_t n;
	while ((n = rd->read(rd, buf, sizeof buf)) > 0)
		if (extractor_sink(x, BERTH_STDOUT, buf, (size_t)n))
			break;
	return n < 0 ? -1 : 0;
}

static void
roundtrip(const char *what, const char *src, const char *top, const char *dst, const char *from,
	  const char *to, struct progress_seen *seen)
{
	struct berth_error err = { 0 };
	struct packer *p = packer_start(src, top, on_progress, seen, NULL, &err);
	struct extract_opts o = { .mode = EXTRACT_COPY, .dir = dst, .from = from, .to = to };
	struct extractor *x = extractor_start(&o, &err);
	ok(p && x, "%s: started (%s)", what, err.message);
	int rc = packer_finish(p, pump(p, x), &err);
	is_int(rc, 0, "%s: packed (%s)", what, err.message);
	rc = extractor_finish(x, rc, NULL, &err);
	is_int(rc, 0, "%s: unpacked (%s)", what, err.message);
}

static void
test_pack(void)
{
	char *c = path_in(scratch, "pack"), *src = path_in(c, "src");
	mkdir(c, 0755);
	make_host_tree(src);

	struct progress_seen seen = { 0 };
	char *out = path_in(c, "out");
	mkdir(out, 0755);
	roundtrip("a tree", src, "copy", out, "copy", "copy", &seen);
	char *copy = path_in(out, "copy");
	is_int(compare_trees(src, copy), 0, "the tree comes back identical");
	ok(S_ISSOCK(mode_of(src, "nested/sock")) && !exists_in(copy, "nested/sock"),
	   "a socket is left out");
	char *h1 = path_in(copy, "plain"), *h2 = path_in(copy, "nested/hard");
	struct stat s1, s2;
	ok(lstat(h1, &s1) == 0 && lstat(h2, &s2) == 0 && s1.st_ino == s2.st_ino,
	   "hard links stay hard links");
	ok(seen.calls > 2 && !seen.backwards, "progress reported (%d calls), never backwards", seen.calls);
	is_int(seen.last_total, (3u << 20) + 6 + 18 + 5, "progress total is the file bytes, a hard link once");
	is_int(seen.last_done, seen.last_total, "and ends complete");

	/* SRC/. : the children at the top. */
	char *flat = path_in(c, "flat");
	mkdir(flat, 0755);
	roundtrip("a tree's contents", src, NULL, flat, ".", NULL, &seen);
	ok(exists_in(flat, "big.bin") && exists_in(flat, "nested/deeper/leaf file"),
	   "the contents land straight in");

	/* A single file, renamed. */
	char *one = path_in(src, "exec script");
	roundtrip("one file", one, "renamed script", flat, "renamed script", "renamed script", &seen);
	is_int(mode_of(flat, "renamed script") & 07777, 0750, "its mode comes along");

	/* A missing source fails with its name. */
	struct berth_error err = { 0 };
	char *missing = path_in(c, "missing");
	struct packer *p = packer_start(missing, "m", NULL, NULL, NULL, &err);
	char buf[512];
	ssize_t n, got = 0;
	while ((n = packer_reader(p)->read(packer_reader(p), buf, sizeof buf)) > 0)
		got += n;
	is_int(n, -1, "a missing source fails the stream");
	is_int(got, 0, "without sending an end-of-archive marker first");
	is_int(packer_finish(p, -1, &err), -1, "and the packer");
	ok(strstr(err.message, "missing") != NULL, "naming it (%s)", err.message);

	free(missing);
	free(one);
	free(flat);
	free(h1);
	free(h2);
	free(copy);
	free(out);
	free(src);
	free(c);
}

static int
open_fds(void)
{
	return count_entries("/proc/self/fd");
}

int
main(void)
{
	snprintf(scratch, sizeof scratch, "%s/berth-extract-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 99;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	umask(022);
	int fds = open_fds();
	test_dotdot();
	test_absolute();
	test_symlink_escape();
	test_hardlinks();
	test_devices();
	test_claimed_size();
	test_outside_source();
	test_normal();
	test_rootfs();
	test_pack();
	is_int(open_fds(), fds, "no file descriptor left open");
	int rc = tap_done();
	if (rc == 0) {
		char *cmd = xasprintf("rm -rf '%s'", scratch);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", scratch);
		free(cmd);
	} else {
		printf("# left %s for a look\n", scratch);
	}
	return rc;
}
