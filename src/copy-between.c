/* copy-between.c: a copy from one container into another, on one endpoint or
 * on two (berth cp CTR1:PATH CTR2:DIR, and the dashboard's copy dialog). The
 * source's tar stream is read on a helper thread into a pipe whose other end
 * feeds the destination's upload, so memory stays bounded whatever the size. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "berth.h"
#include "thread.h"
#include "util.h"

/* The source side, on its own thread: its tar stream into the pipe. */
struct cp_source {
	berth_endpoint *ep;
	const char *ref, *path;
	int fd;
	berth_cancel *cancel;
	int rc;
	struct berth_error err;
};

static void *
cp_source_run(void *arg)
{
	struct cp_source *s = arg;
	s->rc = berth_copy_from_tar(s->ep, s->ref, s->path, s->fd, s->cancel, &s->err);
	close(s->fd);	/* the destination sees the stream end */
	return NULL;
}

/* Within one container: an engine locks the container while it sends an
 * archive (Docker does), so the stream goes through a file that is unlinked
 * at once, on the disk rather than in memory. */
static int
cp_spooled(struct cp_source *src, berth_endpoint *dst_ep, const char *dst_ref,
	   const char *dst_dir, struct berth_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/berth-cp-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		berth_fail(err, BERTH_EIO, "cannot make a file in %s: %s", tmp && *tmp ? tmp : "/tmp",
			   strerror(errno));
		free(path);
		return -1;
	}
	unlink(path);
	free(path);
	int rc = berth_copy_from_tar(src->ep, src->ref, src->path, fd, src->cancel, err);
	if (rc == 0 && lseek(fd, 0, SEEK_SET) < 0)
		rc = berth_fail(err, BERTH_EIO, "cannot read the copy back: %s", strerror(errno));
	if (rc == 0)
		rc = berth_copy_to_tar(dst_ep, fd, dst_ref, dst_dir, src->cancel, err);
	close(fd);
	return rc;
}

/* Stream src into dst; the source's failure is the one said when both fail
 * (a source cut short leaves the destination a short stream). */
static int
cp_stream(struct cp_source *src, berth_endpoint *dst_ep, const char *dst_ref,
	  const char *dst_dir, struct berth_error *err)
{
	int p[2];
	if (pipe(p) < 0)
		return berth_fail(err, BERTH_EIO, "cannot make a pipe: %s", strerror(errno));
	src->fd = p[1];
	pthread_t t;
	int e = berth_thread_start(&t, 0, false, cp_source_run, src);
	if (e) {
		close(p[0]);
		close(p[1]);
		return berth_fail(err, BERTH_EIO, "cannot start a thread: %s", strerror(e));
	}
	int rc = berth_copy_to_tar(dst_ep, p[0], dst_ref, dst_dir, src->cancel, err);
	close(p[0]);	/* a source still writing gets EPIPE and stops */
	pthread_join(t, NULL);
	if (src->rc < 0 && (rc == 0 || src->err.code != BERTH_EIO)) {
		*err = src->err;
		return -1;
	}
	return rc;
}

int
berth_copy_between(berth_endpoint *src_ep, const char *src_ref, const char *src_path,
		   berth_endpoint *dst_ep, const char *dst_ref, const char *dst_dir,
		   bool one_container, berth_cancel *cancel, struct berth_error *err)
{
	struct cp_source src = { .ep = src_ep, .ref = src_ref, .path = src_path, .cancel = cancel };
	return (one_container ? cp_spooled : cp_stream)(&src, dst_ep, dst_ref, dst_dir, err);
}
