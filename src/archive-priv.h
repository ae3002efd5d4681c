/* archive-priv.h (private): docker cp's destination rules, streaming tar
 * packing, and safe streaming extraction, all with libarchive. (Not named
 * archive.h: in src/ that name would hide libarchive's own <archive.h>.)
 *
 * Neither the archive nor a file is ever held whole in memory or on disk.
 * Packing runs on the caller's thread as the transfer reads the stream.
 * Extraction runs libarchive on a thread of its own, joined to the caller's
 * transfer by a socket pair; the caller's thread runs the transfer and calls
 * the progress callback, the helper thread only touches the disk.
 */
#ifndef BERTH_ARCHIVE_PRIV_H
#define BERTH_ARCHIVE_PRIV_H

#include "backend.h"

/* Load libarchive (archive-lib.c) if it is not yet, or wait for a load under way:
 * every entry to archives calls this before libarchive's first call, so that a
 * missing library is an error, not an abort. */
int archive_lib_load(struct berth_error *err);
/* Start loading it on a thread of its own, to overlap the caller's engine calls. */
void archive_lib_preload(void);

/* ------------------------------------------------------------------ */
/* docker cp's rules (docker-api.md §5), pure string logic. */

/* Split path into its parent and its last element as Go's archive.SplitPathDirEntry
 * does: "a/b/" -> "a", "b"; "a/b/." -> "a/b", "."; "b" -> ".", "b"; "/" -> "/", "/".
 * The caller frees both. */
void cp_split(const char *path, char **dir, char **base);

/* Where a symlink at path with that target points: target itself when absolute,
 * else target joined to path's parent (not cleaned). The caller frees it. */
char *cp_link_join(const char *path, const char *target);

/* Where a copy lands. */
struct cp_plan {
	char *dir;	/* the existing directory the archive is unpacked in */
	char *top;	/* the name the source takes in dir; NULL: the source's contents
			 * go straight into dir (SRC/. onto an existing directory) */
};

/* Apply docker cp's rules. src is the source path as given (its last element
 * names the copy; a trailing "/." means its contents); dst the destination as
 * given (after following a symlink once), with what a stat of it found.
 * dst_label names the destination in messages ("web:/tmp/x"). */
int cp_plan_make(const char *src, bool src_is_dir, const char *dst, bool dst_exists,
		 bool dst_is_dir, const char *dst_label, struct cp_plan *plan,
		 struct berth_error *err);
void cp_plan_done(struct cp_plan *plan);

/* ------------------------------------------------------------------ */
/* Packing a host file or tree into a tar stream (ustar, pax when needed). */

struct packer;

/* Get ready to pack src (not followed when a symlink; opened at the first read,
 * whose error says when it cannot be). top: the name src's own entry gets in the
 * archive, or NULL to put src's children at the top. progress (may be NULL) is
 * called from the thread that reads the stream. It cannot fail: err is left as it is. */
struct packer *packer_start(const char *src, const char *top, berth_progress progress,
			    void *pctx, berth_cancel *cancel, struct berth_error *err);
/* The stream, to hand to archive_put; its errors reach the transfer through rd->err. */
struct tar_reader *packer_reader(struct packer *p);
/* Free the packer. transfer_rc is what the transfer returned; when it failed, err
 * already holds its error, unless the packer's own failure (a file that cannot be
 * read) explains it better. Returns 0 when both succeeded. */
int packer_finish(struct packer *p, int transfer_rc, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Safe extraction of a tar stream. */

enum extract_mode {
	EXTRACT_COPY,	/* docker cp: relative symlinks must resolve inside the destination;
			 * absolute ones name the container's filesystem and are kept as data
			 * (as docker cp does: /etc/mtab -> /proc/mounts), never followed */
	EXTRACT_ROOTFS,	/* a container's filesystem: symlinks are data, kept as they are */
};

struct extract_opts {
	enum extract_mode mode;
	const char *dir;	/* the existing directory the entries land in */
	const char *from;	/* the archive's top entry name; "." when the archive's
				 * entries are all the source's contents */
	const char *to;		/* the name it gets in dir; NULL: its contents go straight
				 * into dir (only with from "." ) */
	uint64_t total;		/* expected file bytes for progress, 0 if unknown */
	berth_progress progress;/* may be NULL; called from the thread feeding the sink */
	void *pctx;
	berth_cancel *cancel;
};

struct extract_stats {
	uint64_t entries;	/* entries extracted */
	uint64_t bytes;		/* file bytes written */
	uint64_t skipped;	/* device nodes, FIFOs and sockets left out */
};

struct extractor;

/* Make a private temporary directory in o->dir and start unpacking into it.
 * Everything lands in the destination only when extractor_finish succeeds. */
struct extractor *extractor_start(const struct extract_opts *o, struct berth_error *err);
/* A berth_sink that feeds the tar stream (ctx is the extractor); it returns
 * non-zero once the extractor has stopped reading (done or failed). */
int extractor_sink(void *ctx, enum berth_stream s, const char *buf, size_t len);
/* End of the stream: wait for the extractor, then move the result into place, or
 * remove every trace of it. transfer_rc and err as for packer_finish; the
 * extractor's own failure (an unsafe entry, a truncated archive) wins over the
 * transfer's. st (may be NULL) gets the counts. Frees x. */
int extractor_finish(struct extractor *x, int transfer_rc, struct extract_stats *st,
		     struct berth_error *err);

#endif
