/* copy.c: berth cp and berth mount: docker cp's destination rules on both
 * sides, over the backend's archive_stat / archive_get / archive_put /
 * export_fs entries, with the streaming packer and the safe extractor of
 * archive.c.
 *
 * The rules (docker-api.md §5, docker/cli cp.go and moby's go-archive
 * PrepareArchiveCopy) are pure string logic in cp_*, so that the unit tests
 * can run every case without an engine.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-priv.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* The rules. */

/* Go's path.Clean: the shortest lexically equal path ("" becomes "."). */
static char *
path_clean(const char *path)
{
	bool rooted = path[0] == '/';
	struct buf out = { 0 };
	size_t dotdots = 0;	/* leading ".." elements of a relative path, kept */
	if (rooted)
		buf_appends(&out, "/");
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && !strncmp(p, "..", 2)) {
			size_t floor = rooted ? 1 : dotdots * 3;
			if (out.len > floor) {	/* drop the last element */
				char *slash = strrchr(out.data + floor, '/');
				out.len = slash ? (size_t)(slash - out.data) : floor;
				if (out.len < floor)
					out.len = floor;
				out.data[out.len] = '\0';
			} else if (!rooted) {
				if (out.len)
					buf_appends(&out, "/");
				buf_appends(&out, "..");
				dotdots++;
			}
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (out.len && out.data[out.len - 1] != '/')
				buf_appends(&out, "/");
			buf_append(&out, p, n);
		}
		p += n;
		p += *p == '/';
	}
	if (!out.len)
		buf_appends(&out, ".");
	return buf_steal(&out);
}

