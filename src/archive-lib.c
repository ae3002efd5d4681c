/* archive-lib.c: libarchive, loaded with dlopen on first use.
 *
 * libarchive drags libxml2, ICU, libstdc++, nettle, acl, lzma, lz4, bz2 and
 * zstd into every process that links it: a third more libraries to map and
 * relocate, and their pages in the resident set, for every verb, although
 * only copies and mount (archive.c, and Zun's tar reshaping in zun-io.c) use
 * it. So berth does not link it: this file defines each libarchive call berth
 * makes, with the prototype of <archive.h> (the compiler checks every one),
 * as a forward through a pointer that dlsym fills once, from the library
 * whose soname configure found. A call berth newly makes needs its line in
 * ARCHIVE_CALLS below, or the link fails.
 *
 * archive_lib_load reports a missing library as an error; the forwards load on
 * their own too, for code that reaches them first, and abort if they cannot
 * (as the dynamic loader would have refused to start berth at all).
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive-priv.h"

/* return type, name, parameters, arguments; ARCHIVE_VOID_CALLS return nothing. */
#define ARCHIVE_CALLS(X) \
	X(const char *, archive_error_string, (struct archive *a), (a)) \
	X(int, archive_errno, (struct archive *a), (a)) \
	X(int, archive_format, (struct archive *a), (a)) \
	X(struct archive *, archive_read_new, (void), ()) \
	X(int, archive_read_free, (struct archive *a), (a)) \
	X(int, archive_read_support_format_tar, (struct archive *a), (a)) \
	X(int, archive_read_open_memory, (struct archive *a, const void *buf, size_t size), \
	  (a, buf, size)) \
	X(int, archive_read_open_fd, (struct archive *a, int fd, size_t block), (a, fd, block)) \
	X(int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e)) \
	X(int, archive_read_next_header2, (struct archive *a, struct archive_entry *e), (a, e)) \
	X(int, archive_read_data_block, \
	  (struct archive *a, const void **buf, size_t *size, la_int64_t *off), \
	  (a, buf, size, off)) \
	X(struct archive *, archive_read_disk_new, (void), ()) \
	X(int, archive_read_disk_set_symlink_physical, (struct archive *a), (a)) \
	X(int, archive_read_disk_set_symlink_hybrid, (struct archive *a), (a)) \
	X(int, archive_read_disk_set_behavior, (struct archive *a, int flags), (a, flags)) \
	X(int, archive_read_disk_open, (struct archive *a, const char *path), (a, path)) \
	X(int, archive_read_disk_descend, (struct archive *a), (a)) \
	X(struct archive *, archive_write_new, (void), ()) \
	X(int, archive_write_free, (struct archive *a), (a)) \
	X(int, archive_write_close, (struct archive *a), (a)) \
	X(int, archive_write_header, (struct archive *a, struct archive_entry *e), (a, e)) \
	X(la_ssize_t, archive_write_data, (struct archive *a, const void *buf, size_t size), \
	  (a, buf, size)) \
	X(la_ssize_t, archive_write_data_block, \
	  (struct archive *a, const void *buf, size_t size, la_int64_t off), (a, buf, size, off)) \
	X(int, archive_write_finish_entry, (struct archive *a), (a)) \
	X(int, archive_write_set_format_pax_restricted, (struct archive *a), (a)) \
	X(int, archive_write_set_bytes_per_block, (struct archive *a, int n), (a, n)) \
	X(int, archive_write_set_bytes_in_last_block, (struct archive *a, int n), (a, n)) \
	X(int, archive_write_open, (struct archive *a, void *ctx, archive_open_callback *o, \
				    archive_write_callback *w, archive_close_callback *c), \
	  (a, ctx, o, w, c)) \
	X(int, archive_write_open_memory, \
	  (struct archive *a, void *buf, size_t size, size_t *used), (a, buf, size, used)) \
	X(struct archive *, archive_write_disk_new, (void), ()) \
	X(int, archive_write_disk_set_options, (struct archive *a, int flags), (a, flags)) \
	X(struct archive_entry *, archive_entry_new, (void), ()) \
	X(const char *, archive_entry_pathname, (struct archive_entry *e), (e)) \
	X(const char *, archive_entry_hardlink, (struct archive_entry *e), (e)) \
	X(const char *, archive_entry_symlink, (struct archive_entry *e), (e)) \
	X(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e)) \
	X(__LA_MODE_T, archive_entry_perm, (struct archive_entry *e), (e)) \
	X(la_int64_t, archive_entry_size, (struct archive_entry *e), (e)) \
	X(struct archive_entry_linkresolver *, archive_entry_linkresolver_new, (void), ())

