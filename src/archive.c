/* archive.c: streaming tar packing and safe extraction with libarchive.
 *
 * Packing is pulled by the transfer, on its own thread: each read of the
 * struct tar_reader walks the source with archive_read_disk a step further
 * and has libarchive write the pax stream unblocked. Headers, padding and the
 * end marker are queued; file data is handed over by reference to the disk
 * reader's buffer and copied once, into the transfer's buffer (a streamed
 * `tar | curl -T` copies it three times). Memory stays at that buffer and a
 * header or two, whatever the size of the files.
 *
 * Extraction: the transfer pushes the engine's bytes into one end of a socket
 * pair (extractor_sink); a thread reads the other end with libarchive and
 * writes into a private temporary directory made inside the destination
 * directory, so on the same filesystem. Before anything is written, every
 * entry is checked: no absolute name, no "..", nothing outside the requested
 * source, no write through a symlink (libarchive's SECURE flags and our own
 * walk of the parent path), hard links only to entries already extracted, no
 * device nodes or FIFOs, no setuid or setgid bits. In copy mode symlinks must
 * resolve inside the destination, checked on their text as they arrive and
 * again, through the symlinks they meet, once the whole tree is there. A
 * claimed size is never trusted: data is written as it arrives and a short
 * body is a truncated archive. On success the temporary tree is merged into
 * the destination by renameat(2) on directory descriptors opened without
 * following symlinks; on failure or cancel it is removed, so a failed copy
 * leaves nothing behind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive-priv.h"
#include "http.h"
#include "thread.h"
#include "util.h"

#define STREAM_BLOCK (64 * 1024)
#define MAX_LINK_HOPS 40

/* ------------------------------------------------------------------ */
/* Shared plumbing. */

static int
socket_pair(int sv[2], struct berth_error *err)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return berth_fail(err, BERTH_EIO, "cannot create a socket pair: %s", strerror(errno));
	return 0;
}

/* Start a helper thread (every signal blocked, so signals reach the UI thread). */
static int
thread_start(pthread_t *t, void *(*fn)(void *), void *arg, struct berth_error *err)
{
	int rc = berth_thread_start(t, 0, false, fn, arg);
	if (rc)
		return berth_fail(err, BERTH_EIO, "cannot start a thread: %s", strerror(rc));
	return 0;
}

static void *
preload_run(void *arg)
{
	archive_lib_load(NULL);
	return arg;
}

void
archive_lib_preload(void)
{
	pthread_t t;
	if (thread_start(&t, preload_run, NULL, NULL) == 0)
		pthread_detach(t);
}

/* Make a message safe for a terminal: names in it come from an archive, so
 * control bytes (C0, DEL, and C1 as UTF-8) become '?'. */
static void
message_sanitize(struct berth_error *e)
{
	for (unsigned char *p = (unsigned char *)e->message; *p; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p[0] = p[1] = '?';
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			*p = '?';
		}
	}
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ------------------------------------------------------------------ */
/* Packing. */

enum pack_state {
	PACK_START,	/* nothing opened yet */
	PACK_HEADER,	/* the next entry's header comes next */
	PACK_DATA,	/* the current file's data comes next */
	PACK_DONE,	/* the end-of-archive marker is out */
	PACK_FAILED,	/* perr says why; nothing more goes out */
};

struct packer {
	struct tar_reader rd;	/* handed to archive_put; rd.ctx is the packer */
	char *src;		/* the source path as given ("dir/" follows a symlink) */
	char *top;		/* name of src's own entry, NULL: children at the top */
	berth_progress progress;
	void *pctx;
	berth_cancel *cancel;
	enum pack_state state;
	struct archive *disk, *w;
	struct archive_entry_linkresolver *lr;
	char *host;		/* the current file's host path, for messages */
	uint64_t total;		/* file bytes to pack */
	uint64_t done;		/* file bytes packed so far */
	struct buf out;		/* what libarchive wrote and the reader did not take yet */
	size_t out_off;
	bool by_ref;		/* file data is being written: keep a reference, no copy */
	const char *ref;	/* file data not taken yet, in the disk reader's buffer (after out) */
	size_t ref_len;
	struct berth_error perr;/* the packer's error */
	struct berth_error rerr;/* the reader's error, as seen by the transfer */
};

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* Whether a file with several links was met before (its data is packed once). */
static bool
seen_before(struct buf *seen, const struct stat *st)
{
	struct file_id key = { st->st_dev, st->st_ino };
	const struct file_id *ids = (const void *)seen->data;
	for (size_t i = 0; i < seen->len / sizeof key; i++)
		if (ids[i].dev == key.dev && ids[i].ino == key.ino)
			return true;
	buf_append(seen, &key, sizeof key);
	return false;
}