/* Go's filepath.Base(path) == ".": the path names a directory's contents. */
static bool
names_current_dir(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	return (n == 1 && path[0] == '.') || (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/');
}

/* Whether path insists on being a directory: a trailing "/" or "/." */
static bool
asserts_directory(const char *path)
{
	return str_ends_with(path, "/") || names_current_dir(path);
}

void
cp_split(const char *path, char **dir, char **base)
{
	char *clean = path_clean(path);
	if (names_current_dir(path)) {
		char *c = xasprintf("%s/.", clean);
		free(clean);
		clean = c;
	}
	char *slash = strrchr(clean, '/');
	if (!slash) {
		*dir = xstrdup(".");
		*base = clean;
		return;
	}
	*base = xstrdup(slash[1] ? slash + 1 : "/");
	*dir = slash == clean ? xstrdup("/") : xstrndup(clean, (size_t)(slash - clean));
	free(clean);
}

char *
cp_link_join(const char *path, const char *target)
{
	if (target[0] == '/')
		return path_clean(target);
	char *dir, *base;
	cp_split(path, &dir, &base);
	char *joined = xasprintf("%s/%s", dir, target);
	char *clean = path_clean(joined);
	free(joined);
	free(dir);
	free(base);
	return clean;
}

int
cp_plan_make(const char *src, bool src_is_dir, const char *dst, bool dst_exists,
	     bool dst_is_dir, const char *dst_label, struct cp_plan *plan,
	     struct berth_error *err)
{
	char *sdir, *sbase, *ddir, *dbase;
	plan->dir = plan->top = NULL;
	cp_split(src, &sdir, &sbase);
	cp_split(dst, &ddir, &dbase);
	int rc = 0;
	if (dst_exists && dst_is_dir) {
		plan->dir = xstrdup(dst);
		if (strcmp(sbase, ".") && strcmp(sbase, "/"))
			plan->top = xstrdup(sbase);
	} else if (dst_exists && src_is_dir) {
		rc = berth_fail(err, BERTH_ECONFLICT, "cannot copy a directory onto the file %s",
				dst_label);
	} else if (!dst_exists && !src_is_dir && asserts_directory(dst)) {
		rc = berth_fail(err, BERTH_ENOTFOUND, "the destination directory %s does not exist",
				dst_label);
	} else {	/* into the parent, under the destination's name */
		plan->dir = xstrdup(ddir);
		plan->top = xstrdup(dbase);
	}
	free(sdir);
	free(sbase);
	free(ddir);
	free(dbase);
	return rc;
}

void
cp_plan_done(struct cp_plan *plan)
{
	free(plan->dir);
	free(plan->top);
	plan->dir = plan->top = NULL;
}

/* ------------------------------------------------------------------ */
/* Guards shared by the calls. */

/* The backend entries a call needs. */
enum files_need {
	NEED_PUT,	/* archive_stat and archive_put */
	NEED_RAW_PUT,	/* the same, for a tar stream berth passes on unread */
	NEED_GET,	/* archive_stat and archive_get */
	NEED_RAW_GET,	/* archive_get alone */
	NEED_EXPORT,	/* export_fs */
};

/* Whether ops has what need names. */
static bool
files_has(const struct backend_ops *ops, enum files_need need)
{
	switch (need) {
	case NEED_PUT:
	case NEED_RAW_PUT:
		return ops->archive_stat && ops->archive_put;
	case NEED_GET:
		return ops->archive_stat && ops->archive_get;
	case NEED_RAW_GET:
		return ops->archive_get;
	default:
		return ops->export_fs;
	}
}

/* Clear err, check that the endpoint's engine has what the call needs, start
 * loading libarchive (while the caller talks to the engine) unless the call
 * passes a tar stream in unread, and return the endpoint's backend; NULL with
 * err set otherwise. */
static struct backend *
files_backend(berth_endpoint *ep, enum files_need need, struct berth_error *err)
{
	if (err) {
		err->code = BERTH_OK;
		err->http_status = 0;
		err->message[0] = '\0';
	}
	if (!ep || !ep->backend.ops) {
		berth_fail(err, BERTH_EUSAGE, "no endpoint is open");
		return NULL;
	}
	if ((need == NEED_PUT || need == NEED_RAW_PUT) &&
	    berth_refuse_if_read_only(ep, "copying files into a container", err) < 0)
		return NULL;
	if (!files_has(ep->backend.ops, need)) {
		berth_fail(err, BERTH_EUNSUPPORTED, "%s is not supported by %s (a %s endpoint)",
			   need == NEED_PUT || need == NEED_RAW_PUT ? "copying files into a container" :
			   need == NEED_EXPORT ? "unpacking a container's filesystem" :
			   "copying files out of a container",
			   ep->name ? ep->name : ep->address, berth_kind_name(ep->kind));
		return NULL;
	}
	if (need != NEED_RAW_PUT)
		archive_lib_preload();
	return &ep->backend;
}

/* On success, say what was left out (err stays BERTH_OK). */
static void
note_skipped(const struct extract_stats *st, struct berth_error *err)
{
	if (err && st->skipped)
		snprintf(err->message, sizeof err->message,
			 "left out %llu device node%s, FIFO%s or socket%s", (unsigned long long)st->skipped,
			 st->skipped == 1 ? "" : "s", st->skipped == 1 ? "" : "s",
			 st->skipped == 1 ? "" : "s");
}

/* Stat a container path, following a symlink once (docker cp does the same);
 * *resolved gets the path that was finally looked at. */
static int
stat_in_container(struct backend *b, const char *ref, const char *path, struct archive_stat *st,
		  char **resolved, berth_cancel *cancel, struct berth_error *err)
{
	*resolved = xstrdup(path);
	if (b->ops->archive_stat(b, ref, path, st, cancel, err) < 0)
		return -1;
	if (!st->exists || !st->is_link)
		return 0;
	free(*resolved);
	*resolved = cp_link_join(path, st->link_target);
	if (b->ops->archive_stat(b, ref, *resolved, st, cancel, err) < 0)
		return -1;
	if (st->exists && st->is_link)
		return berth_fail(err, BERTH_EUSAGE, "the destination %s:%s is a symlink to a symlink",
				  ref, path);
	return 0;
}

/* Stat a host path, following a symlink once; *resolved as above. */
static int
stat_on_host(const char *path, bool *exists, bool *is_dir, char **resolved,
	     struct berth_error *err)
{
	struct stat st;
	*resolved = xstrdup(path);
	*exists = *is_dir = false;
	int r = lstat(path, &st);
	if (r == 0 && S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n > 0) {
			target[n] = '\0';
			free(*resolved);
			*resolved = cp_link_join(path, target);
		}
		r = stat(*resolved, &st);
	}
	if (r < 0 && errno == ENOENT)
		return 0;
	if (r < 0)
		return berth_fail(err, BERTH_EIO, "cannot look at %s: %s", path, strerror(errno));
	*exists = true;
	*is_dir = S_ISDIR(st.st_mode);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Copying in. */

int
berth_copy_to(berth_endpoint *ep, const char *host_src, const char *ref,
	      const char *ctr_dest, berth_progress progress, void *pctx,
	      berth_cancel *cancel, struct berth_error *err)
{
	struct backend *b = files_backend(ep, NEED_PUT, err);
	if (!b)
		return -1;
	struct stat sst;	/* "link/" and "link/." name the directory link points to */
	if ((asserts_directory(host_src) ? stat(host_src, &sst) : lstat(host_src, &sst)) < 0)
		return berth_fail(err, errno == ENOENT ? BERTH_ENOTFOUND : BERTH_EIO,
				  "cannot read %s: %s", host_src, strerror(errno));
	struct archive_stat dst;
	char *dst_path, *label = xasprintf("%s:%s", ref, ctr_dest);
	struct cp_plan plan = { 0 };
	int rc = stat_in_container(b, ref, ctr_dest, &dst, &dst_path, cancel, err);
	if (rc == 0)
		rc = cp_plan_make(host_src, S_ISDIR(sst.st_mode), dst_path, dst.exists, dst.is_dir,
				  label, &plan, err);
	if (rc == 0 && (rc = archive_lib_load(err)) == 0) {
		/* SRC/. packs SRC's children: open SRC/ (still following a symlink). */
		char *src = xstrdup(host_src);
		if (names_current_dir(src)) {
			size_t n = strlen(src);
			while (n > 1 && src[n - 1] == '/')
				n--;
			src[n - 1] = '\0';
			if (!src[0])
				strcpy(src, ".");
		}
		struct packer *p = packer_start(src, plan.top, progress, pctx, cancel, err);
		rc = packer_finish(p, b->ops->archive_put(b, ref, plan.dir, packer_reader(p), cancel,
							  err), err);
		free(src);
	}
	cp_plan_done(&plan);
	free(dst_path);
	free(label);
	return rc;
}

/* A tar_reader over a file descriptor (berth cp - CTR:DIR). */
struct fd_reader {
	struct tar_reader rd;
	int fd;
	struct berth_error err;
};

static ssize_t
fd_read(struct tar_reader *rd, char *buf, size_t len)
{
	struct fd_reader *r = rd->ctx;
	ssize_t n;
	do
		n = read(r->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berth_fail(&r->err, BERTH_EIO, "cannot read the tar stream: %s",
				  strerror(errno));
	return n;
}

int
berth_copy_to_tar(berth_endpoint *ep, int tar_fd, const char *ref, const char *ctr_dir,
		  berth_cancel *cancel, struct berth_error *err)
{
	struct backend *b = files_backend(ep, NEED_RAW_PUT, err);
	if (!b)
		return -1;
	struct archive_stat st;
	char *dir;
	int rc = stat_in_container(b, ref, ctr_dir, &st, &dir, cancel, err);
	if (rc == 0 && (!st.exists || !st.is_dir))
		rc = berth_fail(err, st.exists ? BERTH_EUSAGE : BERTH_ENOTFOUND,
				"the destination %s:%s %s; a tar stream is unpacked into a directory",
				ref, ctr_dir, st.exists ? "is not a directory" : "does not exist");
	if (rc == 0) {
		struct fd_reader r = { .rd = { .read = fd_read }, .fd = tar_fd };
		r.rd.ctx = &r;
		r.rd.err = &r.err;
		rc = b->ops->archive_put(b, ref, dir, &r.rd, cancel, err);
	}
	free(dir);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Copying out. */

int
berth_copy_from(berth_endpoint *ep, const char *ref, const char *ctr_src,
		const char *host_dest, berth_progress progress, void *pctx,
		berth_cancel *cancel, struct berth_error *err)
{
	struct backend *b = files_backend(ep, NEED_GET, err);
	if (!b)
		return -1;
	struct archive_stat sst;
	if (b->ops->archive_stat(b, ref, ctr_src, &sst, cancel, err) < 0)
		return -1;
	if (!sst.exists)
		return berth_fail(err, BERTH_ENOTFOUND, "there is no %s in the container %s", ctr_src,
				  ref);
	bool exists, is_dir;
	char *dst, *sdir, *sbase;
	struct cp_plan plan = { 0 };
	int rc = stat_on_host(host_dest, &exists, &is_dir, &dst, err);
	if (rc == 0)
		rc = cp_plan_make(ctr_src, sst.is_dir, dst, exists, is_dir, host_dest, &plan, err);
	cp_split(ctr_src, &sdir, &sbase);
	if (rc == 0) {
		struct extract_opts o = {
			.mode = EXTRACT_COPY, .dir = plan.dir, .from = sbase, .to = plan.top,
			.total = sst.is_dir || sst.is_link ? 0 : sst.size,
			.progress = progress, .pctx = pctx, .cancel = cancel,
		};
		struct extract_stats xs;
		struct extractor *x = extractor_start(&o, err);
		if (!x)
			rc = -1;
		else
			rc = extractor_finish(x, b->ops->archive_get(b, ref, ctr_src, extractor_sink,
								     x, cancel, err), &xs, err);
		if (rc == 0)
			note_skipped(&xs, err);
	}
	cp_plan_done(&plan);
	free(sdir);
	free(sbase);
	free(dst);
	return rc;
}

/* A sink writing the raw tar stream to a file descriptor (berth cp CTR:PATH -). */
struct fd_sink {
	int fd;
	int error;	/* errno of a failed write */
};

static int
fd_sink_write(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct fd_sink *f = ctx;
	while (len) {
		ssize_t n = write(f->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f->error = errno;
			return 1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
berth_copy_from_tar(berth_endpoint *ep, const char *ref, const char *ctr_src, int tar_fd,
		    berth_cancel *cancel, struct berth_error *err)
{
	struct backend *b = files_backend(ep, NEED_RAW_GET, err);
	if (!b)
		return -1;
	/* An engine may reshape its archive with libarchive (Zun does): a missing
	 * library is an error here, not an abort in archive-lib.c's forwards. */
	if (archive_lib_load(err) < 0)
		return -1;
	struct fd_sink f = { .fd = tar_fd };
	if (b->ops->archive_get(b, ref, ctr_src, fd_sink_write, &f, cancel, err) < 0)
		return -1;
	if (f.error)
		return berth_fail(err, BERTH_EIO, "cannot write the tar stream: %s", strerror(f.error));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Mount: the whole filesystem, unpacked. */

int
berth_mount(berth_endpoint *ep, const char *ref, const char *dir, berth_cancel *cancel,
	    struct berth_error *err)
{
	struct backend *b = files_backend(ep, NEED_EXPORT, err);
	if (!b)
		return -1;
	struct stat st;
	char *parent = NULL, *base = NULL;
	struct extract_opts o = { .mode = EXTRACT_ROOTFS, .dir = dir, .from = ".",
				  .cancel = cancel };
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return berth_fail(err, BERTH_EUSAGE, "%s is not a directory", dir);
	} else if (errno == ENOENT) {	/* made in its parent, renamed into place */
		cp_split(dir, &parent, &base);
		o.dir = parent;
		o.to = base;
	} else {
		return berth_fail(err, BERTH_EIO, "cannot look at %s: %s", dir, strerror(errno));
	}
	struct extract_stats xs;
	struct extractor *x = extractor_start(&o, err);
	int rc = -1;
	if (x)
		rc = extractor_finish(x, b->ops->export_fs(b, ref, extractor_sink, x, cancel, err),
				      &xs, err);
	if (rc == 0)
		note_skipped(&xs, err);
	free(parent);
	free(base);
	return rc;
}