#define ARCHIVE_VOID_CALLS(X) \
	X(archive_entry_free, (struct archive_entry *e), (e)) \
	X(archive_entry_set_pathname, (struct archive_entry *e, const char *s), (e, s)) \
	X(archive_entry_set_hardlink, (struct archive_entry *e, const char *s), (e, s)) \
	X(archive_entry_set_symlink, (struct archive_entry *e, const char *s), (e, s)) \
	X(archive_entry_set_filetype, (struct archive_entry *e, unsigned int t), (e, t)) \
	X(archive_entry_set_perm, (struct archive_entry *e, __LA_MODE_T m), (e, m)) \
	X(archive_entry_set_size, (struct archive_entry *e, la_int64_t n), (e, n)) \
	X(archive_entry_set_rdev, (struct archive_entry *e, dev_t d), (e, d)) \
	X(archive_entry_set_mtime, (struct archive_entry *e, time_t t, long ns), (e, t, ns)) \
	X(archive_entry_linkresolver_set_strategy, \
	  (struct archive_entry_linkresolver *r, int format), (r, format)) \
	X(archive_entry_linkresolver_free, (struct archive_entry_linkresolver *r), (r)) \
	X(archive_entry_linkify, (struct archive_entry_linkresolver *r, \
				  struct archive_entry **e, struct archive_entry **spare), \
	  (r, e, spare))

/* The pointers dlsym fills, one per call, typed from <archive.h>. */
#define POINTER(ret, name, params, args) static __typeof__(name) *p_##name;
#define VOID_POINTER(name, params, args) static __typeof__(name) *p_##name;
ARCHIVE_CALLS(POINTER)
ARCHIVE_VOID_CALLS(VOID_POINTER)
static __typeof__(archive_set_error) *p_archive_set_error;	/* variadic: forwarded by hand */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void *lib;		/* the library, once every call was found in it */
static char load_error[256];	/* why it could not be loaded */

static void
load(void)
{
	void *h = dlopen(ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(load_error, sizeof load_error, "%s", dlerror());
		return;
	}
	struct { const char *name; void **slot; } calls[] = {
#define SLOT(ret, name, params, args) { #name, (void **)&p_##name },
#define VOID_SLOT(name, params, args) { #name, (void **)&p_##name },
		ARCHIVE_CALLS(SLOT)
		ARCHIVE_VOID_CALLS(VOID_SLOT)
		{ "archive_set_error", (void **)&p_archive_set_error },
	};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (!(*calls[i].slot = dlsym(h, calls[i].name))) {
			snprintf(load_error, sizeof load_error, "%s has no %s", ARCHIVE_SONAME,
				 calls[i].name);
			dlclose(h);
			return;
		}
	}
	lib = h;
}

int
archive_lib_load(struct berth_error *err)
{
	pthread_once(&load_once, load);
	if (!lib)
		return berth_fail(err, BERTH_EIO, "cannot load libarchive: %s", load_error);
	return 0;
}

/* Load before a forwarded call; without the library berth cannot go on. */
static void
need(void)
{
	if (archive_lib_load(NULL) < 0) {
		fprintf(stderr, "berth: cannot load libarchive: %s\n", load_error);
		abort();
	}
}

#define FORWARD(ret, name, params, args) \
	ret name params { need(); return p_##name args; }
#define VOID_FORWARD(name, params, args) \
	void name params { need(); p_##name args; }
ARCHIVE_CALLS(FORWARD)
ARCHIVE_VOID_CALLS(VOID_FORWARD)

void
archive_set_error(struct archive *a, int code, const char *fmt, ...)
{
	need();
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p_archive_set_error(a, code, "%s", msg);
}