/* Sum of the sizes of the regular files under path (following no symlink but
 * path itself, when it ends with "/"). */
static uint64_t
pack_measure(const char *path)
{
	char *const paths[] = { (char *)path, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR |
			    (str_ends_with(path, "/") ? FTS_COMFOLLOW : 0), NULL);
	struct buf seen = { 0 };
	uint64_t total = 0;
	if (!fts)
		return 0;
	for (FTSENT *f; (f = fts_read(fts));)
		if (f->fts_info == FTS_F &&
		    (f->fts_statp->st_nlink < 2 || !seen_before(&seen, f->fts_statp)))
			total += (uint64_t)f->fts_statp->st_size;
	fts_close(fts);
	buf_free(&seen);
	return total;
}

/* libarchive's output, unblocked: file data stays where the disk reader put it
 * (the reader copies it once, into the transfer's buffer); headers, padding
 * and the end-of-archive marker are queued. */
static la_ssize_t
pack_write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct packer *p = ctx;
	if (p->state == PACK_FAILED)	/* a failed stream must not end like a good one */
		return (la_ssize_t)len;
	if (p->by_ref && !p->ref_len) {
		p->ref = buf;
		p->ref_len = len;
		return (la_ssize_t)len;
	}
	if (p->ref_len) {	/* keep the order: what is referenced goes first */
		buf_append(&p->out, p->ref, p->ref_len);
		p->ref_len = 0;
	}
	buf_append(&p->out, buf, len);
	return (la_ssize_t)len;
}

/* Rename e from its place under p->src to its name in the archive; false for the
 * source itself when only its children are wanted. */
static bool
pack_rename(struct packer *p, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	/* libarchive drops a trailing slash of src ("dir/" -> "dir") from the top entry */
	size_t len = strlen(p->src);
	while (len > 1 && p->src[len - 1] == '/')
		len--;
	const char *rest = strlen(name) >= len ? name + len : "";
	while (*rest == '/')
		rest++;
	char *mapped;
	if (p->top)
		mapped = *rest ? xasprintf("%s/%s", p->top, rest) : xstrdup(p->top);
	else if (*rest)
		mapped = xstrdup(rest);
	else
		return false;
	archive_entry_set_pathname(e, mapped);
	free(mapped);
	return true;
}

static int
pack_write_error(struct packer *p, const char *what)
{
	return berth_fail(&p->perr, BERTH_EIO, "cannot pack %s: %s", what,
			  archive_error_string(p->w));
}

/* A failure of libarchive's disk reader, with the system's reason when it has one
 * (libarchive's own text repeats the path). */
static int
pack_read_error(struct packer *p, const char *what)
{
	int e = archive_errno(p->disk);
	return berth_fail(&p->perr, BERTH_EIO, "cannot read %s: %s", what,
			  e > 0 ? strerror(e) : archive_error_string(p->disk));
}

static int
pack_open(struct packer *p)
{
	p->disk = archive_read_disk_new();
	p->w = archive_write_new();
	p->lr = archive_entry_linkresolver_new();
	/* "link/" names the directory the link points to (docker cp follows it too) */
	if (str_ends_with(p->src, "/"))
		archive_read_disk_set_symlink_hybrid(p->disk);
	else
		archive_read_disk_set_symlink_physical(p->disk);
	archive_read_disk_set_behavior(p->disk, ARCHIVE_READDISK_NO_XATTR |
				       ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS |
				       ARCHIVE_READDISK_NO_SPARSE);
	archive_write_set_format_pax_restricted(p->w);
	archive_write_set_bytes_per_block(p->w, 0);
	archive_entry_linkresolver_set_strategy(p->lr, archive_format(p->w));
	if (archive_read_disk_open(p->disk, p->src) != ARCHIVE_OK)
		return pack_read_error(p, p->src);
	if (archive_write_open(p->w, p, NULL, pack_write_cb, NULL) != ARCHIVE_OK)
		return pack_write_error(p, p->src);
	p->state = PACK_HEADER;
	return 0;
}

