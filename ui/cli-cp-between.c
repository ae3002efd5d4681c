/* cli-cp-between.c: berth cp CTR1:PATH CTR2:DIR, a copy from one container
 * into another, on one endpoint or on two of the -H endpoints. The source's
 * tar stream is read on a helper thread into a pipe whose other end feeds the
 * destination's upload, so memory stays bounded whatever the size. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "thread.h"
#include "util.h"

/* The one endpoint of the -H list (or the defaults) that has container ref,
 * and the container's id in *id; NULL with err filled when none has it, or
 * several (naming them). */
static berth_endpoint *
cp_find(struct cli *cli, char **specs, const char *ref, char **id, struct berth_error *err)
{
	berth_endpoint *found = NULL;
	struct buf names = { 0 };
	size_t n = 0;
	for (size_t i = 0; specs[i]; i++) {
		berth_endpoint *ep;
		struct berth_container *c;
		struct berth_error e = { 0 };
		if (berth_endpoint_open(specs[i], &cli->opts, &ep, &e) < 0) {
			*err = e;
			berth_endpoint_free(found);
			buf_free(&names);
			return NULL;
		}
		if (berth_inspect(ep, ref, true, &c, cli->cancel, &e) < 0) {
			if (e.code != BERTH_ENOTFOUND)
				*err = e;
			berth_endpoint_free(ep);
			continue;
		}
		buf_printf(&names, "%s%s", n++ ? ", " : "", berth_endpoint_name(ep));
		if (found) {
			berth_endpoint_free(ep);
		} else {
			found = ep;
			*id = xstrdup(c->id);
		}
		berth_container_free(c);
	}
	if (n > 1) {
		berth_fail(err, BERTH_ECONFLICT, "container %s is on several endpoints (%s): name it by "
			   "its id, or give only its endpoint with -H", ref, names.data);
		berth_endpoint_free(found);
		found = NULL;
		free(*id);
		*id = NULL;
	} else if (!found && err->code == BERTH_OK) {
		berth_fail(err, BERTH_ENOTFOUND, "no such container: %s", ref);
	}
	buf_free(&names);
	return found;
}

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
cp_spooled(struct cli *cli, struct cp_source *src, berth_endpoint *dst_ep, const char *dst_ref,
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
	int rc = berth_copy_from_tar(src->ep, src->ref, src->path, fd, cli->cancel, err);
	if (rc == 0 && lseek(fd, 0, SEEK_SET) < 0)
		rc = berth_fail(err, BERTH_EIO, "cannot read the copy back: %s", strerror(errno));
	if (rc == 0)
		rc = berth_copy_to_tar(dst_ep, fd, dst_ref, dst_dir, cli->cancel, err);
	close(fd);
	return rc;
}

/* Stream src into dst; the source's failure is the one said when both fail
 * (a source cut short leaves the destination a short stream). */
static int
cp_stream(struct cli *cli, struct cp_source *src, berth_endpoint *dst_ep, const char *dst_ref,
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
	int rc = berth_copy_to_tar(dst_ep, p[0], dst_ref, dst_dir, cli->cancel, err);
	close(p[0]);	/* a source still writing gets EPIPE and stops */
	pthread_join(t, NULL);
	if (src->rc < 0 && (rc == 0 || src->err.code != BERTH_EIO)) {
		*err = src->err;
		return -1;
	}
	return rc;
}

int
cli_cp_between(struct cli *cli, const char *src_ref, const char *src_path, const char *dst_ref,
	       const char *dst_dir)
{
	char **specs = cli_specs(cli);
	struct berth_error err = { 0 };
	struct cp_source src = { .ref = src_ref, .path = src_path, .cancel = cli->cancel };
	berth_endpoint *dst_ep = NULL;
	char *src_id = NULL, *dst_id = NULL;
	src.ep = cp_find(cli, specs, src_ref, &src_id, &err);
	if (src.ep) {
		err = (struct berth_error){ 0 };	/* an endpoint that did not answer */
		dst_ep = cp_find(cli, specs, dst_ref, &dst_id, &err);
	}
	berth_strv_free(specs);
	int rc = CLI_OK;
	if (!src.ep || !dst_ep ||
	    berth_refuse_if_read_only(dst_ep, "copying files into a container", &err) < 0) {
		rc = cli_fail(&err);
	} else {
		cli_catch_interrupt(cli);
		bool same = strcmp(src_id, dst_id) == 0 &&
			    strcmp(berth_endpoint_name(src.ep), berth_endpoint_name(dst_ep)) == 0;
		if ((same ? cp_spooled : cp_stream)(cli, &src, dst_ep, dst_ref, dst_dir, &err) < 0)
			rc = cli_fail(&err);
	}
	free(src_id);
	free(dst_id);
	berth_endpoint_free(src.ep);
	berth_endpoint_free(dst_ep);
	return rc;
}