/* Write the next entry's header; its data follows when it is a file with some. */
static int
pack_header(struct packer *p)
{
	struct archive_entry *e = archive_entry_new(), *spare = NULL;
	int r = archive_read_next_header2(p->disk, e), rc = 0;
	if (r == ARCHIVE_EOF) {
		if (archive_write_close(p->w) != ARCHIVE_OK)
			rc = pack_write_error(p, p->src);
		p->state = PACK_DONE;
	} else if (r < ARCHIVE_WARN) {
		rc = pack_read_error(p, p->src);
	} else {
		archive_read_disk_descend(p->disk);
		free(p->host);
		p->host = xstrdup(archive_entry_pathname(e));
		/* tar cannot hold a socket; docker cp leaves them out too */
		if (archive_entry_filetype(e) != AE_IFSOCK && pack_rename(p, e)) {
			archive_entry_linkify(p->lr, &e, &spare);
			if (e && archive_write_header(p->w, e) < ARCHIVE_WARN)
				rc = pack_write_error(p, archive_entry_pathname(e));
			else if (e && archive_entry_filetype(e) == AE_IFREG &&
				 !archive_entry_hardlink(e) && archive_entry_size(e) > 0)
				p->state = PACK_DATA;
		}
	}
	archive_entry_free(e);
	archive_entry_free(spare);
	return rc;
}

/* Hand the next block of the current file's data to libarchive, by reference. */
static int
pack_data(struct packer *p)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(p->disk, &buf, &size, &off);
	if (r == ARCHIVE_EOF) {
		p->state = PACK_HEADER;
		return 0;
	}
	if (r != ARCHIVE_OK)
		return pack_read_error(p, p->host);
	p->by_ref = true;
	la_ssize_t n = archive_write_data(p->w, buf, size);
	p->by_ref = false;
	if (n < 0)
		return pack_write_error(p, p->host);
	p->done += size;
	return 0;
}

/* Produce more of the stream; -1 (p->perr set) when packing failed. */
static int
pack_step(struct packer *p)
{
	if (berth_cancel_is_set(p->cancel))
		return berth_fail(&p->perr, BERTH_ECANCELLED, "cancelled");
	switch (p->state) {
	case PACK_START:
		return pack_open(p);
	case PACK_HEADER:
		return pack_header(p);
	default:
		return pack_data(p);
	}
}

static void
pack_report(struct packer *p)
{
	if (p->progress)
		p->progress(p->pctx, p->done, p->total);
}

/* Take up to len bytes of what libarchive wrote, queued first, then referenced. */
static size_t
pack_take(struct packer *p, char *buf, size_t len)
{
	size_t n = 0;
	if (p->out.len > p->out_off) {
		n = p->out.len - p->out_off < len ? p->out.len - p->out_off : len;
		memcpy(buf, p->out.data + p->out_off, n);
		p->out_off += n;
		if (p->out_off == p->out.len)
			p->out.len = p->out_off = 0;
	} else if (p->ref_len) {
		n = p->ref_len < len ? p->ref_len : len;
		memcpy(buf, p->ref, n);
		p->ref += n;
		p->ref_len -= n;
	}
	return n;
}

/* The reader: fills buf with what libarchive wrote, packing more as it runs dry,
 * so that each piece the transfer sends is as large as its buffer. */
static ssize_t
packer_read(struct tar_reader *rd, char *buf, size_t len)
{
	struct packer *p = rd->ctx;
	size_t got = 0;
	while (got < len) {
		size_t n = pack_take(p, buf + got, len - got);
		got += n;
		if (n)
			continue;
		if (p->state == PACK_DONE || p->state == PACK_FAILED)
			break;
		if (pack_step(p) < 0) {
			p->state = PACK_FAILED;
			message_sanitize(&p->perr);
			p->rerr = p->perr;
		}
	}
	if (!got && p->state == PACK_FAILED)
		return -1;
	pack_report(p);
	return (ssize_t)got;
}

struct packer *
packer_start(const char *src, const char *top, berth_progress progress, void *pctx,
	     berth_cancel *cancel, struct berth_error *err)
{
	struct packer *p = xcalloc(1, sizeof *p);
	p->src = xstrdup(src);
	p->top = xstrdup(top);
	p->progress = progress;
	p->pctx = pctx;
	p->cancel = cancel;
	p->rd.read = packer_read;
	p->rd.ctx = p;
	p->rd.err = &p->rerr;
	p->total = pack_measure(src);
	return p;
}

struct tar_reader *
packer_reader(struct packer *p)
{
	return &p->rd;
}

int
packer_finish(struct packer *p, int transfer_rc, struct berth_error *err)
{
	int rc = 0;
	if (p->state == PACK_FAILED) {
		if (err)
			*err = p->perr;
		rc = -1;
	} else if (transfer_rc < 0) {
		rc = -1;
	} else if (p->state != PACK_DONE) {
		rc = berth_fail(err, BERTH_EPROTOCOL,
				"the engine answered before reading the whole archive");
	}
	if (p->state != PACK_DONE)	/* no end-of-archive marker for a cut stream */
		p->state = PACK_FAILED;
	if (p->w)
		archive_write_free(p->w);
	if (p->disk)
		archive_read_free(p->disk);
	if (p->lr)
		archive_entry_linkresolver_free(p->lr);
	buf_free(&p->out);
	free(p->host);
	free(p->src);
	free(p->top);
	free(p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Extraction. */

struct extractor {
	enum extract_mode mode;
	char *dir;		/* real path of the destination directory */
	char *from, *to;	/* top entry renaming (see struct extract_opts) */
	bool from_root;		/* the source is "/": Docker names its entries "/x" */
	uint64_t total;
	berth_progress progress;
	void *pctx;
	berth_cancel *cancel;
	char *tmp;		/* absolute path of the private temporary directory */
	int tmpfd;
	int sock[2];		/* [0] read by the thread, [1] fed by the sink */
	pthread_t thread;
	bool started;
	atomic_bool stopped;	/* the thread reads no more */
	_Atomic uint64_t bytes;	/* file bytes written */
	int rc;			/* the thread's result */
	struct berth_error xerr;/* the thread's error */
	struct extract_stats st;
	bool saw_symlink;
};

static int
entry_unsafe(struct extractor *x, const char *name, const char *why)
{
	return berth_fail(&x->xerr, BERTH_EUNSAFE, "refusing the archive entry \"%.200s\": %s", name,
			  why);
}

/* Map an archive name to its path under the destination; *out NULL means the
 * destination directory itself. Refuses absolute names, "..", and in copy mode
 * names outside the requested source. */
static int
map_name(struct extractor *x, const char *name, char **out)
{
	*out = NULL;
	if (name[0] == '/' && x->from_root)
		name += strspn(name, "/");
	else if (name[0] == '/')
		return entry_unsafe(x, name, "its path is absolute");
	struct buf clean = { 0 };
	char *copy = xstrdup(name), *save = NULL;
	bool first = true;
	int rc = 0;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			rc = entry_unsafe(x, name, "its path contains \"..\"");
			break;
		}
		if (first && strcmp(x->from, ".")) {
			if (strcmp(c, x->from)) {
				rc = entry_unsafe(x, name, "it is outside the requested path");
				break;
			}
			c = x->to ? x->to : x->from;
		}
		first = false;
		if (clean.len)
			buf_appends(&clean, "/");
		buf_appends(&clean, c);
	}
	free(copy);
	if (rc == 0 && first && strcmp(x->from, "."))
		rc = entry_unsafe(x, name, "it is outside the requested path");
	if (rc < 0) {
		buf_free(&clean);
		return -1;
	}
	if (!strcmp(x->from, ".") && x->to)
		*out = clean.len ? xasprintf("%s/%s", x->to, clean.data) : xstrdup(x->to);
	else if (clean.len)
		*out = buf_steal(&clean);
	buf_free(&clean);
	return 0;
}

/* Whether a symlink's text alone keeps it inside the destination, from where it sits. */
static bool
link_text_inside(const char *rel, const char *target)
{
	if (!target[0] || target[0] == '/')
		return false;
	int depth = 0;
	for (const char *s = rel; *s; s++)
		depth += *s == '/';
	for (const char *c = target; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 2 && !strncmp(c, "..", 2)) {
			if (--depth < 0)
				return false;
		} else if (n && !(n == 1 && c[0] == '.')) {
			depth++;
		}
		c += n;
		c += *c == '/';
	}
	return true;
}

/* Fail unless every existing element of rel's parent path in the temporary tree is
 * a real directory: nothing may be written through a symlink. */
static int
check_parents(struct extractor *x, const char *name, const char *rel)
{
	char *path = xstrdup(rel);
	int rc = 0;
	for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		struct stat st;
		if (fstatat(x->tmpfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;	/* missing: libarchive makes it a directory */
		if (S_ISLNK(st.st_mode)) {
			char *why = xasprintf("it would be written through the symlink \"%s\"", path);
			rc = entry_unsafe(x, name, why);
			free(why);
			break;
		}
		*slash = '/';
	}
	free(path);
	return rc;
}

/* Set a name of e (set: its pathname or hardlink) to rel's place in the temporary tree. */
static void
set_in_tmp(struct extractor *x, struct archive_entry *e,
	   void (*set)(struct archive_entry *, const char *), const char *rel)
{
	char *abs = xasprintf("%s/%s", x->tmp, rel);
	set(e, abs);
	free(abs);
}

/* Point a hard link at its target inside the temporary tree. */
static int
map_hardlink(struct extractor *x, struct archive_entry *e, const char *name)
{
	const char *target = archive_entry_hardlink(e);
	char *rel;
	struct stat st;
	if (target[0] == '/' && !x->from_root)
		return entry_unsafe(x, name, "it is a hard link to an absolute path");
	if (map_name(x, target, &rel) < 0) {
		char *why = xasprintf("it is a hard link to \"%s\", outside the destination", target);
		entry_unsafe(x, name, why);
		free(why);
		return -1;
	}
	int rc = 0;
	if (!rel)
		rc = entry_unsafe(x, name, "it is a hard link to the destination directory");
	else if ((rc = check_parents(x, name, rel)) == 0 &&
		 (fstatat(x->tmpfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode)))
		rc = entry_unsafe(x, name, "it is a hard link to a file not extracted before it");
	if (rc == 0)
		set_in_tmp(x, e, archive_entry_set_hardlink, rel);
	free(rel);
	return rc;
}

/* Check e and point it into the temporary tree; 1 when it is to be skipped. */
static int
prepare_entry(struct extractor *x, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	if (!name || !*name)
		return entry_unsafe(x, "", "it has no name");
	mode_t type = archive_entry_filetype(e);
	if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) {
		x->st.skipped++;
		return 1;
	}
	char *rel;
	if (map_name(x, name, &rel) < 0)
		return -1;
	if (!rel)	/* the destination directory itself: left as it is */
		return 1;
	int rc = check_parents(x, name, rel);
	struct stat st;
	if (rc == 0 && type != AE_IFDIR && fstatat(x->tmpfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode))
		rc = entry_unsafe(x, name, "it would replace a directory extracted before it");
	if (rc == 0 && type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);
		x->saw_symlink = true;
		if (!target)
			rc = entry_unsafe(x, name, "it is a symlink without a target");
		else if (x->mode == EXTRACT_COPY && target[0] != '/' && !link_text_inside(rel, target))
			rc = entry_unsafe(x, name, "it is a symlink that points outside the destination");
	}
	if (rc == 0 && archive_entry_hardlink(e))
		rc = map_hardlink(x, e, name);
	if (rc == 0) {
		if (type == AE_IFREG)	/* a container never plants setuid programs here */
			archive_entry_set_perm(e, archive_entry_perm(e) & ~(mode_t)(S_ISUID | S_ISGID));
		set_in_tmp(x, e, archive_entry_set_pathname, rel);
	}
	free(rel);
	return rc;
}

/* A failure of libarchive's disk writer (which reports even a failed write(2)
 * as a mere warning), with the system's reason when it has one. */
static int
disk_error(struct extractor *x, struct archive *out, const char *verb, const char *name)
{
	int e = archive_errno(out);
	const char *text = archive_error_string(out);
	return berth_fail(&x->xerr, BERTH_EIO, "cannot %s \"%s\": %s%s%s", verb, name,
			  text ? text : "failed", e > 0 ? ": " : "", e > 0 ? strerror(e) : "");
}

static int
extract_data(struct extractor *x, struct archive *in, struct archive *out, const char *name)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	for (;;) {
		if (berth_cancel_is_set(x->cancel))
			return berth_fail(&x->xerr, BERTH_ECANCELLED, "cancelled");
		int r = archive_read_data_block(in, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return berth_fail(&x->xerr, BERTH_EPROTOCOL,
					  "the archive is damaged at \"%s\": %s", name,
					  archive_error_string(in));
		if (archive_write_data_block(out, buf, size, off) != ARCHIVE_OK)
			return disk_error(x, out, "write", name);
		atomic_fetch_add(&x->bytes, size);
	}
}

static int
extract_entry(struct extractor *x, struct archive *in, struct archive *out,
	      struct archive_entry *e)
{
	char *name = xstrdup(archive_entry_pathname(e));
	int rc = prepare_entry(x, e);
	if (rc == 0) {
		if (archive_write_header(out, e) != ARCHIVE_OK)
			rc = disk_error(x, out, "extract", name);
		else if (archive_entry_size(e) > 0)
			rc = extract_data(x, in, out, name);
		if (rc == 0 && archive_write_finish_entry(out) != ARCHIVE_OK)
			rc = disk_error(x, out, "extract", name);
		x->st.entries += rc == 0;
	}
	free(name);
	return rc < 0 ? -1 : 0;
}

/* Drop the last element of a relative path held in b; false when b is already the top. */
static bool
path_pop(struct buf *b)
{
	if (!b->len)
		return false;
	char *slash = strrchr(b->data, '/');
	b->len = slash ? (size_t)(slash - b->data) : 0;
	b->data[b->len] = '\0';
	return true;
}

/* Whether the symlink at rel stays inside the temporary tree when followed,
 * through the symlinks it meets on the way. */
static bool
link_resolves_inside(struct extractor *x, const char *rel, const char *target)
{
	if (!target[0] || target[0] == '/')
		return false;
	struct buf cur = { 0 };
	const char *slash = strrchr(rel, '/');
	buf_append(&cur, rel, slash ? (size_t)(slash - rel) : 0);
	char *rest = xstrdup(target), *p = rest;
	bool inside = true;
	int hops = 0;
	while (inside && *p) {
		size_t n = strcspn(p, "/");
		char *comp = xstrndup(p, n);
		p += n + (p[n] == '/');
		if (!strcmp(comp, "..")) {
			inside = path_pop(&cur);
		} else if (n && strcmp(comp, ".")) {
			size_t before = cur.len;
			if (cur.len)
				buf_appends(&cur, "/");
			buf_appends(&cur, comp);
			struct stat st;	/* cur holds no symlink: each one met is expanded */
			if (fstatat(x->tmpfd, cur.data, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode)) {
				char t[PATH_MAX];
				ssize_t tn = readlinkat(x->tmpfd, cur.data, t, sizeof t - 1);
				if (++hops > MAX_LINK_HOPS || tn <= 0 || t[0] == '/') {
					inside = false;
				} else {
					t[tn] = '\0';
					char *next = xasprintf("%s/%s", t, p);
					free(rest);
					rest = p = next;
					cur.len = before;
					cur.data[cur.len] = '\0';
				}
			}
		}
		free(comp);
	}
	free(rest);
	buf_free(&cur);
	return inside;
}

/* After the whole tree is out: every symlink must resolve inside it. */
static int
check_links(struct extractor *x)
{
	char *const paths[] = { x->tmp, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		return berth_fail(&x->xerr, BERTH_EIO, "cannot walk %s: %s", x->tmp, strerror(errno));
	int rc = 0;
	size_t skip = strlen(x->tmp) + 1;
	for (FTSENT *f; rc == 0 && (f = fts_read(fts));) {
		if (f->fts_info != FTS_SL)
			continue;
		char t[PATH_MAX];
		ssize_t n = readlink(f->fts_path, t, sizeof t - 1);
		t[n > 0 ? n : 0] = '\0';
		if (t[0] != '/' && !link_resolves_inside(x, f->fts_path + skip, t))
			rc = berth_fail(&x->xerr, BERTH_EUNSAFE,
					"refusing the symlink \"%s\" -> \"%s\": it resolves outside the destination",
					f->fts_path + skip, t);
	}
	fts_close(fts);
	return rc;
}

static int
extract_run(struct extractor *x)
{
	struct archive *in = archive_read_new();
	struct archive *out = archive_write_disk_new();
	archive_read_support_format_tar(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
				       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	int rc = 0;
	if (archive_read_open_fd(in, x->sock[0], STREAM_BLOCK) != ARCHIVE_OK)
		rc = berth_fail(&x->xerr, BERTH_EPROTOCOL, "the archive is unreadable: %s",
				archive_error_string(in));
	while (rc == 0) {
		struct archive_entry *e;
		if (berth_cancel_is_set(x->cancel)) {
			rc = berth_fail(&x->xerr, BERTH_ECANCELLED, "cancelled");
			break;
		}
		int r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			rc = berth_fail(&x->xerr, BERTH_EPROTOCOL, "the archive is damaged: %s",
					archive_error_string(in));
		else
			rc = extract_entry(x, in, out, e);
	}
	if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
		rc = berth_fail(&x->xerr, BERTH_EIO, "cannot finish extracting: %s",
				archive_error_string(out));
	archive_write_free(out);
	archive_read_free(in);
	if (rc == 0 && x->st.entries == 0 && x->st.skipped == 0 && strcmp(x->from, "."))
		rc = berth_fail(&x->xerr, BERTH_EPROTOCOL, "the archive of %s is empty", x->from);
	if (rc == 0 && x->mode == EXTRACT_COPY && x->saw_symlink)
		rc = check_links(x);
	return rc;
}

static void *
extract_thread(void *arg)
{
	struct extractor *x = arg;
	x->rc = extract_run(x);
	message_sanitize(&x->xerr);
	atomic_store(&x->stopped, true);
	shutdown(x->sock[0], SHUT_RDWR);	/* the sink's next send fails: it stops */
	return NULL;
}

/* Remove a tree without following symlinks, making directories writable first. */
static void
remove_tree(const char *path)
{
	char *const paths[] = { (char *)path, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		return;
	for (FTSENT *f; (f = fts_read(fts));) {
		switch (f->fts_info) {
		case FTS_D:
			chmod(f->fts_accpath, 0700);
			break;
		case FTS_DP:
			rmdir(f->fts_accpath);
			break;
		default:
			unlink(f->fts_accpath);
			break;
		}
	}
	fts_close(fts);
}

static int
open_dir_at(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The names in a directory (NULL-terminated, caller frees with strv rules). */
static char **
dir_names(int dirfd, size_t *n)
{
	char **names = NULL;
	*n = 0;
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		close_fd(&fd);
		return NULL;
	}
	rewinddir(d);
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strv_push(&names, n, de->d_name);
	closedir(d);
	return names;
}

/* Move the tree at srcfd into dstfd, merging directories that exist on both sides
 * and replacing files; with dry, only look for conflicts. rel names the place for
 * messages. */
static int
merge_dir(struct extractor *x, int srcfd, int dstfd, const char *rel, bool dry)
{
	size_t n;
	char **names = dir_names(srcfd, &n);
	int rc = 0;
	if (!dry)
		fchmod(srcfd, 0700);	/* its children are moved out of it */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *name = names[i];
		char *where = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		struct stat ss, ds;
		if (fstatat(srcfd, name, &ss, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = berth_fail(&x->xerr, BERTH_EIO, "cannot read %s: %s", where, strerror(errno));
		} else if (fstatat(dstfd, name, &ds, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				rc = berth_fail(&x->xerr, BERTH_EIO, "cannot read %s/%s: %s", x->dir,
						where, strerror(errno));
			else if (!dry && renameat(srcfd, name, dstfd, name) < 0)
				rc = berth_fail(&x->xerr, BERTH_EIO, "cannot move %s into %s: %s", where,
						x->dir, strerror(errno));
		} else if (S_ISDIR(ss.st_mode) && S_ISDIR(ds.st_mode)) {
			int s = open_dir_at(srcfd, name), d = open_dir_at(dstfd, name);
			if (s < 0 || d < 0)
				rc = berth_fail(&x->xerr, BERTH_EIO, "cannot open %s/%s: %s", x->dir,
						where, strerror(errno));
			else
				rc = merge_dir(x, s, d, where, dry);
			close_fd(&s);
			close_fd(&d);
		} else if (S_ISDIR(ss.st_mode) || S_ISDIR(ds.st_mode)) {
			rc = berth_fail(&x->xerr, BERTH_ECONFLICT,
					"cannot overwrite %s %s/%s with %s", S_ISDIR(ds.st_mode) ?
					"the directory" : "the non-directory", x->dir, where,
					S_ISDIR(ds.st_mode) ? "a non-directory" : "a directory");
		} else if (!dry && renameat(srcfd, name, dstfd, name) < 0) {
			rc = berth_fail(&x->xerr, BERTH_EIO, "cannot replace %s/%s: %s", x->dir, where,
					strerror(errno));
		}
		free(where);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Move the finished tree into the destination: first check, then rename. */
static int
extract_commit(struct extractor *x)
{
	int dstfd = open(x->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dstfd < 0)
		return berth_fail(&x->xerr, BERTH_EIO, "cannot open %s: %s", x->dir, strerror(errno));
	int rc = merge_dir(x, x->tmpfd, dstfd, "", true);
	if (rc == 0)
		rc = merge_dir(x, x->tmpfd, dstfd, "", false);
	close(dstfd);
	return rc;
}

struct extractor *
extractor_start(const struct extract_opts *o, struct berth_error *err)
{
	if (archive_lib_load(err) < 0)
		return NULL;
	char *dir = realpath(o->dir, NULL);
	struct stat st;
	if (!dir || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int e = dir ? ENOTDIR : errno;
		free(dir);
		return berth_fail(err, e == ENOENT || e == ENOTDIR ? BERTH_ENOTFOUND : BERTH_EIO,
				  "the destination directory %s %s", o->dir,
				  e == ENOENT ? "does not exist" : e == ENOTDIR ? "is not a directory" :
				  strerror(e)), NULL;
	}
	struct extractor *x = xcalloc(1, sizeof *x);
	x->mode = o->mode;
	x->dir = dir;
	x->from_root = o->from && !strcmp(o->from, "/");
	x->from = xstrdup(o->from && !x->from_root ? o->from : ".");
	x->to = xstrdup(o->to);
	x->total = o->total;
	x->progress = o->progress;
	x->pctx = o->pctx;
	x->cancel = o->cancel;
	x->sock[0] = x->sock[1] = x->tmpfd = -1;
	x->tmp = xasprintf("%s/.berth-XXXXXX", dir);
	if (!mkdtemp(x->tmp)) {
		berth_fail(err, BERTH_EIO, "cannot create a temporary directory in %s: %s", dir,
			   strerror(errno));
		free(x->tmp);
		x->tmp = NULL;
	} else if ((x->tmpfd = open_dir_at(AT_FDCWD, x->tmp)) < 0) {
		berth_fail(err, BERTH_EIO, "cannot open %s: %s", x->tmp, strerror(errno));
	} else if (socket_pair(x->sock, err) == 0 &&
		   thread_start(&x->thread, extract_thread, x, err) == 0) {
		x->started = true;
		return x;
	}
	x->rc = -1;
	extractor_finish(x, -1, NULL, NULL);
	return NULL;
}

int
extractor_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct extractor *x = ctx;
	if (atomic_load(&x->stopped) || http_send_all(x->sock[1], buf, len) < 0)
		return 1;
	if (x->progress)
		x->progress(x->pctx, atomic_load(&x->bytes), x->total);
	return 0;
}

int
extractor_finish(struct extractor *x, int transfer_rc, struct extract_stats *st,
		 struct berth_error *err)
{
	/* Who failed first: an extractor that stopped on its own was not cut short. */
	bool stopped_first = atomic_load(&x->stopped);
	close_fd(&x->sock[1]);	/* end of stream for the thread */
	if (x->started)
		pthread_join(x->thread, NULL);
	int rc;
	if (x->rc < 0 && (stopped_first || transfer_rc == 0)) {
		if (err)
			*err = x->xerr;
		rc = -1;
	} else if (transfer_rc < 0) {
		rc = -1;
	} else if ((rc = extract_commit(x)) < 0 && err) {
		message_sanitize(&x->xerr);
		*err = x->xerr;
	}
	if (rc == 0 && x->progress)
		x->progress(x->pctx, atomic_load(&x->bytes), x->total);
	x->st.bytes = atomic_load(&x->bytes);
	if (st)
		*st = x->st;
	if (x->tmp)
		remove_tree(x->tmp);
	close_fd(&x->tmpfd);
	close_fd(&x->sock[0]);
	free(x->tmp);
	free(x->dir);
	free(x->from);
	free(x->to);
	free(x);
	return rc;
}
